package store

import (
	"errors"
	"fmt"
	"sync"
	"testing"
)

func TestUpdateRollsBack(t *testing.T) {
	boom := errors.New("boom")
	cases := []struct {
		name string
		fail func() error
	}{
		{"error", func() error { return boom }},
		{"panic", func() error { panic(boom) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db, _ := testDB(t)
			err := func() (err error) {
				defer func() {
					if p := recover(); p != nil {
						err = p.(error)
					}
				}()
				return db.Update(t.Context(), func(tx *Tx) error {
					if err := tx.PutSpace("s", []byte("x")); err != nil {
						return err
					}
					if _, err := tx.AddChange(ch("d", "a1", "A", 1, 1, 1)); err != nil {
						return err
					}
					return c.fail()
				})
			}()
			if !errors.Is(err, boom) {
				t.Fatalf("err %v", err)
			}
			view(t, db, func(tx *Tx) error {
				if _, err := tx.Space("s"); !errors.Is(err, ErrNotFound) {
					t.Fatalf("space after rollback: %v", err)
				}
				if n, _ := tx.ChangeCount("d"); n != 0 {
					t.Fatalf("%d changes after rollback", n)
				}
				return nil
			})
			// The store still works after the rollback.
			update(t, db, func(tx *Tx) error { return tx.PutSpace("s", []byte("y")) })
		})
	}
}

// TestConcurrentWriters writes from goroutines through two handles on one
// file: every write succeeds or reports ErrBusy, and the file stays whole.
func TestConcurrentWriters(t *testing.T) {
	db1, s := testDB(t)
	db2, err := Open(t.Context(), db1.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	db2.Unlock(s)
	const writers, each = 4, 25
	var wg sync.WaitGroup
	okCount := make([]int, writers)
	errs := make(chan error, writers*each)
	for w := range writers {
		db := []*DB{db1, db2}[w%2]
		wg.Go(func() {
			doc := fmt.Sprintf("doc%d", w)
			for i := range each {
				c := ch(doc, fmt.Sprintf("%s-%d", doc, i), "A", uint64(i+1), uint64(i+1), 1)
				if i > 0 {
					c.Deps = [][32]byte{h(fmt.Sprintf("%s-%d", doc, i-1))}
				}
				err := db.Update(t.Context(), func(tx *Tx) error { _, err := tx.AddChange(c); return err })
				if err == nil {
					okCount[w]++
				} else if !errors.Is(err, ErrBusy) {
					errs <- err
				}
				if err != nil {
					return // later changes would be held: stop this writer
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	view(t, db1, func(tx *Tx) error {
		for w := range writers {
			n, err := tx.ChangeCount(fmt.Sprintf("doc%d", w))
			if err != nil || n != okCount[w] {
				t.Fatalf("writer %d: %d stored, %d acknowledged (%v)", w, n, okCount[w], err)
			}
		}
		return nil
	})
	if err := db1.VerifyAll(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := db1.IntegrityCheck(t.Context()); err != nil {
		t.Fatal(err)
	}
}
