package store

import (
	"database/sql"
	"errors"
	"fmt"
)

// PutIdentity stores the node's identity (its private key material, encoded
// by the caller), sealed, replacing any.
func (tx *Tx) PutIdentity(b []byte) error {
	if err := tx.writer(); err != nil {
		return err
	}
	sealed, err := tx.seal("identity", b)
	if err != nil {
		return fmt.Errorf("store: put identity: %w", err)
	}
	_, err = tx.exec(`INSERT INTO identity (id, blob) VALUES (1, ?)
		ON CONFLICT (id) DO UPDATE SET blob = excluded.blob`, sealed)
	if err != nil {
		return fmt.Errorf("store: put identity: %w", err)
	}
	return nil
}

// Identity returns what PutIdentity stored, or ErrNotFound.
func (tx *Tx) Identity() ([]byte, error) {
	if err := tx.unlocked(); err != nil {
		return nil, err
	}
	var sealed []byte
	err := tx.row("SELECT blob FROM identity WHERE id = 1").Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: identity: %w", busy(err))
	}
	var b []byte
	if err := tx.open("identity", sealed, &b); err != nil {
		return nil, err
	}
	return b, nil
}
