package node_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/engine"
	"github.com/weftsync/weft/node/seal"
	"github.com/weftsync/weft/node/wire"
)

// ledgerNode makes a node with a space whose ledger has the given number
// of entries, one change each, and returns the ledger's document ID. The
// entries are recorded by a client of the node's own member in a second
// engine and ingested in batches: as many local edits, each its own durable
// transaction, would take minutes under -race.
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
	d, err := n.SpaceDetail(ctx, sp)
	if err != nil {
		t.Fatal(err)
	}
	for done := 0; done < entries; done += ingestBatch {
		chunks, atts := clientEntries(t, ctx, n, sp.ID, d.Ledger, done, min(ingestBatch, entries-done))
		res, err := n.Ingest(ctx, sp.ID, d.Ledger, chunks, atts)
		if err != nil || res.Stored != len(chunks) {
			t.Fatalf("ingest: %+v, %v", res, err)
		}
	}
	return n, opts, sp, d.Ledger
}

// ingestBatch is how many entries ledgerNode ingests at once.
const ingestBatch = 500

// clientEntries records count entries on top of doc's stored changes in
// an engine of its own, under a fresh actor, and returns the changes with
// attestations by n's member.
func clientEntries(t testing.TB, ctx context.Context, n *node.Node, space, doc string, from, count int) (chunks, atts [][]byte) {
	t.Helper()
	e := engine.New(engine.Config{})
	defer e.Close()
	if _, err := e.Load(ctx, doc, node.DocChanges(n, doc), seal.NewActor(node.IdentityOf(n).Public)); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	for i := range count {
		ent := model.Entry{ID: model.NewID(), Date: "2026-11-26", Direction: "in", AmountMinor: int64(100 + from + i), Currency: "EUR"}
		more, err := e.Edit(ctx, doc, model.Edit{AddEntry: &ent}, at)
		if err != nil {
			t.Fatal(err)
		}
		chunks = append(chunks, more...)
	}
	for _, raw := range chunks {
		c, err := wire.ParseChange(raw)
		if err != nil {
			t.Fatal(err)
		}
		atts = append(atts, seal.Attest(node.IdentityOf(n), space, doc, c.Actor, c.Seq, c.Hash).Marshal())
	}
	return chunks, atts
}

// checkSnapshot fails unless doc's newest snapshot covers only stored
// changes and leaves fewer than SnapshotGap uncovered.
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
	if len(stored)-len(covers) >= node.SnapshotGap(len(covers)) {
		t.Fatalf("snapshot covers %d of %d stored changes", len(covers), len(stored))
	}
}

func snapshotLoads(t *testing.T, n *node.Node) int {
	t.Helper()
	return must[int](t)(node.SnapshotLoads(n))
}

// TestLedgerSnapshot: a ledger of 2,500 entries gets a snapshot as it
// grows; reopened, it opens from the snapshot to the same view. A newest
// snapshot that does not load, whatever the fault, makes the node load from
// the changes to the same view; it is then dropped and a good one written
// in its place. A document opened from a snapshot takes edits.
func TestLedgerSnapshot(t *testing.T) {
	ctx := t.Context()
	n, opts, _, doc := ledgerNode(t, ctx, 2500)
	checkSnapshot(t, n, doc)
	want := must[model.View](t)(node.DocView(ctx, n, doc))

	n = reopen(t, n, opts)
	if got := must[model.View](t)(node.DocView(ctx, n, doc)); !reflect.DeepEqual(got, want) {
		t.Fatalf("view after reopening differs: %d entries, want %d", len(got.Ledger.Entries), len(want.Ledger.Entries))
	}
	if loads := snapshotLoads(t, n); loads != 1 {
		t.Fatalf("snapshot loads after reopening = %d, want 1", loads)
	}
	tests := []struct {
		name  string
		fault func(t *testing.T) // breaks the newest snapshot of doc
	}{
		{"row flipped behind the store", func(t *testing.T) { flipNewestSnapshot(t, opts.Home) }},
		{"covers a change it lacks", func(t *testing.T) {
			covers, data := newest(t, n, doc)
			stored := must[[][32]byte](t)(node.StoredHashes(ctx, n, doc))
			plant(t, n, doc, append(covers, stored[len(stored)-1]), data)
		}},
		{"covers a change not stored", func(t *testing.T) {
			covers, data := newest(t, n, doc)
			plant(t, n, doc, append(covers, [32]byte{1}), data)
		}},
		{"garbage data", func(t *testing.T) {
			covers, _ := newest(t, n, doc)
			plant(t, n, doc, covers, []byte("not a document"))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fault(t)
			if got := freshView(t, n, doc, 0); !reflect.DeepEqual(got, want) {
				t.Fatalf("view after the fault differs: %d entries, want %d", len(got.Ledger.Entries), len(want.Ledger.Entries))
			}
			checkSnapshot(t, n, doc) // the bad one dropped, a good one written
			if got := freshView(t, n, doc, 1); !reflect.DeepEqual(got, want) {
				t.Fatalf("view from the new snapshot differs: %d entries, want %d", len(got.Ledger.Entries), len(want.Ledger.Entries))
			}
		})
	}
	t.Run("edit after a load from the snapshot", func(t *testing.T) {
		// The first edit leases an actor and reloads, from the snapshot again.
		e := model.Entry{Date: "2026-11-27", Direction: "out", AmountMinor: 5, Currency: "EUR"}
		id := must[string](t)(n.AddEntry(ctx, must[node.Space](t)(n.ResolveSpace(ctx, "Coalition")), e))
		got := freshView(t, n, doc, 1).Ledger.Entries
		if len(got) != len(want.Ledger.Entries)+1 || !slices.ContainsFunc(got, func(le model.Entry) bool { return le.ID == id }) {
			t.Fatalf("%d entries, want %d with %s", len(got), len(want.Ledger.Entries)+1, id)
		}
	})
}

// freshView makes n's engine forget doc and reads it again, checking that
// the load made wantLoads loads from a snapshot.
func freshView(t *testing.T, n *node.Node, doc string, wantLoads int) model.View {
	t.Helper()
	if err := node.ForgetDoc(t.Context(), n, doc); err != nil {
		t.Fatal(err)
	}
	before := snapshotLoads(t, n)
	v := must[model.View](t)(node.DocView(t.Context(), n, doc))
	if loads := snapshotLoads(t, n) - before; loads != wantLoads {
		t.Fatalf("snapshot loads = %d, want %d", loads, wantLoads)
	}
	return v
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
	db, err := sql.Open("sqlite3", filepath.Join(home, "weft.db"))
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

// BenchmarkWriteSnapshot10k writes a snapshot of a 10,000-entry ledger: the
// engine saves it and checks it loads back, the node checks what it covers
// against the store and seals and stores it.
func BenchmarkWriteSnapshot10k(b *testing.B) {
	ctx := context.Background()
	n, _, _, doc := ledgerNode(b, ctx, 10000)
	for b.Loop() {
		if err := node.WriteSnapshot(ctx, n, doc); err != nil {
			b.Fatal(err)
		}
	}
}
