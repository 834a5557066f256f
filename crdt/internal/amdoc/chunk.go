package amdoc

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
)

// ErrChunk reports bytes that are not exactly one uncompressed change chunk.
var ErrChunk = errors.New("crdt: not a change chunk")

var chunkMagic = []byte{0x85, 0x6f, 0x4a, 0x83}

const chunkTypeChange = 1

// ChunkHash returns the hash of one raw change chunk (SHA-256 over its type,
// length and body, as automerge names changes), after checking that b is
// exactly one type-1 chunk with a matching checksum. It reads only the
// header, in Go: no automerge call.
func ChunkHash(b []byte) ([32]byte, error) {
	if len(b) < 10 || !bytes.Equal(b[:4], chunkMagic) || b[8] != chunkTypeChange {
		return [32]byte{}, ErrChunk
	}
	n, k := binary.Uvarint(b[9:])
	if k <= 0 || n != uint64(len(b)-9-k) {
		return [32]byte{}, ErrChunk
	}
	h := sha256.Sum256(b[8:])
	if !bytes.Equal(h[:4], b[4:8]) {
		return [32]byte{}, ErrChunk
	}
	return h, nil
}

// ChunkDeps returns the hashes of the changes a change chunk depends on,
// read from its header in Go. b must have passed ChunkHash.
func ChunkDeps(b []byte) ([][32]byte, error) {
	if len(b) < 10 {
		return nil, ErrChunk
	}
	_, k := binary.Uvarint(b[9:])
	if k <= 0 {
		return nil, ErrChunk
	}
	body := b[9+k:]
	n, j := binary.Uvarint(body)
	if j <= 0 || n > uint64(len(body)-j)/32 {
		return nil, ErrChunk
	}
	deps := make([][32]byte, n)
	for i := range deps {
		copy(deps[i][:], body[j+32*i:])
	}
	return deps, nil
}
