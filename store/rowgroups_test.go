package store

import (
	"errors"
	"fmt"
	"testing"
)

// TestAddAttestationsMany: a batch of 101 attestations (groups of 64, 16,
// 16, 4 and 1 rows) is stored whole and in order; the same batch again
// adds nothing and is no error; a batch with one row attesting another
// hash at a stored key proves equivocation, as AddAttestation does.
func TestAddAttestationsMany(t *testing.T) {
	db, _ := testDB(t)
	rows := make([]AttestationRow, 101)
	for i := range rows {
		rows[i] = att(uint64(i+1), fmt.Sprint("c", i), "M", fmt.Sprint("blob ", i))
	}
	update(t, db, func(tx *Tx) error { return tx.AddAttestations(rows) })
	update(t, db, func(tx *Tx) error { return tx.AddAttestations(rows[40:90]) })
	view(t, db, func(tx *Tx) error {
		attestationsAre(t, tx, "d", rows)
		return nil
	})

	other := append([]AttestationRow{}, rows[60:70]...)
	other[3] = att(other[3].Seq, "another change", "M", "second")
	var eq *EquivocationError
	update(t, db, func(tx *Tx) error {
		if err := tx.AddAttestations(other); !errors.As(err, &eq) || eq.Seq != other[3].Seq || string(eq.Second) != "second" {
			t.Fatalf("err %v, want the equivocation of seq %d", err, other[3].Seq)
		}
		return nil
	})
	update(t, db, func(tx *Tx) error {
		var refused *RefusedError
		if err := tx.AddAttestations([]AttestationRow{att(0, "x", "M", "zero")}); !errors.As(err, &refused) {
			t.Fatalf("seq 0: %v, want a refusal", err)
		}
		return nil
	})
}

// TestAddOutboxMany: 70 rows go in order, once each, however often queued.
func TestAddOutboxMany(t *testing.T) {
	db, _ := testDB(t)
	hashes := storeLinear(t, db, "d", 70)
	update(t, db, func(tx *Tx) error { return tx.AddOutboxMany("d", hashes) })
	update(t, db, func(tx *Tx) error { return tx.AddOutboxMany("d", hashes[10:30]) })
	view(t, db, func(tx *Tx) error {
		outboxIs(t, tx, "d", hashes)
		return nil
	})
}

// outboxIs fails t unless the outbox holds exactly hashes of doc, in
// order.
func outboxIs(t *testing.T, tx *Tx, doc string, hashes [][32]byte) {
	t.Helper()
	got, err := tx.Outbox(1000)
	if err != nil || len(got) != len(hashes) {
		t.Fatalf("%d outbox rows, %v; want %d", len(got), err, len(hashes))
	}
	for i, r := range got {
		if r.Doc != doc || r.Hash != hashes[i] {
			t.Fatalf("outbox row %d: %s %x, want %s %x", i, r.Doc, r.Hash[:4], doc, hashes[i][:4])
		}
	}
}

// attestationsAre fails t unless doc's stored attestations are exactly
// rows (seq, hash and blob), in order.
func attestationsAre(t *testing.T, tx *Tx, doc string, rows []AttestationRow) {
	t.Helper()
	got, err := tx.Attestations(doc)
	if err != nil || len(got) != len(rows) {
		t.Fatalf("%d attestations, %v; want %d", len(got), err, len(rows))
	}
	for i, a := range got {
		if a.Seq != rows[i].Seq || a.Hash != rows[i].Hash || string(a.Blob) != string(rows[i].Blob) {
			t.Fatalf("attestation %d: seq %d blob %q; want seq %d blob %q", i, a.Seq, a.Blob, rows[i].Seq, rows[i].Blob)
		}
	}
}
