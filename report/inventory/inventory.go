// Package inventory writes the identity inventory of a correlated report:
// one row per non-human identity with its kind, where it is used, workload,
// age, copies, current control, verdict, misfit and first action — as an
// aligned terminal table, a markdown table for $GITHUB_STEP_SUMMARY, or JSON.
// Rows hold identity keys, kinds and places, never a secret value.
package inventory

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/sprawl-dev/sprawl/correlator"
)

// Formats Write accepts.
const (
	Text     = "text"
	Markdown = "markdown"
	JSON     = "json"
)

// MaxMarkdownRows bounds the markdown table, keeping a job summary well
// under GitHub's 1 MiB limit; the rest are counted.
const MaxMarkdownRows = 300

// Row is one identity in the inventory.
type Row struct {
	Identity string `json:"identity"`
	// Kind is the credential kind id; KindName its readable name.
	Kind     string `json:"kind"`
	KindName string `json:"kindName,omitempty"`
	// WhereUsed names the first workload, with a count of the others.
	WhereUsed string   `json:"whereUsed"`
	Workloads []string `json:"workloads,omitempty"`
	Workload  string   `json:"workload"`
	// AgeDays is nil when the age is not known (no git history).
	AgeDays        *int     `json:"ageDays"`
	Copies         int      `json:"copies"`
	Repos          []string `json:"repos,omitempty"`
	CurrentControl string   `json:"currentControl"`
	Verdict        string   `json:"verdict"`
	Misfit         bool     `json:"misfit"`
	Misfits        []string `json:"misfits,omitempty"`
	Reasons        []string `json:"reasons,omitempty"`
	FirstAction    string   `json:"firstAction"`
	// Location is the first occurrence as repo:path:line.
	Location string `json:"location"`
}

// Rows returns the inventory rows of r: misfits first, then in the
// report's order (oldest first occurrence first).
func Rows(r *correlator.Report) []Row {
	rows := make([]Row, 0, len(r.Identities))
	for _, id := range r.Identities {
		row := Row{
			Identity:       id.Key,
			Kind:           id.Kind,
			KindName:       id.Name,
			Workloads:      id.Workloads,
			Workload:       id.Workload,
			Copies:         id.Copies,
			Repos:          id.Repos,
			CurrentControl: id.CurrentControl,
			Verdict:        id.Recommendation,
			Misfit:         id.Misfit,
			Misfits:        id.Misfits,
			Reasons:        id.Reasons,
			FirstAction:    id.FirstAction,
		}
		if len(id.Workloads) > 0 {
			row.WhereUsed = id.Workloads[0]
			if n := len(id.Workloads) - 1; n > 0 {
				row.WhereUsed += fmt.Sprintf(" (+%d more)", n)
			}
		}
		if id.FirstSeen != nil {
			age := id.AgeDays
			row.AgeDays = &age
		}
		if len(id.Occurrences) > 0 {
			l := id.Occurrences[0]
			row.Location = fmt.Sprintf("%s:%d", l.Path, l.StartLine)
			if l.Repo != "" {
				row.Location = l.Repo + ":" + row.Location
			}
		}
		rows = append(rows, row)
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Misfit && !rows[j].Misfit })
	return rows
}

// Write writes the inventory of r to w in format: text, markdown or json.
func Write(w io.Writer, r *correlator.Report, format string) error {
	rows := Rows(r)
	switch format {
	case Text, "":
		return writeText(w, rows)
	case Markdown:
		return writeMarkdown(w, rows)
	case JSON:
		return writeJSON(w, r, rows)
	}
	return fmt.Errorf("inventory: unknown format %q: use text, markdown or json", format)
}

var header = []string{"IDENTITY", "KIND", "WHERE USED", "WORKLOAD", "AGE", "COPIES", "CONTROL", "VERDICT", "MISFIT", "FIRST ACTION"}

func cells(row Row) []string {
	age := "-"
	if row.AgeDays != nil {
		age = fmt.Sprintf("%dd", *row.AgeDays)
	}
	misfit := "no"
	if row.Misfit {
		misfit = "yes"
		if len(row.Misfits) > 0 {
			misfit += ": " + strings.Join(row.Misfits, "; ")
		}
	}
	copies := "-"
	if row.Copies > 0 {
		copies = fmt.Sprint(row.Copies)
	}
	return []string{row.Identity, row.Kind, row.WhereUsed, row.Workload, age, copies, row.CurrentControl, row.Verdict, misfit, row.FirstAction}
}

// Widths of the text table's wide columns; longer cells are cut with "…".
var textWidth = []int{44, 26, 44, 10, 6, 6, 17, 17, 48, 72}

func writeText(w io.Writer, rows []Row) error {
	if len(rows) == 0 {
		_, err := fmt.Fprintln(w, "No non-human identities found.")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, row := range rows {
		c := cells(row)
		for i := range c {
			c[i] = cut(oneLine(c[i]), textWidth[i])
		}
		fmt.Fprintln(tw, strings.Join(c, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, summary(rows))
	return err
}

func summary(rows []Row) string {
	misfits := 0
	by := map[string]int{}
	for _, r := range rows {
		if r.Misfit {
			misfits++
		}
		by[r.Verdict]++
	}
	var parts []string
	for _, v := range []string{"workload-identity", "dynamic-secret", "rotation"} {
		if by[v] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", by[v], v))
		}
	}
	noun := "identities"
	if len(rows) == 1 {
		noun = "identity"
	}
	return fmt.Sprintf("%d %s (%s), %d misfit", len(rows), noun, strings.Join(parts, ", "), misfits)
}

func writeMarkdown(w io.Writer, rows []Row) error {
	var b strings.Builder
	b.WriteString("### Non-human identities\n\n")
	if len(rows) == 0 {
		b.WriteString("No non-human identities found.\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	b.WriteString(esc(summary(rows)) + "\n\n")
	b.WriteString("| Identity | Kind | Where used | Workload | Age | Copies | Current control | Verdict | Misfit | First action |\n")
	b.WriteString("|---|---|---|---|---:|---:|---|---|---|---|\n")
	for i, row := range rows {
		if i >= MaxMarkdownRows {
			fmt.Fprintf(&b, "\n%d more identities are not shown; the JSON inventory lists all of them.\n", len(rows)-i)
			break
		}
		c := cells(row)
		for j := range c {
			c[j] = esc(oneLine(c[j]))
		}
		// In a GFM table a pipe splits cells even inside a code span.
		c[0] = "`" + strings.NewReplacer("`", "'", "|", `\|`).Replace(oneLine(row.Identity)) + "`"
		if row.Misfit {
			c[8] = "**" + c[8] + "**"
		}
		b.WriteString("| " + strings.Join(c, " | ") + " |\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

type jsonInventory struct {
	Now        time.Time `json:"now"`
	MaxAgeDays int       `json:"maxAgeDays,omitempty"`
	Identities []Row     `json:"identities"`
}

func writeJSON(w io.Writer, r *correlator.Report, rows []Row) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(jsonInventory{Now: r.Now, MaxAgeDays: int(r.MaxAge / (24 * time.Hour)), Identities: rows})
}

var mdEscaper = strings.NewReplacer(`\`, `\\`, "|", `\|`, "*", `\*`, "_", `\_`, "`", "\\`", "<", "&lt;", ">", "&gt;", "[", `\[`, "]", `\]`)

func esc(s string) string { return mdEscaper.Replace(s) }

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
