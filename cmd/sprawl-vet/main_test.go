package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sprawl-dev/sprawl/detectors/tokencache/vettest"
)

// TestGoVet builds sprawl-vet and runs it under go vet -vettool over the
// analyzers' own testdata (GOPATH mode, stubs for the dependencies).
func TestGoVet(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	bin := filepath.Join(t.TempDir(), "sprawl-vet")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	gopath := vettest.GOPATH(t, "../../detectors/tokencache/heldtoken/testdata")
	cmd := exec.Command("go", "vet", "-vettool="+bin, "a")
	cmd.Dir = filepath.Join(gopath, "src", "a")
	cmd.Env = append(os.Environ(), "GOPATH="+gopath, "GO111MODULE=off", "GOFLAGS=", "GOWORK=off")
	out, _ := cmd.CombinedOutput()
	got := string(out)
	for _, want := range []string{"positive.go:25:", "fetched once in init()", "sync.OnceValue memoises"} {
		if !strings.Contains(got, want) {
			t.Errorf("go vet output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "negative.go") {
		t.Errorf("report on negative cases:\n%s", got)
	}
}
