// Package store keeps a node's state in one SQLite file: raw Automerge
// changes (the truth, never dropped), the changes held until their
// dependencies arrive, attestations, cuts, snapshots, actor leases, spaces,
// epoch keys, membership operations, peers and the outbox.
//
// Every write goes through [DB.Update], one immediate transaction that is
// rolled back whole on error or panic; reads go through [DB.View]. Both call
// their function with a [Tx], which must not be used after it returns.
//
// At rest, every content byte and every row naming a peer, space, member or
// document is sealed by a [Sealer] with associated data naming the row, and
// every ID that could link two stores is stored only as the sealer's Index
// (an HMAC). Until [DB.Unlock] is given the sealer, only the keyring and the
// instance ID can be read or written; everything else fails with [ErrLocked].
//
//	db, err := store.Open(ctx, filepath.Join(home, "weft.db"))
//	...
//	db.Unlock(sealer) // after deriving the data key from the keyring
//	err = db.Update(ctx, func(tx *store.Tx) error {
//		res, err := tx.AddChange(c)
//		...
//	})
//
// AddChange applies the document-context checks of DESIGN.md section 5
// (op counters, sequence continuity, (actor, seq) reuse, cuts) before a
// change is stored; the chunk-level checks (magic, checksum, sizes) and
// attestation signatures are the caller's.
//
// The package never logs. A *DB is safe for concurrent use; a *Tx is not.
package store
