package tokenfile_test

import (
	"testing"

	"github.com/sprawl-dev/sprawl/detectors/tokencache/vettest"
	"github.com/sprawl-dev/sprawl/detectors/tokencache/tokenfile"
)

func TestAnalyzer(t *testing.T) {
	vettest.Run(t, tokenfile.Analyzer, "a")
}
