package store

import "fmt"

// AddMemberOp adds one membership operation (its ID is the hash of the
// operation) to a space's grow-only log, sealed, reporting whether it was
// new. The store does not verify operations.
func (tx *Tx) AddMemberOp(space string, id [32]byte, blob []byte) (bool, error) {
	if err := tx.writer(); err != nil {
		return false, err
	}
	if space == "" {
		return false, &RefusedError{Reason: ReasonEmptyIdentity}
	}
	s, k := tx.index(space), tx.sealer.Index(id[:])
	sealed, err := tx.seal("member_ops", blob, s, k)
	if err != nil {
		return false, fmt.Errorf("store: seal member op: %w", err)
	}
	r, err := tx.exec("INSERT OR IGNORE INTO member_ops (space, id, blob) VALUES (?, ?, ?)", s, k, sealed)
	if err != nil {
		return false, fmt.Errorf("store: add member op: %w", err)
	}
	n, err := r.RowsAffected()
	return n == 1, err
}

// MemberOps returns a space's membership operations in arrival order.
func (tx *Tx) MemberOps(space string) ([][]byte, error) {
	if err := tx.unlocked(); err != nil {
		return nil, err
	}
	s := tx.index(space)
	var out [][]byte
	err := tx.each("SELECT id, blob FROM member_ops WHERE space = ? ORDER BY n", []any{s},
		func(scan func(...any) error) error {
			var k, sealed []byte
			if err := scan(&k, &sealed); err != nil {
				return err
			}
			var b []byte
			err := tx.open("member_ops", sealed, &b, s, k)
			out = append(out, b)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("store: member ops: %w", err)
	}
	return out, nil
}
