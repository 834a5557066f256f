package wire

import (
	"bytes"
	"crypto/sha256"
)

// magic starts every Automerge chunk.
const magic = "\x85\x6f\x4a\x83"

// Chunk types (notes §3).
const (
	chunkDocument   = 0x00
	chunkChange     = 0x01
	chunkCompressed = 0x02
)

// chunkTypeName names a chunk type for error detail.
func chunkTypeName(t byte) string {
	switch t {
	case chunkDocument:
		return "document"
	case chunkChange:
		return "change"
	case chunkCompressed:
		return "compressed change"
	}
	return "unknown"
}

// frame reads the envelope at the start of b: magic, checksum, type and
// length. It returns the chunk type, the chunk's total size and the size of
// its header. The length is checked against MaxChunkSize and against b.
func frame(b []byte) (typ byte, size, header int, err error) {
	if len(b) < len(magic) {
		if magic[:len(b)] == string(b) {
			return 0, 0, 0, errorf(ErrTruncated, "%d-byte chunk", len(b))
		}
		return 0, 0, 0, errorf(ErrMagic, "starts % x", b)
	}
	if string(b[:4]) != magic {
		return 0, 0, 0, errorf(ErrMagic, "starts % x", b[:4])
	}
	if len(b) < 10 {
		return 0, 0, 0, errorf(ErrTruncated, "%d-byte chunk", len(b))
	}
	r := reader{b: b, off: 9}
	l, err := r.uleb()
	if err != nil {
		return 0, 0, 0, at("chunk length", err)
	}
	if l > MaxChunkSize-uint64(r.off) {
		return 0, 0, 0, errorf(ErrTooLarge, "chunk length %d over %d", l, MaxChunkSize)
	}
	if l > uint64(r.left()) {
		return 0, 0, 0, errorf(ErrTruncated, "chunk length %d, %d bytes left", l, r.left())
	}
	return b[8], r.off + int(l), r.off, nil
}

// openChange checks the envelope of one whole change chunk and returns its
// hash and the offset at which its body starts.
func openChange(b []byte) (hash [32]byte, body int, err error) {
	if len(b) > MaxChunkSize {
		return hash, 0, errorf(ErrTooLarge, "%d-byte chunk over %d", len(b), MaxChunkSize)
	}
	typ, size, body, err := frame(b)
	if err != nil {
		return hash, 0, err
	}
	if typ != chunkChange {
		return hash, 0, errorf(ErrChunkType, "type %d (%s)", typ, chunkTypeName(typ))
	}
	if size != len(b) {
		return hash, 0, errorf(ErrMalformed, "%d bytes after the chunk", len(b)-size)
	}
	hash = sha256.Sum256(b[8:])
	if !bytes.Equal(hash[:4], b[4:8]) {
		return hash, 0, errorf(ErrChecksum, "declared % x, computed % x", b[4:8], hash[:4])
	}
	return hash, body, nil
}
