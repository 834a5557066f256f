package ledgerhist

import (
	"errors"
	"fmt"

	"github.com/weftsync/weft/node/wire"
)

// Event actions, as crdt/ledger names them.
const (
	Recorded = "recorded" // the entry appeared
	Deleted  = "deleted"  // the entry disappeared
	Altered  = "altered"  // a field's value changed after the entry was recorded
	Restored = "restored" // a deleted entry's ID appeared again
)

// Event is one thing that happened to one entry in a ledger's history.
type Event struct {
	Change  int    // index of the change, in the slice given to History, that did it
	EntryID string // the entry's id field
	Action  string // Recorded, Deleted, Altered or Restored
	Field   string // for Altered: the field whose value changed
}

// Errors for changes handed over out of order, as the engine reports them.
var (
	// ErrNeverApplied: some change's dependencies are not all among the
	// changes given, so it could never be applied.
	ErrNeverApplied = errors.New("ledgerhist: change never applied")
	// ErrMissingDeps: the first change given has dependencies.
	ErrMissingDeps = errors.New("ledgerhist: first change has dependencies")
)

// History reads a ledger's stored changes in the order given (the order they
// were stored, dependencies first) and reports per change every entry
// recorded, deleted, altered or restored, exactly as crdt/ledger.History
// does: the document is compared, entry by entry, before and after each
// change. An entry is known by its id; when two list items carry the same
// id, only the first in list order is followed. As in the engine, a change
// given before its dependencies waits until they have all been given, and
// what it does is reported at the change that let it apply (but the first
// change must have none); a change given twice does nothing the second time.
//
// Cost: O(total ops) when every change touches a bounded number of entries,
// plus O(entries) for each change that sets the root's entries key.
func History(changes [][]byte) ([]Event, error) {
	r := newReplay()
	for i, raw := range changes {
		c, ops, err := wire.ParseChangeOps(raw)
		if err != nil {
			return nil, fmt.Errorf("ledgerhist: change %d: %w", i, err)
		}
		if err := r.load(i, pending{c: c, ops: ops, index: i}); err != nil {
			return nil, err
		}
	}
	if len(r.waiting) > 0 {
		return nil, fmt.Errorf("%w: change %d", ErrNeverApplied, r.waiting[0].index)
	}
	return r.events, nil
}
