package crdt

import (
	"encoding/hex"
	"fmt"

	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/crdt/internal/amdoc"
)

// Park returns what Unpark needs to open the document again: its saved
// form, its actor and its heads. The engine keeps an idle small document
// that way (a few hundred bytes where the loaded document holds tens of
// KiB of C heap) and lets go of the Doc (decision 0041). It fails when
// the Doc is poisoned.
func (d *Doc) Park() (saved, actor []byte, heads [][32]byte, err error) {
	if d.poison != nil {
		return nil, nil, nil, d.poison
	}
	actor, err = hex.DecodeString(d.am.ActorID())
	if err != nil {
		return nil, nil, nil, fmt.Errorf("crdt: park: actor: %w", err)
	}
	return d.am.Save(), actor, d.Heads(), nil
}

// Unpark opens a document parked by Park: it loads the saved form under
// actor, as LoadSnapshot does with nothing to cover and no changes since
// (without listing the changes it holds), and fails with ErrRejected
// unless it loads with heads.
func Unpark(saved, actor []byte, heads [][32]byte) (*Doc, error) {
	if err := amdoc.Check(); err != nil {
		return nil, err
	}
	if len(saved) == 0 { // automerge loads nothing as an empty document
		return nil, fmt.Errorf("crdt: unpark: %w: empty saved form", ErrRejected)
	}
	doc, err := am.Load(saved)
	if err != nil {
		return nil, fmt.Errorf("crdt: unpark: %w: %w", ErrRejected, err)
	}
	d := &Doc{am: doc, piece: amdoc.PieceBytes}
	if !sameHeads(d.Heads(), heads) {
		return nil, fmt.Errorf("crdt: unpark: %w: heads differ after load", ErrRejected)
	}
	if err := d.setActor(actor); err != nil {
		return nil, fmt.Errorf("crdt: unpark: %w", err)
	}
	d.am.SaveIncremental() // the first one after a load returns everything: drop it
	if err := d.readRoot(); err != nil {
		return nil, fmt.Errorf("crdt: unpark: %w", err)
	}
	return d, nil
}
