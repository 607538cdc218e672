// Package gostub serves small stub packages for the APIs sprawl's token-cache
// analyzers understand (golang.org/x/oauth2, aws-sdk-go-v2, azcore, the cache
// libraries, and the few standard packages they touch), so that a single Go
// file can be type-checked without its dependencies, the go command or the
// network. Any other import becomes an empty package; the resulting type
// errors are expected and ignored by the caller.
//
// The stubs live in testdata/src (third-party, also used as the GOPATH of
// the analyzers' analysistest runs) and testdata/std (standard library, used
// only by the single-file driver: analysistest uses the real one).
package gostub

import (
	"embed"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"io/fs"
	"path"
	"strings"
	"sync"
)

//go:embed testdata/src testdata/std
var files embed.FS

// ThirdParty returns the third-party stubs as a file tree rooted at a GOPATH
// src directory (golang.org/x/oauth2/oauth2.go, ...).
func ThirdParty() fs.FS {
	sub, err := fs.Sub(files, "testdata/src")
	if err != nil {
		panic(err)
	}
	return sub
}

// stubs holds the type-checked stub packages, shared by every import.
// Checked packages are only read afterwards.
var stubs = struct {
	once sync.Once
	fset *token.FileSet
	pkgs map[string]*types.Package
	real map[string]bool
}{}

func stubDir(p string) string {
	for _, root := range []string{"testdata/std/", "testdata/src/"} {
		if ents, err := fs.ReadDir(files, root+p); err == nil {
			for _, e := range ents {
				if strings.HasSuffix(e.Name(), ".go") {
					return root + p
				}
			}
		}
	}
	return ""
}

func loadStubs() {
	stubs.fset = token.NewFileSet()
	stubs.pkgs = map[string]*types.Package{}
	stubs.real = map[string]bool{}
	var paths []string
	for _, root := range []string{"testdata/std", "testdata/src"} {
		_ = fs.WalkDir(files, root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".go") {
				paths = append(paths, strings.TrimPrefix(path.Dir(p), root+"/"))
			}
			return nil
		})
	}
	imp := &stubImporter{}
	for _, p := range paths {
		stubs.real[p] = true
	}
	for _, p := range paths {
		_, _ = imp.Import(p)
	}
}

type stubImporter struct{}

func (s *stubImporter) Import(p string) (*types.Package, error) {
	if pkg, ok := stubs.pkgs[p]; ok {
		return pkg, nil
	}
	dir := stubDir(p)
	if dir == "" {
		pkg := fakePackage(p)
		stubs.pkgs[p] = pkg
		return pkg, nil
	}
	ents, _ := fs.ReadDir(files, dir)
	var astFiles []*ast.File
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".go") {
			continue
		}
		src, err := fs.ReadFile(files, dir+"/"+e.Name())
		if err != nil {
			continue
		}
		f, err := parser.ParseFile(stubs.fset, dir+"/"+e.Name(), src, parser.SkipObjectResolution)
		if err == nil {
			astFiles = append(astFiles, f)
		}
	}
	conf := types.Config{Importer: s, Error: func(error) {}}
	pkg, _ := conf.Check(p, stubs.fset, astFiles, nil)
	stubs.pkgs[p] = pkg
	return pkg, nil
}

// fakePackage is an empty, complete package standing in for a dependency
// sprawl has no stub for.
func fakePackage(p string) *types.Package {
	name := path.Base(p)
	if len(name) > 1 && name[0] == 'v' && strings.Trim(name[1:], "0123456789") == "" && path.Dir(p) != "." {
		name = path.Base(path.Dir(p)) // module major version suffix: .../foo/v2
	}
	if i := strings.IndexByte(name, '.'); i > 0 {
		name = name[:i] // gopkg.in/yaml.v3
	}
	name = strings.TrimPrefix(name, "go-")
	name = strings.Map(func(r rune) rune {
		if r == '-' || r == '.' {
			return -1
		}
		return r
	}, name)
	if name == "" || !token.IsIdentifier(name) {
		name = "fake"
	}
	pkg := types.NewPackage(p, name)
	pkg.MarkComplete()
	return pkg
}

// Importer serves stub packages and, for any other path, a fresh empty
// package. One Importer belongs to one type-check; it is not safe for
// concurrent use, but any number of Importers may run at once.
type Importer struct {
	fakes map[string]*types.Package
}

// NewImporter returns an importer for one type-check.
func NewImporter() *Importer {
	stubs.once.Do(loadStubs)
	return &Importer{fakes: map[string]*types.Package{}}
}

// Import implements types.Importer.
func (imp *Importer) Import(p string) (*types.Package, error) {
	if i := strings.LastIndex(p, "/vendor/"); i >= 0 {
		p = p[i+len("/vendor/"):]
	}
	if pkg, ok := stubs.pkgs[p]; ok && stubs.real[p] {
		return pkg, nil
	}
	if pkg, ok := imp.fakes[p]; ok {
		return pkg, nil
	}
	pkg := fakePackage(p)
	imp.fakes[p] = pkg
	return pkg, nil
}

// Has reports whether p is served by a stub rather than an empty package.
func Has(p string) bool {
	stubs.once.Do(loadStubs)
	return stubs.real[p]
}
