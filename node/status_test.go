package node_test

import (
	"testing"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
)

func TestStatusCountsWhatIsStored(t *testing.T) {
	n, opts := initNode(t, "Amina")
	ctx := t.Context()
	sp := must[node.Space](t)(n.CreateSpace(ctx, "Coalition"))
	must[string](t)(n.AddEntry(ctx, sp, model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: 1, Currency: "EUR"}))
	st := must[node.Status](t)(n.Status(ctx))
	if st.PeerID != n.PeerID() || st.Name != "Amina" || st.Home != opts.Home || st.Daemon {
		t.Fatalf("status = %+v", st)
	}
	if len(st.Spaces) != 1 {
		t.Fatalf("spaces = %+v", st.Spaces)
	}
	s := st.Spaces[0]
	// A calendar and a ledger; the ledger's creation and one entry.
	if s.ID != sp.ID || s.Name != "Coalition" || s.Members != 1 || s.Documents != 2 || s.Changes != 3 || s.Held != 0 {
		t.Fatalf("space status = %+v", s)
	}
	if st.Unsent != 3 || st.Quarantined != 0 {
		t.Fatalf("unsent %d, quarantined %d", st.Unsent, st.Quarantined)
	}
}
