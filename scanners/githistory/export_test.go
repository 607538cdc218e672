package githistory

// SetDropEvery makes scans release pack pages every n bytes read, for
// tests; it returns the function that restores the default.
func SetDropEvery(n int64) (restore func()) {
	old := dropEvery
	dropEvery = n
	return func() { dropEvery = old }
}
