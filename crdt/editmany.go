package crdt

import (
	"fmt"
	"time"

	"github.com/weftsync/weft/crdt/model"
)

// EditMany makes edits in order, each as Edit makes it (validated against
// the document as the edits before it left it, one commit each, or several
// for a large text), and returns the raw change chunks of all of them, in
// order. It reads the new changes from the document once, at the end,
// where Edit reads them after every edit: Automerge finds the changes
// since given heads by walking the whole history, so a thousand Edits on a
// large document would cost a thousand walks.
//
// On an error the edits before the failing one stay committed in the Doc:
// the caller drops it and reloads from what it stored. The error is the
// failing edit's, as Edit returns it (check ErrPoisoned first), prefixed
// with its position.
func (d *Doc) EditMany(edits []model.Edit, at time.Time) ([][]byte, error) {
	if d.poison != nil {
		return nil, d.poison
	}
	old := d.am.Heads()
	for i, e := range edits {
		if err := d.commitEdit(e, at); err != nil {
			return nil, fmt.Errorf("edit %d of %d: %w", i+1, len(edits), err)
		}
	}
	return d.newChunks("edit", old)
}

// commitEdit is Edit without reading the changes it made.
func (d *Doc) commitEdit(e model.Edit, at time.Time) error {
	fn, err := d.dispatch(e)
	if err != nil {
		return err
	}
	wrote, err := d.commitWrite("edit", at, fn)
	if err != nil || !wrote {
		return err
	}
	if e.AddEntry != nil {
		d.ixHeads = d.Heads() // AddEntry updated the index itself
	}
	return nil
}
