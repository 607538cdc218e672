package datastore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Meta keys: the fingerprint key kept for sweeps that are given none, and
// the id (KeyID) of the key the stored fingerprints were made with.
const (
	fingerprintKeyName   = "fingerprint_key"
	fingerprintKeyIDName = "fingerprint_key_id"
)

// sqlStore is the Store both backends share: the same statements, written
// with ? placeholders that rebind turns into the backend's own.
//
// Writes are ordered by sweep id, not by arrival: a result from an older
// sweep that arrives after a newer one (shards finishing out of order, a
// resumed sweep) can move first seen earlier but never overwrites what the
// newer sweep recorded (last seen, status, head, fixed).
type sqlStore struct {
	db  *dbx
	now func() time.Time
	// snapshot, when set, are the options of the read-only transaction
	// Inventory runs in, so its queries see one state while shards write
	// (PostgreSQL: repeatable read; SQLite: a deferred transaction).
	snapshot *sql.TxOptions
}

// queryer runs queries on the store or in a transaction.
type queryer interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// dbx and txx rebind placeholders for the backend.
type dbx struct {
	db     *sql.DB
	rebind func(string) string
}

func (d *dbx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return d.db.ExecContext(ctx, d.rebind(q), args...)
}

func (d *dbx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return d.db.QueryContext(ctx, d.rebind(q), args...)
}

func (d *dbx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return d.db.QueryRowContext(ctx, d.rebind(q), args...)
}

type txx struct {
	tx     *sql.Tx
	rebind func(string) string
}

func (t *txx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(ctx, t.rebind(q), args...)
}

func (t *txx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(ctx, t.rebind(q), args...)
}

func (t *txx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, t.rebind(q), args...)
}

func noRebind(q string) string { return q }

// dollarRebind turns ? placeholders (outside quoted text) into $1, $2, ….
func dollarRebind(q string) string {
	var b strings.Builder
	n := 0
	quote := byte(0)
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// Close implements Store.
func (s *sqlStore) Close() error { return s.db.db.Close() }

// SchemaVersion returns the number of migrations applied.
func (s *sqlStore) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	return v, err
}

// migrate applies pending migrations, each in its own transaction. lock,
// when set, runs first in every transaction (PostgreSQL: an advisory lock,
// so shards opening the store at once migrate it once).
func (s *sqlStore) migrate(ctx context.Context, migs []string, lock func(*txx) error) error {
	for {
		done := false
		err := s.tx(ctx, func(tx *txx) error {
			if lock != nil {
				if err := lock(tx); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
				version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
				return err
			}
			var have int
			if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
				return err
			}
			if have > len(migs) {
				return fmt.Errorf("schema version %d is newer than this sprawl knows (%d); upgrade sprawl", have, len(migs))
			}
			if have == len(migs) {
				done = true
				return nil
			}
			v := have + 1
			if _, err := tx.ExecContext(ctx, migs[v-1]); err != nil {
				return fmt.Errorf("migration %d: %w", v, err)
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations(version, applied_at) VALUES (?, ?)`, v, ts(s.now()))
			return err
		})
		if err != nil {
			return fmt.Errorf("datastore: migrations: %w", err)
		}
		if done {
			return nil
		}
	}
}

func (s *sqlStore) tx(ctx context.Context, fn func(*txx) error) error {
	t, err := s.db.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(&txx{tx: t, rebind: s.db.rebind}); err != nil {
		t.Rollback()
		return err
	}
	return t.Commit()
}

func ts(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func parseTS(v string) *time.Time {
	if v == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return nil
	}
	return &t
}

// FingerprintKey implements Store.
func (s *sqlStore) FingerprintKey(ctx context.Context) ([]byte, error) {
	var key []byte
	err := s.tx(ctx, func(tx *txx) error {
		err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, fingerprintKeyName).Scan(&key)
		if err == nil {
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return err
		}
		// Another shard may store its key first: keep whichever won.
		if _, err = tx.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING`, fingerprintKeyName, key); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, fingerprintKeyName).Scan(&key)
	})
	if err != nil {
		return nil, fmt.Errorf("datastore: fingerprint key: %w", err)
	}
	return key, nil
}

// BindFingerprintKey implements Store.
func (s *sqlStore) BindFingerprintKey(ctx context.Context, key []byte) error {
	id := KeyID(key)
	var stored []byte
	err := s.tx(ctx, func(tx *txx) error {
		// The first sweep records its key's id; later ones compare. Shards
		// starting at once: whichever inserts first wins, the rest compare.
		if _, err := tx.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING`,
			fingerprintKeyIDName, []byte(id)); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, fingerprintKeyIDName).Scan(&stored)
	})
	if err != nil {
		return fmt.Errorf("datastore: fingerprint key id: %w", err)
	}
	if string(stored) != id {
		return &KeyMismatchError{Where: "the datastore", Stored: string(stored), Given: id}
	}
	return nil
}

// FingerprintKeyID implements Store.
func (s *sqlStore) FingerprintKeyID(ctx context.Context) (string, error) {
	var v []byte
	err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, fingerprintKeyIDName).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("datastore: fingerprint key id: %w", err)
	}
	return string(v), nil
}

func newUID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

const sweepCols = `id, started_at, COALESCE(finished_at, ''), status, shard, run, uid`

type rowScanner interface{ Scan(...any) error }

func scanSweep(r rowScanner) (Sweep, error) {
	var sw Sweep
	var st, fin string
	if err := r.Scan(&sw.ID, &st, &fin, &sw.Status, &sw.Shard, &sw.Run, &sw.UID); err != nil {
		return sw, err
	}
	if t := parseTS(st); t != nil {
		sw.Started = *t
	}
	sw.Finished = parseTS(fin)
	return sw, nil
}

// BeginSweep implements Store.
func (s *sqlStore) BeginSweep(ctx context.Context, shard string) (Sweep, error) {
	sw, err := s.insertSweep(ctx, s.db, Sweep{Started: s.now().UTC(), Status: SweepRunning, Shard: shard})
	if err != nil {
		return sw, fmt.Errorf("datastore: begin sweep: %w", err)
	}
	return sw, nil
}

type querier interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// insertSweep inserts sw (a new UID unless it has one) and returns it with
// its id.
func (s *sqlStore) insertSweep(ctx context.Context, q querier, sw Sweep) (Sweep, error) {
	if sw.UID == "" {
		var err error
		if sw.UID, err = newUID(); err != nil {
			return sw, err
		}
	}
	var fin any
	if sw.Finished != nil {
		fin = ts(*sw.Finished)
	}
	err := q.QueryRowContext(ctx, `INSERT INTO sweeps(started_at, finished_at, status, shard, run, uid) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		ts(sw.Started), fin, sw.Status, sw.Shard, sw.Run, sw.UID).Scan(&sw.ID)
	return sw, err
}

// OpenRun implements Store.
func (s *sqlStore) OpenRun(ctx context.Context, run, shard string) (Sweep, bool, error) {
	if run == "" {
		return Sweep{}, false, errors.New("datastore: a run needs a name")
	}
	uid, err := newUID()
	if err != nil {
		return Sweep{}, false, err
	}
	// Insert unless the (run, shard) sweep exists, then read whichever is
	// there: two processes of one shard starting at once share a sweep.
	res, err := s.db.ExecContext(ctx, `INSERT INTO sweeps(started_at, status, shard, run, uid) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT(run, shard) WHERE run <> '' DO NOTHING`, ts(s.now()), SweepRunning, shard, run, uid)
	if err != nil {
		return Sweep{}, false, fmt.Errorf("datastore: run %q: %w", run, err)
	}
	n, _ := res.RowsAffected()
	sw, err := scanSweep(s.db.QueryRowContext(ctx, `SELECT `+sweepCols+` FROM sweeps WHERE run = ? AND shard = ?`, run, shard))
	if err != nil {
		return sw, false, fmt.Errorf("datastore: run %q: %w", run, err)
	}
	return sw, n == 0 && sw.UID != uid, nil
}

// ResumeSweep implements Store. Sweeps of named runs are continued by
// OpenRun, not here.
func (s *sqlStore) ResumeSweep(ctx context.Context, shard string) (Sweep, error) {
	sw, err := scanSweep(s.db.QueryRowContext(ctx, `SELECT `+sweepCols+` FROM sweeps
		WHERE status = ? AND shard = ? AND run = '' ORDER BY id DESC LIMIT 1`, SweepRunning, shard))
	if errors.Is(err, sql.ErrNoRows) {
		return sw, ErrNoSweep
	}
	if err != nil {
		return sw, fmt.Errorf("datastore: resume: %w", err)
	}
	return sw, nil
}

// FinishSweep implements Store.
func (s *sqlStore) FinishSweep(ctx context.Context, id int64) error {
	_, err := s.db.ExecContext(ctx, `UPDATE sweeps SET status = ?, finished_at = ? WHERE id = ?`,
		SweepFinished, ts(s.now()), id)
	if err != nil {
		return fmt.Errorf("datastore: finish sweep: %w", err)
	}
	return nil
}

// Finished implements Store.
func (s *sqlStore) Finished(ctx context.Context, id int64) (map[string]bool, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT r.url FROM sweep_repos sr JOIN repos r ON r.id = sr.repo_id
		WHERE sr.sweep_id = ? AND sr.outcome IN (?, ?)`, id, RepoDone, RepoUpToDate)
	if err != nil {
		return nil, fmt.Errorf("datastore: %w", err)
	}
	defer rows.Close()
	done := map[string]bool{}
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			return nil, err
		}
		done[u] = true
	}
	return done, rows.Err()
}

// RepoState implements Store.
func (s *sqlStore) RepoState(ctx context.Context, url string) (RepoState, bool, error) {
	st := RepoState{URL: url, Tips: map[string]string{}}
	var id int64
	err := s.db.QueryRowContext(ctx, `SELECT id, name, head FROM repos WHERE url = ?`, url).Scan(&id, &st.Name, &st.Head)
	if errors.Is(err, sql.ErrNoRows) {
		return st, false, nil
	}
	if err != nil {
		return st, false, fmt.Errorf("datastore: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT ref, commit_id FROM repo_refs WHERE repo_id = ?`, id)
	if err != nil {
		return st, false, fmt.Errorf("datastore: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var ref, c string
		if err := rows.Scan(&ref, &c); err != nil {
			return st, false, err
		}
		st.Tips[ref] = c
	}
	return st, true, rows.Err()
}

const findingCols = `r.url, f.fkey, f.rule, f.fingerprint, f.preview, f.kind, f.identity_key, f.path, f.line,
	f.commit_id, f.message, f.status, f.first_sweep, f.last_sweep, f.fixed_sweep, f.first_seen, f.last_seen, f.fixed_at`

func scanFinding(rows *sql.Rows, detail bool) (Finding, error) {
	var f Finding
	var first, last, fixed, det string
	dest := []any{&f.Repo, &f.Key, &f.Rule, &f.Fingerprint, &f.Preview, &f.Kind, &f.IdentityKey, &f.Path, &f.Line,
		&f.Commit, &f.Message, &f.Status, &f.FirstSweep, &f.LastSweep, &f.FixedSweep, &first, &last, &fixed}
	if detail {
		dest = append(dest, &det)
	}
	err := rows.Scan(dest...)
	f.FirstSeen, f.LastSeen, f.Fixed = parseTS(first), parseTS(last), parseTS(fixed)
	f.InHead = f.Status == StatusOpen
	if det != "" {
		f.Detail = []byte(det)
	}
	return f, err
}

func (s *sqlStore) queryFindings(ctx context.Context, q queryer, detail bool, where string, args ...any) ([]Finding, error) {
	cols := findingCols
	if detail {
		cols += ", f.detail"
	}
	rows, err := q.QueryContext(ctx, `SELECT `+cols+` FROM findings f JOIN repos r ON r.id = f.repo_id `+
		where+` ORDER BY r.url, f.path, f.line, f.rule, f.fkey`, args...)
	if err != nil {
		return nil, fmt.Errorf("datastore: %w", err)
	}
	defer rows.Close()
	var out []Finding
	for rows.Next() {
		f, err := scanFinding(rows, detail)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// OpenFindings implements Store.
func (s *sqlStore) OpenFindings(ctx context.Context, url string) ([]Finding, error) {
	return s.queryFindings(ctx, s.db, false, `WHERE r.url = ? AND f.status = ?`, url, StatusOpen)
}

// RepoFindings implements Store.
func (s *sqlStore) RepoFindings(ctx context.Context, url string) ([]Finding, error) {
	return s.queryFindings(ctx, s.db, true, `WHERE r.url = ? AND f.status <> ?`, url, StatusFixed)
}

// RecordRepo implements Store.
//
// The repository row is upserted first: on PostgreSQL that locks it until
// commit, so results for one repository (retries, shards that overlap) are
// applied one after another, never interleaved.
//
// Times (first seen, last seen, fixed) are the start time of the sweep, not
// of the write, so they are ordered as the sweeps are: a shard of an older
// sweep that records late cannot make first seen later than last seen.
func (s *sqlStore) RecordRepo(ctx context.Context, r RepoResult) error {
	sid := r.SweepID
	err := s.tx(ctx, func(tx *txx) error {
		var now string
		if err := tx.QueryRowContext(ctx, `SELECT started_at FROM sweeps WHERE id = ?`, sid).Scan(&now); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("sweep #%d is not in the datastore", sid)
			}
			return err
		}
		var id, last int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO repos(url, name, first_sweep, last_sweep) VALUES (?, ?, ?, ?)
			ON CONFLICT(url) DO UPDATE SET
			first_sweep = CASE WHEN excluded.first_sweep < repos.first_sweep THEN excluded.first_sweep ELSE repos.first_sweep END
			RETURNING id`, r.URL, r.Name, sid, sid).Scan(&id); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT last_sweep FROM repos WHERE id = ?`, id).Scan(&last); err != nil {
			return err
		}
		// newer: this result is from the newest sweep that has touched the
		// repository, so it says what the repository looks like now.
		newer := sid >= last
		if newer {
			if _, err := tx.ExecContext(ctx, `UPDATE repos SET name = ?, last_sweep = ?, last_outcome = ?, last_error = ? WHERE id = ?`,
				r.Name, sid, r.Outcome, r.Error, id); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sweep_repos(sweep_id, repo_id, outcome, error, attempts, commits, findings, started_at, duration_ms)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT(sweep_id, repo_id) DO UPDATE SET outcome = excluded.outcome, error = excluded.error,
			attempts = sweep_repos.attempts + excluded.attempts, commits = excluded.commits, findings = excluded.findings,
			started_at = excluded.started_at, duration_ms = excluded.duration_ms`,
			sid, id, r.Outcome, r.Error, r.Attempts, r.Commits, len(r.Findings), ts(r.Started), r.Duration.Milliseconds()); err != nil {
			return err
		}
		if r.Outcome == RepoFailed {
			return nil
		}
		if newer && (r.Head != "" || len(r.Tips) > 0) {
			if _, err := tx.ExecContext(ctx, `UPDATE repos SET head = ? WHERE id = ?`, r.Head, id); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM repo_refs WHERE repo_id = ?`, id); err != nil {
				return err
			}
			refs := make([]string, 0, len(r.Tips))
			for ref := range r.Tips {
				refs = append(refs, ref)
			}
			sort.Strings(refs)
			for _, ref := range refs {
				if _, err := tx.ExecContext(ctx, `INSERT INTO repo_refs(repo_id, ref, commit_id) VALUES (?, ?, ?)`, id, ref, r.Tips[ref]); err != nil {
					return err
				}
			}
		}
		seen := map[string]bool{}
		for _, f := range r.Findings {
			seen[f.Key] = true
			status := StatusHistory
			if f.InHead {
				status = StatusOpen
			}
			// Columns describing the present take the incoming value only
			// when it is at least as new as the stored one (n).
			if _, err := tx.ExecContext(ctx, `INSERT INTO findings(repo_id, fkey, rule, fingerprint, preview, kind, identity_key,
				path, line, commit_id, message, status, first_sweep, last_sweep, first_seen, last_seen, detail)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT(repo_id, fkey) DO UPDATE SET
				line = CASE WHEN excluded.last_sweep >= findings.last_sweep THEN excluded.line ELSE findings.line END,
				detail = CASE WHEN excluded.last_sweep >= findings.last_sweep AND excluded.detail <> '' THEN excluded.detail ELSE findings.detail END,
				commit_id = CASE WHEN findings.commit_id = '' THEN excluded.commit_id ELSE findings.commit_id END,
				preview = CASE WHEN excluded.last_sweep >= findings.last_sweep THEN excluded.preview ELSE findings.preview END,
				kind = CASE WHEN excluded.last_sweep >= findings.last_sweep THEN excluded.kind ELSE findings.kind END,
				identity_key = CASE WHEN excluded.last_sweep >= findings.last_sweep THEN excluded.identity_key ELSE findings.identity_key END,
				message = CASE WHEN excluded.last_sweep >= findings.last_sweep THEN excluded.message ELSE findings.message END,
				first_sweep = CASE WHEN excluded.first_sweep < findings.first_sweep THEN excluded.first_sweep ELSE findings.first_sweep END,
				first_seen = CASE WHEN excluded.first_sweep < findings.first_sweep THEN excluded.first_seen ELSE findings.first_seen END,
				fixed_sweep = CASE WHEN excluded.last_sweep < findings.last_sweep THEN findings.fixed_sweep
					WHEN excluded.status = 'open' THEN 0 WHEN findings.status = 'open' THEN excluded.last_sweep ELSE findings.fixed_sweep END,
				fixed_at = CASE WHEN excluded.last_sweep < findings.last_sweep THEN findings.fixed_at
					WHEN excluded.status = 'open' THEN '' WHEN findings.status = 'open' THEN excluded.last_seen ELSE findings.fixed_at END,
				status = CASE WHEN excluded.last_sweep >= findings.last_sweep THEN excluded.status ELSE findings.status END,
				last_seen = CASE WHEN excluded.last_sweep >= findings.last_sweep THEN excluded.last_seen ELSE findings.last_seen END,
				last_sweep = CASE WHEN excluded.last_sweep >= findings.last_sweep THEN excluded.last_sweep ELSE findings.last_sweep END`,
				id, f.Key, f.Rule, f.Fingerprint, f.Preview, f.Kind, f.IdentityKey, f.Path, f.Line, f.Commit, f.Message,
				status, sid, sid, now, now, string(f.Detail)); err != nil {
				return err
			}
		}
		for _, k := range r.LeftHead {
			if seen[k] {
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE findings SET status = ?, fixed_sweep = ?, fixed_at = ?
				WHERE repo_id = ? AND fkey = ? AND status = ? AND last_sweep <= ?`,
				StatusHistory, sid, now, id, k, StatusOpen, sid); err != nil {
				return err
			}
		}
		if r.Full {
			// Everything not seen in a full scan is gone from the repository,
			// unless a newer sweep has seen it since.
			rows, err := tx.QueryContext(ctx, `SELECT fkey FROM findings WHERE repo_id = ? AND status <> ? AND last_sweep <= ?`,
				id, StatusFixed, sid)
			if err != nil {
				return err
			}
			var gone []string
			for rows.Next() {
				var k string
				if err := rows.Scan(&k); err != nil {
					rows.Close()
					return err
				}
				if !seen[k] {
					gone = append(gone, k)
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for _, k := range gone {
				if _, err := tx.ExecContext(ctx, `UPDATE findings SET status = ?,
					fixed_sweep = CASE WHEN status = 'open' THEN ? ELSE fixed_sweep END,
					fixed_at = CASE WHEN status = 'open' THEN ? ELSE fixed_at END
					WHERE repo_id = ? AND fkey = ?`, StatusFixed, sid, now, id, k); err != nil {
					return err
				}
			}
			if newer {
				if _, err := tx.ExecContext(ctx, `DELETE FROM identities WHERE repo_id = ? AND last_sweep <= ?`, id, sid); err != nil {
					return err
				}
			}
		}
		for _, idn := range r.Identities {
			reasons, _ := json.Marshal(idn.Reasons)
			misfit := 0
			if idn.Misfit {
				misfit = 1
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO identities(repo_id, ikey, kind, name, workload, recommendation,
				current_control, misfit, reasons, first_action, copies, first_sweep, last_sweep, first_seen, last_seen)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT(repo_id, ikey) DO UPDATE SET
				kind = CASE WHEN excluded.last_sweep >= identities.last_sweep THEN excluded.kind ELSE identities.kind END,
				name = CASE WHEN excluded.last_sweep >= identities.last_sweep THEN excluded.name ELSE identities.name END,
				workload = CASE WHEN excluded.last_sweep >= identities.last_sweep THEN excluded.workload ELSE identities.workload END,
				recommendation = CASE WHEN excluded.last_sweep >= identities.last_sweep THEN excluded.recommendation ELSE identities.recommendation END,
				current_control = CASE WHEN excluded.last_sweep >= identities.last_sweep THEN excluded.current_control ELSE identities.current_control END,
				misfit = CASE WHEN excluded.last_sweep >= identities.last_sweep THEN excluded.misfit ELSE identities.misfit END,
				reasons = CASE WHEN excluded.last_sweep >= identities.last_sweep THEN excluded.reasons ELSE identities.reasons END,
				first_action = CASE WHEN excluded.last_sweep >= identities.last_sweep THEN excluded.first_action ELSE identities.first_action END,
				copies = CASE WHEN excluded.last_sweep >= identities.last_sweep THEN excluded.copies ELSE identities.copies END,
				first_sweep = CASE WHEN excluded.first_sweep < identities.first_sweep THEN excluded.first_sweep ELSE identities.first_sweep END,
				first_seen = CASE WHEN excluded.first_sweep < identities.first_sweep THEN excluded.first_seen ELSE identities.first_seen END,
				last_seen = CASE WHEN excluded.last_sweep >= identities.last_sweep THEN excluded.last_seen ELSE identities.last_seen END,
				last_sweep = CASE WHEN excluded.last_sweep >= identities.last_sweep THEN excluded.last_sweep ELSE identities.last_sweep END`,
				id, idn.Key, idn.Kind, idn.Name, idn.Workload, idn.Recommendation, idn.CurrentControl, misfit,
				string(reasons), idn.FirstAction, idn.Copies, sid, sid, now, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("datastore: record %s: %w", r.Name, err)
	}
	return nil
}

// SweepRepos implements Store.
func (s *sqlStore) SweepRepos(ctx context.Context, id int64) ([]SweepRepo, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT r.url, r.name, sr.outcome, sr.error, sr.attempts, sr.commits, sr.findings, sr.duration_ms
		FROM sweep_repos sr JOIN repos r ON r.id = sr.repo_id WHERE sr.sweep_id = ? ORDER BY r.url`, id)
	if err != nil {
		return nil, fmt.Errorf("datastore: %w", err)
	}
	defer rows.Close()
	var out []SweepRepo
	for rows.Next() {
		var r SweepRepo
		var ms int64
		if err := rows.Scan(&r.URL, &r.Name, &r.Outcome, &r.Error, &r.Attempts, &r.Commits, &r.Findings, &ms); err != nil {
			return nil, err
		}
		r.Duration = time.Duration(ms) * time.Millisecond
		out = append(out, r)
	}
	return out, rows.Err()
}

// Inventory implements Store.
func (s *sqlStore) Inventory(ctx context.Context) (*Inventory, error) {
	if s.snapshot == nil {
		return s.inventory(ctx, s.db)
	}
	t, err := s.db.db.BeginTx(ctx, s.snapshot)
	if err != nil {
		return nil, fmt.Errorf("datastore: %w", err)
	}
	defer t.Rollback()
	return s.inventory(ctx, &txx{tx: t, rebind: s.db.rebind})
}

func (s *sqlStore) inventory(ctx context.Context, q queryer) (*Inventory, error) {
	inv := &Inventory{Generated: s.now().UTC()}
	// Sweeps.
	rows, err := q.QueryContext(ctx, `SELECT `+sweepCols+` FROM sweeps ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("datastore: %w", err)
	}
	for rows.Next() {
		sw, err := scanSweep(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		inv.Sweeps = append(inv.Sweeps, sw)
	}
	rows.Close()

	// Repositories.
	rows, err = q.QueryContext(ctx, `SELECT r.url, r.name, r.head, r.last_sweep, r.last_outcome, r.last_error,
		COALESCE(SUM(CASE WHEN f.status = 'open' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN f.status = 'history' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN f.status = 'fixed' THEN 1 ELSE 0 END), 0)
		FROM repos r LEFT JOIN findings f ON f.repo_id = r.id GROUP BY r.id ORDER BY r.url`)
	if err != nil {
		return nil, fmt.Errorf("datastore: %w", err)
	}
	for rows.Next() {
		var r InventoryRepo
		if err := rows.Scan(&r.URL, &r.Name, &r.Head, &r.LastSweep, &r.LastOutcome, &r.LastError, &r.Open, &r.History, &r.Fixed); err != nil {
			rows.Close()
			return nil, err
		}
		inv.Repos = append(inv.Repos, r)
	}
	rows.Close()

	// Findings not fixed, and trends.
	all, err := s.queryFindings(ctx, q, false, ``)
	if err != nil {
		return nil, err
	}
	// The newest sweep, and with it every sweep of its run: the shards of
	// one run are one sweep for trends.
	// Newest by start time: merged sweeps are numbered in merge order.
	latest := map[int64]bool{}
	if n := len(inv.Sweeps); n > 0 {
		newest := inv.Sweeps[n-1]
		for _, sw := range inv.Sweeps {
			if sw.Started.After(newest.Started) || (sw.Started.Equal(newest.Started) && sw.ID > newest.ID) {
				newest = sw
			}
		}
		inv.Trends.LastSweep, inv.Trends.LastRun = newest.ID, newest.Run
		for _, sw := range inv.Sweeps {
			if sw.ID == newest.ID || (newest.Run != "" && sw.Run == newest.Run) {
				latest[sw.ID] = true
				inv.Trends.LastRunSweeps++
			}
		}
	}
	for _, f := range all {
		switch f.Status {
		case StatusOpen:
			inv.Trends.Open++
		case StatusHistory:
			inv.Trends.History++
		case StatusFixed:
			inv.Trends.Fixed++
		}
		if latest[f.FirstSweep] && f.Status != StatusFixed {
			inv.Trends.New++
		}
		if latest[f.FixedSweep] && f.Status != StatusOpen {
			inv.Trends.FixedInLast++
		}
		if f.Status != StatusFixed {
			inv.Findings = append(inv.Findings, f)
		}
	}
	inv.Duplicates = duplicates(all)
	inv.Timeline = timeline(inv.Sweeps, all)

	// Identities across repositories.
	rows, err = q.QueryContext(ctx, `SELECT r.url, i.ikey, i.kind, i.name, i.workload, i.recommendation, i.current_control,
		i.misfit, i.reasons, i.first_action, i.copies, i.first_seen, i.last_seen
		FROM identities i JOIN repos r ON r.id = i.repo_id ORDER BY i.ikey, r.url`)
	if err != nil {
		return nil, fmt.Errorf("datastore: %w", err)
	}
	byKey := map[string]*InventoryIdentity{}
	for rows.Next() {
		var url, reasons, first, last string
		var idn Identity
		if err := rows.Scan(&url, &idn.Key, &idn.Kind, &idn.Name, &idn.Workload, &idn.Recommendation, &idn.CurrentControl,
			&idn.Misfit, &reasons, &idn.FirstAction, &idn.Copies, &first, &last); err != nil {
			rows.Close()
			return nil, err
		}
		_ = json.Unmarshal([]byte(reasons), &idn.Reasons)
		ii := byKey[idn.Key]
		if ii == nil {
			ii = &InventoryIdentity{Identity: idn, FirstSeen: parseTS(first), LastSeen: parseTS(last)}
			ii.Reasons = nil
			byKey[idn.Key] = ii
			inv.Identities = append(inv.Identities, ii)
		} else {
			ii.Copies += idn.Copies
			ii.Misfit = ii.Misfit || idn.Misfit
			if t := parseTS(first); t != nil && (ii.FirstSeen == nil || t.Before(*ii.FirstSeen)) {
				ii.FirstSeen = t
			}
			if t := parseTS(last); t != nil && (ii.LastSeen == nil || t.After(*ii.LastSeen)) {
				ii.LastSeen = t
			}
		}
		ii.Repos = append(ii.Repos, url)
		ii.Reasons = union(ii.Reasons, idn.Reasons)
	}
	rows.Close()
	for _, ii := range inv.Identities {
		if len(ii.Repos) > 1 {
			ii.Reasons = union(ii.Reasons, []string{fmt.Sprintf("used in %d repositories", len(ii.Repos))})
			ii.Misfit = true
		}
	}
	return inv, rows.Err()
}

// duplicates groups findings that are not fixed by fingerprint and keeps
// those found in two or more repositories.
func duplicates(all []Finding) []Duplicate {
	by := map[string]*Duplicate{}
	var order []string
	for _, f := range all {
		if f.Fingerprint == "" || f.Status == StatusFixed || !strings.HasPrefix(f.Rule, "secret/") {
			continue
		}
		d := by[f.Fingerprint]
		if d == nil {
			d = &Duplicate{Fingerprint: f.Fingerprint, Preview: f.Preview, Kind: f.Kind}
			by[f.Fingerprint] = d
			order = append(order, f.Fingerprint)
		}
		d.Places = append(d.Places, Place{Repo: f.Repo, Path: f.Path, Line: f.Line, Commit: f.Commit, Status: f.Status})
		if !contains(d.Repos, f.Repo) {
			d.Repos = append(d.Repos, f.Repo)
		}
	}
	var out []Duplicate
	for _, fp := range order {
		if d := by[fp]; len(d.Repos) > 1 {
			sort.Strings(d.Repos)
			out = append(out, *d)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if len(out[i].Repos) != len(out[j].Repos) {
			return len(out[i].Repos) > len(out[j].Repos)
		}
		return out[i].Fingerprint < out[j].Fingerprint
	})
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func union(a, b []string) []string {
	for _, v := range b {
		if !contains(a, v) {
			a = append(a, v)
		}
	}
	return a
}
