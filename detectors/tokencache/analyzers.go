package tokencache

import (
	"golang.org/x/tools/go/analysis"

	"github.com/sprawl-dev/sprawl/detectors/tokencache/cachettl"
	"github.com/sprawl-dev/sprawl/detectors/tokencache/heldtoken"
	"github.com/sprawl-dev/sprawl/detectors/tokencache/staticsource"
	"github.com/sprawl-dev/sprawl/detectors/tokencache/tokenfile"
)

// RuleID is the SARIF rule every finding of this package carries.
const RuleID = "code/token-cache-outlives-ttl"

// Analyzers returns the Go analyzers, for cmd/sprawl-vet and RunGoFile.
func Analyzers() []*analysis.Analyzer {
	return []*analysis.Analyzer{
		heldtoken.Analyzer,
		cachettl.Analyzer,
		staticsource.Analyzer,
		tokenfile.Analyzer,
	}
}
