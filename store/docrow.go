package store

import (
	"errors"
	"fmt"

	"github.com/weftsync/weft/crdt/model"
)

// DocRow is one document's record: its space, type (from the creating
// change), creation time (Unix seconds) and the caller's metadata.
type DocRow struct {
	_       struct{} `cbor:",toarray"`
	ID      string
	Space   string
	Type    model.DocType
	Created int64
	Meta    []byte
}

// PutDoc stores a document's record, sealed. Storing it again replaces
// Created and Meta; a different Space or Type is refused
// (ReasonDocConflict): both are written once, at creation.
func (tx *Tx) PutDoc(d DocRow) error {
	if err := tx.writer(); err != nil {
		return err
	}
	if d.ID == "" || d.Space == "" {
		return &RefusedError{Reason: ReasonEmptyIdentity}
	}
	key := tx.index(d.ID)
	if c := tx.cached(); !c.noDoc[string(key)] { // none when DocsAmong found none (decision 0044)
		old, err := tx.Doc(d.ID)
		switch {
		case err == nil && (old.Space != d.Space || old.Type != d.Type):
			return &RefusedError{Reason: ReasonDocConflict}
		case err != nil && !errors.Is(err, ErrNotFound):
			return err
		}
	}
	delete(tx.cached().noDoc, string(key))
	sealed, err := tx.seal("docs", d, key)
	if err != nil {
		return fmt.Errorf("store: put doc: %w", err)
	}
	_, err = tx.exec(`INSERT INTO docs (doc, space, blob) VALUES (?, ?, ?)
		ON CONFLICT (doc) DO UPDATE SET blob = excluded.blob`, key, tx.index(d.Space), sealed)
	if err != nil {
		return fmt.Errorf("store: put doc: %w", err)
	}
	return nil
}

// Doc returns a document's record, or ErrNotFound.
func (tx *Tx) Doc(id string) (DocRow, error) {
	if err := tx.unlocked(); err != nil {
		return DocRow{}, err
	}
	key := tx.index(id)
	var space, sealed []byte
	if err := tx.one("SELECT space, blob FROM docs WHERE doc = ?", []any{key}, &space, &sealed); err != nil {
		return DocRow{}, fmt.Errorf("store: doc: %w", err)
	}
	return tx.openDoc(key, space, sealed)
}

// Docs returns the records of a space's documents, in no particular order.
func (tx *Tx) Docs(space string) ([]DocRow, error) {
	if err := tx.unlocked(); err != nil {
		return nil, err
	}
	var out []DocRow
	err := tx.each("SELECT doc, space, blob FROM docs WHERE space = ?", []any{tx.index(space)},
		func(scan func(...any) error) error {
			var key, sp, sealed []byte
			if err := scan(&key, &sp, &sealed); err != nil {
				return err
			}
			d, err := tx.openDoc(key, sp, sealed)
			out = append(out, d)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("store: docs: %w", err)
	}
	return out, nil
}

// openDoc opens a docs row and checks its plain space index agrees.
func (tx *Tx) openDoc(key, space, sealed []byte) (DocRow, error) {
	var d DocRow
	if err := tx.open("docs", sealed, &d, key); err != nil {
		return DocRow{}, err
	}
	if string(tx.index(d.ID)) != string(key) || string(tx.index(d.Space)) != string(space) {
		return DocRow{}, corrupt("docs", key, nil)
	}
	return d, nil
}
