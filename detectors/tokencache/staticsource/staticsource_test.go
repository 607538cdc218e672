package staticsource_test

import (
	"testing"

	"github.com/sprawl-dev/sprawl/detectors/tokencache/staticsource"
	"github.com/sprawl-dev/sprawl/detectors/tokencache/vettest"
)

func TestAnalyzer(t *testing.T) {
	vettest.Run(t, staticsource.Analyzer, "a")
}
