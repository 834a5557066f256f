package store

import (
	"errors"
	"testing"
)

// TestSeqTaken: SeqTaken says whether a stored change holds a prepared
// change's actor and seq (the same change, or another: an equivocation),
// in the transaction that stored it too, and AddPrepared then decides as
// it always did: stored, duplicate, refused.
func TestSeqTaken(t *testing.T) {
	db, _ := testDB(t)
	err := db.Update(t.Context(), func(tx *Tx) error {
		pr, err := tx.Preparer()
		if err != nil {
			return err
		}
		prep := func(c Change) *PreparedChange {
			p, err := pr.Prepare(c)
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		taken := func(p *PreparedChange) bool {
			ok, err := tx.SeqTaken(p)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		a1 := prep(ch("d", "a1", "A", 1, 1, 2))
		if taken(a1) {
			t.Fatal("seq 1 of A taken in an empty store")
		}
		if r, err := tx.AddPrepared(a1); err != nil || r.Outcome != Stored {
			t.Fatalf("add a1: %v, %v", r, err)
		}
		again := prep(ch("d", "a1", "A", 1, 1, 2))
		if !taken(again) {
			t.Fatal("seq 1 of A not taken once a1 is stored")
		}
		if r, err := tx.AddPrepared(again); err != nil || r.Outcome != Duplicate {
			t.Fatalf("add a1 again: %v, %v; want a duplicate", r, err)
		}
		other := prep(ch("d", "x1", "A", 1, 1, 2))
		if !taken(other) {
			t.Fatal("seq 1 of A not taken for another change under it")
		}
		var refused *RefusedError
		if _, err := tx.AddPrepared(other); !errors.As(err, &refused) {
			t.Fatalf("add another change at A's seq 1: %v; want it refused", err)
		}
		a2 := prep(ch("d", "a2", "A", 2, 3, 1, "a1"))
		if taken(a2) {
			t.Fatal("seq 2 of A taken")
		}
		if r, err := tx.AddPrepared(a2); err != nil || r.Outcome != Stored {
			t.Fatalf("add a2: %v, %v", r, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
