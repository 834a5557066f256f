package node

import (
	"context"

	"github.com/weftsync/weft/store"
)

// MemberOpCount counts the membership operations n stores for space, for
// tests checking that a refused join stored nothing.
func MemberOpCount(ctx context.Context, n *Node, space string) (int, error) {
	var c int
	err := n.db.View(ctx, func(tx *store.Tx) error {
		ops, err := tx.MemberOps(space)
		c = len(ops)
		return err
	})
	return c, err
}
