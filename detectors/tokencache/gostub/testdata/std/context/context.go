// Package context is a stub for sprawl's single-file driver.
package context

type Context interface {
	Done() <-chan struct{}
	Err() error
	Value(key any) any
}

type CancelFunc func()

func Background() Context                             { return nil }
func TODO() Context                                   { return nil }
func WithCancel(parent Context) (Context, CancelFunc) { return nil, nil }
