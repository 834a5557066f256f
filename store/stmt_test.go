package store

import (
	"context"
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
