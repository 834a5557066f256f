package store

import (
	"errors"
	"testing"
)

// TestAbandonAllLeases: every document's current lease is abandoned (and
// counted once); an abandoned lease stays abandoned, no actor is leased
// again, and a document leases a new actor after it. A lease whose
// abandoned column says 1 while its sealed value says current is
// abandoned too: the sealed value decides.
func TestAbandonAllLeases(t *testing.T) {
	db, _ := testDB(t)
	update(t, db, func(tx *Tx) error {
		for _, l := range []struct{ doc, actor string }{{"a", "A1"}, {"a", "A2"}, {"b", "B1"}, {"c", "C1"}, {"d", "D1"}} {
			if err := tx.LeaseActor(l.doc, []byte(l.actor)); err != nil {
				return err
			}
		}
		if err := tx.AbandonLease("b"); err != nil {
			return err
		}
		// The cleartext column lies about d's current lease.
		_, err := tx.exec("UPDATE leases SET abandoned = 1 WHERE doc = ?", tx.index("d"))
		return err
	})
	var count int
	update(t, db, func(tx *Tx) (err error) { count, err = tx.AbandonAllLeases(); return err })
	if count != 3 {
		t.Fatalf("abandoned %d leases, want 3 (a's A2, c's, d's)", count)
	}
	view(t, db, func(tx *Tx) error {
		for _, doc := range []string{"a", "b", "c", "d"} {
			if actor, ok, err := tx.Lease(doc); err != nil || ok {
				t.Errorf("%s: lease %q current (%v) after abandoning all", doc, actor, err)
			}
		}
		return nil
	})
	update(t, db, func(tx *Tx) (err error) { count, err = tx.AbandonAllLeases(); return err })
	if count != 0 {
		t.Fatalf("a second pass abandoned %d", count)
	}
	update(t, db, func(tx *Tx) error {
		var refused *RefusedError
		if err := tx.LeaseActor("a", []byte("A2")); !errors.As(err, &refused) || refused.Reason != ReasonLeaseReused {
			t.Errorf("leasing an abandoned actor again = %v", err)
		}
		return tx.LeaseActor("a", []byte("A3"))
	})
	view(t, db, func(tx *Tx) error {
		if actor, ok, err := tx.Lease("a"); err != nil || !ok || string(actor) != "A3" {
			t.Errorf("a's lease after a new one: %q %v %v", actor, ok, err)
		}
		return nil
	})
}
