package node

import (
	"context"
	"crypto/ecdh"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/fxamacker/cbor/v2"

	"github.com/weftsync/weft/node/seal"
	"github.com/weftsync/weft/store"
)

const (
	kdfArgon2id = "argon2id"
	kdfNone     = "none"
)

// identityRecord is the node's identity as sealed in the store.
type identityRecord struct {
	Seed    []byte `cbor:"1,keyasint"`
	Name    string `cbor:"2,keyasint"`
	Created int64  `cbor:"3,keyasint"`
	X25519  []byte `cbor:"4,keyasint"` // the key epoch keys are sealed to
}

// Init makes a new home: a store sealed by the passphrase (unless
// opts.NoPassphrase), a random data key and a new Ed25519 identity.
func Init(ctx context.Context, opts Options, name string) (*Node, error) {
	opts.defaults()
	if _, err := os.Stat(filepath.Join(opts.Home, storeFile)); err == nil {
		return nil, fmt.Errorf("%w: %s already holds a store", ErrAlreadyInitialized, opts.Home)
	}
	ring, dataKey, err := newKeyring(opts)
	if err != nil {
		return nil, err
	}
	n, err := openLocked(ctx, opts)
	if err != nil {
		return nil, err
	}
	if err := n.initStore(ctx, ring, dataKey, name); err != nil {
		n.Close()
		os.Remove(filepath.Join(opts.Home, storeFile))
		return nil, err
	}
	return n, nil
}

func newKeyring(opts Options) (store.Keyring, []byte, error) {
	dataKey := seal.NewDataKey()
	ring := store.Keyring{KDF: kdfNone, WrappedKey: dataKey, KeyID: 1, Created: opts.Now().Unix()}
	if opts.NoPassphrase {
		return ring, dataKey, nil
	}
	pass, err := askPassphrase(opts)
	if err != nil {
		return ring, nil, err
	}
	params := seal.DefaultKDFParams()
	if opts.KDF != nil {
		params = *opts.KDF
	}
	if ring.WrappedKey, err = seal.WrapDataKey(pass, params, dataKey); err != nil {
		return ring, nil, fmt.Errorf("node: wrap data key: %w", err)
	}
	if ring.Params, err = cbor.Marshal(params); err != nil {
		return ring, nil, fmt.Errorf("node: encode key parameters: %w", err)
	}
	ring.KDF = kdfArgon2id
	return ring, dataKey, nil
}

func askPassphrase(opts Options) ([]byte, error) {
	if opts.Passphrase == nil {
		return nil, ErrNoPassphrase
	}
	pass, err := opts.Passphrase()
	if err != nil {
		return nil, err
	}
	if len(pass) == 0 {
		return nil, fmt.Errorf("%w: the passphrase is empty", ErrNoPassphrase)
	}
	return pass, nil
}

func (n *Node) initStore(ctx context.Context, ring store.Keyring, dataKey []byte, name string) error {
	keys, err := seal.NewKeys(dataKey, ring.KeyID)
	if err != nil {
		return err
	}
	id, err := seal.NewIdentity()
	if err != nil {
		return err
	}
	x, err := newX25519()
	if err != nil {
		return err
	}
	rec, err := cbor.Marshal(identityRecord{Seed: id.Private.Seed(), Name: name, Created: n.now().Unix(), X25519: x.Bytes()})
	if err != nil {
		return err
	}
	n.db.Unlock(keys)
	n.keys, n.id, n.name, n.x25519 = keys, id, name, x
	return n.db.Update(ctx, func(tx *store.Tx) error {
		if err := tx.PutKeyring(ring); err != nil {
			return err
		}
		return tx.PutIdentity(rec)
	})
}

// unlock reads the keyring, derives the data key and loads the identity.
func (n *Node) unlock(ctx context.Context) error {
	var ring store.Keyring
	err := n.db.View(ctx, func(tx *store.Tx) (err error) {
		ring, err = tx.Keyring()
		return err
	})
	if errors.Is(err, store.ErrNotInitialized) {
		return fmt.Errorf("%w: the store in %s has no keys", ErrNotInitialized, n.opts.Home)
	}
	if err != nil {
		return storeErr(err)
	}
	dataKey, err := n.dataKey(ring)
	if err != nil {
		return err
	}
	keys, err := seal.NewKeys(dataKey, ring.KeyID)
	if err != nil {
		return err
	}
	n.db.Unlock(keys)
	n.keys = keys
	return n.loadIdentity(ctx)
}

func (n *Node) dataKey(ring store.Keyring) ([]byte, error) {
	switch ring.KDF {
	case kdfNone:
		return ring.WrappedKey, nil
	case kdfArgon2id:
	default:
		return nil, fmt.Errorf("%w: unknown key derivation %q", ErrCorrupt, ring.KDF)
	}
	var params seal.KDFParams
	if err := cbor.Unmarshal(ring.Params, &params); err != nil {
		return nil, fmt.Errorf("%w: key parameters: %w", ErrCorrupt, err)
	}
	pass, err := askPassphrase(n.opts)
	if err != nil {
		return nil, err
	}
	key, err := seal.UnwrapDataKey(pass, params, ring.WrappedKey)
	if errors.Is(err, seal.ErrWrongPassphrase) {
		return nil, fmt.Errorf("%w: the passphrase does not unlock %s", ErrWrongPassphrase, n.opts.Home)
	}
	return key, err
}

func (n *Node) loadIdentity(ctx context.Context) error {
	var blob []byte
	err := n.db.View(ctx, func(tx *store.Tx) (err error) {
		blob, err = tx.Identity()
		return err
	})
	if err != nil {
		return fmt.Errorf("node: read identity: %w", storeErr(err))
	}
	var rec identityRecord
	if err := cbor.Unmarshal(blob, &rec); err != nil {
		return fmt.Errorf("%w: identity record: %w", ErrCorrupt, err)
	}
	id, err := seal.IdentityFromSeed(rec.Seed)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	x, err := ecdh.X25519().NewPrivateKey(rec.X25519)
	if err != nil {
		return fmt.Errorf("%w: identity's X25519 key: %w", ErrCorrupt, err)
	}
	n.id, n.name, n.x25519 = id, rec.Name, x
	return nil
}
