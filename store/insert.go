package store

import "fmt"

// insert writes a checked change, its dependency rows, its actor and the
// document's new manifest.
func (tx *Tx) insert(e *entry, reachable uint64) error {
	sealed := e.sealed
	if sealed == nil {
		var err error
		if sealed, err = tx.seal("changes", e.Change, e.doc, e.hash); err != nil {
			return fmt.Errorf("store: seal change: %w", err)
		}
	}
	_, err := tx.exec(`INSERT INTO changes (doc, hash, actor, seq, start_op, max_op, max_op_reachable, blob)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.doc, e.hash, e.actor, e.Seq, e.StartOp, e.MaxOp, reachable, sealed)
	if err != nil {
		return err
	}
	tx.inserted(e, reachable)
	for _, d := range e.deps {
		if _, err := tx.exec("INSERT INTO change_deps (doc, hash, dep) VALUES (?, ?, ?)", e.doc, e.hash, d); err != nil {
			return err
		}
	}
	if err := tx.addActor(e.doc, e.actor, e.Actor); err != nil {
		return err
	}
	row := rowDigest(e.hash, e.actor, e.Seq, e.StartOp, e.MaxOp, reachable, e.deps)
	return tx.bumpManifest(e.doc, row)
}

// addActor records that actor wrote in doc, sealed, once.
func (tx *Tx) addActor(doc, key, actor []byte) error {
	known := tx.cached().actors
	if known[string(doc)+string(key)] {
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
