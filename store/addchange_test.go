package store

import (
	"encoding/hex"
	"errors"
	"slices"
	"testing"
)

// step is one transaction of an AddChange scenario: add a change (or put a
// cut when cut is set) and what must come of it.
type step struct {
	c       Change
	cut     uint64 // when nonzero: PutCut(doc, c.Actor, cut) instead of adding c
	want    Outcome
	refused Reason   // when set: AddChange must refuse c with this reason
	stored  []string // labels of Result.Stored, in order
	dropped []string // labels of held changes released then refused
}

func TestAddChangeRules(t *testing.T) {
	const d = "doc"
	poison := ch(d, "poison", "A", 1, 1<<32-2, 1)
	selfDep := ch(d, "self", "A", 1, 1, 1, "self")
	cases := []struct {
		name  string
		steps []step
		held  []string // labels held at the end
		count int      // changes stored at the end
	}{
		{name: "stored", count: 1, steps: []step{
			{c: ch(d, "a1", "A", 1, 1, 3), want: Stored, stored: []string{"a1"}},
		}},
		{name: "duplicate", count: 1, steps: []step{
			{c: ch(d, "a1", "A", 1, 1, 3), want: Stored, stored: []string{"a1"}},
			{c: ch(d, "a1", "A", 1, 1, 3), want: Duplicate},
		}},
		{name: "held then promoted", count: 2, steps: []step{
			{c: ch(d, "a2", "A", 2, 4, 1, "a1"), want: Held},
			{c: ch(d, "a1", "A", 1, 1, 3), want: Stored, stored: []string{"a1", "a2"}},
		}},
		{name: "held chain released in causal order", count: 4, steps: []step{
			{c: ch(d, "a4", "A", 4, 4, 1, "a3"), want: Held},
			{c: ch(d, "a2", "A", 2, 2, 1, "a1"), want: Held},
			{c: ch(d, "a3", "A", 3, 3, 1, "a2"), want: Held},
			{c: ch(d, "a1", "A", 1, 1, 1), want: Stored, stored: []string{"a1", "a2", "a3", "a4"}},
		}},
		{name: "held twice stays held once", held: []string{"a2"}, steps: []step{
			{c: ch(d, "a2", "A", 2, 4, 1, "a1"), want: Held},
			{c: ch(d, "a2", "A", 2, 4, 1, "a1"), want: Held},
		}},
		{name: "startOp poison", steps: []step{
			{c: poison, refused: ReasonStartOpRange},
		}},
		{name: "startOp poison refused even when held", steps: []step{
			{c: ch(d, "p", "A", 2, 1<<31, 1, "missing"), refused: ReasonStartOpRange},
		}},
		{name: "maxOp past 2^31", steps: []step{
			{c: ch(d, "big", "A", 1, 1, 1<<31), refused: ReasonStartOpRange},
		}},
		{name: "startOp mismatch", count: 1, steps: []step{
			{c: ch(d, "a1", "A", 1, 1, 3), want: Stored, stored: []string{"a1"}},
			{c: ch(d, "a2", "A", 2, 5, 1, "a1"), refused: ReasonStartOp},
			{c: ch(d, "a2x", "A", 2, 3, 1, "a1"), refused: ReasonStartOp},
		}},
		{name: "startOp of a first change is 1", steps: []step{
			{c: ch(d, "a1", "A", 1, 2, 3), refused: ReasonStartOp},
		}},
		{name: "startOp follows the highest reachable op", count: 3, steps: []step{
			{c: ch(d, "a1", "A", 1, 1, 10), want: Stored, stored: []string{"a1"}},
			{c: ch(d, "b1", "B", 1, 11, 2, "a1"), want: Stored, stored: []string{"b1"}},
			{c: ch(d, "a2", "A", 2, 13, 1, "a1", "b1"), want: Stored, stored: []string{"a2"}},
		}},
		{name: "empty change", count: 2, steps: []step{
			{c: ch(d, "a1", "A", 1, 1, 2), want: Stored, stored: []string{"a1"}},
			{c: ch(d, "a2", "A", 2, 3, 0, "a1"), want: Stored, stored: []string{"a2"}},
		}},
		{name: "actor seq twice", count: 1, steps: []step{
			{c: ch(d, "a1", "A", 1, 1, 3), want: Stored, stored: []string{"a1"}},
			{c: ch(d, "a1bis", "A", 1, 1, 2), refused: ReasonSeqReused},
		}},
		{name: "seq gap with every dep stored", count: 1, steps: []step{
			{c: ch(d, "a1", "A", 1, 1, 1), want: Stored, stored: []string{"a1"}},
			{c: ch(d, "a3", "A", 3, 2, 1, "a1"), refused: ReasonSeqGap},
		}},
		{name: "previous seq stored but not an ancestor", count: 2, steps: []step{
			{c: ch(d, "a1", "A", 1, 1, 1), want: Stored, stored: []string{"a1"}},
			{c: ch(d, "b1", "B", 1, 1, 1), want: Stored, stored: []string{"b1"}},
			{c: ch(d, "a2", "A", 2, 2, 1, "b1"), refused: ReasonSeqGap},
		}},
		{name: "previous seq is a deep ancestor", count: 5, steps: []step{
			{c: ch(d, "a1", "A", 1, 1, 1), want: Stored, stored: []string{"a1"}},
			{c: ch(d, "b1", "B", 1, 2, 1, "a1"), want: Stored, stored: []string{"b1"}},
			{c: ch(d, "b2", "B", 2, 3, 1, "b1"), want: Stored, stored: []string{"b2"}},
			{c: ch(d, "c1", "C", 1, 1, 5), want: Stored, stored: []string{"c1"}},
			{c: ch(d, "a2", "A", 2, 6, 1, "b2", "c1"), want: Stored, stored: []string{"a2"}},
		}},
		{name: "seq gap held then refused", count: 2, steps: []step{
			{c: ch(d, "a1", "A", 1, 1, 1), want: Stored, stored: []string{"a1"}},
			{c: ch(d, "a2", "A", 2, 2, 1, "b1"), want: Held},
			{c: ch(d, "b1", "B", 1, 1, 1), want: Stored, stored: []string{"b1"}, dropped: []string{"a2"}},
		}},
		{name: "seq gap held then accepted", count: 3, steps: []step{
			{c: ch(d, "a2", "A", 2, 3, 1, "b1"), want: Held},
			{c: ch(d, "a1", "A", 1, 1, 1), want: Stored, stored: []string{"a1"}},
			{c: ch(d, "b1", "B", 1, 2, 1, "a1"), want: Stored, stored: []string{"b1", "a2"}},
		}},
		{name: "cut respected", count: 1, steps: []step{
			{c: ch(d, "a1", "A", 1, 1, 1), cut: 1},
			{c: ch(d, "a1", "A", 1, 1, 1), want: Stored, stored: []string{"a1"}},
			{c: ch(d, "a2", "A", 2, 2, 1, "a1"), refused: ReasonCut},
			{c: ch(d, "a9", "A", 9, 2, 1, "missing"), refused: ReasonCut},
		}},
		{name: "cut applied on release", count: 1, steps: []step{
			{c: ch(d, "a2", "A", 2, 2, 1, "a1"), want: Held},
			{c: ch(d, "a1", "A", 1, 1, 1), cut: 1},
			{c: ch(d, "a1", "A", 1, 1, 1), want: Stored, stored: []string{"a1"}, dropped: []string{"a2"}},
		}},
		{name: "seq zero", steps: []step{{c: ch(d, "z", "A", 0, 1, 1), refused: ReasonHeader}}},
		{name: "self dependency", steps: []step{{c: selfDep, refused: ReasonHeader}}},
		{name: "repeated dependency", count: 1, steps: []step{
			{c: ch(d, "a1", "A", 1, 1, 1), want: Stored, stored: []string{"a1"}},
			{c: ch(d, "a2", "A", 2, 2, 1, "a1", "a1"), refused: ReasonHeader},
		}},
		// More dependencies than distinctDeps compares pairwise: the last
		// repeats the first, or one of them is the change itself.
		{name: "repeated dependency among many", steps: []step{
			{c: ch(d, "m", "A", 1, 1, 1, "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x1"), refused: ReasonHeader},
		}},
		{name: "self dependency among many", steps: []step{
			{c: ch(d, "m", "A", 1, 1, 1, "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "m"), refused: ReasonHeader},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db, _ := testDB(t)
			for i, s := range c.steps {
				runStep(t, db, i, s)
			}
			view(t, db, func(tx *Tx) error {
				n, err := tx.ChangeCount(d)
				if err != nil || n != c.count {
					t.Fatalf("count %d (%v), want %d", n, err, c.count)
				}
				held, err := tx.Held(d)
				if err != nil || !slices.Equal(labels(held), hashesOf(c.held)) {
					t.Fatalf("held %v (%v), want %v", held, err, c.held)
				}
				return tx.VerifyManifest(d)
			})
			if err := db.VerifyAll(t.Context()); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// runStep runs one step in its own transaction and checks its result.
func runStep(t *testing.T, db *DB, i int, s step) {
	t.Helper()
	var res Result
	err := db.Update(t.Context(), func(tx *Tx) (err error) {
		if s.cut != 0 {
			return tx.PutCut(s.c.Doc, s.c.Actor, s.cut)
		}
		res, err = tx.AddChange(s.c)
		return err
	})
	if s.cut != 0 {
		if err != nil {
			t.Fatalf("step %d: cut: %v", i, err)
		}
		return
	}
	var refused *RefusedError
	if s.refused != "" {
		if !errors.As(err, &refused) || refused.Reason != s.refused || !errors.Is(err, ErrRefused) || refused.Hash != s.c.Hash {
			t.Fatalf("step %d (%s): err %v, want refused: %s", i, s.c.Message, err, s.refused)
		}
		return
	}
	if err != nil {
		t.Fatalf("step %d (%s): %v", i, s.c.Message, err)
	}
	if res.Outcome != s.want || !slices.Equal(res.Stored, hashesOf(s.stored)) {
		t.Fatalf("step %d (%s): %v stored %v, want %v %v", i, s.c.Message, res.Outcome, res.Stored, s.want, s.stored)
	}
	var dropped [][32]byte
	for _, r := range res.Refused {
		dropped = append(dropped, r.Hash)
	}
	if !slices.Equal(dropped, hashesOf(s.dropped)) {
		t.Fatalf("step %d (%s): dropped %v, want %v", i, s.c.Message, res.Refused, s.dropped)
	}
}

func hashesOf(labels []string) [][32]byte {
	var out [][32]byte
	for _, l := range labels {
		out = append(out, h(l))
	}
	return out
}

func labels(cs []Change) [][32]byte {
	var out [][32]byte
	for _, c := range cs {
		out = append(out, c.Hash)
	}
	return out
}

func TestChangesReadBack(t *testing.T) {
	db, _ := testDB(t)
	in := []Change{
		ch("d", "a1", "A", 1, 1, 2),
		ch("d", "b1", "B", 1, 3, 1, "a1"),
		ch("d", "a2", "A", 2, 4, 1, "a1", "b1"),
		ch("other", "x1", "A", 1, 1, 1),
	}
	addChanges(t, db, in...)
	view(t, db, func(tx *Tx) error {
		got, err := tx.Changes("d")
		if err != nil {
			return err
		}
		if len(got) != 3 {
			t.Fatalf("%d changes", len(got))
		}
		for i, c := range got {
			w := in[i]
			if c.Hash != w.Hash || string(c.Raw) != string(w.Raw) || c.Seq != w.Seq || c.StartOp != w.StartOp ||
				c.MaxOp != w.MaxOp || !slices.Equal(c.Deps, w.Deps) || c.Message != w.Message || c.Time != w.Time {
				t.Fatalf("change %d: %+v, want %+v", i, c, w)
			}
		}
		one, err := tx.Change("d", h("b1"))
		if err != nil || one.Hash != h("b1") {
			t.Fatalf("change: %v", err)
		}
		if _, err := tx.Change("d", h("x1")); !errors.Is(err, ErrNotFound) {
			t.Fatalf("change of another doc: %v", err)
		}
		ok, err := tx.HasChange("d", h("a2"))
		if err != nil || !ok {
			t.Fatalf("has change: %v %v", ok, err)
		}
		vv, err := tx.VersionVector("d")
		if err != nil {
			return err
		}
		want := map[string]uint64{hex.EncodeToString([]byte("A")): 2, hex.EncodeToString([]byte("B")): 1}
		if len(vv) != 2 || vv[hex.EncodeToString([]byte("A"))] != 2 || vv[hex.EncodeToString([]byte("B"))] != 1 {
			t.Fatalf("version vector %v, want %v", vv, want)
		}
		return nil
	})
}

func TestRefusalLeavesNothing(t *testing.T) {
	db, _ := testDB(t)
	err := db.Update(t.Context(), func(tx *Tx) error {
		if _, err := tx.AddChange(ch("d", "a1", "A", 1, 1, 1)); err != nil {
			return err
		}
		_, err := tx.AddChange(ch("d", "a2", "A", 2, 9, 1, "a1"))
		return err
	})
	if !errors.Is(err, ErrRefused) {
		t.Fatalf("err %v", err)
	}
	view(t, db, func(tx *Tx) error {
		n, err := tx.ChangeCount("d")
		if err != nil || n != 0 {
			t.Fatalf("count %d %v after a rolled back update", n, err)
		}
		return nil
	})
}
