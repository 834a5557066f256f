package store

import "fmt"

// SpaceRow is one space as stored: its ID and the caller's encoding of it.
type SpaceRow struct {
	ID   string
	Blob []byte
}

// sealedSpace is what the spaces table seals: the ID travels with the blob,
// so Spaces can list IDs the table holds only as indexes.
type sealedSpace struct {
	_    struct{} `cbor:",toarray"`
	ID   string
	Blob []byte
}

// PutSpace stores (or replaces) space id's blob, sealed.
func (tx *Tx) PutSpace(id string, blob []byte) error {
	if err := tx.writer(); err != nil {
		return err
	}
	if id == "" {
		return &RefusedError{Reason: ReasonEmptyIdentity}
	}
	key := tx.index(id)
	sealed, err := tx.seal("spaces", sealedSpace{ID: id, Blob: blob}, key)
	if err != nil {
		return fmt.Errorf("store: put space: %w", err)
	}
	_, err = tx.exec(`INSERT INTO spaces (space, blob) VALUES (?, ?)
		ON CONFLICT (space) DO UPDATE SET blob = excluded.blob`, key, sealed)
	if err != nil {
		return fmt.Errorf("store: put space: %w", err)
	}
	return nil
}

// Space returns space id's blob, or ErrNotFound.
func (tx *Tx) Space(id string) ([]byte, error) {
	if err := tx.unlocked(); err != nil {
		return nil, err
	}
	key := tx.index(id)
	var sealed []byte
	if err := tx.one("SELECT blob FROM spaces WHERE space = ?", []any{key}, &sealed); err != nil {
		return nil, fmt.Errorf("store: space: %w", err)
	}
	var s sealedSpace
	if err := tx.open("spaces", sealed, &s, key); err != nil {
		return nil, err
	}
	if s.ID != id {
		return nil, corrupt("spaces", key, nil)
	}
	return s.Blob, nil
}

// Spaces returns every space, in no particular order.
func (tx *Tx) Spaces() ([]SpaceRow, error) {
	if err := tx.unlocked(); err != nil {
		return nil, err
	}
	var out []SpaceRow
	err := tx.each("SELECT space, blob FROM spaces", nil, func(scan func(...any) error) error {
		var key, sealed []byte
		if err := scan(&key, &sealed); err != nil {
			return err
		}
		var s sealedSpace
		if err := tx.open("spaces", sealed, &s, key); err != nil {
			return err
		}
		out = append(out, SpaceRow{ID: s.ID, Blob: s.Blob})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: spaces: %w", err)
	}
	return out, nil
}
