package node

import (
	"context"
	"testing"

	"github.com/weftsync/weft/store"
)

// CheckFresh runs the background check of the new documents n stored
// before their round trip, all of them (decision 0049).
func CheckFresh(n *Node) error { return n.checkFresh(context.Background(), checkIdle, true) }

// MarkedUnchecked reports whether n's store marks doc as stored before its
// round-trip check.
func MarkedUnchecked(t testing.TB, n *Node, doc string) bool {
	t.Helper()
	var marked bool
	err := n.db.View(t.Context(), func(tx *store.Tx) (err error) {
		marked, err = tx.IsUnchecked(doc)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return marked
}

// SetFreshDeferOff makes new documents checked before their commit, as
// before decision 0049, until the test ends.
func SetFreshDeferOff(t testing.TB, off bool) {
	old := freshDeferOff.Swap(off)
	t.Cleanup(func() { freshDeferOff.Store(old) })
}

// StoredDocCount counts the documents n stores, in every space.
func StoredDocCount(t testing.TB, n *Node) int {
	t.Helper()
	count := 0
	err := n.db.View(t.Context(), func(tx *store.Tx) error {
		spaces, err := tx.Spaces()
		if err != nil {
			return err
		}
		for _, sp := range spaces {
			rows, err := tx.Docs(sp.ID)
			if err != nil {
				return err
			}
			count += len(rows)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return count
}
