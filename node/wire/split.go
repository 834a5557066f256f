package wire

import "fmt"

// SplitChunks splits a concatenation of chunks, as automerge's
// SaveIncremental and SaveChanges produce, into one slice per chunk. It reads
// only the envelope framing (magic and length, bounded by MaxChunkSize and by
// b); type and checksum are left to ParseChange. The slices alias b. An empty
// b yields no chunks and no error.
func SplitChunks(b []byte) ([][]byte, error) {
	var chunks [][]byte
	for off := 0; off < len(b); {
		_, size, _, err := frame(b[off:])
		if err != nil {
			return nil, at(fmtChunk(len(chunks), off), err)
		}
		chunks = append(chunks, b[off:off+size:off+size])
		off += size
	}
	return chunks, nil
}

// fmtChunk names chunk i at byte offset off, for error detail.
func fmtChunk(i, off int) string { return fmt.Sprintf("chunk %d at byte %d", i, off) }
