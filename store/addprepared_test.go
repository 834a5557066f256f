package store

import (
	"errors"
	"fmt"
	"testing"
)

// prepareRows prepares rows' attestations and hashes' outbox rows of doc
// "d" on a goroutine beside tx, with a fork of tx's preparer, as the
// node's signing workers do (decision 0036).
func prepareRows(t *testing.T, tx *Tx, rows []AttestationRow, hashes [][32]byte) ([]*PreparedAttestation, []*PreparedOutbox, error) {
	t.Helper()
	pr, err := tx.Preparer()
	if err != nil {
		return nil, nil, err
	}
	var pa []*PreparedAttestation
	var po []*PreparedOutbox
	done := make(chan error)
	go func() { // waited for below
		f := pr.Fork()
		for _, a := range rows {
			p, err := f.PrepareAttestation(a)
			if err != nil {
				done <- err
				return
			}
			pa = append(pa, p)
		}
		for _, h := range hashes {
			p, err := f.PrepareOutbox("d", h)
			if err != nil {
				done <- err
				return
			}
			po = append(po, p)
		}
		done <- nil
	}()
	return pa, po, <-done
}

// TestAddPreparedRows: attestations and outbox rows prepared beside the
// transaction are stored as AddAttestations and AddOutboxMany store them
// (readable, in order, once each); a prepared row attesting another hash
// at a stored key proves equivocation at insert; a row without an
// identity is refused when prepared; nothing prepared is an error.
func TestAddPreparedRows(t *testing.T) {
	db, _ := testDB(t)
	rows := make([]AttestationRow, 85)
	hashes := storeLinear(t, db, "d", 85)
	for i := range rows {
		rows[i] = att(uint64(i+1), fmt.Sprint("c", i), "M", fmt.Sprint("blob ", i))
	}
	for range 2 { // the second time adds nothing and is no error
		update(t, db, func(tx *Tx) error {
			pa, po, err := prepareRows(t, tx, rows, hashes)
			if err != nil {
				return err
			}
			if err := tx.AddPreparedAttestations(pa); err != nil {
				return err
			}
			return tx.AddPreparedOutbox(po)
		})
	}
	view(t, db, func(tx *Tx) error {
		attestationsAre(t, tx, "d", rows)
		outboxIs(t, tx, "d", hashes)
		return nil
	})

	other := append([]AttestationRow{}, rows[60:70]...)
	other[3] = att(other[3].Seq, "another change", "M", "second")
	var eq *EquivocationError
	update(t, db, func(tx *Tx) error {
		pa, _, err := prepareRows(t, tx, other, nil)
		if err != nil {
			return err
		}
		if err := tx.AddPreparedAttestations(pa); !errors.As(err, &eq) || eq.Seq != other[3].Seq || string(eq.Second) != "second" {
			t.Fatalf("err %v, want the equivocation of seq %d", err, other[3].Seq)
		}
		return nil
	})
	update(t, db, func(tx *Tx) error {
		var refused *RefusedError
		if _, _, err := prepareRows(t, tx, []AttestationRow{att(0, "x", "M", "zero")}, nil); !errors.As(err, &refused) {
			t.Fatalf("seq 0: %v, want a refusal", err)
		}
		if err := tx.AddPreparedAttestations([]*PreparedAttestation{nil}); err == nil {
			t.Fatal("a nil prepared attestation was stored")
		}
		if err := tx.AddPreparedOutbox([]*PreparedOutbox{nil}); err == nil {
			t.Fatal("a nil prepared outbox row was stored")
		}
		return nil
	})
}
