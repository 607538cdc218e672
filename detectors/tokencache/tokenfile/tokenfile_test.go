package tokenfile_test

import (
	"testing"

	"github.com/sprawl-dev/sprawl/detectors/tokencache/tokenfile"
	"github.com/sprawl-dev/sprawl/detectors/tokencache/vettest"
)

func TestAnalyzer(t *testing.T) {
	vettest.Run(t, tokenfile.Analyzer, "a")
}
