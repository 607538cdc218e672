package secrets

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"

	"github.com/zricethezav/gitleaks/v8/detect"
	"github.com/zricethezav/gitleaks/v8/sources"

	"github.com/sprawl-dev/sprawl/detectors"
)

// TestGitleaksParity runs gitleaks' own detection the way `gitleaks dir`
// does (default config, sources.Files, decode depth 5) over the expanded
// fixture tree and the example project, and asserts that every
// (path, line, secret) gitleaks reports, sprawl reports too. Secrets are
// compared by keyed fingerprint and never printed. The only gitleaks
// findings sprawl may drop are stand-ins (droppedOnPurpose), which the
// fixture tree's decoys pin down.
func TestGitleaksParity(t *testing.T) {
	if testing.Short() {
		t.Skip("parity scan skipped in -short mode")
	}
	d := testDetector(t)

	root := t.TempDir()
	tree := filepath.Join(root, "tree")
	for _, f := range expandTree(t, 1) {
		p := filepath.Join(tree, filepath.FromSlash(f.rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.content, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, dir := range []string{tree, filepath.Join("..", "..", "fixtures", "example")} {
		if _, err := os.Stat(dir); err != nil {
			continue
		}
		t.Run(filepath.Base(dir), func(t *testing.T) { checkParity(t, d, dir) })
	}
}

type parityKey struct {
	path string
	line int
	fp   string
}

// gitleaksDetector returns gitleaks' detector as `gitleaks dir` and `git`
// make it: default config, decode depth 5.
func gitleaksDetector(t *testing.T) *detect.Detector {
	t.Helper()
	viperMu.Lock()
	gl, err := detect.NewDetectorDefaultConfig()
	viperMu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	gl.MaxDecodeDepth = 5
	return gl
}

func checkParity(t *testing.T, d *Detector, dir string) {
	gl := gitleaksDetector(t)
	found, err := gl.DetectSource(context.Background(), &sources.Files{
		Config:          &gl.Config,
		FollowSymlinks:  false,
		MaxFileSize:     gl.MaxTargetMegaBytes * 1_000_000,
		Path:            dir,
		Sema:            gl.Sema,
		MaxArchiveDepth: gl.MaxArchiveDepth,
	})
	if err != nil {
		t.Fatal(err)
	}

	ours := map[parityKey]string{}
	files := 0
	err = filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files++
		rel := relPath(t, dir, p)
		for _, f := range d.Detect(context.Background(), detectors.Input{Path: rel, Content: b, Hasher: testHasher}) {
			// gitleaks reports the line its match starts on; a generic
			// match of a secret that a rule matching over several lines
			// found is dropped, and is found on the secret's line.
			ours[parityKey{rel, matchLine(&f), f.Secret.Fingerprint}] = f.RuleID
			ours[parityKey{rel, f.Location.StartLine, f.Secret.Fingerprint}] = f.RuleID
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	matched, placeholders := 0, 0
	var missed []string
	for _, f := range found {
		k := parityKey{relPath(t, dir, f.File), f.StartLine, testHasher.Fingerprint(f.Secret)}
		if _, ok := ours[k]; ok {
			matched++
			continue
		}
		if droppedOnPurpose(f.RuleID, f.Secret) {
			placeholders++
			continue
		}
		missed = append(missed, k.path+":"+strconv.Itoa(k.line)+" "+f.RuleID+" (preview "+detectors.Preview(f.Secret)+")")
	}
	sort.Strings(missed)
	for _, m := range missed {
		t.Errorf("gitleaks found, sprawl missed: %s", m)
	}
	t.Logf("%d files: gitleaks %d findings, sprawl %d; %d shared, %d gitleaks placeholders dropped by sprawl, %d missed",
		files, len(found), len(ours), matched, placeholders, len(missed))
}

func relPath(t *testing.T, dir, p string) string {
	t.Helper()
	rel, err := filepath.Rel(dir, p)
	if err != nil {
		t.Fatal(err)
	}
	return filepath.ToSlash(rel)
}
