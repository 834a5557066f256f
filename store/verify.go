package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// VerifyAll checks the store's change log as a whole, to run once after
// Unlock: every document's manifest matches its change rows (so no change
// row was deleted, added or altered, and no document lost its manifest),
// and every stored change's dependencies are stored. It returns ErrCorrupt
// naming the first failure. Sealed values are not opened here: each is
// authenticated when it is read. It reads every change row once, in one
// pass.
func (db *DB) VerifyAll(ctx context.Context) error {
	return db.View(ctx, func(tx *Tx) error {
		if err := tx.unlocked(); err != nil {
			return err
		}
		want, err := tx.allManifests()
		if err != nil {
			return err
		}
		if err := tx.scanManifests(want); err != nil {
			return err
		}
		return tx.none("change_deps", `SELECT dep FROM change_deps d WHERE NOT EXISTS (
			SELECT 1 FROM changes c WHERE c.doc = d.doc AND c.hash = d.dep) LIMIT 1`)
	})
}

// allManifests opens every manifest, by document index.
func (tx *Tx) allManifests() (map[string]manifest, error) {
	out := map[string]manifest{}
	err := tx.each("SELECT doc, blob, ops FROM manifests", nil, func(scan func(...any) error) error {
		var doc, sealed []byte
		var ops uint64
		if err := scan(&doc, &sealed, &ops); err != nil {
			return err
		}
		var m manifest
		err := tx.open("manifests", sealed, &m, doc)
		m.Ops = ops
		out[string(doc)] = m
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: verify: %w", err)
	}
	return out, nil
}

// scanManifests recomputes every document's manifest from its change and
// dependency rows and compares it with want, which it empties.
func (tx *Tx) scanManifests(want map[string]manifest) error {
	var cur docScan
	// A change's dependencies are its change_deps rows and, with prev_dep
	// set (migration 0005), its actor's change at seq - 1, which must be
	// stored.
	err := tx.each(`SELECT c.doc, c.hash, c.actor, c.seq, c.start_op, c.max_op, c.max_op_reachable, d.dep, c.prev_dep, p.hash
		FROM changes c LEFT JOIN change_deps d ON d.doc = c.doc AND d.hash = c.hash
		LEFT JOIN changes p ON c.prev_dep = 1 AND p.doc = c.doc AND p.actor = c.actor AND p.seq = c.seq - 1
		ORDER BY c.doc, c.hash, d.dep`, nil, func(scan func(...any) error) error {
		var r changeRow
		var dep, prev []byte
		var prevDep bool
		if err := scan(&r.doc, &r.hash, &r.actor, &r.seq, &r.start, &r.maxOp, &r.reach, &dep, &prevDep, &prev); err != nil {
			return err
		}
		if string(r.doc) == string(cur.doc) && string(r.hash) == string(cur.hash) {
			cur.deps = append(cur.deps, dep)
			return nil
		}
		if err := cur.flush(want); err != nil {
			return err
		}
		if prevDep && prev == nil {
			return corrupt("changes", r.hash, errors.New("the implicit dependency of a change is not stored"))
		}
		cur.changeRow = r
		if dep != nil {
			cur.deps = [][]byte{dep}
		}
		if prev != nil {
			cur.deps = append(cur.deps, prev)
		}
		return nil
	})
	if err == nil {
		err = cur.flush(want)
	}
	if err == nil {
		err = cur.finish(want)
	}
	for doc := range want {
		return corrupt("manifests", []byte(doc), errors.New("manifest of a document with no changes"))
	}
	return err
}

// changeRow is the plain columns of one change row and its dependencies.
type changeRow struct {
	doc, hash, actor         []byte
	seq, start, maxOp, reach uint64
	deps                     [][]byte
}

// docScan is the verify scan's current change row and the running manifest
// of the document it is in.
type docScan struct {
	changeRow
	docDone []byte
	sum     manifest
}

// flush folds the current row into its document's manifest, checking the
// previous document's when the document changes.
func (r *docScan) flush(want map[string]manifest) error {
	if r.hash == nil {
		return nil
	}
	if string(r.doc) != string(r.docDone) {
		if err := r.finish(want); err != nil {
			return err
		}
		r.docDone, r.sum = r.doc, manifest{}
	}
	row := rowDigest(r.hash, r.actor, r.seq, r.start, r.maxOp, r.reach, r.deps)
	r.sum.Count++
	r.sum.Ops += changeOps(r.start, r.maxOp)
	for i := range r.sum.Digest {
		r.sum.Digest[i] ^= row[i]
	}
	return nil
}

// finish compares the finished document's manifest, if any.
func (r *docScan) finish(want map[string]manifest) error {
	if r.docDone == nil {
		return nil
	}
	m, ok := want[string(r.docDone)]
	if !ok || m != r.sum {
		return fmt.Errorf("store: manifest of doc %x: %d rows of %d ops, manifest says %d of %d: %w",
			r.docDone[:4], r.sum.Count, r.sum.Ops, m.Count, m.Ops, ErrCorrupt)
	}
	delete(want, string(r.docDone))
	r.docDone = nil
	return nil
}

// none fails with ErrCorrupt when query returns a row.
func (tx *Tx) none(table, query string) error {
	var key []byte
	err := tx.one(query, nil, &key)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: verify: %w", err)
	}
	return corrupt(table, key, errors.New("dependency of no stored change"))
}

// IntegrityCheck runs SQLite's PRAGMA integrity_check and returns
// ErrCorrupt with its findings when the file is damaged.
func (db *DB) IntegrityCheck(ctx context.Context) error {
	rows, err := db.rsql.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return fmt.Errorf("store: integrity check: %w", busy(err))
	}
	defer rows.Close()
	var found []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return fmt.Errorf("store: integrity check: %w", err)
		}
		found = append(found, s)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: integrity check: %w", busy(err))
	}
	if len(found) != 1 || found[0] != "ok" {
		return fmt.Errorf("store: integrity check: %s: %w", strings.Join(found, "; "), ErrCorrupt)
	}
	return nil
}
