package gossip

import (
	"bytes"
	"fmt"

	"github.com/weftsync/weft/crdt/model"
)

// Batch is what one envelope carries for one document: raw change chunks
// in causal order with, per actor, the attestation
// (seal.Attestation.Marshal) of its newest change among them; or, for a
// change too large to gossip, only the hashes of the heads to fetch by
// sync (an announcement). Meta is the document's metadata, used by a
// receiver that does not hold the document yet.
type Batch struct {
	Doc    string
	Type   string
	Meta   []byte
	Chunks [][]byte
	Atts   [][]byte
	Heads  [][32]byte
}

// batchWire is the plaintext of an envelope.
type batchWire struct {
	_      struct{} `cbor:",toarray"`
	Doc    string
	Type   string
	Meta   []byte
	Chunks [][]byte
	Atts   [][]byte
	Heads  [][]byte
}

// IsAnnouncement reports whether b announces heads rather than carrying
// changes.
func (b Batch) IsAnnouncement() bool { return len(b.Heads) > 0 }

// size is a lower bound of b's encoded size.
func (b Batch) size() int {
	n := len(b.Doc) + len(b.Type) + len(b.Meta) + 32*len(b.Heads)
	for _, c := range b.Chunks {
		n += len(c)
	}
	for _, a := range b.Atts {
		n += len(a)
	}
	return n
}

func (b Batch) encode() ([]byte, error) {
	if err := b.check(); err != nil {
		return nil, err
	}
	if b.size() > MaxEnvelope {
		return nil, fmt.Errorf("%w: %d bytes of changes", ErrTooLarge, b.size())
	}
	w := batchWire{Doc: b.Doc, Type: b.Type, Meta: b.Meta, Chunks: b.Chunks, Atts: b.Atts}
	for _, h := range b.Heads {
		w.Heads = append(w.Heads, bytes.Clone(h[:]))
	}
	out, err := encMode.Marshal(w)
	if err != nil {
		return nil, fmt.Errorf("gossip: encode batch: %w", err)
	}
	return out, nil
}

func decodeBatch(plain []byte) (Batch, error) {
	var w batchWire
	if err := decMode.Unmarshal(plain, &w); err != nil {
		return Batch{}, fmt.Errorf("%w: batch: %v", ErrMalformed, err)
	}
	b := Batch{Doc: w.Doc, Type: w.Type, Meta: w.Meta, Chunks: w.Chunks, Atts: w.Atts}
	for _, h := range w.Heads {
		if len(h) != 32 {
			return Batch{}, fmt.Errorf("%w: %d-byte head", ErrMalformed, len(h))
		}
		b.Heads = append(b.Heads, [32]byte(h))
	}
	return b, b.check()
}

// check enforces the rules of a batch that need no roster: IDs, counts,
// and either changes with attestations or heads alone.
func (b Batch) check() error {
	switch {
	case len(b.Doc) > maxIDLen || !model.ValidID(b.Doc):
		return fmt.Errorf("%w: document ID %q", ErrMalformed, b.Doc)
	case len(b.Type) > maxIDLen || !model.DocType(b.Type).Valid():
		return fmt.Errorf("%w: document type %q", ErrMalformed, b.Type)
	case len(b.Meta) > MaxMeta:
		return fmt.Errorf("%w: %d bytes of metadata", ErrMalformed, len(b.Meta))
	case len(b.Chunks) > MaxChunks || len(b.Atts) > MaxAtts || len(b.Heads) > MaxHeads:
		return fmt.Errorf("%w: %d chunks, %d attestations, %d heads", ErrMalformed, len(b.Chunks), len(b.Atts), len(b.Heads))
	case len(b.Heads) > 0 && (len(b.Chunks) > 0 || len(b.Atts) > 0):
		return fmt.Errorf("%w: an announcement carries no changes", ErrMalformed)
	case len(b.Heads) == 0 && (len(b.Chunks) == 0 || len(b.Atts) == 0):
		return fmt.Errorf("%w: no changes, or no attestations", ErrMalformed)
	}
	return nil
}
