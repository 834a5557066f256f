package store

import (
	"errors"
	"testing"
)

func TestPendingJoinsAndQueue(t *testing.T) {
	db, _ := testDB(t)
	update(t, db, func(tx *Tx) error {
		if err := tx.PutPendingJoin("s1", []byte("code one")); err != nil {
			return err
		}
		if err := tx.PutPendingJoin("s1", []byte("code two")); err != nil { // replaces
			return err
		}
		for _, b := range []string{"first", "second"} {
			if err := tx.QueueEdit("s1", []byte(b)); err != nil {
				return err
			}
		}
		return tx.PutSelfAddrs([]byte("addrs"))
	})
	view(t, db, func(tx *Tx) error {
		joins, err := tx.PendingJoins()
		if err != nil || len(joins) != 1 || joins[0].Space != "s1" || string(joins[0].Blob) != "code two" {
			t.Fatalf("pending joins %+v, %v", joins, err)
		}
		q, err := tx.QueuedEdits("s1")
		if err != nil || len(q) != 2 || string(q[0].Blob) != "first" || string(q[1].Blob) != "second" {
			t.Fatalf("queue %+v, %v", q, err)
		}
		if other, err := tx.QueuedEdits("s2"); err != nil || len(other) != 0 {
			t.Fatalf("another space's queue %+v, %v", other, err)
		}
		a, err := tx.SelfAddrs()
		if err != nil || string(a) != "addrs" {
			t.Fatalf("addresses %q, %v", a, err)
		}
		return nil
	})
	update(t, db, func(tx *Tx) error {
		q, err := tx.QueuedEdits("s1")
		if err != nil {
			return err
		}
		if ok, err := tx.DeleteQueuedEdit(q[0].N); !ok || err != nil {
			t.Fatalf("delete: %v, %v", ok, err)
		}
		if ok, err := tx.DeleteQueuedEdit(q[0].N); ok || err != nil {
			t.Fatalf("second delete: %v, %v", ok, err)
		}
		return tx.DeletePendingJoin("s1")
	})
	view(t, db, func(tx *Tx) error {
		joins, _ := tx.PendingJoins()
		n, err := tx.CountQueuedEdits("s1")
		if len(joins) != 0 || n != 1 || err != nil {
			t.Fatalf("after deletes: %d joins, %d queued, %v", len(joins), n, err)
		}
		return nil
	})
	t.Run("a blob moved to another row fails to open", func(t *testing.T) {
		update(t, db, func(tx *Tx) error { return tx.QueueEdit("s1", []byte("third")) })
		rawSQL(t, db.Path(), "UPDATE queued_edits SET blob = (SELECT blob FROM queued_edits ORDER BY n DESC LIMIT 1)")
		err := db.View(t.Context(), func(tx *Tx) error { _, err := tx.QueuedEdits("s1"); return err })
		if !errors.Is(err, ErrCorrupt) {
			t.Fatalf("err %v, want ErrCorrupt", err)
		}
	})
}
