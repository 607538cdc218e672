package secrets

import (
	"encoding/base64"
	"strings"
	"testing"
)

// shortTail pads plain with dots until its base64 leaves a last line of
// 4 to 15 characters when wrapped at width, and returns both.
func shortTail(plain string, width int) (string, string) {
	enc := base64.StdEncoding.EncodeToString([]byte(plain))
	for last := len(enc) % width; last < 4 || last >= 16; last = len(enc) % width {
		plain += "."
		enc = base64.StdEncoding.EncodeToString([]byte(plain))
	}
	return plain, enc
}

// TestWrappedBlocks checks which texts count as a wrapped base64 block
// that line-by-line decoding cannot read whole.
func TestWrappedBlocks(t *testing.T) {
	plain, enc := shortTail(strings.Repeat("the quick brown fox jumps over it ", 6), 76)
	wrap := func(s string, width int, indent string) string {
		var lines []string
		for len(s) > width {
			lines, s = append(lines, indent+s[:width]), s[width:]
		}
		return strings.Join(append(lines, indent+s), "\n")
	}
	for _, tc := range []struct {
		name string
		text string
		want int
	}{
		{"wrapped at 76, short last line", wrap(enc, 76, ""), 1},
		{"indented in YAML", "key: |\n" + wrap(enc, 76, "  ") + "\nnext: 1\n", 1},
		{"one line", enc + "\n", 0},
		// The 72-wide line and the tail make a (window's) block; the
		// 76-wide line above is not part of it, so Detect, which wants
		// two full lines after extendUp, drops it.
		{"lines of different widths", enc[:76] + "\n" + enc[76:148] + "\n" + enc[148:152] + "\n", 1},
		{"a single full line and a tail (a window inside a block)", enc[:76] + "\n" + enc[76:80] + "\n", 1},
		{"code, not base64", "func main() {\n\tfmt.Println(\"hello\")\n}\n", 0},
	} {
		if got := len(wrappedBlocks(tc.text)); got != tc.want {
			t.Errorf("%s: %d blocks, want %d", tc.name, got, tc.want)
		}
	}
	b := wrappedBlocks(wrap(enc, 76, "  "))
	if len(b) != 1 || b[0].firstLine != 0 || decodeWrapped(b[0].text) != plain {
		t.Errorf("block %+v does not decode from line 0", b)
	}
}

// TestWrappedBlockFromAWindowInsideIt: a window may start inside a block
// (long blocks are cut into chunks); the block found there grows back up
// to its first line.
func TestWrappedBlockFromAWindowInsideIt(t *testing.T) {
	plain, enc := shortTail(strings.Repeat("-----BEGIN NOTHING----- in a long text ", 9), 64)
	var lines []string
	for rest := enc; ; rest = rest[64:] {
		if len(rest) <= 64 {
			lines = append(lines, "    "+rest)
			break
		}
		lines = append(lines, "    "+rest[:64])
	}
	raw := "data: |\n" + strings.Join(lines, "\n") + "\n"
	from := strings.Index(raw, lines[3]) // a window starting at the block's fourth line
	got := wrappedBlocks(raw[from:])
	if len(got) != 1 {
		t.Fatalf("%d blocks from the window", len(got))
	}
	b := got[0].extendUp(raw, from, 4)
	if b.firstLine != 1 || b.lastLine != len(lines) || decodeWrapped(b.text) != plain {
		t.Errorf("block lines %d..%d (want 1..%d), decodes whole: %v", b.firstLine, b.lastLine, len(lines), decodeWrapped(b.text) == plain)
	}
}
