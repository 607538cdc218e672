package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/detectors/tokencache"
)

// TestSampleModule runs sprawl-vet through `go vet` on the sample module in
// fixtures/tokencache-sample (with its real dependencies) and checks that it
// reports exactly the lines marked "want", and that sprawl's in-process
// detector — which never downloads or builds anything — reports the same.
func TestSampleModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds sprawl-vet and downloads the sample's dependencies")
	}
	sample, err := filepath.Abs("../../fixtures/tokencache-sample")
	if err != nil {
		t.Fatal(err)
	}
	download := exec.Command("go", "mod", "download")
	download.Dir = sample
	if out, err := download.CombinedOutput(); err != nil {
		t.Skipf("cannot download the sample's dependencies (offline?): %v\n%s", err, out)
	}
	vettool := filepath.Join(t.TempDir(), "sprawl-vet")
	if out, err := exec.Command("go", "build", "-o", vettool, ".").CombinedOutput(); err != nil {
		t.Fatalf("building sprawl-vet: %v\n%s", err, out)
	}
	vet := exec.Command("go", "vet", "-vettool="+vettool, "./...")
	vet.Dir = sample
	out, _ := vet.CombinedOutput() // exit 1 is expected: there are findings
	diag := regexp.MustCompile(`(?m)^(?:\./)?([\w./-]+\.go):(\d+):\d+: `)
	var vetLines []string
	for _, m := range diag.FindAllStringSubmatch(string(out), -1) {
		vetLines = append(vetLines, filepath.Base(m[1])+":"+m[2])
	}

	var want, detLines []string
	files, _ := filepath.Glob(filepath.Join(sample, "*.go"))
	det := tokencache.New()
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(strings.NewReader(string(src)))
		for n := 1; sc.Scan(); n++ {
			if strings.Contains(sc.Text(), "want: code/token-cache-outlives-ttl") {
				want = append(want, filepath.Base(f)+":"+strconv.Itoa(n))
			}
		}
		for _, fd := range det.Detect(context.Background(), detectors.Input{Path: filepath.Base(f), Content: src,
			Hasher: detectors.NewHasher([]byte("k"), []byte("l"))}) {
			detLines = append(detLines, fd.Location.Path+":"+strconv.Itoa(fd.Location.StartLine))
		}
	}
	for _, s := range [][]string{want, vetLines, detLines} {
		sort.Strings(s)
	}
	if len(want) == 0 {
		t.Fatal("the sample marks no lines")
	}
	if strings.Join(vetLines, " ") != strings.Join(want, " ") {
		t.Errorf("go vet reported %v, want %v\n%s", vetLines, want, out)
	}
	if strings.Join(detLines, " ") != strings.Join(want, " ") {
		t.Errorf("sprawl's detector reported %v, want %v", detLines, want)
	}
}
