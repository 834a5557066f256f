package store

import (
	"encoding/hex"
	"errors"
	"fmt"
	"sync/atomic"
)

// A cut (removal, DESIGN.md section 8; equivocation, section 5) leaves the
// changes it refuses stored: raw changes are the truth and are never
// dropped. Every read that hands changes out (Changes, VersionVector,
// ChangeCount, HashAt, Snapshot) leaves out the changes of a document's
// live set's complement: the changes of an actor past its cut, and every
// change that has one of those among its ancestors (decision 0018). What
// is left is causally closed and, per actor, a prefix of its seqs, so the
// version vector still describes it exactly and two nodes holding the same
// changes and the same cuts read the same set.

// cutState remembers, for a DB, whether any cut is stored: most stores
// never hold one, and their reads then skip the lookup.
type cutState struct{ v atomic.Int32 } // 0 unknown, 1 none, 2 some

// some records that a cut is (or may be) stored.
func (c *cutState) some() { c.v.Store(2) }

// noCuts reports whether the store is known to hold no cut, finding out
// once.
func (tx *Tx) noCuts() (bool, error) {
	switch tx.cuts.v.Load() {
	case 1:
		return true, nil
	case 2:
		return false, nil
	}
	ok, err := tx.exists("SELECT 1 FROM cuts LIMIT 1")
	if err != nil {
		return false, err
	}
	if ok {
		tx.cuts.some()
	} else {
		tx.cuts.v.CompareAndSwap(0, 1)
	}
	return !ok, nil
}

// excluded returns the hash indexes of doc's stored changes the reads
// leave out, or nil when doc has no cut (one indexed lookup, none when
// the store holds no cut at all: the common case).
func (tx *Tx) excluded(doc []byte) (map[string]bool, error) {
	if none, err := tx.noCuts(); none || err != nil {
		return nil, err
	}
	cuts := map[string]uint64{}
	err := tx.each("SELECT actor, blob FROM cuts WHERE doc = ?", []any{doc}, func(scan func(...any) error) error {
		var key, sealed []byte
		if err := scan(&key, &sealed); err != nil {
			return err
		}
		var c Cut
		if err := tx.open("cuts", sealed, &c, doc, key); err != nil {
			return err
		}
		cuts[string(key)] = c.MaxSeq
		return nil
	})
	if err != nil || len(cuts) == 0 {
		return nil, err
	}
	deps, err := tx.depRows(doc)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	// Insertion order is causal: a change's dependencies are decided
	// before it.
	err = tx.each("SELECT hash, actor, seq FROM changes WHERE doc = ? ORDER BY n", []any{doc},
		func(scan func(...any) error) error {
			var hash, actor []byte
			var seq uint64
			if err := scan(&hash, &actor, &seq); err != nil {
				return err
			}
			if max, ok := cuts[string(actor)]; ok && seq > max {
				out[string(hash)] = true
				return nil
			}
			for _, d := range deps[string(hash)] {
				if out[string(d)] {
					out[string(hash)] = true
					return nil
				}
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// liveVector is VersionVector for a document with cuts: the highest seq
// per actor among the changes not excluded.
func (tx *Tx) liveVector(doc []byte, ex map[string]bool) (map[string]uint64, error) {
	top := map[string]uint64{}
	err := tx.each("SELECT hash, actor, seq FROM changes WHERE doc = ?", []any{doc},
		func(scan func(...any) error) error {
			var hash, actor []byte
			var seq uint64
			if err := scan(&hash, &actor, &seq); err != nil {
				return err
			}
			if !ex[string(hash)] {
				top[string(actor)] = max(top[string(actor)], seq)
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	vv := make(map[string]uint64, len(top))
	err = tx.each("SELECT actor, blob FROM doc_actors WHERE doc = ?", []any{doc}, func(scan func(...any) error) error {
		var key, sealed []byte
		if err := scan(&key, &sealed); err != nil {
			return err
		}
		seq, ok := top[string(key)]
		if !ok {
			return nil
		}
		var actor []byte
		if err := tx.open("doc_actors", sealed, &actor, doc, key); err != nil {
			return err
		}
		vv[hex.EncodeToString(actor)] = seq
		return nil
	})
	return vv, err
}

// HashAt returns the hash of doc's change at (actor, seq), ok false when
// none is stored or the one stored is left out by a cut.
func (tx *Tx) HashAt(doc string, actor []byte, seq uint64) (hash [32]byte, ok bool, err error) {
	if err := tx.unlocked(); err != nil {
		return hash, false, err
	}
	d := tx.index(doc)
	var h, sealed []byte
	err = tx.one("SELECT hash, blob FROM changes WHERE doc = ? AND actor = ? AND seq = ?",
		[]any{d, tx.sealer.Index(actor), seq}, &h, &sealed)
	if errors.Is(err, ErrNotFound) {
		return hash, false, nil
	}
	if err != nil {
		return hash, false, fmt.Errorf("store: hash at: %w", err)
	}
	ex, err := tx.excluded(d)
	if err != nil {
		return hash, false, fmt.Errorf("store: hash at: %w", err)
	}
	if ex[string(h)] {
		return hash, false, nil
	}
	c, err := tx.openChange("changes", d, h, sealed)
	if err != nil {
		return hash, false, err
	}
	return c.Hash, true, nil
}

// ActorChanges returns every stored change of actor in doc with a seq from
// from to to, in seq order, those a cut leaves out included: they are the
// evidence a node shows others of an equivocation.
func (tx *Tx) ActorChanges(doc string, actor []byte, from, to uint64) ([]Change, error) {
	if err := tx.unlocked(); err != nil {
		return nil, err
	}
	d := tx.index(doc)
	var out []Change
	err := tx.each("SELECT hash, blob FROM changes WHERE doc = ? AND actor = ? AND seq BETWEEN ? AND ? ORDER BY seq",
		[]any{d, tx.sealer.Index(actor), from, to}, func(scan func(...any) error) error {
			var h, sealed []byte
			if err := scan(&h, &sealed); err != nil {
				return err
			}
			c, err := tx.openChange("changes", d, h, sealed)
			out = append(out, c)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("store: actor changes: %w", err)
	}
	return out, nil
}

// Excluded returns the hashes of doc's stored changes that the reads leave
// out because of its cuts, in stored order (none for a document without
// cuts).
func (tx *Tx) Excluded(doc string) ([][32]byte, error) {
	if err := tx.unlocked(); err != nil {
		return nil, err
	}
	d := tx.index(doc)
	ex, err := tx.excluded(d)
	if err != nil || len(ex) == 0 {
		return nil, err
	}
	var out [][32]byte
	err = tx.each("SELECT hash, blob FROM changes WHERE doc = ? ORDER BY n", []any{d}, func(scan func(...any) error) error {
		var h, sealed []byte
		if err := scan(&h, &sealed); err != nil || !ex[string(h)] {
			return err
		}
		c, err := tx.openChange("changes", d, h, sealed)
		out = append(out, c.Hash)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: excluded: %w", err)
	}
	return out, nil
}
