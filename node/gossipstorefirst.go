package node

import (
	"context"
	"errors"
	"fmt"

	"github.com/weftsync/weft/node/latency"
	"github.com/weftsync/weft/node/seal"
	"github.com/weftsync/weft/node/wire"
	"github.com/weftsync/weft/store"
)

// Storing gossip first (decision 0032). A change that arrives by gossip for
// a document this node holds is checked (attestations, membership, seqs,
// dependencies, quarantine: everything in Go) and stored, the transaction
// commits, and only then does the engine apply it: the engine's process
// hop (0.3 to 0.5 ms when the engine sat idle) is off the path to the
// change's being durable. The node's write lock is held from the commit
// to the engine's answer, so no other write builds on the change first. A
// change the engine then refuses (or dies on twice) is dropped from the
// store with everything stored since that depends on it, in a transaction
// of its own, and quarantined by its attested author, as the deferred
// round-trip check does for a change that breaks the saved form
// (roundtrip.go); when the engine fails on the batch for a reason that
// blames nobody (a deadline, a cancellation), or on the batch but on no
// change alone, the batch is dropped and nobody quarantined: it is
// refused this time, as before, when it was never committed. New
// documents, large batches the engine is fed while they are stored
// (ingestheld.go), and batches that cut an equivocation still go to the
// engine inside the transaction.

// ingestGossip is ingest for a batch delivered by gossip: the store's
// half in tx, and the engine's after the commit (tx.after) when the
// document is held and nothing else needs the engine first.
func (n *Node) ingestGossip(ctx context.Context, tx *writeTx, in *incoming, chunks [][]byte, atts []seal.Attestation) (IngestResult, error) {
	if pacedOff.Load() { // measuring the old path
		in.sigs = nil
		return n.ingest(ctx, tx, in, chunks, atts)
	}
	in.feed = n.heldFeed(ctx)
	defer in.feed.stop() // no engine call outlives the transaction
	w, err := n.ingestStore(ctx, tx, in, chunks, atts)
	if err != nil || w == nil {
		return in.res, err
	}
	if w.isNew || in.feed.feeding() || in.res.Equivocations > 0 {
		// The engine first: whatever this transaction left for after the
		// commit of the same document goes before.
		if err := n.applyBefore(ctx, tx, w.in.doc); err != nil {
			return in.res, err
		}
		return in.res, n.applyWork(ctx, tx, []*docWork{w})
	}
	tx.touched[w.in.doc] = true // watchers told, snapshots kept after the commit
	tx.after = append(tx.after, w)
	return in.res, nil
}

// applyBefore applies, in tx, what tx had left for after the commit of
// doc, in order.
func (n *Node) applyBefore(ctx context.Context, tx *writeTx, doc string) error {
	if err := n.joinHeld(ctx, tx, doc); err != nil { // a feed of doc handed on comes first (heldcommit.go)
		return err
	}
	var now, later []*docWork
	for _, w := range tx.after {
		if w.in.doc == doc {
			now = append(now, w)
		} else {
			later = append(later, w)
		}
	}
	tx.after = later
	for _, w := range now {
		if err := n.applyIncoming(ctx, tx, w.in, w.added, false); err != nil {
			return err
		}
	}
	return nil
}

// applyCommitted hands the engine, in order, the changes a committed
// transaction left for after its commit (tx.after), with n.mu still held.
// A batch the engine does not take at once goes through applyIncoming in a
// transaction of its own (loaded from the store when the engine does not
// hold the document, replayed alone, its culprit found); what the engine
// will not take is dropped from the store (dropCommitted).
func (n *Node) applyCommitted(ctx context.Context, tx *writeTx) {
	ctx = context.WithoutCancel(ctx) // committed: the engine must catch up
	works := tx.after
	tx.after = nil
	for len(works) > 0 {
		w := works[0]
		works = works[1:]
		latency.Mark("engine.after")
		err := n.applyLazy(ctx, nil, w.in.doc, w.added)
		latency.Mark("engine.applied")
		if err == nil {
			continue
		}
		// The rest of this transaction's batches of the document go with
		// this one: they may build on it, and the document's base is
		// what was stored before them all.
		w, works = withLater(w, works)
		if err := n.applyCommittedAlone(ctx, w, err); err != nil {
			n.log.Warn("gossip: apply changes stored before the engine", "doc", w.in.doc, "err", err)
		}
	}
}

// withLater is w with the changes of the batches of its document in rest
// appended (in stored order), and rest without them.
func withLater(w *docWork, rest []*docWork) (*docWork, []*docWork) {
	merged := &docWork{in: w.in, added: w.added, isNew: w.isNew}
	var others []*docWork
	for _, o := range rest {
		if o.in.doc == w.in.doc {
			merged.added = append(merged.added[:len(merged.added):len(merged.added)], o.added...)
			continue
		}
		others = append(others, o)
	}
	return merged, others
}

// applyCommittedAlone is the careful path of applyCommitted for one batch
// the engine did not take (why): in a transaction of its own, the engine's
// copy dropped and the batch applied as applyIncoming applies a batch
// never committed (loaded from the store without it, applied, replayed
// alone, its culprit found); when that fails too, the batch is dropped
// from the store (dropCommitted).
func (n *Node) applyCommittedAlone(ctx context.Context, w *docWork, why error) error {
	doc := w.in.doc
	wt := &writeTx{touched: map[string]bool{doc: true}}
	failed := false
	err := n.db.Update(ctx, func(tx *store.Tx) error {
		wt.Tx = tx
		if err := n.eng.Drop(ctx, doc); err != nil { // it may hold part of the batch
			return err
		}
		// An earlier batch of this transaction dropped may have taken
		// some of this one with it (they depended on it).
		still, err := stillStored(tx, doc, w.added)
		if err != nil || len(still) == 0 {
			return err
		}
		w.added = still
		err = n.applyIncoming(ctx, wt, w.in, w.added, false)
		if err == nil {
			return nil
		}
		failed = true
		return n.dropCommitted(wt, w, err)
	})
	if failed || err != nil {
		// The engine's copy may hold part of the batch: it reloads from
		// the store at its next use.
		err = errors.Join(err, n.eng.Drop(ctx, doc))
	}
	if err != nil {
		n.rollbackUnchecked(wt)
		return fmt.Errorf("node: changes of %s stored before the engine refused them (the engine said: %v): %w", doc, why, storeErr(err))
	}
	n.watchers.notify(wt.touched)
	return nil
}

// stillStored is added without the changes no longer stored.
func stillStored(tx *store.Tx, doc string, added []store.Change) ([]store.Change, error) {
	out := make([]store.Change, 0, len(added))
	for _, c := range added {
		ok, err := tx.HasChange(doc, c.Hash)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, c)
		}
	}
	return out, nil
}

// dropCommitted drops from the store, in tx, the batch w the engine would
// not take (err, from applyIncoming) and everything stored since that
// depends on it, as if it had never been committed: it may come again by
// sync. When applyIncoming named a culprit, the culprit is quarantined by
// hash and attested author; otherwise nobody is.
func (n *Node) dropCommitted(tx *writeTx, w *docWork, err error) error {
	var qe *quarantineError
	quarantined := errors.As(err, &qe)
	if quarantined {
		for _, q := range qe.rows {
			if err := tx.Quarantine(q); err != nil {
				return err
			}
		}
		n.deferred.quarantined.Store(true)
	}
	drop := hashesOf(w.added)
	gone, derr := tx.DropChanges(w.in.doc, drop)
	if derr != nil {
		return derr
	}
	n.log.Warn("gossip: changes stored, then refused by the engine: dropped", "doc", w.in.doc, "dropped", len(gone),
		"quarantined", quarantined, "first", wire.HashHex(drop[0]), "err", err)
	return nil
}
