package replicate

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/weftsync/weft/node/latency"
)

// FrameIn is one received frame of changes, as BatchLocal takes it.
type FrameIn struct {
	Space, Doc, Type string
	// Chunks and Atts are the frame's own, decoded for it and shared with
	// nothing that reuses or modifies them: a BatchLocal may keep them as
	// they are (node's ParseFrame does, decision 0039).
	Chunks, Atts [][]byte
	// Prepared is what FramePreparer.PrepareFrame returned for the frame
	// (nil without one).
	Prepared any
	// Parsed is what FrameParser.ParseFrame returned for the frame (nil
	// without one).
	Parsed any
	// Open is set, for a Settler, on the last frame of a batch when more
	// frames of its document may follow: the opener calls Settle for the
	// document once they stop (settle.go).
	Open bool
}

// FramePreparer is a BatchLocal that can do the part of a frame's checks
// that needs no store (verifying signatures) before the frame's turn to
// be ingested: a goroutine of the opener's reader calls it on each frame
// of changes as it arrives, while earlier frames are being ingested (or
// the opener does, when it takes a frame the goroutine has not reached;
// once per frame either way), and hands what it returns back in
// FrameIn.Prepared (decision 0025). What it returns must only save work:
// IngestFrames still makes every check that depends on the store
// (membership, above all) when it takes the frame.
type FramePreparer interface {
	BatchLocal
	// PrepareFrame may be called before the frame's quota is counted: it
	// must be bounded by the frame's own size, and safe for concurrent
	// use.
	PrepareFrame(f FrameIn) any
}

// FrameParser is a BatchLocal that can parse a frame's changes ahead of
// its ingest, as FramePreparer verifies signatures: on the reader's
// preparer goroutine while earlier frames are ingested (decision 0033),
// and handed back in FrameIn.Parsed. Parsing checks nothing that depends
// on the store; IngestFrames makes every other check when it takes the
// frame.
type FrameParser interface {
	BatchLocal
	// ParseFrame may be called before the frame's quota is counted: it
	// must be bounded by the frame's own size, and safe for concurrent
	// use.
	ParseFrame(f FrameIn) any
}

// BatchLocal is a Local that can also ingest several frames at once. The
// opener uses it, when Local implements it, for the frames that arrived
// while the previous ones were ingested, so that a stream of many small
// frames (a fresh member receiving a thousand small documents) costs a few
// commits rather than one per frame.
type BatchLocal interface {
	Local
	// IngestFrames checks and stores the frames as Ingest would, in
	// order, committed before it returns, with one Ingested per frame (it
	// may report a document's changes on the first of its frames). On an
	// error, the frames whose Ingested it returned before the failure are
	// committed; the rest are not.
	IngestFrames(ctx context.Context, frames []FrameIn) ([]Ingested, error)
}

// Read-ahead limits: how many frames, and how many bytes of them, the
// opener's reader holds before the opener takes them. The bytes are
// bounded as they arrived and as they were decoded: a responder chooses
// how well its frames compress, so a bound on wire bytes alone would let
// 8 MiB of them decode to hundreds of frames of MaxDecompressed each.
const (
	maxBatchFrames = 512
	maxAheadBytes  = 8 << 20
	// maxAheadDecoded bounds the decoded bytes (chunks, attestations,
	// operations) of the frames read ahead: an honest catch-up of 10,000
	// ledger entries decodes to about 4.5 MiB (decision 0028's figures),
	// under it.
	maxAheadDecoded = 16 << 20
)

// batchLimit is the most frames one batch takes: maxBatchFrames, lowered
// by tests that need a batch to end at a known frame whatever the timing.
var batchLimit = maxBatchFrames

// received is one frame the reader read, or why it stopped.
type received struct {
	f    *Frame
	size int64
	held int64 // decoded bytes: what the frame holds in memory (decodedBytes)
	err  error
	job  *prepJob // the frame's PrepareFrame call, for a frame of changes
}

// prepJob is one frame's PrepareFrame call, made once by whichever comes
// to it first: the reader's preparer goroutine, or the opener when it
// takes the frame (so the opener never waits for frames queued behind
// others, and no frame is prepared twice).
type prepJob struct {
	w      frameWork
	in     FrameIn
	claim  atomic.Bool
	done   chan struct{}
	out    any   // PrepareFrame's
	parsed any   // ParseFrame's
	held   int64 // chunk bytes of the parse, counted in w.parsed until taken
}

// frameWork is what Local does to a frame ahead of its ingest: either
// may be nil.
type frameWork struct {
	prep  FramePreparer
	parse FrameParser
	// parsed counts the chunk bytes parsed ahead and not yet taken by the
	// opener (one counter per reader).
	parsed *atomic.Int64
}

// maxParsedAhead bounds the chunk bytes of the frames parsed ahead and
// not yet taken: a parsed change holds a copy of its chunk and more, and
// a peer may send frames faster than they are ingested. A frame beyond it
// is parsed by ingest, as without a FrameParser (a variable for tests).
var maxParsedAhead int64 = 32 << 20

// chunkBytes is the bytes of chunks.
func chunkBytes(chunks [][]byte) int64 {
	n := int64(0)
	for _, c := range chunks {
		n += int64(len(c))
	}
	return n
}

// any reports whether there is work to do ahead.
func (w frameWork) any() bool { return w.prep != nil || w.parse != nil }

// run makes the call unless it was claimed already.
func (j *prepJob) run() {
	if j.claim.CompareAndSwap(false, true) {
		defer close(j.done)
		if j.w.prep != nil {
			j.out = j.w.prep.PrepareFrame(j.in)
		}
		if j.w.parse != nil {
			size := chunkBytes(j.in.Chunks)
			if j.w.parsed.Add(size) <= maxParsedAhead {
				j.parsed, j.held = j.w.parse.ParseFrame(j.in), size
			} else {
				j.w.parsed.Add(-size) // over the bound: ingest parses it
			}
		}
	}
}

// taken releases what the frame's parse holds of the bound on parsing
// ahead: the opener has taken the frame.
func (j *prepJob) taken() {
	if j != nil && j.held > 0 {
		j.w.parsed.Add(-j.held)
		j.held = 0
	}
}

// drop gives up the call unless it was claimed already: result is nil.
func (j *prepJob) drop() {
	if j.claim.CompareAndSwap(false, true) {
		close(j.done)
	}
}

// result makes the calls, or waits for the ones under way, and returns
// what they returned (nil for no job).
func (j *prepJob) result() (prepared, parsed any) {
	if j == nil {
		return nil, nil
	}
	j.run()
	<-j.done
	return j.out, j.parsed
}

// reader reads and decodes the answer's frames on its own goroutine while
// the opener ingests earlier ones, so that the frames that arrive during
// one ingest are taken together by the next. It stops after the end
// frame, at the first error, or when stopped.
type reader struct {
	c       *conn
	frames  chan received
	room    chan struct{} // signalled when the opener takes frames
	ahead   atomic.Int64  // bytes read and not yet taken
	decoded atomic.Int64  // their decoded bytes
	// waiting is signalled each time the reader stops reading until the
	// opener takes frames (read by tests).
	waiting chan struct{}
	done    chan struct{}
	ended   bool // the opener took the end frame or an error: the reader returned
	limit   int
	prep    frameWork     // none: frames are not prepared
	jobs    chan *prepJob // to the preparer goroutine; closed when run returns
	prepped chan struct{} // closed when the preparer goroutine returned
}

// startReader starts reading c; with limit > 0 it reads no more than
// limit frames (Options.MaxFrames: the opener cuts the transfer there).
// With prep, each frame of changes is prepared as it is read.
func startReader(c *conn, limit int, prep frameWork) *reader {
	r := &reader{c: c, limit: limit, prep: prep, frames: make(chan received, maxBatchFrames), room: make(chan struct{}, 1),
		waiting: make(chan struct{}, 1),
		done:    make(chan struct{}), jobs: make(chan *prepJob, maxBatchFrames), prepped: make(chan struct{})}
	if prep.any() {
		go r.prepare() // owned by the opener: run closes jobs, stop waits for it
	} else {
		close(r.prepped)
	}
	go r.run() // owned by the opener: stop ends it
	return r
}

// prepare makes the PrepareFrame calls of the frames read, in order,
// while the opener ingests earlier ones; once reading stopped it gives
// them up.
func (r *reader) prepare() {
	defer close(r.prepped)
	for j := range r.jobs {
		if r.c.stopped.Load() {
			j.drop()
			continue
		}
		j.run()
	}
}

func (r *reader) run() {
	defer close(r.done)
	defer close(r.jobs)
	for n := 0; r.limit == 0 || n < r.limit; {
		for r.full() { // wait for the opener to catch up
			r.signalWaiting()
			<-r.room
			if r.c.stopped.Load() {
				return
			}
		}
		body, err := r.c.readBody(MaxLargeFrame)
		if err != nil {
			r.frames <- received{err: fmt.Errorf("%w: %w", ErrIncomplete, err)}
			return
		}
		latency.Mark("pull.read")
		frames, sizes, err := decodeFrames(body, r.c.batched)
		if err != nil {
			r.ahead.Add(int64(lengthSize + len(body)))
			r.frames <- received{err: err, size: int64(lengthSize + len(body))}
			return
		}
		for i, f := range frames {
			if r.limit > 0 && n == r.limit {
				return // the opener cuts the transfer here
			}
			n++
			got := received{f: f, size: sizes[i], held: decodedBytes(f)}
			if r.prep.any() && f.Kind == KindChanges {
				got.job = &prepJob{w: r.prep, in: FrameIn{Space: f.Space, Doc: f.Doc, Type: f.Type, Chunks: f.Chunks, Atts: f.Atts}, done: make(chan struct{})}
				select {
				case r.jobs <- got.job:
				default: // the preparer is a full queue behind: the opener makes the call
				}
			}
			r.ahead.Add(got.size)
			r.decoded.Add(got.held)
			r.frames <- got // stop drains the channel: this never blocks for ever
			if f.Kind == KindEnd {
				return
			}
		}
	}
}

// full reports whether the frames read ahead reach a read-ahead bound.
func (r *reader) full() bool {
	return r.ahead.Load() > maxAheadBytes || r.decoded.Load() > maxAheadDecoded
}

// signalWaiting tells a test, when one listens, that the reader waits.
func (r *reader) signalWaiting() {
	select {
	case r.waiting <- struct{}{}:
	default:
	}
}

// decodedBytes is what f holds in memory once decoded: its chunks,
// attestations and operations.
func decodedBytes(f *Frame) int64 {
	return chunkBytes(f.Chunks) + chunkBytes(f.Atts) + chunkBytes(f.Ops)
}

// next waits for the next frame.
func (r *reader) next(ctx context.Context) received {
	select {
	case got := <-r.frames:
		r.took(got)
		return got
	case <-ctx.Done():
		return received{err: fmt.Errorf("%w: %w", ErrIncomplete, ctx.Err())}
	}
}

// ready returns the next frame when it has been read already.
func (r *reader) ready() (received, bool) {
	select {
	case got := <-r.frames:
		r.took(got)
		return got, true
	default:
		return received{}, false
	}
}

func (r *reader) took(got received) {
	if got.err != nil || got.f.Kind == KindEnd {
		r.ended = true // the reader returns after sending it
	}
	r.ahead.Add(-got.size)
	r.decoded.Add(-got.held)
	select {
	case r.room <- struct{}{}:
	default:
	}
}

// stop ends the reader and waits for it: a read it is blocked in returns.
// After the end frame the reader has stopped by itself, and the stream
// stays readable (for the acknowledgement).
func (r *reader) stop() {
	defer func() { <-r.prepped }()
	if r.ended {
		<-r.done
		return
	}
	r.c.stopReading()
	select {
	case r.room <- struct{}{}:
	default:
	}
	for {
		select {
		case <-r.done:
			return
		case <-r.frames: // unblock a send
		}
	}
}

// preparer returns what Local does to frames ahead of their ingest.
func (o *opener) preparer() frameWork {
	w := frameWork{parsed: new(atomic.Int64)}
	w.prep, _ = o.s.local.(FramePreparer)
	w.parse, _ = o.s.local.(FrameParser)
	return w
}

// batchable reports whether f may be ingested with the frames received
// after it.
func (o *opener) batchable(f *Frame) bool {
	_, ok := o.s.local.(BatchLocal)
	return ok && f.Kind == KindChanges
}

// gather returns first and the frames of changes already read after it
// (without waiting for more), up to maxBatchFrames and, when
// Options.MaxFrames cuts the transfer, no further than the cut; next is
// what the reader gave after them (a frame of another kind, or an error),
// to take after them.
func (o *opener) gather(r *reader, first received) (batch []received, next *received) {
	batch = []received{first}
	limit := batchLimit
	if m := o.s.opts.MaxFrames; m > 0 {
		limit = min(limit, m-int(o.got.Frames))
	}
	for len(batch) < limit {
		got, ok := r.ready()
		if !ok {
			break
		}
		if got.err != nil || got.f.Kind != KindChanges {
			return batch, &got
		}
		batch = append(batch, got)
	}
	return batch, nil
}

// changesBatch ingests frames of changes together, with the checks take
// and changes apply to each. A frame refused by those checks ends the
// batch: the frames before it are ingested, then its error returned.
func (o *opener) changesBatch(ctx context.Context, frames []received) error {
	// The preparer goroutine takes the frames in order; meanwhile the
	// opener prepares those it has not reached, from the last back, so
	// that the batch waits for half of them rather than all (decision
	// 0033). A job is run once, by whichever claims it.
	for i := len(frames) - 1; i > 0; i-- {
		if j := frames[i].job; j != nil {
			j.run()
		}
	}
	var in []FrameIn
	var docs []*DocReport
	var stop error
	for _, got := range frames {
		f, size := got.f, got.size
		if !o.asked[f.Space] {
			stop = fmt.Errorf("%w: a frame for a space not asked for", ErrProtocol)
			break
		}
		o.got.Frames++
		if !o.s.quota.pullFrame(o.peer, len(f.Chunks), size) {
			stop = fmt.Errorf("%w: %s sent more changes or bytes than its quota (Options.Quota)", ErrQuota, o.peer)
			break
		}
		d := o.t.doc(f.Space, f.Doc, f.Type)
		d.Received += len(f.Chunks)
		d.Bytes += size
		o.got.Changes += uint64(len(f.Chunks))
		prepared, parsed := got.job.result()
		got.job.taken()
		in = append(in, FrameIn{Space: f.Space, Doc: f.Doc, Type: f.Type, Chunks: f.Chunks, Atts: f.Atts, Prepared: prepared, Parsed: parsed})
		docs = append(docs, d)
	}
	if len(in) > 0 {
		latency.Mark("pull.batch")
		open := o.markOpen(in)
		res, err := o.s.local.(BatchLocal).IngestFrames(ctx, in)
		latency.Mark("pull.ingested")
		serr := o.settleUnless(ctx, open) // the frames of the document open before stopped, unless it is still the one
		for i, r := range res[:min(len(res), len(docs))] {
			docs[i].add(r)
		}
		if err != nil {
			doc := in[min(len(res), len(in)-1)].Doc
			return errors.Join(fmt.Errorf("replicate: ingest %s: %w", doc, err), serr)
		}
		if serr != nil {
			return serr
		}
	}
	return stop
}
