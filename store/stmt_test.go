package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestConcurrentFirstUse runs many transactions at once on a fresh store,
// each needing statements not prepared yet, with more transactions than
// pool connections: none may wait for a connection while holding what
// another needs (the statement cache once deadlocked exactly so).
func TestConcurrentFirstUse(t *testing.T) {
	for round := range 5 {
		db, _ := testDB(t)
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		var wg sync.WaitGroup
		errs := make(chan error, 32)
		for i := range 4 * (maxReaders + maxWriters) {
			wg.Go(func() {
				var err error
				if i%2 == 0 {
					err = db.View(ctx, func(tx *Tx) error { _, err := tx.Peers(); return err })
				} else {
					err = db.Update(ctx, func(tx *Tx) error { return tx.PutPeer(fmt.Sprintf("p%d", i), []byte("x")) })
				}
				errs <- err
			})
		}
		wg.Wait()
		cancel()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}
	}
}

// TestWriteTurn: a write transaction started while another of the same
// process runs waits for it, and gives ErrBusy once it has waited past
// busyWait, as one waiting on another process's lock does.
func TestWriteTurn(t *testing.T) {
	db, _ := testDB(t)
	old := busyWait
	busyWait = 200 * time.Millisecond
	t.Cleanup(func() { busyWait = old })
	update(t, db, func(*Tx) error {
		err := db.Update(t.Context(), func(tx *Tx) error { return tx.PutPeer("nested", []byte("x")) })
		if !errors.Is(err, ErrBusy) {
			t.Errorf("a second writer while one runs: %v, want ErrBusy", err)
		}
		return nil
	})
	// The second writer's wait is bounded only against a hang: under load
	// the first transaction's commit alone can take longer than 200 ms.
	busyWait = time.Minute
	done := make(chan error, 1)
	update(t, db, func(tx *Tx) error {
		go func() {
			done <- db.Update(context.Background(), func(tx *Tx) error { return tx.PutPeer("after", []byte("x")) })
		}()
		time.Sleep(50 * time.Millisecond) // the second writer waits meanwhile
		return tx.PutPeer("first", []byte("x"))
	})
	if err := <-done; err != nil {
		t.Fatalf("a writer that waited its turn: %v", err)
	}
	view(t, db, func(tx *Tx) error {
		peers, err := tx.Peers()
		if err != nil || len(peers) != 2 {
			t.Errorf("peers %v, %v: want first and after", peers, err)
		}
		return nil
	})
}
