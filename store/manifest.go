package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
)

// manifest is a document's sealed summary of its change rows: how many, and
// the XOR of each row's digest (order-independent, so inserting a change
// needs only the old manifest). Ops, the document's total of stored ops
// (migration 0008, decision 0070), is kept beside it in column ops, not
// sealed: Verify recomputes it with the rest.
type manifest struct {
	_      struct{} `cbor:",toarray"`
	Count  uint64
	Digest [32]byte
	Ops    uint64 `cbor:"-"`
}

// rowDigest hashes every column of a change row but the sealed blob (which
// authenticates itself), with its dependency rows: a row or a dependency
// deleted, added or altered changes the manifest.
func rowDigest(hash, actor []byte, seq, startOp, maxOp, reachable uint64, deps [][]byte) [32]byte {
	sorted := deps
	if len(deps) > 1 {
		sorted = slices.Clone(deps)
		slices.SortFunc(sorted, bytes.Compare)
	}
	var buf [256]byte // one allocation fewer for most rows; longer ones grow
	b := binary.AppendUvarint(buf[:0], uint64(len(hash)))
	b = append(b, hash...)
	b = binary.AppendUvarint(b, uint64(len(actor)))
	b = append(b, actor...)
	for _, f := range sorted {
		b = binary.AppendUvarint(b, uint64(len(f)))
		b = append(b, f...)
	}
	for _, n := range [...]uint64{seq, startOp, maxOp, reachable, uint64(len(deps))} {
		b = binary.AppendUvarint(b, n)
	}
	return sha256.Sum256(b)
}

// loadManifest reads doc's manifest, as this transaction left it; a
// document with none has the zero one.
func (tx *Tx) loadManifest(doc []byte) (manifest, bool, error) {
	c := tx.cached()
	if m, ok := c.manifests[string(doc)]; ok {
		return m, true, nil
	}
	if l, ok := c.loaded[string(doc)]; ok {
		return l.m, l.found, nil
	}
	var sealed []byte
	var ops uint64
	err := tx.one("SELECT blob, ops FROM manifests WHERE doc = ?", []any{doc}, &sealed, &ops)
	if errors.Is(err, ErrNotFound) {
		c.loaded[string(doc)] = loaded{}
		return manifest{}, false, nil
	}
	if err != nil {
		return manifest{}, false, err
	}
	var m manifest
	if err := tx.open("manifests", sealed, &m, doc); err != nil {
		return manifest{}, false, err
	}
	m.Ops = ops
	c.loaded[string(doc)] = loaded{m: m, found: true}
	return m, true, nil
}

// docFresh reports whether doc has never had a change stored: it has no
// manifest, neither in the store nor in this transaction (the manifest is
// written in the transaction that stores a document's first change, and
// VerifyAll finds change rows without one). AddChange then skips the
// lookups that could only find nothing: the actor's highest seq and
// whether the actor is recorded.
func (tx *Tx) docFresh(doc []byte) (bool, error) {
	_, found, err := tx.loadManifest(doc)
	return !found, err
}

// bumpManifest folds one new change row, of ops ops, into doc's manifest,
// written when the transaction commits.
func (tx *Tx) bumpManifest(doc []byte, row [32]byte, ops uint64) error {
	m, _, err := tx.loadManifest(doc)
	if err != nil {
		return err
	}
	m.Count++
	m.Ops += ops
	for i := range m.Digest {
		m.Digest[i] ^= row[i]
	}
	tx.cached().manifests[string(doc)] = m
	return nil
}

// writeManifest seals and writes doc's manifest.
func (tx *Tx) writeManifest(doc []byte, m manifest) error {
	sealed, err := tx.seal("manifests", m, doc)
	if err != nil {
		return fmt.Errorf("store: seal manifest: %w", err)
	}
	_, err = tx.exec(`INSERT INTO manifests (doc, blob, ops) VALUES (?, ?, ?)
		ON CONFLICT (doc) DO UPDATE SET blob = excluded.blob, ops = excluded.ops`, doc, sealed, m.Ops)
	return err
}

// VerifyManifest recomputes doc's manifest from its change rows and returns
// ErrCorrupt when they differ: a change row or dependency row was deleted,
// added or altered behind the store's back.
func (tx *Tx) VerifyManifest(doc string) error {
	if err := tx.unlocked(); err != nil {
		return err
	}
	return tx.verifyManifest(tx.index(doc))
}

// verifyManifest checks the manifest of one document index.
func (tx *Tx) verifyManifest(doc []byte) error {
	want, _, err := tx.loadManifest(doc)
	if err != nil {
		return err
	}
	got, err := tx.computeManifest(doc)
	if err != nil {
		return err
	}
	if got != want {
		return fmt.Errorf("store: manifest of doc %x: %d rows of %d ops, manifest says %d of %d: %w",
			doc[:4], got.Count, got.Ops, want.Count, want.Ops, ErrCorrupt)
	}
	return nil
}

// computeManifest builds the manifest of doc's rows as they are.
func (tx *Tx) computeManifest(doc []byte) (manifest, error) {
	deps, err := tx.depRows(doc)
	if err != nil {
		return manifest{}, err
	}
	var m manifest
	err = tx.each(`SELECT hash, actor, seq, start_op, max_op, max_op_reachable FROM changes WHERE doc = ?`,
		[]any{doc}, func(scan func(...any) error) error {
			var hash, actor []byte
			var seq, start, maxOp, reach uint64
			if err := scan(&hash, &actor, &seq, &start, &maxOp, &reach); err != nil {
				return err
			}
			row := rowDigest(hash, actor, seq, start, maxOp, reach, deps[string(hash)])
			delete(deps, string(hash))
			m.Count++
			m.Ops += changeOps(start, maxOp)
			for i := range m.Digest {
				m.Digest[i] ^= row[i]
			}
			return nil
		})
	if err == nil && len(deps) > 0 {
		return manifest{}, corrupt("change_deps", doc, errors.New("dependency rows of no stored change"))
	}
	return m, err
}

// depRowsOf selects (hash, dep) of every dependency of a document's
// changes (the document's index twice): its change_deps rows, and the
// implicit dependency of each change with prev_dep set (migration 0005),
// its actor's change at seq - 1, when that is stored.
const depRowsOf = `SELECT hash, dep FROM change_deps WHERE doc = ?
	UNION ALL SELECT s.hash, p.hash FROM changes s CROSS JOIN changes p
	ON p.doc = s.doc AND p.actor = s.actor AND p.seq = s.seq - 1 WHERE s.doc = ? AND s.prev_dep = 1`

// depRows maps each change of doc to its dependency indexes.
func (tx *Tx) depRows(doc []byte) (map[string][][]byte, error) {
	out := map[string][][]byte{}
	err := tx.each(depRowsOf, []any{doc, doc},
		func(scan func(...any) error) error {
			var h, d []byte
			err := scan(&h, &d)
			out[string(h)] = append(out[string(h)], d)
			return err
		})
	return out, err
}

// CountedChanges is how many changes doc's manifest counts: the number of
// its stored changes, read from one row rather than counted (Verify checks
// the manifest against the rows).
func (tx *Tx) CountedChanges(doc string) (int, error) {
	if err := tx.unlocked(); err != nil {
		return 0, err
	}
	m, _, err := tx.loadManifest(tx.index(doc))
	if err != nil {
		return 0, fmt.Errorf("store: counted changes: %w", err)
	}
	return int(m.Count), nil
}
