package node_test

import (
	"fmt"
	"testing"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
)

// TestFreshCheckedByRunningNetwork: a member whose network runs receives
// new documents from a peer (over 127.0.0.1) and stores them before their
// round trip; the network's checker then checks them all, in groups, once
// they stop arriving: none stays marked or remembered unchecked, and the
// engine made a round trip for each.
func TestFreshCheckedByRunningNetwork(t *testing.T) {
	ctx := t.Context()
	a, _ := serveNode(t, "Amina")
	b, _ := serveNode(t, "Bo")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Fund"))
	joinSpace(t, a, b, sp)
	const cases = 40
	ids := make([]string, cases)
	for i := range ids {
		ids[i] = must[string](t)(a.AddCase(ctx, sp, model.CaseStudy{Titles: map[string]string{"en": fmt.Sprint("Case ", i)}}))
	}
	trips := must[int](t)(node.EngineRoundTrips(b))
	servePair(t, a, b)
	if err := b.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}
	eventually(t, "b holds every case, checked", func() error {
		for _, id := range ids {
			if len(node.DocChanges(b, id)) == 0 {
				return fmt.Errorf("%s not stored", id)
			}
			if node.MarkedUnchecked(t, b, id) || node.Unchecked(b, id) != 0 {
				return fmt.Errorf("%s still unchecked", id)
			}
		}
		return nil
	})
	if got := must[int](t)(node.EngineRoundTrips(b)) - trips; got < cases {
		t.Fatalf("%d round trips for %d new documents, want one each at least", got, cases)
	}
}
