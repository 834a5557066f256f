package node

import (
	"context"
	"testing"

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

// SetDocTotalOpsLimit sets, for the rest of t, the total of stored ops
// past which a node bars a document from its engine. Nodes opened after it
// take it.
func SetDocTotalOpsLimit(t testing.TB, limit uint64) {
	old := docTotalOpsLimit
	docTotalOpsLimit = limit
	t.Cleanup(func() { docTotalOpsLimit = old })
}

// EnginePID is the process ID of n's engine (0 when none runs).
func EnginePID(n *Node) int { return n.eng.PID() }

// DocTotalOps is the total of stored ops n's store keeps for doc.
func DocTotalOps(n *Node, doc string) uint64 {
	var m uint64
	_ = n.db.View(context.Background(), func(tx *store.Tx) (err error) {
		m, err = tx.DocTotalOps(doc)
		return err
	})
	return m
}
