// Package fmt is a stub for sprawl's single-file driver.
package fmt

import "io"

func Fprint(w io.Writer, a ...any) (int, error)                 { return 0, nil }
func Fprintf(w io.Writer, format string, a ...any) (int, error) { return 0, nil }
func Fprintln(w io.Writer, a ...any) (int, error)               { return 0, nil }
func Sprintf(format string, a ...any) string                    { return "" }
func Sprint(a ...any) string                                    { return "" }
func Errorf(format string, a ...any) error                      { return nil }
func Printf(format string, a ...any) (int, error)               { return 0, nil }
func Println(a ...any) (int, error)                             { return 0, nil }
