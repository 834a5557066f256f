package store

import (
	"errors"
	"testing"
)

// TestEachChange: EachChange hands doc's stored changes in stored order,
// as Changes returns them (no other document's), and stops with fn's own
// error.
func TestEachChange(t *testing.T) {
	db, _ := testDB(t)
	in := []Change{
		ch("d", "a1", "A", 1, 1, 2),
		ch("other", "x1", "A", 1, 1, 1),
		ch("d", "b1", "B", 1, 3, 1, "a1"),
		ch("d", "a2", "A", 2, 4, 1, "a1", "b1"),
	}
	addChanges(t, db, in...)
	view(t, db, func(tx *Tx) error {
		got, want := eachAndChanges(t, tx, "d", 3)
		for i := range got {
			if got[i].Hash != want[i].Hash || string(got[i].Raw) != string(want[i].Raw) || got[i].Seq != want[i].Seq {
				t.Fatalf("change %d: %+v, want %+v", i, got[i], want[i])
			}
		}
		stop := errors.New("enough")
		n := 0
		err := tx.EachChange("d", func(Change) error { n++; return stop })
		if !errors.Is(err, stop) || n != 1 {
			t.Fatalf("stopped read = %v after %d changes, want fn's error after 1", err, n)
		}
		return nil
	})
}

// addChanges stores cs in one transaction, failing the test on any error.
func addChanges(t *testing.T, db *DB, cs ...Change) {
	t.Helper()
	update(t, db, func(tx *Tx) error {
		for _, c := range cs {
			if _, err := tx.AddChange(c); err != nil {
				return err
			}
		}
		return nil
	})
}

// eachAndChanges returns what EachChange hands for doc and what Changes
// returns, after checking that both hold n changes.
func eachAndChanges(t *testing.T, tx *Tx, doc string, n int) (got, want []Change) {
	t.Helper()
	want, err := tx.Changes(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.EachChange(doc, func(c Change) error { got = append(got, c); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != n || len(want) != n {
		t.Fatalf("%d changes handed, Changes has %d; want %d", len(got), len(want), n)
	}
	return got, want
}
