package node

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/weftsync/weft/node/wire"
	"github.com/weftsync/weft/store"
)

// A catch-up committed before the engine finishes (decision 0043).
//
// The engine applies a held document's batch while the store takes it
// (ingestheld.go), but more slowly: when the store has the batch, the
// engine still has a backlog of about a tenth of a second for 10,000
// ledger entries. The transaction commits without waiting for it, and the
// update waits for the feed after the commit (finishHeld), with the node's
// write lock still held: reads of the views, local edits and other
// ingests wait, so nothing shows or builds on a change the engine has not
// taken. Until then the batch is durable and visible to the store's
// readers (sync serving other peers, version vectors): see
// docs/threat-model.md, "A catch-up stored before the engine (decision
// 0043)".
//
// When the engine fails on the batch after the commit (refusedAfterCommit),
// the batch is replayed in fresh copies from the part the engine failed
// on, that part one change at a time when it fails again (heldCulprit).
// The first change that fails alone is quarantined by hash and attested
// author, and it and every change stored after it in the batch (the
// batch is in causal order, so whatever depends on it is among them) are
// dropped from the store, in a transaction of their own; the changes
// before it stay, as unchecked. A failure that blames nobody (a deadline,
// a cancellation, a part that fails but no change alone) drops what the
// engine had not taken and quarantines nobody: it may come again. The
// ingest then returns an error (errStoredThenDropped), so that the sync
// session ends without acknowledging what it received.

// heldAfterOff makes every feed finish inside its transaction, as before
// decision 0043 (tests and measurements of the old path).
var heldAfterOff atomic.Bool

// heldRefusals counts the committed batches the engine failed on
// (refusedAfterCommit): tests see that none was.
var heldRefusals atomic.Int64

// heldCommitted, when set (tests), is called after the commit of a
// transaction that handed on a feed, before the update waits for it.
var heldCommitted func(doc string)

// heldAfter is what a transaction's held documents' feeds leave for after
// its commit: the batches whose feed goes on past the commit, in the order
// they were stored, and what became of them.
type heldAfter struct {
	works []*docWork
	// left is the works a tail finishes after the update returns
	// (heldtail.go).
	left []*docWork
	// claimed is the error of the tail whose lock the update took over,
	// known once the transaction ended (writeLock.joinClaimed).
	claimed error
	// err is set after the commit when the engine failed on a batch: it
	// was stored, then (partly) dropped.
	err error
}

// errStoredThenDropped matches the error of an ingest whose batch was
// committed and then, the engine failing on it, partly or wholly dropped
// from the store: the ingest is not to be retried as if nothing had been
// stored.
var errStoredThenDropped = errors.New("node: changes stored, then dropped when the engine failed on them")

// abandon cancels and waits for the feeds of a transaction that failed,
// before the engine's copies are dropped (update's discard).
func (h *heldAfter) abandon() {
	for _, w := range h.works {
		w.in.feed.cancel()
		w.in.feed.wait()
	}
	h.works = nil
}

// finishHeld runs after tx's commit with the write lock held (l), after
// the outcome of the tail whose lock the update took over (decision 0048)
// is known (tx.held.claimed): it either leaves tx's handed-on feeds to a tail of
// their own (leaveTail: every one's document is held open by a sync
// session) or waits for them, in order, and takes what the engine said
// (finishWork). What that reports, and the claimed tail's error, are left
// in tx.held.err for ingestUpdate.
func (n *Node) finishHeld(ctx context.Context, tx *writeTx, l *writeLock) {
	claimedErr := tx.held.claimed
	works := tx.held.works
	tx.held.works = nil
	ctx = context.WithoutCancel(ctx) // committed: the engine must catch up
	if n.leaveTail(ctx, l, works) {
		tx.held.left = works
		tx.held.err = claimedErr
		return
	}
	errs := []error{claimedErr}
	for _, w := range works {
		errs = append(errs, n.finishWork(ctx, w))
	}
	tx.held.err = errors.Join(errs...)
}

// notLeft is docs without those whose feeds a tail finishes (their check
// and snapshot wait for the session's Settle, as the hold says).
func (h *heldAfter) notLeft(docs map[string]bool) map[string]bool {
	if len(h.left) == 0 {
		return docs
	}
	out := make(map[string]bool, len(docs))
	for d := range docs {
		out[d] = true
	}
	for _, w := range h.left {
		delete(out, w.in.doc)
	}
	return out
}

// refusedAfterCommit handles a committed batch w whose feed failed (why)
// after the engine took its first took changes: it finds the culprit
// (heldCulprit), drops from the store what is not to be kept and
// quarantines the culprit, in a transaction of its own, and returns the
// error the ingest reports (nil when the replay took the whole batch).
// The engine's copy is dropped: it is loaded from the store at its next
// use, and the batch's changes kept are remembered as unchecked.
func (n *Node) refusedAfterCommit(ctx context.Context, w *docWork, why error, took int) error {
	doc := w.in.doc
	heldRefusals.Add(1)
	n.log.Warn("engine failed on a catch-up batch after its commit; replaying it to find the change", "doc", doc,
		"changes", len(w.added), "applied", took, "err", why)
	out := heldOutcome{keep: took, why: why}
	var row *store.Quarantined
	err := n.db.Update(ctx, func(tx *store.Tx) error {
		if blameable(ctx, why) && !errors.Is(why, errAfterRefused) {
			out = n.heldCulprit(ctx, tx, doc, w.added, took)
		}
		if out.keep >= len(w.added) {
			return nil
		}
		if out.culprit {
			c := w.added[out.keep]
			row = &store.Quarantined{Doc: doc, Hash: c.Hash, Author: w.in.author(tx, c), Reason: out.why.Error(),
				Time: n.now().Unix()}
			if err := tx.Quarantine(*row); err != nil {
				return err
			}
		}
		_, err := tx.DropChanges(doc, hashesOf(w.added[out.keep:]))
		return err
	})
	if derr := n.eng.Drop(ctx, doc); derr != nil {
		n.log.Warn("drop document from engine", "doc", doc, "err", derr)
	}
	if err != nil {
		// The batch stays stored: unchecked, so that the next check or
		// load of the document finds what the engine fails on (roundtrip.go,
		// repair.go), as after a crash in this window.
		n.deferred.add(doc, hashesOf(w.added), time.Now())
		return fmt.Errorf("%w: %d changes of %s were stored, then the engine failed on them (%v), and dropping them failed; they are checked at the document's next load: %w",
			errStoredThenDropped, len(w.added), doc, why, storeErr(err))
	}
	n.deferred.add(doc, hashesOf(w.added[:out.keep]), time.Now())
	if out.keep >= len(w.added) {
		n.log.Info("the catch-up batch applied when replayed fresh; nothing to blame", "doc", doc)
		return nil
	}
	return n.reportDropped(w, out, row)
}

// reportDropped records in w's result what refusedAfterCommit dropped and
// returns the ingest's error.
func (n *Node) reportDropped(w *docWork, out heldOutcome, row *store.Quarantined) error {
	doc, dropped := w.in.doc, len(w.added)-out.keep
	res := &w.in.res
	if w.late {
		res = &IngestResult{} // returned already (heldtail.go): the session's Settle reports the drop
		n.droppedLate(doc, dropped)
	}
	res.Stored -= dropped
	if row != nil {
		n.deferred.quarantined.Store(true)
		res.refuse(&row.Hash, "quarantined: stored, then the engine failed on it twice, the second time alone")
		dropped--
	}
	if dropped > 0 {
		res.Refused += dropped
		res.Refusals = append(res.Refusals, Refusal{Reason: fmt.Sprintf(
			"%d changes stored after the first one refused in the batch were dropped with it; they may come again", dropped)})
	}
	n.log.Warn("catch-up changes stored, then refused by the engine: dropped", "doc", doc, "kept", out.keep,
		"dropped", len(w.added)-out.keep, "quarantined", row != nil, "err", out.why)
	if row != nil {
		return &heldQuarantineError{row: *row, dropped: len(w.added) - out.keep}
	}
	return fmt.Errorf("%w: the engine failed on the %d changes of %s from the %dth of the batch on, and nothing was quarantined (they may come again): %w",
		errStoredThenDropped, len(w.added)-out.keep, doc, out.keep+1, ingestErr(doc, out.why))
}

// heldQuarantineError is an ingest's error when a change of a committed
// batch was quarantined and dropped with the changes after it. Its
// quarantine is recorded already (ingestUpdate records quarantineError's).
type heldQuarantineError struct {
	row     store.Quarantined
	dropped int
}

func (e *heldQuarantineError) Error() string {
	return fmt.Sprintf("node: change %s of document %s (attested by %s) was stored, then the engine failed on it twice, the second time alone: it is quarantined, and it and the %d change(s) after it in the batch were dropped: %s",
		wire.HashHex(e.row.Hash), e.row.Doc, authorName(e.row.Author), e.dropped-1, e.row.Reason)
}

func (e *heldQuarantineError) Is(target error) bool {
	return target == ErrQuarantined || target == ErrInvalid || target == errStoredThenDropped
}

// heldOutcome is what the replay of a committed batch found: keep its
// first keep changes; with culprit, the change at keep is to blame; why
// says what failed.
type heldOutcome struct {
	keep    int
	culprit bool
	why     error
}

// heldCulprit replays, in fresh copies of doc, the stored document
// without the batch added and the first from changes of it (those the
// feed applied), then the rest a part at a time; in the first part that
// fails again, it reloads and applies one change at a time, as the feed
// applied them (the round trip checked only while the document is small).
// The first change that fails alone is the culprit; a part that fails but
// no change alone blames nobody, nor does a failure that is not the
// input's (blameable). When the replay takes everything, keep is
// len(added).
func (n *Node) heldCulprit(ctx context.Context, tx *store.Tx, doc string, added []store.Change, from int) heldOutcome {
	base, err := baseBefore(tx, doc, added)
	if err != nil {
		return heldOutcome{keep: from, why: err}
	}
	actor, err := n.readActor(tx, doc)
	if err != nil {
		return heldOutcome{keep: from, why: err}
	}
	load := func(m int) error {
		_, err := n.eng.Load(ctx, doc, append(base[:len(base):len(base)], rawChanges(added[:m])...), actor)
		return err
	}
	if err := load(from); err != nil {
		if !blameable(ctx, err) {
			return heldOutcome{keep: from, why: err}
		}
		from = 0 // what the feed applied does not load fresh: from the batch's start
		if err := load(0); err != nil {
			return heldOutcome{keep: 0, why: &baseError{err}}
		}
	}
	for p := from; p < len(added); p += heldPart {
		part := added[p:min(p+heldPart, len(added))]
		_, _, err := n.eng.ApplyCheckUpTo(ctx, doc, rawChanges(part), checkNowUpTo)
		if err == nil {
			continue
		}
		if !blameable(ctx, err) {
			return heldOutcome{keep: p, why: err}
		}
		if lerr := load(p); lerr != nil {
			return heldOutcome{keep: p, why: errors.Join(err, lerr)}
		}
		for j, c := range part {
			if _, _, aerr := n.eng.ApplyCheckUpTo(ctx, doc, [][]byte{c.Raw}, checkNowUpTo); aerr != nil {
				return heldOutcome{keep: p + j, culprit: blameable(ctx, aerr), why: aerr}
			}
		}
		return heldOutcome{keep: p, why: fmt.Errorf("it failed on %d changes together but on none alone: %w", len(part), err)}
	}
	return heldOutcome{keep: len(added)}
}

// hashesOf is the hashes of cs, in order.
func hashesOf(cs []store.Change) [][32]byte {
	out := make([][32]byte, len(cs))
	for i, c := range cs {
		out[i] = c.Hash
	}
	return out
}

// baseBefore is doc's stored changes before added, a batch stored in one
// transaction: those stored before its first change. A later batch
// committed on top of it while the engine finished it (decision 0048) is
// not among them.
func baseBefore(tx *store.Tx, doc string, added []store.Change) ([][]byte, error) {
	all, err := tx.Changes(doc)
	if err != nil {
		return nil, err
	}
	in := make(map[[32]byte]bool, len(added))
	for _, c := range added {
		in[c.Hash] = true
	}
	var out [][]byte
	for _, c := range all {
		if in[c.Hash] {
			break
		}
		out = append(out, c.Raw)
	}
	return out, nil
}
