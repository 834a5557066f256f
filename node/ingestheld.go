package node

import (
	"context"
	"errors"
	"sync/atomic"

	"github.com/weftsync/weft/node/engine"
	"github.com/weftsync/weft/node/latency"
	"github.com/weftsync/weft/store"
)

// The engine applies a held document's incoming changes while the store
// takes the rest of them (decision 0028), and finishes after the commit
// (decision 0043).
//
// A large batch of changes to a document the node already stores (a
// catch-up) used to be stored in full, then applied in full: about 30 µs
// a change in the store, then 30 to 45 µs a change in the engine, one
// after the other. A heldFeed hands the engine the changes the store has
// accepted so far, heldPart at a time, on a goroutine of its own, while
// the store takes the next ones: the engine is another process, so the two
// run side by side. Nothing about the checks changes: every change is
// stored (every check of DESIGN.md section 5 made) before the engine sees
// it, and each part is applied as applyLazy applies a batch (the round
// trip checked now when the document is small, remembered as unchecked
// otherwise).
//
// The engine is slower than the store, so when the store has the batch
// the engine still has a backlog. The transaction does not wait for it
// (applyHeld hands the feed to the transaction's heldAfter): it commits,
// OnStored says the batch is durable, and the update waits for the feed
// after the commit with the node's write lock still held, so that nothing
// reads the document's views or builds on the batch before the engine has
// taken it (heldcommit.go). A batch the engine then refuses is dropped
// from the store from its culprit on, and the culprit quarantined, in a
// transaction of its own. A feed still running when its transaction fails
// is cancelled and waited for before the engine's copy is dropped
// (heldAfter.abandon); a batch that cut an equivocation, and a second
// batch of a document whose feed was handed on in the same transaction,
// wait for the engine inside the transaction as before (joinHeld).

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
// stop before the transaction ends, whatever happens, unless it handed
// the feed on to the transaction's heldAfter (handOver), which then owns
// it. A nil or unstarted heldFeed does nothing.
type heldFeed struct {
	n      *Node
	parent context.Context // the ingest's: cancels the feed until it is handed on
	// ctx is the feed's own: cancelled with parent until handOver, then
	// only by cancel (a transaction that fails after the handover).
	ctx    context.Context
	cancel context.CancelFunc
	unlink func() bool // stops parent from cancelling ctx
	doc    string
	// base and actor load the document first, when the engine did not
	// hold it: its stored changes before the batch.
	base  [][]byte
	actor []byte
	// prev is the feed of the same document that a committed batch left
	// running (decision 0048): this one applies nothing before it ends,
	// and nothing at all when it failed (errAfterRefused).
	prev   *heldFeed
	parts  chan []store.Change
	done   chan struct{}
	fed    int // changes handed over so far (the owner's)
	on     bool
	shut   bool
	handed bool // the transaction's heldAfter owns the feed (handOver)
	ended  bool // waited for, and its context released
	// Set by the goroutine, read after done.
	err       error
	took      int // changes the engine applied, from the batch's first: the parts before the one it failed on
	unchecked [][32]byte
}

// heldFeed returns a feed that may apply a held document's batch while it
// is stored (start decides).
func (n *Node) heldFeed(ctx context.Context) *heldFeed {
	return &heldFeed{n: n, parent: ctx}
}

// start starts feeding the engine when in is a large batch of a document
// already stored (not fresh) whose earlier changes need no check first:
// the engine holds it, or it holds no unchecked changes and is loaded
// here from the store. Otherwise the batch is applied after it is stored,
// as before. A feed of the same document that this transaction handed on
// is finished first (joinHeld): the engine takes the batches in order.
func (f *heldFeed) start(tx *writeTx, in *incoming, fresh bool) error {
	if f == nil || f.on || fresh || len(in.changes) < heldFeedFrom {
		return nil
	}
	n := f.n
	if _, over := n.overOpsOf(in.doc); over {
		return nil // stored only (opstotal.go)
	}
	if pass, err := mayPassOps(tx.Tx, in.doc, in.changes); err != nil || pass {
		return err // the batch may take it past its total: the engine is given nothing before the store has the total
	}
	if err := n.joinHeld(f.parent, tx, in.doc); err != nil {
		return err
	}
	if n.deferred.isFresh(in.doc) {
		return nil // a new document stored unchecked: applyIncoming checks it first, without the batch (decision 0049)
	}
	// A committed batch's feed of the document still running (a tail's,
	// heldtail.go): the engine holds the document, and this feed
	// follows it.
	f.prev = n.feedOf(in.doc)
	var err error
	if f.prev == nil {
		_, err = n.eng.Apply(f.parent, in.doc, nil, false) // does the engine hold it? (applies nothing)
	}
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
	f.ctx, f.cancel = context.WithCancel(context.WithoutCancel(f.parent))
	f.unlink = context.AfterFunc(f.parent, f.cancel)
	// Room for every part of the batch: the store never waits for the
	// engine's applies (decision 0069). The parts are slices of the
	// batch's own changes, held until the feed ends whatever the room.
	f.parts = make(chan []store.Change, feedRoom(len(in.changes)))
	f.done = make(chan struct{})
	go f.run() // owned by the storing goroutine, or the heldAfter it hands it to
	return nil
}

// feedRoom is the parts buffer of a feed of a batch of n changes: one
// part per heldPart changes offered, and the rest.
func feedRoom(n int) int { return n/heldPart + 2 }

// run loads the document when asked to, then applies each part in turn,
// as applyLazy would (checked now only while the document is small);
// after a failure it only drains the parts.
func (f *heldFeed) run() {
	defer close(f.done)
	if feedRuns != nil {
		feedRuns(f.doc)
	}
	if f.prev != nil {
		select {
		case <-f.prev.done:
			if f.prev.err != nil {
				f.err = errAfterRefused
			}
		case <-f.ctx.Done():
			f.err = f.ctx.Err()
		}
	}
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
		f.took += len(part)
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
	part := added[f.fed:len(added):len(added)]
	select {
	case f.parts <- part:
	default: // the engine is a full buffer behind: the store waits for it
		latency.Mark("feed.full")
		f.parts <- part
		latency.Mark("feed.taken")
	}
	f.fed = len(added)
}

// rest hands the engine the rest of added and tells the feed that no
// more parts follow.
func (f *heldFeed) rest(added []store.Change) {
	if f.shut {
		return
	}
	if len(added) > f.fed {
		f.parts <- added[f.fed:len(added):len(added)]
		f.fed = len(added)
	}
	close(f.parts)
	f.shut = true
}

// finish hands the engine the rest of added, waits for it, and returns
// what it said.
func (f *heldFeed) finish(added []store.Change) error {
	f.rest(added)
	f.wait()
	return f.err
}

// handOver hands the engine the rest of added and the feed to the
// transaction's heldAfter, which waits for it after the commit (or
// cancels it when the transaction fails): the ingest's context no longer
// cancels it, and stop leaves it running.
func (f *heldFeed) handOver(added []store.Change) {
	f.rest(added)
	f.unlink()
	f.handed = true
}

// stop ends the feed and waits for its goroutine, unless it was handed
// on.
func (f *heldFeed) stop() {
	if !f.feeding() || f.handed {
		return
	}
	if !f.shut {
		close(f.parts)
		f.shut = true
	}
	f.wait()
}

// wait waits for the feed's goroutine and releases its context. The
// parts must be closed.
func (f *heldFeed) wait() {
	if f.ended {
		return
	}
	<-f.done
	f.unlink()
	f.cancel()
	f.ended = true
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
// applyIncoming otherwise. A feed is handed on to finish after the commit
// (decision 0043) unless the batch cut an equivocation (the commit
// reloads the document from the store: reloadCut); then, as before, the
// transaction waits for it (fedOutcome).
func (n *Node) applyHeld(ctx context.Context, tx *writeTx, w *docWork) error {
	f := w.in.feed
	if !f.feeding() {
		if err := n.joinHeld(ctx, tx, w.in.doc); err != nil {
			return err
		}
		if err := n.afterFeedOf(ctx, w.in.doc); err != nil { // a tail's (heldtail.go)
			return err
		}
		return n.applyIncoming(ctx, tx, w.in, w.added, false)
	}
	tx.touched[w.in.doc] = true
	if w.in.res.Equivocations > 0 || tx.cut[w.in.doc] || heldAfterOff.Load() {
		f.rest(w.added)
		return n.fedOutcome(ctx, tx, w)
	}
	f.handOver(w.added)
	tx.held.works = append(tx.held.works, w)
	return nil
}

// fedOutcome waits, in the transaction, for w's feed, whose parts are
// all sent, and takes what the engine said. A feed the engine failed on
// is treated as applyIncoming treats a first failure: the batch is
// replayed alone in a fresh copy, and its culprit quarantined when that
// fails too (the transaction rolls back).
func (n *Node) fedOutcome(ctx context.Context, tx *writeTx, w *docWork) error {
	f := w.in.feed
	f.wait()
	if f.err == nil {
		if len(f.unchecked) > 0 {
			n.addUnchecked(tx, w.in.doc, f.unchecked)
		}
		return nil
	}
	err := f.err
	if !blameable(ctx, err) || errors.Is(err, errAfterRefused) {
		return ingestErr(w.in.doc, err)
	}
	n.log.Warn("engine failed on incoming changes; replaying them alone", "err", err)
	if err = n.applyOnce(ctx, tx, w.in.doc, w.added, true); err == nil || !blameable(ctx, err) {
		return ingestErr(w.in.doc, err)
	}
	return n.quarantine(ctx, tx, w.in, w.added, err)
}

// joinHeld finishes, in the transaction, a feed of doc that the
// transaction handed on (fedOutcome): another batch of doc is about to
// reach the engine, and must reach it after this one.
func (n *Node) joinHeld(ctx context.Context, tx *writeTx, doc string) error {
	for i, w := range tx.held.works {
		if w.in.doc == doc {
			tx.held.works = append(tx.held.works[:i:i], tx.held.works[i+1:]...)
			return n.fedOutcome(ctx, tx, w)
		}
	}
	return nil
}
