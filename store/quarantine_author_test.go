package store

import (
	"fmt"
	"testing"
)

// TestAuthorQuarantinedInTransaction: AuthorQuarantined, which reads the
// quarantine list once per transaction, sees what the same transaction
// then quarantines or lifts, by hash and by author, and the next
// transaction sees what this one left.
func TestAuthorQuarantinedInTransaction(t *testing.T) {
	db, _ := testDB(t)
	mallory, alice := []byte("mallory"), []byte("alice")
	// expect checks AuthorQuarantined of mallory and alice against want.
	expect := func(tx *Tx, when string, want map[string]bool) error {
		for _, a := range [][]byte{mallory, alice} {
			q, err := tx.AuthorQuarantined(a)
			if err != nil {
				return err
			}
			if q != want[string(a)] {
				return fmt.Errorf("%s: %s quarantined %v, want %v", when, a, q, want[string(a)])
			}
		}
		return nil
	}
	entry := func(hash [32]byte, author []byte) Quarantined {
		return Quarantined{Doc: "d", Hash: hash, Author: author, Reason: "r", Time: 1}
	}
	update(t, db, func(tx *Tx) error {
		steps := []struct {
			when string
			do   func() error
			want map[string]bool
		}{
			{"nothing quarantined", func() error { return nil }, nil},
			{"mallory quarantined in the same transaction", func() error { return tx.Quarantine(entry(h("bad"), mallory)) }, map[string]bool{"mallory": true}},
			{"mallory's change lifted", func() error { _, err := tx.LiftQuarantine(h("bad")); return err }, nil},
			{"alice quarantined", func() error { return tx.Quarantine(entry(h("other"), alice)) }, map[string]bool{"alice": true}},
			{"alice's entries lifted", func() error { _, err := tx.LiftAuthorQuarantine(alice); return err }, nil},
			{"mallory quarantined again", func() error { return tx.Quarantine(entry(h("bad"), mallory)) }, map[string]bool{"mallory": true}},
		}
		for _, s := range steps {
			if err := s.do(); err != nil {
				return err
			}
			if err := expect(tx, s.when, s.want); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, db, func(tx *Tx) error { return expect(tx, "in the next transaction", map[string]bool{"mallory": true}) })
}
