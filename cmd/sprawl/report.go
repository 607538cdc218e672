package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/sprawl-dev/sprawl/datastore"
	htmlreport "github.com/sprawl-dev/sprawl/report/html"
	"github.com/sprawl-dev/sprawl/report/inventory"
	"github.com/sprawl-dev/sprawl/report/load"
)

const reportUsage = `Usage: sprawl report [--db DB] [--html FILE] [--format text|json] [--out FILE] [RESULT.json ...]

Renders what scans and sweeps found, without scanning. RESULT files are a
scan's JSON output (sprawl scan --format json) or inventories (sprawl sweep
--inventory, one per shard); several are merged, identities joined across
repositories. Without RESULT files it reads the sweep datastore (--db,
$SPRAWL_DB, else sprawl.db in the cache folder); with them, only when --db is
given.

--html writes one self-contained HTML page: identities by verdict, charts
(age, copies and, from a datastore or inventory, new / fixed / still open
over sweeps) and the identity inventory as a sortable, filterable table.
Without --format or --out it then prints only where the page went.
Otherwise it prints the inventory: for a datastore alone, trends,
repositories, identities and cross-repository secrets; else the identity
table.

Flags:
`

// runReport renders stored results without scanning.
func runReport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sprawl report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "", "datastore written by sprawl sweep: SQLite `FILE` or postgres:// URL (default without RESULT files: $SPRAWL_DB, else sprawl.db in the cache folder)")
	format := fs.String("format", "text", "output `format`: text or json")
	out := fs.String("out", "", "write to `FILE` (default standard output)")
	htmlOut := fs.String("html", "", "write one self-contained HTML page to `FILE` (no secret values)")
	if code, ok := parseFlags(fs, args, reportUsage, ""); !ok {
		return code
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "sprawl report: unknown --format %q: use text or json\n", *format)
		return ExitError
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	fail := func(err error) int {
		fmt.Fprintf(stderr, "sprawl report: %v\n", err)
		return ExitError
	}

	// What to read: the RESULT files, and the datastore when asked (or
	// when there is nothing else).
	var inputs []*load.Input
	for _, path := range fs.Args() {
		in, err := load.File(path)
		if err != nil {
			return fail(err)
		}
		inputs = append(inputs, in)
	}
	var inv *datastore.Inventory
	if *db != "" || len(inputs) == 0 {
		if *db == "" {
			// SPRAWL_DB is read here, not made the flag default, so --help
			// never prints a connection string.
			*db = os.Getenv("SPRAWL_DB")
		}
		if *db == "" {
			*db = filepath.Join(defaultCacheDir(), "sprawl.db")
		}
		if !datastore.IsPostgresDSN(*db) {
			if _, err := os.Stat(*db); err != nil {
				fmt.Fprintf(stderr, "sprawl report: no datastore at %s (run sprawl sweep first): %v\n", *db, err)
				return ExitError
			}
		}
		store, err := datastore.OpenAny(ctx, *db)
		if err != nil {
			return fail(err)
		}
		inv, err = store.Inventory(ctx)
		store.Close()
		if err != nil {
			return fail(err)
		}
		inputs = append(inputs, load.Inventory(inv))
	}
	merged := load.Merge(inputs...)

	if *htmlOut != "" {
		if err := writeFile(*htmlOut, func(w io.Writer) error {
			return htmlreport.Write(w, merged.Report, merged.HTMLOptions(Version))
		}); err != nil {
			return fail(fmt.Errorf("writing the HTML report: %w", err))
		}
		if !set["format"] && !set["out"] {
			fmt.Fprintf(stdout, "HTML report written to %s\n", *htmlOut)
			return ExitClean
		}
	}

	write := func(w io.Writer) error {
		switch {
		case len(inputs) == 1 && inv != nil && *format == "json":
			return inv.WriteJSON(w)
		case len(inputs) == 1 && inv != nil:
			return inv.WriteText(w)
		case *format == "json":
			return inventory.Write(w, merged.Report, inventory.JSON)
		default:
			return inventory.Write(w, merged.Report, inventory.Text)
		}
	}
	var err error
	if *out != "" && *out != "-" {
		err = writeFile(*out, write)
	} else {
		err = write(stdout)
	}
	if err != nil {
		return fail(err)
	}
	return ExitClean
}

// writeFile creates path and writes it with fn.
func writeFile(path string, fn func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	err = fn(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
