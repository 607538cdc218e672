//go:build !unix

package secrets

import "sync/atomic"

// allocSlots returns n zeroed slots.
func allocSlots(_ *memoTable, n int) []atomic.Uint64 { return make([]atomic.Uint64, n) }
