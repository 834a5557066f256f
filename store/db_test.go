package store

import (
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestOpenPragmasAndSchema(t *testing.T) {
	db, _ := testDB(t)
	pragmas := []struct {
		name string
		want string
	}{
		{"journal_mode", "wal"},
		{"synchronous", "2"},
		{"secure_delete", "1"},
		{"foreign_keys", "1"},
		{"busy_timeout", "10000"},
	}
	for _, p := range pragmas {
		t.Run(p.name, func(t *testing.T) {
			var got string
			if err := db.sql.QueryRow("PRAGMA " + p.name).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if !strings.EqualFold(got, p.want) {
				t.Fatalf("PRAGMA %s = %s, want %s", p.name, got, p.want)
			}
		})
	}
	t.Run("user_version", func(t *testing.T) {
		var v int
		if err := db.sql.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
			t.Fatal(err)
		}
		if v != SchemaVersion() || v < 1 {
			t.Fatalf("user_version %d, want %d", v, SchemaVersion())
		}
	})
	t.Run("strict", func(t *testing.T) {
		rows, err := db.sql.Query("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			var name, sql string
			if err := rows.Scan(&name, &sql); err != nil {
				t.Fatal(err)
			}
			n++
			opts := sql[strings.LastIndex(sql, ")")+1:] // table options: STRICT, maybe WITHOUT ROWID
			if !slices.Contains(strings.Fields(strings.ReplaceAll(opts, ",", " ")), "STRICT") {
				t.Errorf("table %s is not STRICT: %s", name, sql)
			}
		}
		if n < 15 {
			t.Fatalf("only %d tables", n)
		}
	})
	t.Run("file mode", func(t *testing.T) {
		fi, err := os.Stat(db.Path())
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Fatalf("mode %v", fi.Mode().Perm())
		}
	})
	t.Run("immediate", func(t *testing.T) {
		// Update holds the write lock from BEGIN, before writing anything:
		// another connection cannot begin a write meanwhile.
		update(t, db, func(*Tx) error {
			raw, err := sql.Open("sqlite3", "file:"+db.Path()+"?_busy_timeout=0")
			if err != nil {
				return err
			}
			defer raw.Close()
			if _, err := raw.Exec("BEGIN IMMEDIATE"); !errors.Is(busy(err), ErrBusy) {
				t.Fatalf("second writer began: %v", err)
			}
			return nil
		})
	})
	t.Run("readers deferred", func(t *testing.T) {
		// View takes no write lock: a writer elsewhere begins and commits
		// while it is open (the driver applies _txlock to every BEGIN, so
		// readers have a pool of their own).
		err := db.View(t.Context(), func(tx *Tx) error {
			if _, err := tx.Peers(); err != nil {
				return err
			}
			raw, err := sql.Open("sqlite3", "file:"+db.Path()+"?_busy_timeout=0")
			if err != nil {
				return err
			}
			defer raw.Close()
			if _, err := raw.Exec("BEGIN IMMEDIATE"); err != nil {
				t.Fatalf("a writer could not begin beside a reader: %v", err)
			}
			_, err = raw.Exec("COMMIT")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestOpenRefuses(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name string
		path string
		want error
	}{
		{"missing parent", filepath.Join(dir, "nope", "weft.db"), os.ErrNotExist},
		{"folder", dir, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db, err := Open(t.Context(), c.path)
			if err == nil {
				db.Close()
				t.Fatal("opened")
			}
			if c.want != nil && !errors.Is(err, c.want) {
				t.Fatalf("err %v, want %v", err, c.want)
			}
		})
	}
}

func TestOpenOddPaths(t *testing.T) {
	for _, name := range []string{"a?b.db", "a#b.db", "a%20b.db", "with space.db"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			db, err := Open(t.Context(), filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			db.Unlock(newTestSealer(t))
			update(t, db, func(tx *Tx) error { return tx.PutSpace("s", []byte("x")) })
			entries, _ := os.ReadDir(dir)
			if len(entries) == 0 || entries[0].Name() != name {
				t.Fatalf("files %v, want %s", entries, name)
			}
		})
	}
}

func TestOpenTightensMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "weft.db")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	db, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fi, _ := os.Stat(path)
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", fi.Mode().Perm())
	}
}

func TestReopenKeepsInstanceAndSchema(t *testing.T) {
	db, s := testDB(t)
	var id1, id2 []byte
	view(t, db, func(tx *Tx) (err error) { id1, err = tx.InstanceID(); return err })
	db = reopen(t, db, s)
	view(t, db, func(tx *Tx) (err error) { id2, err = tx.InstanceID(); return err })
	if len(id1) != 16 || string(id1) != string(id2) {
		t.Fatalf("instance id %x then %x", id1, id2)
	}
}

func TestOpenTooNew(t *testing.T) {
	db, _ := testDB(t)
	db.Close()
	rawSQL(t, db.Path(), "PRAGMA user_version = 999")
	db2, err := Open(t.Context(), db.Path())
	if !errors.Is(err, ErrTooNew) {
		if db2 != nil {
			db2.Close()
		}
		t.Fatalf("err %v, want ErrTooNew", err)
	}
}

func TestCloseIdempotent(t *testing.T) {
	db, _ := testDB(t)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestLockedAndKeyring(t *testing.T) {
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "weft.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.View(t.Context(), func(tx *Tx) error { _, err := tx.Keyring(); return err })
	if !errors.Is(err, ErrNotInitialized) {
		t.Fatalf("keyring before init: %v", err)
	}
	k := Keyring{KDF: "argon2id", Params: []byte("p"), WrappedKey: []byte("wrapped"), KeyID: 7, Created: 42}
	update(t, db, func(tx *Tx) error { return tx.PutKeyring(k) })
	locked := map[string]func(*Tx) error{
		"identity":   func(tx *Tx) error { _, err := tx.Identity(); return err },
		"put space":  func(tx *Tx) error { return tx.PutSpace("s", nil) },
		"add change": func(tx *Tx) error { _, err := tx.AddChange(ch("d", "a1", "A", 1, 1, 1)); return err },
		"changes":    func(tx *Tx) error { _, err := tx.Changes("d"); return err },
		"peers":      func(tx *Tx) error { _, err := tx.Peers(); return err },
	}
	for name, fn := range locked {
		t.Run(name, func(t *testing.T) {
			if err := db.Update(t.Context(), fn); !errors.Is(err, ErrLocked) {
				t.Fatalf("err %v, want ErrLocked", err)
			}
		})
	}
	view(t, db, func(tx *Tx) error {
		got, err := tx.Keyring()
		if err != nil || got.KDF != k.KDF || string(got.WrappedKey) != "wrapped" || got.KeyID != 7 || got.Created != 42 {
			t.Fatalf("keyring %+v, %v", got, err)
		}
		_, err = tx.InstanceID()
		return err
	})
	t.Run("bad kdf", func(t *testing.T) {
		err := db.Update(t.Context(), func(tx *Tx) error { return tx.PutKeyring(Keyring{KDF: "md5", WrappedKey: []byte("k")}) })
		if err == nil {
			t.Fatal("accepted")
		}
	})
}

func TestViewIsReadOnly(t *testing.T) {
	db, _ := testDB(t)
	err := db.View(t.Context(), func(tx *Tx) error { return tx.PutSpace("s", []byte("x")) })
	if !errors.Is(err, ErrReadOnly) {
		t.Fatalf("err %v, want ErrReadOnly", err)
	}
}
