package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/sprawl-dev/sprawl/scanners/githistory"
)

// hookScript is the plain git pre-commit hook "sprawl install-hook" writes.
const hookScript = `#!/bin/sh
# sprawl pre-commit hook (installed by "sprawl install-hook").
# Blocks a commit that adds a secret; skip once with: git commit --no-verify
command -v sprawl >/dev/null 2>&1 || { echo "sprawl: not on PATH; install it with: go install github.com/sprawl-dev/sprawl/cmd/sprawl@latest" >&2; exit 1; }
exec sprawl scan --staged --quiet .
`

const hookMarker = "sprawl pre-commit hook"

// runInstallHook writes .git/hooks/pre-commit for the repository at the
// given path (default "."), refusing to replace another hook unless --force.
func runInstallHook(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sprawl install-hook", flag.ContinueOnError)
	fs.SetOutput(stderr)
	force := fs.Bool("force", false, "replace an existing pre-commit hook")
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: sprawl install-hook [--force] [REPO]\n\nWrites a git pre-commit hook that runs `sprawl scan --staged`.\n")
		fs.PrintDefaults()
	}
	if err := parseInterspersed(fs, args); err != nil {
		return ExitError
	}
	dir := "."
	if fs.NArg() > 0 {
		dir = fs.Arg(0)
	}
	// The repository is found and read as data, as scans read it (go-git
	// refuses SHA-256 and reftable repositories, Git 3.0's defaults).
	top, dirs, err := githistory.FindRepo(dir)
	if err != nil {
		fmt.Fprintf(stderr, "sprawl: %s is not inside a git repository: %v\n", dir, err)
		return ExitError
	}
	dotGit := filepath.Join(top, ".git")
	st, err := os.Lstat(dotGit)
	switch {
	case err != nil:
		fmt.Fprintf(stderr, "sprawl: %s has no work tree (bare repository?); install the hook in a checkout\n", top)
		return ExitError
	case !st.IsDir():
		fmt.Fprintf(stderr, "sprawl: %s is a linked worktree or submodule; run install-hook in the main checkout\n", dir)
		return ExitError
	}
	if hp := githistory.ConfigOption(dirs, "core", "hooksPath"); hp != "" {
		fmt.Fprintf(stderr, "sprawl: core.hooksPath is set to %q; add `sprawl scan --staged --quiet .` to the pre-commit hook there (or use the pre-commit framework)\n", hp)
		return ExitError
	}
	hooks := filepath.Join(dotGit, "hooks")
	path := filepath.Join(hooks, "pre-commit")
	if old, err := os.ReadFile(path); err == nil && !bytes.Contains(old, []byte(hookMarker)) && !*force {
		fmt.Fprintf(stderr, "sprawl: %s already exists; add `sprawl scan --staged --quiet .` to it, or run with --force to replace it\n", path)
		return ExitError
	}
	if err := os.MkdirAll(hooks, 0o755); err != nil {
		fmt.Fprintf(stderr, "sprawl: %v\n", err)
		return ExitError
	}
	if err := os.WriteFile(path, []byte(hookScript), 0o755); err != nil {
		fmt.Fprintf(stderr, "sprawl: cannot write %s: %v\n", path, err)
		return ExitError
	}
	fmt.Fprintf(stdout, "installed %s\n", path)
	return ExitClean
}
