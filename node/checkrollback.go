package node

import (
	"sync/atomic"
	"time"
)

// A check made in a transaction that then rolls back. checkDoc clears, in
// memory, the unchecked changes it found sound (and a new document's fresh
// mark) as it passes, while the store's side (the mark, what a blame
// dropped and quarantined) goes with the transaction. When the transaction
// does not commit, the store keeps the mark and the dropped changes, so
// the memory must too: the transaction remembers each document's unchecked
// state before its first check (keepUnchecked), and a rollback puts it back
// (rollbackUnchecked). The changes the transaction itself applied
// unchecked (addUnchecked) are forgotten too: the store never held them.

// uncheckedBefore is a document's unchecked state before a transaction's
// first check of it.
type uncheckedBefore struct {
	hashes  [][32]byte
	fresh   bool
	freshAt time.Time
}

// keepUnchecked remembers doc's unchecked state before tx checks it, once
// per transaction.
func (tx *writeTx) keepUnchecked(d *deferredChecks, doc string) {
	if _, ok := tx.checkedBefore[doc]; ok {
		return
	}
	if tx.checkedBefore == nil {
		tx.checkedBefore = map[string]uncheckedBefore{}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	b := uncheckedBefore{}
	if u := d.docs[doc]; u != nil {
		b.hashes = append([][32]byte(nil), u.hashes...)
	}
	b.freshAt, b.fresh = d.fresh[doc]
	tx.checkedBefore[doc] = b
}

// addUnchecked records changes applied to doc without their round trip:
// in tx, which forgets them should it roll back, or, with tx nil, after a
// commit.
func (n *Node) addUnchecked(tx *writeTx, doc string, hashes [][32]byte) {
	n.deferred.add(doc, hashes, time.Now())
	if tx == nil {
		return
	}
	if tx.appliedUnchecked == nil {
		tx.appliedUnchecked = map[string][][32]byte{}
	}
	tx.appliedUnchecked[doc] = append(tx.appliedUnchecked[doc], hashes...)
}

// rollbackUnchecked puts back, after tx rolled back, the unchecked state
// of the documents it checked: their changes unchecked again (before any
// recorded since) and a new document's fresh mark. The changes tx applied
// unchecked are forgotten: they were never stored.
func (n *Node) rollbackUnchecked(tx *writeTx) {
	for doc, b := range tx.checkedBefore {
		n.deferred.restore(doc, b.hashes)
		if b.fresh {
			n.deferred.refresh(doc, b.freshAt)
		}
	}
	for doc, hashes := range tx.appliedUnchecked {
		n.deferred.forget(doc, hashes)
	}
	tx.checkedBefore, tx.appliedUnchecked = nil, nil
}

// refresh marks doc fresh again, as stored at.
func (d *deferredChecks) refresh(doc string, at time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.fresh == nil {
		d.fresh = map[string]time.Time{}
	}
	if _, ok := d.fresh[doc]; !ok {
		d.fresh[doc] = at
	}
}

// commitFault, when set (tests alone), is asked before each transaction of
// update, and the background check's transaction of new documents
// (checkFreshGroup), commits; an error fails the commit, as a store's
// would.
var commitFault atomic.Pointer[func(*Node) error]

// faultCommit returns commitFault's answer for n (nil when unset).
func (n *Node) faultCommit() error {
	if f := commitFault.Load(); f != nil {
		return (*f)(n)
	}
	return nil
}
