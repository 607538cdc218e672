package engine

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/scanners"
)

// countingDetector reports "SECRET" tokens; its path class is the file
// extension, and it counts calls.
type countingDetector struct{ calls int }

func (d *countingDetector) Name() string { return "counting" }
func (d *countingDetector) PathClass(p string) string {
	if strings.HasSuffix(p, ".skip") {
		return ""
	}
	if i := strings.LastIndex(p, "."); i >= 0 {
		return p[i:]
	}
	return "none"
}
func (d *countingDetector) Detect(_ context.Context, in detectors.Input) []detectors.Finding {
	d.calls++
	if !strings.Contains(string(in.Content), "SECRET") {
		return nil
	}
	return []detectors.Finding{{RuleID: "secret/test", Location: detectors.Location{Path: in.Path, StartLine: 1, StartColumn: 1, EndLine: 1, EndColumn: 7},
		Secret: in.Hasher.Facts("SECRET-" + in.Path[strings.LastIndex(in.Path, "."):])}}
}

func commit(h string, day int) *scanners.Commit {
	return &scanners.Commit{Hash: h, Time: time.Date(2026, 1, day, 0, 0, 0, 0, time.UTC)}
}

func TestDetectRunsOncePerPathClass(t *testing.T) {
	d := &countingDetector{}
	frag := scanners.Fragment{Content: []byte("SECRET"), Occurrences: []scanners.Occurrence{
		{Path: "a.env", Commit: commit("c1", 1)},
		{Path: "b.env", Commit: commit("c2", 2), InHead: true},
		{Path: "c.yaml", Commit: commit("c3", 3)},
		{Path: "d.skip", Commit: commit("c4", 4)},
	}}
	h := detectors.NewHasher([]byte("k"), []byte("l"))
	got, _ := Detect(context.Background(), frag, []detectors.Detector{d}, h)
	if d.calls != 2 {
		t.Errorf("Detect ran %d times, want 2 (one per class; .skip excluded)", d.calls)
	}
	want := map[string]string{"a.env": "c1", "b.env": "c2", "c.yaml": "c3"}
	if len(got) != len(want) {
		t.Fatalf("got %d findings, want %d", len(got), len(want))
	}
	for _, f := range got {
		if want[f.Location.Path] != f.Location.Commit.Hash || f.History == nil || f.History.FirstSeen.Hash != f.Location.Commit.Hash {
			t.Errorf("finding at %s attributed to %v", f.Location.Path, f.Location.Commit)
		}
	}
	// Copies must not share the SecretFacts pointer.
	got[0].Secret.Preview = "changed"
	if got[1].Secret.Preview == "changed" {
		t.Error("placed findings share SecretFacts")
	}
}

func TestMergeHistory(t *testing.T) {
	mk := func(path, link string, first, last *scanners.Commit, removed *scanners.Commit, inHead bool) detectors.Finding {
		return detectors.Finding{RuleID: "secret/x", Location: detectors.Location{Path: path, Commit: first},
			Secret:  &detectors.SecretFacts{Link: link},
			History: &detectors.HistoryFacts{FirstSeen: first, LastSeen: last, RemovedIn: removed, InHead: inHead}}
	}
	tests := []struct {
		name      string
		in        []detectors.Finding
		wantN     int
		wantFirst string
		wantLast  string
		wantHead  bool
		wantRem   string
	}{
		{
			name: "two versions of one file, removed later",
			in: []detectors.Finding{
				mk("a.env", "L", commit("v2", 5), commit("v2b", 6), commit("rm", 7), false),
				mk("a.env", "L", commit("v1", 2), commit("v1b", 4), commit("v2", 5), false),
			},
			wantN: 1, wantFirst: "v1", wantLast: "v2b", wantRem: "rm",
		},
		{
			name: "still at HEAD in the newest version",
			in: []detectors.Finding{
				mk("a.env", "L", commit("v1", 2), commit("v1", 2), commit("v2", 5), false),
				mk("a.env", "L", commit("v2", 5), commit("v3", 9), nil, true),
			},
			wantN: 1, wantFirst: "v1", wantLast: "v3", wantHead: true,
		},
		{
			name: "different paths stay apart",
			in: []detectors.Finding{
				mk("a.env", "L", commit("v1", 2), nil, nil, true),
				mk("b.env", "L", commit("v1", 2), nil, nil, true),
			},
			wantN: 2, wantFirst: "v1", wantHead: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := MergeHistory(tt.in)
			if len(got) != tt.wantN {
				t.Fatalf("got %d findings, want %d", len(got), tt.wantN)
			}
			h := got[0].History
			if h.FirstSeen.Hash != tt.wantFirst || h.InHead != tt.wantHead {
				t.Errorf("first=%s head=%v, want %s %v", h.FirstSeen.Hash, h.InHead, tt.wantFirst, tt.wantHead)
			}
			if tt.wantLast != "" && h.LastSeen.Hash != tt.wantLast {
				t.Errorf("last=%s, want %s", h.LastSeen.Hash, tt.wantLast)
			}
			gotRem := ""
			if h.RemovedIn != nil {
				gotRem = h.RemovedIn.Hash
			}
			if gotRem != tt.wantRem {
				t.Errorf("removedIn=%q, want %q", gotRem, tt.wantRem)
			}
			if got[0].Location.Commit.Hash != tt.wantFirst {
				t.Errorf("location commit %s, want the introducing %s", got[0].Location.Commit.Hash, tt.wantFirst)
			}
		})
	}
}

func TestFingerprintKeyIsStablePerRepo(t *testing.T) {
	a, srcA := FingerprintKey(nil, &scanners.Repo{Name: "x", RootCommit: "abc"})
	b, _ := FingerprintKey(nil, &scanners.Repo{Name: "y", RootCommit: "abc"})
	c, _ := FingerprintKey(nil, &scanners.Repo{Name: "x", RootCommit: "def"})
	s, srcS := FingerprintKey([]byte("org"), &scanners.Repo{Name: "x", RootCommit: "abc"})
	if string(a) != string(b) || string(a) == string(c) || srcA != "root-commit" {
		t.Error("root-commit keys must depend on the root commit only")
	}
	if string(s) != "org" || srcS != "env" {
		t.Error("a shared key must win")
	}
}

// panicky detectors must not stop a scan.
type panicky struct{}

func (panicky) Name() string            { return "panicky" }
func (panicky) PathClass(string) string { return "x" }
func (panicky) Detect(context.Context, detectors.Input) []detectors.Finding {
	panic("boom")
}

func TestDetectorPanicIsContained(t *testing.T) {
	d := &countingDetector{}
	frag := scanners.Fragment{Content: []byte("SECRET"), Occurrences: []scanners.Occurrence{{Path: "a.env", InHead: true}}}
	got, notes := Detect(context.Background(), frag, []detectors.Detector{panicky{}, d}, detectors.NewHasher(nil, nil))
	if len(got) != 1 {
		t.Errorf("got %d findings after a panicking detector, want 1", len(got))
	}
	if len(notes) != 1 || notes[0].Kind != scanners.NoteError || !strings.Contains(notes[0].Detail, "panicky") {
		t.Errorf("panic not noted: %+v", notes)
	}
}

func TestMergeLiterals(t *testing.T) {
	sec := func(rule string, line int, fp string, w *detectors.WorkloadFacts) detectors.Finding {
		return detectors.Finding{RuleID: rule, Location: detectors.Location{Path: ".env", StartLine: line},
			Secret: &detectors.SecretFacts{Fingerprint: fp}, Workload: w}
	}
	wl := &detectors.WorkloadFacts{Kind: "persistent", Platform: "application"}
	in := []detectors.Finding{
		sec("secret/github-pat", 1, "a", nil),
		sec("config/dotenv-literal-secret", 1, "a", wl), // same value, same line: folded
		sec("config/dotenv-literal-secret", 2, "b", wl), // only the config check saw it: kept
		sec("config/dotenv-literal-secret", 3, "a", wl), // same value elsewhere: kept
	}
	got := mergeLiterals(in)
	if len(got) != 3 {
		t.Fatalf("got %d findings, want 3", len(got))
	}
	if got[0].RuleID != "secret/github-pat" || got[0].Workload != wl {
		t.Errorf("secret finding did not take the workload facts: %+v", got[0])
	}
	if got[1].Location.StartLine != 2 || got[2].Location.StartLine != 3 {
		t.Errorf("wrong findings kept: %+v", got)
	}
}

type currentOnlyDetector struct{ countingDetector }

func (*currentOnlyDetector) CurrentOnly() bool { return true }

func TestCurrentOnlyDetectorsSeeHeadContentOnly(t *testing.T) {
	d := &currentOnlyDetector{}
	frag := scanners.Fragment{Content: []byte("SECRET"), Occurrences: []scanners.Occurrence{
		{Path: "old.env", Commit: commit("c1", 1)},
		{Path: "now.env", Commit: commit("c2", 2), InHead: true},
	}}
	got, _ := Detect(context.Background(), frag, []detectors.Detector{d}, detectors.NewHasher(nil, nil))
	if len(got) != 1 || got[0].Location.Path != "now.env" {
		t.Errorf("got %+v, want one finding at now.env", got)
	}
}

// slowSource emits fragments until its context ends.
type slowSource struct{}

func (slowSource) Repo() *scanners.Repo { return &scanners.Repo{Name: "slow"} }
func (slowSource) Scan(ctx context.Context, sink scanners.Sink) (scanners.Stats, error) {
	for i := 0; ; i++ {
		if err := sink.Fragment(scanners.Fragment{Content: []byte("SECRET"), Occurrences: []scanners.Occurrence{{Path: "f.env", InHead: true}}}); err != nil {
			return scanners.Stats{Files: int64(i)}, err
		}
		time.Sleep(time.Millisecond)
	}
}

func TestTimeoutKeepsPartialResults(t *testing.T) {
	res, err := Run(context.Background(), []scanners.Source{slowSource{}}, Options{Detectors: []detectors.Detector{&countingDetector{}}, Timeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if len(res.Findings) == 0 || !strings.Contains(res.Repos[0].Err, "timed out") {
		t.Errorf("findings %d, repo error %q; want partial findings and a timeout error", len(res.Findings), res.Repos[0].Err)
	}
}

// everyLine reports a finding on every line of its input.
type everyLine struct{}

func (everyLine) Name() string            { return "every-line" }
func (everyLine) PathClass(string) string { return "x" }
func (everyLine) Detect(_ context.Context, in detectors.Input) []detectors.Finding {
	var out []detectors.Finding
	for i := range strings.Split(string(in.Content), "\n") {
		out = append(out, detectors.Finding{RuleID: "config/test", Location: detectors.Location{Path: in.Path, StartLine: i + 1}})
	}
	return out
}

// TestAllowCommentsSilenceEveryDetector: sprawl:allow, gitleaks:allow and
// the other scanners' inline comments silence their line whichever
// detector reports it.
func TestAllowCommentsSilenceEveryDetector(t *testing.T) {
	for _, tt := range []struct {
		content string
		want    []int
	}{
		{"a\nb # sprawl:allow\nc // gitleaks:allow\nd", []int{1, 4}},
		{"a\nb\n", []int{1, 2, 3}},
		{"x: 1 # sprawl:allow", nil},
		{"a # sprawl:allow gitleaks:allow\nb\nc # sprawl:allow\nd # gitleaks:allow sprawl:allow", []int{2}},
		// The peers' inline comments: TruffleHog, ggshield, detect-secrets.
		{"a # trufflehog:ignore\nb # ggignore\nc # pragma: allowlist secret\nd  # pragma: whitelist secret\ne", []int{5}},
		// detect-secrets' nextline form silences the line below, not its own.
		{"a\n# pragma: allowlist nextline secret\nb\nc", []int{1, 2, 4}},
		{"# pragma: allowlist nextline secret", []int{1}},
	} {
		frag := scanners.Fragment{Content: []byte(tt.content), Occurrences: []scanners.Occurrence{{Path: "a.env", InHead: true}}}
		got, _ := Detect(context.Background(), frag, []detectors.Detector{everyLine{}}, detectors.NewHasher(nil, nil))
		var lines []int
		for _, f := range got {
			lines = append(lines, f.Location.StartLine)
		}
		if fmt.Sprint(lines) != fmt.Sprint(tt.want) {
			t.Errorf("%q: findings on lines %v, want %v", tt.content, lines, tt.want)
		}
	}
}
