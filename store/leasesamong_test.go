package store

import (
	"fmt"
	"testing"
)

// TestLeasesAmongAgreesWithLease: the one-query leases of many documents
// are those Lease reads one by one: the newest lease of a document leased
// twice, none for one whose lease was abandoned or that has none.
func TestLeasesAmongAgreesWithLease(t *testing.T) {
	db, _ := testDB(t)
	update(t, db, func(tx *Tx) error {
		for _, l := range []struct{ doc, actor string }{{"a", "A1"}, {"b", "B1"}, {"a", "A2"}} {
			if err := tx.LeaseActor(l.doc, []byte(l.actor)); err != nil {
				return err
			}
		}
		return tx.AbandonLease("b")
	})
	ids := []string{"a", "b", "c"}
	for i := range 300 { // more than MaxManyDocs: two queries
		ids = append(ids, fmt.Sprintf("n%d", i))
	}
	update(t, db, func(tx *Tx) error { return tx.LeaseActor(ids[len(ids)-1], []byte("N")) })
	view(t, db, func(tx *Tx) error {
		got, err := tx.LeasesAmong(ids)
		if err != nil {
			return err
		}
		for _, id := range ids {
			actor, ok, err := tx.Lease(id)
			if err != nil {
				return err
			}
			if g, has := got[id]; has != ok || string(g) != string(actor) {
				t.Errorf("%s: leases among %q (%v), Lease %q (%v)", id, g, has, actor, ok)
			}
		}
		if len(got) != 2 || string(got["a"]) != "A2" || string(got[ids[len(ids)-1]]) != "N" {
			t.Fatalf("leases among = %q; want a's newest (A2) and the last document's (N)", got)
		}
		return nil
	})
}
