package scanners

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
