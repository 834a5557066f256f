package replicate

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// splitByRebuild is splitChange's rule stated directly: a chunk is
// packable when it splits and rebuilding its fields gives it back byte
// for byte.
func splitByRebuild(c []byte) bool {
	h, hash, err := splitChange(c)
	if err != nil {
		return false
	}
	return bytes.Equal(rebuildChange(h, hash), c)
}

// longer rewrites the uLEB at off of c (n bytes long) with one more
// byte, fixing the chunk's length and checksum, so that only the
// integer's form is wrong.
func longer(c []byte, off, n int) []byte {
	enc := bytes.Clone(c[off : off+n])
	enc[n-1] |= 0x80
	enc = append(enc, 0)
	body := append(append(append([]byte{}, c[bodyStart(c):off]...), enc...), c[off+n:]...)
	hash := changeHash(body)
	return frameChange(body, hash)
}

// bodyStart is the offset of a chunk's body.
func bodyStart(c []byte) int {
	_, k := binary.Uvarint(c[9:])
	return 9 + k
}

// TestSplitChangeRebuilds: every chunk splitChange packs rebuilds to
// itself (it no longer rebuilds a chunk to compare, decision 0039),
// over a real ledger's chunks, each with every byte of its header changed
// in several ways, and with each of its header's integers written one
// byte longer than it takes (a valid chunk with a valid checksum that
// rebuilding would not give back).
func TestSplitChangeRebuilds(t *testing.T) {
	cs := ledger(t)
	checked, packable := 0, 0
	try := func(c []byte) {
		checked++
		_, _, err := splitChange(c)
		if (err == nil) != splitByRebuild(c) {
			t.Fatalf("splitChange(%x): %v, rebuild gives it back: %v", c, err, splitByRebuild(c))
		}
		if err == nil {
			packable++
			h, hash, _ := splitChange(c)
			if !bytes.Equal(rebuildChange(h, hash), c) {
				t.Fatalf("%x packed but rebuilds to something else", c)
			}
		}
	}
	for i, c := range cs[:300] {
		try(c)
		end := min(len(c), bodyStart(c)+1+32+1+16+12)
		for k := 0; k < end; k++ {
			for _, x := range []byte{0x00, 0x80, 0xff, c[k] + 1, c[k] ^ 0x40} {
				v := bytes.Clone(c)
				v[k] = x
				try(v)
			}
		}
		// Each integer of the header, written one byte too long: deps
		// count, actor length, seq, startOp (uLEBs), found by reading.
		off := bodyStart(c)
		r := lenient{b: c, off: off}
		d := r.uleb()
		try(longer(c, off, r.off-off))
		r.off += int(d) * 32
		at := r.off
		al := r.uleb()
		try(longer(c, at, r.off-at))
		r.off += int(al)
		for range 2 {
			at = r.off
			r.uleb()
			if v := longer(c, at, r.off-at); splitByRebuild(v) {
				t.Fatalf("chunk %d: an overlong integer at %d rebuilds", i, at)
			} else {
				try(v)
			}
		}
	}
	if packable < 300 || packable == checked {
		t.Fatalf("%d of %d variants packable: want the 300 originals and not every variant", packable, checked)
	}
}
