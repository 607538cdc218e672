package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/sprawl-dev/sprawl/baseline"
)

// runBaseline handles "sprawl baseline create".
func runBaseline(ctx context.Context, args []string, in io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprint(stderr, "Usage: sprawl baseline create [scan flags] [--out FILE] [PATH ...]\n\nRecords today's findings (keys, no secrets) so that `sprawl scan --baseline FILE` reports only new ones.\n")
		return ExitError
	}
	var f scanFlags
	fs := flag.NewFlagSet("sprawl baseline create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	f.register(fs)
	fs.Lookup("out").Usage = "write the baseline to `FILE`"
	fs.Lookup("out").DefValue = ".sprawl-baseline.json"
	fs.Usage = scanUsage(fs, "sprawl baseline create [flags] [PATH ...]")
	if code, ok := f.parse(args[1:]); !ok {
		return code
	}
	if f.out == "" {
		f.out = ".sprawl-baseline.json"
	}
	o, code := scan(ctx, &f, in, stderr)
	if o == nil {
		return code
	}
	b := baseline.New(o.rep.Findings, time.Now())
	w := stdout
	if f.out != "-" {
		file, err := os.Create(f.out)
		if err != nil {
			fmt.Fprintf(stderr, "sprawl: cannot write the baseline: %v\n", err)
			return ExitError
		}
		defer file.Close()
		w = file
	}
	if err := b.Write(w); err != nil {
		fmt.Fprintf(stderr, "sprawl: writing the baseline: %v\n", err)
		return ExitError
	}
	if f.out != "-" && !f.quiet {
		fmt.Fprintf(stdout, "baseline of %d findings written to %s; scan with --baseline %s to see only new ones\n", len(b.Findings), f.out, f.out)
	}
	return ExitClean
}
