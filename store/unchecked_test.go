package store

import (
	"errors"
	"slices"
	"testing"

	"github.com/weftsync/weft/crdt/model"
)

// TestUncheckedMarks: documents marked unchecked are listed by ID (also
// after reopening), marking twice changes nothing, clearing removes only
// the documents named, and a mark whose record is gone is not listed.
func TestUncheckedMarks(t *testing.T) {
	db, s := testDB(t)
	docs := []string{"d1", "d2", "d3"}
	update(t, db, func(tx *Tx) error {
		for _, d := range docs {
			if err := tx.PutDoc(DocRow{ID: d, Space: "s", Type: model.Case}); err != nil {
				return err
			}
		}
		if err := tx.MarkUnchecked(docs); err != nil {
			return err
		}
		return tx.MarkUnchecked(docs[:1]) // again
	})
	listed := func(db *DB) []string {
		t.Helper()
		var out []string
		view(t, db, func(tx *Tx) (err error) {
			out, err = tx.UncheckedDocs()
			return err
		})
		slices.Sort(out)
		return out
	}
	if got := listed(db); !slices.Equal(got, docs) {
		t.Fatalf("unchecked %v, want %v", got, docs)
	}
	db = reopen(t, db, s)
	if got := listed(db); !slices.Equal(got, docs) {
		t.Fatalf("after reopening: unchecked %v, want %v", got, docs)
	}
	update(t, db, func(tx *Tx) error { return tx.ClearUnchecked("d2", "never marked") })
	if got := listed(db); !slices.Equal(got, []string{"d1", "d3"}) {
		t.Fatalf("after clearing d2: %v", got)
	}
	view(t, db, func(tx *Tx) error {
		for d, want := range map[string]bool{"d1": true, "d2": false} {
			if got, err := tx.IsUnchecked(d); err != nil || got != want {
				t.Errorf("IsUnchecked(%s) = %v, %v; want %v", d, got, err, want)
			}
		}
		return nil
	})
	rawSQL(t, db.Path(), "DELETE FROM docs WHERE rowid IN (SELECT rowid FROM docs LIMIT 1)")
	if got := listed(db); len(got) != 1 {
		t.Fatalf("a mark without its record listed: %v", got)
	}
	err := db.View(t.Context(), func(tx *Tx) error { return tx.MarkUnchecked(docs) })
	if err == nil {
		t.Fatal("MarkUnchecked in a read transaction")
	}
}

// TestDropDocIfEmpty: a document with a stored change keeps its record;
// once its every change is dropped, the record and its mark go, the store
// still verifies, and the document can be stored again as new.
func TestDropDocIfEmpty(t *testing.T) {
	const d = "doc"
	db, _ := testDB(t)
	a1 := ch(d, "a1", "A", 1, 1, 1)
	a2 := ch(d, "a2", "A", 2, 2, 1, "a1")
	update(t, db, func(tx *Tx) error {
		if err := tx.PutDoc(DocRow{ID: d, Space: "s", Type: model.Case}); err != nil {
			return err
		}
		for _, c := range []Change{a1, a2} {
			if _, err := tx.AddChange(c); err != nil {
				return err
			}
		}
		return tx.MarkUnchecked([]string{d})
	})
	update(t, db, func(tx *Tx) error {
		if _, err := tx.DropChanges(d, [][32]byte{h("a2")}); err != nil {
			return err
		}
		if gone, err := tx.DropDocIfEmpty(d); err != nil || gone {
			t.Errorf("DropDocIfEmpty with a1 stored = %v, %v; want the record kept", gone, err)
		}
		if _, err := tx.DropChanges(d, [][32]byte{h("a1")}); err != nil {
			return err
		}
		gone, err := tx.DropDocIfEmpty(d)
		if err != nil || !gone {
			t.Errorf("DropDocIfEmpty with nothing stored = %v, %v; want the record gone", gone, err)
		}
		return err
	})
	view(t, db, func(tx *Tx) error {
		if _, err := tx.Doc(d); !errors.Is(err, ErrNotFound) {
			t.Errorf("record after the drop: %v", err)
		}
		if marked, err := tx.IsUnchecked(d); err != nil || marked {
			t.Errorf("mark after the drop: %v, %v", marked, err)
		}
		return nil
	})
	if err := db.VerifyAll(t.Context()); err != nil {
		t.Fatalf("verify after the drop: %v", err)
	}
	update(t, db, func(tx *Tx) error {
		if err := tx.PutDoc(DocRow{ID: d, Space: "s", Type: model.Case}); err != nil {
			return err
		}
		_, err := tx.AddChange(a1)
		return err
	})
}
