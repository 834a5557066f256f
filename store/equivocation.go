package store

import (
	"encoding/binary"
	"fmt"

	"github.com/fxamacker/cbor/v2"
)

// Equivocation is stored proof that one member signed two histories of one
// actor that differ at Seq (DESIGN.md section 5): either two attestations
// of that (actor, seq) with different hashes (First and Second, Chunks
// empty), or, found by ingest when a change came in covered by the
// member's attestation while another change of the member is stored at
// that (actor, seq), the attestation that covered it (First) and the
// chunks of its side from Seq up to the attested change (Chunks), which
// a node shows others together with its own stored side.
type Equivocation struct {
	_      struct{} `cbor:",toarray"`
	Actor  []byte
	Seq    uint64
	First  []byte
	Second []byte
	Chunks [][]byte
}

// equivocationV1 is the sealed form written before Chunks existed.
type equivocationV1 struct {
	_      struct{} `cbor:",toarray"`
	Actor  []byte
	Seq    uint64
	First  []byte
	Second []byte
}

// equivocation records the proof and the cut, and returns the error.
func (tx *Tx) equivocation(k attKey, first, second AttestationRow) error {
	ev := Equivocation{Actor: second.Actor, Seq: second.Seq, First: first.Blob, Second: second.Blob}
	if err := tx.putEquivocation(k, ev); err != nil {
		return err
	}
	return &EquivocationError{Doc: second.Doc, Actor: second.Actor, Seq: second.Seq, First: first.Blob, Second: second.Blob}
}

// AddEquivocation records that signer's actor forked at seq in doc, found
// from the chunks of a change refused because another change of the actor
// is stored at that seq while both are covered by signer's attestations:
// att is the attestation that covered the refused side and chunks that
// side from seq up to the attested change. The actor is cut at seq - 1,
// in this transaction. Nothing is recorded when the actor is already cut
// below seq.
func (tx *Tx) AddEquivocation(doc string, actor []byte, seq uint64, signer, att []byte, chunks [][]byte) error {
	if err := tx.writer(); err != nil {
		return err
	}
	if doc == "" || len(actor) == 0 || len(signer) == 0 || seq == 0 {
		return &RefusedError{Reason: ReasonEmptyIdentity}
	}
	k := attKey{tx.index(doc), tx.sealer.Index(actor), binary.BigEndian.AppendUint64(nil, seq), tx.sealer.Index(signer)}
	if cut, ok, err := tx.cutFor(k.doc, k.actor); err != nil || (ok && cut < seq) {
		return err // a proof at or below seq is stored: this one adds nothing
	}
	return tx.putEquivocation(k, Equivocation{Actor: actor, Seq: seq, First: att, Chunks: chunks})
}

// putEquivocation writes a proof (unless one is stored for its key) and
// the cut it implies.
func (tx *Tx) putEquivocation(k attKey, ev Equivocation) error {
	sealed, err := tx.seal("equivocations", ev, k.doc, k.actor, k.seq, k.signer)
	if err != nil {
		return fmt.Errorf("store: seal equivocation: %w", err)
	}
	_, err = tx.exec(`INSERT OR IGNORE INTO equivocations (doc, actor, seq, signer, blob) VALUES (?, ?, ?, ?, ?)`,
		k.doc, k.actor, ev.Seq, k.signer, sealed)
	if err != nil {
		return fmt.Errorf("store: add equivocation: %w", err)
	}
	return tx.putCut(k.doc, k.actor, ev.Actor, ev.Seq-1)
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
			var raw cbor.RawMessage
			err := tx.open("equivocations", sealed, &raw, d, actor, binary.BigEndian.AppendUint64(nil, seq), signer)
			if err != nil {
				return err
			}
			ev, err := decodeEquivocation(raw)
			if err != nil {
				return corrupt("equivocations", d, err)
			}
			out = append(out, ev)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("store: equivocations: %w", err)
	}
	return out, nil
}

// decodeEquivocation reads either sealed form of a proof.
func decodeEquivocation(raw []byte) (Equivocation, error) {
	var ev Equivocation
	if err := cbor.Unmarshal(raw, &ev); err == nil {
		return ev, nil
	}
	var v1 equivocationV1
	if err := cbor.Unmarshal(raw, &v1); err != nil {
		return Equivocation{}, err
	}
	return Equivocation{Actor: v1.Actor, Seq: v1.Seq, First: v1.First, Second: v1.Second}, nil
}

// SpaceEquivocations returns, by document, the proofs of equivocation
// stored for the documents of space (one query for the space: most have
// none).
func (tx *Tx) SpaceEquivocations(space string) (map[string][]Equivocation, error) {
	if err := tx.unlocked(); err != nil {
		return nil, err
	}
	var docs []string
	err := tx.each(`SELECT d.doc, d.space, d.blob FROM docs d WHERE d.space = ?
		AND EXISTS (SELECT 1 FROM equivocations e WHERE e.doc = d.doc)`, []any{tx.index(space)},
		func(scan func(...any) error) error {
			var key, sp, sealed []byte
			if err := scan(&key, &sp, &sealed); err != nil {
				return err
			}
			d, err := tx.openDoc(key, sp, sealed)
			docs = append(docs, d.ID)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("store: space equivocations: %w", err)
	}
	out := make(map[string][]Equivocation, len(docs))
	for _, doc := range docs {
		if out[doc], err = tx.Equivocations(doc); err != nil {
			return nil, err
		}
	}
	return out, nil
}
