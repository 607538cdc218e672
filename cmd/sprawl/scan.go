package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/sprawl-dev/sprawl/correlator"
	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/detectors/secrets"
	"github.com/sprawl-dev/sprawl/engine"
	"github.com/sprawl-dev/sprawl/report/jsonreport"
	"github.com/sprawl-dev/sprawl/report/sarif"
	"github.com/sprawl-dev/sprawl/report/text"
	"github.com/sprawl-dev/sprawl/rules"
	"github.com/sprawl-dev/sprawl/scanners"
	"github.com/sprawl-dev/sprawl/scanners/filetree"
	"github.com/sprawl-dev/sprawl/scanners/stdin"
)

// stringList is a repeatable flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

type scanFlags struct {
	format      string
	out         string
	history     bool
	exclude     stringList
	maxFileSize int64
	quiet       bool
	noColor     bool
	config      string
	category    string
	maxAge      time.Duration
}

func runScan(ctx context.Context, args []string, in io.Reader, stdout, stderr io.Writer) int {
	var f scanFlags
	fs := flag.NewFlagSet("sprawl scan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.format, "format", "text", "output format: text, json or sarif")
	fs.StringVar(&f.out, "out", "", "write the report to `FILE` (default standard output); the text summary still goes to standard output")
	fs.BoolVar(&f.history, "history", false, "scan every commit reachable from branches and tags")
	fs.Var(&f.exclude, "exclude", "skip paths matching `GLOB` (doublestar syntax, e.g. '**/testdata/**'); repeatable")
	fs.Int64Var(&f.maxFileSize, "max-file-size", filetree.DefaultMaxFileSize, "skip files larger than `BYTES`")
	fs.BoolVar(&f.quiet, "quiet", false, "print nothing but the report")
	fs.BoolVar(&f.noColor, "no-color", false, "never colour the terminal output")
	fs.StringVar(&f.config, "config", "", "read settings and extra rules from `FILE` (default: .sprawl.toml in the first PATH)")
	fs.StringVar(&f.category, "category", "sprawl", "SARIF automationDetails category, so several uploads do not replace each other")
	fs.DurationVar(&f.maxAge, "max-age", 90*24*time.Hour, "age past which a secret counts as long-lived")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: sprawl scan [flags] [PATH ...]\n\nScans each PATH (default \".\"); \"-\" reads standard input.\n\nFlags:\n")
		fs.PrintDefaults()
		fmt.Fprintf(stderr, "\nEnvironment:\n  SPRAWL_FINGERPRINT_KEY  key for fingerprints, shared across an organisation (default: derived per repository)\n\nExit codes: 0 nothing found, 1 findings, 2 usage or fatal error.\n")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitClean
		}
		return ExitError
	}
	switch f.format {
	case "text", "json", "sarif":
	default:
		fmt.Fprintf(stderr, "sprawl scan: unknown --format %q: use text, json or sarif\n", f.format)
		return ExitError
	}
	paths := fs.Args()
	if len(paths) == 0 {
		paths = []string{"."}
	}

	settings, err := loadSettings(f.config, paths)
	if err != nil {
		fmt.Fprintf(stderr, "sprawl scan: %v\n", err)
		return ExitError
	}
	exclude := append(append([]string{}, settings.Exclude...), f.exclude...)

	var sources []scanners.Source
	for _, p := range paths {
		if p == "-" {
			sources = append(sources, stdin.New(in, "stdin", f.maxFileSize))
			continue
		}
		if f.history {
			src, err := newHistorySource(p, f, exclude)
			if err != nil {
				fmt.Fprintf(stderr, "sprawl scan: %v\n", err)
				return ExitError
			}
			sources = append(sources, src)
			continue
		}
		src, err := filetree.New(p, filetree.Options{MaxFileSize: f.maxFileSize, Exclude: exclude})
		if err != nil {
			fmt.Fprintf(stderr, "sprawl scan: %v (check the path exists and is readable)\n", err)
			return ExitError
		}
		sources = append(sources, src)
	}

	dets, secretDet, err := buildDetectors(settings)
	if err != nil {
		fmt.Fprintf(stderr, "sprawl scan: %v\n", err)
		return ExitError
	}
	resolver, err := rules.NewResolver(func(id string) string {
		if r, ok := secretDet.Config().Rules[id]; ok {
			return r.Description
		}
		return ""
	})
	if err != nil {
		fmt.Fprintf(stderr, "sprawl scan: %v\n", err)
		return ExitError
	}

	opts := engine.Options{Detectors: dets}
	if k := os.Getenv("SPRAWL_FINGERPRINT_KEY"); k != "" {
		opts.FingerprintKey = []byte(k)
	}
	interactive := !f.quiet && isTerminal(stderr)
	if interactive {
		opts.Progress = func(p engine.Progress) {
			fmt.Fprintf(stderr, "\r\x1b[K%s: %d items, %.1f MiB, %d findings, %s", p.Repo, p.Fragments,
				float64(p.Bytes)/(1<<20), p.Findings, p.Elapsed.Round(time.Second))
		}
	}
	res, err := engine.Run(ctx, sources, opts)
	if interactive {
		fmt.Fprint(stderr, "\r\x1b[K")
	}
	if err != nil {
		fmt.Fprintf(stderr, "sprawl scan: interrupted: %v\n", err)
		return ExitError
	}
	maxAge := f.maxAge
	if settings.MaxAge > 0 && !flagSet(fs, "max-age") {
		maxAge = settings.MaxAge
	}
	rep := correlator.Correlate(res, correlator.Options{MaxAge: maxAge})

	if code := writeReport(rep, f, resolver, stdout, stderr); code != ExitClean {
		return code
	}
	failed := 0
	for _, rr := range res.Repos {
		if rr.Err != "" {
			failed++
			fmt.Fprintf(stderr, "sprawl scan: %s: %s\n", rr.Repo.Name, rr.Err)
		}
	}
	if failed == len(res.Repos) && failed > 0 {
		return ExitError
	}
	if len(rep.Findings) > 0 {
		return ExitFindings
	}
	return ExitClean
}

func writeReport(rep *correlator.Report, f scanFlags, resolver *rules.Resolver, stdout, stderr io.Writer) int {
	w := stdout
	var file *os.File
	if f.out != "" && f.out != "-" {
		var err error
		file, err = os.Create(f.out)
		if err != nil {
			fmt.Fprintf(stderr, "sprawl scan: cannot write report: %v\n", err)
			return ExitError
		}
		w = file
	}
	var err error
	switch f.format {
	case "json":
		err = jsonreport.Write(w, rep, Version)
	case "sarif":
		err = sarif.Write(w, rep, sarif.Options{ToolVersion: Version, Category: f.category, Rules: resolver})
	default:
		err = text.Write(w, rep, text.Options{Color: !f.noColor && file == nil && isTerminal(stdout), Rules: resolver})
	}
	if file != nil {
		if cerr := file.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "sprawl scan: writing the %s report: %v\n", f.format, err)
		return ExitError
	}
	if file != nil && f.format != "text" && !f.quiet {
		if err := text.Write(stdout, rep, text.Options{Color: !f.noColor && isTerminal(stdout), Rules: resolver}); err != nil {
			return ExitError
		}
		fmt.Fprintf(stdout, "%s report written to %s\n", f.format, f.out)
	}
	return ExitClean
}

func buildDetectors(s settings) ([]detectors.Detector, *secrets.Detector, error) {
	var extra []secrets.NamedTOML
	if s.rulesTOML != "" {
		extra = append(extra, secrets.NamedTOML{Name: s.path, TOML: s.rulesTOML})
	}
	sd, err := secrets.New(secrets.Options{Extra: extra, MaxDecodeDepth: 5})
	if err != nil {
		return nil, nil, err
	}
	return []detectors.Detector{sd}, sd, nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			set = true
		}
	})
	return set
}
