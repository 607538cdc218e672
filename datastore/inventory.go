package datastore

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// Inventory is everything the store knows, across repositories and sweeps:
// what `sprawl report --db` prints and `sprawl sweep --inventory` writes.
type Inventory struct {
	Generated  time.Time            `json:"generated"`
	Sweeps     []Sweep              `json:"sweeps"`
	Trends     Trends               `json:"trends"`
	Repos      []InventoryRepo      `json:"repos"`
	Identities []*InventoryIdentity `json:"identities"`
	// Duplicates are secrets (by fingerprint) found in 2+ repositories.
	Duplicates []Duplicate `json:"duplicates"`
	// Findings lists every finding that is not fixed.
	Findings []Finding `json:"findings"`
	// Timeline is new, fixed and open findings sweep by sweep.
	Timeline []SweepPoint `json:"timeline"`
}

// Trends counts findings by status, and what the newest sweep changed.
// When the newest sweep belongs to a named run (sprawl sweep --run), "the
// newest sweep" is every sweep of that run: all its shards.
type Trends struct {
	LastSweep int64 `json:"lastSweep"`
	// LastRun is the newest sweep's run name ("" when unnamed).
	LastRun string `json:"lastRun,omitempty"`
	// LastRunSweeps counts the sweeps New and FixedInLast cover (the
	// shards of LastRun; 1 when unnamed).
	LastRunSweeps int `json:"lastRunSweeps,omitempty"`
	Open          int `json:"open"`
	History       int `json:"history"`
	Fixed         int `json:"fixed"`
	// New counts findings first seen in the newest sweep.
	New int `json:"new"`
	// FixedInLast counts findings that left the head in the newest sweep.
	FixedInLast int `json:"fixedInLastSweep"`
}

// InventoryRepo summarises one repository.
type InventoryRepo struct {
	URL         string `json:"url"`
	Name        string `json:"name"`
	Head        string `json:"head,omitempty"`
	LastSweep   int64  `json:"lastSweep"`
	LastOutcome string `json:"lastOutcome"`
	LastError   string `json:"lastError,omitempty"`
	Open        int    `json:"open"`
	History     int    `json:"history"`
	Fixed       int    `json:"fixed"`
}

// InventoryIdentity is one identity across every repository it appears in.
type InventoryIdentity struct {
	Identity
	Repos     []string   `json:"repos"`
	FirstSeen *time.Time `json:"firstSeen,omitempty"`
	LastSeen  *time.Time `json:"lastSeen,omitempty"`
}

// Duplicate is one secret found in several repositories.
type Duplicate struct {
	Fingerprint string   `json:"fingerprint"`
	Preview     string   `json:"preview,omitempty"`
	Kind        string   `json:"kind,omitempty"`
	Repos       []string `json:"repos"`
	Places      []Place  `json:"places"`
}

// Place is one location of a duplicated secret.
type Place struct {
	Repo   string `json:"repo"`
	Path   string `json:"path"`
	Line   int    `json:"line,omitempty"`
	Commit string `json:"commit,omitempty"`
	Status string `json:"status"`
}

// WriteJSON writes inv as indented JSON.
func (inv *Inventory) WriteJSON(w io.Writer) error {
	doc := struct {
		Tool   string `json:"tool"`
		Schema int    `json:"schemaVersion"`
		*Inventory
	}{"sprawl", 1, inv}
	if doc.Identities == nil {
		doc.Identities = []*InventoryIdentity{}
	}
	if doc.Duplicates == nil {
		doc.Duplicates = []Duplicate{}
	}
	if doc.Findings == nil {
		doc.Findings = []Finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// WriteText writes a summary a person reads: trends, repositories with
// open findings, identities, cross-repository duplicates.
func (inv *Inventory) WriteText(w io.Writer) error {
	ew := &errWriter{w: w}
	ew.printf("sprawl inventory: %d repositories, %d sweeps\n", len(inv.Repos), len(inv.Sweeps))
	t := inv.Trends
	newest := fmt.Sprintf("newest sweep (#%d)", t.LastSweep)
	if t.LastRun != "" {
		newest = fmt.Sprintf("newest run %q (%d sweeps, newest #%d)", t.LastRun, t.LastRunSweeps, t.LastSweep)
	}
	ew.printf("findings: %d open, %d only in history, %d fixed; %s: %d new, %d fixed\n\n",
		t.Open, t.History, t.Fixed, newest, t.New, t.FixedInLast)
	if len(inv.Repos) > 0 {
		tw := tabwriter.NewWriter(ew, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "REPOSITORY\tOPEN\tHISTORY\tFIXED\tLAST SWEEP\tOUTCOME")
		for _, r := range inv.Repos {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t#%d\t%s\n", r.Name, r.Open, r.History, r.Fixed, r.LastSweep, r.LastOutcome)
		}
		tw.Flush()
		ew.printf("\n")
	}
	if len(inv.Identities) > 0 {
		ew.printf("identities (%d):\n", len(inv.Identities))
		tw := tabwriter.NewWriter(ew, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "IDENTITY\tKIND\tVERDICT\tMISFIT\tREPOS")
		for _, i := range inv.Identities {
			misfit := ""
			if i.Misfit {
				misfit = "yes"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\n", i.Key, i.Kind, i.Recommendation, misfit, len(i.Repos))
		}
		tw.Flush()
		ew.printf("\n")
	}
	if len(inv.Duplicates) > 0 {
		ew.printf("secrets in more than one repository (%d):\n", len(inv.Duplicates))
		for _, d := range inv.Duplicates {
			fp := d.Fingerprint
			if len(fp) > 12 {
				fp = fp[:12]
			}
			ew.printf("  %s %s (%s): %s\n", fp, d.Preview, d.Kind, strings.Join(d.Repos, ", "))
		}
	}
	return ew.err
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) { fmt.Fprintf(e, format, args...) }
