package store

import (
	"slices"
	"testing"
)

// TestMigrateChangeDeps brings a store made before migration 0004 (a
// change_deps table with a rowid and an index by dependency) up to date:
// every dependency row survives the rebuild (the manifests, which digest
// them, still verify), the index is gone, and dropping a change still
// finds its descendants.
func TestMigrateChangeDeps(t *testing.T) {
	const d = "doc"
	db, s := testDB(t)
	a1 := ch(d, "a1", "A", 1, 1, 1)
	b1 := ch(d, "b1", "B", 1, 2, 1, "a1")
	a2 := ch(d, "a2", "A", 2, 2, 1, "a1")
	m1 := ch(d, "m1", "B", 2, 3, 1, "b1", "a2")
	update(t, db, func(tx *Tx) error {
		for _, c := range []Change{a1, b1, a2, m1} {
			if _, err := tx.AddChange(c); err != nil {
				return err
			}
		}
		return nil
	})
	path := db.Path()
	db.Close()
	rawSQL(t, path,
		`CREATE TABLE old_deps (doc BLOB NOT NULL, hash BLOB NOT NULL, dep BLOB NOT NULL,
			PRIMARY KEY (doc, hash, dep)) STRICT`,
		"INSERT INTO old_deps SELECT doc, hash, dep FROM change_deps",
		// Before migration 0005 every dependency had its row.
		`INSERT INTO old_deps SELECT s.doc, s.hash, p.hash FROM changes s JOIN changes p
			ON p.doc = s.doc AND p.actor = s.actor AND p.seq = s.seq - 1 WHERE s.prev_dep = 1`,
		"ALTER TABLE changes DROP COLUMN prev_dep",
		"DROP TABLE change_deps",
		"ALTER TABLE old_deps RENAME TO change_deps",
		"CREATE INDEX change_deps_dep ON change_deps (doc, dep)",
		"ALTER TABLE manifests DROP COLUMN ops", // migration 0008
		"PRAGMA user_version = 3")

	db = openUnlocked(t, path, s)
	if err := db.VerifyAll(t.Context()); err != nil {
		t.Fatalf("verify after migrating: %v", err)
	}
	var rows, index int
	if err := db.sql.QueryRow("SELECT count(*) FROM change_deps").Scan(&rows); err != nil || rows != 4 {
		t.Fatalf("%d dependency rows after migrating (%v), want 4", rows, err)
	}
	if err := db.sql.QueryRow("SELECT count(*) FROM sqlite_master WHERE name = 'change_deps_dep'").Scan(&index); err != nil || index != 0 {
		t.Fatalf("change_deps_dep still there (%d, %v)", index, err)
	}
	var dropped [][32]byte
	update(t, db, func(tx *Tx) (err error) {
		dropped, err = tx.DropChanges(d, [][32]byte{h("a2")})
		return err
	})
	if want := [][32]byte{h("a2"), h("m1")}; !slices.Equal(dropped, want) {
		t.Fatalf("dropped %x, want a2, m1", dropped)
	}
	if err := db.VerifyAll(t.Context()); err != nil {
		t.Fatalf("verify after the drop: %v", err)
	}
}
