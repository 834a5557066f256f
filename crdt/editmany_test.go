package crdt_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	am "github.com/automerge/automerge-go"

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

// TestEditManyLedgerIndex: the ledger index a run of AddEntry edits keeps
// (read once per call, kept up to date by each entry) refuses what a fresh
// read would, across calls and single edits; a change from elsewhere makes
// it read again; and the chunks returned (looked up by their hashes, not
// by walking the history) are exactly the changes made, in causal order.
func TestEditManyLedgerIndex(t *testing.T) {
	d, history := newLedger(t)
	at := time.Unix(1e9, 0)
	var edits []model.Edit
	for i := range 20 {
		edits = append(edits, model.Edit{AddEntry: ptr(sampleEntry(10 + i))})
	}
	chunks, err := d.EditMany(edits, at)
	if err != nil || len(chunks) != len(edits) {
		t.Fatalf("EditMany: %d chunk(s), %v", len(chunks), err)
	}
	history = append(history, chunks...)

	rev := sampleEntry(100)
	rev.Direction, rev.Reverses = model.DirectionOut, id(15) // added by the run above
	history = append(history, edit(t, d, model.Edit{AddEntry: &rev})...)
	again := sampleEntry(101)
	again.Direction, again.Reverses = model.DirectionOut, id(15)
	refusals := []struct {
		name  string
		edits []model.Edit
		want  string
	}{
		{"ID added by an earlier call", []model.Edit{{AddEntry: ptr(sampleEntry(200))}, {AddEntry: ptr(sampleEntry(19))}}, "edit 2 of 2"},
		{"reversed by a single edit", []model.Edit{{AddEntry: &again}}, "already reversed"},
		{"ID added earlier in the call", []model.Edit{{AddEntry: ptr(sampleEntry(201))}, {AddEntry: ptr(sampleEntry(202))}, {AddEntry: ptr(sampleEntry(201))}}, "edit 3 of 3"},
	}
	for _, r := range refusals {
		if _, err := d.EditMany(r.edits, at); !errors.Is(err, crdt.ErrInvalid) || !strings.Contains(err.Error(), r.want) {
			t.Fatalf("%s: %v; want ErrInvalid, %q", r.name, err, r.want)
		}
		// A refused call leaves the edits before the refused one committed
		// (the engine drops such a Doc): go on from what was stored.
		if d, err = crdt.Load(history, actor(1)); err != nil {
			t.Fatal(err)
		}
	}

	// Another member adds an entry: the index kept so far (by the call
	// just before) no longer holds it, and must be read again.
	kept, err := d.EditMany([]model.Edit{{AddEntry: ptr(sampleEntry(250))}}, at)
	if err != nil {
		t.Fatal(err)
	}
	history = append(history, kept...)
	theirs := sampleEntry(300)
	history = append(history, rawEdit(t, history, func(doc *am.Doc) error {
		m := am.NewMap()
		if err := doc.Path("entries").List().Append(m); err != nil {
			return err
		}
		for k, v := range map[string]any{"id": theirs.ID, "date": theirs.Date, "direction": theirs.Direction,
			"amount_minor": theirs.AmountMinor, "currency": theirs.Currency, "category": theirs.Category,
			"memo": theirs.Memo, "from": theirs.From, "to": theirs.To} {
			if err := m.Set(k, v); err != nil {
				return err
			}
		}
		return nil
	})...)
	if _, err := d.Apply(history[len(history)-1:]); err != nil {
		t.Fatal(err)
	}
	if _, err := d.EditMany([]model.Edit{{AddEntry: ptr(sampleEntry(301))}, {AddEntry: &theirs}}, at); !errors.Is(err, crdt.ErrInvalid) || !strings.Contains(err.Error(), "edit 2 of 2") {
		t.Fatalf("an ID another member added: %v; want ErrInvalid naming edit 2 of 2", err)
	}
	if d, err = crdt.Load(history, actor(1)); err != nil {
		t.Fatal(err)
	}

	// The chunks of a call load, after the history, into the same entries.
	more := []model.Edit{{AddEntry: ptr(sampleEntry(400))}, {AddEntry: ptr(sampleEntry(401))}}
	chunks, err = d.EditMany(more, at)
	if err != nil || len(chunks) != len(more) {
		t.Fatalf("EditMany: %d chunk(s), %v", len(chunks), err)
	}
	back, err := crdt.Load(append(history, chunks...), actor(2))
	if err != nil {
		t.Fatalf("load the history and the chunks returned: %v", err)
	}
	if got, want := view(t, back).Ledger.Entries, view(t, d).Ledger.Entries; !reflect.DeepEqual(got, want) || len(got) != 1+20+1+1+1+2 {
		t.Fatalf("loaded from the chunks: %d entries, the doc %d", len(got), len(want))
	}
}
