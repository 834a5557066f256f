package store

import (
	"errors"
	"reflect"
	"sync"
	"testing"

	"github.com/weftsync/weft/crdt/model"
)

// sharedDigest calls SpaceDigestTipsShared and fails the test on error.
func sharedDigest(t *testing.T, db *DB, space string) (map[string]DocRow, map[string]map[string]uint64, map[string]map[string]Tip) {
	t.Helper()
	rows, vvs, tips, err := db.SpaceDigestTipsShared(t.Context(), space)
	if err != nil {
		t.Fatal(err)
	}
	return rows, vvs, tips
}

// wantDigest reads SpaceDigestTips in a transaction of its own.
func wantDigest(t *testing.T, db *DB, space string) (map[string]DocRow, map[string]map[string]uint64, map[string]map[string]Tip) {
	t.Helper()
	rows, vvs, tips, err := db.spaceDigestTipsView(t.Context(), space)
	if err != nil {
		t.Fatal(err)
	}
	return rows, vvs, tips
}

// TestSpaceDigestTipsShared: the shared read returns what SpaceDigestTips
// reads, from one read while nothing is written, and what the store holds
// after every kind of commit that changes it (a change, a document, a cut);
// a caller that modifies what it got changes nothing for the next.
func TestSpaceDigestTipsShared(t *testing.T) {
	db := manyDocsFixture(t)
	same := func(when string) {
		t.Helper()
		rows, vvs, tips := sharedDigest(t, db, "S")
		wr, wv, wt := wantDigest(t, db, "S")
		if !reflect.DeepEqual(rows, wr) || !reflect.DeepEqual(vvs, wv) || !reflect.DeepEqual(tips, wt) {
			t.Fatalf("%s: shared %v %v %v, read %v %v %v", when, rows, vvs, tips, wr, wv, wt)
		}
	}
	same("first")
	e := db.digests.spaces["S"]
	if e == nil || !e.ok {
		t.Fatal("the first read was not kept")
	}
	rows, vvs, tips := sharedDigest(t, db, "S")
	if db.digests.spaces["S"] != e {
		t.Fatal("a second read with nothing written read again")
	}
	vvs["d1"]["41"] = 99 // the caller's own maps
	delete(rows, "d3")
	tips["d1"] = nil
	same("after a caller modified its maps")

	update(t, db, func(tx *Tx) error {
		_, err := tx.AddChange(ch("d1", "1d", "A", 3, 5, 1, "1c"))
		return err
	})
	same("after a change")
	if _, vvs, _ := sharedDigest(t, db, "S"); vvs["d1"]["41"] != 3 {
		t.Fatalf("after a change: A's seq %d, want 3", vvs["d1"]["41"])
	}
	update(t, db, func(tx *Tx) error { return tx.PutDoc(DocRow{ID: "d4", Space: "S", Type: model.Case, Created: 2}) })
	same("after a document")
	update(t, db, func(tx *Tx) error { return tx.PutCut("d1", []byte("B"), 1) })
	same("after a cut")
	if _, _, tips := sharedDigest(t, db, "S"); tips["d1"] != nil {
		t.Fatalf("after a cut: d1 still has tips %v", tips["d1"])
	}
	// A write that fails commits nothing, and the kept read stays right.
	errNo := errors.New("no")
	if err := db.Update(t.Context(), func(tx *Tx) error {
		if _, err := tx.AddChange(ch("d3", "3a", "A", 1, 1, 1)); err != nil {
			return err
		}
		return errNo
	}); !errors.Is(err, errNo) {
		t.Fatal(err)
	}
	same("after a rolled back write")
	if db.digests.gen.Load()%2 != 0 {
		t.Fatalf("write generation %d is odd with no commit in progress", db.digests.gen.Load())
	}
}

// TestSpaceDigestTipsSharedConcurrent: callers at once, while changes
// commit, each get what the store held at some point: never a vector
// behind what was committed before the call.
func TestSpaceDigestTipsSharedConcurrent(t *testing.T) {
	db := manyDocsFixture(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	committed := uint64(2) // d1's seq of A committed before
	for i := range 4 {
		wg.Go(func() {
			for range 20 {
				mu.Lock()
				before := committed
				mu.Unlock()
				_, vvs, _, err := db.SpaceDigestTipsShared(t.Context(), "S")
				if err != nil {
					t.Error(err)
					return
				}
				if got := vvs["d1"]["41"]; got < before {
					t.Errorf("caller %d: A's seq %d, but %d was committed before the call", i, got, before)
					return
				}
			}
		})
	}
	prev := "1c"
	for seq := uint64(3); seq < 23; seq++ {
		hash := "1" + string(rune('d'+seq-3))
		update(t, db, func(tx *Tx) error {
			_, err := tx.AddChange(ch("d1", hash, "A", seq, 2+seq, 1, prev))
			return err
		})
		prev = hash
		mu.Lock()
		committed = seq
		mu.Unlock()
	}
	wg.Wait()
	_, vvs, _ := sharedDigest(t, db, "S")
	if vvs["d1"]["41"] != 22 {
		t.Fatalf("after all commits: A's seq %d, want 22", vvs["d1"]["41"])
	}
}
