package store

import "fmt"

// EpochKey is one of a space's keys, named by its epoch.
type EpochKey struct {
	_     struct{} `cbor:",toarray"`
	Epoch string
	Key   []byte
}

// PutEpochKey stores a space's key for one epoch, sealed. Storing the same
// epoch again replaces its key.
func (tx *Tx) PutEpochKey(space, epoch string, key []byte) error {
	if err := tx.writer(); err != nil {
		return err
	}
	if space == "" || epoch == "" {
		return &RefusedError{Reason: ReasonEmptyIdentity}
	}
	s, e := tx.index(space), tx.index(epoch)
	sealed, err := tx.seal("epoch_keys", EpochKey{Epoch: epoch, Key: key}, s, e)
	if err != nil {
		return fmt.Errorf("store: put epoch key: %w", err)
	}
	_, err = tx.exec(`INSERT INTO epoch_keys (space, epoch, blob) VALUES (?, ?, ?)
		ON CONFLICT (space, epoch) DO UPDATE SET blob = excluded.blob`, s, e, sealed)
	if err != nil {
		return fmt.Errorf("store: put epoch key: %w", err)
	}
	return nil
}

// EpochKeys returns a space's keys in the order they were first stored.
func (tx *Tx) EpochKeys(space string) ([]EpochKey, error) {
	if err := tx.unlocked(); err != nil {
		return nil, err
	}
	s := tx.index(space)
	var out []EpochKey
	err := tx.each("SELECT epoch, blob FROM epoch_keys WHERE space = ? ORDER BY n", []any{s},
		func(scan func(...any) error) error {
			var e, sealed []byte
			if err := scan(&e, &sealed); err != nil {
				return err
			}
			var k EpochKey
			if err := tx.open("epoch_keys", sealed, &k, s, e); err != nil {
				return err
			}
			out = append(out, k)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("store: epoch keys: %w", err)
	}
	return out, nil
}
