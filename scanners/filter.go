package scanners

import "strings"

// ExcludingSink wraps sink so that occurrences at paths matching any of
// globs are dropped, and fragments left with none are not passed on.
func ExcludingSink(sink Sink, globs []string) Sink {
	if len(globs) == 0 {
		return sink
	}
	return excluding{sink, globs}
}

type excluding struct {
	Sink
	globs []string
}

func (e excluding) Fragment(f Fragment) error {
	kept := f.Occurrences[:0:0]
	for _, o := range f.Occurrences {
		if !Excluded(e.globs, o.Path, false) {
			kept = append(kept, o)
		}
	}
	if len(kept) == 0 {
		return nil
	}
	f.Occurrences = kept
	return e.Sink.Fragment(f)
}

// SafePath returns p with any segment that could step outside the
// repository root ("", ".", "..") escaped, and whether it changed: git
// trees from hostile repositories can hold such names, and reports must
// not point outside the checkout.
func SafePath(p string) (string, bool) {
	segs := strings.Split(p, "/")
	changed := false
	for i, s := range segs {
		switch s {
		case "":
			segs[i], changed = "%", true
		case ".":
			segs[i], changed = "%2E", true
		case "..":
			segs[i], changed = "%2E%2E", true
		}
	}
	if !changed {
		return p, false
	}
	return strings.Join(segs, "/"), true
}
