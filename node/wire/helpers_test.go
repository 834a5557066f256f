package wire

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

// unhex decodes hex, ignoring spaces.
func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatalf("bad hex in test: %v", err)
	}
	return b
}

// uleb encodes v as a minimal unsigned LEB128.
func uleb(v uint64) []byte {
	var b []byte
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v == 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

// sleb encodes v as a minimal signed LEB128.
func sleb(v int64) []byte {
	var b []byte
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v == 0 && c&0x40 == 0 || v == -1 && c&0x40 != 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

// encodeChunk frames body as a chunk of type typ with a valid checksum.
func encodeChunk(typ byte, body []byte) []byte {
	h := sha256.New()
	h.Write([]byte{typ})
	h.Write(uleb(uint64(len(body))))
	h.Write(body)
	out := append([]byte{0x85, 0x6f, 0x4a, 0x83}, h.Sum(nil)[:4]...)
	return append(append(append(out, typ), uleb(uint64(len(body)))...), body...)
}

// body returns the body of a well-framed chunk.
func body(t testing.TB, chunk []byte) []byte {
	t.Helper()
	r := reader{b: chunk, off: 9}
	l, err := r.uleb()
	if err != nil || uint64(r.left()) != l {
		t.Fatalf("test chunk badly framed")
	}
	return chunk[r.off:]
}

// col is one column of a crafted change.
type col struct {
	spec uint64
	data []byte
}

// crafted describes a change to build byte by byte.
type crafted struct {
	deps    [][]byte
	actor   []byte
	seq     uint64
	startOp uint64
	time    int64
	msg     string
	others  [][]byte
	cols    []col
	extra   []byte
}

// chunk encodes the change as a type-1 chunk with a valid checksum.
func (c crafted) chunk() []byte {
	b := uleb(uint64(len(c.deps)))
	for _, d := range c.deps {
		b = append(b, d...)
	}
	b = append(append(b, uleb(uint64(len(c.actor)))...), c.actor...)
	b = append(append(append(b, uleb(c.seq)...), uleb(c.startOp)...), sleb(c.time)...)
	b = append(append(b, uleb(uint64(len(c.msg)))...), c.msg...)
	b = append(b, uleb(uint64(len(c.others)))...)
	for _, a := range c.others {
		b = append(append(b, uleb(uint64(len(a)))...), a...)
	}
	b = append(b, uleb(uint64(len(c.cols)))...)
	for _, k := range c.cols {
		b = append(append(b, uleb(k.spec)...), uleb(uint64(len(k.data)))...)
	}
	for _, k := range c.cols {
		b = append(b, k.data...)
	}
	return encodeChunk(1, append(b, c.extra...))
}

// rep returns n bytes of value v.
func rep(v byte, n int) []byte {
	return []byte(strings.Repeat(string([]byte{v}), n))
}
