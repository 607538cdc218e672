package secrets

import (
	"context"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/fixtures/fake"
	"github.com/zricethezav/gitleaks/v8/detect"
)

// wholeScan scans content in one piece, the way gitleaks does.
func wholeScan(d *Detector, in detectors.Input) []string {
	return keysOf(d.scan(context.Background(), in, string(in.Content), true, d.PathClass(in.Path), ""))
}

func keysOf(fs []detectors.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s %d:%d-%d:%d %s", f.RuleID, f.Location.StartLine, f.Location.StartColumn,
			f.Location.EndLine, f.Location.EndColumn, f.Secret.Fingerprint[:8]))
	}
	sort.Strings(out)
	return out
}

// TestWindowsFindWhatWholeScansFind compares windowed detection with a scan
// of the whole content on generated files: keyword-dense code, long lines,
// PEM blocks, secrets near chunk borders.
func TestWindowsFindWhatWholeScansFind(t *testing.T) {
	d, err := New(Options{MaxDecodeDepth: 5})
	if err != nil {
		t.Fatal(err)
	}
	g := fake.New(42)
	r := rand.New(rand.NewPCG(42, 1))
	filler := []string{
		"\tkey := store.Get(ctx, keyPrefix+id) // auth token check",
		"\tif err != nil { return nil, fmt.Errorf(\"get key: %w\", err) }",
		"func (s *Server) Authenticate(ctx context.Context, token string) error {",
		"\tlog.Printf(\"access granted for %s\", user)",
		"}",
		"",
		"// The API secret is read from the environment at run time.",
	}
	secrets := []func() string{
		func() string { return "\tgithubToken := \"" + g.GitHubPAT() + "\"" },
		func() string { return "DATABASE_URL=postgres://svc:" + g.Password(18) + "@db.internal:5432/app" },
		func() string { return "\tslack := \"" + g.SlackBot() + "\" // notify" },
		func() string { return "aws_access_key_id = " + g.AWSKeyID() },
		func() string { // deterministic, unlike a freshly generated key
			var b strings.Builder
			b.WriteString("-----BEGIN PRIVATE KEY-----\n")
			for i := 0; i < 6; i++ {
				b.WriteString(g.String("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 64) + "\n")
			}
			b.WriteString("-----END PRIVATE KEY-----")
			return b.String()
		},
	}
	for trial := 0; trial < 4; trial++ {
		var b strings.Builder
		for i := 0; i < 600; i++ {
			switch {
			case r.IntN(40) == 0:
				b.WriteString(secrets[r.IntN(len(secrets))]())
			case r.IntN(60) == 0:
				// A long minified line with a secret somewhere inside.
				var l strings.Builder
				for l.Len() < 40000+r.IntN(60000) {
					l.WriteString(fmt.Sprintf(`{"id":%d,"name":"item-%d"},`, r.IntN(1e6), r.IntN(1e6)))
					if r.IntN(800) == 0 {
						l.WriteString(`{"token":"` + g.GitHubPAT() + `"},`)
					}
				}
				b.WriteString(l.String())
			default:
				b.WriteString(filler[r.IntN(len(filler))])
			}
			b.WriteByte('\n')
		}
		in := detectors.Input{Path: "pkg/server.go", Content: []byte(b.String()), Hasher: detectors.NewHasher([]byte("k"), []byte("l"))}
		want := wholeScan(d, in)
		got := keysOf(d.Detect(context.Background(), in))
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("trial %d: windowed findings differ from a whole scan\nwindowed:\n%s\nwhole:\n%s", trial,
				strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if len(want) == 0 {
			t.Errorf("trial %d: generated file has no findings", trial)
		}
	}
}

func TestSplitLineCoversEverything(t *testing.T) {
	line := strings.Repeat("abc,def ghi;", 20000)
	ws := splitLine(line, 0, len(line))
	if ws[0].start != 0 || ws[len(ws)-1].end != len(line) {
		t.Fatalf("pieces do not cover the line: %+v", ws)
	}
	for i := 1; i < len(ws); i++ {
		if overlap := ws[i-1].end - ws[i].start; overlap < chunkOverlap/4 {
			t.Errorf("pieces %d and %d overlap by %d bytes", i-1, i, overlap)
		}
	}
}

// An edit near the start of a long line leaves the pieces past it as they
// were: their text, and so their window cache entries, carry over to the
// next version.
func TestSplitLinePiecesSurviveEdits(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 14))
	words := []string{"token", "serializer", "the", "field", "value,", "api", "returns", "a", "list;", "of", "objects"}
	var b strings.Builder
	for b.Len() < 400<<10 {
		b.WriteString(words[r.IntN(len(words))])
		b.WriteByte(' ')
	}
	v1 := b.String()
	v2 := v1[:5000] + "a few inserted words, " + v1[5000:]
	pieces := func(line string) map[string]bool {
		m := map[string]bool{}
		for _, w := range splitLine(line, 0, len(line)) {
			if w.end-w.start > maxChunkBytes {
				t.Errorf("piece of %d bytes", w.end-w.start)
			}
			m[line[w.start:w.end]] = true
		}
		return m
	}
	p1, p2 := pieces(v1), pieces(v2)
	kept := 0
	for p := range p2 {
		if p1[p] {
			kept++
		}
	}
	if len(p2) < 20 || kept < len(p2)-3 {
		t.Errorf("%d of %d pieces kept after an edit near the start", kept, len(p2))
	}
}

// TestCompanionsStayInOneChunk: a rule whose required companion may be
// anywhere in the file (kubeconfig-token needs "kind: Config") must see
// both, even when chunk boundaries fall between them.
func TestCompanionsStayInOneChunk(t *testing.T) {
	d, err := New(Options{MaxDecodeDepth: 5})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: Config\n")
	boundaries := 0
	for i := 0; boundaries < 3; i++ { // filler with content-defined cut points
		line := fmt.Sprintf("# filler line %d\n", i)
		if i >= minChunkLines && lineHash(line)%8 == 0 {
			boundaries++
		}
		b.WriteString(line)
	}
	token := fake.New(8).String("abcdefghijklmnopqrstuvwxyz0123456789", 40)
	b.WriteString("users:\n- name: deployer\n  user:\n    token: " + token + "\n")
	content := b.String()
	// Only the rule and its companion see the whole content; the other
	// rules keep to the windows around their keywords.
	whole := 0
	for _, w := range d.win.windows(content, "kubeconfig") {
		if w.start == 0 && w.end == len(content) {
			whole++
			if w.rules != "kubeconfig-document\x00kubeconfig-token" {
				t.Errorf("the whole content runs rules %q, want only kubeconfig-token and its companion", w.rules)
			}
		}
	}
	if whole != 1 {
		t.Errorf("%d windows cover the whole content, want 1", whole)
	}
	found := d.Detect(context.Background(), detectors.Input{Path: "kubeconfig", Content: []byte(content),
		Hasher: detectors.NewHasher([]byte("k"), []byte("l"))})
	for _, f := range found {
		if f.RuleID == "secret/kubeconfig-token" {
			return
		}
	}
	t.Errorf("kubeconfig token missed across chunk boundaries; got %v", keysOf(found))
}

// TestDropShadowedGeneric checks gitleaks' generic-rule filter applied
// across windows: a generic finding goes when another rule found the same
// secret, or one covering it, on the same line.
func TestDropShadowedGeneric(t *testing.T) {
	at := func(rule, fp string, line, from, to int, enc bool) detectors.Finding {
		f := detectors.Finding{RuleID: rule, Location: detectors.Location{StartLine: line, EndLine: line, StartColumn: from, EndColumn: to},
			Secret: &detectors.SecretFacts{Fingerprint: fp}}
		if enc {
			f.Properties = map[string]any{"encoding": "base64"}
		}
		return f
	}
	lead := func(f detectors.Finding, n int) detectors.Finding { f.Secret.LeadLines = n; return f }
	tests := []struct {
		name string
		in   []detectors.Finding
		want int // findings kept
	}{
		{"same secret, same line", []detectors.Finding{at("secret/generic-api-key", "a", 3, 10, 30, false), at("secret/github-pat", "a", 3, 10, 30, false)}, 1},
		{"covered, same line", []detectors.Finding{at("secret/generic-api-key", "a", 3, 12, 30, false), at("secret/docker-config-auth", "b", 3, 10, 30, false)}, 1},
		{"same secret, other line", []detectors.Finding{at("secret/generic-api-key", "a", 4, 10, 30, false), at("secret/github-pat", "a", 3, 10, 30, false)}, 2},
		{"other secret, beside it", []detectors.Finding{at("secret/generic-api-key", "a", 3, 40, 60, false), at("secret/github-pat", "b", 3, 10, 30, false)}, 2},
		{"two generic rules", []detectors.Finding{at("secret/generic-api-key", "a", 3, 10, 30, false), at("secret/generic-json-private-key", "a", 3, 10, 30, false)}, 2},
		{"decoded: whole-line locations", []detectors.Finding{at("secret/generic-api-key", "a", 3, 1, 90, true), at("secret/github-pat", "b", 3, 1, 90, true)}, 2},
		{"decoded, same secret", []detectors.Finding{at("secret/generic-api-key", "a", 3, 1, 90, true), at("secret/github-pat", "a", 3, 1, 90, true)}, 1},
		{"catch-all tagged generic", []detectors.Finding{at("secret/config-secret", "a", 3, 10, 30, false), at("secret/aws-access-key-pair", "a", 3, 10, 30, false)}, 1},
		{"catch-all, other secret", []detectors.Finding{at("secret/config-secret", "a", 3, 10, 30, false), at("secret/aws-access-key-pair", "b", 3, 40, 80, false)}, 2},
		{"multi-line match, secret on the generic's line", []detectors.Finding{at("secret/generic-api-key", "a", 6, 12, 35, false), lead(at("secret/kubernetes-bootstrap-token", "a", 6, 12, 35, false), 2)}, 1},
		{"multi-line match, other secret there", []detectors.Finding{at("secret/generic-api-key", "b", 6, 40, 60, false), lead(at("secret/kubernetes-bootstrap-token", "a", 6, 12, 35, false), 2)}, 2},
		// kubernetes-secret-yaml's secret is "key: value": it covers the
		// generic's value, but its match starts at "kind: Secret", so
		// gitleaks keeps both, and so does sprawl.
		{"multi-line match covering another secret", []detectors.Finding{at("secret/generic-api-key", "b", 8, 8, 24, false), lead(at("secret/kubernetes-secret-yaml", "a", 8, 3, 24, false), 6)}, 2},
	}
	d := testDetector(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := dropShadowedGeneric(tt.in, d.generic)
			if len(got) != tt.want {
				t.Fatalf("kept %d findings, want %d: %+v", len(got), tt.want, got)
			}
			for _, f := range got {
				if tt.want == 1 && d.generic(f.RuleID) {
					t.Errorf("kept the generic finding, dropped %s", f.RuleID)
				}
			}
		})
	}
}

// TestDropKindlessTwins: one secret found at one place by two rules is one
// finding, under the rule whose credential kind is known, unless both or
// neither are.
func TestDropKindlessTwins(t *testing.T) {
	at := func(rule, kind, fp string, line, col int) detectors.Finding {
		return detectors.Finding{RuleID: rule, Location: detectors.Location{StartLine: line, EndLine: line, StartColumn: col, EndColumn: col + 40},
			Secret: &detectors.SecretFacts{Fingerprint: fp, Kind: kind}}
	}
	tests := []struct {
		name string
		in   []detectors.Finding
		want []string // rules kept, in order
	}{
		{"kindless twin dropped", []detectors.Finding{at("secret/telegram-bot-api-token", "", "a", 5, 20), at("secret/telegram-bot-token", "saas-access-token", "a", 5, 20)}, []string{"secret/telegram-bot-token"}},
		{"other column", []detectors.Finding{at("secret/telegram-bot-api-token", "", "a", 5, 21), at("secret/telegram-bot-token", "saas-access-token", "a", 5, 20)}, []string{"secret/telegram-bot-api-token", "secret/telegram-bot-token"}},
		{"other secret", []detectors.Finding{at("secret/telegram-bot-api-token", "", "b", 5, 20), at("secret/telegram-bot-token", "saas-access-token", "a", 5, 20)}, []string{"secret/telegram-bot-api-token", "secret/telegram-bot-token"}},
		{"both kinds known", []detectors.Finding{at("secret/aws-access-token", "aws-access-key", "a", 5, 20), at("secret/aws-access-key-pair", "aws-secret-access-key", "a", 5, 20)}, []string{"secret/aws-access-token", "secret/aws-access-key-pair"}},
		{"neither kind known", []detectors.Finding{at("secret/x-token", "", "a", 5, 20), at("secret/y-token", "", "a", 5, 20)}, []string{"secret/x-token", "secret/y-token"}},
		// generic-api-key has a kind (generic-secret), which says nothing.
		{"generic rule's kind", []detectors.Finding{at("secret/generic-api-key", "generic-secret", "a", 6, 1), at("secret/grafana-service-account-token", "", "a", 6, 1)}, []string{"secret/generic-api-key", "secret/grafana-service-account-token"}},
	}
	d := testDetector(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, f := range dropKindlessTwins(tt.in, d.generic) {
				got = append(got, f.RuleID)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("kept %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRequiredLiteral(t *testing.T) {
	cases := []struct {
		pattern, text string
		lit           string
		fold, has     bool
	}{
		{`(?m)^kind:[ \t]*["']?Config["']?[ \t]*$`, "apiVersion: v1\nkind: Config\n", "Config", false, true},
		{`(?m)^kind:[ \t]*["']?Config["']?[ \t]*$`, "Token: token,\n", "Config", false, false},
		{`(?i)"auths"[ \t]*:[ \t]*\{`, `{"AUTHS": {`, ":", true, true}, // "auths" has an s: not used
		{`(?i)client_email"\s*:`, `"CLIENT_EMAIL": "x"`, `client_email"`, true, true},
		{`(?i)client_email"\s*:`, `"client-email": "x"`, `client_email"`, true, false},
		{`a|b`, "a", "", false, false},
	}
	for _, c := range cases {
		lit, fold := requiredLiteral(c.pattern)
		if lit != c.lit || fold != c.fold {
			t.Errorf("requiredLiteral(%q) = %q, %v; want %q, %v", c.pattern, lit, fold, c.lit, c.fold)
			continue
		}
		if lit != "" {
			if got := contains(c.text, lit, fold); got != c.has {
				t.Errorf("contains(%q, %q, %v) = %v", c.text, lit, fold, got)
			}
			if re := regexp.MustCompile(c.pattern); re.MatchString(c.text) && !contains(c.text, lit, fold) {
				t.Errorf("%q matches %q, which lacks its required literal", c.pattern, c.text)
			}
		}
	}
}

// TestLinesAgreesWithExpand: growing a line by index gives what growing
// its byte extent does, at the edges of the content too.
func TestLinesAgreesWithExpand(t *testing.T) {
	for _, raw := range []string{"a", "a\n", "\n\nabc\n", "one\ntwo\nthree", "one\ntwo\nthree\n", "x\n\n\ny\n"} {
		lt := newLineTable(raw)
		for line, at := 0, 0; at <= len(raw); line++ {
			end := len(raw)
			if line < len(lt.nl) {
				end = lt.nl[line]
			}
			for n := range 3 {
				if end > at { // expand needs a non-empty line, as the windower gives it
					s1, e1 := lt.expand(at, end, n)
					s2, e2 := lt.lines(line-n, line+n)
					if s1 != s2 || e1 != e2 {
						t.Errorf("%q line %d ±%d: lines gives [%d,%d), expand [%d,%d)", raw, line, n, s2, e2, s1, e1)
					}
				}
			}
			at = end + 1
		}
	}
}

// TestPrivateKeyEnd: the window of a "-----BEGIN" reaches where gitleaks'
// private-key rule would end its match: the first KEY----- at least 64
// characters past the header, even past an END marker that comes sooner.
func TestPrivateKeyEnd(t *testing.T) {
	body := strings.Repeat("A", 70)
	cases := []struct {
		name, s string
		want    int // -1, or the offset of the terminator's "KEY"
	}{
		{"ordinary", "-----BEGIN RSA PRIVATE KEY-----\n" + body + "\n-----END RSA PRIVATE KEY-----", len("-----BEGIN RSA PRIVATE KEY-----\n" + body + "\n-----END RSA PRIVATE ")},
		{"short body: the next KEY----- counts", "-----BEGIN PRIVATE KEY-----abc-----END PRIVATE KEY-----\n" + body + "\nx-----BEGIN OPENSSH PRIVATE KEY-----",
			len("-----BEGIN PRIVATE KEY-----abc-----END PRIVATE KEY-----\n" + body + "\nx-----BEGIN OPENSSH PRIVATE ")},
		{"key block", "-----begin pgp private key block-----\n" + body + "\n-----end pgp private key block-----", len("-----begin pgp private key block-----\n" + body + "\n-----end pgp private ")},
		{"not a private key", "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----", -1},
		{"no terminator", "-----BEGIN PRIVATE KEY-----\n" + body, -1},
	}
	for _, c := range cases {
		if got := privateKeyEnd(c.s); got != c.want {
			t.Errorf("%s: privateKeyEnd = %d, want %d", c.name, got, c.want)
		}
	}
	// Against the plain definition (lower-case the rest, take the first
	// terminator) on random texts of headers, terminators and dashes.
	plain := func(s string) int {
		h := privateKeyHeader.FindStringIndex(s)
		if h == nil {
			return -1
		}
		at := h[1]
		for n := 0; n < 64 && at < len(s); n++ {
			_, w := utf8.DecodeRuneInString(s[at:])
			at += w
		}
		best := -1
		for _, term := range []string{"key-----", "key block-----"} {
			if i := strings.Index(strings.ToLower(s[at:]), term); i >= 0 && (best < 0 || i < best) {
				best = i
			}
		}
		if best < 0 {
			return -1
		}
		return at + best
	}
	r := rand.New(rand.NewPCG(5, 5))
	pieces := []string{"-----BEGIN RSA PRIVATE KEY-----", "KEY-----", "key block-----", "KEY BLOCK------", "-----", "Key", " BLOCK", "K", "\n", "\n", body[:20], "é"}
	for range 20000 {
		var b strings.Builder
		b.WriteString(pieces[0])
		for n := r.IntN(12); n > 0; n-- {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		if got, want := privateKeyEnd(b.String()), plain(b.String()); got != want {
			t.Fatalf("privateKeyEnd(%q) = %d, want %d", b.String(), got, want)
		}
	}
}

// TestRulesSpanningAnyLines: kubernetes-secret-yaml's match runs from
// "kind: Secret" to a data value any number of lines below; in a YAML file
// a hit makes the whole file one window, so the match is found as gitleaks
// finds it, however far apart the two are.
func TestRulesSpanningAnyLines(t *testing.T) {
	d := testDetector(t)
	value := base64.StdEncoding.EncodeToString([]byte(randASCII(rand.New(rand.NewPCG(8, 8)), 24)))
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\n  labels:\n")
	for i := range 5 {
		fmt.Fprintf(&b, "    l%d: v%d\n", i, i)
	}
	b.WriteString("type: Opaque\ndata:\n  password: " + value + "\n")
	content := []byte(b.String())
	// The case is one gitleaks itself reports.
	if len(onlyRule(t, d, "kubernetes-secret-yaml").DetectContext(context.Background(), detect.Fragment{Raw: b.String(), FilePath: "deploy/secret.yaml"})) == 0 {
		t.Fatal("gitleaks does not report the case")
	}
	h := detectors.NewHasher([]byte("k"), []byte("l"))
	found := func(path string) bool {
		for _, f := range d.Detect(context.Background(), detectors.Input{Path: path, Content: content, Hasher: h}) {
			if f.RuleID == RulePrefix+"kubernetes-secret-yaml" {
				return true
			}
		}
		return false
	}
	if !found("deploy/secret.yaml") {
		t.Error("kubernetes-secret-yaml: the match over 10 lines was not found")
	}
	if found("deploy/secret.txt") {
		t.Error("kubernetes-secret-yaml reported outside YAML files")
	}
	for p, want := range map[string]bool{`(?s:.){0,200}`: false, `a\s+b`: true, `a[ \t]+b`: false, `(?s)a.*b`: true, `x\ny`: false} {
		if got := spansAnyLines(p); got != want {
			t.Errorf("spansAnyLines(%q) = %v, want %v", p, got, want)
		}
	}
}

// TestValueLinesBelowItsKey: gitleaks' semi-generic rules allow newlines
// between a key and its value; a window reaches past the blank lines
// between them.
func TestValueLinesBelowItsKey(t *testing.T) {
	d := testDetector(t)
	value := "Zx8vQ2mN7pL4kR9tW3yB6cD1"
	h := detectors.NewHasher([]byte("k"), []byte("l"))
	for _, text := range []string{
		"x = 1\napi_key =\n\n\n'" + value + "'\ny = 2\n",
		"x = 1\nauth_token:\n\n  \"" + value + "\"\ny = 2\n",
		// The operator below the key, CRLF endings, a tab before the end
		// of the line, text before the key that is not ASCII: the key's
		// line stays a hit (its line check lets the match run on).
		"x = 1\r\napi_key\r\n=\r\n'" + value + "'\r\n",
		"password:\t\r\n\"" + value + "\"\r\n",
		"ключ api_key = '" + value + "'\n",
		"clé: secret_token ,\n" + value + "\n",
		// A form feed (a page break in old sources) is \s to the rules.
		"api_key =\n\f\n'" + value + "'\n",
		"auth_token\n \f=>\n\f" + value + "\n",
		// A key at the end of a line longer than a window piece, its
		// value below; a key above a value that starts such a line.
		strings.Repeat(`{"id":1},`, 8000) + `"api_key":` + "\n'" + value + "'\n",
		"x = 1\napi_key =\n\n'" + value + "'," + strings.Repeat(`{"id":1},`, 8000) + "\n",
		strings.Repeat(`{"id":1},`, 8000) + "\napi_key:\n'" + value + "'," + strings.Repeat(`{"id":1},`, 8000) + "\n",
	} {
		if len(onlyRule(t, d, "generic-api-key").DetectString(text)) == 0 {
			t.Fatalf("gitleaks does not report %.200q", text)
		}
		found := false
		for _, f := range d.Detect(context.Background(), detectors.Input{Path: "app/settings.py", Content: []byte(text), Hasher: h}) {
			found = found || f.RuleID == RulePrefix+"generic-api-key"
		}
		if !found {
			t.Errorf("the value lines below its key was missed in %.200q", text)
		}
	}
}

// TestPEMEndIndex checks the one-pass index of "-----END" markers against
// its definition — the first "-----" followed by "end" (any case) at or
// after pos, ending within n bytes — on random texts of dashes and
// markers.
func TestPEMEndIndex(t *testing.T) {
	plain := func(raw string, pos, n int) int {
		for q := pos; q+8 <= min(len(raw), pos+n); q++ {
			if raw[q:q+5] == "-----" && strings.EqualFold(raw[q+5:q+8], "end") {
				return q - pos
			}
		}
		return -1
	}
	pieces := []string{"-----", "-", "END", "end", "En", "BEGIN", "x", "\n", "------END"}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		var b strings.Builder
		for range rng.IntN(30) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		raw := b.String()
		var x pemEndIndex
		for range 5 {
			pos := rng.IntN(len(raw) + 1)
			n := rng.IntN(len(raw) + 2)
			if got, want := x.next(raw, pos, n), plain(raw, pos, n); got != want {
				t.Fatalf("next(%q, %d, %d) = %d, want %d", raw, pos, n, got, want)
			}
		}
	}

}

func TestLastIndexFold(t *testing.T) {
	for _, tt := range []struct {
		s, k string
		want int
	}{{"zxlk ZXLK zXlK.", "zxlk", 10}, {"abc", "zxlk", -1}, {"ZXLK", "zxlk", 0}, {"", "zxlk", -1}} {
		if got := lastIndexFold(tt.s, tt.k); got != tt.want {
			t.Errorf("lastIndexFold(%q, %q) = %d, want %d", tt.s, tt.k, got, tt.want)
		}
	}
}

// TestSwallowedPEMHeaders checks that a key is reported when the
// private-key match of a header before it (a placeholder, a header in
// code) runs past its header: gitleaks' match from the first header ends
// inside the key's header, and the next one would start past the key.
func TestSwallowedPEMHeaders(t *testing.T) {
	d := testDetector(t)
	h := detectors.NewHasher([]byte("k"), []byte("l"))
	r := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct {
		name   string
		layout func(key string) (text, secret string)
	}{
		{"placeholder lines above", func(key string) (string, string) {
			return "Paste it as:\n-----BEGIN PRIVATE KEY-----\n...\n\nThe key:\n" + key, strings.TrimRight(key, "\n")
		}},
		{"header in code above", func(key string) (string, string) {
			return "if (s.startsWith(\"-----BEGIN PRIVATE KEY-----\")) {\n  return parse(s);\n}\n" + key, strings.TrimRight(key, "\n")
		}},
		{"one JSON line", func(key string) (string, string) {
			esc := strings.ReplaceAll(strings.TrimRight(key, "\n"), "\n", `\n`)
			return `{"example": "-----BEGIN PRIVATE KEY-----\n...\n", "key": "` + esc + `\n"}` + "\n", esc
		}},
		{"two placeholders", func(key string) (string, string) {
			return "-----BEGIN PRIVATE KEY-----\n-----BEGIN PRIVATE KEY-----\n\n" + key, strings.TrimRight(key, "\n")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text, secret := tc.layout(pkcs8PEM(r))
			want := h.Fingerprint(secret)
			var got []string
			for _, f := range d.Detect(context.Background(), detectors.Input{Path: "docs/keys.md", Content: []byte(text), Hasher: h}) {
				if f.RuleID == RulePrefix+"private-key" {
					got = append(got, f.Secret.Fingerprint)
				}
			}
			if !slices.Contains(got, want) {
				t.Errorf("the key below a swallowed header was missed (%d private-key findings)", len(got))
			}
		})
	}
}

// TestHeadersInCodeAddNoFindings: code that lists PEM headers (a map of
// header patterns) has each header's lazy match swallow the next header;
// sprawl reports what gitleaks reports there and no match per header.
func TestHeadersInCodeAddNoFindings(t *testing.T) {
	d := testDetector(t)
	h := detectors.NewHasher([]byte("k"), []byte("l"))
	text := "var headers = map[string]*regexp.Regexp{\n" +
		"\t\"RSA\":   regexp.MustCompile(\"-----BEGIN RSA PRIVATE KEY-----\"),\n" +
		"\t\"PKCS8\": regexp.MustCompile(\"-----BEGIN PRIVATE KEY-----\"),\n" +
		"\t\"EC\":    regexp.MustCompile(\"-----BEGIN EC PRIVATE KEY-----\"),\n" +
		"\t\"PGP\":   regexp.MustCompile(\"-----BEGIN PGP PRIVATE KEY BLOCK-----\"),\n" +
		"}\n\nfunc check(s string) bool { return strings.Contains(s, \"PRIVATE KEY-----\") }\n"
	want := len(onlyRule(t, d, "private-key").DetectString(text))
	got := 0
	for _, f := range d.Detect(context.Background(), detectors.Input{Path: "keys.go", Content: []byte(text), Hasher: h}) {
		if f.RuleID == RulePrefix+"private-key" {
			got++
		}
	}
	if got != want {
		t.Errorf("%d private-key findings, gitleaks has %d", got, want)
	}
}
