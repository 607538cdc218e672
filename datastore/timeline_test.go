package datastore

import (
	"context"
	"fmt"
	"testing"
)

func TestTimeline(t *testing.T) {
	sweeps := []Sweep{{ID: 1}, {ID: 2}, {ID: 3}}
	f := func(status string, first, fixed int64) Finding {
		return Finding{Status: status, FirstSweep: first, FixedSweep: fixed}
	}
	for _, tc := range []struct {
		name     string
		findings []Finding
		want     string // new/fixed/open per sweep
	}{
		{"nothing", nil, "0/0/0 0/0/0 0/0/0"},
		{"open since the first sweep", []Finding{f(StatusOpen, 1, 0)}, "1/0/1 0/0/1 0/0/1"},
		{"left the head in sweep 3", []Finding{f(StatusHistory, 1, 3)}, "1/0/1 0/0/1 0/1/0"},
		{"gone from the repository in sweep 2", []Finding{f(StatusFixed, 1, 2)}, "1/0/1 0/1/0 0/0/0"},
		{"only ever in history", []Finding{f(StatusHistory, 2, 0)}, "0/0/0 1/0/0 0/0/0"},
		{"history only, then rewritten away", []Finding{f(StatusFixed, 1, 0)}, "1/0/0 0/0/0 0/0/0"},
		{"several", []Finding{f(StatusOpen, 1, 0), f(StatusOpen, 2, 0), f(StatusHistory, 1, 2), f(StatusOpen, 3, 0)},
			"2/0/2 1/1/2 1/0/3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ""
			for i, p := range timeline(sweeps, tc.findings) {
				if i > 0 {
					got += " "
				}
				got += fmt.Sprintf("%d/%d/%d", p.New, p.Fixed, p.Open)
			}
			if got != tc.want {
				t.Errorf("new/fixed/open per sweep = %s, want %s", got, tc.want)
			}
		})
	}
}

// TestInventoryTimeline: the inventory carries the timeline of the sweeps
// that recorded findings, fixed findings included.
func TestInventoryTimeline(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s Store) {
		ctx := context.Background()
		sw1, _ := s.BeginSweep(ctx, "")
		rec := func(r RepoResult) {
			t.Helper()
			if err := s.RecordRepo(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		rec(RepoResult{SweepID: sw1.ID, URL: "https://h/a.git", Name: "o/a", Outcome: RepoDone, Full: true,
			Findings: []Finding{secret("k1", "a.env", "fp1", 1, true), secret("k2", "b.env", "fp2", 1, true)}})
		rec(RepoResult{SweepID: sw1.ID, URL: "https://h/b.git", Name: "o/b", Outcome: RepoDone, Full: true,
			Findings: []Finding{secret("k3", "c.env", "fp3", 1, true)}})
		sw2, _ := s.BeginSweep(ctx, "")
		// a: k2 left the head, k4 is new; b: k3 is gone.
		rec(RepoResult{SweepID: sw2.ID, URL: "https://h/a.git", Name: "o/a", Outcome: RepoDone,
			Findings: []Finding{secret("k4", "d.env", "fp4", 1, true)}, LeftHead: []string{"k2"}})
		rec(RepoResult{SweepID: sw2.ID, URL: "https://h/b.git", Name: "o/b", Outcome: RepoDone, Full: true})
		inv, err := s.Inventory(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(inv.Timeline) != 2 {
			t.Fatalf("timeline %+v, want 2 points", inv.Timeline)
		}
		p1, p2 := inv.Timeline[0], inv.Timeline[1]
		if p1.Sweep != sw1.ID || p1.New != 3 || p1.Fixed != 0 || p1.Open != 3 {
			t.Errorf("sweep 1: %+v, want 3 new, 0 fixed, 3 open", p1)
		}
		if p2.Sweep != sw2.ID || p2.New != 1 || p2.Fixed != 2 || p2.Open != 2 {
			t.Errorf("sweep 2: %+v, want 1 new, 2 fixed, 2 open", p2)
		}
		if p2.Open != inv.Trends.Open || p2.New != inv.Trends.New || p2.Fixed != inv.Trends.FixedInLast {
			t.Errorf("the last point %+v disagrees with the trends %+v", p2, inv.Trends)
		}
	})
}
