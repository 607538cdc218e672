package correlator

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/rules"
)

// IdentityRulePrefix starts the rule id of every identity finding; the rest
// is the verdict.
const IdentityRulePrefix = "identity/"

// Pseudo kind of an identity known only from code that caches a token.
const cachedTokenKind = "cached-token"

// Current controls (WorkloadFacts.CurrentControl).
const (
	controlStatic   = "static-secret"
	controlDynamic  = "dynamic-secret"
	controlWorkload = "workload-identity"
)

// Workload kind of an identity used by two or more workloads.
const workloadShared = "shared"

// use is one workload using an identity.
type use struct {
	kind, platform, label string
	// instance tells workloads apart: two uses with one instance are one
	// workload.
	instance   string
	federation bool
	control    string
}

// identities groups findings into identities, decides each one's control
// and returns them with one identity/<verdict> finding each.
func (c *corr) identities() ([]Identity, []detectors.Finding) {
	g := c.group()
	type built struct {
		id    Identity
		f     detectors.Finding
		first detectors.Finding
	}
	var all []built
	for _, members := range g {
		id, f := c.identity(members)
		all = append(all, built{id, f, c.findings[members[0]]})
	}
	sort.SliceStable(all, func(i, j int) bool {
		if before(all[i].first, all[j].first) != before(all[j].first, all[i].first) {
			return before(all[i].first, all[j].first)
		}
		return all[i].id.Key < all[j].id.Key
	})
	ids := make([]Identity, 0, len(all))
	fs := make([]detectors.Finding, 0, len(all))
	for _, b := range all {
		ids = append(ids, b.id)
		fs = append(fs, b.f)
	}
	return ids, fs
}

// role says what a finding contributes to identities.
func (c *corr) isSecret(f detectors.Finding) bool { return f.Secret != nil && f.Secret.Link != "" }
func (c *corr) isConfig(f detectors.Finding) bool { return f.Workload != nil }
func (c *corr) isCache(f detectors.Finding) bool  { return c.dec.IsTokenCacheRule(f.RuleID) }

// configKey names a stored credential a config finding refers to:
// platform:credential@repo.
func configKey(f detectors.Finding) string {
	w := f.Workload
	if w == nil || w.Credential == "" {
		return ""
	}
	p := w.Platform
	if p == "" {
		p = "config"
	}
	return p + ":" + w.Credential + "@" + f.Location.Repo
}

// group links findings that belong to one identity and returns the groups,
// each as finding indices oldest first.
func (c *corr) group() [][]int {
	parent := map[int]int{}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	union := func(a, b int) {
		ra, rb := find(a), find(b)
		if ra != rb {
			if rb < ra {
				ra, rb = rb, ra
			}
			parent[rb] = ra
		}
	}
	byKey := map[string]int{}
	link := func(key string, i int) {
		if key == "" {
			return
		}
		if j, ok := byKey[key]; ok {
			union(i, j)
			return
		}
		byKey[key] = i
	}
	type place struct{ repo, path string }
	secretsAt := map[place][]int{}
	configsAt := map[place][]int{}
	var nodes []int
	for i, f := range c.findings {
		sec, cfg, cache := c.isSecret(f), c.isConfig(f), c.isCache(f)
		if !sec && !cfg && !cache {
			continue
		}
		parent[i] = i
		nodes = append(nodes, i)
		p := place{f.Location.Repo, f.Location.Path}
		if sec {
			link("link\x00"+f.Secret.Link, i)
			for _, alt := range f.Secret.AltLinks {
				link("link\x00"+alt, i)
			}
			link("key\x00"+f.Secret.IdentityKey, i)
			secretsAt[p] = append(secretsAt[p], i)
		}
		if cfg {
			if !sec {
				link("cred\x00"+configKey(f), i)
			}
			configsAt[p] = append(configsAt[p], i)
		}
	}
	// Parts of one credential near each other: an access key id and its
	// secret.
	for _, idx := range secretsAt {
		for _, pr := range c.dec.Pairs {
			for _, a := range idx {
				if !slices.Contains(pr.AnchorKinds, c.kindID(c.findings[a])) {
					continue
				}
				for _, b := range idx {
					if a == b || !slices.Contains(pr.PartnerKinds, c.kindID(c.findings[b])) {
						continue
					}
					if near(c.findings[a].Location, c.findings[b].Location, pr.Lines) {
						union(a, b)
					}
				}
			}
		}
	}
	// A config finding that refers to a credential on the same lines as a
	// detected secret is about that secret.
	for p, idx := range configsAt {
		for _, a := range idx {
			if c.isSecret(c.findings[a]) {
				continue
			}
			for _, b := range secretsAt[p] {
				if near(c.findings[a].Location, c.findings[b].Location, 0) {
					union(a, b)
				}
			}
		}
	}
	// Code caching a token is linked to a secret in the same file.
	for _, i := range nodes {
		f := c.findings[i]
		if !c.isCache(f) || c.isSecret(f) {
			continue
		}
		if s := secretsAt[place{f.Location.Repo, f.Location.Path}]; len(s) > 0 {
			union(i, s[0])
		}
	}
	groups := map[int][]int{}
	var roots []int
	for _, i := range nodes {
		r := find(i)
		if _, ok := groups[r]; !ok {
			roots = append(roots, r)
		}
		groups[r] = append(groups[r], i)
	}
	out := make([][]int, 0, len(roots))
	for _, r := range roots {
		m := groups[r]
		sort.SliceStable(m, func(a, b int) bool { return before(c.findings[m[a]], c.findings[m[b]]) })
		out = append(out, m)
	}
	return out
}

// near reports whether two locations are in one file within n lines.
func near(a, b detectors.Location, n int) bool {
	if a.Repo != b.Repo || a.Path != b.Path {
		return false
	}
	aEnd, bEnd := max(a.EndLine, a.StartLine), max(b.EndLine, b.StartLine)
	return a.StartLine <= bEnd+n && b.StartLine <= aEnd+n
}

// kindID returns the credential kind id of a finding, or for a secret
// finding with no kind its detection rule without "secret/".
func (c *corr) kindID(f detectors.Finding) string {
	if k, ok := c.kindOf(f); ok {
		return k.ID
	}
	if f.Secret != nil && f.Secret.Kind != "" {
		return f.Secret.Kind
	}
	return strings.TrimPrefix(f.RuleID, rules.SecretRulePrefix)
}

// configKind returns the kind of the credential a config finding names.
func (c *corr) configKind(f detectors.Finding) (rules.CredentialKind, bool) {
	w := f.Workload
	if w == nil {
		return rules.CredentialKind{}, false
	}
	id := w.CredentialKind
	if id == "" {
		id, _ = c.dec.KindForCredential(w.Credential)
	}
	if id == "" {
		return rules.CredentialKind{}, false
	}
	return c.creds.Kind(id)
}

// useOf classifies the workload behind one finding: its own workload facts,
// else those of a config finding on the same lines (or the only workload a
// config detector saw in the file), else the path signals.
func (c *corr) useOf(i int, configsAt func(repo, path string) []int) use {
	f := c.findings[i]
	w := f.Workload
	if w == nil {
		var names []*detectors.WorkloadFacts
		for _, j := range configsAt(f.Location.Repo, f.Location.Path) {
			cw := c.findings[j].Workload
			if near(f.Location, c.findings[j].Location, 0) {
				w = cw
				break
			}
			if !slices.ContainsFunc(names, func(x *detectors.WorkloadFacts) bool { return x.Name == cw.Name }) {
				names = append(names, cw)
			}
		}
		if w == nil && len(names) == 1 {
			w = names[0]
		}
	}
	sig := c.dec.Classify(f.Location.Path)
	if w != nil {
		u := use{kind: w.Kind, platform: w.Platform, label: w.Name, federation: w.Federation, control: w.CurrentControl}
		if u.kind == "" {
			u.kind = sig.Kind
		}
		if u.label == "" {
			u.label = w.Platform + " config " + f.Location.Path
		}
		u.instance = f.Location.Repo + "\x00" + u.label
		return u
	}
	u := use{kind: sig.Kind, platform: sig.Platform, federation: sig.Federation}
	if sig.Scope == "repo" {
		u.label = sig.Label
		if f.Location.Repo != "" {
			u.label += " in " + f.Location.Repo
		}
		u.instance = f.Location.Repo + "\x00signal:" + sig.ID
	} else {
		u.label = sig.Label + " " + f.Location.Path
		u.instance = f.Location.Repo + "\x00" + f.Location.Path
	}
	return u
}

// identity builds one identity and its finding from its members.
func (c *corr) identity(members []int) (Identity, detectors.Finding) {
	type place struct{ repo, path string }
	configIdx := map[place][]int{}
	for _, i := range members {
		if f := c.findings[i]; c.isConfig(f) {
			p := place{f.Location.Repo, f.Location.Path}
			configIdx[p] = append(configIdx[p], i)
		}
	}
	configsAt := func(repo, path string) []int { return configIdx[place{repo, path}] }

	var secrets, configs, caches []int
	for _, i := range members {
		f := c.findings[i]
		if c.isSecret(f) {
			secrets = append(secrets, i)
		}
		if c.isConfig(f) {
			configs = append(configs, i)
		}
		if c.isCache(f) {
			caches = append(caches, i)
		}
	}

	// Kind: the most specific kind any member names.
	var kind rules.CredentialKind
	known, rank := false, 0
	consider := func(k rules.CredentialKind, ok bool) {
		if !ok {
			return
		}
		r := 1
		if k.Identity != "generic" {
			r = 2
		}
		if r > rank {
			kind, known, rank = k, true, r
		}
	}
	for _, i := range secrets {
		consider(c.kindOf(c.findings[i]))
	}
	for _, i := range configs {
		consider(c.configKind(c.findings[i]))
	}
	id := Identity{Kind: kind.ID, Name: kind.Name, Family: kind.Identity}
	cacheOnly := len(secrets) == 0 && len(configs) == 0
	switch {
	case cacheOnly:
		id.Kind, id.Name, id.Family = cachedTokenKind, "cached token", "token"
	case !known:
		id.Kind, id.Name, id.Family = "unknown", "credential", "generic"
	}

	// Representative secret and key.
	var rep *detectors.SecretFacts
	for _, i := range secrets {
		if c.kindID(c.findings[i]) == kind.ID {
			rep = c.findings[i].Secret
			break
		}
	}
	if rep == nil && len(secrets) > 0 {
		rep = c.findings[secrets[0]].Secret
	}
	id.Key = c.identityKey(secrets, configs, caches, kind.ID)

	// Lifecycle across the secret's copies.
	var links []*secretLife
	seenLink := map[string]bool{}
	for _, i := range secrets {
		l := c.findings[i].Secret.Link
		if !seenLink[l] {
			seenLink[l] = true
			links = append(links, c.life[l])
		}
	}
	atHead := false
	var firstSeen *time.Time
	var basis []string
	var removedIn string
	for _, l := range links {
		atHead = atHead || l.atHead
		for _, b := range l.basis {
			if !slices.Contains(basis, b) {
				basis = append(basis, b)
			}
		}
		if l.firstSeen != nil && (firstSeen == nil || l.firstSeen.Time.Before(*firstSeen)) {
			t := l.firstSeen.Time
			firstSeen = &t
		}
		if !l.atHead && removedIn == "" {
			h := mergedHistory(c.findings, l.findings)
			if h.RemovedIn != nil {
				removedIn = shortHash(h.RemovedIn.Hash)
			}
		}
	}
	if len(links) == 0 && known && (kind.LongLivedByFormat() || longFixed(kind, c.dec.LongLived)) {
		basis = []string{BasisFormat} // a stored credential of a kind that cannot expire
	}
	sort.SliceStable(basis, func(i, j int) bool { return basisRank(basis[i]) < basisRank(basis[j]) })
	id.LongLived, id.Basis = len(basis) > 0, basis
	id.InHistoryOnly = len(links) > 0 && !atHead
	if firstSeen != nil {
		id.FirstSeen = firstSeen
		id.AgeDays = int(c.now.Sub(*firstSeen) / (24 * time.Hour))
	}

	// Places, repositories, copies.
	copies := map[place]bool{}
	repos := map[string]bool{}
	for _, i := range members {
		l := c.findings[i].Location
		if !repos[l.Repo] {
			repos[l.Repo] = true
			if l.Repo != "" {
				id.Repos = append(id.Repos, l.Repo)
			}
		}
	}
	for _, i := range secrets {
		l := c.findings[i].Location
		copies[place{l.Repo, l.Path}] = true
	}
	id.Copies = len(copies)
	id.Occurrences = distinctLocations(c.findings, members)

	// Workloads.
	var uses []use
	seenInst := map[string]bool{}
	for _, i := range members {
		u := c.useOf(i, configsAt)
		if seenInst[u.instance] {
			continue
		}
		seenInst[u.instance] = true
		uses = append(uses, u)
		id.Workloads = append(id.Workloads, u.label)
		if u.platform != "" && !slices.Contains(id.Platforms, u.platform) {
			id.Platforms = append(id.Platforms, u.platform)
		}
	}
	id.Workload = uses[0].kind
	if len(uses) > 1 {
		id.Workload = workloadShared
	}
	allFed, allTask, allBroker, anyTask := true, true, true, false
	var taskKinds []string
	for _, u := range uses {
		allFed = allFed && u.federation
		t := c.dec.IsTaskScoped(u.kind)
		allTask = allTask && t
		anyTask = anyTask || t
		allBroker = allBroker && slices.Contains(c.dec.DynamicWithoutEngine, u.kind)
		if t && !slices.Contains(taskKinds, u.kind) {
			taskKinds = append(taskKinds, u.kind)
		}
	}

	// Current control.
	for _, i := range configs {
		if ctl := c.findings[i].Workload.CurrentControl; ctl != "" && (id.CurrentControl == "" || ctl == controlStatic) {
			id.CurrentControl = ctl
		}
	}
	if id.CurrentControl == "" {
		switch {
		case len(secrets) > 0:
			id.CurrentControl = controlStatic
		case cacheOnly:
			id.CurrentControl = controlDynamic
		default:
			id.CurrentControl = controlStatic
		}
	}

	// The longest lifetime the secrets' own claims give (exp - iat), 0 when
	// none says: a JWT issued for an hour is short-lived whatever its kind
	// allows.
	var claimed time.Duration
	for _, i := range secrets {
		if s := c.findings[i].Secret; s != nil && s.IssuedAt != nil && s.ExpiresAt != nil {
			claimed = max(claimed, s.ExpiresAt.Sub(*s.IssuedAt))
		}
	}

	// The decision (DESIGN.md): removable -> workload identity; task-scoped
	// and able to re-authenticate -> dynamic secrets; else rotation.
	var reasons, misfits []string
	name := id.Name
	switch {
	case cacheOnly:
		id.Recommendation = rules.VerdictDynamic
		reasons = append(reasons, "short-lived token fetched at run time")
	case known && kind.Federation && (slices.Contains(c.dec.RemovableFamilies, kind.Identity) || allFed):
		id.Recommendation = rules.VerdictWorkloadIdentity
		if allFed {
			reasons = append(reasons, fmt.Sprintf("%s replaceable by federation on %s", name, strings.Join(id.Platforms, ", ")))
		} else {
			reasons = append(reasons, fmt.Sprintf("%s replaceable by a workload identity", name))
		}
	case known && kind.Dynamic && shortLived(kind, c.dec.LongLived):
		// A token that expires within hours cannot be rotated on a schedule;
		// whatever holds it must mint it on demand.
		id.Recommendation = rules.VerdictDynamic
		reasons = append(reasons, fmt.Sprintf("%s lives %s at most: issue it on demand instead of storing it", name, kind.Lifetime))
	case known && kind.Dynamic && claimed > 0 && claimed <= c.dec.LongLived:
		// Its claims say so (a JWT issued for an hour): the same.
		id.Recommendation = rules.VerdictDynamic
		reasons = append(reasons, fmt.Sprintf("%s issued for %s (its claims): issue it on demand instead of storing it", name, days(claimed)))
	case len(secrets) == 0 && id.CurrentControl == controlDynamic:
		// Already issued as dynamic secrets (a Vault role): the control
		// fits; what its config findings say (leases of days) is tuning.
		id.Recommendation = rules.VerdictDynamic
		reasons = append(reasons, "already issued as dynamic secrets ("+uses[0].label+")")
		for _, i := range configs {
			if c.findings[i].RuleID == "config/vault-long-ttl" {
				misfits = append(misfits, "dynamic secrets leased for days: standing exposure between issue and expiry")
				break
			}
		}
	case allTask && (kind.Dynamic || allBroker):
		id.Recommendation = rules.VerdictDynamic
		reasons = append(reasons, "task-scoped use ("+strings.Join(taskKinds, ", ")+")")
		if kind.Dynamic {
			reasons = append(reasons, "short-lived "+name+" can be issued on demand")
		} else {
			reasons = append(reasons, "session credentials can come from a broker")
		}
	default:
		id.Recommendation = rules.VerdictRotation
		switch {
		case len(uses) > 1:
			reasons = append(reasons, fmt.Sprintf("shared identity (%d workloads)", len(uses)))
		case id.Workload == workloadShared:
			reasons = append(reasons, "shared identity ("+uses[0].label+")")
		case allTask:
			reasons = append(reasons, "no dynamic issuer for "+name)
		default:
			reasons = append(reasons, id.Workload+" use ("+uses[0].label+")")
		}
	}
	if id.LongLived {
		reasons = append(reasons, "long-lived ("+strings.Join(basis, ", ")+")")
	}

	// Misfits.
	if id.Recommendation == rules.VerdictWorkloadIdentity && id.CurrentControl != controlWorkload {
		misfits = append(misfits, "stored credential where workload identity fits")
	}
	if anyTask && id.LongLived {
		misfits = append(misfits, "long-lived secret in "+strings.Join(taskKinds, "/")+" use")
	}
	if len(uses) > 1 {
		misfits = append(misfits, fmt.Sprintf("shared by %d workloads", len(uses)))
	} else if id.Workload == workloadShared {
		misfits = append(misfits, "shared by several workloads")
	}
	if id.Recommendation == rules.VerdictRotation && id.FirstSeen != nil && c.now.Sub(*id.FirstSeen) > c.maxAge {
		misfits = append(misfits, fmt.Sprintf("not rotated in %d days (max %d)", id.AgeDays, int(c.maxAge/(24*time.Hour))))
	}
	for _, i := range caches {
		l := c.findings[i].Location
		misfits = append(misfits, fmt.Sprintf("token cached past its TTL at %s:%d", l.Path, l.StartLine))
	}
	if id.InHistoryOnly {
		m := "deleted but alive in history"
		if removedIn != "" {
			m += " (removed in " + removedIn + ")"
		}
		misfits = append(misfits, m)
	}
	id.Reasons = append(reasons, misfits...)
	id.Misfits = misfits
	id.Misfit = len(misfits) > 0
	id.RuleID = IdentityRulePrefix + id.Recommendation

	// First action.
	action := c.dec.FirstAction(id.Recommendation, id.Kind, id.Family, id.Platforms)
	if action == "" && known && kind.Fix != "" {
		action = kind.Fix
	}
	if id.InHistoryOnly {
		action = "revoke it at its issuer now (deleting it left it in git history), then " + action
	}
	id.FirstAction = action

	first := c.findings[members[0]]
	f := detectors.Finding{
		RuleID:   id.RuleID,
		Message:  c.identityMessage(id, rep, configs, uses),
		Location: first.Location,
		Related:  related(c.findings, members),
		Properties: map[string]any{
			"identity":       id.Key,
			"kind":           id.Kind,
			"workload":       id.Workload,
			"recommendation": id.Recommendation,
			"currentControl": id.CurrentControl,
			"misfit":         id.Misfit,
			"reasons":        append([]string{}, id.Reasons...),
			"firstAction":    id.FirstAction,
			"workloads":      append([]string{}, id.Workloads...),
			"copies":         id.Copies,
			"repositories":   len(repos),
			"longLived":      id.LongLived,
		},
	}
	if len(id.Platforms) > 0 {
		f.Properties["platforms"] = append([]string{}, id.Platforms...)
	}
	if id.FirstSeen != nil {
		f.Properties["ageDays"] = id.AgeDays
	}
	if len(id.Basis) > 0 {
		f.Properties["basis"] = append([]string{}, id.Basis...)
	}
	if rep != nil {
		f.Secret = derivedSecret(*rep, id.Key)
	}
	return id, f
}

// identityKey picks the name of an identity: a key the content gives
// (user@host, jwt:iss/sub), else the key of the secret of the identity's
// kind, else the first secret's, else the stored credential's name, else
// the caching code's place.
func (c *corr) identityKey(secrets, configs, caches []int, kindID string) string {
	for _, i := range secrets {
		s := c.findings[i].Secret
		if s.IdentityKey != "" && !fallbackKey(s) {
			return s.IdentityKey
		}
	}
	for _, i := range secrets {
		if s := c.findings[i].Secret; s.IdentityKey != "" && c.kindID(c.findings[i]) == kindID {
			return s.IdentityKey
		}
	}
	for _, i := range secrets {
		if s := c.findings[i].Secret; s.IdentityKey != "" {
			return s.IdentityKey
		}
	}
	for _, i := range secrets {
		s := c.findings[i].Secret
		if len(s.Fingerprint) >= 16 {
			return c.kindID(c.findings[i]) + ":" + s.Fingerprint[:16]
		}
	}
	for _, i := range configs {
		if k := configKey(c.findings[i]); k != "" {
			return k
		}
	}
	for _, i := range configs {
		f := c.findings[i]
		return f.Workload.Platform + ":" + f.Location.Path + "@" + f.Location.Repo
	}
	for _, i := range caches {
		l := c.findings[i].Location
		return fmt.Sprintf("token-cache:%s:%d@%s", l.Path, l.StartLine, l.Repo)
	}
	return ""
}

// fallbackKey reports whether a secret's identity key is the detector's
// fallback kind:fingerprint-prefix rather than a name from the content.
func fallbackKey(s *detectors.SecretFacts) bool {
	return len(s.Fingerprint) >= 16 && strings.HasSuffix(s.IdentityKey, ":"+s.Fingerprint[:16])
}

func longFixed(k rules.CredentialKind, long time.Duration) bool {
	d, ok := k.MaxLifetime()
	return ok && d > long
}

func basisRank(b string) int {
	switch b {
	case BasisFormat:
		return 0
	case BasisClaims:
		return 1
	}
	return 2
}

// identityMessage says what the identity is, who uses it, what to do first
// and what misfits. It holds no day counts, so that it stays stable.
func (c *corr) identityMessage(id Identity, rep *detectors.SecretFacts, configs []int, uses []use) string {
	what := id.Name
	if what != "" {
		what = strings.ToUpper(what[:1]) + what[1:]
	}
	switch {
	case rep != nil:
		what += " " + rep.Preview
	case len(configs) > 0 && c.findings[configs[0]].Workload.Credential != "":
		what += " " + c.findings[configs[0]].Workload.Credential
	}
	who := uses[0].label
	if len(uses) == 2 {
		who += " and " + uses[1].label
	} else if len(uses) > 2 {
		who += fmt.Sprintf(" and %d other workloads", len(uses)-1)
	}
	verb := "used by"
	if id.Kind == cachedTokenKind {
		verb = "cached by"
	}
	msg := fmt.Sprintf("%s %s %s: %s.", what, verb, who, id.FirstAction)
	if id.Misfit {
		var ms []string
		for _, m := range id.Misfits {
			if strings.HasPrefix(m, "not rotated in ") {
				m = "not rotated within the max age"
			}
			ms = append(ms, m)
		}
		msg += " Misfit: " + strings.Join(ms, "; ") + "."
	}
	msg += " Recommended control: " + id.Recommendation + "."
	return msg
}

// shortLived reports whether a kind's fixed lifetime is at most longLived.
func shortLived(k rules.CredentialKind, longLived time.Duration) bool {
	d, ok := k.MaxLifetime()
	return ok && d <= longLived
}
