package store

import (
	"errors"
	"fmt"
)

// DropChanges removes stored changes of doc, and every stored change that
// descends from one of them, and returns the hashes it removed, given ones
// first. It is for changes the engine found, after they were stored, to
// break the document's saved form (DESIGN.md section 5: such a batch is
// dropped from the document and refused): the caller quarantines them in
// the same transaction, so that they are refused when they come again.
// Hashes not stored are skipped. The manifest is updated with every row
// removed; held changes that depended on them stay held.
func (tx *Tx) DropChanges(doc string, hashes [][32]byte) ([][32]byte, error) {
	if err := tx.writer(); err != nil {
		return nil, err
	}
	d := tx.index(doc)
	queue := make([][]byte, 0, len(hashes))
	for _, h := range hashes {
		queue = append(queue, tx.hashIndex(h))
	}
	children, err := tx.childrenOf(d)
	if err != nil {
		return nil, fmt.Errorf("store: drop change: %w", err)
	}
	seen := map[string]bool{}
	var out [][32]byte
	for len(queue) > 0 {
		h := queue[0]
		queue = queue[1:]
		if seen[string(h)] {
			continue
		}
		seen[string(h)] = true
		c, ok, err := tx.dropOne(d, h)
		if err != nil {
			return out, fmt.Errorf("store: drop change: %w", err)
		}
		if ok {
			out = append(out, c)
			queue = append(queue, children[string(h)]...)
		}
	}
	return out, nil
}

// childrenOf maps each stored change of doc (by hash index) to the stored
// changes that depend on it directly, from one read of the document's
// dependency rows: change_deps has no index by dependency (it would cost
// every stored change a B-tree insert for this rare path).
func (tx *Tx) childrenOf(doc []byte) (map[string][][]byte, error) {
	out := map[string][][]byte{}
	err := tx.each(depRowsOf, []any{doc, doc},
		func(scan func(...any) error) error {
			var h, dep []byte
			err := scan(&h, &dep)
			out[string(dep)] = append(out[string(dep)], h)
			return err
		})
	return out, err
}

// dropOne removes one change row (by hash index) with its dependency rows,
// folds it out of the manifest, and returns its hash.
func (tx *Tx) dropOne(doc, hash []byte) ([32]byte, bool, error) {
	var actor, sealed []byte
	var seq, startOp, maxOp, reachable uint64
	var prevDep bool
	err := tx.one(`SELECT actor, seq, start_op, max_op, max_op_reachable, prev_dep, blob FROM changes WHERE doc = ? AND hash = ?`,
		[]any{doc, hash}, &actor, &seq, &startOp, &maxOp, &reachable, &prevDep, &sealed)
	if errors.Is(err, ErrNotFound) {
		return [32]byte{}, false, nil
	}
	if err != nil {
		return [32]byte{}, false, err
	}
	c, err := tx.openChange("changes", doc, hash, sealed)
	if err != nil {
		return [32]byte{}, false, err
	}
	var deps [][]byte
	err = tx.each("SELECT dep FROM change_deps WHERE doc = ? AND hash = ?", []any{doc, hash}, func(scan func(...any) error) error {
		var dep []byte
		err := scan(&dep)
		deps = append(deps, dep)
		return err
	})
	if err != nil {
		return [32]byte{}, false, err
	}
	if prevDep { // its one dependency, implicit (migration 0005): read from the change itself, the row before may be gone
		if len(c.Deps) != 1 || len(deps) != 0 {
			return [32]byte{}, false, corrupt("changes", hash, errors.New("an implicit dependency that is not the change's one dependency"))
		}
		deps = [][]byte{tx.hashIndex(c.Deps[0])}
	}
	if _, err := tx.exec("DELETE FROM change_deps WHERE doc = ? AND hash = ?", doc, hash); err != nil {
		return [32]byte{}, false, err
	}
	// Its outbox row goes with it: the row is keyed by the change's n,
	// which SQLite may give the next change stored (migration 0006).
	if _, err := tx.exec(deleteOutboxRow, doc, hash); err != nil {
		return [32]byte{}, false, err
	}
	if _, err := tx.exec("DELETE FROM changes WHERE doc = ? AND hash = ?", doc, hash); err != nil {
		return [32]byte{}, false, err
	}
	tx.forgetInserted() // AddChange's record of this transaction's changes no longer holds
	m, _, err := tx.loadManifest(doc)
	if err != nil {
		return [32]byte{}, false, err
	}
	row := rowDigest(hash, actor, seq, startOp, maxOp, reachable, deps)
	m.Count--
	m.Ops -= min(m.Ops, changeOps(startOp, maxOp))
	for i := range m.Digest {
		m.Digest[i] ^= row[i]
	}
	tx.cached().manifests[string(doc)] = m
	return c.Hash, true, nil
}
