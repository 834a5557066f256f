package store

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// AttestationRefs tells which changes of one document have a stored
// attestation without opening any: a sync responder streaming a large
// document used to open every attestation of it (10,001 for a ledger of
// 10,000 entries) before its first frame left, though a frame carries
// only the newest attested change's of each actor (decision 0033).
type AttestationRefs struct {
	first map[string]int64 // hash index -> row of the first attestation stored for it
}

// Len is how many changes have an attestation.
func (r AttestationRefs) Len() int { return len(r.first) }

// AttestationRefs reads, for each attested change of doc, where the first
// attestation stored for it lies (as Attestations orders them), from the
// rows' index columns alone.
func (tx *Tx) AttestationRefs(doc string) (AttestationRefs, error) {
	if err := tx.unlocked(); err != nil {
		return AttestationRefs{}, err
	}
	// The rows in any order, each hash keeping its lowest n: no sort of
	// every row before the first; those of a document whose rows lie
	// close together are read by a range of n, in table order, not one
	// lookup of the table per row of the doc index (decision 0039).
	d := tx.index(doc)
	count, lo, hi, err := tx.docSpan("attestations", d)
	if err != nil {
		return AttestationRefs{}, fmt.Errorf("store: attestation refs: %w", err)
	}
	query, args := "SELECT hash, n FROM attestations WHERE doc = ?", []any{d}
	if hi-lo < denseSpan*count {
		query, args = "SELECT hash, n FROM attestations NOT INDEXED WHERE n BETWEEN ? AND ? AND doc = ?", []any{lo, hi, d}
	}
	refs := AttestationRefs{first: make(map[string]int64, count)}
	err = tx.each(query, args,
		func(scan func(...any) error) error {
			var h []byte
			var n int64
			if err := scan(&h, &n); err != nil {
				return err
			}
			if first, ok := refs.first[string(h)]; !ok || n < first {
				refs.first[string(h)] = n
			}
			return nil
		})
	if err != nil {
		return AttestationRefs{}, fmt.Errorf("store: attestation refs: %w", err)
	}
	return refs, nil
}

// AttestationRef returns where the first attestation of the change with
// hash lies in refs, and whether there is one.
func (tx *Tx) AttestationRef(refs AttestationRefs, hash [32]byte) (int64, bool) {
	n, ok := refs.first[string(tx.hashIndex(hash))]
	return n, ok
}

// At is AttestationRef of the change whose hash has the keyed index
// hashIndex, as EachChangeIndexed hands it.
func (r AttestationRefs) At(hashIndex []byte) (int64, bool) {
	n, ok := r.first[string(hashIndex)]
	return n, ok
}

// AttestationAt opens the attestation of doc that ref (from
// AttestationRef) names and checks it attests the change hash: ErrNotFound
// when no such row is stored, ErrCorrupt when the row is not what its
// index columns say.
func (tx *Tx) AttestationAt(doc string, ref int64, hash [32]byte) (AttestationRow, error) {
	if err := tx.unlocked(); err != nil {
		return AttestationRow{}, err
	}
	d := tx.index(doc)
	var actor, signer, sealed []byte
	var seq uint64
	err := tx.one("SELECT actor, seq, signer, blob FROM attestations WHERE n = ? AND doc = ?", []any{ref, d},
		&actor, &seq, &signer, &sealed)
	if errors.Is(err, ErrNotFound) {
		return AttestationRow{}, fmt.Errorf("store: attestation: %w", ErrNotFound)
	}
	if err != nil {
		return AttestationRow{}, fmt.Errorf("store: attestation: %w", err)
	}
	var a AttestationRow
	if err := tx.open("attestations", sealed, &a, d, actor, binary.BigEndian.AppendUint64(nil, seq), signer); err != nil {
		return AttestationRow{}, err
	}
	if a.Hash != hash || a.Doc != doc {
		return AttestationRow{}, corrupt("attestations", d, errors.New("the row attests another change"))
	}
	return a, nil
}
