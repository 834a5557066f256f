package store

import (
	"encoding/binary"
	"fmt"
)

// AttestationRow is one attestation (DESIGN.md section 6): Signer signed
// (space, doc, actor, seq, hash); Blob is the caller's encoding of it,
// signature included. The store does not verify signatures.
type AttestationRow struct {
	_      struct{} `cbor:",toarray"`
	Doc    string
	Space  string
	Actor  []byte
	Seq    uint64
	Hash   [32]byte
	Signer []byte
	Blob   []byte
}

// attKey is an attestation row's key columns.
type attKey struct{ doc, actor, seq, signer []byte }

// attKeyOf indexes a's key.
func (tx *Tx) attKeyOf(a AttestationRow) attKey {
	return attKey{tx.index(a.Doc), tx.sealer.Index(a.Actor), binary.BigEndian.AppendUint64(nil, a.Seq), tx.sealer.Index(a.Signer)}
}

// AddAttestation stores a verified attestation, reporting whether it was
// new. If the same Signer already attested another hash for the same (doc,
// actor, seq), that proves equivocation: the evidence is recorded, actor is
// cut in doc at seq - 1, and an *EquivocationError carrying both blobs is
// returned. Both writes are in this transaction, so keep them by returning
// nil from the Update function once the error is handled.
func (tx *Tx) AddAttestation(a AttestationRow) (bool, error) {
	if err := tx.writer(); err != nil {
		return false, err
	}
	if a.Doc == "" || len(a.Actor) == 0 || len(a.Signer) == 0 || a.Seq == 0 {
		return false, &RefusedError{Reason: ReasonEmptyIdentity}
	}
	k := tx.attKeyOf(a)
	added, err := tx.insertAttestation(k, a)
	if err != nil || added {
		return added, err
	}
	old, err := tx.attestation(k) // the row the insert found in its place
	switch {
	case err != nil:
		return false, err
	case old.Hash == a.Hash:
		return false, nil
	}
	return false, tx.equivocation(k, old, a)
}

// insertAttestation writes a new attestation row, reporting false (and
// writing nothing) when one with the same key is stored: a new one, the
// common case, costs one statement rather than a read and a write.
func (tx *Tx) insertAttestation(k attKey, a AttestationRow) (bool, error) {
	sealed, err := tx.seal("attestations", a, k.doc, k.actor, k.seq, k.signer)
	if err != nil {
		return false, fmt.Errorf("store: seal attestation: %w", err)
	}
	r, err := tx.exec(`INSERT INTO attestations (doc, actor, seq, signer, hash, blob) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (doc, actor, seq, signer) DO NOTHING`,
		k.doc, k.actor, a.Seq, k.signer, tx.hashIndex(a.Hash), sealed)
	if err != nil {
		return false, fmt.Errorf("store: add attestation: %w", err)
	}
	n, err := r.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: add attestation: %w", err)
	}
	return n == 1, nil
}

// attestation reads the row with key k.
func (tx *Tx) attestation(k attKey) (AttestationRow, error) {
	var sealed []byte
	err := tx.one("SELECT blob FROM attestations WHERE doc = ? AND actor = ? AND seq = ? AND signer = ?",
		[]any{k.doc, k.actor, binary.BigEndian.Uint64(k.seq), k.signer}, &sealed)
	if err != nil {
		return AttestationRow{}, err
	}
	var a AttestationRow
	return a, tx.open("attestations", sealed, &a, k.doc, k.actor, k.seq, k.signer)
}

// Attestations returns every attestation of doc, in arrival order.
func (tx *Tx) Attestations(doc string) ([]AttestationRow, error) {
	if err := tx.unlocked(); err != nil {
		return nil, err
	}
	return tx.attestations("SELECT actor, seq, signer, blob FROM attestations WHERE doc = ? ORDER BY n", tx.index(doc))
}

// AttestationFor returns the first attestation stored for exactly (doc,
// actor, seq), or ErrNotFound.
func (tx *Tx) AttestationFor(doc string, actor []byte, seq uint64) (AttestationRow, error) {
	if err := tx.unlocked(); err != nil {
		return AttestationRow{}, err
	}
	as, err := tx.attestations(`SELECT actor, seq, signer, blob FROM attestations
		WHERE doc = ? AND actor = ? AND seq = ? ORDER BY n LIMIT 1`, tx.index(doc), tx.sealer.Index(actor), seq)
	if err != nil {
		return AttestationRow{}, err
	}
	if len(as) == 0 {
		return AttestationRow{}, fmt.Errorf("store: attestation: %w", ErrNotFound)
	}
	return as[0], nil
}

// Covered reports whether an attestation of actor with a seq at or above
// seq is stored for doc: a change's hash commits to its ancestors, so an
// attestation of a later change of the actor covers it too.
func (tx *Tx) Covered(doc string, actor []byte, seq uint64) (bool, error) {
	if err := tx.unlocked(); err != nil {
		return false, err
	}
	ok, err := tx.exists("SELECT 1 FROM attestations WHERE doc = ? AND actor = ? AND seq >= ? LIMIT 1",
		tx.index(doc), tx.sealer.Index(actor), seq)
	if err != nil {
		return false, fmt.Errorf("store: covered: %w", err)
	}
	return ok, nil
}

// attestations runs a query whose first argument is the doc index and whose
// rows are (actor, seq, signer, blob).
func (tx *Tx) attestations(query string, args ...any) ([]AttestationRow, error) {
	doc, _ := args[0].([]byte)
	var out []AttestationRow
	err := tx.each(query, args, func(scan func(...any) error) error {
		var actor, signer, sealed []byte
		var seq uint64
		if err := scan(&actor, &seq, &signer, &sealed); err != nil {
			return err
		}
		var a AttestationRow
		err := tx.open("attestations", sealed, &a, doc, actor, binary.BigEndian.AppendUint64(nil, seq), signer)
		out = append(out, a)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: attestations: %w", err)
	}
	return out, nil
}
