package node_test

import (
	"database/sql"
	"path/filepath"
	"testing"

	_ "github.com/mattn/go-sqlite3"
	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
)

// TestMigratedHomeKeepsOutbox: a home whose outbox has the table of
// schema 5 (its own row numbers, a unique (doc, hash) index), holding
// changes never published, opens with this build (migration 0006) with
// every one of them still queued, and queues the changes of a later
// import after them (decision 0052).
func TestMigratedHomeKeepsOutbox(t *testing.T) {
	ctx := t.Context()
	a, opts := initNode(t, "Amina")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Tenants Union"))
	entries := make([]model.Entry, 40)
	for i := range entries {
		entries[i] = model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: int64(100 + i), Currency: "EUR"}
	}
	must[node.LedgerImport](t)(a.AddEntries(ctx, sp, entries))
	queued := must[int](t)(node.OutboxLen(ctx, a))
	if queued < len(entries) {
		t.Fatalf("%d outbox rows after an import of %d", queued, len(entries))
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}

	raw, err := sql.Open("sqlite3", "file:"+filepath.Join(opts.Home, "weft.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{
		`CREATE TABLE old_outbox (n INTEGER PRIMARY KEY, doc BLOB NOT NULL, hash BLOB NOT NULL,
			blob BLOB NOT NULL, UNIQUE (doc, hash)) STRICT`,
		"INSERT INTO old_outbox (doc, hash, blob) SELECT doc, hash, blob FROM outbox ORDER BY n DESC",
		"DROP TABLE outbox",
		"ALTER TABLE old_outbox RENAME TO outbox",
		"ALTER TABLE manifests DROP COLUMN ops", // migration 0008
		"PRAGMA user_version = 5",
	} {
		if _, err := raw.Exec(s); err != nil {
			raw.Close()
			t.Fatalf("%s: %v", s, err)
		}
	}
	raw.Close()

	b, err := node.Open(ctx, opts)
	if err != nil {
		t.Fatalf("open a home of schema 5: %v", err)
	}
	t.Cleanup(func() { b.Close() })
	if n := must[int](t)(node.OutboxLen(ctx, b)); n != queued {
		t.Fatalf("%d outbox rows after migrating, want the %d queued before", n, queued)
	}
	must[node.LedgerImport](t)(b.AddEntries(ctx, sp, entries))
	if n := must[int](t)(node.OutboxLen(ctx, b)); n != queued+len(entries) {
		t.Fatalf("%d outbox rows after another import, want %d", n, queued+len(entries))
	}
	if f := must[[]node.Finding](t)(b.Audit(ctx, sp)); len(f) != 0 {
		t.Fatalf("audit after migrating: %d finding(s), first %+v", len(f), f[0])
	}
}
