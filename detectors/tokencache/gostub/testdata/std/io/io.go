// Package io is a stub for sprawl's single-file driver.
package io

type Writer interface {
	Write(p []byte) (n int, err error)
}
type Reader interface {
	Read(p []byte) (n int, err error)
}
type ReadCloser interface {
	Reader
	Close() error
}
type WriteCloser interface {
	Writer
	Close() error
}

func ReadAll(r Reader) ([]byte, error)            { return nil, nil }
func WriteString(w Writer, s string) (int, error) { return 0, nil }
