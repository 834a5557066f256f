package store

import (
	"encoding/binary"
	"encoding/hex"
	"slices"
	"testing"
)

// liveDoc stores, in doc "d": a1, a2 by actor A; b1 by B on top of a2; c1
// by C on top of a1 alone; and a snapshot covering all four.
func liveDoc(t *testing.T, db *DB) {
	t.Helper()
	update(t, db, func(tx *Tx) error {
		for _, c := range []Change{ch("d", "a1", "A", 1, 1, 1), ch("d", "a2", "A", 2, 2, 1, "a1"),
			ch("d", "b1", "B", 1, 3, 1, "a2"), ch("d", "c1", "C", 1, 2, 1, "a1")} {
			if _, err := tx.AddChange(c); err != nil {
				return err
			}
		}
		return tx.PutSnapshot("d", [][32]byte{h("a1"), h("a2"), h("b1"), h("c1")}, []byte("saved"))
	})
}

// readLive reads what every read path gives out of doc "d".
type liveRead struct {
	changes []string
	vv      map[string]uint64
	count   int
	snap    bool
}

func readLive(t *testing.T, db *DB) liveRead {
	t.Helper()
	var r liveRead
	view(t, db, func(tx *Tx) error {
		cs, err := tx.Changes("d")
		if err != nil {
			return err
		}
		for _, c := range cs {
			r.changes = append(r.changes, c.Message)
		}
		if r.vv, err = tx.VersionVector("d"); err != nil {
			return err
		}
		if r.count, err = tx.ChangeCount("d"); err != nil {
			return err
		}
		_, _, r.snap, err = tx.Snapshot("d")
		return err
	})
	return r
}

func hexOf(s string) string { return hex.EncodeToString([]byte(s)) }

// TestCutLeavesChangesOut: a cut leaves out, on every read, the actor's
// changes past it and every change built on them; other changes stay, the
// vector stops at the cut, a snapshot covering a left-out change is not
// used, and the left-out changes stay stored as evidence.
func TestCutLeavesChangesOut(t *testing.T) {
	db, s := testDB(t)
	liveDoc(t, db)
	before := readLive(t, db)
	if !slices.Equal(before.changes, []string{"a1", "a2", "b1", "c1"}) || before.count != 4 || !before.snap {
		t.Fatalf("before any cut: %+v", before)
	}
	update(t, db, func(tx *Tx) error { return tx.PutCut("d", []byte("A"), 1) })
	for i := range 2 {
		if i == 1 {
			db = reopen(t, db, s)
		}
		got := readLive(t, db)
		want := map[string]uint64{hexOf("A"): 1, hexOf("C"): 1}
		if !slices.Equal(got.changes, []string{"a1", "c1"}) || got.count != 2 || got.snap || len(got.vv) != 2 ||
			got.vv[hexOf("A")] != want[hexOf("A")] || got.vv[hexOf("C")] != want[hexOf("C")] {
			t.Fatalf("after cutting A at 1: %+v", got)
		}
		view(t, db, func(tx *Tx) error {
			if _, ok, err := tx.HashAt("d", []byte("A"), 2); ok || err != nil {
				t.Fatalf("HashAt(A, 2) of a left-out change: %v %v", ok, err)
			}
			if got, ok, err := tx.HashAt("d", []byte("A"), 1); !ok || err != nil || got != h("a1") {
				t.Fatalf("HashAt(A, 1): %x %v %v", got, ok, err)
			}
			ex, err := tx.Excluded("d")
			if err != nil || !slices.Equal(ex, [][32]byte{h("a2"), h("b1")}) {
				t.Fatalf("excluded %x %v", ex, err)
			}
			all, err := tx.ActorChanges("d", []byte("A"), 1, 9)
			if err != nil || len(all) != 2 || all[1].Hash != h("a2") {
				t.Fatalf("the left-out change is no longer stored: %+v %v", all, err)
			}
			return tx.VerifyManifest("d")
		})
	}
}

// TestEquivocationLeavesBothSidesOut: a proof of equivocation at seq 2
// leaves out the stored half and what was built on it, on every read.
func TestEquivocationLeavesBothSidesOut(t *testing.T) {
	db, _ := testDB(t)
	liveDoc(t, db)
	update(t, db, func(tx *Tx) error {
		if _, err := tx.AddAttestation(att(2, "a2", "M", "first")); err != nil {
			return err
		}
		_, err := tx.AddAttestation(att(2, "a2-other", "M", "second"))
		if err == nil {
			t.Fatal("no equivocation found")
		}
		return nil
	})
	if got := readLive(t, db); !slices.Equal(got.changes, []string{"a1", "c1"}) || got.vv[hexOf("A")] != 1 || got.vv[hexOf("B")] != 0 {
		t.Fatalf("after the proof: %+v", got)
	}
}

// TestAddEquivocation: a proof found from chunks keeps its chunks, cuts
// the actor, and a proof in the sealed form written before chunks existed
// still reads.
func TestAddEquivocation(t *testing.T) {
	db, _ := testDB(t)
	liveDoc(t, db)
	update(t, db, func(tx *Tx) error {
		return tx.AddEquivocation("d", []byte("A"), 2, []byte("M"), []byte("att"), [][]byte{[]byte("x2"), []byte("x3")})
	})
	update(t, db, func(tx *Tx) error { // an old row, sealed as version 1 wrote it
		d, a, sg := tx.index("d"), tx.sealer.Index([]byte("B")), tx.sealer.Index([]byte("N"))
		seq := binary.BigEndian.AppendUint64(nil, 1)
		sealed, err := tx.seal("equivocations", equivocationV1{Actor: []byte("B"), Seq: 1, First: []byte("f"), Second: []byte("s")}, d, a, seq, sg)
		if err != nil {
			return err
		}
		_, err = tx.exec("INSERT INTO equivocations (doc, actor, seq, signer, blob) VALUES (?, ?, 1, ?, ?)", d, a, sg, sealed)
		return err
	})
	view(t, db, func(tx *Tx) error {
		evs, err := tx.Equivocations("d")
		if err != nil || len(evs) != 2 || len(evs[0].Chunks) != 2 || string(evs[0].First) != "att" ||
			string(evs[1].Second) != "s" || evs[1].Chunks != nil {
			t.Fatalf("equivocations %+v %v", evs, err)
		}
		return nil
	})
	if got := readLive(t, db); !slices.Equal(got.changes, []string{"a1", "c1"}) {
		t.Fatalf("after a proof found from chunks: %+v", got)
	}
}
