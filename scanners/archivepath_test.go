package scanners

import "testing"

func TestSplitArchivePath(t *testing.T) {
	tests := []struct {
		path, archive, inner string
		ok                   bool
	}{
		{"dist/app.zip!conf/.env", "dist/app.zip", "conf/.env", true},
		{"lib/a.JAR!b.jar!c.yml", "lib/a.JAR", "b.jar!c.yml", true},
		{"backup.tar.gz!home/.env", "backup.tar.gz", "home/.env", true},
		{"docs/notes!draft.txt", "", "", false},
		{"odd!name.zip!in.txt", "odd!name.zip", "in.txt", true},
		{"!leading.zip", "", "", false},
		{"plain/file.go", "", "", false},
	}
	for _, tt := range tests {
		a, i, ok := SplitArchivePath(tt.path)
		if a != tt.archive || i != tt.inner || ok != tt.ok {
			t.Errorf("SplitArchivePath(%q) = %q, %q, %v; want %q, %q, %v", tt.path, a, i, ok, tt.archive, tt.inner, tt.ok)
		}
	}
}
