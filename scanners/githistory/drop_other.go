//go:build !linux

package githistory

// dropPages does nothing where madvise is not known to be safe for it.
func dropPages([]byte) {}
