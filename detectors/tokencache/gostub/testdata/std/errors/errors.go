// Package errors is a stub for sprawl's single-file driver.
package errors

func New(text string) error         { return nil }
func Is(err, target error) bool     { return false }
func As(err error, target any) bool { return false }
