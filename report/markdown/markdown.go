// Package markdown writes a short markdown summary of a report for a CI job
// summary ($GITHUB_STEP_SUMMARY) or a pull-request comment: counts, the most
// severe findings, and the identities with their verdicts. It stays well
// under GitHub's 1 MiB step-summary limit.
package markdown

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/sprawl-dev/sprawl/correlator"
	"github.com/sprawl-dev/sprawl/rules"
)

// MaxRows bounds each table.
const MaxRows = 50

// Options configure the summary.
type Options struct {
	Rules *rules.Resolver
	// Title heads the summary (default "sprawl").
	Title string
	// Notes are extra lines shown under the title (e.g. "shallow clone").
	Notes []string
}

// Write writes the summary of r to w.
func Write(w io.Writer, r *correlator.Report, opts Options) error {
	var b strings.Builder
	title := opts.Title
	if title == "" {
		title = "sprawl"
	}
	fmt.Fprintf(&b, "## %s\n\n", esc(title))
	for _, n := range opts.Notes {
		fmt.Fprintf(&b, "> %s\n\n", esc(n))
	}
	var files, commits int64
	for _, rr := range r.Repos {
		files += rr.Stats.Files
		commits += rr.Stats.Commits
	}
	fam := map[string]int{}
	for _, f := range r.Findings {
		family, _, _ := strings.Cut(f.RuleID, "/")
		fam[family]++
	}
	if len(r.Findings) == 0 {
		fmt.Fprintf(&b, "No findings in %d repositories (%d files, %d commits scanned).\n", len(r.Repos), files, commits)
		_, err := io.WriteString(w, b.String())
		return err
	}
	var parts []string
	for k, n := range fam {
		parts = append(parts, fmt.Sprintf("%d %s", n, k))
	}
	sort.Strings(parts)
	fmt.Fprintf(&b, "**%d findings** (%s) in %d repositories; %d files, %d commits scanned.\n\n", len(r.Findings), strings.Join(parts, ", "), len(r.Repos), files, commits)

	findings := append(r.Findings[:0:0], r.Findings...)
	sev := func(id string) float64 {
		if opts.Rules == nil {
			return 0
		}
		return opts.Rules.Rule(id).Severity
	}
	sort.SliceStable(findings, func(i, j int) bool { return sev(findings[i].RuleID) > sev(findings[j].RuleID) })
	b.WriteString("| Severity | Rule | Where | What |\n|---|---|---|---|\n")
	for i, f := range findings {
		if i == MaxRows {
			fmt.Fprintf(&b, "\n… and %d more: see the code scanning alerts or the SARIF file.\n", len(findings)-MaxRows)
			break
		}
		where := fmt.Sprintf("%s:%d", f.Location.Path, f.Location.StartLine)
		if len(r.Repos) > 1 {
			where = f.Location.Repo + "/" + where
		}
		if f.Location.Commit != nil {
			where += fmt.Sprintf(" (%.8s)", f.Location.Commit.Hash)
		}
		fmt.Fprintf(&b, "| %s | `%s` | `%s` | %s |\n", label(sev(f.RuleID)), esc(f.RuleID), esc(where), esc(clip(f.Message, 300)))
	}
	if len(r.Identities) > 0 {
		b.WriteString("\n### Identities\n\n| Identity | Kind | Workload | Verdict | Misfit |\n|---|---|---|---|---|\n")
		for i, id := range r.Identities {
			if i == MaxRows {
				fmt.Fprintf(&b, "\n… and %d more identities.\n", len(r.Identities)-MaxRows)
				break
			}
			mis := "no"
			if id.Misfit {
				mis = "**yes**"
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", esc(id.Key), esc(id.Kind), esc(id.Workload), esc(id.Recommendation), mis)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func label(s float64) string {
	switch {
	case s >= 9:
		return "critical"
	case s >= 7:
		return "high"
	case s >= 4:
		return "medium"
	case s > 0:
		return "low"
	}
	return "-"
}

var escaper = strings.NewReplacer("|", "\\|", "\n", " ", "\r", " ", "<", "&lt;", ">", "&gt;", "`", "'")

func esc(s string) string { return escaper.Replace(s) }

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
