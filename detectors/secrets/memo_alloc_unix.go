//go:build unix

package secrets

import (
	"runtime"
	"sync/atomic"
	"syscall"
	"unsafe"
)

// allocSlots returns n zeroed slots that cost nothing until written. A
// large make() from the Go heap is zeroed up front whenever the heap has
// freed memory to reuse, which touches every page: 64 MiB and 16,000 page
// faults, more than a pre-commit scan's whole budget. Anonymous memory
// from the kernel is zero and stays unmapped until first written. The
// mapping is released when owner is collected.
func allocSlots(owner *memoTable, n int) []atomic.Uint64 {
	size := n * int(unsafe.Sizeof(atomic.Uint64{}))
	b, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil || n == 0 {
		return make([]atomic.Uint64, n)
	}
	runtime.AddCleanup(owner, func(b []byte) { _ = syscall.Munmap(b) }, b)
	// Page-aligned, so every slot is 8-byte aligned for atomic access.
	return unsafe.Slice((*atomic.Uint64)(unsafe.Pointer(&b[0])), n)
}
