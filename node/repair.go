package node

import (
	"context"
	"errors"
	"fmt"

	"github.com/weftsync/weft/node/engine"
	"github.com/weftsync/weft/node/wire"
	"github.com/weftsync/weft/store"
)

// Repairing a stored document that no longer opens (decision 0042).
//
// A change can be durable before the engine has applied and checked it: a
// gossiped change is committed first and applied right after (decision
// 0032), and which changes await the deferred round-trip check is kept in
// memory (decision 0021). A crash in either window leaves such a change
// stored. When it is one that kills the engine, or breaks the saved form,
// every later load of the document from the store used to fail, and so
// did every ingest into it: the document stayed unreadable until someone
// removed the change by hand.
//
// Now a load of the stored history that fails in a way the input may
// cause is followed by a repair, with the write lock held: the history is
// replayed in fresh copies, the newest snapshot first (its changes passed
// a check when it was written), then the shortest prefix, in stored
// (causal) order, of the changes it does not cover that fails to load or
// to save and load back, found by bisection. The last change of that
// prefix must fail again on a fresh engine; it is quarantined by hash and
// by attested author and dropped from the store with everything stored
// that depends on it, as blameUnchecked does. Nothing is blamed when the
// whole history opens when replayed (the failure was not the input's).

// repairRounds bounds how many broken changes one repair drops.
const repairRounds = 8

// loadError is a failure of the engine to load doc's stored history.
type loadError struct{ err error }

func (e *loadError) Error() string { return e.err.Error() }
func (e *loadError) Unwrap() error { return e.err }

// storedBroken reports whether err, from loading a document's stored
// history (a loadError; any other error is the store's), may be the fault
// of a stored change (engineBroken).
func storedBroken(ctx context.Context, err error) bool {
	var le *loadError
	return errors.As(err, &le) && engineBroken(ctx, le.err)
}

// engineBroken reports whether err, from the engine loading or saving a
// document's stored history, may be the fault of a stored change: the
// engine died on it or refused it, not a deadline, a cancellation, a
// closed engine or a frame too large.
func engineBroken(ctx context.Context, err error) bool {
	return err != nil && blameable(ctx, err) &&
		!errors.Is(err, engine.ErrTooLarge) && !errors.Is(err, engine.ErrNotLoaded)
}

// loadRepaired is loadDoc in a write transaction that, when the stored
// history does not load, repairs it and loads it again.
func (n *Node) loadRepaired(ctx context.Context, tx *writeTx, doc string, actor []byte) error {
	err := n.loadDoc(ctx, tx.Tx, doc, actor)
	if !storedBroken(ctx, err) {
		return err
	}
	tx.touched[doc] = true
	if _, rerr := n.repairStored(ctx, tx, doc, nil, err); rerr != nil {
		return errors.Join(err, rerr)
	}
	return n.loadDoc(ctx, tx.Tx, doc, actor)
}

// repairCommitted repairs doc in a transaction of its own, with n.mu
// held, after a load or a save outside a write transaction found its
// stored history broken (why).
func (n *Node) repairCommitted(ctx context.Context, doc string, why error) error {
	wt := &writeTx{touched: map[string]bool{doc: true}}
	err := n.db.Update(ctx, func(tx *store.Tx) error {
		wt.Tx = tx
		_, err := n.repairStored(ctx, wt, doc, nil, why)
		return err
	})
	if err != nil {
		n.rollbackUnchecked(wt)
		n.discard(context.WithoutCancel(ctx), wt.touched)
		return storeErr(err)
	}
	n.watchers.notify(wt.touched)
	return nil
}

// repairStored finds the stored changes of doc (but those in exclude)
// that keep it from loading or from saving and loading back, quarantines
// each by hash and attested author and drops it with its dependents, in
// tx, and returns the hashes dropped. why is the failure that started it.
// It leaves the engine without a copy of doc.
func (n *Node) repairStored(ctx context.Context, tx *writeTx, doc string, exclude map[[32]byte]bool, why error) (map[[32]byte]bool, error) {
	dropped := map[[32]byte]bool{}
	defer func() {
		if err := n.eng.Drop(context.WithoutCancel(ctx), doc); err != nil {
			n.log.Warn("drop document from engine after repair", "doc", doc, "err", err)
		}
	}()
	n.log.Warn("a stored document does not open; replaying its history to find the change that breaks it", "doc", doc, "err", why)
	for range repairRounds {
		culprit, err := n.brokenChange(ctx, tx, doc, exclude, dropped)
		if err != nil || culprit == nil {
			return dropped, err
		}
		author := authorOf(tx.Tx, doc, *culprit)
		reason := fmt.Sprintf("the stored document no longer opened with this change: %v", why)
		if err := tx.Quarantine(store.Quarantined{Doc: doc, Hash: culprit.Hash, Author: author, Reason: reason,
			Time: n.now().Unix()}); err != nil {
			return dropped, err
		}
		gone, err := tx.DropChanges(doc, [][32]byte{culprit.Hash})
		if err != nil {
			return dropped, err
		}
		for _, h := range gone {
			dropped[h] = true
		}
		n.deferred.quarantined.Store(true)
		n.log.Warn("change quarantined and dropped: the stored document did not open with it",
			"doc", doc, "change", wire.HashHex(culprit.Hash), "author", authorName(author), "dropped", len(gone))
	}
	return dropped, fmt.Errorf("node: document %s still does not open after dropping %d changes; `weft quarantine list` shows what was dropped; report the document to the weft developers", doc, len(dropped))
}

// brokenChange replays doc's stored history (but exclude and dropped) in
// fresh copies and returns the change that breaks it, nil when the whole
// history opens.
func (n *Node) brokenChange(ctx context.Context, tx *writeTx, doc string, exclude, dropped map[[32]byte]bool) (*store.Change, error) {
	all, err := tx.Changes(doc)
	if err != nil {
		return nil, err
	}
	kept := all[:0]
	for _, c := range all {
		if !exclude[c.Hash] && !dropped[c.Hash] {
			kept = append(kept, c)
		}
	}
	actor, err := n.readActor(tx.Tx, doc)
	if err != nil {
		return nil, err
	}
	h := history{n: n, doc: doc, actor: actor, rest: kept}
	if covers, data, ok, err := tx.Snapshot(doc); err == nil && ok {
		h.withSnapshot(covers, data)
	}
	if h.data != nil {
		ok, err := h.opens(ctx, 0)
		if err != nil {
			return nil, err
		}
		if !ok { // the snapshot itself does not open: do without it
			n.snaps.markStale(doc)
			h = history{n: n, doc: doc, actor: actor, rest: kept}
		}
	}
	ok, err := h.opens(ctx, len(h.rest))
	if err != nil || ok {
		return nil, err
	}
	lo, hi := 0, len(h.rest) // prefix lo opens, prefix hi does not
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		ok, err := h.opens(ctx, mid)
		if err != nil {
			return nil, err
		}
		if ok {
			lo = mid
		} else {
			hi = mid
		}
	}
	// Blamed only when it fails on a fresh engine again.
	if ok, err := h.opens(ctx, hi); err != nil || ok {
		return nil, err
	}
	return &h.rest[hi-1], nil
}

// history is a document's stored history for a repair: a snapshot (data
// nil when none is used), the stored changes it covers, and the rest in
// stored order.
type history struct {
	n       *Node
	doc     string
	actor   []byte
	data    []byte
	covers  [][32]byte
	covered []store.Change
	rest    []store.Change
}

// withSnapshot splits h.rest into the changes the snapshot covers and the
// others; it leaves h without a snapshot when the snapshot covers a change
// that is not stored.
func (h *history) withSnapshot(covers [][32]byte, data []byte) {
	in := make(map[[32]byte]bool, len(covers))
	for _, c := range covers {
		in[c] = true
	}
	var covered, rest []store.Change
	for _, c := range h.rest {
		if in[c.Hash] {
			covered = append(covered, c)
		} else {
			rest = append(rest, c)
		}
	}
	if len(covered) != len(covers) {
		return
	}
	h.data, h.covers, h.covered, h.rest = data, covers, covered, rest
}

// opens reports whether the snapshot and the first m other changes load in
// a fresh copy and save and load back; err is a failure that blames
// nobody.
func (h *history) opens(ctx context.Context, m int) (bool, error) {
	var err error
	switch {
	case h.data != nil:
		err = h.n.loadFrom(ctx, h.doc, h.data, h.covers, append(h.covered[:len(h.covered):len(h.covered)], h.rest[:m]...), h.actor)
	case m == 0:
		return true, nil // nothing to open
	default:
		_, err = h.n.eng.Load(ctx, h.doc, rawChanges(h.rest[:m]), h.actor)
	}
	if err == nil {
		_, err = h.n.eng.Check(ctx, h.doc)
	}
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, errSnapshotMismatch):
		return false, nil
	case !blameable(ctx, err) || errors.Is(err, engine.ErrTooLarge):
		return false, fmt.Errorf("node: replaying document %s to repair it: %w", h.doc, err)
	}
	return false, nil
}
