//go:build !unix

package githistory

import "os"

func mapFile(*os.File, int64) []byte { return nil }

func unmapFile([]byte) {}
