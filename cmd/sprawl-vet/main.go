// Command sprawl-vet runs sprawl's token-cache analyzers (heldtoken,
// staticsource, cachettl, tokenfile) as a go vet tool:
//
//	go install github.com/sprawl-dev/sprawl/cmd/sprawl-vet
//	go vet -vettool=$(go env GOPATH)/bin/sprawl-vet ./...
//
// It can also be run directly on package patterns: sprawl-vet ./...
package main

import (
	"golang.org/x/tools/go/analysis/multichecker"

	"github.com/sprawl-dev/sprawl/detectors/tokencache"
)

func main() { multichecker.Main(tokencache.Analyzers()...) }
