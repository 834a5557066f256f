package engine_test

import (
	"crypto/sha256"
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/weftsync/weft/node/engine"
)

// history makes a ledger with n entries in e and returns its changes.
func history(t *testing.T, e *engine.Engine, doc string, n int) [][]byte {
	t.Helper()
	out := createLedger(t, e, doc, actor(0xaa))
	for range n {
		more, err := addEntry(t.Context(), e, doc)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, more...)
	}
	return out
}

func hashOf(chunk []byte) [32]byte { return sha256.Sum256(chunk[8:]) }

// TestSaveThenLoadFrom: a document saved by the engine opens from the
// snapshot and the later changes to the same view and heads as from every
// change, and the engine counts the snapshot load.
func TestSaveThenLoadFrom(t *testing.T) {
	e := newEngine(t, engine.Config{})
	ctx := t.Context()
	early := history(t, e, "doc", 10)
	snap, covers, err := e.Save(ctx, "doc")
	if err != nil {
		t.Fatal(err)
	}
	if len(covers) != len(early) || !slices.Contains(covers, hashOf(early[3])) {
		t.Fatalf("save covers %d changes, want the %d made", len(covers), len(early))
	}
	later, err := addEntry(ctx, e, "doc")
	if err != nil {
		t.Fatal(err)
	}
	heads, err := e.LoadFrom(ctx, "copy", snap, covers, later, actor(0xbb))
	if err != nil {
		t.Fatal(err)
	}
	want, err := e.Load(ctx, "whole", append(slices.Clone(early), later...), actor(0xcc))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(heads, want) {
		t.Errorf("heads from the snapshot %x, want %x", heads, want)
	}
	v1, err1 := e.View(ctx, "copy")
	v2, err2 := e.View(ctx, "whole")
	if err1 != nil || err2 != nil || !reflect.DeepEqual(v1, v2) || len(v1.Ledger.Entries) != 11 {
		t.Errorf("views differ: %v, %v", err1, err2)
	}
	if n, err := e.SnapshotLoads(ctx); n != 1 || err != nil {
		t.Errorf("snapshot loads = %d, %v; want 1", n, err)
	}
}

func TestLoadFromRefuses(t *testing.T) {
	e := newEngine(t, engine.Config{})
	ctx := t.Context()
	early := history(t, e, "doc", 3)
	snap, covers, err := e.Save(ctx, "doc")
	if err != nil {
		t.Fatal(err)
	}
	more, err := addEntry(ctx, e, "doc")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		snap   []byte
		covers [][32]byte
	}{
		{"garbage", []byte("garbage"), covers},
		{"covers a change it lacks", snap, append(slices.Clone(covers), hashOf(more[0]))},
		{"covers without a snapshot", nil, covers},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := e.LoadFrom(ctx, "copy", tt.snap, tt.covers, nil, actor(0xbb)); err == nil {
				t.Fatal("load succeeded")
			}
			if _, err := e.View(ctx, "copy"); !errors.Is(err, engine.ErrNotLoaded) {
				t.Errorf("view after a refused load = %v, want ErrNotLoaded", err)
			}
			if _, err := e.Load(ctx, "copy", early, actor(0xbb)); err != nil {
				t.Errorf("load from the changes after a refused snapshot: %v", err)
			}
		})
	}
	if n, err := e.SnapshotLoads(ctx); n != 0 || err != nil {
		t.Errorf("snapshot loads = %d, %v; want 0", n, err)
	}
}

func TestSaveUnknownDoc(t *testing.T) {
	e := newEngine(t, engine.Config{})
	if _, _, err := e.Save(t.Context(), "nothing"); !errors.Is(err, engine.ErrNotLoaded) {
		t.Fatalf("save of an unknown doc = %v, want ErrNotLoaded", err)
	}
}

// TestCheckKeep: a check that keeps what passed answers with a saved form
// that covers exactly the changes the document holds and opens, alone, to
// the same heads and view, and costs one save and load, as a plain check
// does; Save costs one more. A document the engine does not hold is
// refused.
func TestCheckKeep(t *testing.T) {
	e := newEngine(t, engine.Config{})
	ctx := t.Context()
	changes := history(t, e, "src", 12)
	want, err := e.Load(ctx, "doc", changes[:1], actor(0xbb))
	if err != nil {
		t.Fatal(err)
	}
	if want, err = e.Apply(ctx, "doc", changes[1:], false); err != nil { // applied unchecked
		t.Fatal(err)
	}
	trips := func() int {
		t.Helper()
		n, err := e.RoundTrips(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := trips()
	snap, covers, err := e.CheckKeep(ctx, "doc")
	if err != nil {
		t.Fatal(err)
	}
	if n := trips() - before; n != 1 {
		t.Errorf("round trips of a check that keeps = %d, want 1", n)
	}
	held := make([][32]byte, len(changes))
	for i, c := range changes {
		held[i] = hashOf(c)
	}
	slices.SortFunc(held, func(a, b [32]byte) int { return slices.Compare(a[:], b[:]) })
	got := slices.Clone(covers)
	slices.SortFunc(got, func(a, b [32]byte) int { return slices.Compare(a[:], b[:]) })
	if !slices.Equal(got, held) {
		t.Fatalf("the kept form covers %d changes, want exactly the %d held", len(covers), len(held))
	}
	heads, err := e.LoadFrom(ctx, "copy", snap, covers, nil, actor(0xcc))
	if err != nil {
		t.Fatalf("the kept form does not open: %v", err)
	}
	if !reflect.DeepEqual(heads, want) {
		t.Errorf("heads from the kept form %x, want %x", heads, want)
	}
	v1, err1 := e.View(ctx, "copy")
	v2, err2 := e.View(ctx, "doc")
	if err1 != nil || err2 != nil || !reflect.DeepEqual(v1, v2) || len(v1.Ledger.Entries) != 12 {
		t.Errorf("views differ: %v, %v", err1, err2)
	}
	before = trips()
	if _, err := e.Check(ctx, "doc"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.Save(ctx, "doc"); err != nil {
		t.Fatal(err)
	}
	if n := trips() - before; n != 2 {
		t.Errorf("round trips of a check and a save = %d, want 2", n)
	}
	if _, _, err := e.CheckKeep(ctx, "nothing"); !errors.Is(err, engine.ErrNotLoaded) {
		t.Errorf("check of an unknown doc = %v, want ErrNotLoaded", err)
	}
}
