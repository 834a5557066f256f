package node

import (
	"context"

	"github.com/weftsync/weft/crdt/model"
)

// SetDocOps makes n judge its local changes by an op budget of ops instead
// of store.MaxDocOps, so that tests reach it without building 300,000 ops.
func SetDocOps(n *Node, ops uint64) { n.docOps = ops }

// OpReserve is how many ops below the budget local edits stop.
const OpReserve = opReserve

// AddEntryTo records e in ledger, whichever ledger of the space that is:
// what a client that ignored a continuation would do.
func AddEntryTo(ctx context.Context, n *Node, sp Space, ledger string, e model.Entry) error {
	e.ID = model.NewItemID()
	return n.update(ctx, func(tx *writeTx) error {
		return n.editDoc(ctx, tx, sp.ID, ledger, model.Edit{AddEntry: &e})
	})
}
