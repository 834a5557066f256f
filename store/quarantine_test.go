package store

import "testing"

func TestQuarantine(t *testing.T) {
	db, _ := testDB(t)
	q := Quarantined{Doc: "d", Hash: h("bad"), Author: []byte("member-key"), Reason: "killed the engine twice", Time: 5}
	update(t, db, func(tx *Tx) error {
		if err := tx.Quarantine(q); err != nil {
			return err
		}
		return tx.Quarantine(q) // again: no-op
	})
	view(t, db, func(tx *Tx) error {
		checks := []struct {
			name string
			got  func() (bool, error)
			want bool
		}{
			{"hash", func() (bool, error) { return tx.IsQuarantined(h("bad")) }, true},
			{"other hash", func() (bool, error) { return tx.IsQuarantined(h("good")) }, false},
			{"author", func() (bool, error) { return tx.AuthorQuarantined([]byte("member-key")) }, true},
			{"other author", func() (bool, error) { return tx.AuthorQuarantined([]byte("someone")) }, false},
		}
		for _, c := range checks {
			if got, err := c.got(); err != nil || got != c.want {
				t.Errorf("%s: %v %v, want %v", c.name, got, err, c.want)
			}
		}
		list, err := tx.QuarantineList()
		if err != nil || len(list) != 1 || list[0].Reason != q.Reason || string(list[0].Author) != "member-key" {
			t.Fatalf("list %+v %v", list, err)
		}
		return nil
	})
}

func TestLiftQuarantine(t *testing.T) {
	db, _ := testDB(t)
	entries := []Quarantined{
		{Doc: "d", Hash: h("one"), Author: []byte("mallory"), Reason: "r", Time: 1},
		{Doc: "e", Hash: h("one"), Author: []byte("mallory"), Reason: "r", Time: 1},
		{Doc: "d", Hash: h("two"), Author: []byte("mallory"), Reason: "r", Time: 2},
		{Doc: "d", Hash: h("three"), Author: []byte("oscar"), Reason: "r", Time: 3},
	}
	update(t, db, func(tx *Tx) error {
		for _, q := range entries {
			if err := tx.Quarantine(q); err != nil {
				return err
			}
		}
		return nil
	})
	lift := func(fn func(tx *Tx) (int, error), want int) {
		t.Helper()
		update(t, db, func(tx *Tx) error {
			n, err := fn(tx)
			if err == nil && n != want {
				t.Errorf("lifted %d, want %d", n, want)
			}
			return err
		})
	}
	lift(func(tx *Tx) (int, error) { return tx.LiftQuarantine(h("one")) }, 2) // in both documents
	lift(func(tx *Tx) (int, error) { return tx.LiftQuarantine(h("one")) }, 0)
	view(t, db, func(tx *Tx) error {
		if q, err := tx.IsQuarantined(h("one")); err != nil || q {
			t.Errorf("one still quarantined: %v %v", q, err)
		}
		if q, err := tx.AuthorQuarantined([]byte("mallory")); err != nil || !q {
			t.Errorf("mallory no longer quarantined after lifting one change: %v %v", q, err)
		}
		return nil
	})
	lift(func(tx *Tx) (int, error) { return tx.LiftAuthorQuarantine([]byte("mallory")) }, 1)
	view(t, db, func(tx *Tx) error {
		list, err := tx.QuarantineList()
		if err != nil || len(list) != 1 || string(list[0].Author) != "oscar" {
			t.Errorf("left %+v %v, want oscar's entry alone", list, err)
		}
		return nil
	})
}
