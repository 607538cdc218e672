// Package strings is a stub for sprawl's single-file driver.
package strings

func TrimSpace(s string) string          { return s }
func TrimPrefix(s, prefix string) string { return s }
func TrimSuffix(s, suffix string) string { return s }
func HasPrefix(s, prefix string) bool    { return false }
func Contains(s, substr string) bool     { return false }
func Split(s, sep string) []string       { return nil }
func NewReader(s string) *Reader         { return nil }

type Reader struct{ s string }

func (r *Reader) Read(b []byte) (n int, err error) { return 0, nil }
