package store

import (
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
)

// Keyring is the unsealed row that unlocks the store: the data key wrapped
// by a key derived from the passphrase (KDF "argon2id"), or stored as is
// (KDF "none", with --no-passphrase). Params are the KDF's, opaque here.
type Keyring struct {
	KDF        string
	Params     []byte
	WrappedKey []byte
	KeyID      uint32
	Created    int64 // Unix seconds
}

// Keyring returns the keyring, or ErrNotInitialized when none was put.
// It works while the store is locked.
func (tx *Tx) Keyring() (Keyring, error) {
	var k Keyring
	err := tx.row("SELECT kdf, params, wrapped_key, key_id, created FROM keyring WHERE id = 1").
		Scan(&k.KDF, &k.Params, &k.WrappedKey, &k.KeyID, &k.Created)
	if errors.Is(err, sql.ErrNoRows) {
		return Keyring{}, ErrNotInitialized
	}
	if err != nil {
		return Keyring{}, fmt.Errorf("store: keyring: %w", busy(err))
	}
	return k, nil
}

// PutKeyring writes the keyring, replacing any (a passphrase change rewrites
// this one row). It works while the store is locked.
func (tx *Tx) PutKeyring(k Keyring) error {
	if err := tx.canWrite(); err != nil {
		return err
	}
	if k.KDF != "argon2id" && k.KDF != "none" {
		return fmt.Errorf("store: put keyring: unknown kdf %q", k.KDF)
	}
	if len(k.WrappedKey) == 0 {
		return fmt.Errorf("store: put keyring: empty key")
	}
	_, err := tx.exec(`INSERT INTO keyring (id, kdf, params, wrapped_key, key_id, created)
		VALUES (1, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET kdf = excluded.kdf,
		params = excluded.params, wrapped_key = excluded.wrapped_key,
		key_id = excluded.key_id, created = excluded.created`,
		k.KDF, nonNil(k.Params), k.WrappedKey, k.KeyID, k.Created)
	if err != nil {
		return fmt.Errorf("store: put keyring: %w", err)
	}
	return nil
}

// InstanceID is this store's random ID, made at creation and never changed.
// Peers' sync progress is keyed by it, so a copied store cannot claim what
// its original's peers acknowledged. It works while the store is locked.
func (tx *Tx) InstanceID() ([]byte, error) {
	var id []byte
	err := tx.row("SELECT value FROM meta WHERE key = 'instance_id'").Scan(&id)
	if err != nil {
		return nil, fmt.Errorf("store: instance id: %w", busy(err))
	}
	return id, nil
}

// ensureInstanceID makes the instance ID on a new store.
func (tx *Tx) ensureInstanceID() error {
	id := make([]byte, 16)
	_, _ = rand.Read(id) // crypto/rand.Read never fails (Go 1.24+).
	_, err := tx.exec("INSERT OR IGNORE INTO meta (key, value) VALUES ('instance_id', ?)", id)
	if err != nil {
		return fmt.Errorf("store: instance id: %w", err)
	}
	return nil
}

// nonNil turns a nil slice into an empty one: NOT NULL BLOB columns refuse nil.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
