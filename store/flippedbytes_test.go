package store

import (
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestThousandFlippedBytes flips 1,000 single bytes, one at a time, at
// random places in sealed values (changes, spaces, identity), behind the
// store's back, and checks every one is detected when the row is read.
func TestThousandFlippedBytes(t *testing.T) {
	db, _ := testDB(t)
	const docs, perDoc = 4, 10
	err := db.Update(t.Context(), func(tx *Tx) error {
		if err := tx.PutIdentity([]byte("identity seed and name")); err != nil {
			return err
		}
		for d := range docs {
			if err := tx.PutSpace(fmt.Sprintf("space-%d", d), []byte("a space record")); err != nil {
				return err
			}
			for i := range perDoc {
				if _, err := tx.AddChange(chain(fmt.Sprintf("doc-%d", d), i)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite3", db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	targets := []struct{ table, key, read string }{
		{"changes", "n", "changes"}, {"spaces", "space", "spaces"}, {"identity", "id", "identity"},
	}
	for i := range 1000 {
		tg := targets[rng.IntN(len(targets))]
		key, blob := randomRow(t, raw, tg.table, tg.key, rng)
		pos := rng.IntN(len(blob))
		flipped := append([]byte(nil), blob...)
		flipped[pos] ^= byte(1 + rng.IntN(255))
		setBlob(t, raw, tg.table, tg.key, key, flipped)
		if err := readAll(t, db, tg.read, docs); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("flip %d: byte %d of a %s value: read gave %v, want ErrCorrupt", i, pos, tg.table, err)
		}
		setBlob(t, raw, tg.table, tg.key, key, blob)
	}
	if err := readAll(t, db, "changes", docs); err != nil {
		t.Fatalf("after restoring every byte: %v", err)
	}
}

func randomRow(t *testing.T, raw *sql.DB, table, key string, rng *rand.Rand) (any, []byte) {
	t.Helper()
	rows, err := raw.Query("SELECT " + key + ", blob FROM " + table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var keys []any
	var blobs [][]byte
	for rows.Next() {
		var k any
		var b []byte
		if err := rows.Scan(&k, &b); err != nil {
			t.Fatal(err)
		}
		keys, blobs = append(keys, k), append(blobs, b)
	}
	i := rng.IntN(len(keys))
	return keys[i], blobs[i]
}

func setBlob(t *testing.T, raw *sql.DB, table, key string, k any, blob []byte) {
	t.Helper()
	if _, err := raw.Exec("UPDATE "+table+" SET blob = ? WHERE "+key+" = ?", blob, k); err != nil {
		t.Fatal(err)
	}
}

// readAll reads every row of one kind through the store.
func readAll(t *testing.T, db *DB, what string, docs int) error {
	t.Helper()
	return db.View(t.Context(), func(tx *Tx) error {
		switch what {
		case "spaces":
			_, err := tx.Spaces()
			return err
		case "identity":
			_, err := tx.Identity()
			return err
		}
		for d := range docs {
			if _, err := tx.Changes(fmt.Sprintf("doc-%d", d)); err != nil {
				return err
			}
		}
		return nil
	})
}
