package node_test

import (
	"testing"

	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/replicate"
)

// TestCalendarNameBySync: a calendar first received by sync (whose frames
// carry no metadata) has its name, read from the document itself.
func TestCalendarNameBySync(t *testing.T) {
	ctx := t.Context()
	sp, a, b, _ := threeMembers(t)
	ref := must[node.DocRef](t)(a.CreateCalendar(ctx, sp, "Campaign 2027"))
	pa, pb := newSyncPeer(t, "a", a, replicate.Options{}), newSyncPeer(t, "b", b, replicate.Options{})
	connect(t, pa, pb)
	if rep := pull(t, pb, pa); rep.Ingested().Stored == 0 {
		t.Fatalf("b's pull stored nothing: %+v", rep)
	}
	cals := must[[]node.DocRef](t)(b.Calendars(ctx, sp))
	for _, c := range cals {
		if c.ID == ref.ID {
			if c.Name != "Campaign 2027" {
				t.Fatalf("calendar received by sync is named %q", c.Name)
			}
			return
		}
	}
	t.Fatalf("b lacks the calendar: %+v", cals)
}
