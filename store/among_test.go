package store

import (
	"errors"
	"fmt"
	"testing"
)

// TestCutAfterNoneKnown: a store that has found it holds no cut (its
// checks then skip the lookup per change, decision 0044) still refuses a
// change past a cut written later: in a transaction of its own, in the
// same transaction as the change, and in a store opened again.
func TestCutAfterNoneKnown(t *testing.T) {
	db, s := testDB(t)
	refusedCut := func(err error) bool {
		var r *RefusedError
		return errors.As(err, &r) && r.Reason == ReasonCut
	}
	update(t, db, func(tx *Tx) error { // no cut yet: found out once
		_, err := tx.AddChange(ch("d", "a1", "A", 1, 1, 1))
		return err
	})
	if none, err := db.noCutsNow(t); err != nil || !none {
		t.Fatalf("no cut stored: known none %v, %v", none, err)
	}
	update(t, db, func(tx *Tx) error { return tx.PutCut("d", []byte("A"), 1) })
	if err := db.Update(t.Context(), func(tx *Tx) error {
		_, err := tx.AddChange(ch("d", "a2", "A", 2, 2, 1, "a1"))
		return err
	}); !refusedCut(err) {
		t.Fatalf("a change past a cut written after the store knew it held none: %v, want refused (cut)", err)
	}

	db2, _ := testDB(t)
	if err := db2.Update(t.Context(), func(tx *Tx) error {
		if _, err := tx.AddChange(ch("e", "b1", "B", 1, 1, 1)); err != nil {
			return err
		}
		if err := tx.PutCut("e", []byte("B"), 1); err != nil {
			return err
		}
		_, err := tx.AddChange(ch("e", "b2", "B", 2, 2, 1, "b1"))
		return err
	}); !refusedCut(err) {
		t.Fatalf("a change past a cut written earlier in its transaction: %v, want refused (cut)", err)
	}

	again := reopen(t, db, s)
	if err := again.Update(t.Context(), func(tx *Tx) error {
		_, err := tx.AddChange(ch("d", "a2", "A", 2, 2, 1, "a1"))
		return err
	}); !refusedCut(err) {
		t.Fatalf("a change past a cut, the store opened again: %v, want refused (cut)", err)
	}
}

// noCutsNow reports what db knows of its cuts, finding out if need be.
func (db *DB) noCutsNow(t *testing.T) (none bool, err error) {
	err = db.View(t.Context(), func(tx *Tx) (err error) {
		none, err = tx.noCuts()
		return err
	})
	return none, err
}

// TestQuarantinedAmongInTransaction: QuarantinedAmong, read once per
// transaction (decision 0044), sees what the same transaction then
// quarantines or lifts, by hash and by author.
func TestQuarantinedAmongInTransaction(t *testing.T) {
	db, _ := testDB(t)
	bad, other := h("bad"), h("other")
	// expect checks QuarantinedAmong(bad, other) against want (no t.Fatal
	// inside a transaction: the error ends it).
	expect := func(tx *Tx, when string, want ...[32]byte) error {
		q, err := tx.QuarantinedAmong([][32]byte{bad, other})
		if err != nil {
			return err
		}
		ok := len(q) == len(want)
		for _, w := range want {
			ok = ok && q[w]
		}
		if !ok {
			return fmt.Errorf("%s: quarantined among bad and other: %v, want %v", when, q, want)
		}
		return nil
	}
	mallory := func(hash [32]byte) Quarantined {
		return Quarantined{Doc: "d", Hash: hash, Author: []byte("mallory"), Reason: "r", Time: 1}
	}
	update(t, db, func(tx *Tx) error {
		steps := []struct {
			when string
			do   func() error
			want [][32]byte
		}{
			{"nothing quarantined", func() error { return nil }, nil},
			{"bad quarantined in the same transaction", func() error { return tx.Quarantine(mallory(bad)) }, [][32]byte{bad}},
			{"bad lifted", func() error { _, err := tx.LiftQuarantine(bad); return err }, nil},
			{"other quarantined", func() error { return tx.Quarantine(mallory(other)) }, [][32]byte{other}},
			{"mallory's entries lifted", func() error { _, err := tx.LiftAuthorQuarantine([]byte("mallory")); return err }, nil},
			{"bad quarantined again", func() error { return tx.Quarantine(mallory(bad)) }, [][32]byte{bad}},
		}
		for _, s := range steps {
			if err := s.do(); err != nil {
				return err
			}
			if err := expect(tx, s.when, s.want...); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, db, func(tx *Tx) error { return expect(tx, "in the next transaction", bad) })
}

// TestPutDocAfterDocsAmong: a record DocsAmong found missing is written by
// PutDoc without reading it again (decision 0044), and the checks that
// read stay whole: writing it a second time in the same transaction with
// another space or type is refused as before, and so is a record
// DocsAmong found, given another space.
func TestPutDocAfterDocsAmong(t *testing.T) {
	db, _ := testDB(t)
	update(t, db, func(tx *Tx) error {
		return tx.PutDoc(DocRow{ID: "old", Space: "s1", Type: "calendar", Created: 1})
	})
	conflict := func(err error) bool {
		var r *RefusedError
		return errors.As(err, &r) && r.Reason == ReasonDocConflict
	}
	update(t, db, func(tx *Tx) error {
		rows, err := tx.DocsAmong([]string{"old", "new"})
		if err != nil {
			return err
		}
		if _, ok := rows["new"]; ok || len(rows) != 1 {
			return fmt.Errorf("docs among: %v, want old alone", rows)
		}
		if err := tx.PutDoc(DocRow{ID: "new", Space: "s1", Type: "case", Created: 2}); err != nil {
			return err
		}
		for what, d := range map[string]DocRow{
			"new, another space": {ID: "new", Space: "s2", Type: "case", Created: 2},
			"new, another type":  {ID: "new", Space: "s1", Type: "ledger", Created: 2},
			"old, another space": {ID: "old", Space: "s2", Type: "calendar", Created: 1},
		} {
			if err := tx.PutDoc(d); !conflict(err) {
				return fmt.Errorf("%s: %v, want refused (conflict)", what, err)
			}
		}
		return tx.PutDoc(DocRow{ID: "new", Space: "s1", Type: "case", Created: 3}) // the same: replaces Created
	})
	view(t, db, func(tx *Tx) error {
		d, err := tx.Doc("new")
		if err != nil || d.Space != "s1" || d.Type != "case" || d.Created != 3 {
			return fmt.Errorf("new reads %+v, %v; want space s1, a case, created 3", d, err)
		}
		return nil
	})
}
