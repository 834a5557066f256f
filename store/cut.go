package store

import (
	"errors"
	"fmt"
)

// Cut bounds an actor's changes in one document: changes with a seq above
// MaxSeq are refused (a removal, section 8, or an equivocation, section 5).
type Cut struct {
	_      struct{} `cbor:",toarray"`
	Actor  []byte
	MaxSeq uint64
}

// PutCut records that doc accepts actor's changes only up to maxSeq. A cut
// only ever tightens: a higher maxSeq than the one stored is ignored.
// Changes already stored beyond the cut stay stored (the truth is never
// dropped); the caller reloads the document without them.
func (tx *Tx) PutCut(doc string, actor []byte, maxSeq uint64) error {
	if err := tx.writer(); err != nil {
		return err
	}
	if doc == "" || len(actor) == 0 {
		return &RefusedError{Reason: ReasonEmptyIdentity}
	}
	return tx.putCut(tx.index(doc), tx.sealer.Index(actor), actor, maxSeq)
}

// putCut writes a cut unless a tighter one is stored.
func (tx *Tx) putCut(doc, key, actor []byte, maxSeq uint64) error {
	old, ok, err := tx.cutFor(doc, key)
	if err != nil {
		return err
	}
	if ok && old <= maxSeq {
		return nil
	}
	sealed, err := tx.seal("cuts", Cut{Actor: actor, MaxSeq: maxSeq}, doc, key)
	if err != nil {
		return fmt.Errorf("store: seal cut: %w", err)
	}
	_, err = tx.exec(`INSERT INTO cuts (doc, actor, max_seq, blob) VALUES (?, ?, ?, ?)
		ON CONFLICT (doc, actor) DO UPDATE SET max_seq = excluded.max_seq, blob = excluded.blob`,
		doc, key, maxSeq, sealed)
	if err != nil {
		return fmt.Errorf("store: put cut: %w", err)
	}
	tx.cached().cuts[string(doc)+string(key)] = cutEntry{maxSeq, true}
	tx.cuts.some() // before the commit: a rollback leaves it set, which costs a query, nothing more
	return nil
}

// cutFor returns the cut of actor (by index) in doc, read from the sealed
// value, not the plain column.
func (tx *Tx) cutFor(doc, key []byte) (uint64, bool, error) {
	tc := tx.cached()
	if c, ok := tc.cuts[string(tc.key(doc, key))]; ok {
		return c.maxSeq, c.ok, nil
	}
	if none, err := tx.noCuts(); err != nil || none { // no lookup per change when the store holds no cut (decision 0044)
		return 0, false, err
	}
	var sealed []byte
	err := tx.one("SELECT blob FROM cuts WHERE doc = ? AND actor = ?", []any{doc, key}, &sealed)
	if errors.Is(err, ErrNotFound) {
		tx.cached().cuts[string(doc)+string(key)] = cutEntry{}
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	var c Cut
	if err := tx.open("cuts", sealed, &c, doc, key); err != nil {
		return 0, false, err
	}
	tx.cached().cuts[string(doc)+string(key)] = cutEntry{c.MaxSeq, true}
	return c.MaxSeq, true, nil
}

// Cuts returns every cut of doc.
func (tx *Tx) Cuts(doc string) ([]Cut, error) {
	if err := tx.unlocked(); err != nil {
		return nil, err
	}
	d := tx.index(doc)
	var out []Cut
	err := tx.each("SELECT actor, blob FROM cuts WHERE doc = ?", []any{d}, func(scan func(...any) error) error {
		var key, sealed []byte
		if err := scan(&key, &sealed); err != nil {
			return err
		}
		var c Cut
		if err := tx.open("cuts", sealed, &c, d, key); err != nil {
			return err
		}
		out = append(out, c)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: cuts: %w", err)
	}
	return out, nil
}

// AnyCuts reports whether the store holds a cut in any document (known
// without a query once the store has answered it).
func (tx *Tx) AnyCuts() (bool, error) {
	if err := tx.unlocked(); err != nil {
		return false, err
	}
	none, err := tx.noCuts()
	return !none, err
}
