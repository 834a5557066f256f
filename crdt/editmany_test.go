package crdt_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/weftsync/weft/crdt"
	"github.com/weftsync/weft/crdt/model"
)

// TestEditMany: one call makes the changes Edit would, one per edit, in
// order, each loading back to the same entries; a refused edit names its
// position and makes EditMany return no chunks.
func TestEditMany(t *testing.T) {
	d, _ := newLedger(t)
	reversal := sampleEntry(3)
	reversal.Direction, reversal.Reverses = model.DirectionOut, id(2)
	two, four := sampleEntry(2), sampleEntry(4)
	edits := []model.Edit{{AddEntry: &two}, {AddEntry: &reversal}, {AddEntry: &four}}
	chunks, err := d.EditMany(edits, time.Unix(1e9, 0))
	if err != nil || len(chunks) != len(edits) {
		t.Fatalf("EditMany: %d chunk(s), %v; want %d", len(chunks), err, len(edits))
	}
	if got := changeMessage(t, d, chunks[2]); got != "add entry" {
		t.Errorf("last change: message %q, want %q", got, "add entry")
	}
	if string(chunks[0]) == string(chunks[1]) || string(chunks[1]) == string(chunks[2]) {
		t.Fatal("EditMany returned a change twice")
	}
	want := []model.Entry{sampleEntry(1), two, reversal, four}
	if got := view(t, d).Ledger.Entries; !reflect.DeepEqual(got, want) {
		t.Fatalf("entries:\n got %+v\nwant %+v", got, want)
	}

	five, dup := sampleEntry(5), sampleEntry(2)
	chunks, err = d.EditMany([]model.Edit{{AddEntry: &five}, {AddEntry: &dup}}, time.Unix(1e9, 0))
	if !errors.Is(err, crdt.ErrInvalid) || !strings.Contains(err.Error(), "edit 2 of 2") || chunks != nil {
		t.Fatalf("a duplicate ID: %d chunk(s), %v; want ErrInvalid naming edit 2 of 2 and no chunks", len(chunks), err)
	}
}
