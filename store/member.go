package store

import (
	"crypto/sha256"
	"database/sql"
	"fmt"
)

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
func (tx *Tx) MemberOps(space string) ([][]byte, error) { return tx.MemberOpsAfter(space, 0) }

// MemberOpsVersion names the exact set of a space's stored membership
// operations: how many there are and a digest of their index IDs in
// arrival order. Operation IDs are content hashes, so two reads with equal
// versions saw the same operations, even across a transaction that was
// rolled back in between.
type MemberOpsVersion struct {
	Count  int
	Digest [32]byte
}

// MemberOpsVersion returns the version of a space's membership log as this
// transaction sees it, and whether that set extends prev: whether its first
// prev.Count operations are exactly the ones prev names. It reads only the
// index IDs, in one aggregate query, not the sealed operations, so it is
// cheap.
func (tx *Tx) MemberOpsVersion(space string, prev MemberOpsVersion) (MemberOpsVersion, bool, error) {
	if err := tx.unlocked(); err != nil {
		return MemberOpsVersion{}, false, err
	}
	var (
		v   MemberOpsVersion
		ids sql.NullString
	)
	err := tx.one("SELECT count(*), group_concat(hex(id), '' ORDER BY n) FROM member_ops WHERE space = ?", []any{
		tx.index(space)}, &v.Count, &ids)
	if err != nil {
		return MemberOpsVersion{}, false, fmt.Errorf("store: member ops version: %w", err)
	}
	v.Digest = sha256.Sum256([]byte(ids.String))
	extends := prev.Count == 0
	if prev.Count > 0 && prev.Count <= v.Count && len(ids.String)%v.Count == 0 {
		each := len(ids.String) / v.Count
		extends = sha256.Sum256([]byte(ids.String[:prev.Count*each])) == prev.Digest
	}
	return v, extends, nil
}

// MemberOpsAfter returns a space's membership operations after the first
// skip, in arrival order (see MemberOpsVersion).
func (tx *Tx) MemberOpsAfter(space string, skip int) ([][]byte, error) {
	if err := tx.unlocked(); err != nil {
		return nil, err
	}
	s := tx.index(space)
	var out [][]byte
	err := tx.each("SELECT id, blob FROM member_ops WHERE space = ? ORDER BY n LIMIT -1 OFFSET ?", []any{s, skip},
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
