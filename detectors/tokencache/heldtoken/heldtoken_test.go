package heldtoken_test

import (
	"testing"

	"github.com/sprawl-dev/sprawl/detectors/tokencache/heldtoken"
	"github.com/sprawl-dev/sprawl/detectors/tokencache/vettest"
)

func TestAnalyzer(t *testing.T) {
	vettest.Run(t, heldtoken.Analyzer, "a")
}
