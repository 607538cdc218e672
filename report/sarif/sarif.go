// Package sarif writes a correlated report as SARIF 2.1.0 that GitHub code
// scanning accepts: one run per repository, rules with full metadata,
// repo-relative locations, keyed partial fingerprints, no secret values, and
// GitHub's upload limits respected (results are cut with a notification,
// never rejected).
package sarif

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"

	gosarif "github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/sprawl-dev/sprawl/correlator"
	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/rules"
	"github.com/sprawl-dev/sprawl/scanners"
)

// GitHub's limits for one uploaded file.
const (
	MaxRuns             = 20
	MaxResultsPerRun    = 25000
	MaxRelatedLocations = 1000
	MaxGzipBytes        = 10 << 20
)

// SchemaURI is written as $schema.
const SchemaURI = "https://json.schemastore.org/sarif-2.1.0.json"

// Options configure the writer.
type Options struct {
	// ToolVersion is sprawl's semantic version.
	ToolVersion string
	// Category prefixes each run's automationDetails.id (default "sprawl").
	Category string
	// Rules resolves rule metadata.
	Rules *rules.Resolver
	// maxGzip overrides MaxGzipBytes in tests.
	maxGzip int
}

// Write writes r as SARIF to w.
func Write(w io.Writer, r *correlator.Report, opts Options) error {
	log, err := Build(r, opts)
	if err != nil {
		return err
	}
	raw, err := marshal(log)
	if err != nil {
		return err
	}
	limit := opts.maxGzip
	if limit == 0 {
		limit = MaxGzipBytes
	}
	for gzipSize(raw) > limit {
		if !shrink(log) {
			return fmt.Errorf("sarif: output exceeds GitHub's %d-byte compressed limit even without results", limit)
		}
		if raw, err = marshal(log); err != nil {
			return err
		}
	}
	_, err = w.Write(raw)
	return err
}

// Build returns the SARIF log for r.
func Build(r *correlator.Report, opts Options) (*gosarif.Report, error) {
	if opts.Rules == nil {
		return nil, fmt.Errorf("sarif: no rule resolver")
	}
	if opts.Category == "" {
		opts.Category = "sprawl"
	}
	log, err := gosarif.New(gosarif.Version210, false)
	if err != nil {
		return nil, err
	}
	log.Schema = SchemaURI

	byRepo := map[string][]detectors.Finding{}
	for _, f := range r.Findings {
		byRepo[f.Location.Repo] = append(byRepo[f.Location.Repo], f)
	}
	var names []string
	seen := map[string]bool{}
	for _, rr := range r.Repos {
		if !seen[rr.Repo.Name] {
			seen[rr.Repo.Name] = true
			names = append(names, rr.Repo.Name)
		}
	}
	for name := range byRepo {
		if !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
	}
	multi := len(names) > 1
	var droppedRuns []string
	for i, name := range names {
		if i >= MaxRuns {
			droppedRuns = append(droppedRuns, name)
			continue
		}
		log.AddRun(buildRun(r, name, byRepo[name], opts, multi))
	}
	if len(droppedRuns) > 0 && len(log.Runs) > 0 {
		last := log.Runs[len(log.Runs)-1]
		notify(last, fmt.Sprintf("GitHub accepts at most %d runs per file: %d repositories were left out (%s); write one SARIF file per repository (sprawl sweep does).",
			MaxRuns, len(droppedRuns), strings.Join(droppedRuns, ", ")))
	}
	return log, nil
}

func buildRun(r *correlator.Report, name string, findings []detectors.Finding, opts Options, multi bool) *gosarif.Run {
	run := gosarif.NewRunWithInformationURI("sprawl", "https://github.com/sprawl-dev/sprawl")
	run.Tool.Driver.SemanticVersion = strPtr(opts.ToolVersion)
	run.ColumnKind = "utf16CodeUnits"
	run.Results = []*gosarif.Result{}
	id := opts.Category + "/"
	if multi {
		id = opts.Category + "/" + slug(name) + "/"
	}
	run.AutomationDetails = &gosarif.RunAutomationDetails{ID: strPtr(id)}
	props := gosarif.Properties{"repository": name}
	for _, rr := range r.Repos {
		if rr.Repo.Name != name {
			continue
		}
		if uri := RepositoryURI(rr.Repo.URI); uri != "" {
			vcp := &gosarif.VersionControlDetails{RepositoryURI: strPtr(uri)}
			if rr.Repo.Head != "" {
				vcp.RevisionID = strPtr(rr.Repo.Head)
			}
			if rr.Repo.Branch != "" {
				vcp.Branch = strPtr(rr.Repo.Branch)
			}
			run.VersionControlProvenance = append(run.VersionControlProvenance, vcp)
		}
		props["history"] = rr.History
		props["fingerprintKey"] = rr.KeySource
		if rr.Err != "" {
			notify(run, "scan of "+name+" did not finish: "+rr.Err)
		}
		break
	}
	run.Properties = props

	// Most severe first, so that a cut keeps what matters.
	sort.SliceStable(findings, func(i, j int) bool {
		return opts.Rules.Rule(findings[i].RuleID).Severity > opts.Rules.Rule(findings[j].RuleID).Severity
	})
	if len(findings) > MaxResultsPerRun {
		notify(run, fmt.Sprintf("%d results exceed GitHub's limit of %d per run; the %d least severe were left out. Use --format json for all of them.",
			len(findings), MaxResultsPerRun, len(findings)-MaxResultsPerRun))
		findings = findings[:MaxResultsPerRun]
	}
	ruleIndex := map[string]int{}
	for _, f := range findings {
		if _, ok := ruleIndex[f.RuleID]; !ok {
			ruleIndex[f.RuleID] = len(run.Tool.Driver.Rules)
			run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, descriptor(opts.Rules.Rule(f.RuleID)))
		}
		run.Results = append(run.Results, result(f, ruleIndex[f.RuleID], opts.Rules.Rule(f.RuleID)))
	}
	return run
}

func descriptor(rule rules.Rule) *gosarif.ReportingDescriptor {
	d := gosarif.NewRule(rule.ID)
	d.Name = strPtr(rule.Name)
	d.ShortDescription = &gosarif.MultiformatMessageString{Text: strPtr(clip(rule.Short, 1024))}
	d.FullDescription = &gosarif.MultiformatMessageString{Text: strPtr(clip(rule.Full, 1024))}
	d.Help = &gosarif.MultiformatMessageString{Text: strPtr(markdownToText(rule.Help)), Markdown: strPtr(rule.Help)}
	if rule.HelpURI != "" {
		d.HelpURI = strPtr(rule.HelpURI)
	}
	d.DefaultConfiguration = &gosarif.ReportingConfiguration{Level: rule.Level}
	tags := rule.Tags
	if len(tags) > 20 {
		tags = tags[:20]
	}
	d.Properties = gosarif.Properties{
		"tags":              tags,
		"security-severity": strconv.FormatFloat(rule.Severity, 'f', 1, 64),
		"precision":         rule.Precision,
	}
	return d
}

func result(f detectors.Finding, idx int, rule rules.Rule) *gosarif.Result {
	res := gosarif.NewRuleResult(f.RuleID)
	res.WithRuleIndex(idx)
	res.WithLevel(rule.Level)
	msg := f.Message
	res.AddLocation(location(f.Location, nil))
	for i, rel := range f.Related {
		if i >= MaxRelatedLocations {
			break
		}
		id := uint(i + 1)
		res.AddRelatedLocation(location(rel, &id))
		if i < 5 {
			if i == 0 {
				msg += " Also at:"
			} else {
				msg += ","
			}
			msg += fmt.Sprintf(" [%s](%d)", linkText(rel), id)
		}
	}
	if msg == "" {
		msg = rule.Short
	}
	res.WithMessage(gosarif.NewTextMessage(msg))
	res.WithPartialFingerPrints(map[string]interface{}{
		"primaryLocationLineHash": LineHash(f),
	})
	props := gosarif.Properties{}
	for k, v := range f.Properties {
		props[k] = v
	}
	if s := f.Secret; s != nil {
		props["fingerprint"] = s.Fingerprint
		props["preview"] = s.Preview
		if s.Kind != "" {
			props["credentialKind"] = s.Kind
		}
		if s.IdentityKey != "" {
			props["identity"] = s.IdentityKey
		}
		if s.ExpiresAt != nil {
			props["expiresAt"] = s.ExpiresAt.UTC().Format("2006-01-02T15:04:05Z")
		}
		if s.IssuedAt != nil {
			props["issuedAt"] = s.IssuedAt.UTC().Format("2006-01-02T15:04:05Z")
		}
	}
	if w := f.Workload; w != nil {
		props["workload"] = w.Kind
		if w.Platform != "" {
			props["platform"] = w.Platform
		}
		if w.CurrentControl != "" {
			props["currentControl"] = w.CurrentControl
		}
	}
	if c := f.Location.Commit; c != nil {
		props["commit"] = c.Hash
		if c.Author != "" {
			props["author"] = c.Author
		}
		if !c.Time.IsZero() {
			props["committedAt"] = c.Time.UTC().Format("2006-01-02T15:04:05Z")
		}
	}
	if h := f.History; h != nil {
		props["inHead"] = h.InHead
		if h.FirstSeen != nil {
			props["firstSeen"] = h.FirstSeen.Hash
		}
		if h.LastSeen != nil {
			props["lastSeen"] = h.LastSeen.Hash
		}
		if h.RemovedIn != nil {
			props["removedIn"] = h.RemovedIn.Hash
		}
		if len(h.OnlyInRefs) > 0 {
			props["onlyInRefs"] = h.OnlyInRefs
		}
	}
	if len(props) > 0 {
		res.Properties = props
	}
	return res
}

func location(l detectors.Location, id *uint) *gosarif.Location {
	uri := l.Path
	if uri == "" {
		uri = "."
	}
	if outer, inner, ok := scanners.SplitArchivePath(uri); ok {
		// A file inside an archive: code scanning shows the archive, a
		// file of the repository; the region inside is no line of it.
		loc := location(detectors.Location{Path: outer, StartLine: 1, Commit: l.Commit, Repo: l.Repo}, id)
		if loc.PropertyBag.Properties == nil {
			loc.PropertyBag.Properties = gosarif.Properties{}
		}
		loc.PropertyBag.Properties["pathInArchive"] = inner
		return loc
	}
	region := gosarif.NewRegion().WithStartLine(max(l.StartLine, 1))
	if l.StartColumn > 0 {
		region.WithStartColumn(l.StartColumn)
	}
	if l.EndLine >= l.StartLine && l.EndLine > 0 {
		region.WithEndLine(l.EndLine)
	}
	if l.EndColumn > 0 && (l.EndLine > l.StartLine || l.EndColumn > l.StartColumn) {
		region.WithEndColumn(l.EndColumn)
	}
	loc := gosarif.NewLocation().WithPhysicalLocation(
		gosarif.NewPhysicalLocation().
			WithArtifactLocation(gosarif.NewSimpleArtifactLocation(EscapePath(uri)).WithUriBaseId("%SRCROOT%")).
			WithRegion(region))
	if id != nil {
		loc.Id = id
	}
	if l.Commit != nil {
		loc.PropertyBag.Properties = gosarif.Properties{"commit": l.Commit.Hash}
		if l.Repo != "" {
			loc.PropertyBag.Properties["repository"] = l.Repo
		}
	} else if l.Repo != "" {
		loc.PropertyBag.Properties = gosarif.Properties{"repository": l.Repo}
	}
	return loc
}

// LineHash is the primaryLocationLineHash of a finding: its Key, which
// does not move with line numbers.
func LineHash(f detectors.Finding) string { return f.Key() + ":1" }

// EscapePath turns a repo-relative path into a URI reference: each segment
// percent-encoded, slashes kept. ':' is encoded too: in a first segment it
// would read as a URI scheme ("c:x.txt").
func EscapePath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = escapeSegment(s)
	}
	return strings.Join(segs, "/")
}

func escapeSegment(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~!$&'()*+,;=@", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

var scpLike = regexp.MustCompile(`^(?:[\w.-]+@)?([\w.-]+):(?:/)?([\w./-]+?)(?:\.git)?/?$`)

// RepositoryURI returns an absolute URI for a remote URL (scp-like git
// remotes become https), or "" when there is none.
func RepositoryURI(remote string) string {
	if remote == "" {
		return ""
	}
	if strings.Contains(remote, "://") {
		return strings.TrimSuffix(remote, ".git")
	}
	if m := scpLike.FindStringSubmatch(remote); m != nil {
		return "https://" + m[1] + "/" + m[2]
	}
	return ""
}

func notify(run *gosarif.Run, text string) {
	if len(run.Invocations) == 0 {
		run.AddInvocation(true)
	}
	inv := run.Invocations[0]
	inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications,
		gosarif.NewNotification().WithLevel("warning").WithMessage(gosarif.NewTextMessage(text)))
}

// shrink halves the largest run's results; false when none are left.
func shrink(log *gosarif.Report) bool {
	var biggest *gosarif.Run
	for _, r := range log.Runs {
		if biggest == nil || len(r.Results) > len(biggest.Results) {
			biggest = r
		}
	}
	if biggest == nil || len(biggest.Results) == 0 {
		return false
	}
	n := len(biggest.Results) / 2
	notify(biggest, fmt.Sprintf("the file would exceed GitHub's 10 MB compressed limit: %d least severe results were left out", len(biggest.Results)-n))
	biggest.Results = biggest.Results[:n]
	return true
}

func marshal(log *gosarif.Report) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(log); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func gzipSize(raw []byte) int {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	zw.Write(raw)
	zw.Close()
	return buf.Len()
}

func linkText(l detectors.Location) string {
	t := l.Path
	if l.Repo != "" {
		t = l.Repo + ":" + t
	}
	return strings.NewReplacer("[", "(", "]", ")").Replace(t)
}

func slug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	return b.String()
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}

var mdSyntax = strings.NewReplacer("**", "", "`", "", "__", "")

func markdownToText(md string) string { return mdSyntax.Replace(md) }

func strPtr(s string) *string { return &s }
