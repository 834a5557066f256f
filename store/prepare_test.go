package store

import (
	"errors"
	"fmt"
	"testing"
)

// TestAddPreparedAsAddChange: changes prepared ahead on another goroutine
// (ChangePreparer, decision 0033) are checked and stored as AddChange
// checks and stores them: the same outcomes (stored, held then released,
// duplicate, refused) into two stores, the same changes read back, the
// same manifest.
func TestAddPreparedAsAddChange(t *testing.T) {
	changes := []Change{
		ch("d", "a1", "A", 1, 1, 2),
		ch("d", "a3", "A", 3, 4, 1, "a2"), // held: a2 is missing
		ch("d", "a2", "A", 2, 3, 1, "a1"), // releases a3
		ch("d", "a2", "A", 2, 3, 1, "a1"), // duplicate
		ch("d", "b1", "B", 1, 9, 1, "a3"), // refused: startOp
		ch("d", "x2", "A", 2, 3, 1, "a1"), // refused: seq reused
	}
	outcome := func(r Result, err error) string {
		var refused *RefusedError
		if errors.As(err, &refused) {
			return "refused " + string(refused.Reason)
		}
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("%v %d %d", r.Outcome, len(r.Stored), len(r.Refused))
	}
	sealer := newTestSealer(t) // the same keys for both stores: the same indexes, so the same manifest
	run := func(prepare bool) ([]string, []Change, string) {
		db, _ := testDB(t)
		db.Unlock(sealer)
		var outs []string
		err := db.Update(t.Context(), func(tx *Tx) error {
			var ps []*PreparedChange
			if prepare {
				pr, err := tx.Preparer()
				if err != nil {
					return err
				}
				done := make(chan error)
				go func() { // as ingest does: beside the transaction
					for _, c := range changes {
						p, err := pr.Prepare(c)
						if err != nil {
							done <- err
							return
						}
						ps = append(ps, p)
					}
					done <- nil
				}()
				if err := <-done; err != nil {
					return err
				}
			}
			for i, c := range changes {
				if prepare {
					outs = append(outs, outcome(tx.AddPrepared(ps[i])))
				} else {
					outs = append(outs, outcome(tx.AddChange(c)))
				}
			}
			if prepare {
				if _, err := tx.AddPrepared(ps[0]); err == nil {
					t.Error("a prepared change was used twice")
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var stored []Change
		var m string
		view(t, db, func(tx *Tx) error {
			var err error
			if stored, err = tx.Changes("d"); err != nil {
				return err
			}
			mf, _, err := tx.loadManifest(tx.index("d"))
			m = fmt.Sprintf("%d %x", mf.Count, mf.Digest)
			return err
		})
		return outs, stored, m
	}
	wantOuts, wantStored, wantManifest := run(false)
	gotOuts, gotStored, gotManifest := run(true)
	if fmt.Sprint(gotOuts) != fmt.Sprint(wantOuts) {
		t.Fatalf("prepared: %v\nas given: %v", gotOuts, wantOuts)
	}
	if len(wantStored) != 3 || fmt.Sprint(gotStored) != fmt.Sprint(wantStored) {
		t.Fatalf("stored %d changes prepared, %d as given (want 3), or not the same", len(gotStored), len(wantStored))
	}
	if gotManifest != wantManifest {
		t.Fatalf("manifest %s prepared, %s as given", gotManifest, wantManifest)
	}
}
