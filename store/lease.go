package store

import (
	"errors"
	"fmt"
)

// lease is an actor leased to this node for one document.
type lease struct {
	_         struct{} `cbor:",toarray"`
	Actor     []byte
	Abandoned bool
}

// LeaseActor leases actor for this node's changes to doc (DESIGN.md section
// 3), abandoning the current lease. An actor leased before, for any
// document, is refused (ReasonLeaseReused): leases are never reused.
func (tx *Tx) LeaseActor(doc string, actor []byte) error {
	if err := tx.writer(); err != nil {
		return err
	}
	if doc == "" || len(actor) == 0 {
		return &RefusedError{Reason: ReasonEmptyIdentity}
	}
	key := tx.sealer.Index(actor)
	used, err := tx.exists("SELECT 1 FROM leases WHERE actor = ?", key)
	if err != nil {
		return fmt.Errorf("store: lease: %w", err)
	}
	if used {
		return &RefusedError{Reason: ReasonLeaseReused}
	}
	d := tx.index(doc)
	if _, err := tx.abandon(d); err != nil {
		return err
	}
	sealed, err := tx.seal("leases", lease{Actor: actor}, d, key)
	if err != nil {
		return fmt.Errorf("store: seal lease: %w", err)
	}
	if _, err := tx.exec("INSERT INTO leases (doc, actor, blob) VALUES (?, ?, ?)", d, key, sealed); err != nil {
		return fmt.Errorf("store: lease: %w", err)
	}
	return nil
}

// Lease returns the actor currently leased for doc, if any. Only the newest
// lease of a document can be current, and its sealed value says whether it
// was abandoned, so deleting rows never revives an older actor.
func (tx *Tx) Lease(doc string) ([]byte, bool, error) {
	if err := tx.unlocked(); err != nil {
		return nil, false, err
	}
	l, _, err := tx.newestLease(tx.index(doc))
	if errors.Is(err, ErrNotFound) || (err == nil && l.Abandoned) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return l.Actor, true, nil
}

// AbandonLease abandons doc's current lease, if any (after a crash, a
// failed commit, or restoring an older state). Its actor is never leased
// again.
func (tx *Tx) AbandonLease(doc string) error {
	if err := tx.writer(); err != nil {
		return err
	}
	_, err := tx.abandon(tx.index(doc))
	return err
}

// abandon marks the newest lease of doc abandoned and reports whether it
// did (false: doc had no lease, or its newest was abandoned already).
func (tx *Tx) abandon(doc []byte) (bool, error) {
	l, key, err := tx.newestLease(doc)
	if errors.Is(err, ErrNotFound) || (err == nil && l.Abandoned) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	l.Abandoned = true
	sealed, err := tx.seal("leases", l, doc, key)
	if err != nil {
		return false, fmt.Errorf("store: seal lease: %w", err)
	}
	if _, err := tx.exec("UPDATE leases SET abandoned = 1, blob = ? WHERE actor = ?", sealed, key); err != nil {
		return false, fmt.Errorf("store: abandon lease: %w", err)
	}
	return true, nil
}

// newestLease reads doc's newest lease row.
func (tx *Tx) newestLease(doc []byte) (lease, []byte, error) {
	var key, sealed []byte
	err := tx.one("SELECT actor, blob FROM leases WHERE doc = ? ORDER BY n DESC LIMIT 1", []any{doc}, &key, &sealed)
	if err != nil {
		return lease{}, nil, err
	}
	var l lease
	return l, key, tx.open("leases", sealed, &l, doc, key)
}

// AbandonAllLeases abandons every document's current lease and reports
// how many it abandoned. After an unclean shutdown a node may have
// published changes under a lease that its store never committed
// (decision 0045): abandoning every lease before any edit means none of
// their seqs is used again. It reads every document's newest lease (the
// sealed value decides, not the abandoned column).
func (tx *Tx) AbandonAllLeases() (int, error) {
	if err := tx.writer(); err != nil {
		return 0, err
	}
	var docs [][]byte
	err := tx.each("SELECT DISTINCT doc FROM leases", nil, func(scan func(...any) error) error {
		var d []byte
		if err := scan(&d); err != nil {
			return err
		}
		docs = append(docs, d)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: list leases: %w", err)
	}
	n := 0
	for _, d := range docs {
		done, err := tx.abandon(d) // reads the newest lease once
		if err != nil {
			return n, err
		}
		if done {
			n++
		}
	}
	return n, nil
}
