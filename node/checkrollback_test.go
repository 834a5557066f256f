package node_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/replicate"
)

// TestRolledBackApplyForgetsItsUnchecked: a change received into a
// document large enough that its round trip is deferred is applied
// unchecked in the ingest's transaction; when that transaction rolls back
// the change was never stored, so it is not remembered as unchecked
// either. Sent again, it is stored and remembered, once.
func TestRolledBackApplyForgetsItsUnchecked(t *testing.T) {
	ctx := t.Context()
	a, _ := initNode(t, "Amina")
	b, _ := initNode(t, "Bo")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Fund"))
	joinSpace(t, a, b, sp)
	for i := range 20 { // large enough that the check is deferred
		must[string](t)(a.AddEvent(ctx, sp, "", meeting(fmt.Sprintf("Assembly %d", i))))
	}
	exchange(t, a, b, sp)
	cal := must[node.SpaceDetail](t)(a.SpaceDetail(ctx, sp)).Calendars[0].ID
	must[string](t)(b.AddEvent(ctx, sp, cal, meeting("Picnic")))
	changes := must[[]replicate.Change](t)(b.SyncLocal().Missing(ctx, sp.ID, cal, nil))
	last := changes[len(changes)-1]
	ingest := func() (node.IngestResult, error) {
		return a.Ingest(ctx, sp.ID, cal, [][]byte{last.Raw}, [][]byte{last.Attestation})
	}

	stop := node.FailCommits(t, a, func() error { return errors.New("the disk is full") })
	if _, err := ingest(); err == nil {
		t.Fatal("premise: the ingest committed")
	}
	stop()
	if n := node.Unchecked(a, cal); n != 0 {
		t.Fatalf("after the rolled back ingest: %d changes remembered unchecked, want none", n)
	}
	if res, err := ingest(); err != nil || res.Stored != 1 {
		t.Fatalf("ingest sent again = %+v, %v; want it stored", res, err)
	}
	if n := node.Unchecked(a, cal); n != 1 {
		t.Fatalf("premise: %d changes remembered unchecked after the ingest, want 1 (applied without its round trip)", n)
	}
}
