package cachettl_test

import (
	"testing"

	"github.com/sprawl-dev/sprawl/detectors/tokencache/cachettl"
	"github.com/sprawl-dev/sprawl/detectors/tokencache/vettest"
)

func TestAnalyzer(t *testing.T) {
	vettest.Run(t, cachettl.Analyzer, "a")
}
