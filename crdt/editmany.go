package crdt

import (
	"fmt"
	"time"

	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/crdt/internal/amdoc"
	"github.com/weftsync/weft/crdt/ledger"
	"github.com/weftsync/weft/crdt/model"
)

// EditMany makes edits in order, each as Edit makes it (validated against
// the document as the edits before it left it, one commit each, or several
// for a large text), and returns the raw change chunks of all of them, in
// order. The changes are read by the hashes their commits returned
// (chunksOf), never by walking the history, and a run of AddEntry edits
// reads the ledger's index and its entries list once (commitEntry).
//
// On an error the edits before the failing one stay committed in the Doc:
// the caller drops it and reloads from what it stored. The error is the
// failing edit's, as Edit returns it (check ErrPoisoned first), prefixed
// with its position.
func (d *Doc) EditMany(edits []model.Edit, at time.Time) ([][]byte, error) {
	if d.poison != nil {
		return nil, d.poison
	}
	var made []am.ChangeHash // the commits made, in order
	var ix *ledger.Index     // the ledger's index while only entries were added
	for i, e := range edits {
		var err error
		if e.AddEntry != nil && d.typ == model.Ledger && countSet(e) == 1 {
			made, err = d.commitEntry(*e.AddEntry, at, &ix, made)
		} else {
			ix = nil
			made, err = d.commitEdit(e, at, made)
		}
		if err != nil {
			return nil, fmt.Errorf("edit %d of %d: %w", i+1, len(edits), err)
		}
	}
	if ix != nil {
		d.ixHeads = d.Heads() // the entries added updated the index themselves
	}
	return d.chunksOf("edit", made)
}

// commitEntry is commitEdit of an AddEntry in a run of them: *ix is the
// ledger's index, checked against the document's heads (ledgerIndex) for
// the first entry of the run and kept up to date by each, so that the
// entries after the first read neither the heads nor the document's root
// (the index holds the entries list). The caller records the heads the
// index matches once the run ends.
func (d *Doc) commitEntry(e model.Entry, at time.Time, ix **ledger.Index, made []am.ChangeHash) ([]am.ChangeHash, error) {
	if *ix == nil {
		cur, err := d.ledgerIndex()
		if err != nil {
			return made, err
		}
		*ix = cur
	}
	return d.commitWrite("edit", at, func(w *amdoc.Writer) (string, error) {
		return ledger.AddEntry(w, e, *ix)
	}, made)
}

// commitEdit is Edit without reading the changes it made: it appends the
// hashes of its commits to made.
func (d *Doc) commitEdit(e model.Edit, at time.Time, made []am.ChangeHash) ([]am.ChangeHash, error) {
	fn, err := d.dispatch(e)
	if err != nil {
		return made, err
	}
	before := len(made)
	made, err = d.commitWrite("edit", at, fn, made)
	if err != nil || len(made) == before {
		return made, err
	}
	if e.AddEntry != nil {
		d.ixHeads = d.Heads() // AddEntry updated the index itself
	}
	return made, nil
}
