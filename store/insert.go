package store

import "fmt"

// insert queues a checked change's row and dependency rows (written a
// group at a time, storerows.go), records its actor, and folds it into
// the document's new manifest.
func (tx *Tx) insert(e *entry, reachable uint64) error {
	sealed := e.sealed
	if sealed == nil {
		var err error
		if sealed, err = tx.seal("changes", e.Change, e.doc, e.hash); err != nil {
			return fmt.Errorf("store: seal change: %w", err)
		}
	}
	if err := tx.queueRow(e, reachable, sealed); err != nil {
		return err
	}
	tx.inserted(e, reachable)
	if err := tx.addActor(e.doc, e.actor, e.Actor); err != nil {
		return err
	}
	return tx.bumpManifest(e.doc, e.rowDigest(reachable), changeOps(e.StartOp, e.MaxOp))
}

// changeOps is how many ops a change of op counters startOp to maxOp
// holds: what it adds to its document's total (migration 0008).
func changeOps(startOp, maxOp uint64) uint64 {
	if maxOp < startOp {
		return 0
	}
	return maxOp - startOp + 1
}

// rowDigest is e's row digest (manifest.go) once stored with reachable:
// made ahead when e was prepared (reachable is always MaxOp for a change
// that passed checkContext: see Prepare), else made here.
func (e *entry) rowDigest(reachable uint64) [32]byte {
	if e.digest != nil && reachable == e.MaxOp {
		return *e.digest
	}
	return rowDigest(e.hash, e.actor, e.Seq, e.StartOp, e.MaxOp, reachable, e.deps)
}

// addActor records that actor wrote in doc, sealed, once.
func (tx *Tx) addActor(doc, key, actor []byte) error {
	c := tx.cached()
	known := c.actors
	if known[string(c.key(doc, key))] {
		return nil
	}
	fresh, err := tx.docFresh(doc) // its first change is being stored: no actor recorded yet
	if err != nil {
		return err
	}
	ok := false
	if !fresh {
		if ok, err = tx.exists("SELECT 1 FROM doc_actors WHERE doc = ? AND actor = ?", doc, key); err != nil {
			return err
		}
	}
	known[string(doc)+string(key)] = true
	if ok {
		return nil
	}
	sealed, err := tx.seal("doc_actors", actor, doc, key)
	if err != nil {
		return fmt.Errorf("store: seal actor: %w", err)
	}
	_, err = tx.exec("INSERT INTO doc_actors (doc, actor, blob) VALUES (?, ?, ?)", doc, key, sealed)
	return err
}
