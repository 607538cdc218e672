package githistory

import (
	"bytes"
	"compress/zlib"
	"strings"
	"testing"
)

// TestInflateBytes checks both decoders behind inflateBytes: the fast one
// for a pack entry as git writes it, and the fallback for a stream the
// fast decoder refuses (here one longer than its entry's stated size,
// which the scan has always read up to that size).
func TestInflateBytes(t *testing.T) {
	content := []byte(strings.Repeat("password = \"not-a-real-one\"\n", 40))
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	w.Write(content)
	w.Close()
	entry := append(buf.Bytes(), "next entry"...)
	var z inflater
	for _, tc := range []struct {
		name string
		size int
		want []byte
	}{
		{"exact size", len(content), content},
		{"stream longer than its size", 100, content[:100]},
	} {
		got, used, err := z.inflateBytes(entry, int64(tc.size), nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !bytes.Equal(got, tc.want) {
			t.Errorf("%s: wrong content", tc.name)
		}
		if used <= 2 || used > buf.Len() {
			t.Errorf("%s: took %d bytes of a %d-byte stream", tc.name, used, buf.Len())
		}
	}
	if _, _, err := z.inflateBytes(entry[:buf.Len()/2], int64(len(content)), nil); err == nil {
		t.Error("a stream cut in half inflated")
	}
}
