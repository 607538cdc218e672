package datastore

import "time"

// SweepPoint is what one sweep saw: findings new in it, findings that left
// the head in it, and findings at the head after it. The store keeps each
// finding's first sweep and the sweep it left the head in, not a log of
// every change, so the points are rebuilt from those: a finding that left
// the head and came back counts as open from its first sweep on.
type SweepPoint struct {
	Sweep   int64     `json:"sweep"`
	Started time.Time `json:"started"`
	Shard   string    `json:"shard,omitempty"`
	// New counts findings first seen in this sweep (at the head or in
	// history).
	New int `json:"new"`
	// Fixed counts findings that left the head in this sweep (removed, or
	// gone from the repository).
	Fixed int `json:"fixed"`
	// Open counts findings at the head after this sweep.
	Open int `json:"open"`
}

// timeline rebuilds one point per sweep, in sweep order, from all stored
// findings (fixed ones included).
func timeline(sweeps []Sweep, all []Finding) []SweepPoint {
	out := make([]SweepPoint, 0, len(sweeps))
	for _, sw := range sweeps {
		p := SweepPoint{Sweep: sw.ID, Started: sw.Started, Shard: sw.Shard}
		for _, f := range all {
			if f.FirstSweep == sw.ID {
				p.New++
			}
			if f.FixedSweep == sw.ID {
				p.Fixed++
			}
			// At the head after sw: seen by then, once at the head (it is
			// now, or it left the head in some sweep), not yet left.
			wasOpen := f.Status == StatusOpen || f.FixedSweep != 0
			if wasOpen && f.FirstSweep <= sw.ID && (f.FixedSweep == 0 || f.FixedSweep > sw.ID) {
				p.Open++
			}
		}
		out = append(out, p)
	}
	return out
}
