package store

import (
	"encoding/binary"
	"fmt"
)

// Equivocation is stored proof that one signer attested two changes with
// the same (actor, seq): the two attestation blobs.
type Equivocation struct {
	_      struct{} `cbor:",toarray"`
	Actor  []byte
	Seq    uint64
	First  []byte
	Second []byte
}

// equivocation records the proof and the cut, and returns the error.
func (tx *Tx) equivocation(k attKey, first, second AttestationRow) error {
	ev := Equivocation{Actor: second.Actor, Seq: second.Seq, First: first.Blob, Second: second.Blob}
	sealed, err := tx.seal("equivocations", ev, k.doc, k.actor, k.seq, k.signer)
	if err != nil {
		return fmt.Errorf("store: seal equivocation: %w", err)
	}
	_, err = tx.exec(`INSERT OR IGNORE INTO equivocations (doc, actor, seq, signer, blob) VALUES (?, ?, ?, ?, ?)`,
		k.doc, k.actor, second.Seq, k.signer, sealed)
	if err != nil {
		return fmt.Errorf("store: add equivocation: %w", err)
	}
	if err := tx.putCut(k.doc, k.actor, second.Actor, second.Seq-1); err != nil {
		return err
	}
	return &EquivocationError{Doc: second.Doc, Actor: second.Actor, Seq: second.Seq, First: first.Blob, Second: second.Blob}
}

// Equivocations returns the proofs of equivocation stored for doc.
func (tx *Tx) Equivocations(doc string) ([]Equivocation, error) {
	if err := tx.unlocked(); err != nil {
		return nil, err
	}
	d := tx.index(doc)
	var out []Equivocation
	err := tx.each("SELECT actor, seq, signer, blob FROM equivocations WHERE doc = ? ORDER BY n", []any{d},
		func(scan func(...any) error) error {
			var actor, signer, sealed []byte
			var seq uint64
			if err := scan(&actor, &seq, &signer, &sealed); err != nil {
				return err
			}
			var ev Equivocation
			err := tx.open("equivocations", sealed, &ev, d, actor, binary.BigEndian.AppendUint64(nil, seq), signer)
			out = append(out, ev)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("store: equivocations: %w", err)
	}
	return out, nil
}
