package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
)

// TestSyncOverNetwork runs two members' networks on 127.0.0.1: a change Bo
// makes reaches Amina's change stream, and POST /api/sync reports Bo's
// pull complete.
func TestSyncOverNetwork(t *testing.T) {
	a := startAPI(t)
	ctx := t.Context()
	spID := a.newSpace("Coalition")
	bo := newNode(t, "Bo")
	space := join(t, a.n, bo, spID)
	local := []string{"/ip4/127.0.0.1/tcp/0"}
	if err := a.n.Start(ctx, node.NetOptions{Listen: local}); err != nil {
		t.Fatal(err)
	}
	events := a.openStream()
	if ev := next(t, events); ev.event != "ready" {
		t.Fatalf("first event %+v, want ready", ev)
	}
	if err := bo.Start(ctx, node.NetOptions{Listen: local, Peers: a.n.Addrs()[:1]}); err != nil {
		t.Fatal(err)
	}
	id, err := bo.AddEntry(ctx, space, model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: 700, Currency: "EUR"})
	if err != nil {
		t.Fatal(err)
	}
	detail, err := a.n.SpaceDetail(ctx, space)
	if err != nil {
		t.Fatal(err)
	}
	waitForDoc(t, events, detail.Ledger, 10)
	var ents []struct{ ID, Amount string }
	a.call("GET", "/api/spaces/"+spID+"/ledger", nil, http.StatusOK, &ents)
	if len(ents) != 1 || ents[0].ID != id || ents[0].Amount != "7.00" {
		t.Fatalf("Amina's ledger = %+v", ents)
	}

	var res struct {
		Complete bool
		Message  string
		Peers    []struct {
			PeerID   string                   `json:"peer_id"`
			LastPull *struct{ Complete bool } `json:"last_pull"`
		}
	}
	a.call("POST", "/api/sync", map[string]any{}, http.StatusOK, &res)
	if !res.Complete || len(res.Peers) != 1 || res.Peers[0].PeerID != bo.PeerID() {
		t.Fatalf("sync = %+v", res)
	}
	var st struct{ Daemon bool }
	a.call("GET", "/api/status", nil, http.StatusOK, &st)
	if !st.Daemon {
		t.Fatalf("status while the network runs: %+v", st)
	}
}
