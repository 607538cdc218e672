// Package vettest runs a token-cache analyzer over its analysistest
// testdata with the gostub third-party stubs on the GOPATH, so testdata
// packages can import golang.org/x/oauth2, aws-sdk-go-v2 and friends without
// copies of the stubs in every analyzer's testdata.
package vettest

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/sprawl-dev/sprawl/detectors/tokencache/gostub"
)

// GOPATH builds a GOPATH in a temporary directory holding testdata/src of
// the calling package plus the stubs, and returns it.
func GOPATH(t testing.TB, testdata string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "src"), gostub.ThirdParty()); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(filepath.Join(dir, "src"), os.DirFS(filepath.Join(testdata, "src"))); err != nil {
		t.Fatal(err)
	}
	return dir
}

// Run runs a over pkgs (paths under testdata/src) and checks the // want
// comments.
func Run(t *testing.T, a *analysis.Analyzer, pkgs ...string) []*analysistest.Result {
	t.Helper()
	return analysistest.Run(t, GOPATH(t, analysistest.TestData()), a, pkgs...)
}

// Files lists the .go files of the calling package's testdata/src/<pkg>.
func Files(t testing.TB, pkg string) []string {
	t.Helper()
	var out []string
	root := filepath.Join(analysistest.TestData(), "src", pkg)
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(p) == ".go" {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
