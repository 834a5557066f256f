package crdt_test

import (
	"reflect"
	"testing"

	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/crdt"
	"github.com/weftsync/weft/crdt/ledger"
	"github.com/weftsync/weft/crdt/model"
)

// ledgerHistory returns the stored changes of a ledger with three entries:
// create (change 0), then one entry per change (1, 2, 3).
func ledgerHistory(t *testing.T) [][]byte {
	t.Helper()
	d, history := newLedger(t)
	for n := 2; n <= 3; n++ {
		history = append(history, edit(t, d, model.Edit{AddEntry: ptr(sampleEntry(n))})...)
	}
	return history
}

// deleteEntry and setField play a member who edits the ledger with a
// modified client.
func deleteEntry(i int) func(*am.Doc) error {
	return func(doc *am.Doc) error {
		l, err := am.As[*am.List](doc.Path("entries").Get())
		if err != nil {
			return err
		}
		return l.Delete(i)
	}
}

func setField(i int, key string, v any) func(*am.Doc) error {
	return func(doc *am.Doc) error { return doc.Path("entries", i, key).Set(v) }
}

func TestLedgerHistory(t *testing.T) {
	tests := []struct {
		name  string
		raw   []func(*am.Doc) error // each one more change, by another member
		extra []crdt.EntryEvent     // events after the three recordings
	}{
		{"clean", nil, nil},
		{"deleted", []func(*am.Doc) error{deleteEntry(1)},
			[]crdt.EntryEvent{{Change: 4, EntryID: id(2), Action: ledger.Deleted}}},
		{"amount altered", []func(*am.Doc) error{setField(0, "amount_minor", int64(1))},
			[]crdt.EntryEvent{{Change: 4, EntryID: id(1), Action: ledger.Altered, Field: "amount_minor"}}},
		{"altered then deleted", []func(*am.Doc) error{setField(2, "memo", "x"), deleteEntry(2)}, []crdt.EntryEvent{
			{Change: 4, EntryID: id(3), Action: ledger.Altered, Field: "memo"},
			{Change: 5, EntryID: id(3), Action: ledger.Deleted}}},
		{"field added", []func(*am.Doc) error{setField(1, "note", "hidden")},
			[]crdt.EntryEvent{{Change: 4, EntryID: id(2), Action: ledger.Altered, Field: "note"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			history := ledgerHistory(t)
			for _, fn := range tt.raw {
				history = append(history, rawEdit(t, history, fn)...)
			}
			got, err := crdt.LedgerHistory(history)
			if err != nil {
				t.Fatal(err)
			}
			want := []crdt.EntryEvent{
				{Change: 1, EntryID: id(1), Action: ledger.Recorded},
				{Change: 2, EntryID: id(2), Action: ledger.Recorded},
				{Change: 3, EntryID: id(3), Action: ledger.Recorded},
			}
			if want = append(want, tt.extra...); !reflect.DeepEqual(got, want) {
				t.Errorf("history:\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestLedgerHistoryRefuses(t *testing.T) {
	history := ledgerHistory(t)
	tests := []struct {
		name    string
		changes [][]byte
	}{
		{"garbage", [][]byte{history[0], []byte("junk")}},
		{"dependency never given", [][]byte{history[0], history[2]}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := crdt.LedgerHistory(tt.changes); err == nil {
				t.Error("no error")
			}
		})
	}
}
