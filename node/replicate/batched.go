package replicate

import (
	"errors"
	"fmt"
	"time"

	"github.com/libp2p/go-libp2p/core/protocol"

	"github.com/weftsync/weft/node/latency"
)

// ProtocolBatched is /weft/sync/3: message format 2 (ProtocolID), except
// that one message of the answer may carry several frames of changes, in
// one zstd frame (decision 0050). A fresh member receives one small frame
// per document; compressed one at a time, each costs the sender zstd's
// per-frame work (its hash table restored from the dictionary's, 256 KiB,
// and a literal Huffman table built and described) for a few hundred
// bytes. The opener asks for this protocol first and ProtocolID second,
// and a Syncer serves both, so peers that speak only ProtocolID are
// served and pulled from as before.
const ProtocolBatched = "/weft/sync/3"

const (
	// batchRaw bounds the CBOR bytes of the frames one batched message
	// gathers: a batched message compresses to well under MaxFrame.
	batchRaw = 32 << 10
	// batchFrameRaw bounds the CBOR bytes of a frame that joins a batch.
	// Only a frame that carries all of a document's missing changes, in
	// at most this, joins one: a small document's, for which zstd's
	// per-frame work is most of the cost. The frames of a document that
	// needs several (a catch-up) go one a message, as over ProtocolID, so
	// that a transfer cut short loses no more of them than before.
	batchFrameRaw = 4 << 10
	// batchFrames is the most frames the responder puts in one message.
	batchFrames = 64
	// maxMessageFrames is the most frames an opener takes from one
	// message.
	maxMessageFrames = 256
)

// protocols returns the protocols the Syncer speaks, the one it prefers
// first.
func (s *Syncer) protocols() []protocol.ID {
	if s.opts.Unbatched {
		return []protocol.ID{ProtocolID}
	}
	return []protocol.ID{ProtocolBatched, ProtocolID}
}

// frameBatch holds the frames of changes a responder on ProtocolBatched
// has encoded and not yet written: their CBOR, one after another (an RFC
// 8742 CBOR sequence), compressed together when the batch is written.
type frameBatch struct {
	raw     []byte
	frames  int
	changes int
}

// sendBatched adds the CBOR of one frame of n changes to the batch,
// writing the batch first when the frame would take it over its bounds.
func (r *responder) sendBatched(raw []byte, n int) error {
	bt := r.batch
	if bt.frames > 0 && (len(bt.raw)+len(raw) > batchRaw || bt.frames >= batchFrames) {
		if err := r.flush(); err != nil {
			return err
		}
	}
	bt.raw = append(bt.raw, raw...)
	bt.frames++
	bt.changes += n
	return nil
}

// flush writes the frames batched so far as one message, within the
// peer's serve quota, and counts them. Every message that is not a
// batched frame of changes is written after a flush, so the frames keep
// their order.
func (r *responder) flush() error {
	bt := r.batch
	if bt == nil || bt.frames == 0 {
		return nil
	}
	b := compressMessage(bt.raw)
	frames, changes := bt.frames, bt.changes
	bt.raw, bt.frames, bt.changes = bt.raw[:0], 0, 0
	if !r.s.quota.serveBytes.Take(r.peer, float64(len(b)), time.Now()) {
		return errServeQuota
	}
	latency.Mark("serve.packed")
	if err := r.c.write(b); err != nil {
		return err
	}
	latency.Mark("serve.sent")
	r.sum.Frames += uint64(frames)
	r.sum.Changes += uint64(changes)
	return nil
}

// nextOf is next, except that with batch a frame that takes all of cs
// in at most batchFrameRaw bytes of CBOR is returned uncompressed (raw
// true), for the batch.
func (p *packer) nextOf(cs []Change, batch bool) (b []byte, raw bool, n int, err error) {
	if batch && contentSize(cs) <= batchFrameRaw {
		if n = cut(cs, p.budget); n == 0 {
			return nil, false, 0, errNoCut
		}
		f, err := p.frame(cs[:n])
		if err != nil {
			return nil, false, 0, err
		}
		if err := f.check(); err != nil {
			return nil, false, 0, err
		}
		w, err := marshalMessage(f)
		if err != nil && !errors.Is(err, ErrTooLarge) {
			return nil, false, 0, err
		}
		if err == nil && n == len(cs) && len(w) <= batchFrameRaw {
			return w, true, n, nil
		}
	}
	b, n, err = p.next(cs)
	return b, false, n, err
}

// decodeFrames decodes and checks one message of the answer (its body,
// after the length prefix). On ProtocolID (batched false) it is one frame,
// as DecodeFrame takes it. On ProtocolBatched it is one zstd frame whose
// content is one or more frames' CBOR, one after another: a message of
// one frame has the limits of DecodeFrame; a message of several holds
// frames of changes only, at most maxMessageFrames of them, compressed to
// at most MaxFrame, and their chunks rebuild to at most MaxDecompressed
// bytes all together, as one frame's do. sizes apportions the message's
// bytes (length prefix included) to its frames by their CBOR bytes, so
// that they add up to what arrived.
func decodeFrames(body []byte, batched bool) (frames []*Frame, sizes []int64, err error) {
	total := int64(lengthSize + len(body))
	if !batched {
		f, err := DecodeFrame(body)
		if err != nil {
			return nil, nil, err
		}
		return []*Frame{f}, []int64{total}, nil
	}
	if len(body) > MaxLargeFrame {
		return nil, nil, fmt.Errorf("%w: frame of %d bytes", ErrTooLarge, len(body))
	}
	raw, err := decompress(body)
	if err != nil {
		return nil, nil, err
	}
	var lens []int
	rebuilt := 0
	for rest := raw; len(rest) > 0; {
		if len(frames) == maxMessageFrames {
			return nil, nil, malformed("a message of more than %d frames", maxMessageFrames)
		}
		var w wireFrame
		next, err := decMode.UnmarshalFirst(rest, &w)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: frame %d of the message: %w", ErrMalformed, len(frames), err)
		}
		f, err := fromWireWithin(&w, MaxDecompressed-rebuilt)
		if err != nil {
			return nil, nil, err
		}
		if err := f.check(); err != nil {
			return nil, nil, err
		}
		for _, c := range f.Chunks {
			rebuilt += len(c)
		}
		frames = append(frames, f)
		lens = append(lens, len(rest)-len(next))
		rest = next
	}
	switch {
	case len(frames) == 0:
		return nil, nil, malformed("a message of no frame")
	case len(frames) == 1:
		if err := frames[0].checkSize(len(body)); err != nil {
			return nil, nil, err
		}
		return frames, []int64{total}, nil
	case len(body) > MaxFrame:
		return nil, nil, fmt.Errorf("%w: a message of %d frames, %d bytes compressed", ErrTooLarge, len(frames), len(body))
	}
	sizes = make([]int64, len(frames))
	left := total
	for i, f := range frames {
		if f.Kind != KindChanges {
			return nil, nil, malformed("a frame of kind %d in a message of several frames (only frames of changes share one)", f.Kind)
		}
		if i < len(frames)-1 {
			sizes[i] = total * int64(lens[i]) / int64(len(raw))
			left -= sizes[i]
		} else {
			sizes[i] = left
		}
	}
	return frames, sizes, nil
}
