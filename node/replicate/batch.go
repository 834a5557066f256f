package replicate

import (
	"context"
	"fmt"
)

// FrameIn is one received frame of changes, as BatchLocal takes it.
type FrameIn struct {
	Space, Doc, Type string
	Chunks, Atts     [][]byte
}

// BatchLocal is a Local that can also ingest several frames at once. The
// opener uses it, when Local implements it, for the frames that arrived
// while the previous ones were ingested, so that a stream of many small
// frames (a fresh member receiving a thousand small documents) costs a few
// commits rather than one per frame.
type BatchLocal interface {
	Local
	// IngestFrames checks and stores the frames as Ingest would, one after
	// the other, committed before it returns, with one Ingested per frame
	// in order. On an error, the frames whose Ingested it returned before
	// the failure are committed; the rest are not.
	IngestFrames(ctx context.Context, frames []FrameIn) ([]Ingested, error)
}

// maxBatchFrames bounds the frames taken together.
const maxBatchFrames = 512

// batchable reports whether f may be ingested with the frames received
// after it.
func (o *opener) batchable(f *Frame) bool {
	_, ok := o.s.local.(BatchLocal)
	return ok && f.Kind == KindChanges
}

// gather returns first and the frames of changes already received after
// it (without waiting for more), up to the batch limits and, when
// Options.MaxFrames cuts the transfer, no further than the cut; next is a
// frame of another kind read on the way, to take after them.
func (o *opener) gather(first *Frame, size int64) (batch []*Frame, sizes []int64, next *Frame, nextSize int64, err error) {
	batch, sizes = []*Frame{first}, []int64{size}
	limit := maxBatchFrames
	if m := o.s.opts.MaxFrames; m > 0 {
		limit = min(limit, m-int(o.got.Frames))
	}
	for len(batch) < limit {
		body, ok, err := o.c.bufferedBody(MaxLargeFrame)
		if err != nil {
			return nil, nil, nil, 0, fmt.Errorf("%w: %w", ErrIncomplete, err)
		}
		if !ok {
			break
		}
		f, err := DecodeFrame(body)
		if err != nil {
			return nil, nil, nil, 0, err
		}
		sz := int64(lengthSize + len(body))
		if f.Kind != KindChanges {
			return batch, sizes, f, sz, nil
		}
		batch, sizes = append(batch, f), append(sizes, sz)
	}
	return batch, sizes, nil, 0, nil
}

// changesBatch ingests frames of changes together, with the checks take
// and changes apply to each. A frame refused by those checks ends the
// batch: the frames before it are ingested, then its error returned.
func (o *opener) changesBatch(ctx context.Context, frames []*Frame, sizes []int64) error {
	var in []FrameIn
	var docs []*DocReport
	var stop error
	for i, f := range frames {
		if !o.asked[f.Space] {
			stop = fmt.Errorf("%w: a frame for a space not asked for", ErrProtocol)
			break
		}
		o.got.Frames++
		if !o.s.quota.pullFrame(o.peer, len(f.Chunks), sizes[i]) {
			stop = fmt.Errorf("%w: %s sent more changes or bytes than its quota (Options.Quota)", ErrQuota, o.peer)
			break
		}
		d := o.t.doc(f.Space, f.Doc, f.Type)
		d.Received += len(f.Chunks)
		d.Bytes += sizes[i]
		o.got.Changes += uint64(len(f.Chunks))
		in = append(in, FrameIn{Space: f.Space, Doc: f.Doc, Type: f.Type, Chunks: f.Chunks, Atts: f.Atts})
		docs = append(docs, d)
	}
	if len(in) > 0 {
		res, err := o.s.local.(BatchLocal).IngestFrames(ctx, in)
		for i, r := range res[:min(len(res), len(docs))] {
			docs[i].add(r)
		}
		if err != nil {
			doc := in[min(len(res), len(in)-1)].Doc
			return fmt.Errorf("replicate: ingest %s: %w", doc, err)
		}
	}
	return stop
}
