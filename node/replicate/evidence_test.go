package replicate

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"
)

// incompressible returns n bytes that zstd cannot shrink, distinct per
// seed.
func incompressible(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// TestEvidenceFitsAFrameLowestFirst: a part of evidence that a frame
// cannot carry whole leaves out its optional chunks from the lowest, and
// only them, until it fits; its required chunks, up to the attested one,
// are always sent together with its attestations (a frame of one chunk
// may be as large as MaxLargeFrame); a part whose required chunks do not
// fit one frame is refused, not cut.
func TestEvidenceFitsAFrameLowestFirst(t *testing.T) {
	big := func(seed uint64) []byte { return incompressible(seed, 700<<10) }
	att := []byte("attestation")
	decode := func(b []byte) *Frame {
		t.Helper()
		f, err := DecodeFrame(b[lengthSize:])
		if err != nil {
			t.Fatalf("decode the evidence frame: %v", err)
		}
		return f
	}
	for _, tc := range []struct {
		name     string
		part     EvidencePart
		keptFrom int // index of the first chunk kept; -1: refused
	}{
		{"fits whole", EvidencePart{Chunks: [][]byte{[]byte("a"), []byte("b"), []byte("c")}, Atts: [][]byte{att}, Optional: 2}, 0},
		{"large required chunk alone", EvidencePart{Chunks: [][]byte{big(1), big(2), big(3)}, Atts: [][]byte{att}, Optional: 2}, 2},
		{"small required chunks under large optional ones", EvidencePart{Chunks: [][]byte{big(1), big(2), big(3), []byte("d"), []byte("e")}, Atts: [][]byte{att}, Optional: 3}, 2},
		{"optional chunks that fit beside it", EvidencePart{Chunks: [][]byte{big(1), []byte("b"), []byte("c"), big(4)}, Atts: [][]byte{att}, Optional: 3}, 1},
		{"required chunks over a frame", EvidencePart{Chunks: [][]byte{[]byte("a"), big(2), big(3)}, Atts: [][]byte{att}, Optional: 1}, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, n, err := fitEvidence("s1", "d1", "ledger", tc.part)
			if tc.keptFrom < 0 {
				if !errors.Is(err, ErrTooLarge) {
					t.Fatalf("err %v, want ErrTooLarge", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := tc.part.Chunks[tc.keptFrom:]
			f := decode(b)
			if n != len(want) || len(f.Chunks) != len(want) {
				t.Fatalf("kept %d (frame %d) chunks, want %d", n, len(f.Chunks), len(want))
			}
			for i := range want {
				if !bytes.Equal(f.Chunks[i], want[i]) {
					t.Fatalf("chunk %d of the frame is not the part's chunk %d", i, tc.keptFrom+i)
				}
			}
			if len(f.Atts) != 1 || !bytes.Equal(f.Atts[0], att) {
				t.Fatalf("attestations %q, want the part's", f.Atts)
			}
		})
	}
}
