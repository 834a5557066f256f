package node

// A round trip made with received changes covers what the document held
// unchecked. A document small enough is checked as received changes are
// applied to it (applyLazy, decision 0024); when it held changes applied
// unchecked before (a new document stored before its check, decision
// 0049, or a batch a catch-up's feed applied), that check, of the engine's
// copy holding them all, covers them too. They are forgotten, and a new
// document's mark cleared, so that the background pass does not check the
// document again.

// coveredCheck is what a round trip made in a transaction covered: doc's
// changes held unchecked before it.
type coveredCheck struct {
	doc    string
	hashes [][32]byte
}

// checkedNow notes that a round trip of the engine's copy of doc just
// passed with held, the changes doc held unchecked before it, applied. In
// a transaction (tx not nil), a new document's mark is cleared in tx and
// held forgotten once tx commits (committedCovered): a transaction rolled
// back leaves them unchecked. After a commit (tx nil), held is forgotten at
// once; the background pass then clears the mark alone, without a check.
func (n *Node) checkedNow(tx *writeTx, doc string, held [][32]byte) error {
	if len(held) == 0 {
		return nil
	}
	if tx == nil {
		n.deferred.forget(doc, held)
		return nil
	}
	if n.deferred.isFresh(doc) {
		if err := tx.ClearUnchecked(doc); err != nil {
			return err
		}
	}
	tx.covered = append(tx.covered, coveredCheck{doc: doc, hashes: held})
	return nil
}

// committedCovered forgets, after the commit, the unchecked changes the
// transaction's round trips covered, and the fresh mark of a new document
// left with none (its store mark went with the transaction). Called with
// n.mu held.
func (n *Node) committedCovered(wt *writeTx) {
	for _, c := range wt.covered {
		n.deferred.forget(c.doc, c.hashes)
		if n.deferred.peek(c.doc) == 0 {
			n.deferred.unfresh(c.doc)
		}
	}
}

// forget removes hashes from doc's unchecked changes: a check covered
// them. Changes recorded since stay.
func (d *deferredChecks) forget(doc string, hashes [][32]byte) {
	d.mu.Lock()
	defer d.mu.Unlock()
	u := d.docs[doc]
	if u == nil {
		return
	}
	gone := make(map[[32]byte]bool, len(hashes))
	for _, h := range hashes {
		gone[h] = true
	}
	var kept [][32]byte
	for _, h := range u.hashes {
		if !gone[h] {
			kept = append(kept, h)
		}
	}
	if len(kept) == 0 {
		delete(d.docs, doc)
		return
	}
	u.hashes = kept
}
