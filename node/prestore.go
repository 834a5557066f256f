package node

import (
	"sync/atomic"

	"github.com/weftsync/weft/node/latency"
	"github.com/weftsync/weft/store"
)

// Publishing a typed edit's change before its store insert (decision
// 0053). Decision 0045 published a local edit's changes once every write
// of its transaction had been accepted, just before the commit. What the
// publish needs is the change's bytes and its attestation; the store's
// insert of the change (its checks: seq, dependencies, context; the
// change and manifest rows), of its attestation and of its outbox row
// took about 0.35 ms more on the path. An edit that made one change now
// publishes it once it is attested, after one check the store makes first
// anyway, that no stored change holds its actor and seq (the guard against
// an equivocation of our own), and inserts it after. Should an insert or
// the commit then fail, the transaction fails as one failing after the
// publish always could (decision 0045): the documents are dropped from the
// engine, their leases abandoned, and the error says the change went out.

// prestoreOff, set by tests only (export_publishfallback_test.go), turns publishing
// before the insert off: the change is published after the function, as
// decision 0045 does.
var prestoreOff atomic.Bool

// publishBeforeStore, for an edit that made exactly one change, starts the
// change's attestation and, once it is attested and no stored change holds
// its actor and seq, notes it for the publisher and publishes it (with
// anything the transaction noted before it) under publishEarly's
// conditions. It returns the attestation pipe for storeLocalPiped, which
// stores the change as before, or nil to leave the edit to storeLocal.
func (n *Node) publishBeforeStore(tx *writeTx, space, doc string, actor []byte, chunks [][]byte) *attestPipe {
	if len(chunks) != 1 || n.failAfterEngine != nil || prestoreOff.Load() || earlyOff.Load() || pacedOff.Load() {
		return nil
	}
	if s, err := n.running(); err != nil || s.fresh == nil {
		return nil
	}
	pr := n.localPreparer(tx)
	if pr == nil {
		return nil
	}
	p := n.startAttest(pr, space, doc, actor, chunks)
	// While a worker parses and signs: what noteFresh reads (the
	// document's record, the roster's version), so that it reads nothing.
	if err := n.freshContext(tx, space, doc); err != nil {
		return p
	}
	lc := p.next(0)
	if lc.err != nil || lc.pc == nil || lc.c.MaxOp() > tx.localLimit() {
		// storeLocalPiped meets the error (or refuses a change reaching
		// into the op reserve, which peers would take: decision 0071), or
		// stores it without publishing first.
		return p
	}
	if taken, err := tx.SeqTaken(lc.pc); err != nil || taken {
		return p // the insert refuses it, as it always did: nothing is published
	}
	if err := n.noteFresh(tx, space, doc, lc); err != nil {
		return p
	}
	latency.Mark("pub.prestore")
	n.publishEarly(tx)
	return p
}

// freshContext reads, in tx, what noteFresh needs besides the change: the
// document's record (kept by the publisher) and the version of the
// space's roster (kept for the transaction).
func (n *Node) freshContext(tx *writeTx, space, doc string) error {
	s, err := n.running()
	if err != nil || s.fresh == nil {
		return err
	}
	if tx.fresh == nil {
		tx.fresh = &freshNotes{rosters: map[string][32]byte{}, noted: map[store.OutboxRow]bool{}}
	}
	if _, ok := s.fresh.doc(doc); !ok {
		row, err := tx.Doc(doc)
		if err != nil {
			return err
		}
		s.fresh.keepDoc(row)
	}
	if _, ok := tx.fresh.rosters[space]; !ok {
		e, err := n.rosters.get(tx.Tx, space)
		if err != nil {
			return err
		}
		tx.fresh.rosters[space] = rosterVersion(e.v)
	}
	return nil
}
