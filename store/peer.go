package store

import "fmt"

// PeerRow is one remembered peer: its ID and the caller's encoding of what
// is known of it (addresses, last seen).
type PeerRow struct {
	_    struct{} `cbor:",toarray"`
	ID   string
	Blob []byte
}

// PutPeer stores (or replaces) what is known of peer id, sealed.
func (tx *Tx) PutPeer(id string, blob []byte) error {
	if err := tx.writer(); err != nil {
		return err
	}
	if id == "" {
		return &RefusedError{Reason: ReasonEmptyIdentity}
	}
	k := tx.index(id)
	sealed, err := tx.seal("peers", PeerRow{ID: id, Blob: blob}, k)
	if err != nil {
		return fmt.Errorf("store: seal peer: %w", err)
	}
	_, err = tx.exec(`INSERT INTO peers (peer, blob) VALUES (?, ?)
		ON CONFLICT (peer) DO UPDATE SET blob = excluded.blob`, k, sealed)
	if err != nil {
		return fmt.Errorf("store: put peer: %w", err)
	}
	return nil
}

// Peers returns every remembered peer, in no particular order.
func (tx *Tx) Peers() ([]PeerRow, error) {
	if err := tx.unlocked(); err != nil {
		return nil, err
	}
	var out []PeerRow
	err := tx.each("SELECT peer, blob FROM peers", nil, func(scan func(...any) error) error {
		var k, sealed []byte
		if err := scan(&k, &sealed); err != nil {
			return err
		}
		var p PeerRow
		if err := tx.open("peers", sealed, &p, k); err != nil {
			return err
		}
		if string(tx.index(p.ID)) != string(k) {
			return corrupt("peers", k, nil)
		}
		out = append(out, p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: peers: %w", err)
	}
	return out, nil
}
