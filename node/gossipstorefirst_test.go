package node_test

import (
	"os"
	"slices"
	"sync"
	"testing"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/engine"
	"github.com/weftsync/weft/node/gossip"
	"github.com/weftsync/weft/node/replicate"
	"github.com/weftsync/weft/node/wire"
	"github.com/weftsync/weft/store"
)

// TestGossipStoredThenEngineRefuses: a gossiped change to a document B
// holds is committed before B's engine sees it (decision 0032); when the
// engine then dies on it, and again replayed alone, the change is dropped
// from B's store and quarantined by its attested author; B's ledger is as
// before, local edits keep working, and the same batch again is refused
// without reaching the engine.
func TestGossipStoredThenEngineRefuses(t *testing.T) {
	ctx := t.Context()
	a, _ := initNode(t, "Amina")
	b, bOpts := initNode(t, "Bo")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Fund"))
	joinSpace(t, a, b, sp)
	exchange(t, a, b, sp) // b holds the ledger
	ledger := must[node.SpaceDetail](t)(a.SpaceDetail(ctx, sp)).Ledger
	must[string](t)(a.AddEntry(ctx, sp, model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: 500, Currency: "EUR"}))
	changes := must[[]replicate.Change](t)(a.SyncLocal().Missing(ctx, sp.ID, ledger, nil))
	last := changes[len(changes)-1]
	target := hashHex(t, last.Raw)
	batch := gossip.Batch{Doc: ledger, Type: string(model.Ledger), Chunks: [][]byte{last.Raw}, Atts: [][]byte{last.Attestation}}

	// B's engine dies on the entry; OnStored shows the commit came first.
	var mu sync.Mutex
	var stored []string
	bOpts.OnStored = func(_, doc string, n int) {
		mu.Lock()
		defer mu.Unlock()
		stored = append(stored, doc)
	}
	bOpts.Engine = engine.Config{Env: append(os.Environ(), faultKillEnv+"="+target)}
	b = reopen(t, b, bOpts)
	before := must[[]node.LedgerEntry](t)(b.Entries(ctx, sp)) // loads the ledger in b's engine
	held := len(node.DocChanges(b, ledger))

	if _, err := node.GossipIngest(ctx, b, gossip.Delivered{Space: sp.ID, Batch: batch}); err != nil {
		t.Fatalf("gossip ingest: %v", err)
	}
	mu.Lock()
	committed := slices.Contains(stored, ledger)
	mu.Unlock()
	if !committed {
		t.Fatal("the change was not committed before the engine saw it (OnStored not called)")
	}
	if got := len(node.DocChanges(b, ledger)); got != held {
		t.Fatalf("b holds %d changes of the ledger, want %d: the refused change is still stored", got, held)
	}
	q := must[[]store.Quarantined](t)(b.Quarantined(ctx))
	if len(q) != 1 || node.PeerID(q[0].Author) != a.PeerID() || wire.HashHex(q[0].Hash) != target {
		t.Fatalf("quarantined = %+v, want the change %s by %s", q, target, a.PeerID())
	}
	if restarts := node.EngineRestarts(b); restarts < 2 {
		t.Fatalf("engine restarts = %d: the change was not replayed alone", restarts)
	}
	if after := must[[]node.LedgerEntry](t)(b.Entries(ctx, sp)); len(after) != len(before) {
		t.Fatalf("b's ledger has %d entries, had %d", len(after), len(before))
	}
	must[string](t)(b.AddEntry(ctx, sp, model.Entry{Date: "2026-11-26", Direction: "out", AmountMinor: 1, Currency: "EUR"}))
	if err := b.Verify(ctx); err != nil {
		t.Fatal(err)
	}
	// The same batch again is refused without touching the engine.
	restarts := node.EngineRestarts(b)
	if _, err := node.GossipIngest(ctx, b, gossip.Delivered{Space: sp.ID, Batch: batch}); err != nil {
		t.Fatalf("gossip ingest again: %v", err)
	}
	if node.EngineRestarts(b) != restarts || len(node.DocChanges(b, ledger)) != held+1 {
		t.Fatalf("the quarantined change was stored or reached the engine again (restarts %d, were %d)", node.EngineRestarts(b), restarts)
	}
}

// TestGossipGroupRefusedTakesDependents: two gossiped batches of one
// document in one transaction, the second built on the first; the engine
// dies on the first after the commit. Both are dropped from the store (the
// second depends on the first), only the first's change is quarantined,
// and the engine's copy holds neither: b's ledger shows what it showed.
func TestGossipGroupRefusedTakesDependents(t *testing.T) {
	ctx := t.Context()
	a, _ := initNode(t, "Amina")
	b, bOpts := initNode(t, "Bo")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Fund"))
	joinSpace(t, a, b, sp)
	exchange(t, a, b, sp)
	ledger := must[node.SpaceDetail](t)(a.SpaceDetail(ctx, sp)).Ledger
	for i := range 2 {
		must[string](t)(a.AddEntry(ctx, sp, model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: int64(100 + i), Currency: "EUR"}))
	}
	changes := must[[]replicate.Change](t)(a.SyncLocal().Missing(ctx, sp.ID, ledger, nil))
	first, second := changes[len(changes)-2], changes[len(changes)-1]
	target := hashHex(t, first.Raw)
	delivered := func(c replicate.Change) gossip.Delivered {
		return gossip.Delivered{Space: sp.ID, Batch: gossip.Batch{Doc: ledger, Type: string(model.Ledger),
			Chunks: [][]byte{c.Raw}, Atts: [][]byte{c.Attestation}}}
	}
	bOpts.Engine = engine.Config{Env: append(os.Environ(), faultKillEnv+"="+target)}
	b = reopen(t, b, bOpts)
	before := must[[]node.LedgerEntry](t)(b.Entries(ctx, sp))
	held := len(node.DocChanges(b, ledger))

	if _, err := node.GossipIngestAll(ctx, b, []gossip.Delivered{delivered(first), delivered(second)}); err != nil {
		t.Fatalf("gossip ingest of the group: %v", err)
	}
	if got := len(node.DocChanges(b, ledger)); got != held {
		t.Fatalf("b holds %d changes of the ledger, want %d: a refused change or its dependent is still stored", got, held)
	}
	q := must[[]store.Quarantined](t)(b.Quarantined(ctx))
	if len(q) != 1 || wire.HashHex(q[0].Hash) != target {
		t.Fatalf("quarantined = %+v, want the first change alone", q)
	}
	if after := must[[]node.LedgerEntry](t)(b.Entries(ctx, sp)); len(after) != len(before) {
		t.Fatalf("b's ledger shows %d entries, had %d: the engine kept a change the store dropped", len(after), len(before))
	}
	must[string](t)(b.AddEntry(ctx, sp, model.Entry{Date: "2026-11-26", Direction: "out", AmountMinor: 1, Currency: "EUR"}))
	if err := b.Verify(ctx); err != nil {
		t.Fatal(err)
	}
}
