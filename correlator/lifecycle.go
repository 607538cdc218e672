package correlator

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/rules"
	"github.com/sprawl-dev/sprawl/scanners"
)

// Rule ids of the lifecycle findings the correlator derives.
const (
	LongLivedRule = "lifecycle/long-lived-secret"
	InHistoryRule = "lifecycle/secret-in-history"
)

// Bases of a long-lived secret (properties.basis), strongest first.
const (
	// BasisFormat: the credential kind cannot expire, or its format fixes a
	// lifetime over the long-lived threshold.
	BasisFormat = "format"
	// BasisClaims: the token's claims give a lifetime over the threshold,
	// or it carries claims but no expiry.
	BasisClaims = "claims"
	// BasisAge: it has been in the repository longer than the max age.
	BasisAge = "age"
)

// secretLife is what is known of one secret: every finding sharing its
// Link (copies across files, history and repositories).
type secretLife struct {
	link     string
	findings []int // indices into the findings, oldest first
	kind     rules.CredentialKind
	known    bool
	facts    detectors.SecretFacts // the representative copy's facts
	// firstSeen is the oldest commit that introduced it (nil: not known).
	firstSeen *scanners.Commit
	// atHead is true when some copy is at HEAD (or in a working tree).
	atHead     bool
	basis      []string
	shortLived bool
	// lifetime is the fixed or claimed lifetime when known.
	lifetime  time.Duration
	issuedAt  *time.Time
	expiresAt *time.Time
	expired   bool
	noExpiry  bool
	ageDays   int
	hasAge    bool
}

func (l *secretLife) longLived() bool { return len(l.basis) > 0 }

// lives groups secret findings by Link and works out each secret's lifecycle.
func (c *corr) lives() {
	c.life = map[string]*secretLife{}
	for i, f := range c.findings {
		if f.Secret == nil || f.Secret.Link == "" {
			continue
		}
		l, ok := c.life[f.Secret.Link]
		if !ok {
			l = &secretLife{link: f.Secret.Link}
			c.life[f.Secret.Link] = l
			c.order = append(c.order, f.Secret.Link)
		}
		l.findings = append(l.findings, i)
	}
	for _, link := range c.order {
		l := c.life[link]
		sort.SliceStable(l.findings, func(a, b int) bool { return before(c.findings[l.findings[a]], c.findings[l.findings[b]]) })
		l.facts = *c.findings[l.findings[0]].Secret
		for _, i := range l.findings {
			f := c.findings[i]
			if k, ok := c.kindOf(f); ok && !l.known {
				l.kind, l.known, l.facts = k, true, *f.Secret
			}
			if f.History == nil || f.History.InHead {
				l.atHead = true
			}
			if cm := introduced(f); cm != nil && !cm.Time.IsZero() && (l.firstSeen == nil || cm.Time.Before(l.firstSeen.Time)) {
				l.firstSeen = cm
			}
			s := f.Secret
			if s.ExpiresAt != nil && l.expiresAt == nil {
				l.expiresAt, l.issuedAt = s.ExpiresAt, s.IssuedAt
			}
			if s.NoExpiry {
				l.noExpiry = true
			}
		}
		c.evaluate(l)
	}
}

// introduced returns the commit that introduced a finding, when known.
func introduced(f detectors.Finding) *scanners.Commit {
	if f.History != nil && f.History.FirstSeen != nil {
		return f.History.FirstSeen
	}
	return f.Location.Commit
}

// evaluate decides whether a secret is long-lived and on which bases.
func (c *corr) evaluate(l *secretLife) {
	long := c.dec.LongLived
	if l.known {
		if l.kind.LongLivedByFormat() {
			l.basis = append(l.basis, BasisFormat)
		} else if d, ok := l.kind.MaxLifetime(); ok {
			l.lifetime = d
			if d > long {
				l.basis = append(l.basis, BasisFormat)
			} else {
				l.shortLived = true
			}
		}
	}
	switch {
	case l.noExpiry && l.expiresAt == nil:
		l.basis = append(l.basis, BasisClaims)
		l.shortLived = false
	case l.expiresAt != nil:
		start := c.now
		if l.issuedAt != nil {
			start = *l.issuedAt
		} else if l.firstSeen != nil {
			start = l.firstSeen.Time
		}
		l.lifetime = l.expiresAt.Sub(start)
		l.expired = l.expiresAt.Before(c.now)
		if l.lifetime > long {
			l.basis = append(l.basis, BasisClaims)
			l.shortLived = false
		} else if len(l.basis) == 0 {
			l.shortLived = true
		}
	}
	if l.firstSeen != nil {
		l.hasAge = true
		l.ageDays = int(c.now.Sub(l.firstSeen.Time) / (24 * time.Hour))
		if !l.shortLived && c.now.Sub(l.firstSeen.Time) > c.maxAge {
			l.basis = append(l.basis, BasisAge)
		}
	}
}

// kindOf returns the credential kind of a secret finding.
func (c *corr) kindOf(f detectors.Finding) (rules.CredentialKind, bool) {
	if f.Secret != nil && f.Secret.Kind != "" {
		return c.creds.Kind(f.Secret.Kind)
	}
	if det, ok := strings.CutPrefix(f.RuleID, rules.SecretRulePrefix); ok {
		return c.creds.Match(det, "")
	}
	return rules.CredentialKind{}, false
}

// longLivedFindings returns one lifecycle/long-lived-secret finding per
// long-lived secret and repository: the first occurrence in the repository
// is the location, the other places there are related locations.
func (c *corr) longLivedFindings() []detectors.Finding {
	var out []detectors.Finding
	for _, link := range c.order {
		l := c.life[link]
		if !l.longLived() {
			continue
		}
		for _, group := range byRepo(c.findings, l.findings) {
			first := c.findings[group[0]]
			props := map[string]any{
				"basis":       append([]string(nil), l.basis...),
				"occurrences": len(distinctLocations(c.findings, group)),
				"detectedBy":  first.RuleID,
			}
			if l.known {
				props["kind"] = l.kind.ID
			}
			if l.hasAge {
				props["ageDays"] = l.ageDays
			}
			if l.expiresAt != nil {
				props["expiresAt"] = l.expiresAt.UTC().Format(time.RFC3339)
				props["expired"] = l.expired
			}
			out = append(out, detectors.Finding{
				RuleID:     LongLivedRule,
				Message:    c.longLivedMessage(l),
				Location:   first.Location,
				Related:    related(c.findings, group),
				Secret:     derivedSecret(l.facts, ""),
				History:    first.History,
				Properties: props,
			})
		}
	}
	return out
}

func (c *corr) longLivedMessage(l *secretLife) string {
	name := "Secret"
	if l.known && l.kind.Name != "" {
		name = l.kind.Name
	}
	var why []string
	for _, b := range l.basis {
		switch b {
		case BasisFormat:
			if l.kind.LongLivedByFormat() {
				why = append(why, "this kind of credential does not expire on its own")
			} else {
				why = append(why, "its format allows a lifetime of "+days(l.lifetime))
			}
		case BasisClaims:
			if l.expiresAt == nil {
				why = append(why, "its token claims set no expiry")
			} else {
				why = append(why, "its token claims give a lifetime of "+days(l.lifetime))
			}
		case BasisAge:
			why = append(why, fmt.Sprintf("it has been in the repository for %d days (max %d)", l.ageDays, int(c.maxAge/(24*time.Hour))))
		}
	}
	msg := fmt.Sprintf("%s (%s) is long-lived: %s.", name, l.facts.Preview, strings.Join(why, "; "))
	if l.expired {
		msg += fmt.Sprintf(" It already expired on %s, so it may no longer work; make sure it cannot be renewed and revoke its signing key if it can.", l.expiresAt.UTC().Format("2006-01-02"))
	}
	msg += " " + fixOf(l)
	if l.known && l.kind.Alternative != "" {
		msg += " Short-lived alternative: " + l.kind.Alternative + "."
	}
	return msg
}

func fixOf(l *secretLife) string {
	if l.known && l.kind.Fix != "" {
		return l.kind.Fix
	}
	return "Revoke or rotate it at its issuer and replace it with a short-lived credential."
}

// historyFindings returns one lifecycle/secret-in-history finding per
// secret and path where the secret is no longer at HEAD — neither there nor
// anywhere else scanned. The location is where it was introduced.
func (c *corr) historyFindings() []detectors.Finding {
	var out []detectors.Finding
	for _, link := range c.order {
		l := c.life[link]
		if l.atHead {
			continue
		}
		type place struct{ repo, path string }
		groups := map[place][]int{}
		var order []place
		for _, i := range l.findings {
			f := c.findings[i]
			p := place{f.Location.Repo, f.Location.Path}
			if _, ok := groups[p]; !ok {
				order = append(order, p)
			}
			groups[p] = append(groups[p], i)
		}
		for _, p := range order {
			g := groups[p]
			first := c.findings[g[0]]
			h := mergedHistory(c.findings, g)
			props := map[string]any{"detectedBy": first.RuleID}
			if h.RemovedIn != nil {
				props["removedIn"] = h.RemovedIn.Hash
			}
			if len(h.OnlyInRefs) > 0 {
				props["onlyInRefs"] = h.OnlyInRefs
			}
			if l.hasAge {
				props["ageDays"] = l.ageDays
			}
			if l.known {
				props["kind"] = l.kind.ID
			}
			out = append(out, detectors.Finding{
				RuleID:     InHistoryRule,
				Message:    c.historyMessage(l, first, h),
				Location:   first.Location,
				Secret:     derivedSecret(l.facts, ""),
				History:    h,
				Properties: props,
			})
		}
	}
	return out
}

// mergedHistory combines the history facts of findings at one path: the
// oldest introduction, the newest LastSeen and its removal.
func mergedHistory(findings []detectors.Finding, idx []int) *detectors.HistoryFacts {
	var h detectors.HistoryFacts
	for n, i := range idx {
		fh := findings[i].History
		if fh == nil {
			continue
		}
		if n == 0 {
			h.OnlyInRefs, h.OnlyInRefsTotal = fh.OnlyInRefs, fh.OnlyInRefsTotal
		} else {
			h.OnlyInRefs, h.OnlyInRefsTotal = detectors.MergeOnlyInRefs(&h, fh)
		}
		// A commit without a time (zero) is older than nothing.
		if h.FirstSeen == nil || fh.FirstSeen != nil && !fh.FirstSeen.Time.IsZero() &&
			(h.FirstSeen.Time.IsZero() || fh.FirstSeen.Time.Before(h.FirstSeen.Time)) {
			h.FirstSeen = fh.FirstSeen
		}
		if h.LastSeen == nil || (fh.LastSeen != nil && h.LastSeen.Time.Before(fh.LastSeen.Time)) {
			h.LastSeen, h.RemovedIn = fh.LastSeen, fh.RemovedIn
		}
		if h.RemovedIn == nil {
			h.RemovedIn = fh.RemovedIn
		}
	}
	return &h
}

func (c *corr) historyMessage(l *secretLife, first detectors.Finding, h *detectors.HistoryFacts) string {
	name := "Secret"
	if l.known && l.kind.Name != "" {
		name = l.kind.Name
	}
	removed := "is no longer at HEAD"
	if h.RemovedIn != nil {
		removed = "was removed in " + shortHash(h.RemovedIn.Hash)
	}
	intro := ""
	if cm := first.Location.Commit; cm != nil {
		intro = fmt.Sprintf(" (introduced in %s)", shortHash(cm.Hash))
		if !cm.Time.IsZero() {
			intro = fmt.Sprintf(" (introduced in %s on %s)", shortHash(cm.Hash), cm.Time.UTC().Format("2006-01-02"))
		}
	}
	if len(h.OnlyInRefs) > 0 {
		// No branch or tag holds it: rewriting them changes nothing.
		host := ""
		for _, r := range h.OnlyInRefs {
			if strings.HasPrefix(r, "refs/pull/") || strings.HasPrefix(r, "refs/merge-requests/") {
				host = " (the forge keeps serving a pull or merge request's commits, closed ones too, until its support purges them)"
				break
			}
		}
		return fmt.Sprintf("%s (%s) in %s is on no branch or tag but is reachable from %s%s: whoever can fetch that ref gets it%s. Revoke or rotate it at its issuer. %s",
			name, l.facts.Preview, first.Location.Path, RefList(h.OnlyInRefs, h.OnlyInRefsTotal), intro, host, fixOf(l))
	}
	return fmt.Sprintf("%s (%s) in %s %s but is still in git history%s: every clone and fork keeps it, so deleting it is not a fix. Revoke or rotate it at its issuer. %s",
		name, l.facts.Preview, first.Location.Path, removed, intro, fixOf(l))
}

// RefList names the first few of total refs for a message:
// "refs/pull/7/head", "refs/pull/7/head and refs/stash", "refs/pull/7/head,
// refs/pull/9/head and 4 more refs".
func RefList(names []string, total int) string {
	switch more := total - len(names); {
	case more > 0:
		return strings.Join(names, ", ") + fmt.Sprintf(" and %d more refs", more)
	case len(names) > 1:
		return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
	default:
		return strings.Join(names, "")
	}
}

// byRepo splits finding indices (oldest first) by repository, keeping order.
func byRepo(findings []detectors.Finding, idx []int) [][]int {
	pos := map[string]int{}
	var out [][]int
	for _, i := range idx {
		r := findings[i].Location.Repo
		p, ok := pos[r]
		if !ok {
			p = len(out)
			pos[r] = p
			out = append(out, nil)
		}
		out[p] = append(out[p], i)
	}
	return out
}

// locKey identifies a place for de-duplication: findings of several rules
// on one line of one version of a file are one place.
func locKey(l detectors.Location) string {
	h := ""
	if l.Commit != nil {
		h = l.Commit.Hash
	}
	return fmt.Sprintf("%s\x00%s\x00%d\x00%s", l.Repo, l.Path, l.StartLine, h)
}

// distinctLocations returns the distinct locations of findings, in order.
func distinctLocations(findings []detectors.Finding, idx []int) []detectors.Location {
	seen := map[string]bool{}
	var out []detectors.Location
	for _, i := range idx {
		l := findings[i].Location
		if k := locKey(l); !seen[k] {
			seen[k] = true
			out = append(out, l)
		}
	}
	return out
}

// related returns the distinct locations after the first, capped so that a
// result stays within GitHub's 1,000 locations.
func related(findings []detectors.Finding, idx []int) []detectors.Location {
	locs := distinctLocations(findings, idx)
	if len(locs) <= 1 {
		return nil
	}
	locs = locs[1:]
	if len(locs) > MaxRelated {
		locs = locs[:MaxRelated]
	}
	return locs
}

// MaxRelated caps the related locations of a derived finding.
const MaxRelated = 999

// derivedSecret copies facts for a derived finding: fingerprint and preview
// keep its SARIF fingerprint stable; the in-memory link is dropped so that
// derived findings are never counted as copies of the secret.
func derivedSecret(s detectors.SecretFacts, identityKey string) *detectors.SecretFacts {
	s.Link = ""
	if identityKey != "" {
		s.IdentityKey = identityKey
	}
	return &s
}

func shortHash(h string) string {
	if len(h) > 8 {
		return h[:8]
	}
	return h
}

// days renders a lifetime in days, or hours below two days.
func days(d time.Duration) string {
	if d >= 48*time.Hour {
		return fmt.Sprintf("%d days", int(d/(24*time.Hour)))
	}
	if h := int(d / time.Hour); h != 1 {
		return fmt.Sprintf("%d hours", h)
	}
	return "1 hour"
}
