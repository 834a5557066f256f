package crdt

import (
	"encoding/hex"
	"fmt"

	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/crdt/ledger"
	"github.com/weftsync/weft/crdt/model"
)

// Doc is one open document. It owns one automerge document and is not safe
// for concurrent use: one goroutine (the engine's owner of the document)
// makes every call.
type Doc struct {
	am     *am.Doc
	typ    model.DocType
	space  string
	piece  int   // estimated change bytes per piece of a large edit
	poison error // set once a write failed; the Doc is unusable from then on

	// A ledger's entry index, valid while the heads are ixHeads: kept
	// across local AddEntry edits, read again after anything else.
	ix      *ledger.Index
	ixHeads [][32]byte
}

// Type returns the document's type, read from its root when it was created
// or loaded.
func (d *Doc) Type() model.DocType { return d.typ }

// Space returns the ID of the space the document belongs to.
func (d *Doc) Space() string { return d.space }

// Err returns nil, or the error (matching ErrPoisoned) that made the Doc
// unusable.
func (d *Doc) Err() error { return d.poison }

// Heads returns the hashes of the document's current heads, or nil when the
// Doc is poisoned.
func (d *Doc) Heads() [][32]byte {
	if d.poison != nil {
		return nil
	}
	return heads(d.am)
}

func heads(doc *am.Doc) [][32]byte {
	hs := doc.Heads()
	out := make([][32]byte, len(hs))
	for i, h := range hs {
		out[i] = h
	}
	return out
}

// Save returns the whole document in automerge's compact form, or nil when
// the Doc is poisoned (its pending ops must never be saved).
func (d *Doc) Save() []byte {
	if d.poison != nil {
		return nil
	}
	return d.am.Save()
}

// setActor makes every later change of this Doc carry actor.
func (d *Doc) setActor(actor []byte) error {
	if len(actor) != ActorLen {
		return fmt.Errorf("%w: %d bytes, want %d", ErrActor, len(actor), ActorLen)
	}
	return d.am.SetActorID(hex.EncodeToString(actor))
}

// poisoned marks the Doc unusable because of cause and returns the error to
// report, which matches both ErrPoisoned and cause.
func (d *Doc) poisoned(op string, cause error) error {
	d.poison = fmt.Errorf("crdt: %s: %w: %w", op, ErrPoisoned, cause)
	d.am = nil // nothing may touch the half-written document again
	return d.poison
}
