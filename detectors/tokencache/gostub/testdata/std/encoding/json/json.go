// Package json is a stub for sprawl's single-file driver.
package json

import "io"

func Marshal(v any) ([]byte, error)                              { return nil, nil }
func MarshalIndent(v any, prefix, indent string) ([]byte, error) { return nil, nil }
func Unmarshal(data []byte, v any) error                         { return nil }

type Encoder struct{ w io.Writer }

func NewEncoder(w io.Writer) *Encoder              { return nil }
func (e *Encoder) Encode(v any) error              { return nil }
func (e *Encoder) SetIndent(prefix, indent string) {}

type Decoder struct{ r io.Reader }

func NewDecoder(r io.Reader) *Decoder { return nil }
func (d *Decoder) Decode(v any) error { return nil }
