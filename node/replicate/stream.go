package replicate

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"maps"
	"sync"

	"github.com/weftsync/weft/node/latency"
)

// StreamLocal is a Local that can hand one document's missing changes in
// parts as it reads them. The responder uses it, when Local implements
// it, for a document that lacks streamFrom changes or more by the
// digests (a catch-up): its frames leave as the changes are read, the
// first one long before the whole document is (decision 0028).
type StreamLocal interface {
	Local
	// MissingStream calls emit with what Missing would return for doc,
	// in order, a part at a time, from one consistent read. An error from
	// emit stops it and is returned.
	MissingStream(ctx context.Context, space, doc string, vv map[string]uint64, emit func([]Change) error) error
}

const (
	// streamFrom is the fewest missing changes, by the digests, for which
	// a document is streamed rather than read whole.
	streamFrom = 2048
	// streamBudget bounds the raw bytes of a streamed frame (twice the
	// first frame's, about 4,000 ledger entries): a frame leaves once
	// its changes are read, and zstd still sees enough of them at once.
	streamBudget = 2 * startBudget
	// firstStreamBudget bounds the raw bytes of a streamed document's
	// first frame (about 240 ledger entries, a page of the store's read):
	// it leaves as soon as they are read, so that the opener starts
	// storing while the responder reads the rest (decision 0039); the
	// budget then adapts, up to streamBudget.
	firstStreamBudget = startBudget / 8
	// maxStreamQueued bounds the raw bytes a streamed read queues ahead
	// of the frames sent: the read pauses there and resumes, in a read of
	// its own, once the queue is down to half. An honest catch-up of
	// 10,000 ledger entries is about 4.5 MiB in all, under it.
	maxStreamQueued = 8 << 20
)

// errStreamPaused ends a streamed read whose queue is full (readPaused).
var errStreamPaused = errors.New("replicate: streamed read paused")

// streamer returns Local as a StreamLocal, or nil.
func (r *responder) streamer() StreamLocal {
	s, _ := r.s.local.(StreamLocal)
	return s
}

// stream sends the changes of doc that a replica with vector vv lacks as
// a StreamLocal reads them: frames of at most streamBudget raw bytes (not
// adapted further up, so that each leaves soon after its changes are
// read), cut where doc cuts them (pack.go). The read never waits for the
// network: what it reads is queued, so its read transaction (one of the
// store's few reader connections) lasts as long as the read itself, as
// Missing's, however slowly the opener takes the frames. The queue is
// bounded (readPaused): an opener that takes nothing holds at most
// maxStreamQueued bytes of the document in memory, however large it is.
func (r *responder) stream(ctx context.Context, sl StreamLocal, space, doc, typ string, vv map[string]uint64) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	q := &partQueue{ready: make(chan struct{}, 1), room: make(chan struct{}, 1)}
	done := make(chan struct{})
	go func() { // owned by stream: it waits for done before returning
		defer close(done)
		q.finish(readPaused(ctx, sl, q, space, doc, vv))
	}()
	defer func() {
		cancel()
		<-done
	}()
	p := newPacker(space, doc, typ, r.s.opts.FrameBudget)
	p.limit = streamBudget
	if !p.fixed {
		p.budget = firstStreamBudget
	}
	var cs []Change
	size, open := 0, true  // raw bytes of cs; whether more may come
	more := func() error { // waits for the next part, or the end of the read
		part, ok, err := q.take(ctx)
		latency.Mark("serve.part")
		switch {
		case err != nil:
			return err
		case !ok:
			open = false
		default:
			cs = append(cs, part...)
			size += contentSize(part)
		}
		return nil
	}
	for open || len(cs) > 0 {
		if open && size < p.budget {
			if err := more(); err != nil {
				return err
			}
			continue
		}
		b, n, err := p.next(cs)
		if errors.Is(err, errNoCut) && open { // the attested change that ends a frame is yet to come
			if err := more(); err != nil {
				return err
			}
			continue
		}
		if errors.Is(err, errNoCut) {
			r.leaveUnsent(len(cs))
			return nil
		}
		if err != nil {
			return err
		}
		if err := r.send(b, n); err != nil {
			return err
		}
		size -= contentSize(cs[:n])
		cs = cs[n:]
	}
	return nil
}

// readPaused reads doc's missing changes into q. When q holds
// maxStreamQueued raw bytes, the read ends (its transaction with it); once
// the responder has taken q down to half, a new read resumes after what
// was queued: a replica with vv and every change queued lacks exactly the
// rest, in the same stored order. Each read is consistent on its own.
func readPaused(ctx context.Context, sl StreamLocal, q *partQueue, space, doc string, vv map[string]uint64) error {
	queued := maps.Clone(vv) // vv and what was queued
	if queued == nil {
		queued = map[string]uint64{}
	}
	for {
		err := sl.MissingStream(ctx, space, doc, maps.Clone(queued), func(cs []Change) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			advance(queued, cs)
			if q.push(cs) >= maxStreamQueued {
				return errStreamPaused
			}
			return nil
		})
		if !errors.Is(err, errStreamPaused) {
			return err
		}
		if err := q.waitBelow(ctx, maxStreamQueued/2); err != nil {
			return err
		}
	}
}

// advance raises vv to the seqs of cs.
func advance(vv map[string]uint64, cs []Change) {
	var actor []byte // the last change's actor (a ledger's are one actor's, mostly)
	var a string
	for i := range cs {
		if i == 0 || !bytes.Equal(cs[i].Actor, actor) {
			actor, a = cs[i].Actor, hex.EncodeToString(cs[i].Actor)
		}
		vv[a] = max(vv[a], cs[i].Seq)
	}
}

// partQueue hands the parts a MissingStream read to the responder. The
// read never waits for the network while it runs; it pauses at a bound
// (readPaused).
type partQueue struct {
	mu    sync.Mutex
	parts [][]Change
	bytes int // raw bytes of parts (contentSize)
	ended bool
	err   error
	ready chan struct{} // signalled after a push or the end
	room  chan struct{} // signalled after a take
	// pauses counts the reads that paused (tests).
	pauses int
}

// push queues cs and returns the raw bytes queued.
func (q *partQueue) push(cs []Change) int {
	q.mu.Lock()
	q.parts = append(q.parts, cs)
	q.bytes += contentSize(cs)
	n := q.bytes
	q.mu.Unlock()
	q.signal()
	return n
}

// waitBelow waits until the queue holds fewer than n raw bytes.
func (q *partQueue) waitBelow(ctx context.Context, n int) error {
	q.mu.Lock()
	q.pauses++
	q.mu.Unlock()
	for {
		q.mu.Lock()
		left := q.bytes
		q.mu.Unlock()
		if left < n {
			return nil
		}
		select {
		case <-q.room:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// finish records the end of the read and its error.
func (q *partQueue) finish(err error) {
	q.mu.Lock()
	q.ended, q.err = true, err
	q.mu.Unlock()
	q.signal()
}

func (q *partQueue) signal() {
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

// take returns the next part; ok is false once the read ended and every
// part was taken (err is then the read's).
func (q *partQueue) take(ctx context.Context) (part []Change, ok bool, err error) {
	for {
		q.mu.Lock()
		if len(q.parts) > 0 {
			part, q.parts = q.parts[0], q.parts[1:]
			q.bytes -= contentSize(part)
			q.mu.Unlock()
			select {
			case q.room <- struct{}{}:
			default:
			}
			return part, true, nil
		}
		ended, err := q.ended, q.err
		q.mu.Unlock()
		if ended {
			return nil, false, err
		}
		select {
		case <-q.ready:
		case <-ctx.Done():
			return nil, false, ctx.Err()
		}
	}
}
