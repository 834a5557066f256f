package node

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/weftsync/weft/node/engine"
	"github.com/weftsync/weft/store"
)

// The engine applies a held document's incoming changes while the store
// takes the rest of them (decision 0028).
//
// A large batch of changes to a document the node already stores (a
// catch-up) used to be stored in full, then applied in full: about 30 µs
// a change in the store, then 30 to 45 µs a change in the engine, one
// after the other. A heldFeed hands the engine the changes the store has
// accepted so far, heldPart at a time, on a goroutine of its own, while
// the store takes the next ones: the engine is another process, so the two
// run side by side. Nothing about the checks changes: every change is
// stored (every check of DESIGN.md section 5 made) before the engine sees
// it, each part is applied as applyLazy applies a batch (the round trip
// checked now when the document is small, remembered as unchecked
// otherwise), the engine's copy is dropped when the transaction fails
// (tx.touched), and a part the engine refuses sends the whole batch down
// applyIncoming's replay, which finds the culprit and quarantines it
// alone.

var (
	// heldPart is how many stored changes a heldFeed hands the engine at
	// once.
	heldPart = 256
	// heldFeedFrom is the smallest batch (changes parsed) fed in parts;
	// a smaller one is applied in one call after the store took it.
	heldFeedFrom = 512
)

// heldFeedsStarted counts the feeds started (tests see the path taken).
var heldFeedsStarted atomic.Int64

// heldFeed applies one held document's changes in the engine while the
// store takes the rest of the batch. Its owner, the goroutine that
// stores, calls start before storing, offer as changes are stored, and
// stop before the transaction ends, whatever happens; applyHeld takes the
// outcome. A nil or unstarted heldFeed does nothing.
type heldFeed struct {
	n   *Node
	ctx context.Context
	doc string
	// base and actor load the document first, when the engine did not
	// hold it: its stored changes before the batch.
	base  [][]byte
	actor []byte
	parts chan []store.Change
	done  chan struct{}
	fed   int // changes handed over so far (the owner's)
	on    bool
	shut  bool
	// Set by the goroutine, read after done.
	err       error
	unchecked [][32]byte
}

// heldFeed returns a feed that may apply a held document's batch while it
// is stored (start decides).
func (n *Node) heldFeed(ctx context.Context) *heldFeed {
	return &heldFeed{n: n, ctx: ctx}
}

// start starts feeding the engine when in is a large batch of a document
// already stored (not fresh) whose earlier changes need no check first:
// the engine holds it, or it holds no unchecked changes and is loaded
// here from the store. Otherwise the batch is applied after it is stored,
// as before.
func (f *heldFeed) start(tx *writeTx, in *incoming, fresh bool) error {
	if f == nil || f.on || fresh || len(in.changes) < heldFeedFrom {
		return nil
	}
	n := f.n
	_, err := n.eng.Apply(f.ctx, in.doc, nil, false) // does the engine hold it? (applies nothing)
	switch {
	case errors.Is(err, engine.ErrNotLoaded):
		if n.deferred.peek(in.doc) > 0 {
			return nil // checked first, without the batch: applyOnce
		}
		stored, err := tx.Changes(in.doc) // nothing of the batch is stored yet
		if err != nil {
			return err
		}
		if len(stored) == 0 {
			return nil
		}
		if f.actor, err = n.readActor(tx.Tx, in.doc); err != nil {
			return err
		}
		f.base = rawChanges(stored)
	case err != nil:
		return nil // applyIncoming meets it again, and deals with it
	}
	tx.touched[in.doc] = true // dropped from the engine if the transaction fails
	f.doc, f.on = in.doc, true
	heldFeedsStarted.Add(1)
	f.parts = make(chan []store.Change, 16)
	f.done = make(chan struct{})
	go f.run() // owned by the storing goroutine: stop waits for it
	return nil
}

// run loads the document when asked to, then applies each part in turn,
// as applyLazy would (checked now only while the document is small);
// after a failure it only drains the parts.
func (f *heldFeed) run() {
	defer close(f.done)
	if f.base != nil {
		if _, err := f.n.eng.Load(f.ctx, f.doc, f.base, f.actor); err != nil {
			f.err = &baseError{err}
		}
		f.base = nil
	}
	large := false // the engine left a part unchecked: the document is over checkNowUpTo
	for part := range f.parts {
		if f.err != nil {
			continue
		}
		var err error
		unchecked := true
		if large {
			// A document only grows: the engine would leave this part
			// unchecked too. Asked for no check, it also skips the
			// collection it makes after a check of a large document.
			_, err = f.n.eng.Apply(f.ctx, f.doc, rawChanges(part), false)
		} else {
			_, unchecked, err = f.n.eng.ApplyCheckUpTo(f.ctx, f.doc, rawChanges(part), checkNowUpTo)
			large = unchecked
		}
		if err != nil {
			f.err = err
			continue
		}
		if unchecked {
			for _, c := range part {
				f.unchecked = append(f.unchecked, c.Hash)
			}
		}
	}
}

// feeding reports whether the feed started.
func (f *heldFeed) feeding() bool { return f != nil && f.on }

// offer hands the engine the changes stored since the last part once
// there are heldPart of them. added is every change the batch stored so
// far, in stored (causal) order; the owner only appends to it.
func (f *heldFeed) offer(added []store.Change) {
	if !f.feeding() || f.shut || len(added)-f.fed < heldPart {
		return
	}
	f.parts <- added[f.fed:len(added):len(added)]
	f.fed = len(added)
}

// finish hands the engine the rest of added, waits for it, and returns
// what it said.
func (f *heldFeed) finish(added []store.Change) error {
	if len(added) > f.fed && !f.shut {
		f.parts <- added[f.fed:len(added):len(added)]
		f.fed = len(added)
	}
	f.stop()
	return f.err
}

// stop ends the feed and waits for its goroutine.
func (f *heldFeed) stop() {
	if !f.feeding() {
		return
	}
	if !f.shut {
		close(f.parts)
		f.shut = true
	}
	<-f.done
}

// stopFeeds stops the feeds of ins (nil entries skipped).
func stopFeeds(ins []*incoming) {
	for _, in := range ins {
		if in != nil {
			in.feed.stop()
		}
	}
}

// applyHeld hands the engine the changes ingest stored for a document
// already stored: through its feed when one ran while they were stored,
// applyIncoming otherwise. A feed the engine failed on is treated as
// applyIncoming treats a first failure: the batch is replayed alone in a
// fresh copy, and its culprit quarantined when that fails too.
func (n *Node) applyHeld(ctx context.Context, tx *writeTx, w *docWork) error {
	f := w.in.feed
	if !f.feeding() {
		return n.applyIncoming(ctx, tx, w.in, w.added, false)
	}
	tx.touched[w.in.doc] = true
	err := f.finish(w.added)
	if err == nil {
		if len(f.unchecked) > 0 {
			n.deferred.add(w.in.doc, f.unchecked, time.Now())
		}
		return nil
	}
	if !blameable(ctx, err) {
		return ingestErr(w.in.doc, err)
	}
	n.log.Warn("engine failed on incoming changes; replaying them alone", "err", err)
	if err = n.applyOnce(ctx, tx, w.in.doc, w.added, true); err == nil || !blameable(ctx, err) {
		return ingestErr(w.in.doc, err)
	}
	return n.quarantine(ctx, tx, w.in, w.added, err)
}
