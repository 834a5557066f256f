package node

import (
	"context"

	"github.com/weftsync/weft/store"
)

// PutCut cuts actor out of doc's history above maxSeq in n's store, as a
// proof of equivocation does, without the proof (decision 0040's tests).
func PutCut(n *Node, doc string, actor []byte, maxSeq uint64) error {
	return n.db.Update(context.Background(), func(tx *store.Tx) error { return tx.PutCut(doc, actor, maxSeq) })
}

// ForgetTips empties n's cache of change hashes by (doc, actor, seq), as
// a node that has not made a request since it opened has it.
func ForgetTips(n *Node) {
	n.tips.mu.Lock()
	n.tips.m = nil
	n.tips.mu.Unlock()
}
