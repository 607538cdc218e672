//go:build !unix

package filetree

import "errors"

func mkfifo(string) error { return errors.New("no named pipes") }
