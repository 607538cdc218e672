// Package time is a stub for sprawl's single-file driver.
package time

type Duration int64

const (
	Nanosecond  Duration = 1
	Microsecond          = 1000 * Nanosecond
	Millisecond          = 1000 * Microsecond
	Second               = 1000 * Millisecond
	Minute               = 60 * Second
	Hour                 = 60 * Minute
)

func (d Duration) Seconds() float64 { return 0 }
func (d Duration) Minutes() float64 { return 0 }
func (d Duration) Hours() float64   { return 0 }
func (d Duration) String() string   { return "" }

type Month int
type Location struct{}

var UTC *Location

type Time struct{ wall uint64 }

func Now() Time                                { return Time{} }
func Since(t Time) Duration                    { return 0 }
func Until(t Time) Duration                    { return 0 }
func Unix(sec int64, nsec int64) Time          { return Time{} }
func Parse(layout, value string) (Time, error) { return Time{}, nil }
func Sleep(d Duration)                         {}
func (t Time) Add(d Duration) Time             { return t }
func (t Time) Sub(u Time) Duration             { return 0 }
func (t Time) Before(u Time) bool              { return false }
func (t Time) After(u Time) bool               { return false }
func (t Time) Equal(u Time) bool               { return false }
func (t Time) IsZero() bool                    { return false }
func (t Time) Unix() int64                     { return 0 }
func (t Time) UTC() Time                       { return t }
func (t Time) Round(d Duration) Time           { return t }
func (t Time) Truncate(d Duration) Time        { return t }
func (t Time) Format(layout string) string     { return "" }

type Timer struct{ C <-chan Time }
type Ticker struct{ C <-chan Time }

func NewTimer(d Duration) *Timer            { return nil }
func NewTicker(d Duration) *Ticker          { return nil }
func AfterFunc(d Duration, f func()) *Timer { return nil }
func After(d Duration) <-chan Time          { return nil }
func Tick(d Duration) <-chan Time           { return nil }
func (t *Ticker) Stop()                     {}
func (t *Timer) Stop() bool                 { return false }
func (t *Timer) Reset(d Duration) bool      { return false }
