package store

import (
	"errors"
	"testing"
)

func att(seq uint64, label, signer, blob string) AttestationRow {
	return AttestationRow{Doc: "d", Space: "s", Actor: []byte("A"), Seq: seq, Hash: h(label), Signer: []byte(signer), Blob: []byte(blob)}
}

func TestEquivocation(t *testing.T) {
	db, _ := testDB(t)
	update(t, db, func(tx *Tx) error {
		for _, c := range []Change{ch("d", "a1", "A", 1, 1, 1), ch("d", "a2", "A", 2, 2, 1, "a1")} {
			if _, err := tx.AddChange(c); err != nil {
				return err
			}
		}
		added, err := tx.AddAttestation(att(2, "a2", "M", "first"))
		if err != nil || !added {
			t.Fatalf("first attestation: %v %v", added, err)
		}
		added, err = tx.AddAttestation(att(2, "a2", "M", "first again"))
		if err != nil || added {
			t.Fatalf("same attestation again: %v %v", added, err)
		}
		return nil
	})
	var eq *EquivocationError
	update(t, db, func(tx *Tx) error {
		_, err := tx.AddAttestation(att(2, "a2-other", "M", "second"))
		if !errors.As(err, &eq) || !errors.Is(err, ErrEquivocation) {
			t.Fatalf("err %v, want equivocation", err)
		}
		return nil // keep the cut and the evidence
	})
	if string(eq.First) != "first" || string(eq.Second) != "second" || eq.Seq != 2 || string(eq.Actor) != "A" {
		t.Fatalf("evidence %+v", eq)
	}
	view(t, db, func(tx *Tx) error {
		cuts, err := tx.Cuts("d")
		if err != nil || len(cuts) != 1 || string(cuts[0].Actor) != "A" || cuts[0].MaxSeq != 1 {
			t.Fatalf("cuts %+v %v", cuts, err)
		}
		evs, err := tx.Equivocations("d")
		if err != nil || len(evs) != 1 || string(evs[0].Second) != "second" {
			t.Fatalf("equivocations %+v %v", evs, err)
		}
		return nil
	})
	// The actor is cut from seq 2 on: a new change at seq 2 is refused.
	err := db.Update(t.Context(), func(tx *Tx) error {
		_, err := tx.AddChange(ch("d", "a2-other", "A", 2, 2, 1, "a1"))
		return err
	})
	var refused *RefusedError
	if !errors.As(err, &refused) || refused.Reason != ReasonSeqReused && refused.Reason != ReasonCut {
		t.Fatalf("err %v", err)
	}
	err = db.Update(t.Context(), func(tx *Tx) error {
		_, err := tx.AddChange(ch("d", "a3", "A", 3, 3, 1, "a2"))
		return err
	})
	if !errors.As(err, &refused) || refused.Reason != ReasonCut {
		t.Fatalf("change past the cut: %v", err)
	}
}

func TestEquivocationNeedsOneSigner(t *testing.T) {
	db, _ := testDB(t)
	update(t, db, func(tx *Tx) error {
		if _, err := tx.AddAttestation(att(2, "x", "M", "1")); err != nil {
			return err
		}
		_, err := tx.AddAttestation(att(2, "y", "N", "2")) // another signer: no proof
		return err
	})
	view(t, db, func(tx *Tx) error {
		cuts, err := tx.Cuts("d")
		if err != nil || len(cuts) != 0 {
			t.Fatalf("cuts %v %v", cuts, err)
		}
		return nil
	})
}

func TestAttestationReads(t *testing.T) {
	db, _ := testDB(t)
	update(t, db, func(tx *Tx) error {
		for _, a := range []AttestationRow{att(2, "a2", "M", "two"), att(5, "a5", "M", "five")} {
			if _, err := tx.AddAttestation(a); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, db, func(tx *Tx) error {
		all, err := tx.Attestations("d")
		if err != nil || len(all) != 2 || string(all[1].Blob) != "five" || all[1].Hash != h("a5") || all[1].Space != "s" {
			t.Fatalf("attestations %+v %v", all, err)
		}
		a, err := tx.AttestationFor("d", []byte("A"), 5)
		if err != nil || string(a.Blob) != "five" {
			t.Fatalf("attestation for 5: %+v %v", a, err)
		}
		if _, err := tx.AttestationFor("d", []byte("A"), 4); !errors.Is(err, ErrNotFound) {
			t.Fatalf("attestation for 4: %v", err)
		}
		covered := []struct {
			actor string
			seq   uint64
			want  bool
		}{{"A", 1, true}, {"A", 5, true}, {"A", 6, false}, {"B", 1, false}}
		for _, c := range covered {
			got, err := tx.Covered("d", []byte(c.actor), c.seq)
			if err != nil || got != c.want {
				t.Errorf("covered(%s, %d) = %v %v, want %v", c.actor, c.seq, got, err, c.want)
			}
		}
		return nil
	})
}

func TestCutOnlyTightens(t *testing.T) {
	db, _ := testDB(t)
	update(t, db, func(tx *Tx) error {
		for _, s := range []uint64{5, 3, 9} {
			if err := tx.PutCut("d", []byte("A"), s); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, db, func(tx *Tx) error {
		cuts, err := tx.Cuts("d")
		if err != nil || len(cuts) != 1 || cuts[0].MaxSeq != 3 {
			t.Fatalf("cuts %+v %v", cuts, err)
		}
		return nil
	})
}
