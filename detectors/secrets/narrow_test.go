package secrets

import (
	"context"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/lucasjones/reggen"
	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/fixtures/fake"
)

// TestNarrowedWindowsFindWhatWholeWindowsFind compares a narrowed window
// (narrow.go) with the same window given to gitleaks whole, on dense
// generated windows: text generated from every rule's own pattern,
// quoted, assigned, encoded or inside long minified lines (secretLine),
// with placeholders, allow comments and multi-line assignments among
// them. Positions and fingerprints must agree.
func TestNarrowedWindowsFindWhatWholeWindowsFind(t *testing.T) {
	d := testDetector(t)
	r := rand.New(rand.NewPCG(17, 23))
	var gens []*reggen.Generator
	ids := make([]string, 0, len(d.cfg.Rules))
	for id := range d.cfg.Rules {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if re := d.cfg.Rules[id].Regex; re != nil {
			if g, err := reggen.NewGenerator(re.String()); err == nil {
				g.SetSeed(r.Int64())
				gens = append(gens, g)
			}
		}
	}
	extras := []string{
		"secret='aB3xY9kL2mN8pQ4rT6vW' # gitleaks:allow",
		"password: ${DB_PASSWORD}",
		"api_key =\n    \"Zq8Wm3Nc7Vb2Xl5Kj9Hg\"",
		"# General Secret placeholder or non-secret value",
		"token: <YOUR_TOKEN_HERE>",
		"password = \"hunter2hunter2\" // sprawl:allow",
	}
	long := []string{
		// Long lines whose allowlisting reads the whole line: a service
		// account's key in minified JSON (private-key's allowlist), and an
		// allow comment far from the secret it silences.
		minified(r, 5000) + `{"type": "service_account", "private_key": "` +
			strings.ReplaceAll(fake.New(5).PrivateKeyPEM(), "\n", `\n`) + `", "client_email": "ci@p.iam.gserviceaccount.com"}`,
		"const cfg = {" + minified(r, 5000) + `api_token: "Zq8Wm3Nc7Vb2Xl5Kj9HgT4rP",` + minified(r, 1000) + "} // gitleaks:allow",
		// generic-api-key's allowlist reads the line for an ES import: a
		// piece around the secret would not hold it.
		"const cfg = {" + minified(r, 5000) + `api_token: "Zq8Wm3Nc7Vb2Xl5Kj9HgT4rP",` + minified(r, 3000) + `}; import { a, b } from "lib";`,
		// Without one, the piece around the secret is enough.
		"const cfg = {" + minified(r, 5000) + `api_token: "Wm3Nc7Vb2Xl5Kj9HgT4rPZq8",` + minified(r, 3000) + `};`,
	}
	filler := []string{"", "}", "  replicas: 3", "\ttoken, err := client.Token(ctx)", "# the key is rotated weekly"}
	narrowed, found := 0, 0
	for doc := 0; doc < 30; doc++ {
		var lines []string
		for n := 20 + r.IntN(40); n > 0; n-- {
			switch r.IntN(4) {
			case 0:
				lines = append(lines, filler[r.IntN(len(filler))])
			case 1:
				lines = append(lines, extras[r.IntN(len(extras))])
			default:
				lines = append(lines, secretLine(r, gens[r.IntN(len(gens))].Generate(r.IntN(20)+1)))
			}
		}
		if doc%3 == 0 {
			at := r.IntN(len(lines))
			lines[at] = long[doc/3%len(long)]
		}
		text := strings.Join(lines, "\n") + "\n"
		if len(text) < narrowMin {
			continue
		}
		narrowed++
		path := []string{"config/app.yaml", "src/main.go", ".env", "settings.py", "deploy/values.json"}[r.IntN(5)]
		in := detectors.Input{Path: path, Hasher: testHasher}
		class := d.PathClass(path)
		whole := keysOf(settle(d, d.scan(context.Background(), in, text, true, class, "")))
		parts := keysOf(settle(d, d.scanWindow(context.Background(), in, text, true, class, "")))
		found += len(whole)
		if strings.Join(parts, "\n") != strings.Join(whole, "\n") {
			t.Errorf("document %d (%s): narrowed findings differ from the whole window's\nnarrowed:\n%s\nwhole:\n%s",
				doc, path, strings.Join(parts, "\n"), strings.Join(whole, "\n"))
		}
	}
	if narrowed < 20 || found < 200 {
		t.Fatalf("weak test: %d windows narrowed, %d findings compared", narrowed, found)
	}
	t.Logf("%d windows, %d findings", narrowed, found)
}

// minified returns about n bytes of a minified JSON array's items.
func minified(r *rand.Rand, n int) string {
	var b strings.Builder
	for b.Len() < n {
		fmt.Fprintf(&b, `{"id":%d,"name":"item-%d"},`, r.IntN(1e6), r.IntN(1e6))
	}
	return b.String()
}

// settle drops findings repeated by overlapping parts and applies the
// filters across them, as Detect does across windows.
func settle(d *Detector, fs []detectors.Finding) []detectors.Finding {
	seen := map[findingAt]bool{}
	var out []detectors.Finding
	for _, f := range fs {
		at := findingAt{f.RuleID, f.Location.StartLine, f.Location.StartColumn, f.Secret.Fingerprint}
		if !seen[at] {
			seen[at] = true
			out = append(out, f)
		}
	}
	return d.filter(out)
}

// TestNarrowBoundsParts: in a file of one secret a line (whose composite
// rule's window is the whole file), the lines the rules match are cut
// into parts of about maxPart bytes, not given to gitleaks as one
// fragment (where placing and filtering findings is quadratic in them);
// only rules that cannot be located see the whole window.
func TestNarrowBoundsParts(t *testing.T) {
	d := testDetector(t)
	g := fake.New(8)
	var b strings.Builder
	for i := 0; i < 3000; i++ {
		fmt.Fprintf(&b, "secret_key = \"%s\"\n", g.String("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 30))
	}
	text := b.String()
	parts := d.subsets.narrow(text, false, "", nil)
	located := 0
	for _, p := range parts {
		if p.start == 0 && p.end == len(text) {
			for _, id := range strings.Split(p.only, "\x00") {
				if d.subsets.locators[id]() != nil {
					t.Errorf("rule %s, which can be located, runs on the whole window", id)
				}
			}
			continue
		}
		located++
		if p.end-p.start > maxPart+64 {
			t.Errorf("part of %d bytes (lines %d to %d), want about %d at most", p.end-p.start, p.line, p.line+strings.Count(text[p.start:p.end], "\n"), maxPart)
		}
	}
	if located < len(text)/maxPart {
		t.Errorf("%d located parts for %d bytes of matched lines", located, len(text))
	}
}

// TestDecodedMatchesStartingAboveTheirValue: kubernetes-secret-yaml's
// matches start at "kind: Secret", lines above the base64 value they
// decode. Narrowing kept only the decoded line and its neighbours, so once
// a file grew past what made the rule read it whole (a trailing resource
// after traefik's CRD fixtures), every decoded finding went missing.
func TestDecodedMatchesStartingAboveTheirValue(t *testing.T) {
	d := testDetector(t)
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: foo\n")
	for i := range 8 {
		v := base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("TESTROOTCAS%02dX", i)))
		fmt.Fprintf(&b, "\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: root-ca%d\n  namespace: foo\n\ndata:\n  ca.crt: %s\n", i, v)
	}
	secrets := b.String()
	tail := "\n---\napiVersion: traefik.io/v1alpha1\nkind: ServersTransport\nmetadata:\n  name: test\n  namespace: foo\nspec:\n  serverName: \"test\"\n  insecureSkipVerify: true\n  maxIdleConnsPerHost: 42\n  peerCertURI: foo://bar\n  forwardingTimeouts:\n    dialTimeout: 42\n    responseHeaderTimeout: 42s\n  spiffe:\n    ids:\n      - spiffe://foo/buz\n      - spiffe://bar/biz\n    trustDomain: spiffe://lol\n"
	decoded := func(content string) int {
		n := 0
		for _, f := range d.Detect(context.Background(), detectors.Input{Path: "fixtures/with_servers_transport.yml", Content: []byte(content), Hasher: testHasher}) {
			if f.RuleID == RulePrefix+"kubernetes-secret-yaml" && f.Properties["encoding"] == "base64" {
				n++
			}
		}
		return n
	}
	want := decoded(secrets)
	if want < 8 {
		t.Fatalf("%d decoded findings in 8 Secrets alone", want)
	}
	for _, extra := range []string{tail, tail + tail, strings.Repeat(tail, 6)} {
		if got := decoded(secrets + extra); got != want {
			t.Errorf("with %d more lines after them: %d decoded findings, want %d", strings.Count(extra, "\n"), got, want)
		}
	}
}
