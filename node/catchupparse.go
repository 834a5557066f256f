package node

import (
	"sync/atomic"

	"github.com/weftsync/weft/node/replicate"
	"github.com/weftsync/weft/node/wire"
)

// A frame's changes are parsed ahead of its ingest (decision 0033).
//
// Parsing a change (wire.ParseChange: envelope, checksum, header and every
// op column) cost about 10 µs, on the ingest's own goroutine, before the
// store could take the first change of a batch: 80 ms for the 8,000
// changes of a catch-up's second batch. The frames of that batch arrive
// while the first is ingested, so the opener's reader parses each frame on
// its preparer goroutine as it arrives (replicate.FrameParser), beside the
// ingest of earlier frames. Nothing changes in what is checked: parsing
// needs no store, gives the same changes and the same refusals, and
// ingest parses whatever was not parsed ahead itself.

var _ replicate.FrameParser = syncLocal{}

// parsedAtIngest counts the chunks ingest parsed itself, not ahead (tests
// see the path taken).
var parsedAtIngest atomic.Int64

// parsedChunk is one chunk of a frame as parsed ahead: the change, or why
// it failed to parse.
type parsedChunk struct {
	c   *wire.Change
	err error
}

// parsedFrame is ParseFrame's result: one parsedChunk per chunk of the
// frame, in order.
type parsedFrame []parsedChunk

// ParseFrame parses a frame's chunks ahead of its ingest. It is bounded
// by the frame's size (each chunk parsed once). The chunks are the
// frame's own, decoded for this node and never modified, so each change
// keeps its chunk as it is instead of a copy (wire.ParseChangeOwned).
func (syncLocal) ParseFrame(f replicate.FrameIn) any {
	out := make(parsedFrame, len(f.Chunks))
	for i, raw := range f.Chunks {
		out[i].c, out[i].err = wire.ParseChangeOwned(raw)
	}
	return out
}

// parsedOf returns what was parsed ahead of a frame's n chunks
// (FrameIn.Parsed), or nil when it was not or does not match them.
func parsedOf(v any, n int) parsedFrame {
	p, ok := v.(parsedFrame)
	if !ok || len(p) != n {
		return nil
	}
	return p
}

// mergeParsed appends what was parsed ahead of a frame's chunks to that of
// the frames before it (acc, for accChunks chunks); a frame not parsed
// ahead makes the whole nil, so that ingest parses it all.
func mergeParsed(acc any, accChunks int, next any, nextChunks int) any {
	a, b := parsedOf(acc, accChunks), parsedOf(next, nextChunks)
	if a == nil || b == nil {
		return nil
	}
	return append(a[:len(a):len(a)], b...)
}
