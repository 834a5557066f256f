package node

import (
	"context"

	"github.com/weftsync/weft/crdt/model"
)

// EditIn makes edit e in doc itself, wherever doc continues: what a client
// that ignored a continuation would do.
func EditIn(ctx context.Context, n *Node, sp Space, doc string, e model.Edit) error {
	return n.update(ctx, func(tx *writeTx) error { return n.editDoc(ctx, tx, sp.ID, doc, e) })
}
