//go:build linux

package gitindex

import (
	"os"
	"syscall"
)

// mapFile maps f read-only with its pages populated up front (one system
// call instead of a page fault per 4 KiB, and no copy). It returns nil when
// mapping fails; the caller then reads the file.
func mapFile(f *os.File, size int64) []byte {
	if size <= 0 || int64(int(size)) != size {
		return nil
	}
	b, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED|syscall.MAP_POPULATE)
	if err != nil {
		return nil
	}
	return b
}

func unmapFile(b []byte) { _ = syscall.Munmap(b) }
