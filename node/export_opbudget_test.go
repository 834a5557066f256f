package node

import (
	"context"

	"github.com/weftsync/weft/store"
)

// DocMaxOp returns the highest op counter among the changes n stores for
// doc: what store.MaxDocOps bounds.
func DocMaxOp(n *Node, doc string) uint64 {
	var m uint64
	_ = n.db.View(context.Background(), func(tx *store.Tx) (err error) {
		m, err = tx.DocMaxOp(doc)
		return err
	})
	return m
}
