package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/sprawl-dev/sprawl/baseline"
	"github.com/sprawl-dev/sprawl/correlator"
	"github.com/sprawl-dev/sprawl/detectors"
	configcheck "github.com/sprawl-dev/sprawl/detectors/config"
	"github.com/sprawl-dev/sprawl/detectors/secrets"
	"github.com/sprawl-dev/sprawl/detectors/tokencache"
	"github.com/sprawl-dev/sprawl/engine"
	htmlreport "github.com/sprawl-dev/sprawl/report/html"
	"github.com/sprawl-dev/sprawl/report/inventory"
	"github.com/sprawl-dev/sprawl/report/jsonreport"
	"github.com/sprawl-dev/sprawl/report/markdown"
	"github.com/sprawl-dev/sprawl/report/sarif"
	"github.com/sprawl-dev/sprawl/report/text"
	"github.com/sprawl-dev/sprawl/rules"
	"github.com/sprawl-dev/sprawl/scanners"
	"github.com/sprawl-dev/sprawl/scanners/archive"
	"github.com/sprawl-dev/sprawl/scanners/filetree"
	"github.com/sprawl-dev/sprawl/scanners/staged"
	"github.com/sprawl-dev/sprawl/scanners/stdin"
	"github.com/sprawl-dev/sprawl/scanners/sweep"
)

// stringList is a repeatable flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// scanFlags are the flags shared by "scan" and "baseline create".
type scanFlags struct {
	format       string
	out          string
	history      bool
	since        string
	rangeSpec    string
	branches     stringList
	allRefs      bool
	archiveDepth int
	staged       bool
	exclude      stringList
	maxFileSize  int64
	quiet        bool
	noColor      bool
	config       string
	category     string
	maxAge       time.Duration
	baseline     string
	ignoreFile   string
	// repoSettings reads a URL's or bare repository's committed settings
	// and ignore files from HEAD.
	repoSettings bool
	failOn       string
	summary      string
	timeout      time.Duration
	html         string
	paths        []string
	fs           *flag.FlagSet
}

func (f *scanFlags) register(fs *flag.FlagSet) {
	f.fs = fs
	fs.StringVar(&f.format, "format", "text", "output `format`: text, json, sarif, or the identity inventory as inventory (a table), inventory-markdown or inventory-json")
	fs.StringVar(&f.out, "out", "", "write the report to `FILE` (default standard output); a text summary still goes to standard output")
	fs.BoolVar(&f.history, "history", false, "scan every commit reachable from branches and tags")
	fs.StringVar(&f.since, "since", "", "with --history: scan only commits not reachable from `REV`")
	fs.StringVar(&f.rangeSpec, "range", "", "with --history: scan only the commits in `A..B`")
	fs.Var(&f.branches, "branch", "with --history: scan only this `BRANCH` (repeatable)")
	fs.BoolVar(&f.allRefs, "all-refs", false, "with --history: walk every ref as git log --all does, not only branches and tags: pull request heads (refs/pull/*, also fetched for a URL), the stash, notes")
	fs.BoolVar(&f.staged, "staged", false, "scan what is staged for the next commit (pre-commit); reports only secrets new to each file")
	fs.Var(&f.exclude, "exclude", "skip paths matching `GLOB` (doublestar syntax, e.g. '**/testdata/**'); repeatable")
	fs.Int64Var(&f.maxFileSize, "max-file-size", filetree.DefaultMaxFileSize, "skip files larger than `BYTES`")
	fs.IntVar(&f.archiveDepth, "max-archive-depth", 0, "scan the files inside archives and compressed files (zip, jar, tar, gz, 7z, …) and archives in them down to `DEPTH` levels (0: archives are not opened)")
	fs.BoolVar(&f.quiet, "quiet", false, "print nothing but the report and errors")
	fs.BoolVar(&f.noColor, "no-color", false, "never colour the terminal output")
	fs.StringVar(&f.config, "config", "", "read settings and extra rules from `FILE` (default: .sprawl.toml in the first PATH)")
	fs.StringVar(&f.category, "category", "sprawl", "SARIF automationDetails `category`, so that several uploads do not replace each other")
	f.maxAge = 90 * 24 * time.Hour
	fs.Var(ageValue{&f.maxAge}, "max-age", "`age` past which a secret counts as long-lived: days (90d) or a duration (36h)")
	fs.StringVar(&f.baseline, "baseline", "", "report only findings not in the baseline `FILE` (see: sprawl baseline create)")
	fs.BoolVar(&f.repoSettings, "repo-settings", false, "for a URL or a bare repository: apply the .sprawl.toml, .gitleaks.toml, .sprawlignore, .gitleaksignore and .secrets.baseline committed at its HEAD")
	fs.StringVar(&f.ignoreFile, "ignore-file", "", "ignore `FILE` of finding keys, fingerprints and path globs (default: .sprawlignore in the first PATH)")
	fs.DurationVar(&f.timeout, "timeout", 0, "stop scanning a repository after `DURATION` (e.g. 10m) and report what was found, marked partial")
	fs.StringVar(&f.summary, "summary", "", "also write a markdown summary to `FILE` (e.g. $GITHUB_STEP_SUMMARY; appended to)")
	fs.StringVar(&f.html, "html", "", "also write the report as one self-contained HTML page to `FILE` (identities, sprawl, age; no secret values)")
	fs.StringVar(&f.failOn, "fail-on", "any", "exit 1 when a finding reaches this `level`: any, warning, error, high (severity >= 7), critical (>= 9) or never")
	// The short forms people type from habit (gitleaks' -f; -o and -q of
	// most tools).
	fs.StringVar(&f.format, "f", "text", "short for --format")
	fs.StringVar(&f.out, "o", "", "short for --out")
	fs.BoolVar(&f.quiet, "q", false, "short for --quiet")
}

// archives returns how archives are opened.
func (f *scanFlags) archives() archive.Options {
	return archive.Options{MaxDepth: f.archiveDepth, MaxFileSize: f.maxFileSize}
}

// parse parses args; it returns false with the exit code when done.
func (f *scanFlags) parse(args []string) (int, bool) {
	if err := parseInterspersed(f.fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitClean, false
		}
		return ExitError, false
	}
	stderr := f.fs.Output()
	switch f.format {
	case "text", "json", "sarif", "inventory", "inventory-markdown", "inventory-json":
	default:
		fmt.Fprintf(stderr, "%s: unknown --format %q: use text, json, sarif, inventory, inventory-markdown or inventory-json\n", f.fs.Name(), f.format)
		return ExitError, false
	}
	if _, ok := failThresholds[f.failOn]; !ok {
		fmt.Fprintf(stderr, "%s: unknown --fail-on %q: use any, warning, error, high, critical or never\n", f.fs.Name(), f.failOn)
		return ExitError, false
	}
	if f.archiveDepth < 0 {
		fmt.Fprintf(stderr, "%s: --max-archive-depth must be 0 or more\n", f.fs.Name())
		return ExitError, false
	}
	if f.staged && f.history {
		fmt.Fprintf(stderr, "%s: --staged and --history cannot be combined\n", f.fs.Name())
		return ExitError, false
	}
	if (f.since != "" || f.rangeSpec != "" || len(f.branches) > 0 || f.allRefs) && !f.history {
		fmt.Fprintf(stderr, "%s: --since, --range, --branch and --all-refs need --history\n", f.fs.Name())
		return ExitError, false
	}
	if f.allRefs && (f.rangeSpec != "" || len(f.branches) > 0) {
		fmt.Fprintf(stderr, "%s: --all-refs cannot be combined with --range or --branch\n", f.fs.Name())
		return ExitError, false
	}
	f.paths = f.fs.Args()
	if len(f.paths) == 0 {
		f.paths = []string{"."}
	}
	return ExitClean, true
}

func scanUsage(fs *flag.FlagSet, synopsis string) func() {
	return func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: %s\n\nScans each PATH (default \".\"); \"-\" reads standard input. Flags may come before or after the paths; \"--\" ends them.\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
		fmt.Fprint(w, `
Environment:
  SPRAWL_FINGERPRINT_KEY  key for fingerprints, shared across an organisation
                          (default: derived from each repository's root commit)
  SPRAWL_CACHE_DIR        where each repository's root commit is remembered
                          (default: the user cache directory's sprawl/; "off": nowhere)

Exit codes: 0 nothing found, 1 findings, 2 usage or fatal error.
`)
	}
}

func runScan(ctx context.Context, args []string, in io.Reader, stdout, stderr io.Writer) int {
	var f scanFlags
	fs := flag.NewFlagSet("sprawl scan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	f.register(fs)
	fs.Usage = scanUsage(fs, "sprawl scan [flags] [PATH ...]")
	if code, ok := f.parse(args); !ok {
		return code
	}
	out, code := scan(ctx, &f, in, stderr)
	if out == nil {
		return code
	}
	// The report is written even when scans failed or timed out: what was
	// found is reported, and the exit code says the run was not complete.
	if code := writeReport(out, &f, stdout, stderr); code != ExitClean {
		return code
	}
	if out.failed > 0 && out.failed == out.repos {
		return ExitError
	}
	return out.exitCode(f.failOn)
}

// outcome is a finished scan.
type outcome struct {
	rep       *correlator.Report
	resolver  *rules.Resolver
	baselined int
	ignored   int
	failed    int
	repos     int
}

// scan runs sources, detectors and the correlator for f. It returns nil and
// an exit code when it cannot go on.
func scan(ctx context.Context, f *scanFlags, in io.Reader, stderr io.Writer) (*outcome, int) {
	fail := func(format string, args ...any) (*outcome, int) {
		fmt.Fprintf(stderr, "sprawl: "+format+"\n", args...)
		return nil, ExitError
	}
	// Building detectors allocates tens of megabytes, most of it kept:
	// with the default GOGC the collector runs cycle after cycle while the
	// heap grows, a fifth of a pre-commit scan's CPU. Collect less often
	// until the detectors are built (for the whole of a staged scan, which
	// is small); a GOGC set by the user wins.
	restoreGC := func() {}
	if os.Getenv("GOGC") == "" {
		prev := debug.SetGCPercent(startupGCPercent)
		restoreGC = sync.OnceFunc(func() { debug.SetGCPercent(prev) })
	}
	defer restoreGC()
	// cloneURL clones a URL to scan: a clone has no working tree, its
	// history is what there is to scan.
	cloneURL := func(remote sweep.Target) (string, func(), error) {
		if !f.history && !f.quiet {
			fmt.Fprintf(stderr, "sprawl: %s is a URL: scanning its history (branches and tags)\n", remote.URL)
		}
		return cloneForScan(ctx, remote, f.allRefs, f.quiet, stderr)
	}
	// With --repo-settings one URL is cloned before settings are read: its
	// clone's HEAD holds the repository's .sprawl.toml and .gitleaks.toml.
	settingsPaths, cloned := f.paths, map[string]string{}
	if len(f.paths) == 1 && !f.staged && f.repoSettings {
		if remote, ok := remoteTarget(f.paths[0]); ok {
			dir, cleanup, err := cloneURL(remote)
			if err != nil {
				return fail("%v", err)
			}
			defer cleanup()
			cloned[f.paths[0]], settingsPaths = dir, []string{dir}
		}
	}
	settings, err := loadSettings(f.config, settingsPaths, f.repoSettings)
	if err != nil {
		return fail("%v", err)
	}
	allowed, err := settings.allowlistIgnores()
	if err != nil {
		return fail("%v", err)
	}
	if !flagSet(f.fs, "max-archive-depth") {
		f.archiveDepth = settings.MaxArchiveDepth
	}
	exclude := append(append([]string{}, settings.Exclude...), f.exclude...)
	for _, g := range exclude {
		if !scanners.ValidGlob(g) {
			return fail("invalid exclude pattern %q", g)
		}
	}
	known := map[string]bool{}
	if f.baseline != "" {
		b, err := baseline.Read(f.baseline)
		if err != nil {
			return fail("%v", err)
		}
		known = b.Keys()
	}
	ignorePath := f.ignoreFile
	if ignorePath == "" {
		if root := firstDir(f.paths); root != "" {
			ignorePath = filepath.Join(root, ".sprawlignore")
		}
	}
	var ignore baseline.Ignore
	if ignorePath != "" {
		if ignore, err = baseline.LoadIgnore(ignorePath); err != nil {
			return fail("%v", err)
		}
	}
	// A repository moving from gitleaks keeps its .gitleaksignore: the
	// secrets it lists are dropped before correlation, so no identity or
	// lifecycle finding is derived from those occurrences either.
	var glIgnore baseline.Ignore
	if root := firstDir(f.paths); root != "" {
		if glIgnore, err = baseline.LoadGitleaksIgnore(filepath.Join(root, ".gitleaksignore")); err != nil {
			return fail("%v", err)
		}
		// And one moving from detect-secrets keeps its baseline's accepted
		// secrets. Another tool's file that does not parse is that tool's
		// problem: a warning, and the scan goes on without it.
		ds, err := baseline.LoadDetectSecretsBaseline(filepath.Join(root, ".secrets.baseline"))
		if err != nil {
			ds.Warnings = append(ds.Warnings, err.Error()+"; not applied")
		}
		glIgnore.Rules = append(glIgnore.Rules, ds.Rules...)
		glIgnore.Warnings = append(glIgnore.Warnings, ds.Warnings...)
	}
	if !f.quiet {
		for _, w := range append(ignore.Warnings, glIgnore.Warnings...) {
			fmt.Fprintf(stderr, "sprawl: warning: %s\n", w)
		}
	}

	// Building the detectors compiles hundreds of regexes; do it while the
	// sources open (a pre-commit scan spends as long reading the index).
	type built struct {
		dets     []detectors.Detector
		resolver *rules.Resolver
		err      error
	}
	detc := make(chan built, 1)
	go func() {
		dets, resolver, err := buildDetectors(settings)
		detc <- built{dets, resolver, err}
	}()

	var sources, previous []scanners.Source
	// treeless is the git folder of the one repository scanned when it has
	// no working tree (a URL's clone, a bare repository): its ignore files
	// are read from HEAD's tree instead.
	var treeless string
	for _, p := range f.paths {
		remote, isRemote := remoteTarget(p)
		bare := !isRemote && p != "-" && !f.staged && isBareRepository(p)
		switch {
		case p == "-":
			sources = append(sources, stdin.New(in, "stdin", f.maxFileSize, f.archives()))
		case isRemote && f.staged:
			return fail("%s: --staged needs a local repository, not a URL", remote.URL)
		case isRemote:
			dir, ok := cloned[p]
			var err error
			if !ok {
				var cleanup func()
				if dir, cleanup, err = cloneURL(remote); err == nil {
					defer cleanup()
				}
			}
			if err == nil {
				var src historySource
				if src, err = newHistorySource(dir, f, exclude, remote.Name); err == nil {
					src.Repo().Root = "" // the clone is temporary; the report names the URL
					src.Prepare(ctx)
					if len(f.paths) == 1 {
						treeless = dir
					}
					sources = append(sources, src)
					continue
				}
			}
			if len(f.paths) == 1 {
				return fail("%v", err)
			}
			sources = append(sources, unopened(remote.URL, err))
		case f.history || bare:
			// A bare repository has no working tree either.
			if !f.history && !f.quiet {
				fmt.Fprintf(stderr, "sprawl: %s has no working tree: scanning its history (branches and tags)\n", p)
			}
			src, err := newHistorySource(p, f, exclude, "")
			if err != nil {
				if len(f.paths) == 1 {
					return fail("%v", err)
				}
				sources = append(sources, unopened(p, err))
				continue
			}
			// Reading commits and diffing trees needs no detectors.
			src.Prepare(ctx)
			sources = append(sources, src)
			if len(f.paths) == 1 && bare {
				treeless = p
			}
		case f.staged:
			// git points hooks at a temporary index for `git commit -a`
			// and `git commit PATH`: that index is what gets committed.
			indexFile := os.Getenv("GIT_INDEX_FILE")
			if indexFile != "" {
				if abs, err := filepath.Abs(indexFile); err == nil {
					indexFile = abs
				}
			}
			src, err := staged.New(p, staged.Options{MaxFileSize: f.maxFileSize, Exclude: exclude, IndexFile: indexFile, Archives: f.archives()})
			if err != nil {
				return fail("%v", err)
			}
			defer src.Close()
			sources = append(sources, src)
			previous = append(previous, src.Previous())
		default:
			src, err := filetree.New(p, filetree.Options{MaxFileSize: f.maxFileSize, Exclude: exclude, Archives: f.archives()})
			if err != nil {
				err = fmt.Errorf("%w (check that the path exists and is readable)", err)
				if len(f.paths) == 1 {
					return fail("%v", err)
				}
				sources = append(sources, unopened(p, err))
				continue
			}
			sources = append(sources, src)
		}
	}

	if treeless != "" && f.repoSettings {
		// Its ignore files are committed at HEAD (--ignore-file wins).
		headIgnore, headGl, warnings := sweep.HeadIgnores(treeless)
		if f.ignoreFile == "" && len(headIgnore.Rules) > 0 {
			ignore = headIgnore
		}
		if len(headGl.Rules) > 0 {
			glIgnore = headGl
		}
		for _, w := range warnings {
			fmt.Fprintf(stderr, "sprawl: warning: %s\n", w)
		}
	}

	b := <-detc
	if !f.staged {
		restoreGC()
	}
	dets, resolver := b.dets, b.resolver
	if b.err != nil {
		return fail("%v", b.err)
	}

	opts := engine.Options{Detectors: dets, Timeout: f.timeout, ListedSHA1: glIgnore.ListedSHA1()}
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
		return fail("interrupted: %v", err)
	}
	if len(previous) > 0 {
		// Secrets already committed in the same file are not new: drop them
		// before correlation so nothing is derived from them either.
		prev, err := engine.Run(ctx, previous, engine.Options{Detectors: dets, FingerprintKey: opts.FingerprintKey})
		if err != nil {
			return fail("interrupted: %v", err)
		}
		old := map[string]bool{}
		for _, fd := range prev.Findings {
			old[fd.Key()] = true
		}
		res.Findings, _, _ = baseline.Filter(res.Findings, old, baseline.Ignore{})
	}
	var glIgnored int
	if len(glIgnore.Rules) > 0 {
		res.Findings, _, glIgnored = baseline.Filter(res.Findings, nil, glIgnore)
	}
	// Paths the project's gitleaks allowlists hold nothing it wants
	// reported: no configuration finding or identity comes from them.
	for _, ig := range allowed {
		var n int
		res.Findings, _, n = baseline.Filter(res.Findings, nil, ig)
		glIgnored += n
	}
	maxAge := f.maxAge
	if settings.MaxAge > 0 && !flagSet(f.fs, "max-age") {
		maxAge = settings.MaxAge
	}
	// A pre-commit check reports the secrets being committed; lifecycle and
	// identity verdicts belong to full scans.
	full := !f.staged
	rep := correlator.Correlate(res, correlator.Options{MaxAge: maxAge, Lifecycle: full, IdentityFindings: full})
	out := &outcome{rep: rep, resolver: resolver}
	rep.Findings, out.baselined, out.ignored = baseline.Filter(rep.Findings, known, ignore)
	out.ignored += glIgnored
	for _, rr := range res.Repos {
		if rr.Err != "" {
			out.failed++
			fmt.Fprintf(stderr, "sprawl: %s: %s\n", rr.Repo.Name, rr.Err)
		}
	}
	out.repos = len(res.Repos)
	return out, ExitClean
}

// startupGCPercent is GOGC while detectors are built.
const startupGCPercent = 400

// failThresholds map --fail-on values to a test on a finding's rule.
var failThresholds = map[string]func(rules.Rule) bool{
	"any":      func(rules.Rule) bool { return true },
	"warning":  func(r rules.Rule) bool { return r.Level == "warning" || r.Level == "error" },
	"error":    func(r rules.Rule) bool { return r.Level == "error" },
	"high":     func(r rules.Rule) bool { return r.Severity >= 7 },
	"critical": func(r rules.Rule) bool { return r.Severity >= 9 },
	"never":    func(rules.Rule) bool { return false },
}

func (o *outcome) exitCode(failOn string) int {
	test := failThresholds[failOn]
	for _, fd := range o.rep.Findings {
		if test(o.resolver.Rule(fd.RuleID)) {
			return ExitFindings
		}
	}
	return ExitClean
}

func writeReport(o *outcome, f *scanFlags, stdout, stderr io.Writer) int {
	w := stdout
	var file *os.File
	if f.out != "" && f.out != "-" {
		var err error
		if file, err = os.Create(f.out); err != nil {
			fmt.Fprintf(stderr, "sprawl: cannot write the report: %v\n", err)
			return ExitError
		}
		w = file
	}
	textOpts := text.Options{Color: !f.noColor && isTerminal(stdout), Rules: o.resolver,
		Baselined: o.baselined, Ignored: o.ignored, PreCommit: f.staged}
	var err error
	switch f.format {
	case "json":
		err = jsonreport.Write(w, o.rep, Version)
	case "sarif":
		err = sarif.Write(w, o.rep, sarif.Options{ToolVersion: Version, Category: f.category, Rules: o.resolver})
	case "inventory":
		err = inventory.Write(w, o.rep, "text")
	case "inventory-markdown":
		err = inventory.Write(w, o.rep, "markdown")
	case "inventory-json":
		err = inventory.Write(w, o.rep, "json")
	default:
		if file != nil {
			textOpts.Color = false
		}
		// --quiet with nothing to report prints nothing: a silent hook.
		if !(f.quiet && file == nil && len(o.rep.Findings) == 0) {
			err = text.Write(w, o.rep, textOpts)
		}
	}
	if file != nil {
		if cerr := file.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "sprawl: writing the %s report: %v\n", f.format, err)
		return ExitError
	}
	if f.summary != "" {
		sf, err := os.OpenFile(f.summary, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err == nil {
			err = markdown.Write(sf, o.rep, markdown.Options{Rules: o.resolver})
			if cerr := sf.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintf(stderr, "sprawl: writing the summary: %v\n", err)
			return ExitError
		}
	}
	if f.html != "" {
		hf, err := os.Create(f.html)
		if err == nil {
			err = htmlreport.Write(hf, o.rep, htmlreport.Options{ToolVersion: Version})
			if cerr := hf.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintf(stderr, "sprawl: writing the HTML report: %v\n", err)
			return ExitError
		}
	}
	if file != nil && f.format != "text" && !strings.HasPrefix(f.format, "inventory") && !f.quiet {
		if err := text.Write(stdout, o.rep, textOpts); err != nil {
			return ExitError
		}
		fmt.Fprintf(stdout, "%s report written to %s\n", f.format, f.out)
	}
	return ExitClean
}

// buildDetectors returns every detector a scan runs and the resolver of
// SARIF metadata for the rules they report: s's rule documents, then
// more.
func buildDetectors(s settings, more ...secrets.NamedTOML) ([]detectors.Detector, *rules.Resolver, error) {
	extra := append(s.ruleDocuments(), more...)
	// The rule catalogue loads while the secrets detector builds; the
	// resolver only asks the detector for descriptions when reporting.
	var sd *secrets.Detector
	var resolver *rules.Resolver
	var rerr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		// The correlator's decision table too, parsed once and kept.
		_, _ = rules.DefaultDecision()
		resolver, rerr = rules.NewResolver(func(id string) string {
			if r, ok := sd.Config().Rules[id]; ok {
				return r.Description
			}
			return ""
		})
	}()
	sd, err := secrets.New(secrets.Options{Extra: extra, MaxDecodeDepth: 5})
	<-done
	if err != nil {
		return nil, nil, err
	}
	if rerr != nil {
		return nil, nil, rerr
	}
	return []detectors.Detector{sd, configcheck.New(), tokencache.New()}, resolver, nil
}

// isBareRepository reports whether dir is a git repository without a
// working tree: a bare clone or mirror, or a .git folder given itself. Its
// files are git's, not the project's: scanning them as a tree would read
// hooks and packs, and miss every secret in them.
func isBareRepository(dir string) bool {
	for _, p := range []string{"HEAD", "objects", "refs"} {
		st, err := os.Stat(filepath.Join(dir, p))
		if err != nil || st.IsDir() != (p != "HEAD") {
			return false
		}
	}
	return true
}

// firstDir returns the first path that is a directory (or a file's folder).
func firstDir(paths []string) string {
	for _, p := range paths {
		if p == "-" {
			continue
		}
		st, err := os.Stat(p)
		if err != nil {
			return ""
		}
		if st.IsDir() {
			return p
		}
		return filepath.Dir(p)
	}
	return ""
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

// unopened stands for a path that could not be opened when several were
// given: the others are scanned, and this one is reported as a failed
// repository (exit 2 only when every one failed), as one that fails
// half-way is.
func unopened(path string, err error) scanners.Source {
	return failedSource{repo: &scanners.Repo{Name: path, Root: path}, err: err}
}

type failedSource struct {
	repo *scanners.Repo
	err  error
}

func (s failedSource) Repo() *scanners.Repo { return s.repo }

func (s failedSource) Scan(context.Context, scanners.Sink) (scanners.Stats, error) {
	return scanners.Stats{}, s.err
}
