package correlator

import (
	"fmt"
	"sort"
	"strings"

	"github.com/sprawl-dev/sprawl/detectors"
)

// DuplicatedRule is the rule id of duplicated-secret findings.
const DuplicatedRule = "sprawl/duplicated-secret"

// Duplicates returns one sprawl/duplicated-secret finding per secret value
// found at two or more distinct places (repository and path). The first
// occurrence (oldest, then by repository and path) is the location; the
// others are related locations. Copies of one blob reached through several
// refs or commits are one place.
func Duplicates(findings []detectors.Finding) []detectors.Finding {
	type place struct{ repo, path string }
	groups := map[string][]detectors.Finding{}
	var order []string
	for _, f := range findings {
		if f.Secret == nil || f.Secret.Link == "" {
			continue
		}
		if _, ok := groups[f.Secret.Link]; !ok {
			order = append(order, f.Secret.Link)
		}
		groups[f.Secret.Link] = append(groups[f.Secret.Link], f)
	}
	var out []detectors.Finding
	for _, link := range order {
		g := groups[link]
		sort.SliceStable(g, func(i, j int) bool { return before(g[i], g[j]) })
		seen := map[place]bool{}
		var places []detectors.Finding
		for _, f := range g {
			p := place{f.Location.Repo, f.Location.Path}
			if seen[p] {
				continue
			}
			seen[p] = true
			places = append(places, f)
		}
		if len(places) < 2 {
			continue
		}
		first := places[0]
		repos := map[string]bool{}
		var related []detectors.Location
		for _, f := range places {
			repos[f.Location.Repo] = true
			if len(related) < 999 && f.Location != first.Location {
				related = append(related, f.Location)
			}
		}
		var names []string
		for _, f := range places[1:min(len(places), 4)] {
			names = append(names, f.Location.Path)
		}
		more := ""
		if len(places) > 4 {
			more = fmt.Sprintf(" and %d more", len(places)-4)
		}
		where := fmt.Sprintf("%d places", len(places))
		if len(repos) > 1 {
			where += fmt.Sprintf(" across %d repositories", len(repos))
		}
		secret := *first.Secret
		out = append(out, detectors.Finding{
			RuleID: DuplicatedRule,
			Message: fmt.Sprintf("The same secret (%s, %s) appears in %s: also in %s%s. Keep it in one secret store and rotate it; every copy must be found and changed.",
				kindOr(secret.Kind, strings.TrimPrefix(first.RuleID, "secret/")), secret.Preview, where, strings.Join(names, ", "), more),
			Location: first.Location,
			Related:  related,
			Secret:   &secret,
			History:  first.History,
			Properties: map[string]any{
				"occurrences":  len(places),
				"repositories": len(repos),
				"detectedBy":   first.RuleID,
			},
		})
	}
	return out
}

func kindOr(kind, fallback string) string {
	if kind != "" {
		return kind
	}
	return fallback
}

// before orders findings oldest first (by introducing commit), then by
// repository, path and line.
func before(a, b detectors.Finding) bool {
	ta, tb := a.Location.Commit, b.Location.Commit
	if ta != nil && tb != nil && !ta.Time.Equal(tb.Time) {
		return ta.Time.Before(tb.Time)
	}
	if (ta == nil) != (tb == nil) {
		return ta != nil
	}
	if a.Location.Repo != b.Location.Repo {
		return a.Location.Repo < b.Location.Repo
	}
	if a.Location.Path != b.Location.Path {
		return a.Location.Path < b.Location.Path
	}
	return a.Location.StartLine < b.Location.StartLine
}
