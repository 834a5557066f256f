package node_test

import (
	"bytes"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/engine"
	"github.com/weftsync/weft/store"
)

// faultyPair makes A and B, members of one space, where A's engine has a
// fault injected for B's next ledger entry. It returns A's node, B's node,
// the space and B's bundle carrying that entry.
func faultyPair(t *testing.T, faultEnv string, cfg engine.Config) (*node.Node, *node.Node, node.Space, []byte) {
	t.Helper()
	ctx := t.Context()
	a, aOpts := initNode(t, "Amina")
	b, _ := initNode(t, "Bo")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Fund"))
	joinSpace(t, a, b, sp)
	must[string](t)(b.AddEntry(ctx, sp, model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: 500, Currency: "EUR"}))
	ledger := must[node.SpaceDetail](t)(b.SpaceDetail(ctx, sp)).Ledger
	changes := node.DocChanges(b, ledger)
	target := lastHash(t, changes)
	var bundle bytes.Buffer
	if err := b.ExportBundle(ctx, sp, &bundle); err != nil {
		t.Fatal(err)
	}
	// Reopen A with the fault injected into its engine.
	cfg.Env = append(os.Environ(), faultEnv+"="+target)
	aOpts.Engine = cfg
	a = reopen(t, a, aOpts)
	return a, b, sp, bundle.Bytes()
}

// TestEngineKillQuarantinesByAuthor: a change that kills the engine, and
// kills it again replayed alone in a fresh engine, is quarantined by its
// hash and its attested author (never by who forwarded it) and refused;
// everything else stays intact and local edits keep working.
func TestEngineKillQuarantinesByAuthor(t *testing.T) {
	ctx := t.Context()
	a, b, sp, bundle := faultyPair(t, faultKillEnv, engine.Config{})
	t.Cleanup(func() { b.Close() })
	before := must[[]node.LedgerEntry](t)(a.Entries(ctx, sp))

	_, err := a.ImportBundle(ctx, bytes.NewReader(bundle))
	if !errors.Is(err, node.ErrQuarantined) {
		t.Fatalf("import = %v, want ErrQuarantined", err)
	}
	q := must[[]store.Quarantined](t)(a.Quarantined(ctx))
	if len(q) != 1 || node.PeerID(q[0].Author) != b.PeerID() {
		t.Fatalf("quarantined = %+v, want one change by %s", q, b.PeerID())
	}
	if restarts := node.EngineRestarts(a); restarts < 2 {
		t.Fatalf("engine restarts = %d: the change was not replayed alone", restarts)
	}
	after := must[[]node.LedgerEntry](t)(a.Entries(ctx, sp))
	if len(after) != len(before) {
		t.Fatalf("the quarantined entry was stored: %d entries, had %d", len(after), len(before))
	}
	must[string](t)(a.AddEntry(ctx, sp, model.Entry{Date: "2026-11-26", Direction: "out", AmountMinor: 1, Currency: "EUR"}))
	if err := a.Verify(ctx); err != nil {
		t.Fatal(err)
	}
	// The same bundle again is refused without touching the engine.
	restarts := node.EngineRestarts(a)
	rep, err := a.ImportBundle(ctx, bytes.NewReader(bundle))
	if err != nil || rep.Added != 0 || rep.Refused != 1 {
		t.Fatalf("second import = %+v, %v; want the quarantined change refused", rep, err)
	}
	if node.EngineRestarts(a) != restarts {
		t.Fatal("the quarantined change reached the engine again")
	}
	// The author is quarantined too: its next change is refused.
	must[node.DocRef](t)(b.CreateCalendar(ctx, sp, "Campaign"))
	var next bytes.Buffer
	if err := b.ExportBundle(ctx, sp, &next); err != nil {
		t.Fatal(err)
	}
	rep, err = a.ImportBundle(ctx, &next)
	if err != nil || rep.Added != 0 || rep.Refused < 2 {
		t.Fatalf("import from the quarantined author = %+v, %v; want everything of theirs refused", rep, err)
	}
}

// TestEngineDeadlineQuarantinesNothing: an engine killed by its deadline
// says nothing about the input: the import fails, and nothing is quarantined.
func TestEngineDeadlineQuarantinesNothing(t *testing.T) {
	ctx := t.Context()
	a, _, sp, bundle := faultyPair(t, faultStallEnv, engine.Config{Deadline: 2 * time.Second})
	_, err := a.ImportBundle(ctx, bytes.NewReader(bundle))
	if err == nil || errors.Is(err, node.ErrQuarantined) {
		t.Fatalf("import with a stalled engine = %v, want a deadline failure, not quarantine", err)
	}
	if q := must[[]store.Quarantined](t)(a.Quarantined(ctx)); len(q) != 0 {
		t.Fatalf("quarantined after a deadline kill: %+v", q)
	}
	must[string](t)(a.AddEntry(ctx, sp, model.Entry{Date: "2026-11-26", Direction: "out", AmountMinor: 1, Currency: "EUR"}))
}

func lastHash(t *testing.T, changes [][]byte) string {
	t.Helper()
	if len(changes) == 0 {
		t.Fatal("no changes")
	}
	return hashHex(t, changes[len(changes)-1])
}
