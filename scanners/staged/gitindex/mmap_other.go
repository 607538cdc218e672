//go:build !linux

package gitindex

import "os"

func mapFile(*os.File, int64) []byte { return nil }

func unmapFile([]byte) {}
