package scanners

import "github.com/bmatcuk/doublestar/v4"

// Excluded reports whether the slash path rel matches any doublestar glob in
// globs; a directory also matches a glob written for its contents
// ("dir/**").
func Excluded(globs []string, rel string, dir bool) bool {
	for _, g := range globs {
		if ok, _ := doublestar.Match(g, rel); ok {
			return true
		}
		if dir {
			if ok, _ := doublestar.Match(g, rel+"/"); ok {
				return true
			}
		}
	}
	return false
}

// ValidGlob reports whether g is a valid doublestar pattern.
func ValidGlob(g string) bool { return doublestar.ValidatePattern(g) }
