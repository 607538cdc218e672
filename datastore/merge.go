package datastore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// MergeSummary says what Merge did.
type MergeSummary struct {
	// KeyID is the fingerprint key id the files (and the target) share.
	KeyID string
	Files []MergedFile
	// Repos are the URLs of the repositories the files hold, sorted.
	Repos []string
}

// MergedFile is one shard file's part in a merge.
type MergedFile struct {
	Path string
	// Sweeps counts the file's sweeps; NewSweeps those the target did not
	// have yet (a file merged twice adds none the second time).
	Sweeps, NewSweeps int
	Repos, Findings   int
	// Unfinished lists the sweeps that are the newest of their shard in
	// the file and did not finish: that shard's results are incomplete.
	Unfinished []Sweep
}

// KeyConflictError says that shard files (or the target) were made with
// different fingerprint keys. It names keys by KeyID only.
type KeyConflictError struct {
	// Files maps each key id to the files made with it; the target
	// datastore is listed as Target.
	Files  map[string][]string
	Target string
}

func (e *KeyConflictError) Error() string {
	ids := make([]string, 0, len(e.Files))
	for id := range e.Files {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var parts []string
	for _, id := range ids {
		parts = append(parts, fmt.Sprintf("key id %s in %s", id, strings.Join(e.Files[id], ", ")))
	}
	return "the shard files were swept with different fingerprint keys, so their fingerprints cannot be linked (" +
		strings.Join(parts, "; ") + "). Give every shard the same SPRAWL_FINGERPRINT_KEY and sweep again, " +
		"or merge only files with the same key id"
}

// mergeSource is one shard file being merged.
type mergeSource struct {
	path  string
	store *SQLite
	keyID string
	// ids maps the file's sweep ids to the target's; local maps the file's
	// sweep UIDs to its ids.
	ids   map[int64]int64
	local map[string]int64
}

func (m *mergeSource) mapID(local int64) (int64, error) {
	if local == 0 {
		return 0, nil
	}
	id, ok := m.ids[local]
	if !ok {
		return 0, fmt.Errorf("%s: sweep #%d is referenced but not recorded: the file is damaged", m.path, local)
	}
	return id, nil
}

// sqlBase gives Merge the shared implementation behind a Store.
func (s *sqlStore) sqlBase() *sqlStore { return s }

// Merge joins the SQLite datastores of sharded sweeps (each shard's --db
// file: fingerprints and redacted previews, never secrets) into dst, a
// SQLite or PostgreSQL store.
//
// Sweeps are copied once, recognised by their UID, and numbered in dst in
// order of their start time after the sweeps dst already has. Repositories,
// ref tips, sweep outcomes, findings and identities are upserted with the
// rules RecordRepo uses, on the numbered sweeps: first seen is the earliest,
// what describes the present (status, last seen, fixed, head) comes from
// the newest sweep. Then a file that swept a repository without seeing a
// finding dst holds for it is evidence that the finding is gone: it is
// fixed as of the file's first sweep of the repository after the finding
// was last seen, and identities the file no longer has are dropped. All of
// this is independent of the order of paths; merging a file again changes
// nothing. Files merged by separate calls are numbered call by call, so
// merge a repository's files in the order they were swept (or together).
//
// Every file, and dst when it has fingerprints, must have been made with
// the same fingerprint key (compared by KeyID): a *KeyConflictError
// otherwise, before anything is written.
func Merge(ctx context.Context, dst Store, paths []string) (*MergeSummary, error) {
	sb, ok := dst.(interface{ sqlBase() *sqlStore })
	if !ok {
		return nil, fmt.Errorf("datastore: merge into %T is not supported", dst)
	}
	d := sb.sqlBase()
	if len(paths) == 0 {
		return nil, errors.New("no shard files to merge: give the --db file of each shard")
	}
	var srcs []*mergeSource
	defer func() {
		for _, s := range srcs {
			s.store.Close()
		}
	}()
	given := map[string]string{}
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, fmt.Errorf("shard file %s: %w", p, err)
		}
		if prev, dup := given[abs]; dup {
			return nil, fmt.Errorf("shard file %s is given twice (also as %s)", p, prev)
		}
		given[abs] = p
		st, err := openShardFile(ctx, p)
		if err != nil {
			return nil, err
		}
		src := &mergeSource{path: p, store: st, ids: map[int64]int64{}, local: map[string]int64{}}
		srcs = append(srcs, src)
		if src.keyID, err = st.FingerprintKeyID(ctx); err != nil {
			return nil, fmt.Errorf("shard file %s: %w", p, err)
		}
		if src.keyID == "" {
			return nil, fmt.Errorf("shard file %s records no fingerprint key id (an older sprawl made it, or no sweep ran into it): "+
				"sweep into it with this version of sprawl, or leave it out", p)
		}
	}

	// One fingerprint key across the files and the target.
	dstKey, err := d.FingerprintKeyID(ctx)
	if err != nil {
		return nil, err
	}
	byKey := map[string][]string{}
	for _, s := range srcs {
		byKey[s.keyID] = append(byKey[s.keyID], s.path)
	}
	if dstKey != "" {
		byKey[dstKey] = append(byKey[dstKey], "the target datastore")
	}
	if len(byKey) > 1 {
		return nil, &KeyConflictError{Files: byKey}
	}
	sum := &MergeSummary{KeyID: srcs[0].keyID}
	if dstKey == "" {
		if _, err := d.db.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING`,
			fingerprintKeyIDName, []byte(sum.KeyID)); err != nil {
			return nil, fmt.Errorf("datastore: merge: %w", err)
		}
		if got, err := d.FingerprintKeyID(ctx); err != nil || got != sum.KeyID {
			if err == nil {
				err = &KeyConflictError{Files: map[string][]string{sum.KeyID: paths, got: {"the target datastore"}}}
			}
			return nil, err
		}
	}

	files := make([]MergedFile, len(srcs))
	if err := d.mergeSweeps(ctx, srcs, files); err != nil {
		return nil, err
	}
	repos := map[string]bool{}
	for i, src := range srcs {
		files[i].Path = src.path
		err := d.tx(ctx, func(tx *txx) error {
			return d.importSource(ctx, tx, src, &files[i], repos)
		})
		if err != nil {
			return nil, fmt.Errorf("merging %s: %w", src.path, err)
		}
	}
	if err := d.tx(ctx, func(tx *txx) error {
		ab := &absence{fix: map[absentKey]int64{}, drop: map[absentKey]bool{}}
		for _, src := range srcs {
			if err := d.collectAbsence(ctx, tx, src, ab); err != nil {
				return fmt.Errorf("%s: %w", src.path, err)
			}
		}
		return d.applyAbsence(ctx, tx, ab)
	}); err != nil {
		return nil, fmt.Errorf("merging: %w", err)
	}
	for u := range repos {
		sum.Repos = append(sum.Repos, u)
	}
	sort.Strings(sum.Repos)
	sum.Files = files
	return sum, nil
}

// openShardFile opens a shard's SQLite datastore, refusing files that are
// not one before anything is written to them.
func openShardFile(ctx context.Context, path string) (*SQLite, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("shard file %s: %w (give the --db file each shard swept into)", path, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("shard file %s is not a file (give the --db file each shard swept into)", path)
	}
	ro, err := sql.Open("sqlite", sqliteURI(path, "mode=ro"))
	if err != nil {
		return nil, fmt.Errorf("shard file %s: %w", path, err)
	}
	var n int
	err = ro.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&n)
	ro.Close()
	if err != nil {
		return nil, fmt.Errorf("shard file %s is not a sprawl datastore: %w", path, err)
	}
	if n == 0 {
		return nil, fmt.Errorf("shard file %s is not a sprawl datastore (it has no sprawl tables)", path)
	}
	s, err := Open(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("shard file %s: %w", path, err)
	}
	return s, nil
}

func loadSweeps(ctx context.Context, s *sqlStore) ([]Sweep, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+sweepCols+` FROM sweeps ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Sweep
	for rows.Next() {
		sw, err := scanSweep(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, sw)
	}
	return out, rows.Err()
}

// mergeSweeps numbers every file's sweeps in d: sweeps d has (by UID) keep
// their id (and are marked finished if a file says so), new ones are added
// in order of start time.
func (d *sqlStore) mergeSweeps(ctx context.Context, srcs []*mergeSource, files []MergedFile) error {
	have, err := loadSweeps(ctx, d)
	if err != nil {
		return fmt.Errorf("datastore: merge: %w", err)
	}
	byUID := map[string]Sweep{}
	for _, sw := range have {
		byUID[sw.UID] = sw
	}
	type pending struct {
		sw   Sweep
		srcs []*mergeSource
	}
	fresh := map[string]*pending{}
	var finish []Sweep
	for i, src := range srcs {
		sweeps, err := loadSweeps(ctx, src.store.sqlStore)
		if err != nil {
			return fmt.Errorf("shard file %s: %w", src.path, err)
		}
		files[i].Sweeps = len(sweeps)
		newest := map[string]Sweep{}
		for _, sw := range sweeps {
			newest[sw.Shard] = sw
			src.local[sw.UID] = sw.ID
			if old, ok := byUID[sw.UID]; ok {
				src.ids[sw.ID] = old.ID
				if sw.Status == SweepFinished && old.Status != SweepFinished {
					old.Finished, old.Status = sw.Finished, sw.Status
					finish = append(finish, old)
					byUID[sw.UID] = old
				}
				continue
			}
			p := fresh[sw.UID]
			if p == nil {
				p = &pending{sw: sw}
				fresh[sw.UID] = p
				files[i].NewSweeps++
			} else if sw.Status == SweepFinished {
				p.sw = sw // the same sweep, further along in this copy
			}
			p.srcs = append(p.srcs, src)
		}
		for _, sw := range newest {
			if sw.Status != SweepFinished {
				files[i].Unfinished = append(files[i].Unfinished, sw)
			}
		}
		sort.Slice(files[i].Unfinished, func(a, b int) bool { return files[i].Unfinished[a].ID < files[i].Unfinished[b].ID })
	}
	order := make([]*pending, 0, len(fresh))
	for _, p := range fresh {
		order = append(order, p)
	}
	sort.Slice(order, func(i, j int) bool {
		a, b := order[i].sw, order[j].sw
		if !a.Started.Equal(b.Started) {
			return a.Started.Before(b.Started)
		}
		return a.UID < b.UID
	})
	return d.tx(ctx, func(tx *txx) error {
		for _, p := range order {
			p.sw.ID = 0
			sw, err := d.insertSweep(ctx, tx, p.sw)
			if err != nil {
				return fmt.Errorf("datastore: merge: %w", err)
			}
			for _, src := range p.srcs {
				src.ids[src.local[sw.UID]] = sw.ID
			}
		}
		for _, sw := range finish {
			var fin any
			if sw.Finished != nil {
				fin = ts(*sw.Finished)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE sweeps SET status = ?, finished_at = ? WHERE id = ?`, sw.Status, fin, sw.ID); err != nil {
				return err
			}
		}
		return nil
	})
}

// srcRepo is one repository as a shard file records it.
type srcRepo struct {
	id                     int64
	url, name, head        string
	first, last            int64
	lastOutcome, lastError string
}

func loadRepos(ctx context.Context, s *sqlStore) ([]srcRepo, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, url, name, head, first_sweep, last_sweep, last_outcome, last_error FROM repos ORDER BY url`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []srcRepo
	for rows.Next() {
		var r srcRepo
		if err := rows.Scan(&r.id, &r.url, &r.name, &r.head, &r.first, &r.last, &r.lastOutcome, &r.lastError); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// queryAll runs q on a shard file and returns every row's values (a shard
// file has one connection: rows are read out before the next query).
func queryAll(ctx context.Context, s *sqlStore, n int, q string, args ...any) ([][]any, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]any
	for rows.Next() {
		vals := make([]any, n)
		ptrs := make([]any, n)
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		out = append(out, vals)
	}
	return out, rows.Err()
}

func asInt(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int:
		return int64(x)
	case int32:
		return int64(x)
	}
	return 0
}

func asString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	}
	return ""
}

// newer sets each column from the incoming row when that row was last
// seen in a sweep at least as new as the stored one.
func newer(table string, cols ...string) string {
	var b strings.Builder
	for _, c := range cols {
		fmt.Fprintf(&b, "%s = CASE WHEN excluded.last_sweep >= %s.last_sweep THEN excluded.%s ELSE %s.%s END,\n", c, table, c, table, c)
	}
	return b.String()
}

var (
	goodOutcomes = []any{RepoDone, RepoUpToDate}

	mergeRepoSQL = `INSERT INTO repos(url, name, first_sweep, last_sweep, last_outcome, last_error) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT(url) DO UPDATE SET ` + newer("repos", "name", "last_outcome", "last_error") + `
		first_sweep = CASE WHEN excluded.first_sweep < repos.first_sweep THEN excluded.first_sweep ELSE repos.first_sweep END,
		last_sweep = CASE WHEN excluded.last_sweep > repos.last_sweep THEN excluded.last_sweep ELSE repos.last_sweep END
		RETURNING id`

	mergeFindingSQL = `INSERT INTO findings(repo_id, fkey, rule, fingerprint, preview, kind, identity_key, path, line, commit_id,
		message, status, first_sweep, last_sweep, fixed_sweep, first_seen, last_seen, fixed_at, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(repo_id, fkey) DO UPDATE SET ` + newer("findings", "preview", "kind", "identity_key", "line", "message",
		"status", "last_seen", "fixed_sweep", "fixed_at") + `
		detail = CASE WHEN excluded.last_sweep >= findings.last_sweep AND excluded.detail <> '' THEN excluded.detail ELSE findings.detail END,
		commit_id = CASE WHEN findings.commit_id = '' OR (excluded.first_sweep < findings.first_sweep AND excluded.commit_id <> '')
			THEN excluded.commit_id ELSE findings.commit_id END,
		first_seen = CASE WHEN excluded.first_sweep < findings.first_sweep THEN excluded.first_seen ELSE findings.first_seen END,
		first_sweep = CASE WHEN excluded.first_sweep < findings.first_sweep THEN excluded.first_sweep ELSE findings.first_sweep END,
		last_sweep = CASE WHEN excluded.last_sweep > findings.last_sweep THEN excluded.last_sweep ELSE findings.last_sweep END`

	mergeIdentitySQL = `INSERT INTO identities(repo_id, ikey, kind, name, workload, recommendation, current_control, misfit, reasons,
		first_action, copies, first_sweep, last_sweep, first_seen, last_seen)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(repo_id, ikey) DO UPDATE SET ` + newer("identities", "kind", "name", "workload", "recommendation",
		"current_control", "misfit", "reasons", "first_action", "copies", "last_seen") + `
		first_seen = CASE WHEN excluded.first_sweep < identities.first_sweep THEN excluded.first_seen ELSE identities.first_seen END,
		first_sweep = CASE WHEN excluded.first_sweep < identities.first_sweep THEN excluded.first_sweep ELSE identities.first_sweep END,
		last_sweep = CASE WHEN excluded.last_sweep > identities.last_sweep THEN excluded.last_sweep ELSE identities.last_sweep END`
)

// importSource upserts one shard file's repositories into d.
func (d *sqlStore) importSource(ctx context.Context, tx *txx, src *mergeSource, mf *MergedFile, seen map[string]bool) error {
	s := src.store.sqlStore
	repos, err := loadRepos(ctx, s)
	if err != nil {
		return err
	}
	mf.Repos = len(repos)
	for _, r := range repos {
		seen[r.url] = true
		first, err := src.mapID(r.first)
		if err != nil {
			return err
		}
		last, err := src.mapID(r.last)
		if err != nil {
			return err
		}
		var rid int64
		if err := tx.QueryRowContext(ctx, mergeRepoSQL, r.url, r.name, first, last, r.lastOutcome, r.lastError).Scan(&rid); err != nil {
			return fmt.Errorf("%s: %w", r.name, err)
		}

		// Outcomes per sweep; head and ref tips follow the newest
		// successful sweep, whichever side has it.
		outs, err := queryAll(ctx, s, 8, `SELECT sweep_id, outcome, error, attempts, commits, findings, started_at, duration_ms
			FROM sweep_repos WHERE repo_id = ?`, r.id)
		if err != nil {
			return err
		}
		var inGood, dstGood int64
		for _, o := range outs {
			sid, err := src.mapID(asInt(o[0]))
			if err != nil {
				return err
			}
			o[0] = sid
			if oc := asString(o[1]); (oc == RepoDone || oc == RepoUpToDate) && sid > inGood {
				inGood = sid
			}
		}
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(sweep_id), 0) FROM sweep_repos WHERE repo_id = ? AND outcome IN (?, ?)`,
			rid, RepoDone, RepoUpToDate).Scan(&dstGood); err != nil {
			return err
		}
		if inGood > 0 && inGood >= dstGood {
			refs, err := queryAll(ctx, s, 2, `SELECT ref, commit_id FROM repo_refs WHERE repo_id = ? ORDER BY ref`, r.id)
			if err != nil {
				return err
			}
			if r.head != "" || len(refs) > 0 {
				if _, err := tx.ExecContext(ctx, `UPDATE repos SET head = ? WHERE id = ?`, r.head, rid); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `DELETE FROM repo_refs WHERE repo_id = ?`, rid); err != nil {
					return err
				}
				for _, ref := range refs {
					if _, err := tx.ExecContext(ctx, `INSERT INTO repo_refs(repo_id, ref, commit_id) VALUES (?, ?, ?)`,
						rid, asString(ref[0]), asString(ref[1])); err != nil {
						return err
					}
				}
			}
		}
		for _, o := range outs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO sweep_repos(sweep_id, repo_id, outcome, error, attempts, commits, findings, started_at, duration_ms)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT(sweep_id, repo_id) DO UPDATE SET outcome = excluded.outcome, error = excluded.error,
				attempts = excluded.attempts, commits = excluded.commits, findings = excluded.findings,
				started_at = excluded.started_at, duration_ms = excluded.duration_ms`,
				o[0], rid, asString(o[1]), asString(o[2]), asInt(o[3]), asInt(o[4]), asInt(o[5]), asString(o[6]), asInt(o[7])); err != nil {
				return err
			}
		}

		fs, err := queryAll(ctx, s, 18, `SELECT fkey, rule, fingerprint, preview, kind, identity_key, path, line, commit_id, message,
			status, first_sweep, last_sweep, fixed_sweep, first_seen, last_seen, fixed_at, detail FROM findings WHERE repo_id = ?`, r.id)
		if err != nil {
			return err
		}
		mf.Findings += len(fs)
		for _, f := range fs {
			var ids [3]int64
			for i, v := range f[11:14] {
				if ids[i], err = src.mapID(asInt(v)); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, mergeFindingSQL, rid, asString(f[0]), asString(f[1]), asString(f[2]), asString(f[3]),
				asString(f[4]), asString(f[5]), asString(f[6]), asInt(f[7]), asString(f[8]), asString(f[9]), asString(f[10]),
				ids[0], ids[1], ids[2], asString(f[14]), asString(f[15]), asString(f[16]), asString(f[17])); err != nil {
				return fmt.Errorf("%s: %w", r.name, err)
			}
		}

		idns, err := queryAll(ctx, s, 14, `SELECT ikey, kind, name, workload, recommendation, current_control, misfit, reasons,
			first_action, copies, first_sweep, last_sweep, first_seen, last_seen FROM identities WHERE repo_id = ?`, r.id)
		if err != nil {
			return err
		}
		for _, i := range idns {
			first, err := src.mapID(asInt(i[10]))
			if err != nil {
				return err
			}
			last, err := src.mapID(asInt(i[11]))
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, mergeIdentitySQL, rid, asString(i[0]), asString(i[1]), asString(i[2]), asString(i[3]),
				asString(i[4]), asString(i[5]), asInt(i[6]), asString(i[7]), asString(i[8]), asInt(i[9]), first, last,
				asString(i[12]), asString(i[13])); err != nil {
				return fmt.Errorf("%s: %w", r.name, err)
			}
		}
	}
	return nil
}

// absence is what the shard files say by not having something: findings
// to fix (the earliest sweep each is known gone at) and identities to drop.
type absence struct {
	fix  map[absentKey]int64
	drop map[absentKey]bool
}

type absentKey struct {
	repo int64
	key  string
}

// collectAbsence gathers what one shard file says by not having things.
// The first sweep of a repository into a datastore scans its whole history
// and later ones scan every new commit, so a finding the file lacks was not
// in the repository at any of the file's successful sweeps of it: if d
// last saw it before one of those, it is gone as of the first such sweep.
// An identity the file lacks was not there at its first sweep either: if d
// last saw it before that, it goes.
func (d *sqlStore) collectAbsence(ctx context.Context, tx *txx, src *mergeSource, ab *absence) error {
	s := src.store.sqlStore
	repos, err := loadRepos(ctx, s)
	if err != nil {
		return err
	}
	for _, r := range repos {
		goodRows, err := queryAll(ctx, s, 1, `SELECT sweep_id FROM sweep_repos WHERE repo_id = ? AND outcome IN (?, ?)`,
			append([]any{r.id}, goodOutcomes...)...)
		if err != nil {
			return err
		}
		if len(goodRows) == 0 {
			continue
		}
		var goods []int64
		for _, g := range goodRows {
			id, err := src.mapID(asInt(g[0]))
			if err != nil {
				return err
			}
			goods = append(goods, id)
		}
		sort.Slice(goods, func(i, j int) bool { return goods[i] < goods[j] })
		has := func(q string) (map[string]bool, error) {
			rows, err := queryAll(ctx, s, 1, q, r.id)
			if err != nil {
				return nil, err
			}
			m := make(map[string]bool, len(rows))
			for _, row := range rows {
				m[asString(row[0])] = true
			}
			return m, nil
		}
		fkeys, err := has(`SELECT fkey FROM findings WHERE repo_id = ?`)
		if err != nil {
			return err
		}
		ikeys, err := has(`SELECT ikey FROM identities WHERE repo_id = ?`)
		if err != nil {
			return err
		}
		var rid int64
		if err := tx.QueryRowContext(ctx, `SELECT id FROM repos WHERE url = ?`, r.url).Scan(&rid); err != nil {
			return fmt.Errorf("%s: %w", r.name, err)
		}
		rows, err := tx.QueryContext(ctx, `SELECT fkey, last_sweep FROM findings WHERE repo_id = ? AND status <> ?`, rid, StatusFixed)
		if err != nil {
			return err
		}
		for rows.Next() {
			var k string
			var last int64
			if err := rows.Scan(&k, &last); err != nil {
				rows.Close()
				return err
			}
			if fkeys[k] {
				continue
			}
			i := sort.Search(len(goods), func(i int) bool { return goods[i] > last })
			if i == len(goods) {
				continue
			}
			ak := absentKey{rid, k}
			if old, ok := ab.fix[ak]; !ok || goods[i] < old {
				ab.fix[ak] = goods[i]
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = tx.QueryContext(ctx, `SELECT ikey FROM identities WHERE repo_id = ? AND last_sweep < ?`, rid, goods[0])
		if err != nil {
			return err
		}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return err
			}
			if !ikeys[k] {
				ab.drop[absentKey{rid, k}] = true
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// applyAbsence fixes and drops what collectAbsence found, as a full sweep
// would: a finding still at the head is fixed as of that sweep (its start
// time); one only in history keeps the sweep it left the head in.
func (d *sqlStore) applyAbsence(ctx context.Context, tx *txx, ab *absence) error {
	keys := make([]absentKey, 0, len(ab.fix))
	for k := range ab.fix {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].repo != keys[j].repo {
			return keys[i].repo < keys[j].repo
		}
		return keys[i].key < keys[j].key
	})
	started := map[int64]string{}
	for _, k := range keys {
		sid := ab.fix[k]
		at, ok := started[sid]
		if !ok {
			if err := tx.QueryRowContext(ctx, `SELECT started_at FROM sweeps WHERE id = ?`, sid).Scan(&at); err != nil {
				return err
			}
			started[sid] = at
		}
		if _, err := tx.ExecContext(ctx, `UPDATE findings SET
			fixed_sweep = CASE WHEN status = ? THEN ? ELSE fixed_sweep END,
			fixed_at = CASE WHEN status = ? THEN ? ELSE fixed_at END,
			status = ?
			WHERE repo_id = ? AND fkey = ?`, StatusOpen, sid, StatusOpen, at, StatusFixed, k.repo, k.key); err != nil {
			return err
		}
	}
	for k := range ab.drop {
		if _, err := tx.ExecContext(ctx, `DELETE FROM identities WHERE repo_id = ? AND ikey = ?`, k.repo, k.key); err != nil {
			return err
		}
	}
	return nil
}
