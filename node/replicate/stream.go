package replicate

import (
	"context"
	"errors"
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
	// streamAhead bounds the parts read and not yet sent.
	streamAhead = 8
	// streamBudget bounds the raw bytes of a streamed frame (twice the
	// first frame's, about 4,000 ledger entries): a frame leaves once
	// its changes are read, and zstd still sees enough of them at once.
	streamBudget = 2 * startBudget
)

// streamer returns Local as a StreamLocal, or nil.
func (r *responder) streamer() StreamLocal {
	s, _ := r.s.local.(StreamLocal)
	return s
}

// stream sends the changes of doc that a replica with vector vv lacks as
// a StreamLocal reads them: frames of at most streamBudget raw bytes (not
// adapted further up, so that each leaves soon after its changes are
// read), cut where doc cuts them (pack.go).
func (r *responder) stream(ctx context.Context, sl StreamLocal, space, doc, typ string, vv map[string]uint64) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	parts := make(chan []Change, streamAhead)
	var readErr error
	done := make(chan struct{})
	go func() { // owned by stream: it waits for done before returning
		defer close(done)
		defer close(parts)
		readErr = sl.MissingStream(ctx, space, doc, vv, func(cs []Change) error {
			select {
			case parts <- cs:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	defer func() {
		cancel()
		for range parts { // unblock the reader
		}
		<-done
	}()
	p := newPacker(space, doc, typ, r.s.opts.FrameBudget)
	p.limit = streamBudget
	var cs []Change
	size, open := 0, true // raw bytes of cs; whether more may come
	for open || len(cs) > 0 {
		if open && size < p.budget {
			part, ok := <-parts
			if !ok {
				open = false
				if readErr != nil {
					return readErr
				}
				continue
			}
			cs = append(cs, part...)
			size += contentSize(part)
			continue
		}
		b, n, err := p.next(cs)
		if errors.Is(err, errNoCut) && open { // the attested change that ends a frame is yet to come
			part, ok := <-parts
			if !ok {
				open = false
				if readErr != nil {
					return readErr
				}
				continue
			}
			cs = append(cs, part...)
			size += contentSize(part)
			continue
		}
		if errors.Is(err, errNoCut) {
			r.sum.Skipped += uint64(len(cs))
			r.s.log.Warn("changes with no attested cut point left unsent", "changes", len(cs))
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
	<-done
	return readErr
}
