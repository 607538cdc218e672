// Package text writes the terminal summary: findings grouped by file with
// redacted previews, severity colour on a terminal, notes about what was
// skipped, and a one-line total.
package text

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sprawl-dev/sprawl/correlator"
	"github.com/sprawl-dev/sprawl/rules"
	"github.com/sprawl-dev/sprawl/scanners"
)

// Options configure the summary.
type Options struct {
	Color bool
	Rules *rules.Resolver
	// MaxNotes bounds the notes listed one by one (0 = 10).
	MaxNotes int
	// Baselined and Ignored count findings left out by a baseline and by
	// .sprawlignore.
	Baselined, Ignored int
	// PreCommit shapes the report for a commit hook: no identity list
	// (verdicts belong to full scans), and when something was found, what
	// to do about the blocked commit.
	PreCommit bool
}

const (
	red    = "\x1b[31m"
	yellow = "\x1b[33m"
	cyan   = "\x1b[36m"
	bold   = "\x1b[1m"
	dim    = "\x1b[2m"
	reset  = "\x1b[0m"
)

// Write writes the summary of r to w.
func Write(w io.Writer, r *correlator.Report, opts Options) error {
	p := &printer{w: w, color: opts.Color}
	var file string
	for _, f := range r.Findings {
		where := safe(f.Location.Path)
		if len(r.Repos) > 1 {
			where = safe(f.Location.Repo) + ": " + where
		}
		if where != file {
			file = where
			p.printf("\n%s\n", p.paint(bold, where))
		}
		level, sev := "warning", 5.0
		if opts.Rules != nil {
			rule := opts.Rules.Rule(f.RuleID)
			level, sev = rule.Level, rule.Severity
		}
		colour := yellow
		if sev >= 7 || level == "error" {
			colour = red
		}
		p.printf("  %s %s %s\n", p.paint(dim, fmt.Sprintf("%d:%d", f.Location.StartLine, f.Location.StartColumn)),
			p.paint(colour, f.RuleID), safe(f.Message))
		if c := f.Location.Commit; c != nil {
			extra := ""
			if h := f.History; h != nil && !h.InHead {
				extra = ", no longer at HEAD"
				if h.RemovedIn != nil {
					extra += " (removed in " + short(h.RemovedIn.Hash) + ")"
				}
				if len(h.OnlyInRefs) > 0 {
					extra = ", on no branch or tag: only in " + safe(correlator.RefList(h.OnlyInRefs, h.OnlyInRefsTotal))
				}
			}
			on := "on an unknown date"
			if !c.Time.IsZero() {
				on = "on " + c.Time.Format("2006-01-02")
			}
			p.printf("      %s\n", p.paint(dim, fmt.Sprintf("introduced in %s by %s %s%s", short(c.Hash), c.Author, on, extra)))
		}
	}
	if len(r.Identities) > 0 && !opts.PreCommit {
		p.printf("\n%s\n", p.paint(bold, "Identities"))
		for _, id := range r.Identities {
			mis := ""
			if id.Misfit {
				mis = p.paint(red, " misfit")
			}
			p.printf("  %s %s → %s%s\n", id.Kind, id.Key, p.paint(cyan, id.Recommendation), mis)
		}
	}
	p.notes(r, opts.MaxNotes)
	p.total(r)
	if opts.Baselined+opts.Ignored > 0 {
		p.printf("%s\n", p.paint(dim, fmt.Sprintf("left out: %d in the baseline, %d ignored (.sprawlignore, .gitleaksignore)", opts.Baselined, opts.Ignored)))
	}
	if opts.PreCommit && len(r.Findings) > 0 {
		p.printf("\n%s take the secret out of the change and read it at run time instead (rotate it if it was ever pushed or shared).\n", p.paint(bold, "Commit blocked:"))
		p.printf("%s\n", p.paint(dim, "A false positive? Add a sprawl:allow comment on its line, or its fingerprint (sprawl scan --staged --format json) to .sprawlignore with a reason. Skip the check once: git commit --no-verify."))
	}
	return p.err
}

type printer struct {
	w     io.Writer
	color bool
	err   error
}

func (p *printer) printf(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

func (p *printer) paint(code, s string) string {
	if !p.color {
		return s
	}
	return code + s + reset
}

func (p *printer) notes(r *correlator.Report, max int) {
	if max <= 0 {
		max = 10
	}
	counts := map[scanners.NoteKind]int64{}
	var errs, infos []scanners.Note
	for _, n := range r.Notes {
		counts[n.Kind]++
		switch n.Kind {
		case scanners.NoteError, scanners.NoteLimit:
			errs = append(errs, n)
		case scanners.NoteInfo:
			infos = append(infos, n)
		}
	}
	for k, n := range r.Dropped {
		counts[scanners.NoteKind(k)] += n
	}
	for _, rr := range r.Repos {
		if rr.Err != "" {
			p.printf("\n%s %s: %s\n", p.paint(red, "error:"), rr.Repo.Name, rr.Err)
		}
	}
	p.noteList("Problems", errs, r.Dropped[string(scanners.NoteError)]+r.Dropped[string(scanners.NoteLimit)], max, func(n scanners.Note) string {
		where := n.Repo
		if n.Path != "" {
			where = safe(n.Path)
		}
		return fmt.Sprintf("%s %s: %s", n.Kind, where, safe(n.Detail))
	})
	// What the scan chose to leave out or how it read something: a
	// mirror's pull request refs, a folder inside a repository.
	p.noteList("Notes", infos, r.Dropped[string(scanners.NoteInfo)], max, func(n scanners.Note) string {
		where := n.Repo
		if n.Path != "" {
			where = safe(n.Path)
		}
		return where + ": " + safe(n.Detail)
	})
	var parts []string
	for _, k := range []scanners.NoteKind{scanners.NoteSkippedLarge, scanners.NoteSkippedBinary, scanners.NoteSkippedExclude, scanners.NoteSkippedLink} {
		if counts[k] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[k], strings.TrimPrefix(string(k), "skipped-")))
		}
	}
	if len(parts) > 0 {
		p.printf("\n%s %s\n", p.paint(dim, "skipped:"), strings.Join(parts, ", "))
	}
}

// noteList prints notes under title, at most max of them, each as line
// says; dropped more of their kinds were counted but not kept (the
// engine keeps MaxNotesPerKind of each).
func (p *printer) noteList(title string, notes []scanners.Note, dropped int64, max int, line func(scanners.Note) string) {
	if len(notes) == 0 {
		return
	}
	p.printf("\n%s\n", p.paint(bold, title))
	for i, n := range notes {
		if i == max {
			break
		}
		p.printf("  %s\n", line(n))
	}
	if more := int64(len(notes)-min(len(notes), max)) + dropped; more > 0 {
		p.printf("  … and %d more (see --format json)\n", more)
	}
}

func (p *printer) total(r *correlator.Report) {
	var files, bytes, commits, blobs int64
	for _, rr := range r.Repos {
		files += rr.Stats.Files
		bytes += rr.Stats.Bytes
		commits += rr.Stats.Commits
		blobs += rr.Stats.Blobs
	}
	byFamily := map[string]int{}
	secrets, atHead, historyOnly := map[string]bool{}, 0, 0
	for _, f := range r.Findings {
		family, _, _ := strings.Cut(f.RuleID, "/")
		byFamily[family]++
		if f.Secret != nil && strings.HasPrefix(f.RuleID, "secret/") {
			secrets[f.Secret.Fingerprint] = true
			if f.History != nil {
				if f.History.InHead {
					atHead++
				} else {
					historyOnly++
				}
			}
		}
	}
	var fam []string
	for k, n := range byFamily {
		fam = append(fam, fmt.Sprintf("%d %s", n, k))
	}
	sort.Strings(fam)
	scanned := fmt.Sprintf("%s, %s", count(files, "file"), human(bytes))
	if commits > 0 {
		scanned = fmt.Sprintf("%s, %s, %s", count(commits, "commit"), count(blobs, "blob"), human(bytes))
	}
	if len(r.Findings) == 0 {
		p.printf("\n%s no findings (%s scanned in %s)\n", p.paint(bold, "sprawl:"), scanned, r.Duration.Round(1e6))
		return
	}
	line := fmt.Sprintf("%s (%s), %d distinct %s", count(int64(len(r.Findings)), "finding"), strings.Join(fam, ", "), len(secrets), plural(len(secrets), "secret"))
	if atHead+historyOnly > 0 {
		line += fmt.Sprintf(" — %d at HEAD, %d only in history", atHead, historyOnly)
	}
	p.printf("\n%s %s; %s scanned in %s\n", p.paint(bold, "sprawl:"), line, scanned, r.Duration.Round(1e6))
}

// count renders n things: "1 file", "3 files".
func count(n int64, thing string) string { return fmt.Sprintf("%d %s", n, plural(int(n), thing)) }

func plural(n int, thing string) string {
	if n == 1 {
		return thing
	}
	return thing + "s"
}

func short(h string) string {
	if len(h) > 10 {
		return h[:10]
	}
	return h
}

func human(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// safe quotes text holding control characters or invalid UTF-8, so that a
// hostile file name cannot rewrite the terminal.
func safe(s string) string {
	if !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }) {
		return strconv.Quote(s)
	}
	return s
}
