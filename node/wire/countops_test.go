package wire

import (
	"bytes"
	"testing"
)

// TestCountOps: CountOps finds the op count ParseChange finds, for the
// test vectors (10,000 ops in V8) and every change of the real documents,
// and refuses what is not a whole change chunk.
func TestCountOps(t *testing.T) {
	var chunks [][]byte
	for _, h := range []string{hexV1, hexV2, hexV3, hexV4, hexV5, hexV6, hexV7, hexV8} {
		chunks = append(chunks, unhex(t, h))
	}
	for _, tt := range realDocs() {
		for _, ch := range realDoc(t, tt.build).changes {
			chunks = append(chunks, ch.Save())
		}
	}
	sawMany := false
	for i, raw := range chunks {
		c, err := ParseChange(raw)
		if err != nil {
			t.Fatalf("chunk %d: %v", i, err)
		}
		n, err := CountOps(raw)
		if err != nil || n != c.Ops {
			t.Fatalf("chunk %d: CountOps = %d, %v; ParseChange counts %d", i, n, err, c.Ops)
		}
		sawMany = sawMany || n >= 10000
	}
	if !sawMany {
		t.Fatal("no chunk with 10,000 ops among the vectors")
	}
	v1 := unhex(t, hexV1)
	for name, bad := range map[string][]byte{
		"truncated": v1[:len(v1)-3],
		"checksum":  append(append([]byte{}, v1[:4]...), append([]byte{v1[4] ^ 1}, v1[5:]...)...),
		"trailing":  append(bytes.Clone(v1), 0),
		"empty":     nil,
	} {
		if n, err := CountOps(bad); err == nil {
			t.Errorf("%s chunk: CountOps = %d, no error", name, n)
		}
	}
}

func BenchmarkCountOps(b *testing.B) {
	raw := unhex(b, hexV3)
	for b.Loop() {
		if _, err := CountOps(raw); err != nil {
			b.Fatal(err)
		}
	}
}
