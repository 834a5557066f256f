package node_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
)

// ledgerNode makes a node with a space whose ledger has the given number
// of entries, one change each, and returns the ledger's document ID.
func ledgerNode(t testing.TB, ctx context.Context, entries int) (*node.Node, node.Options, node.Space, string) {
	t.Helper()
	opts := node.Options{Home: t.TempDir(), NoPassphrase: true, Now: newClock().now}
	n, err := node.Init(ctx, opts, "Amina")
	if err != nil {
		t.Fatalf("init: %v", err)
	}
	t.Cleanup(func() { n.Close() })
	sp, err := n.CreateSpace(ctx, "Coalition")
	if err != nil {
		t.Fatal(err)
	}
	for i := range entries {
		e := model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: int64(100 + i), Currency: "EUR"}
		if _, err := n.AddEntry(ctx, sp, e); err != nil {
			t.Fatal(err)
		}
	}
	d, err := n.SpaceDetail(ctx, sp)
	if err != nil {
		t.Fatal(err)
	}
	return n, opts, sp, d.Ledger
}

// checkSnapshot fails unless doc's newest snapshot covers only stored
// changes and leaves fewer than SnapshotEvery uncovered.
func checkSnapshot(t *testing.T, n *node.Node, doc string) {
	t.Helper()
	covers, _, ok, err := node.NewestSnapshot(t.Context(), n, doc)
	if err != nil || !ok {
		t.Fatalf("newest snapshot: ok %v, %v", ok, err)
	}
	stored := must[[][32]byte](t)(node.StoredHashes(t.Context(), n, doc))
	for _, h := range covers {
		if !slices.Contains(stored, h) {
			t.Fatalf("snapshot covers %x, which is not stored", h)
		}
	}
	if len(stored)-len(covers) >= node.SnapshotEvery {
		t.Fatalf("snapshot covers %d of %d stored changes", len(covers), len(stored))
	}
}

func snapshotLoads(t *testing.T, n *node.Node) int {
	t.Helper()
	return must[int](t)(node.SnapshotLoads(n))
}

// TestLedgerSnapshot: a ledger of 2,500 entries gets a snapshot as it
// grows; reopened, it opens from the snapshot to the same entries. A newest
// snapshot that does not load, whatever the fault, makes the node load from
// the changes to the same entries; it is then dropped and a good one written
// in its place. A document opened from a snapshot takes edits.
func TestLedgerSnapshot(t *testing.T) {
	ctx := t.Context()
	n, opts, sp, doc := ledgerNode(t, ctx, 2500)
	checkSnapshot(t, n, doc)
	want := must[model.View](t)(node.DocView(ctx, n, doc))
	// reopenNode reopens n for the rest of the test, not only a subtest.
	reopenNode := func(st *testing.T, n *node.Node) *node.Node {
		st.Helper()
		m, err := node.Open(ctx, reopenAfterClose(st, n, opts))
		if err != nil {
			st.Fatalf("reopen: %v", err)
		}
		t.Cleanup(func() { m.Close() })
		return m
	}
	tests := []struct {
		name      string
		fault     func(t *testing.T, n *node.Node) // with n open; nil: none
		flip      bool                             // flip a byte of the row, n closed
		wantLoads int
	}{
		{name: "no fault", wantLoads: 1},
		{name: "row flipped behind the store", flip: true},
		{name: "covers a change it lacks", fault: func(t *testing.T, n *node.Node) {
			covers, data := newest(t, n, doc)
			stored := must[[][32]byte](t)(node.StoredHashes(ctx, n, doc))
			plant(t, n, doc, append(covers, stored[len(stored)-1]), data)
		}},
		{name: "covers a change not stored", fault: func(t *testing.T, n *node.Node) {
			covers, data := newest(t, n, doc)
			plant(t, n, doc, append(covers, [32]byte{1}), data)
		}},
		{name: "garbage data", fault: func(t *testing.T, n *node.Node) {
			covers, _ := newest(t, n, doc)
			plant(t, n, doc, covers, []byte("not a document"))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.fault != nil {
				tt.fault(t, n)
			}
			if tt.flip {
				closeNode(t, n)
				flipNewestSnapshot(t, opts.Home)
			}
			n = reopenNode(t, n)
			if got := must[model.View](t)(node.DocView(ctx, n, doc)); !reflect.DeepEqual(got, want) {
				t.Fatalf("view after reopening differs: %d entries, want %d", len(got.Ledger.Entries), len(want.Ledger.Entries))
			}
			if loads := snapshotLoads(t, n); loads != tt.wantLoads {
				t.Fatalf("snapshot loads = %d, want %d", loads, tt.wantLoads)
			}
			checkSnapshot(t, n, doc) // a bad one dropped, a good one written
			n = reopenNode(t, n)
			if got := must[model.View](t)(node.DocView(ctx, n, doc)); !reflect.DeepEqual(got, want) {
				t.Fatalf("view from the newest snapshot differs: %d entries, want %d", len(got.Ledger.Entries), len(want.Ledger.Entries))
			}
			if loads := snapshotLoads(t, n); loads != 1 {
				t.Fatalf("snapshot loads with the newest snapshot = %d, want 1", loads)
			}
		})
	}
	t.Run("edit after a load from the snapshot", func(t *testing.T) {
		// The first edit leases an actor and reloads, from the snapshot again.
		e := model.Entry{Date: "2026-11-27", Direction: "out", AmountMinor: 5, Currency: "EUR"}
		id := must[string](t)(n.AddEntry(ctx, sp, e))
		n = reopenNode(t, n)
		got := must[model.View](t)(node.DocView(ctx, n, doc)).Ledger.Entries
		if len(got) != len(want.Ledger.Entries)+1 || !slices.ContainsFunc(got, func(le model.Entry) bool { return le.ID == id }) {
			t.Fatalf("%d entries, want %d with %s", len(got), len(want.Ledger.Entries)+1, id)
		}
	})
}

func closeNode(t *testing.T, n *node.Node) {
	t.Helper()
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
}

// reopenAfterClose closes n and returns the options to open its home again.
func reopenAfterClose(t *testing.T, n *node.Node, opts node.Options) node.Options {
	closeNode(t, n)
	return opts
}

func newest(t *testing.T, n *node.Node, doc string) ([][32]byte, []byte) {
	t.Helper()
	covers, data, ok, err := node.NewestSnapshot(t.Context(), n, doc)
	if err != nil || !ok {
		t.Fatalf("newest snapshot: ok %v, %v", ok, err)
	}
	return covers, data
}

func plant(t *testing.T, n *node.Node, doc string, covers [][32]byte, data []byte) {
	t.Helper()
	if err := node.PutSnapshot(t.Context(), n, doc, covers, data); err != nil {
		t.Fatal(err)
	}
}

// flipNewestSnapshot flips one byte of the newest snapshot row's sealed
// blob with plain SQL, as an attacker with the file could.
func flipNewestSnapshot(t *testing.T, home string) {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(home, "weft.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var rowID int64
	var blob []byte
	if err := db.QueryRow("SELECT n, blob FROM snapshots ORDER BY n DESC LIMIT 1").Scan(&rowID, &blob); err != nil {
		t.Fatal(err)
	}
	blob[len(blob)/2] ^= 0x01
	if _, err := db.Exec("UPDATE snapshots SET blob = ? WHERE n = ?", blob, rowID); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkOpenLedger10k opens (loads and views) a ledger of 10,000
// entries that the engine does not hold, from its stored changes and from
// its newest snapshot and the changes since.
func BenchmarkOpenLedger10k(b *testing.B) {
	ctx := context.Background()
	n, _, _, doc := ledgerNode(b, ctx, 10000)
	for _, tt := range []struct {
		name         string
		fromSnapshot bool
	}{{"changes", false}, {"snapshot", true}} {
		b.Run(tt.name, func(b *testing.B) {
			for b.Loop() {
				v, err := node.FirstView(ctx, n, doc, tt.fromSnapshot)
				if err != nil || len(v.Ledger.Entries) != 10000 {
					b.Fatalf("view: %v", err)
				}
			}
			if loads, err := node.SnapshotLoads(n); err != nil || (loads > 0) != tt.fromSnapshot {
				b.Fatalf("snapshot loads = %d, %v", loads, err)
			}
		})
	}
}
