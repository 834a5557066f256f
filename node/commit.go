package node

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node/engine"
	"github.com/weftsync/weft/node/latency"
	"github.com/weftsync/weft/node/seal"
	"github.com/weftsync/weft/node/wire"
	"github.com/weftsync/weft/store"
)

// writeTx is one store transaction of local edits. It remembers the
// documents whose engine copies it changed, so that a failed transaction
// can discard them.
type writeTx struct {
	*store.Tx
	touched  map[string]bool
	stored   []storedNote        // changes received from outside and stored, for Options.OnStored
	admitted []ed25519.PublicKey // new members, readmitted to gossip after the commit (readmit.go)
	cut      map[string]bool     // documents an equivocation cut: reloaded without the cut changes (equivocate.go)
	fresh    *freshNotes         // local changes to publish from memory, before the commit or after (publishqueue.go, publishearly.go)
	after    []*docWork          // received changes stored, for the engine after the commit (gossipstorefirst.go)
	held     heldAfter           // held documents' feeds, waited for after the commit (heldcommit.go)
	unpoison map[string]bool     // documents whose poisoned leases this transaction abandons (publishearly.go)

	// unchecked: new documents stored before their round trip, remembered
	// as unchecked after the commit (unchecked.go).
	unchecked []uncheckedNew
	// covered: unchecked changes a round trip in the transaction covered,
	// forgotten after the commit (roundtripcovered.go).
	covered []coveredCheck
	// checkedBefore: the unchecked state of the documents checked in the
	// transaction, put back if it rolls back (checkrollback.go).
	checkedBefore map[string]uncheckedBefore
	// appliedUnchecked: received changes the transaction applied without
	// their round trip, per document, forgotten if it rolls back
	// (checkrollback.go).
	appliedUnchecked map[string][][32]byte

	// barredBefore: the documents the transaction barred past their total
	// of stored ops (decision 0070), each with what the node knew of it
	// before, put back if it rolls back (opstotal.go).
	barredBefore map[string]barBefore

	// opBudget bounds the op counter of the local changes made in the
	// transaction (decision 0071: the node's budget less opReserve), and
	// intoReserve lets a ledger's continuation marker use the reserve.
	opBudget    uint64
	intoReserve bool
}

// update runs fn in one store transaction. If the transaction fails, every
// document the engine edited in it is dropped from the engine and its actor
// lease abandoned (or, when that fails too, left to abandon at its next
// edit): the engine may have committed what the store did not, and the
// changes may have been published before the commit (decision 0045).
func (n *Node) update(ctx context.Context, fn func(tx *writeTx) error) error {
	l := n.lockWrite(ctx) // or taken over from a catch-up's tail (heldtail.go)
	defer l.unlock()
	latency.Mark("update.locked")
	wt := &writeTx{touched: map[string]bool{}, opBudget: n.opBudget()}
	err := n.db.Update(ctx, func(tx *store.Tx) error {
		wt.Tx = tx
		err := fn(wt)
		if wt.fresh != nil && len(wt.fresh.early) > 0 {
			latency.Mark("early.fn") // published before its insert (prestore.go): off the path
		} else {
			latency.Mark("update.fn")
		}
		if err == nil && wt.fresh != nil {
			// Every write accepted, then the local changes published
			// before the commit's fsync (decision 0045, publishearly.go).
			if err = tx.Flush(); err == nil {
				n.publishEarly(wt)
				n.unqueueEarly(wt)
				err = n.beforeCommit()
			}
		}
		if err == nil {
			err = n.faultCommit()
		}
		return err
	})
	early := wt.fresh != nil && len(wt.fresh.early) > 0
	if early {
		latency.Mark("early.committed") // not on the path: told apart from the receiver's commit
	} else {
		latency.Mark("update.committed")
	}
	if err == nil && l.claimed != nil {
		// Durable now: told before the wait for the engine's work on the
		// batch before (decision 0054). OnStored says what was durable,
		// not what stays (decision 0043).
		n.notifyStored(wt.stored)
		wt.stored = nil
	}
	wt.held.claimed = l.joinClaimed() // the tail whose lock it took over ends first (heldtail.go)
	if err != nil {
		wt.held.abandon() // no feed outlives a failed transaction (heldcommit.go)
		n.rollbackUnchecked(wt)
		n.rollbackBars(wt)
	}
	if errors.Is(err, errBeforeCommit) {
		return err // a test's crash between the publish and the commit: nothing after it runs
	}
	if err != nil && len(wt.touched) > 0 {
		n.discard(context.WithoutCancel(ctx), wt.touched)
	}
	if err == nil {
		for doc := range wt.unpoison {
			delete(n.poison, doc)
		}
		n.reloadCut(ctx, wt.cut)
		n.committedUnchecked(wt) // before anything builds on them (decision 0049)
		n.committedCovered(wt)
		// Publishing first (publishqueue.go), then OnStored (what was
		// received is durable), the engine's applies that waited for the
		// commit (gossipstorefirst.go), then the watchers (the views show it
		// now): snapshot upkeep reads the store and is not on the path of
		// a change to its readers.
		n.committedEarly(wt.fresh)
		n.committedFresh(wt.fresh)
		n.publishCommitted(wt.fresh)
		n.kickPublisher()
		n.notifyStored(wt.stored)
		if !early {
			latency.Mark("update.notified")
		}
		n.finishHeld(ctx, wt, l) // catch-up batches the engine was still applying (heldcommit.go)
		n.applyCommitted(ctx, wt)
		n.watchers.notify(wt.touched)
		n.keepSnapshotsOf(ctx, wt.held.notLeft(wt.touched), wt.youngDocs()) // outside the transaction, never failing it
		n.readmitKeys(wt.admitted)
	}
	return publishedEarly(wt.fresh, storeErr(err))
}

// discard forgets the engine's copies of docs and abandons their leases.
// When abandoning fails, the documents stay poisoned (publishearly.go):
// the next edit of each abandons its lease first. The caller holds n.mu.
func (n *Node) discard(ctx context.Context, docs map[string]bool) {
	for doc := range docs {
		if err := n.eng.Drop(ctx, doc); err != nil {
			n.log.Warn("drop document from engine", "err", err)
		}
	}
	err := n.db.Update(ctx, func(tx *store.Tx) error {
		for doc := range docs {
			if err := tx.AbandonLease(doc); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		n.notePoisoned(docs)
		n.log.Warn("abandon actor leases; each document's next edit abandons its lease first", "err", err)
	}
}

// createDoc makes a new document under a fresh actor and stores its first
// change.
func (n *Node) createDoc(ctx context.Context, tx *writeTx, row store.DocRow, c model.Create) error {
	if err := checkOpBudget(tx, row.ID, model.Edit{Create: &c}); err != nil {
		return err
	}
	actor := seal.NewActor(n.id.Public)
	tx.touched[row.ID] = true
	chunks, err := n.eng.Create(ctx, row.ID, c, actor, n.now())
	if err != nil {
		return engineErr(err)
	}
	if err := tx.PutDoc(row); err != nil {
		return err
	}
	if err := tx.LeaseActor(row.ID, actor); err != nil {
		return err
	}
	return localOpBudget(tx, n.storeLocal(tx, row.Space, row.ID, actor, chunks), row.ID, model.Edit{Create: &c})
}

// editDoc applies one typed edit to doc and stores the changes it made.
func (n *Node) editDoc(ctx context.Context, tx *writeTx, space, doc string, e model.Edit) error {
	if err := checkOpBudget(tx, doc, e); err != nil {
		return err
	}
	actor, err := n.startEdit(ctx, tx, doc)
	if err != nil {
		return err
	}
	latency.Mark("edit.started")
	chunks, err := n.engineEdit(ctx, tx, doc, actor, func() ([][]byte, error) {
		return n.eng.Edit(ctx, doc, e, n.now())
	})
	if err != nil {
		return err
	}
	latency.Mark("edit.engine")
	if p := n.publishBeforeStore(tx, space, doc, actor, chunks); p != nil {
		defer p.close()
		return localOpBudget(tx, n.storeLocalPiped(tx, space, doc, actor, chunks, p), doc, e)
	}
	return localOpBudget(tx, n.storeLocal(tx, space, doc, actor, chunks), doc, e)
}

// startEdit readies doc for a local edit in tx: the actor it is made
// under (leased when there is none), and the document's unchecked
// received changes checked first (roundtrip.go).
func (n *Node) startEdit(ctx context.Context, tx *writeTx, doc string) ([]byte, error) {
	if err := n.overOpsErr(doc); err != nil {
		return nil, err
	}
	actor, err := n.lease(ctx, tx, doc)
	if err != nil {
		return nil, err
	}
	latency.Mark("edit.leased")
	tx.touched[doc] = true
	if err := n.checkBeforeEdit(ctx, tx, doc); err != nil {
		return nil, err
	}
	return actor, nil
}

// engineEdit runs edit, an edit of the engine's copy of doc, loading doc
// from the store first when the engine does not hold it.
func (n *Node) engineEdit(ctx context.Context, tx *writeTx, doc string, actor []byte, edit func() ([][]byte, error)) ([][]byte, error) {
	chunks, err := edit()
	if errors.Is(err, engine.ErrNotLoaded) {
		if err = n.loadRepaired(ctx, tx, doc, actor); err == nil {
			chunks, err = edit()
		}
	}
	if err != nil {
		return nil, engineErr(err)
	}
	return chunks, nil
}

// lease returns doc's current actor, leasing a new one when there is none.
func (n *Node) lease(ctx context.Context, tx *writeTx, doc string) ([]byte, error) {
	if _, err := n.abandonPoisoned(tx, doc); err != nil {
		return nil, err
	}
	actor, ok, err := tx.Lease(doc)
	if err != nil || ok {
		return actor, err
	}
	actor = seal.NewActor(n.id.Public)
	if err := n.eng.Drop(ctx, doc); err != nil { // its copy may hold another actor
		return nil, engineErr(err)
	}
	return actor, tx.LeaseActor(doc, actor)
}

// loadDoc hands the engine doc's stored history under actor: its newest
// snapshot and the changes it does not cover when there is one that loads,
// every stored change otherwise.
func (n *Node) loadDoc(ctx context.Context, tx *store.Tx, doc string, actor []byte) error {
	changes, err := tx.Changes(doc)
	if err != nil {
		return err
	}
	if n.loadSnapshot(ctx, tx, doc, changes, actor) {
		return nil
	}
	if _, err = n.eng.Load(ctx, doc, rawChanges(changes), actor); err != nil {
		return engineErr(&loadError{err})
	}
	return nil
}

// storeChange is the store's record of a parsed change.
func storeChange(doc string, c *wire.Change) store.Change {
	return store.Change{Doc: doc, Hash: c.Hash, Actor: c.Actor, Seq: c.Seq, StartOp: c.StartOp,
		MaxOp: c.MaxOp(), Deps: c.Deps, Time: c.Time, Message: c.Message, Raw: c.Raw}
}

// engineErr maps engine errors onto the node's.
func engineErr(err error) error {
	if errors.Is(err, engine.ErrInvalid) || errors.Is(err, engine.ErrBarred) {
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return err
}
