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
