// Command sprawl finds hard-coded, duplicated and long-lived secrets in
// working trees, staged changes and git history, flags code that caches
// tokens past their lifetime and config whose credential control misfits
// its workload, and decides per non-human identity between workload
// identity, dynamic secrets and rotation. See README.md.
//
// Exit codes: 0 nothing found, 1 findings, 2 usage or fatal error; sweep
// and merge exit 3 when results are partial.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"syscall"

	"github.com/sprawl-dev/sprawl/scanners/githistory"
	glregexp "github.com/zricethezav/gitleaks/v8/regexp"
)

// Version is sprawl's semantic version.
const Version = "0.1.0"

// Exit codes.
const (
	ExitClean    = 0
	ExitFindings = 1
	ExitError    = 2
)

// tuneGC lets the heap grow to three times the live data between
// collections instead of twice (GOGC=200), under a soft limit of 512 MiB
// of Go memory, unless GOGC or GOMEMLIMIT is set. A history scan allocates
// every blob it reads; collecting half as often took a tenth of the CPU off
// etcd's recent history, and the limit keeps a large history from trading
// that for memory (git.git: 784 MiB peak RSS against 678 MiB; the line
// memo and mapped pack pages are outside the Go heap).
func tuneGC() {
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetGCPercent(200)
		debug.SetMemoryLimit(512 << 20)
	}
}

// rootCacheDir is where the root commit of each repository scanned is
// remembered (scanners/githistory/rootcache.go): under SPRAWL_CACHE_DIR
// when set ("off" keeps nothing), else the user cache directory.
func rootCacheDir(env string) string {
	switch env {
	case "off":
		return ""
	case "":
		return filepath.Join(defaultCacheDir(), "roots")
	}
	return filepath.Join(env, "roots")
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// The first interrupt stops the scan and reports what was found; the
	// default handling comes back, so a second one ends the process even
	// when something does not heed the context.
	go func() {
		<-ctx.Done()
		stop()
	}()
	// SPRAWL_CPUPROFILE=FILE writes a CPU profile, for performance reports.
	if path := os.Getenv("SPRAWL_CPUPROFILE"); path != "" {
		if f, err := os.Create(path); err == nil {
			if pprof.StartCPUProfile(f) == nil {
				defer f.Close()
				defer pprof.StopCPUProfile()
			}
		}
	}
	githistory.RootCacheDir = rootCacheDir(os.Getenv("SPRAWL_CACHE_DIR"))
	tuneGC()
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	pprof.StopCPUProfile()
	// SPRAWL_MEMPROFILE=FILE writes where the scan allocated.
	if path := os.Getenv("SPRAWL_MEMPROFILE"); path != "" {
		if f, err := os.Create(path); err == nil {
			_ = pprof.Lookup("allocs").WriteTo(f, 0)
			f.Close()
		}
	}
	os.Exit(code)
}

const usage = `sprawl finds secret sprawl and misfit credential controls.

Usage:
  sprawl scan [flags] [PATH ...]   scan folders (or "-" for standard input)
  sprawl scan --history [PATH ...] scan every commit of git repositories
  sprawl scan --staged             scan what is staged (pre-commit)
  sprawl baseline create [PATH]    record today's findings; later scans use --baseline
  sprawl install-hook [REPO]       install a git pre-commit hook running sprawl
  sprawl sweep [flags]             scan many repositories (--repos FILE, --github-org ORG)
  sprawl merge --db OUT SHARD...   join the datastores of sharded sweeps
  sprawl report [--html FILE] [RESULT.json ...]
                                   render scan results, shard inventories or the
                                   sweep datastore (--db) without scanning
  sprawl version                   print the version

Run "sprawl scan -h" for the scan flags, "sprawl sweep -h" and so on for the others.
Exit codes: 0 nothing found, 1 findings, 2 usage or fatal error; sweep and
merge: 3 partial (some repositories failed or shards did not finish).
`

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return ExitError
	}
	switch args[0] {
	case "scan":
		return runScan(ctx, args[1:], stdin, stdout, stderr)
	case "sweep":
		return runSweep(ctx, args[1:], stdout, stderr)
	case "merge":
		return runMerge(ctx, args[1:], stdout, stderr)
	case "report":
		return runReport(ctx, args[1:], stdout, stderr)
	case "baseline":
		return runBaseline(ctx, args[1:], stdin, stdout, stderr)
	case "install-hook":
		return runInstallHook(args[1:], stdout, stderr)
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "sprawl", Version, "(regex engine: "+glregexp.Version+")")
		return ExitClean
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return ExitClean
	default:
		fmt.Fprintf(stderr, "sprawl: unknown command %q\n\n%s", args[0], usage)
		return ExitError
	}
}

// parseFlags gives fs the usage text usage, the flags, then tail, and
// parses args. When it returns false the command is done: help was asked
// for (ExitClean) or a flag was wrong (ExitError, the flag package said why).
func parseFlags(fs *flag.FlagSet, args []string, usage, tail string) (int, bool) {
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
		fmt.Fprint(fs.Output(), tail)
	}
	if err := parseInterspersed(fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitClean, false
		}
		return ExitError, false
	}
	return 0, true
}

// parseInterspersed parses args with flags before, between and after the
// other arguments (`sprawl scan . --format sarif`), as git and gitleaks
// accept them; the flag package alone stops at the first argument that is
// not a flag and would take the rest for paths. "--" ends the flags.
// Afterwards fs.Args() holds the other arguments, in order.
func parseInterspersed(fs *flag.FlagSet, args []string) error {
	var others []string
	for {
		if err := fs.Parse(args); err != nil {
			return err
		}
		rest := fs.Args()
		if n := len(args) - len(rest); len(rest) == 0 || n > 0 && args[n-1] == "--" {
			others = append(others, rest...)
			break
		}
		others = append(others, rest[0])
		args = rest[1:]
	}
	return fs.Parse(append([]string{"--"}, others...))
}
