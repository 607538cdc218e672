// Package ioutil is a stub for sprawl's single-file driver.
package ioutil

import (
	"io"
	"os"
)

func ReadFile(filename string) ([]byte, error)                       { return nil, nil }
func WriteFile(filename string, data []byte, perm os.FileMode) error { return nil }
func ReadAll(r io.Reader) ([]byte, error)                            { return nil, nil }
