package store

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
)

// keepSnapshots is how many snapshots are kept per document, newest first.
const keepSnapshots = 2

// sealedSnapshot is a snapshot and the change set it covers.
type sealedSnapshot struct {
	_      struct{} `cbor:",toarray"`
	Covers [][32]byte
	Data   []byte
}

// coversIndex is the Index of the sorted set of change hashes, which keys a
// snapshot.
func (tx *Tx) coversIndex(covers [][32]byte) ([]byte, [][32]byte) {
	sorted := append([][32]byte(nil), covers...)
	sort.Slice(sorted, func(i, j int) bool { return bytes.Compare(sorted[i][:], sorted[j][:]) < 0 })
	var b []byte
	for _, h := range sorted {
		b = append(b, h[:]...)
	}
	return tx.sealer.Index(b), sorted
}

// PutSnapshot stores a load cache of doc: data, a saved document made of
// exactly the changes in covers. Write one only after it loaded back in the
// engine. Older snapshots beyond the newest few are deleted.
func (tx *Tx) PutSnapshot(doc string, covers [][32]byte, data []byte) error {
	if err := tx.writer(); err != nil {
		return err
	}
	d := tx.index(doc)
	key, sorted := tx.coversIndex(covers)
	sealed, err := tx.seal("snapshots", sealedSnapshot{Covers: sorted, Data: data}, d, key)
	if err != nil {
		return fmt.Errorf("store: seal snapshot: %w", err)
	}
	if _, err := tx.exec("INSERT OR REPLACE INTO snapshots (doc, covers, blob) VALUES (?, ?, ?)", d, key, sealed); err != nil {
		return fmt.Errorf("store: put snapshot: %w", err)
	}
	_, err = tx.exec(`DELETE FROM snapshots WHERE doc = ? AND n NOT IN (
		SELECT n FROM snapshots WHERE doc = ? ORDER BY n DESC LIMIT ?)`, d, d, keepSnapshots)
	if err != nil {
		return fmt.Errorf("store: put snapshot: %w", err)
	}
	return nil
}

// Snapshot returns doc's newest snapshot and the change hashes it covers
// (sorted), or ok false when there is none or it covers a change that a
// cut leaves out (live.go): a load must not bring that change back.
func (tx *Tx) Snapshot(doc string) (covers [][32]byte, data []byte, ok bool, err error) {
	if err := tx.unlocked(); err != nil {
		return nil, nil, false, err
	}
	d := tx.index(doc)
	var key, sealed []byte
	err = tx.one("SELECT covers, blob FROM snapshots WHERE doc = ? ORDER BY n DESC LIMIT 1", []any{d}, &key, &sealed)
	if errors.Is(err, ErrNotFound) {
		return nil, nil, false, nil
	}
	if err != nil {
		return nil, nil, false, fmt.Errorf("store: snapshot: %w", err)
	}
	var s sealedSnapshot
	if err := tx.open("snapshots", sealed, &s, d, key); err != nil {
		return nil, nil, false, err
	}
	ex, err := tx.excluded(d)
	if err != nil {
		return nil, nil, false, fmt.Errorf("store: snapshot: %w", err)
	}
	for _, h := range s.Covers {
		if ex[string(tx.hashIndex(h))] {
			return nil, nil, false, nil
		}
	}
	return s.Covers, s.Data, true, nil
}

// DropSnapshots deletes every snapshot of doc (after a cut made some of the
// changes they cover refused).
func (tx *Tx) DropSnapshots(doc string) error {
	if err := tx.writer(); err != nil {
		return err
	}
	if _, err := tx.exec("DELETE FROM snapshots WHERE doc = ?", tx.index(doc)); err != nil {
		return fmt.Errorf("store: drop snapshots: %w", err)
	}
	return nil
}
