package document

import (
	"github.com/sprawl-dev/sprawl/detectors"
)

// RulePrefix starts every config check's rule id.
const RulePrefix = "config/"

// Controls a credential can be under today (WorkloadFacts.CurrentControl).
const (
	ControlStatic   = "static-secret"
	ControlRotation = "rotation"
	ControlDynamic  = "dynamic-secret"
	ControlWorkload = "workload-identity"
)

// Workload kinds (WorkloadFacts.Kind).
const (
	Ephemeral  = "ephemeral"
	Persistent = "persistent"
	Agentic    = "agentic"
	Shared     = "shared"
)

// Finding builds a config finding for check at [start, end) of s.
func (s *Source) Finding(check string, start, end int, msg string, w detectors.WorkloadFacts) detectors.Finding {
	wf := w
	return detectors.Finding{
		RuleID:     RulePrefix + check,
		Message:    msg,
		Location:   s.Span(start, end),
		Workload:   &wf,
		Properties: map[string]any{"platform": w.Platform},
	}
}

// WithSecret attaches the keyed facts of a literal secret value (never the
// value itself) when a hasher is available.
func WithSecret(f *detectors.Finding, h *detectors.Hasher, value, kind string) {
	if h == nil || value == "" {
		return
	}
	facts := h.Facts(value)
	facts.Kind = kind
	f.Secret = facts
}
