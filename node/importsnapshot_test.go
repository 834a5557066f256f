package node_test

import (
	"testing"
	"time"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
)

// importEntries makes count plain ledger entries.
func importEntries(count int) []model.Entry {
	entries := make([]model.Entry, count)
	for i := range entries {
		entries[i] = model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: int64(100 + i), Currency: "EUR"}
	}
	return entries
}

// hasSnapshot reports whether doc has a snapshot, and checks that one
// covers exactly the changes stored.
func hasSnapshot(t *testing.T, n *node.Node, doc string) bool {
	t.Helper()
	covers, _, ok, err := node.NewestSnapshot(t.Context(), n, doc)
	if err != nil {
		t.Fatal(err)
	}
	if ok {
		if stored := must[[][32]byte](t)(node.StoredHashes(t.Context(), n, doc)); len(covers) != len(stored) {
			t.Fatalf("the snapshot covers %d changes, %d stored", len(covers), len(stored))
		}
	}
	return ok
}

// TestImportSnapshotWaits: a snapshot an import makes due is not written
// on the import's path but once the document's imports pause (decision
// 0047); another write of the document writes it at once, and so does an
// import once the snapshot has waited importMaxWait. Close with a
// snapshot waiting stops the timer and writes it, and the reopened node
// loads the ledger from it.
func TestImportSnapshotWaits(t *testing.T) {
	ctx := t.Context()
	setup := func(t *testing.T) (*node.Node, node.Options, node.Space, string) {
		n, opts := initNode(t, "Amina")
		sp := must[node.Space](t)(n.CreateSpace(ctx, "Tenants Union"))
		return n, opts, sp, must[node.SpaceDetail](t)(n.SpaceDetail(ctx, sp)).Ledger
	}
	t.Run("another write writes it", func(t *testing.T) {
		node.SetImportWaits(t, time.Hour, time.Hour)
		n, _, sp, doc := setup(t)
		for _, count := range []int{node.SnapshotEvery, 10} {
			must[node.LedgerImport](t)(n.AddEntries(ctx, sp, importEntries(count)))
			if hasSnapshot(t, n, doc) {
				t.Fatal("a snapshot was written after an import, while the imports go on")
			}
		}
		must[string](t)(n.AddEntry(ctx, sp, importEntries(1)[0]))
		if !hasSnapshot(t, n, doc) {
			t.Fatal("no snapshot after a single edit of a document whose snapshot waited")
		}
	})
	t.Run("written once the imports pause", func(t *testing.T) {
		node.SetImportWaits(t, 50*time.Millisecond, time.Hour)
		n, _, sp, doc := setup(t)
		must[node.LedgerImport](t)(n.AddEntries(ctx, sp, importEntries(node.SnapshotEvery)))
		for i := 0; !hasSnapshot(t, n, doc); i++ {
			if i == 600 {
				t.Fatal("no snapshot 30 s after the import")
			}
			time.Sleep(50 * time.Millisecond)
		}
		if node.PostponedRounds(n) == 0 {
			t.Fatal("the snapshot was written, but not by the postponed round")
		}
	})
	t.Run("an import writes it after the longest wait", func(t *testing.T) {
		node.SetImportWaits(t, time.Hour, 0)
		n, _, sp, doc := setup(t)
		must[node.LedgerImport](t)(n.AddEntries(ctx, sp, importEntries(node.SnapshotEvery)))
		if hasSnapshot(t, n, doc) {
			t.Fatal("a snapshot was written by the first import")
		}
		must[node.LedgerImport](t)(n.AddEntries(ctx, sp, importEntries(10)))
		if !hasSnapshot(t, n, doc) {
			t.Fatal("no snapshot after an import once the snapshot had waited importMaxWait")
		}
	})
	t.Run("close with a snapshot waiting", func(t *testing.T) {
		node.SetImportWaits(t, time.Hour, time.Hour)
		n, opts, sp, doc := setup(t)
		must[node.LedgerImport](t)(n.AddEntries(ctx, sp, importEntries(node.SnapshotEvery)))
		if hasSnapshot(t, n, doc) {
			t.Fatal("a snapshot was written after the import")
		}
		n = reopen(t, n, opts)
		if !hasSnapshot(t, n, doc) {
			t.Fatal("the snapshot that waited was not written at close")
		}
		if got := len(plainEntries(t, n, sp)); got != node.SnapshotEvery {
			t.Fatalf("%d entries after reopening, want %d", got, node.SnapshotEvery)
		}
		if loads := must[int](t)(node.SnapshotLoads(n)); loads != 1 {
			t.Fatalf("%d loads from a snapshot after reopening, want 1", loads)
		}
	})
}
