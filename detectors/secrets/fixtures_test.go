package secrets

import (
	"bufio"
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/fixtures/fake"
)

// The fixture tree under testdata/tree is the specification of what the
// detector reports. Every line that must be reported says so in the file's
// own comment syntax:
//
//	password: hunter2secret   # want: secret/config-password
//
// Files whose format has no trailing comments (JSON, .properties, .npmrc,
// .pypirc, .netrc, PEM) carry a sidecar "<file>.want" with one
// "LINE secret/<rule-id>" per expected finding (LINE is the template line).
// A want may pin the secret: "secret/config-password=hunter2secret". A file
// with no want must produce no finding (a decoy).
//
// No secret-looking literal is committed: "{{gen:KIND}}" in a template is
// replaced at test time by a random value of that kind's format (see gens);
// "{{gen:KIND:label}}" reuses one value for every occurrence of the label in
// the file. When a line holds generated values, each finding on it must
// carry the fingerprint of one of them (or of what it decodes to).

const treeDir = "testdata/tree"

var (
	genToken = regexp.MustCompile(`\{\{gen:([a-z0-9-]+)(?::([\w-]+))?\}\}`)
	wantRe   = regexp.MustCompile(`want:((?:\s+secret/[\w.-]+(?:=\S+)?)+)`)
)

// generator returns the text to insert and the secret values a detector may
// report for it.
type generator func(g *fake.Gen, r *rand.Rand) (text string, secrets []string)

var gens = map[string]generator{
	"aws-key-id":  one(func(g *fake.Gen, _ *rand.Rand) string { return g.AWSKeyID() }),
	"aws-temp-id": one(func(g *fake.Gen, _ *rand.Rand) string { return g.AWSTempKeyID() }),
	"aws-secret": one(func(g *fake.Gen, _ *rand.Rand) string {
		return g.String("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 36) + "+" + g.String("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 2) + "/"
	}),
	"github-pat":  one(func(g *fake.Gen, _ *rand.Rand) string { return g.GitHubPAT() }),
	"github-app":  one(func(g *fake.Gen, _ *rand.Rand) string { return g.GitHubAppToken() }),
	"slack-bot":   one(func(g *fake.Gen, _ *rand.Rand) string { return g.SlackBot() }),
	"stripe-live": one(func(g *fake.Gen, _ *rand.Rand) string { return g.StripeLive() }),
	"stripe-test": one(func(g *fake.Gen, _ *rand.Rand) string { return "sk_test_" + g.String(alnum, 24) }),
	"npm-token":   one(func(g *fake.Gen, _ *rand.Rand) string { return "npm_" + g.String(alnum, 36) }),
	"password":    one(func(g *fake.Gen, _ *rand.Rand) string { return g.String(alnum, 14) + "7!" }),
	// user:password, as curl's -u takes it (the whole pair is the secret).
	"user-pass": one(func(g *fake.Gen, _ *rand.Rand) string { return "deployer:" + g.String(alnum, 14) + "7!" }),
	"word-pass": one(func(g *fake.Gen, _ *rand.Rand) string { return g.String(alnum, 12) }),
	// A password holding an "@", written into a URL unescaped.
	"at-password": one(func(g *fake.Gen, _ *rand.Rand) string { return g.String(alnum, 8) + "@" + g.String(alnum, 8) + "7" }),
	"token32":     one(func(g *fake.Gen, _ *rand.Rand) string { return g.String(alnum, 32) }),
	"hex40":       one(func(g *fake.Gen, _ *rand.Rand) string { return g.String("0123456789abcdef", 40) }),
	// A Facebook app access token: the app id, "|" and the app secret.
	"facebook-token": one(func(g *fake.Gen, _ *rand.Rand) string {
		return g.String("123456789", 1) + g.String("0123456789", 15) + "|" + g.String(lower+"_-", 32)
	}),
	"openai-key": one(func(g *fake.Gen, _ *rand.Rand) string {
		return "sk-proj-" + g.String(alnum+"_-", 74) + "T3BlbkFJ" + g.String(alnum+"_-", 74)
	}),
	"gcp-api-key": one(func(g *fake.Gen, _ *rand.Rand) string { return "AIza" + g.String(alnum+"_-", 35) }),
	"gitlab-pat":  one(func(g *fake.Gen, _ *rand.Rand) string { return "glpat-" + g.String(alnum, 20) }),
	"k8s-token":   one(func(g *fake.Gen, _ *rand.Rand) string { return g.String(lower, 6) + "." + g.String(lower, 16) }),
	"pypi-token":  one(func(g *fake.Gen, _ *rand.Rand) string { return "pypi-AgEIcHlwaS5vcmc" + g.String(alnum+"_-", 70) }),
	"cert-b64": one(func(g *fake.Gen, r *rand.Rand) string {
		body := make([]byte, 300)
		randReader{r}.Read(body)
		return base64.StdEncoding.EncodeToString(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: body}))
	}),
	"azure-key": one(func(g *fake.Gen, _ *rand.Rand) string { return g.String(alnum+"+/", 86) + "==" }),
	"docker-auth": one(func(g *fake.Gen, _ *rand.Rand) string {
		return base64.StdEncoding.EncodeToString([]byte("ci-bot:" + g.String(alnum, 20)))
	}),
	"npm-auth-b64": one(func(g *fake.Gen, _ *rand.Rand) string {
		return base64.StdEncoding.EncodeToString([]byte("deploy:" + g.String(alnum, 18)))
	}),
	"jwt": one(func(g *fake.Gen, r *rand.Rand) string {
		return g.JWT("https://auth.example.internal", "svc-billing", time.Unix(1767225600, 0), time.Hour)
	}),
	"jwt-noexp": one(func(g *fake.Gen, r *rand.Rand) string {
		return g.JWT("https://auth.example.internal", "svc-reports", time.Unix(1767225600, 0), 0)
	}),
	"azure-sas": one(func(g *fake.Gen, _ *rand.Rand) string {
		sig := g.String(alnum, 20) + "%2B" + g.String(alnum, 20) + "%2F" + g.String(alnum, 2) + "%3D"
		return "sv=2022-11-02&ss=b&srt=sco&sp=rl&se=2031-01-01T00:00:00Z&st=2025-01-01T00:00:00Z&spr=https&sig=" + sig
	}),
	// Password hashes in crypt(3) formats.
	"bcrypt": one(func(g *fake.Gen, _ *rand.Rand) string { return "$2y$12$" + g.String(cryptChars, 53) }),
	"sha512-crypt": one(func(g *fake.Gen, _ *rand.Rand) string {
		return "$6$" + g.String(cryptChars, 16) + "$" + g.String(cryptChars, 86)
	}),
	"apr1": one(func(g *fake.Gen, _ *rand.Rand) string {
		return "$apr1$" + g.String(cryptChars, 8) + "$" + g.String(cryptChars, 22)
	}),
	// Application secret keys: Django's startproject alphabet, Laravel's
	// "base64:" and 32 bytes, a WordPress salt (64 printable characters, no
	// quotes or backslashes), a Rails master key.
	"django-key": one(func(g *fake.Gen, _ *rand.Rand) string { return g.String(lower+"!@#$%^&*(-_=+)", 50) }),
	"laravel-key": one(func(g *fake.Gen, r *rand.Rand) string {
		b := make([]byte, 32)
		randReader{r}.Read(b)
		return "base64:" + base64.StdEncoding.EncodeToString(b)
	}),
	"wp-salt":  one(func(g *fake.Gen, _ *rand.Rand) string { return g.String(alnum+"!@#$%^&*()-_[]{}<>~+=,.;:/?|", 64) }),
	"b64url43": one(func(g *fake.Gen, _ *rand.Rand) string { return g.String(alnum+"_-", 43) }),
	"hex32":    one(func(g *fake.Gen, _ *rand.Rand) string { return g.String("0123456789abcdef", 32) }),
	// The private lines of a PuTTY key file: three lines of base64.
	"ppk-private": one(func(g *fake.Gen, _ *rand.Rand) string {
		return g.String(alnum+"+/", 64) + "\n" + g.String(alnum+"+/", 64) + "\n" + g.String(alnum+"+/", 43) + "="
	}),
	// A PEM key as `base64` prints it, wrapped at 76 columns, its last line
	// shorter than the 16 characters gitleaks' decoder needs and holding
	// part of the END marker (trailing newlines added to the key until it
	// does), so that line-by-line decoding misses the key.
	"private-key-b64-wrapped": func(g *fake.Gen, _ *rand.Rand) (string, []string) {
		k := strings.TrimRight(g.PrivateKeyPEM(), "\n")
		for _, width := range []int{76, 64, 72, 68, 60, 56, 52, 48, 44, 40} {
			for pad := 1; pad <= 10; pad++ {
				enc := base64.StdEncoding.EncodeToString([]byte(k + strings.Repeat("\n", pad)))
				last := len(enc) % width
				if last < 4 || last >= 16 {
					continue
				}
				if tail, _ := base64.StdEncoding.DecodeString(enc[len(enc)-last:]); len(tail) <= pad {
					continue
				}
				var lines []string
				for len(enc) > width {
					lines, enc = append(lines, enc[:width]), enc[width:]
				}
				return strings.Join(append(lines, enc), "\n"), []string{k}
			}
		}
		panic("no wrapping leaves part of the END marker on a short last line")
	},
	// base64 of user:password, as an HTTP Basic Authorization header holds it.
	"basic-auth-b64": one(func(g *fake.Gen, _ *rand.Rand) string {
		return base64.StdEncoding.EncodeToString([]byte("svc-reports:" + g.String(alnum, 16)))
	}),
	// A Power Automate (Teams Workflows) trigger URL; the secret is its sig.
	"workflow-url": func(g *fake.Gen, _ *rand.Rand) (string, []string) {
		sig := g.String(alnum+"_-", 43)
		return "https://prod-27.westeurope.logic.azure.com:443/workflows/" + g.String(hexDigits, 32) +
			"/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=" + sig, []string{sig}
	},
	// A Discord webhook URL; the secret is its token.
	"discord-webhook": func(g *fake.Gen, _ *rand.Rand) (string, []string) {
		token := g.String(alnum+"_-", 68)
		return "https://discord.com/api/webhooks/1" + g.String("0123456789", 18) + "/" + token, []string{token}
	},
	// A Google Chat incoming webhook URL; the secret is its token.
	"google-chat-webhook": func(g *fake.Gen, _ *rand.Rand) (string, []string) {
		token := g.String(alnum+"_-", 43)
		return "https://chat.googleapis.com/v1/spaces/AAAA" + g.String(alnum, 7) + "/messages?key=AIzaSy" + g.String(alnum+"_-", 33) +
			"&token=" + token + "%3D", []string{token + "="}
	},
	// A Discord bot token: the bot's id (a snowflake) in base64, a
	// timestamp and an HMAC.
	"discord-bot-token": one(func(g *fake.Gen, _ *rand.Rand) string {
		id := base64.RawStdEncoding.EncodeToString([]byte(g.String("123456789", 1) + g.String("0123456789", 17)))
		return id + "." + g.String(alnum+"_-", 6) + "." + g.String(alnum+"_-", 38)
	}),
	// A WireGuard key: 32 bytes in base64.
	"wireguard-key": one(func(g *fake.Gen, _ *rand.Rand) string {
		return g.String(alnum+"+/", 42) + g.String("AEIMQUYcgkosw048", 1) + "="
	}),
	// An OpenVPN static key block; the secret is the block.
	"openvpn-static-key": func(g *fake.Gen, _ *rand.Rand) (string, []string) {
		var b strings.Builder
		b.WriteString("-----BEGIN OpenVPN Static key V1-----\n")
		for range 16 {
			b.WriteString(g.String(hexDigits, 32) + "\n")
		}
		b.WriteString("-----END OpenVPN Static key V1-----")
		return b.String(), []string{b.String()}
	},
	// A multi-line PEM block; the secret is the block without its final newline.
	"private-key-pem": func(g *fake.Gen, _ *rand.Rand) (string, []string) {
		k := strings.TrimRight(g.PrivateKeyPEM(), "\n")
		return k, []string{k}
	},
	// A PKCS#8 key as it sits in a JSON string (escaped newlines), as in
	// service-account key files; the text ends with the escaped final newline.
	"private-key-json": func(g *fake.Gen, r *rand.Rand) (string, []string) {
		k := strings.TrimRight(pkcs8PEM(r), "\n")
		esc := strings.ReplaceAll(k, "\n", `\n`)
		return esc + `\n`, []string{esc}
	},
	// base64 of a PEM key (kubeconfig client-key-data); detectors report
	// the decoded key.
	"private-key-b64": func(g *fake.Gen, _ *rand.Rand) (string, []string) {
		k := g.PrivateKeyPEM()
		return base64.StdEncoding.EncodeToString([]byte(k)), []string{strings.TrimRight(k, "\n")}
	},
}

const (
	cryptChars = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	alnum      = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	lower      = "abcdefghijklmnopqrstuvwxyz0123456789"
	hexDigits  = "0123456789abcdef"
)

func one(f func(g *fake.Gen, r *rand.Rand) string) generator {
	return func(g *fake.Gen, r *rand.Rand) (string, []string) {
		v := f(g, r)
		return v, []string{v}
	}
}

func pkcs8PEM(r *rand.Rand) string {
	der, err := x509.MarshalPKCS8PrivateKey(fake.P256Key(randReader{r}))
	if err != nil {
		panic(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

type randReader struct{ r *rand.Rand }

func (rr randReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(rr.r.UintN(256))
	}
	return len(p), nil
}

// want is one expected finding.
type want struct {
	line  int    // line in the expanded file
	rule  string // "secret/<id>"
	value string // pinned secret, or ""
}

// fixture is one expanded fixture file.
type fixture struct {
	rel     string     // slash path relative to the tree root
	content []byte     // expanded content
	wants   []want     // expected findings
	secrets [][]string // per expanded line: generated secret values starting there
	starts  lineStarts // template line -> expanded line
}

// expandTree expands every template under treeDir (sidecars excluded).
func expandTree(t *testing.T, seed uint64) []*fixture {
	t.Helper()
	var out []*fixture
	err := filepath.WalkDir(treeDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || strings.HasSuffix(p, ".want") {
			return nil
		}
		rel, _ := filepath.Rel(treeDir, p)
		rel = filepath.ToSlash(rel)
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		seed++
		f, err := expand(rel, string(src), seed)
		if err != nil {
			return fmt.Errorf("%s: %w", rel, err)
		}
		if side, err := os.ReadFile(p + ".want"); err == nil {
			ws, err := parseSidecar(string(side), f)
			if err != nil {
				return fmt.Errorf("%s.want: %w", rel, err)
			}
			f.wants = append(f.wants, ws...)
		}
		out = append(out, f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].rel < out[j].rel })
	return out
}

// lineStarts maps template line numbers (1-based) to expanded line numbers.
type lineStarts []int

func expand(rel, src string, seed uint64) (*fixture, error) {
	g := fake.New(seed)
	r := rand.New(rand.NewPCG(seed, seed*31+7))
	labels := map[string][2]any{}
	f := &fixture{rel: rel}
	var b strings.Builder
	starts := lineStarts{0}
	cur := 1
	var genErr error
	lines := strings.SplitAfter(src, "\n")
	for i, line := range lines {
		if line == "" && i == len(lines)-1 {
			break
		}
		starts = append(starts, cur)
		var lineSecrets []string
		text := genToken.ReplaceAllStringFunc(line, func(tok string) string {
			m := genToken.FindStringSubmatch(tok)
			gen, ok := gens[m[1]]
			if !ok {
				genErr = fmt.Errorf("unknown generator %q", m[1])
				return tok
			}
			key := m[1] + ":" + m[2]
			var v string
			var secrets []string
			if prev, ok := labels[key]; ok && m[2] != "" {
				v, secrets = prev[0].(string), prev[1].([]string)
			} else {
				v, secrets = gen(g, r)
				if m[2] != "" {
					labels[key] = [2]any{v, secrets}
				}
			}
			lineSecrets = append(lineSecrets, secrets...)
			return v
		})
		for len(f.secrets) <= cur {
			f.secrets = append(f.secrets, nil)
		}
		f.secrets[cur] = append(f.secrets[cur], lineSecrets...)
		if m := wantRe.FindStringSubmatch(line); m != nil {
			for _, w := range strings.Fields(m[1]) {
				f.wants = append(f.wants, parseWant(cur, w))
			}
			// The scanned text keeps the comment's place but not its
			// words: "secret/compose-database-password" spells keywords,
			// and would select rules the fixture line alone does not.
			if at := strings.Index(text, m[0]); at >= 0 {
				text = text[:at] + "want:" + strings.Repeat(" ", len(m[0])-len("want:")) + text[at+len(m[0]):]
			}
		}
		b.WriteString(text)
		cur += strings.Count(text, "\n")
	}
	if genErr != nil {
		return nil, genErr
	}
	f.content = []byte(b.String())
	f.secrets = append(f.secrets, nil)
	f.starts = starts
	return f, nil
}

func parseWant(line int, tok string) want {
	w := want{line: line, rule: tok}
	if i := strings.IndexByte(tok, '='); i >= 0 {
		w.rule, w.value = tok[:i], tok[i+1:]
	}
	return w
}

func parseSidecar(src string, f *fixture) ([]want, error) {
	starts := f.starts
	var out []want
	sc := bufio.NewScanner(strings.NewReader(src))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		n, err := strconv.Atoi(fields[0])
		if err != nil || len(fields) < 2 || n < 1 || n >= len(starts) {
			return nil, fmt.Errorf("bad line %q (want \"LINE secret/<rule>\", LINE within the file)", line)
		}
		for _, tok := range fields[1:] {
			out = append(out, parseWant(starts[n], tok))
		}
	}
	return out, sc.Err()
}

var (
	detOnce sync.Once
	det     *Detector
	detErr  error
)

func testDetector(t *testing.T) *Detector {
	t.Helper()
	detOnce.Do(func() { det, detErr = New(Options{MaxDecodeDepth: 5}) })
	if detErr != nil {
		t.Fatal(detErr)
	}
	return det
}

var testHasher = detectors.NewHasher([]byte("fixture-emit-key"), []byte("fixture-link-key"))

func TestFixtures(t *testing.T) {
	d := testDetector(t)
	files := expandTree(t, 1)
	if len(files) == 0 {
		t.Fatal("no fixtures under " + treeDir)
	}
	for _, f := range files {
		t.Run(f.rel, func(t *testing.T) {
			got := d.Detect(context.Background(), detectors.Input{Path: f.rel, Content: f.content, Hasher: testHasher})
			checkFixture(t, f, got)
		})
	}
}

// TestFixturesCRLF scans every fixture with Windows line endings: the
// same secrets must be found on the same lines (a rule that ends a value
// at "$" alone misses it before "\r").
func TestFixturesCRLF(t *testing.T) {
	d := testDetector(t)
	crlf := func(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }
	for _, f := range expandTree(t, 1) {
		t.Run(f.rel, func(t *testing.T) {
			// A secret spanning lines (a PEM key) holds the \r too.
			g := *f
			g.content = []byte(crlf(string(f.content)))
			g.wants = slices.Clone(f.wants)
			for i := range g.wants {
				g.wants[i].value = crlf(g.wants[i].value)
			}
			// Either form is one of the generated values: a value decoded
			// from base64 (a kubeconfig's client key) keeps its \n.
			g.secrets = make([][]string, len(f.secrets))
			for i, vs := range f.secrets {
				for _, v := range vs {
					g.secrets[i] = append(g.secrets[i], v, crlf(v))
				}
			}
			got := d.Detect(context.Background(), detectors.Input{Path: f.rel, Content: g.content, Hasher: testHasher})
			checkFixture(t, &g, got)
		})
	}
}

func checkFixture(t *testing.T, f *fixture, got []detectors.Finding) {
	t.Helper()
	type key struct {
		line int
		rule string
	}
	wantN := map[key][]want{}
	for _, w := range f.wants {
		k := key{w.line, w.rule}
		wantN[k] = append(wantN[k], w)
	}
	gotN := map[key][]detectors.Finding{}
	for _, g := range got {
		k := key{g.Location.StartLine, g.RuleID}
		gotN[k] = append(gotN[k], g)
	}
	for k, ws := range wantN {
		gs := gotN[k]
		if len(gs) < len(ws) {
			t.Errorf("%s:%d: missed %s (want %d, got %d)", f.rel, k.line, k.rule, len(ws), len(gs))
		}
		for _, w := range ws {
			if w.value == "" {
				continue
			}
			fp := testHasher.Fingerprint(w.value)
			found := false
			for _, g := range gs {
				found = found || g.Secret.Fingerprint == fp
			}
			if !found && len(gs) > 0 {
				t.Errorf("%s:%d: %s reported a different secret than %q (preview %s)", f.rel, k.line, k.rule, w.value, gs[0].Secret.Preview)
			}
		}
		if pinned(ws) {
			continue
		}
		if k.line < len(f.secrets) && len(f.secrets[k.line]) > 0 {
			for _, g := range gs {
				if !oneOf(g.Secret.Fingerprint, f.secrets[k.line]) {
					t.Errorf("%s:%d: %s reported a secret that is none of the generated values on the line (preview %s)", f.rel, k.line, k.rule, g.Secret.Preview)
				}
			}
		}
	}
	for k, gs := range gotN {
		if extra := len(gs) - len(wantN[k]); extra > 0 {
			t.Errorf("%s:%d: unexpected %s x%d (preview %s) — add a want or fix the rule", f.rel, k.line, k.rule, extra, gs[0].Secret.Preview)
		}
	}
}

func pinned(ws []want) bool {
	for _, w := range ws {
		if w.value != "" {
			return true
		}
	}
	return false
}

func oneOf(fp string, values []string) bool {
	for _, v := range values {
		// Some gitleaks rules (hashicorp-tf-password) keep the quotes.
		for _, form := range []string{v, `"` + v + `"`} {
			if testHasher.Fingerprint(form) == fp {
				return true
			}
		}
	}
	return false
}

// prefixedTokens are vendor tokens of a fixed prefix, alphabet and length
// (rules/secrets.toml, "Prefixed tokens"), generated as "{{gen:<name>}}".
var prefixedTokens = map[string]struct {
	prefix, chars string
	n             int
}{
	"groq-key":          {"gsk_", alnum, 52},
	"xai-key":           {"xai-", alnum, 80},
	"together-key":      {"tgp_v1_", alnum + "_-", 43},
	"llamacloud-key":    {"llx-", alnum, 48},
	"tavily-key":        {"tvly-dev-", alnum, 32},
	"dockerhub-pat":     {"dckr_pat_", alnum + "_-", 27},
	"figma-pat":         {"figd_", alnum + "_-", 40},
	"vercel-token":      {"vcp_", alnum, 56},
	"supabase-pat":      {"sbp_", "0123456789abcdef", 40},
	"posthog-key":       {"phx_", alnum, 43},
	"gcp-oauth-secret":  {"GOCSPX-", alnum + "_-", 28},
	"gcp-refresh-token": {"1//0", alnum + "_-", 96},
	"gcp-access-token":  {"ya29.", alnum + "_-", 160},
	"telegram-token":    {"5081234567:AA", alnum + "_-", 33},
	"buildkite-token":   {"bkua_", hexDigits, 40},
	"render-key":        {"rnd_", alnum, 32},
	"contentful-pat":    {"CFPAT-", alnum + "_-", 43},
	"doppler-cli":       {"dp.ct.", alnum, 43},
	"doppler-service":   {"dp.st.prd.", alnum, 43},
	"adafruit-key":      {"aio_", alnum, 28},
	"dtrack-key":        {"odt_", alnum, 32},
	"nuget-key":         {"oy2", lower, 43},
	"crates-token":      {"cio", alnum, 32},
	"twitch-stream-key": {"live_418236470_", alnum, 30},
	"square-secret":     {"sq0csp-", alnum + "_-", 43},
	"replicate-token":   {"r8_", alnum, 37},
	"openrouter-key":    {"sk-or-v1-", hexDigits, 64},
	"okta-token":        {"00", alnum + "_-", 40},
	"nvidia-key":        {"nvapi-", alnum + "_-", 64},
	"cerebras-key":      {"csk-", lower, 48},
	"ado-pat-legacy":    {"", "abcdefghijklmnopqrstuvwxyz234567", 52},
	"flexport-key":      {"shltm_", alnum, 40},
	"cody-token":        {"slk_", hexDigits, 64},
	"newrelic-user-key": {"NRAK-", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 27},
	"newrelic-insert":   {"NRII-", lower + "-", 32},
}

// Tokens made of several random parts around fixed signatures, generated
// as "{{gen:<name>}}": each part is an alphabet and a length, or a literal.
var partedTokens = map[string][]tokenPart{
	"tailscale-key":      {lit("tskey-auth-"), rnd(alnum, 12), lit("-"), rnd(alnum, 32)},
	"newrelic-license":   {rnd(hexDigits, 36), lit("NRAL")},
	"salesforce-token":   {lit("00D"), rnd(alnum, 12), lit("!"), rnd(alnum+"._", 96)},
	"azure-devops-pat":   {rnd(alnum, 52), lit("JQQJ99"), rnd(alnum, 18), lit("AZDO"), rnd(alnum, 4)},
	"langsmith-key":      {lit("lsv2_pt_"), rnd(hexDigits, 32), lit("_"), rnd(hexDigits, 10)},
	"pinecone-key":       {lit("pcsk_"), rnd(alnum, 6), lit("_"), rnd(alnum, 63)},
	"krb5-asrep":         {lit("$krb5asrep$23$svc-backup@CORP.EXAMPLE:"), rnd(hexDigits, 32), lit("$"), rnd(hexDigits, 230)},
	"cisco-type8":        {lit("$8$"), rnd(cryptChars, 14), lit("$"), rnd(cryptChars, 43)},
	"vault-unseal-key":   {rnd(alnum+"+/", 43), lit("=")},
	"vault-unseal-share": {rnd(alnum+"+/", 44)},
	"uuid":               {uuid()},
	"mailchimp-key":      {rnd(hexDigits, 32), lit("-us14")},
	"fcm-server-key":     {lit("AAAA"), rnd(alnum+"_-", 7), lit(":APA91b"), rnd(alnum+"_-", 134)},
	"circleci-pat":       {lit("CCIPAT_"), rnd(alnum, 22), lit("_"), rnd(hexDigits, 40)},
	"teamcity-token":     {lit("eyJ0eXAiOiAiVENWMiJ9."), rnd(alnum+"_-", 36), lit("."), rnd(alnum+"_-", 48)},
	"clickup-token":      {lit("pk_"), rnd("0123456789", 8), lit("_"), rnd("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 32)},
	"stackhawk-key":      {lit("hawk."), rnd(alnum, 20), lit("."), rnd(alnum, 20)},
	"zoho-token":         {lit("1000."), rnd(hexDigits, 32), lit("."), rnd(hexDigits, 32)},
	"resend-key":         {lit("re_"), rnd(alnum, 8), lit("_"), rnd(alnum, 24)},
	"voiceflow-key":      {lit("VF.DM."), rnd(hexDigits, 24), lit("."), rnd(alnum, 16)},
	"teams-webhook-legacy": {lit("https://outlook.office.com/webhook/"), uuid(), lit("@"), uuid(),
		lit("/IncomingWebhook/"), rnd(hexDigits, 32), lit("/"), uuid()},
}

// uuid is a random UUID's parts.
func uuid() tokenPart {
	return tokenPart{join: []tokenPart{rnd(hexDigits, 8), lit("-"), rnd(hexDigits, 4), lit("-"), rnd(hexDigits, 4), lit("-"), rnd(hexDigits, 4), lit("-"), rnd(hexDigits, 12)}}
}

// tokenPart is a literal, n characters drawn from chars, or parts joined.
type tokenPart struct {
	chars string
	n     int
	lit   string
	join  []tokenPart
}

func (p tokenPart) write(b *strings.Builder, g *fake.Gen) {
	switch {
	case p.lit != "":
		b.WriteString(p.lit)
	case p.join != nil:
		for _, q := range p.join {
			q.write(b, g)
		}
	default:
		b.WriteString(g.String(p.chars, p.n))
	}
}

func lit(s string) tokenPart            { return tokenPart{lit: s} }
func rnd(chars string, n int) tokenPart { return tokenPart{chars: chars, n: n} }

func init() {
	for name, p := range prefixedTokens {
		gens[name] = one(func(g *fake.Gen, _ *rand.Rand) string { return p.prefix + g.String(p.chars, p.n) })
	}
	for name, parts := range partedTokens {
		gens[name] = one(func(g *fake.Gen, _ *rand.Rand) string {
			var b strings.Builder
			tokenPart{join: parts}.write(&b, g)
			return b.String()
		})
	}
}
