package secrets

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/lucasjones/reggen"
	"github.com/zricethezav/gitleaks/v8/detect"

	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/rules"
)

// TestGeneratedMatchesAgreeWithGitleaks is a differential test of every
// gitleaks rule: text generated from the rule's own pattern (reggen), alone
// or with other rules' matches, set among ordinary lines in a random layout
// — a key above its value, CRLF endings, files long enough for their
// windows to be cut into chunks, a long minified line, the first or last
// line of a file without a final newline, base64, hex or percent encoding —
// is scanned by gitleaks as one fragment and by sprawl's windows, and every
// secret gitleaks reports sprawl must report too (by keyed fingerprint;
// never printed). Placeholders are the one deliberate difference. One
// shared detector scans every document, so its line memo is exercised as
// in a history scan. SPRAWL_DIFF_SAMPLES raises the samples per rule,
// SPRAWL_DIFF_SEED picks another seed and SPRAWL_DIFF_DUMP names a folder
// to write each missed document to (generated values only).
func TestGeneratedMatchesAgreeWithGitleaks(t *testing.T) {
	if testing.Short() {
		t.Skip("differential test skipped in -short mode")
	}
	d := testDetector(t)
	gl := gitleaksDetector(t)
	replaced := map[string]bool{} // gitleaks rules rules/secrets.toml redefines
	for _, m := range regexp.MustCompile(`(?m)^id = "([^"]+)"`).FindAllStringSubmatch(rules.SecretsTOML, -1) {
		if _, ok := gl.Config.Rules[m[1]]; ok {
			replaced[m[1]] = true
		}
	}
	samples := 12
	if s, err := strconv.Atoi(os.Getenv("SPRAWL_DIFF_SAMPLES")); err == nil && s > 0 {
		samples = s
	}
	seed := uint64(11)
	if s, err := strconv.ParseUint(os.Getenv("SPRAWL_DIFF_SEED"), 10, 64); err == nil {
		seed = s
	}
	r := rand.New(rand.NewPCG(seed, 5))
	ids := make([]string, 0, len(gl.Config.Rules))
	for id, rule := range gl.Config.Rules {
		if rule.Regex != nil {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	missed := map[string]int{}
	compared := 0
	gens := map[string]*reggen.Generator{}
	for _, id := range ids {
		if g, err := reggen.NewGenerator(gl.Config.Rules[id].Regex.String()); err == nil {
			g.SetSeed(r.Int64()) // the run is the seed's
			gens[id] = g
		}
	}
	for _, id := range ids {
		g := gens[id]
		if g == nil {
			continue
		}
		for i := 0; i < samples; i++ {
			secrets := []string{g.Generate(r.IntN(20) + 1)}
			if r.IntN(3) == 0 { // neighbours from other rules
				for n := r.IntN(3) + 1; n > 0; n-- {
					if o := gens[ids[r.IntN(len(ids))]]; o != nil {
						secrets = append(secrets, o.Generate(r.IntN(20)+1))
					}
				}
			}
			path, content := generatedDocument(r, secrets)
			want := gl.Detect(detect.Fragment{Raw: content, FilePath: path})
			if len(want) == 0 {
				continue
			}
			have := map[string]bool{}
			ruleAt := map[string]bool{} // rule and the line its match starts on
			for _, f := range d.Detect(context.Background(), detectors.Input{Path: path, Content: []byte(content), Hasher: testHasher}) {
				have[f.Secret.Fingerprint] = true
				ruleAt[f.RuleID+":"+strconv.Itoa(matchLine(&f))] = true
			}
			for _, f := range want {
				compared++
				if have[testHasher.Fingerprint(f.Secret)] || droppedOnPurpose(f.RuleID, f.Secret) {
					continue
				}
				// A rule sprawl replaces may report a different part of the
				// match as the secret (microsoft-teams-webhook: the whole URL,
				// where gitleaks' capture group takes one UUID segment).
				if replaced[f.RuleID] && ruleAt[RulePrefix+f.RuleID+":"+strconv.Itoa(f.StartLine+1)] { // gitleaks counts lines from 0 here
					continue
				}
				missed[f.RuleID]++
				if dir := os.Getenv("SPRAWL_DIFF_DUMP"); dir != "" && missed[f.RuleID] <= 2 {
					os.WriteFile(fmt.Sprintf("%s/miss-%s-%d.txt", dir, f.RuleID, i), []byte(path+"\n"+content), 0o600)
				}
				if missed[f.RuleID] == 1 {
					t.Errorf("rule %s: gitleaks found a generated secret (preview %s) in %s (sample %d, seed %d) that sprawl missed",
						f.RuleID, detectors.Preview(f.Secret), path, i, seed)
				}
			}
		}
	}
	for id, n := range missed {
		if n > 1 {
			t.Errorf("rule %s: %d misses in all", id, n)
		}
	}
	if compared < 20*len(ids)*samples/30 {
		t.Errorf("weak test: %d gitleaks findings compared over %d rules", compared, len(ids))
	}
	t.Logf("%d rules, %d gitleaks findings compared", len(ids), compared)
}

// generatedDocument sets secrets among ordinary lines in a random layout.
func generatedDocument(r *rand.Rand, secrets []string) (path, content string) {
	filler := []string{
		"\tkey := store.Get(ctx, keyPrefix+id) // auth token check",
		"func (s *Server) Authenticate(ctx context.Context, token string) error {",
		"}",
		"",
		"# The API secret is read from the environment at run time.",
		"  name: api-server",
		"  replicas: 3",
		"\tpassword := os.Getenv(\"DB_PASSWORD\") // never a literal",
		"    \"description\": \"Schlüssel für die API — ключ доступа\",",
		"\ttoken, err := client.Token(ctx)",
	}
	var lines []string
	n := r.IntN(8)
	if r.IntN(4) == 0 {
		n = 50 + r.IntN(400) // long enough for windows to be cut into chunks
	}
	for ; n > 0; n-- {
		lines = append(lines, filler[r.IntN(len(filler))])
	}
	for _, secret := range secrets {
		at := r.IntN(len(lines) + 1)
		lines = append(lines[:at], append([]string{secretLine(r, secret)}, lines[at:]...)...)
	}
	nl := "\n"
	if r.IntN(5) == 0 {
		nl = "\r\n"
	}
	content = strings.Join(lines, nl)
	if r.IntN(3) > 0 {
		content += nl
	}
	paths := []string{"config/app.yaml", "src/main.go", ".env", "settings.py", "deploy/values.json", "README.md", "src/client.ts"}
	return paths[r.IntN(len(paths))], content
}

// secretLine puts secret in a line: quoted, assigned, encoded or inside a
// long minified line.
func secretLine(r *rand.Rand, secret string) string {
	line := []string{"", "  ", "export ", "\t\"", "x = '", "<value>"}[r.IntN(6)] + secret +
		[]string{"", "\"", "'", ",", " # c", "</value>"}[r.IntN(6)]
	switch r.IntN(10) {
	case 0:
		line = "data: " + base64.StdEncoding.EncodeToString([]byte(line))
	case 1:
		line = "payload=" + hex.EncodeToString([]byte(line))
	case 2:
		line = "q=" + url.QueryEscape(line)
	case 3: // inside a long minified line
		var b strings.Builder
		items := r.IntN(200)
		if r.IntN(8) == 0 {
			items = 1000 + r.IntN(4000) // past a line piece (splitLine)
		}
		for n := items; n > 0; n-- {
			fmt.Fprintf(&b, `{"id":%d,"name":"item-%d"},`, r.IntN(1e6), r.IntN(1e6))
		}
		line = b.String() + line + strings.Repeat(`{"k":1},`, r.IntN(100))
	}
	return line
}
