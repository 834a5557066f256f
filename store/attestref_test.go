package store

import (
	"errors"
	"testing"
)

// TestAttestationRefs: the refs name, for each attested change, the first
// attestation stored for it, found without opening any; AttestationAt
// opens it, and refuses a ref that names another change's attestation or
// no row of the document.
func TestAttestationRefs(t *testing.T) {
	db, _ := testDB(t)
	update(t, db, func(tx *Tx) error {
		for _, c := range []Change{ch("d", "a1", "A", 1, 1, 1), ch("d", "a2", "A", 2, 2, 1, "a1"), ch("d", "a3", "A", 3, 3, 1, "a2")} {
			if _, err := tx.AddChange(c); err != nil {
				return err
			}
		}
		for _, a := range []AttestationRow{att(2, "a2", "M", "first"), att(2, "a2", "N", "second signer"), att(3, "a3", "M", "third")} {
			if _, err := tx.AddAttestation(a); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, db, func(tx *Tx) error {
		refs, err := tx.AttestationRefs("d")
		if err != nil {
			t.Fatal(err)
		}
		if refs.Len() != 2 {
			t.Fatalf("%d attested changes, want 2", refs.Len())
		}
		if _, ok := tx.AttestationRef(refs, h("a1")); ok {
			t.Fatal("a1 has no attestation, but a ref")
		}
		r2, ok2 := tx.AttestationRef(refs, h("a2"))
		r3, ok3 := tx.AttestationRef(refs, h("a3"))
		if !ok2 || !ok3 {
			t.Fatal("an attested change has no ref")
		}
		a, err := tx.AttestationAt("d", r2, h("a2"))
		if err != nil || string(a.Blob) != "first" {
			t.Fatalf("a2's attestation %q, %v; want the first stored", a.Blob, err)
		}
		if _, err := tx.AttestationAt("d", r3, h("a2")); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("a3's row read as a2's attestation: %v, want ErrCorrupt", err)
		}
		if _, err := tx.AttestationAt("other", r3, h("a3")); !errors.Is(err, ErrNotFound) {
			t.Fatalf("a row of d read as another document's: %v, want ErrNotFound", err)
		}
		if _, err := tx.AttestationAt("d", r3+100, h("a3")); !errors.Is(err, ErrNotFound) {
			t.Fatalf("no such row: %v, want ErrNotFound", err)
		}
		return nil
	})
}
