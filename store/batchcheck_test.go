package store

import (
	"errors"
	"testing"
)

// TestBatchChecksInMemory: within one transaction, the sequence and
// dependency checks answered from the changes inserted in it still refuse
// a reused seq, a wrong startOp and a gap, and still find duplicates,
// both of changes stored earlier and of changes of this transaction.
func TestBatchChecksInMemory(t *testing.T) {
	db, _ := testDB(t)
	update(t, db, func(tx *Tx) error { _, err := tx.AddChange(chain("d", 0)); return err })
	update(t, db, func(tx *Tx) error {
		for i := 1; i < 50; i++ {
			if r, err := tx.AddChange(chain("d", i)); err != nil || r.Outcome != Stored {
				t.Fatalf("change %d: %+v, %v", i, r, err)
			}
		}
		for _, i := range []int{0, 10, 49} { // stored before, and in this transaction
			if r, err := tx.AddChange(chain("d", i)); err != nil || r.Outcome != Duplicate {
				t.Fatalf("change %d again: %+v, %v; want a duplicate", i, r, err)
			}
		}
		reused := chain("d", 20)
		reused.Hash = h("another change at seq 21")
		if _, err := tx.AddChange(reused); !isReason(err, ReasonSeqReused) {
			t.Fatalf("reused seq: %v", err)
		}
		bad := chain("d", 50)
		bad.StartOp++
		if _, err := tx.AddChange(bad); !isReason(err, ReasonStartOp) {
			t.Fatalf("wrong startOp after a change of this transaction: %v", err)
		}
		gap := chain("d", 50)
		gap.Seq = 52
		if _, err := tx.AddChange(gap); !isReason(err, ReasonSeqGap) {
			t.Fatalf("seq gap after a change of this transaction: %v", err)
		}
		return nil
	})
	update(t, db, func(tx *Tx) error {
		n, missing, err := tx.MissingChanges("d", [][32]byte{chain("d", 0).Hash, chain("d", 49).Hash, h("never stored")})
		if err != nil || n != 50 || len(missing) != 1 || missing[0] != h("never stored") {
			t.Fatalf("missing changes: %d, %x, %v; want 50 stored and one missing", n, missing, err)
		}
		return nil
	})
}

// TestQuarantinedAmong finds the quarantined hashes among many in one call.
func TestQuarantinedAmong(t *testing.T) {
	db, _ := testDB(t)
	update(t, db, func(tx *Tx) error {
		q, err := tx.QuarantinedAmong([][32]byte{h("a"), h("bad")})
		if err != nil || len(q) != 0 {
			t.Fatalf("empty quarantine: %v, %v", q, err)
		}
		return tx.Quarantine(Quarantined{Doc: "d", Hash: h("bad"), Author: []byte("member-key"), Reason: "killed", Time: 5})
	})
	update(t, db, func(tx *Tx) error {
		q, err := tx.QuarantinedAmong([][32]byte{h("a"), h("bad"), h("c")})
		if err != nil || len(q) != 1 || !q[h("bad")] {
			t.Fatalf("quarantined among = %v, %v; want only bad", q, err)
		}
		return nil
	})
}

func isReason(err error, r Reason) bool {
	var refused *RefusedError
	return errors.As(err, &refused) && refused.Reason == r
}

// TestCountedChanges: the manifest's count follows the stored changes,
// in the transaction that adds them and after.
func TestCountedChanges(t *testing.T) {
	db, _ := testDB(t)
	update(t, db, func(tx *Tx) error {
		if n, err := tx.CountedChanges("d"); err != nil || n != 0 {
			t.Fatalf("no changes: %d, %v", n, err)
		}
		for i := range 3 {
			if _, err := tx.AddChange(chain("d", i)); err != nil {
				return err
			}
		}
		if n, err := tx.CountedChanges("d"); err != nil || n != 3 {
			t.Fatalf("in the transaction: %d, %v; want 3", n, err)
		}
		return nil
	})
	update(t, db, func(tx *Tx) error {
		n, err := tx.CountedChanges("d")
		c, _ := tx.ChangeCount("d")
		if err != nil || n != 3 || c != 3 {
			t.Fatalf("after: counted %d, count %d, %v; want 3", n, c, err)
		}
		return nil
	})
}

// TestDropForgetsInserted: a change inserted and then dropped in the same
// transaction is not taken for stored by the checks that follow.
func TestDropForgetsInserted(t *testing.T) {
	db, _ := testDB(t)
	update(t, db, func(tx *Tx) error {
		for i := range 3 {
			if _, err := tx.AddChange(chain("d", i)); err != nil {
				return err
			}
		}
		if _, err := tx.DropChanges("d", [][32]byte{chain("d", 2).Hash}); err != nil {
			return err
		}
		if r, err := tx.AddChange(chain("d", 3)); err != nil || r.Outcome != Held {
			t.Fatalf("a change on a dropped one: %+v, %v; want it held", r, err)
		}
		if r, err := tx.AddChange(chain("d", 2)); err != nil || r.Outcome != Stored || len(r.Stored) != 2 {
			t.Fatalf("the dropped change again: %+v, %v; want it stored, releasing the held one", r, err)
		}
		return nil
	})
}
