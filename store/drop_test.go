package store

import (
	"slices"
	"testing"
)

// TestDropChanges drops a change in the middle of a document: it and its
// descendants go, the rest stays, the manifest still verifies (also after
// reopening), the version vector goes back, and the dropped change can be
// stored again.
func TestDropChanges(t *testing.T) {
	const d = "doc"
	db, s := testDB(t)
	a1 := ch(d, "a1", "A", 1, 1, 1)
	b1 := ch(d, "b1", "B", 1, 2, 1, "a1")
	b2 := ch(d, "b2", "B", 2, 3, 1, "b1")
	c1 := ch(d, "c1", "C", 1, 4, 1, "b2")
	a2 := ch(d, "a2", "A", 2, 2, 1, "a1") // concurrent with b1: stays
	update(t, db, func(tx *Tx) error {
		for _, c := range []Change{a1, b1, b2, c1, a2} {
			if _, err := tx.AddChange(c); err != nil {
				return err
			}
		}
		return nil
	})
	var dropped [][32]byte
	update(t, db, func(tx *Tx) (err error) {
		dropped, err = tx.DropChanges(d, [][32]byte{h("b1"), h("never stored")})
		return err
	})
	if want := [][32]byte{h("b1"), h("b2"), h("c1")}; !slices.Equal(dropped, want) {
		t.Fatalf("dropped %x, want b1, b2, c1", dropped)
	}
	check := func(db *DB) {
		t.Helper()
		view(t, db, func(tx *Tx) error {
			if err := tx.VerifyManifest(d); err != nil {
				t.Errorf("manifest after the drop: %v", err)
			}
			n, err := tx.ChangeCount(d)
			if err != nil || n != 2 {
				t.Errorf("%d changes left (%v), want 2", n, err)
			}
			for label, want := range map[string]bool{"a1": true, "a2": true, "b1": false, "b2": false, "c1": false} {
				if ok, err := tx.HasChange(d, h(label)); err != nil || ok != want {
					t.Errorf("%s stored %v (%v), want %v", label, ok, err, want)
				}
			}
			vv, err := tx.VersionVector(d)
			if err != nil || len(vv) != 1 {
				t.Errorf("version vector %v (%v), want A alone", vv, err)
			}
			return nil
		})
	}
	check(db)
	check(reopen(t, db, s))
}

// TestDropChangesStoreAgain: a dropped change is stored again when it
// comes again (the caller's quarantine is what refuses it).
func TestDropChangesStoreAgain(t *testing.T) {
	const d = "doc"
	db, _ := testDB(t)
	a1, a2 := ch(d, "a1", "A", 1, 1, 1), ch(d, "a2", "A", 2, 2, 1, "a1")
	update(t, db, func(tx *Tx) error {
		for _, c := range []Change{a1, a2} {
			if _, err := tx.AddChange(c); err != nil {
				return err
			}
		}
		_, err := tx.DropChanges(d, [][32]byte{h("a2")})
		return err
	})
	update(t, db, func(tx *Tx) error {
		res, err := tx.AddChange(a2)
		if err == nil && res.Outcome != Stored {
			t.Errorf("a2 again: %v, want stored", res.Outcome)
		}
		return err
	})
	view(t, db, func(tx *Tx) error { return tx.VerifyManifest(d) })
}
