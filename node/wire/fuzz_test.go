package wire

import (
	"bytes"
	"testing"
)

// FuzzParseChange feeds arbitrary bytes to ParseChange, and the same bytes as
// the body of a chunk with a valid checksum, so the fuzzer gets past the
// envelope. Seeds: testdata/fuzz/FuzzParseChange (the note's vectors).
func FuzzParseChange(f *testing.F) {
	f.Add(unhex(f, hexV1))
	f.Fuzz(func(t *testing.T, in []byte) {
		c, err := ParseChange(in)
		checkResult(t, in, c, err)
		if len(in) > 10 {
			framed := encodeChunk(1, in[10:])
			c, err := ParseChange(framed)
			checkResult(t, framed, c, err)
		}
	})
}

// FuzzSplitChunks checks SplitChunks returns chunks that tile its input, or
// an error and nothing.
func FuzzSplitChunks(f *testing.F) {
	f.Add(unhex(f, hexV1+hexV2))
	f.Fuzz(func(t *testing.T, in []byte) {
		chunks, err := SplitChunks(in)
		if err != nil {
			if chunks != nil {
				t.Fatalf("chunks with error %v", err)
			}
			return
		}
		var joined []byte
		for _, c := range chunks {
			if len(c) < 10 || len(c) > MaxChunkSize || string(c[:4]) != magic {
				t.Fatalf("bad chunk of %d bytes", len(c))
			}
			joined = append(joined, c...)
		}
		if !bytes.Equal(joined, in) {
			t.Fatal("chunks do not tile the input")
		}
	})
}
