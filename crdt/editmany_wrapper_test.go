package crdt_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/weftsync/weft/crdt"
	"github.com/weftsync/weft/crdt/model"
)

// TestEditManyEntriesSameChanges: EditMany writes a run of entries in one
// call into automerge's C API, and Edit one entry (decision 0035); their
// changes must be, byte for byte, the ones automerge-go's wrapper made for
// the same entries
// (same ops in the same order, same message and time), reversals and
// entries with empty fields included, and a refused entry in the run
// leaves the entries before it committed and nothing of it.
func TestEditManyEntriesSameChanges(t *testing.T) {
	at := time.Unix(1e9, 0)
	fast, _ := newLedger(t)
	one, _ := newLedger(t) // Edit, entry by entry, through amraw too
	slow, _ := newLedger(t)
	var edits []model.Edit
	for i := range 30 {
		e := sampleEntry(10 + i)
		switch i % 5 {
		case 1:
			e.Direction, e.Reverses = model.DirectionOut, id(10+i-1)
		case 2:
			e.Memo, e.Category, e.From, e.To = "", "", "", ""
		case 3:
			e.Memo = strings.Repeat("ü", 300)
		}
		edits = append(edits, model.Edit{AddEntry: &e})
	}
	got, err := fast.EditMany(edits, at)
	if err != nil || len(got) != len(edits) {
		t.Fatalf("EditMany: %d chunk(s), %v", len(got), err)
	}
	for i, e := range edits {
		c, err := one.Edit(e, at)
		if err != nil || len(c) != 1 || !bytes.Equal(c[0], got[i]) {
			t.Fatalf("Edit %d through amraw: %d chunk(s), %v, or a change unlike EditMany's", i, len(c), err)
		}
	}
	crdt.WithoutRaw(t) // from here on, the wrapper's path
	for i, e := range edits {
		want, err := slow.Edit(e, at)
		if err != nil || len(want) != 1 {
			t.Fatalf("Edit %d: %d chunk(s), %v", i, len(want), err)
		}
		if !bytes.Equal(got[i], want[0]) {
			t.Fatalf("entry %d: EditMany's change differs from Edit's", i)
		}
	}
	if !bytes.Equal(fast.Save(), slow.Save()) {
		t.Fatal("the two documents differ")
	}

	// A refused entry in the middle of a run: the ones before it stay.
	crdt.WithRaw()
	heads := len(view(t, fast).Ledger.Entries)
	bad := []model.Edit{{AddEntry: ptr(sampleEntry(100))}, {AddEntry: ptr(sampleEntry(101))}, {AddEntry: ptr(sampleEntry(12))}, {AddEntry: ptr(sampleEntry(102))}}
	chunks, err := fast.EditMany(bad, at)
	if !errors.Is(err, crdt.ErrInvalid) || !strings.Contains(err.Error(), "edit 3 of 4") || chunks != nil {
		t.Fatalf("a duplicate third: %d chunk(s), %v; want ErrInvalid naming edit 3 of 4", len(chunks), err)
	}
	if fast.Err() != nil {
		t.Fatalf("a refused entry poisoned the Doc: %v", fast.Err())
	}
	if n := len(view(t, fast).Ledger.Entries); n != heads+2 {
		t.Fatalf("%d entries after the refusal, want %d (the two before it)", n, heads+2)
	}
}
