package githistory

import "syscall"

// dropPages releases the resident pages of a read-only file mapping; the
// data stays in the page cache and faults back in when read again.
func dropPages(b []byte) {
	if len(b) > 0 {
		_ = syscall.Madvise(b, syscall.MADV_DONTNEED)
	}
}
