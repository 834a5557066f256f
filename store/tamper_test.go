package store

import (
	"database/sql"
	"errors"
	"testing"
)

// seedTamper fills a store with two documents, two spaces, an identity and
// a held change, then closes it.
func seedTamper(t *testing.T) (path string, s Sealer) {
	db, s := testDB(t)
	update(t, db, func(tx *Tx) error {
		for _, c := range []Change{
			ch("d", "a1", "A", 1, 1, 2),
			ch("d", "b1", "B", 1, 3, 1, "a1"),
			ch("d", "a2", "A", 2, 4, 1, "a1", "b1"),
			ch("other", "x1", "X", 1, 1, 1),
			ch("d", "held", "C", 2, 9, 1, "c1"),
		} {
			if _, err := tx.AddChange(c); err != nil {
				return err
			}
		}
		if err := tx.PutSpace("s1", []byte("one")); err != nil {
			return err
		}
		if err := tx.PutSpace("s2", []byte("two")); err != nil {
			return err
		}
		return tx.PutIdentity([]byte("secret identity"))
	})
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return db.Path(), s
}

// flipBlob flips one byte in the middle of a sealed value, behind the store.
func flipBlob(table, where string) func(*testing.T, *sql.DB) {
	return func(t *testing.T, raw *sql.DB) {
		var b []byte
		if err := raw.QueryRow("SELECT blob FROM " + table + " WHERE " + where).Scan(&b); err != nil {
			t.Fatal(err)
		}
		b[len(b)/2] ^= 0x01
		if _, err := raw.Exec("UPDATE "+table+" SET blob = ? WHERE "+where, b); err != nil {
			t.Fatal(err)
		}
	}
}

// execRaw runs statements behind the store.
func execRaw(stmts ...string) func(*testing.T, *sql.DB) {
	return func(t *testing.T, raw *sql.DB) {
		for _, s := range stmts {
			r, err := raw.Exec(s)
			if err != nil {
				t.Fatalf("%s: %v", s, err)
			}
			if n, _ := r.RowsAffected(); n == 0 {
				t.Fatalf("%s: no row changed", s)
			}
		}
	}
}

func TestTamperDetected(t *testing.T) {
	manifest := func(tx *Tx) error { return tx.VerifyManifest("d") }
	changes := func(tx *Tx) error { _, err := tx.Changes("d"); return err }
	space := func(tx *Tx) error { _, err := tx.Space("s1"); return err }
	spaces := func(tx *Tx) error { _, err := tx.Spaces(); return err }
	identity := func(tx *Tx) error { _, err := tx.Identity(); return err }
	held := func(tx *Tx) error { _, err := tx.Held("d"); return err }
	vv := func(tx *Tx) error { _, err := tx.VersionVector("d"); return err }
	const dDoc = "(SELECT doc FROM changes WHERE n = 1)"
	cases := []struct {
		name   string
		tamper func(*testing.T, *sql.DB)
		check  func(*Tx) error
	}{
		{"change row deleted", execRaw("DELETE FROM changes WHERE n = 2"), manifest},
		{"change row added", execRaw(`INSERT INTO changes (doc, hash, actor, seq, start_op, max_op, max_op_reachable, blob)
			SELECT ` + dDoc + `, hash, actor, seq, start_op, max_op, max_op_reachable, blob FROM changes WHERE n = 4`), manifest},
		{"seq altered", execRaw("UPDATE changes SET seq = 7 WHERE n = 3"), manifest},
		{"max_op_reachable altered", execRaw("UPDATE changes SET max_op_reachable = 99 WHERE n = 1"), manifest},
		{"dependency row deleted", execRaw("DELETE FROM change_deps WHERE (doc, hash, dep) = (SELECT doc, hash, dep FROM change_deps LIMIT 1)"), manifest},
		{"dependency row added", execRaw(`INSERT INTO change_deps (doc, hash, dep)
			SELECT doc, hash, hash FROM changes WHERE n = 1`), manifest},
		{"change blobs swapped", execRaw(`UPDATE changes SET blob = (SELECT blob FROM changes WHERE n = 1) WHERE n = 2`), changes},
		{"change blob moved to another doc", execRaw(`UPDATE changes SET blob = (SELECT blob FROM changes WHERE n = 4) WHERE n = 3`), changes},
		{"change blob flipped", flipBlob("changes", "n = 1"), changes},
		{"manifest flipped", flipBlob("manifests", "doc = "+dDoc), manifest},
		{"space blobs swapped", execRaw(`UPDATE spaces SET blob = (SELECT blob FROM spaces WHERE rowid =
			(SELECT max(rowid) FROM spaces)) WHERE rowid = (SELECT min(rowid) FROM spaces)`), spaces},
		{"space blobs exchanged", execRaw(`UPDATE spaces SET blob = CASE WHEN rowid = (SELECT min(rowid) FROM spaces)
			THEN (SELECT blob FROM spaces ORDER BY rowid DESC LIMIT 1) ELSE (SELECT blob FROM spaces ORDER BY rowid LIMIT 1) END`), space},
		{"identity flipped", flipBlob("identity", "id = 1"), identity},
		{"identity truncated", execRaw("UPDATE identity SET blob = x'0102'"), identity},
		{"held blob flipped", flipBlob("held", "n = 1"), held},
		{"actor blob swapped", execRaw(`UPDATE doc_actors SET blob = (SELECT blob FROM doc_actors WHERE rowid =
			(SELECT max(rowid) FROM doc_actors)) WHERE rowid = (SELECT min(rowid) FROM doc_actors)`), vv},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path, s := seedTamper(t)
			raw, err := sql.Open("sqlite3", "file:"+path)
			if err != nil {
				t.Fatal(err)
			}
			c.tamper(t, raw)
			raw.Close()
			db, err := Open(t.Context(), path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			db.Unlock(s)
			if err := db.View(t.Context(), c.check); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("err %v, want ErrCorrupt", err)
			}
		})
	}
}

func TestVerifyAll(t *testing.T) {
	cases := []struct {
		name   string
		tamper func(*testing.T, *sql.DB)
	}{
		{"manifest deleted", execRaw("DELETE FROM manifests")},
		{"one manifest deleted", execRaw("DELETE FROM manifests WHERE doc = (SELECT doc FROM changes WHERE n = 4)")},
		{"every change of a doc deleted", execRaw("DELETE FROM changes WHERE n = 4")},
		{"seq altered", execRaw("UPDATE changes SET seq = 7 WHERE n = 3")},
		{"dependency row deleted", execRaw("DELETE FROM change_deps WHERE (doc, hash, dep) = (SELECT doc, hash, dep FROM change_deps LIMIT 1)")},
		{"dependency row added", execRaw(`INSERT INTO change_deps (doc, hash, dep) SELECT doc, hash, hash FROM changes WHERE n = 1`)},
		{"manifests swapped", execRaw(`UPDATE manifests SET doc = CAST(x'00' || doc AS BLOB)`)},
		{"dependency of a stored change deleted", execRaw("DELETE FROM changes WHERE n = 1")},
		{"change row added", execRaw(`INSERT INTO changes (doc, hash, actor, seq, start_op, max_op, max_op_reachable, blob)
			SELECT doc, CAST(x'00' || hash AS BLOB), actor, seq + 10, start_op, max_op, max_op_reachable, blob FROM changes WHERE n = 4`)},
	}
	t.Run("intact", func(t *testing.T) {
		path, s := seedTamper(t)
		db, err := Open(t.Context(), path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		db.Unlock(s)
		if err := db.VerifyAll(t.Context()); err != nil {
			t.Fatal(err)
		}
		if err := db.IntegrityCheck(t.Context()); err != nil {
			t.Fatal(err)
		}
	})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path, s := seedTamper(t)
			raw, err := sql.Open("sqlite3", "file:"+path)
			if err != nil {
				t.Fatal(err)
			}
			c.tamper(t, raw)
			raw.Close()
			db, err := Open(t.Context(), path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			db.Unlock(s)
			if err := db.VerifyAll(t.Context()); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("err %v, want ErrCorrupt", err)
			}
		})
	}
}
