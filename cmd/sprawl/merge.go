package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/sprawl-dev/sprawl/datastore"
	"github.com/sprawl-dev/sprawl/report/sarif"
)

const mergeUsage = `Usage: sprawl merge --db OUT [flags] SHARD.db ...

Joins the datastores the shards of a sweep wrote (the SQLite --db file of
each "sprawl sweep --shard i/n": fingerprints and redacted previews, no
secrets) into OUT, a SQLite file or a postgres:// URL: repositories, ref tips,
sweeps, findings and identities, with first seen / last seen / fixed as one
unsharded sweep would have them, whatever the order of the files. Then writes
what sweep writes: one SARIF file per repository and the inventory of
identities and secrets found in more than one repository. Merging a file
again changes nothing.

Every shard must have used the same SPRAWL_FINGERPRINT_KEY: files made with
different keys are refused (compared by key id, never by key).

Flags:
`

const mergeTail = `
Environment:
  SPRAWL_DB  default for --db

Exit codes: 0 nothing found, 1 findings (open or only in history) in the
merged repositories, 2 usage or fatal error (a file that is not a shard
datastore, different fingerprint keys; nothing is merged), 3 partial: a
shard's newest sweep did not finish, or repositories failed in their last
sweep (both are listed; the line "partial: ..." is printed).
`

func runMerge(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sprawl merge", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "", "datastore to merge into: SQLite `FILE` or postgres:// URL (default: $SPRAWL_DB)")
	sarifDir := fs.String("sarif-dir", "", "write one SARIF file per merged repository (failed ones excepted) into `DIR`")
	inventory := fs.String("inventory", "", "write the inventory as JSON to `FILE` (\"-\": standard output)")
	category := fs.String("category", "sprawl", "SARIF automationDetails `category` (the shards' sweep --category)")
	config := fs.String("config", "", "read extra rules (for SARIF rule metadata) from `FILE`")
	quiet := fs.Bool("quiet", false, "print only the summary, problems and errors")
	if code, ok := parseFlags(fs, args, mergeUsage, mergeTail); !ok {
		return code
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "sprawl merge: "+format+"\n", a...)
		return ExitError
	}
	logf := func(format string, a ...any) {
		if !*quiet {
			fmt.Fprintf(stderr, format+"\n", a...)
		}
	}
	files := fs.Args()
	if len(files) == 0 {
		return fail("no shard files: give the --db file of each shard, e.g. sprawl merge --db all.db shard-*.db")
	}
	if *db == "" {
		*db = os.Getenv("SPRAWL_DB") // not a flag default: --help would print it
	}
	if *db == "" {
		return fail("no datastore to merge into: give --db FILE or --db postgres://… (or set SPRAWL_DB)")
	}
	if !datastore.IsPostgresDSN(*db) {
		out, _ := filepath.Abs(*db)
		outInfo, outErr := os.Stat(*db)
		for _, f := range files {
			abs, _ := filepath.Abs(f)
			if fi, err := os.Stat(f); abs == out || (outErr == nil && err == nil && os.SameFile(fi, outInfo)) {
				return fail("%s is both the target (--db) and a shard file: merge into another file", f)
			}
		}
	}
	opts := sarif.Options{ToolVersion: Version, Category: *category}
	if *sarifDir != "" {
		settings, err := loadSettings(*config, nil, false)
		if err != nil {
			return fail("%v", err)
		}
		if _, opts.Rules, err = buildDetectors(settings); err != nil {
			return fail("%v", err)
		}
		if err := os.MkdirAll(*sarifDir, 0o755); err != nil {
			return fail("%v", err)
		}
	}

	store, err := datastore.OpenAny(ctx, *db)
	if err != nil {
		return fail("%v", err)
	}
	defer store.Close()
	sum, err := datastore.Merge(ctx, store, files)
	if err != nil {
		return fail("%v", err)
	}
	partial := false
	var unfinished []string
	for _, mf := range sum.Files {
		logf("merged %s: %d sweeps (%d new), %d repositories, %d findings", mf.Path, mf.Sweeps, mf.NewSweeps, mf.Repos, mf.Findings)
		for _, sw := range mf.Unfinished {
			what := fmt.Sprintf("%s: sweep #%d", mf.Path, sw.ID)
			if sw.Shard != "" {
				what += " (shard " + sw.Shard
				if sw.Run != "" {
					what += ", run " + sw.Run
				}
				what += ")"
			}
			unfinished = append(unfinished, what)
		}
	}

	inv, err := store.Inventory(ctx)
	if err != nil {
		return fail("%v", err)
	}
	merged := map[string]bool{}
	for _, u := range sum.Repos {
		merged[u] = true
	}
	var failed []datastore.InventoryRepo
	for _, r := range inv.Repos {
		if !merged[r.URL] {
			continue
		}
		if r.LastOutcome == datastore.RepoFailed {
			failed = append(failed, r)
			continue
		}
		if *sarifDir != "" {
			if err := writeStoredSARIF(ctx, store, *sarifDir, r.URL, r.Name, opts); err != nil {
				return fail("writing SARIF: %v", err)
			}
		}
	}
	open, dups := countIn(inv, merged)
	newSweeps := 0
	for _, mf := range sum.Files {
		newSweeps += mf.NewSweeps
	}
	fmt.Fprintf(stdout, "merged %d shard files (key id %s) into %s: %d repositories, %d new sweeps\n",
		len(sum.Files), sum.KeyID, datastore.RedactDSN(*db), len(sum.Repos), newSweeps)
	fmt.Fprintf(stdout, "%d findings not fixed in these repositories; %d secrets found in more than one repository\n", open, dups)
	if *inventory != "" {
		if err := writeInventory(*inventory, inv, stdout); err != nil {
			return fail("writing the inventory: %v", err)
		}
	}
	code := ExitClean
	if open > 0 {
		code = ExitFindings
	}
	if len(unfinished) > 0 {
		partial = true
		fmt.Fprintf(stdout, "\nunfinished shards (%d): run each again with the same --shard and --run, then merge again:\n  %s\n",
			len(unfinished), strings.Join(unfinished, "\n  "))
	}
	if len(failed) > 0 {
		partial = true
		fmt.Fprintf(stdout, "\nfailures (%d):\n", len(failed))
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "REPOSITORY\tERROR")
		for _, r := range failed {
			msg := strings.ReplaceAll(r.LastError, "\n", " ")
			if len(msg) > 160 {
				msg = msg[:160] + "…"
			}
			fmt.Fprintf(tw, "%s\t%s\n", r.Name, msg)
		}
		tw.Flush()
	}
	if partial {
		fmt.Fprintf(stdout, "partial: %d unfinished shards, %d of %d repositories failed in their last sweep\n",
			len(unfinished), len(failed), len(sum.Repos))
		code = exitPartial
	}
	return code
}
