package store

import (
	"testing"
)

// docOpsHistory stores, in doc "d", a history with two concurrent chains
// (actors A and B from a common change) and a merge: 3 + 5 + 4 + 2 = 14
// ops in all, while the highest op counter (MaxDocOps's measure) is 3 + 5
// + 2 = 10. Another document, "e", holds 7.
func docOpsHistory(t *testing.T, db *DB) {
	t.Helper()
	update(t, db, func(tx *Tx) error {
		for _, r := range []DocRow{{ID: "d", Space: "s", Type: "case", Created: 1}, {ID: "e", Space: "s", Type: "case", Created: 1}} {
			if err := tx.PutDoc(r); err != nil {
				return err
			}
		}
		for _, c := range []Change{
			ch("d", "a1", "A", 1, 1, 3),
			ch("d", "a2", "A", 2, 4, 5, "a1"),
			ch("d", "b1", "B", 1, 4, 4, "a1"),
			ch("e", "e1", "A", 1, 1, 7),
		} {
			if _, err := tx.AddChange(c); err != nil {
				return err
			}
		}
		return nil
	})
	update(t, db, func(tx *Tx) error { // a second transaction adds to the figure read back
		_, err := tx.AddChange(ch("d", "m1", "A", 3, 9, 2, "a2", "b1"))
		return err
	})
}

// wantDocOps checks DocTotalOps of d and e, and which are over limit.
func wantDocOps(t *testing.T, db *DB, d, e uint64, limit uint64, over ...string) {
	t.Helper()
	view(t, db, func(tx *Tx) error {
		for doc, want := range map[string]uint64{"d": d, "e": e} {
			got, err := tx.DocTotalOps(doc)
			if err != nil {
				return err
			}
			if got != want {
				t.Errorf("DocTotalOps(%s) = %d, want %d", doc, got, want)
			}
		}
		docs, err := tx.DocsOverOps(limit)
		if err != nil {
			return err
		}
		if len(docs) != len(over) {
			t.Fatalf("DocsOverOps(%d) = %v, want %v", limit, docs, over)
		}
		for i, o := range docs {
			if o.Doc != over[i] || (o.Doc == "d" && o.Ops != d) {
				t.Errorf("DocsOverOps(%d) = %v, want %v", limit, docs, over)
			}
		}
		return nil
	})
}

// TestDocTotalOps: a document's total of stored ops counts concurrent
// chains each in full, within a transaction, across transactions and a
// reopen; VerifyAll checks it; a drop takes the dropped changes' ops off.
func TestDocTotalOps(t *testing.T) {
	db, s := testDB(t)
	docOpsHistory(t, db)
	wantDocOps(t, db, 14, 7, 10, "d")
	db = reopen(t, db, s)
	wantDocOps(t, db, 14, 7, 10, "d")
	wantDocOps(t, db, 14, 7, 14)
	if err := db.VerifyAll(t.Context()); err != nil {
		t.Fatal(err)
	}
	update(t, db, func(tx *Tx) error {
		_, err := tx.DropChanges("d", [][32]byte{h("b1")}) // and m1, which depends on it
		return err
	})
	wantDocOps(t, db, 8, 7, 7, "d")
	if err := db.VerifyAll(t.Context()); err != nil {
		t.Fatal(err)
	}
	// A total altered behind the store's back fails the verification.
	path := db.Path()
	db.Close()
	rawSQL(t, path, "UPDATE manifests SET ops = ops - 1")
	db = openUnlocked(t, path, s)
	if err := db.VerifyAll(t.Context()); err == nil {
		t.Fatal("VerifyAll passed a manifest whose ops total is wrong")
	}
}

// TestMigrateDocTotalOps brings a store made before migration 0008 (no
// ops column) up to date: the totals are backfilled from the change rows.
func TestMigrateDocTotalOps(t *testing.T) {
	db, s := testDB(t)
	docOpsHistory(t, db)
	path := db.Path()
	db.Close()
	rawSQL(t, path, "ALTER TABLE manifests DROP COLUMN ops", "PRAGMA user_version = 7")
	db = openUnlocked(t, path, s)
	if err := db.VerifyAll(t.Context()); err != nil {
		t.Fatalf("verify after migrating: %v", err)
	}
	wantDocOps(t, db, 14, 7, 10, "d")
}
