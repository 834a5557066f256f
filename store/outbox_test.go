package store

import (
	"fmt"
	"testing"
)

// storeLinear stores n changes of doc, labelled c0 … c(n-1), one actor's
// linear history, and returns their hashes: the outbox queues only stored
// changes (migration 0006).
func storeLinear(t *testing.T, db *DB, doc string, n int) [][32]byte {
	t.Helper()
	hashes := make([][32]byte, n)
	update(t, db, func(tx *Tx) error {
		for i := range n {
			var deps []string
			if i > 0 {
				deps = []string{fmt.Sprint("c", i-1)}
			}
			c := ch(doc, fmt.Sprint("c", i), "A", uint64(i+1), uint64(i+1), 1, deps...)
			if _, err := tx.AddChange(c); err != nil {
				return err
			}
			hashes[i] = c.Hash
		}
		return nil
	})
	return hashes
}

// TestMigrateOutboxByChange brings a home made by the schema before
// migration 0006 (an outbox with its own row numbers and a unique index
// by (doc, hash)) up to date: every queued row whose change is stored
// survives, now in the changes' order, under its change's n; a row whose
// change is not stored is not carried over; the index is gone; the
// migrated outbox deletes and queues as a new one does.
func TestMigrateOutboxByChange(t *testing.T) {
	db, s := testDB(t)
	hashes := storeLinear(t, db, "d", 10)
	update(t, db, func(tx *Tx) error { return tx.AddOutboxMany("d", hashes) })
	path := db.Path()
	db.Close()
	rawSQL(t, path,
		`CREATE TABLE old_outbox (n INTEGER PRIMARY KEY, doc BLOB NOT NULL, hash BLOB NOT NULL,
			blob BLOB NOT NULL, UNIQUE (doc, hash)) STRICT`,
		// Queued newest first, so that the old row numbers are not the
		// changes' order, and a row whose change is not stored.
		"INSERT INTO old_outbox (doc, hash, blob) SELECT doc, hash, blob FROM outbox ORDER BY n DESC",
		"INSERT INTO old_outbox (doc, hash, blob) SELECT doc, randomblob(32), blob FROM outbox LIMIT 1",
		"DROP TABLE outbox",
		"ALTER TABLE old_outbox RENAME TO outbox",
		"ALTER TABLE manifests DROP COLUMN ops", // migration 0008
		"PRAGMA user_version = 5")

	db = openUnlocked(t, path, s)
	var v, index, mismatched int
	if err := db.sql.QueryRow("PRAGMA user_version").Scan(&v); err != nil || v != SchemaVersion() || v < 6 {
		t.Fatalf("user_version %d (%v), want %d", v, err, SchemaVersion())
	}
	if err := db.sql.QueryRow("SELECT count(*) FROM sqlite_master WHERE tbl_name = 'outbox' AND type = 'index'").Scan(&index); err != nil || index != 0 {
		t.Fatalf("%d indexes on outbox after migrating (%v), want none", index, err)
	}
	if err := db.sql.QueryRow(`SELECT count(*) FROM outbox o LEFT JOIN changes c ON c.n = o.n
		WHERE c.doc IS NOT o.doc OR c.hash IS NOT o.hash`).Scan(&mismatched); err != nil || mismatched != 0 {
		t.Fatalf("%d outbox rows not under their change's n (%v)", mismatched, err)
	}
	view(t, db, func(tx *Tx) error {
		outboxIs(t, tx, "d", hashes) // the stray row is gone, the rest in the changes' order
		return nil
	})
	update(t, db, func(tx *Tx) error {
		return tx.DeleteOutbox(OutboxRow{Doc: "d", Hash: hashes[0]}, OutboxRow{Doc: "d", Hash: hashes[7]})
	})
	more := storeLinear(t, db, "e", 3)
	update(t, db, func(tx *Tx) error { return tx.AddOutboxMany("e", more) })
	update(t, db, func(tx *Tx) error { return tx.AddOutbox("e", more[1]) }) // queued already: no-op
	view(t, db, func(tx *Tx) error {
		got, err := tx.Outbox(100)
		if err != nil {
			return err
		}
		want := append(append(append([][32]byte{}, hashes[1:7]...), hashes[8:]...), more...)
		if len(got) != len(want) {
			t.Fatalf("%d outbox rows, want %d", len(got), len(want))
		}
		for i, r := range got {
			if r.Hash != want[i] {
				t.Fatalf("outbox row %d: %x, want %x", i, r.Hash[:4], want[i][:4])
			}
		}
		return nil
	})
}

// TestOutboxOnlyStored: a change that is not stored cannot be queued, and
// the transaction's other rows are not queued with it; a dropped change
// leaves the outbox with its row, so that the next change stored, which
// may take its n, is queued and published as its own.
func TestOutboxOnlyStored(t *testing.T) {
	db, _ := testDB(t)
	hashes := storeLinear(t, db, "d", 3)
	err := db.Update(t.Context(), func(tx *Tx) error {
		return tx.AddOutboxMany("d", [][32]byte{hashes[0], h("never stored")})
	})
	if err == nil {
		t.Fatal("queued a change that is not stored")
	}
	view(t, db, func(tx *Tx) error { outboxIs(t, tx, "d", nil); return nil })

	update(t, db, func(tx *Tx) error { return tx.AddOutboxMany("d", hashes) })
	update(t, db, func(tx *Tx) error {
		_, err := tx.DropChanges("d", [][32]byte{hashes[2]})
		return err
	})
	view(t, db, func(tx *Tx) error { outboxIs(t, tx, "d", hashes[:2]); return nil })
	// The newest change was dropped: the next one stored takes its n.
	next := ch("d", "next", "A", 3, 3, 1, "c1")
	update(t, db, func(tx *Tx) error {
		if _, err := tx.AddChange(next); err != nil {
			return err
		}
		return tx.AddOutbox("d", next.Hash)
	})
	view(t, db, func(tx *Tx) error {
		outboxIs(t, tx, "d", [][32]byte{hashes[0], hashes[1], next.Hash})
		return nil
	})
}

// TestWriterTempStoreInMemory: the writer's connections keep temporary
// storage, statement journals included, in memory (decision 0052), and
// still have automatic checkpoints off (decision 0033); readers are not
// changed.
func TestWriterTempStoreInMemory(t *testing.T) {
	db, _ := testDB(t)
	update(t, db, func(tx *Tx) error {
		var store, auto int
		if err := tx.one("PRAGMA temp_store", nil, &store); err != nil {
			return err
		}
		if err := tx.one("PRAGMA wal_autocheckpoint", nil, &auto); err != nil {
			return err
		}
		if store != 2 || auto != 0 {
			t.Fatalf("writer: temp_store %d, wal_autocheckpoint %d; want 2 (MEMORY) and 0", store, auto)
		}
		return nil
	})
}
