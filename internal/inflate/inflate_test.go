package inflate

import (
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"math/rand/v2"
	"testing"

	kflate "github.com/klauspost/compress/flate"
)

// deflate compresses b at the given level with the standard library.
func deflate(t testing.TB, b []byte, level int) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, level)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// sample returns n bytes of text-like data: words, repeats, runs and some
// random bytes, so that every block type and code shape turns up.
func sample(r *rand.Rand, n int) []byte {
	words := []string{"secret", "token", "key", " = ", "\n", "\t", "func ", "return ", "aws_", "AKIA", "{", "}", "0123456789abcdef"}
	b := make([]byte, 0, n)
	for len(b) < n {
		switch r.IntN(7) {
		case 6:
			// A short period repeated: overlapping copies at every
			// distance the decoder's short-copy path handles.
			if p := 1 + r.IntN(20); len(b) >= p {
				for range r.IntN(40) {
					b = append(b, b[len(b)-p])
				}
			}
		case 0:
			b = append(b, byte(r.IntN(256)))
		case 1:
			c := byte(r.IntN(256))
			for range r.IntN(300) {
				b = append(b, c)
			}
		case 2:
			if len(b) > 0 {
				from := r.IntN(len(b))
				b = append(b, b[from:from+r.IntN(len(b)-from)%300]...)
			}
		default:
			b = append(b, words[r.IntN(len(words))]...)
		}
	}
	return b[:n]
}

func TestDecodeMatchesStandardLibrary(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var d Decoder
	sizes := []int{0, 1, 2, 10, 100, 258, 1000, 4096, 40000, 70000, 300000}
	levels := []int{flate.NoCompression, flate.HuffmanOnly, flate.BestSpeed, 2, 5, flate.DefaultCompression, flate.BestCompression}
	for _, n := range sizes {
		for _, level := range levels {
			for round := range 4 {
				want := sample(r, n)
				if round == 3 {
					// Random bytes: stored blocks and flat codes.
					for i := range want {
						want[i] = byte(r.IntN(256))
					}
				}
				z := deflate(t, want, level)
				// Trailing bytes (a zlib checksum, the next pack entry) are
				// not part of the stream.
				src := append(bytes.Clone(z), 1, 2, 3, 4, 5, 6, 7, 8, 9)
				got := make([]byte, len(want))
				used, err := d.Decode(got, src)
				if err != nil {
					t.Fatalf("size %d level %d round %d: %v", n, level, round, err)
				}
				if !bytes.Equal(got, want) {
					t.Fatalf("size %d level %d round %d: output differs", n, level, round)
				}
				if used != len(z) {
					t.Fatalf("size %d level %d round %d: consumed %d of a %d-byte stream", n, level, round, used, len(z))
				}
			}
		}
	}
}

func TestDecodeRefusesWrongSizes(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	want := sample(r, 5000)
	z := deflate(t, want, flate.DefaultCompression)
	var d Decoder
	for _, n := range []int{0, 4999, 5001, 10000} {
		if _, err := d.Decode(make([]byte, n), z); !errors.Is(err, ErrSize) {
			t.Errorf("into %d bytes: err %v, want ErrSize", n, err)
		}
	}
	for _, cut := range []int{0, 1, len(z) / 2, len(z) - 1} {
		if _, err := d.Decode(make([]byte, len(want)), z[:cut]); err == nil {
			t.Errorf("stream cut to %d of %d bytes decoded", cut, len(z))
		}
	}
}

// TestDecodeCorruptAgreesWithStandardLibrary flips bits of valid streams:
// whatever Decode accepts, compress/flate must accept with the same output.
// (Decode may refuse more: its callers fall back to compress/flate.)
func TestDecodeCorruptAgreesWithStandardLibrary(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var d Decoder
	accepted := 0
	for round := range 20000 {
		want := sample(r, 1+r.IntN(3000))
		z := deflate(t, want, []int{flate.HuffmanOnly, flate.BestSpeed, flate.DefaultCompression}[round%3])
		for range 1 + r.IntN(3) {
			i := r.IntN(len(z))
			z[i] ^= 1 << r.IntN(8)
		}
		got := make([]byte, len(want))
		if _, err := d.Decode(got, z); err != nil {
			continue
		}
		accepted++
		ref, err := io.ReadAll(flate.NewReader(bytes.NewReader(z)))
		if err != nil {
			t.Fatalf("round %d: Decode accepted a stream compress/flate refuses (%v)", round, err)
		}
		if !bytes.Equal(ref, got) {
			t.Fatalf("round %d: Decode and compress/flate disagree on a damaged stream", round)
		}
	}
	if accepted == 0 {
		t.Fatal("no damaged stream was accepted: the test checks nothing")
	}
}

func FuzzDecode(f *testing.F) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, level := range []int{0, -2, 1, 6, 9} {
		f.Add(deflate(f, sample(r, 500), level), 500)
	}
	f.Fuzz(func(t *testing.T, z []byte, n int) {
		if n < 0 || n > 1<<20 {
			return
		}
		got := make([]byte, n)
		var d Decoder
		used, err := d.Decode(got, z)
		if err != nil {
			return
		}
		ref, err := io.ReadAll(flate.NewReader(bytes.NewReader(z[:used])))
		if err != nil || !bytes.Equal(ref, got) {
			t.Fatalf("Decode gave %d bytes compress/flate does not (%v)", n, err)
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, n := range []int{200, 4000, 100000} {
		want := sample(r, n)
		z := deflate(b, want, flate.DefaultCompression)
		b.Run("ours/"+itoa(n), func(b *testing.B) {
			var d Decoder
			out := make([]byte, n)
			b.SetBytes(int64(n))
			for b.Loop() {
				if _, err := d.Decode(out, z); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("klauspost/"+itoa(n), func(b *testing.B) {
			out := make([]byte, n)
			fr := kflate.NewReader(nil)
			br := bytes.NewReader(z)
			b.SetBytes(int64(n))
			for b.Loop() {
				br.Reset(z)
				fr.(kflate.Resetter).Reset(br, nil)
				if _, err := io.ReadFull(fr, out); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func itoa(n int) string {
	var b []byte
	for {
		b = append([]byte{byte('0' + n%10)}, b...)
		if n /= 10; n == 0 {
			return string(b)
		}
	}
}
