package crdt_test

import (
	"reflect"
	"testing"

	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/crdt"
	"github.com/weftsync/weft/crdt/model"
)

func newLedger(t testing.TB) (*crdt.Doc, [][]byte) {
	t.Helper()
	d, chunks := newDoc(t, model.Create{Type: model.Ledger, Currency: "EUR"})
	e := sampleEntry(1)
	return d, append(chunks, edit(t, d, model.Edit{AddEntry: &e})...)
}

func TestAddEntry(t *testing.T) {
	reversal := sampleEntry(2)
	reversal.Direction, reversal.Reverses = model.DirectionOut, id(1)
	transfer := sampleEntry(3)
	transfer.Direction, transfer.AmountMinor, transfer.Currency = model.DirectionTransfer, 1<<60+1, "JPY"
	tests := []struct {
		name string
		e    model.Entry
		msg  string
	}{
		{"entry", sampleEntry(4), "add entry"},
		{"reversal", reversal, "add reversal"},
		{"large amount stays exact", transfer, "add entry"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, _ := newLedger(t)
			chunks := edit(t, d, model.Edit{AddEntry: &tt.e})
			if got := changeMessage(t, d, chunks[0]); len(chunks) != 1 || got != tt.msg {
				t.Errorf("%d chunks, message %q; want 1, %q", len(chunks), got, tt.msg)
			}
			want := []model.Entry{sampleEntry(1), tt.e}
			if got := view(t, d).Ledger.Entries; !reflect.DeepEqual(got, want) {
				t.Errorf("entries:\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestAmountIsInt64(t *testing.T) {
	d, _ := newLedger(t)
	doc, err := am.Load(d.Save())
	if err != nil {
		t.Fatal(err)
	}
	if v, err := doc.Path("entries", 0, "amount_minor").Get(); err != nil || v.Kind() != am.KindInt64 {
		t.Errorf("amount_minor kind %v, %v; want int64", v.Kind(), err)
	}
}

func TestEntryValidation(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(e *model.Entry)
		field string
	}{
		{"bad id", func(e *model.Entry) { e.ID = "" }, "id"},
		{"duplicate id", func(e *model.Entry) { e.ID = id(1) }, "id"},
		{"date", func(e *model.Entry) { e.Date = "25/11/2026" }, "date"},
		{"direction", func(e *model.Entry) { e.Direction = "sideways" }, "direction"},
		{"zero amount", func(e *model.Entry) { e.AmountMinor = 0 }, "amount_minor"},
		{"negative amount", func(e *model.Entry) { e.AmountMinor = -5 }, "amount_minor"},
		{"currency case", func(e *model.Entry) { e.Currency = "eur" }, "currency"},
		{"currency length", func(e *model.Entry) { e.Currency = "EURO" }, "currency"},
		{"memo utf8", func(e *model.Entry) { e.Memo = "\xff" }, "memo"},
		{"category utf8", func(e *model.Entry) { e.Category = "\xc3" }, "category"},
		{"reverses itself", func(e *model.Entry) { e.Reverses = e.ID }, "reverses"},
		{"reverses unknown", func(e *model.Entry) { e.Reverses = id(42) }, "reverses"},
		{"reverses bad id", func(e *model.Entry) { e.Reverses = "nope" }, "reverses"},
		{"reverses a reversal", func(e *model.Entry) { e.Reverses = id(2) }, "reverses"},
		{"reverses twice", func(e *model.Entry) { e.Reverses = id(1) }, "reverses"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, _ := newLedger(t)
			rev := sampleEntry(2)
			rev.Reverses = id(1)
			edit(t, d, model.Edit{AddEntry: &rev})
			before := d.Heads()
			e := sampleEntry(3)
			tt.edit(&e)
			_, err := d.Edit(model.Edit{AddEntry: &e}, at)
			checkInvalid(t, d, err, tt.field, before)
		})
	}
}

func TestCreateValidation(t *testing.T) {
	tests := []struct {
		name  string
		c     model.Create
		field string
	}{
		{"type", model.Create{Type: "poll", Space: space}, "type"},
		{"space", model.Create{Type: model.Calendar, Space: "x"}, "space"},
		{"ledger without currency", model.Create{Type: model.Ledger, Space: space}, "create"},
		{"ledger currency", model.Create{Type: model.Ledger, Space: space, Currency: "E"}, "currency"},
		{"calendar with currency", model.Create{Type: model.Calendar, Space: space, Currency: "EUR"}, "create"},
		{"case without case", model.Create{Type: model.Case, Space: space}, "create"},
		{"case id", model.Create{Type: model.Case, Space: space, Case: &model.CaseStudy{ID: "x"}}, "id"},
		{"calendar name", model.Create{Type: model.Calendar, Space: space, Name: "\xff"}, "name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := crdt.Create(tt.c, actor(1), at, "")
			var fe *crdt.FieldError
			if !asField(err, &fe) || fe.Field != tt.field {
				t.Errorf("got %v, want ErrInvalid on %q", err, tt.field)
			}
		})
	}
}

func TestEditDispatch(t *testing.T) {
	ev, ent := sampleEvent(5), sampleEntry(5)
	tests := []struct {
		name string
		e    model.Edit
	}{
		{"none", model.Edit{}},
		{"two", model.Edit{AddEvent: &ev, AddEntry: &ent}},
		{"wrong type", model.Edit{AddEvent: &ev}},
		{"create", model.Edit{Create: &model.Create{Type: model.Ledger}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, _ := newLedger(t)
			before := d.Heads()
			_, err := d.Edit(tt.e, at)
			var fe *crdt.FieldError
			if !asField(err, &fe) || fe.Schema != "crdt" {
				t.Fatalf("got %v, want a crdt FieldError", err)
			}
			if !reflect.DeepEqual(d.Heads(), before) || d.Err() != nil {
				t.Error("refused edit changed the doc")
			}
		})
	}
}

// TestEntryIndexFollowsApply checks that the entry index kept between local
// edits is read again after changes from another member arrive.
func TestEntryIndexFollowsApply(t *testing.T) {
	d, history := newLedger(t)
	theirs := sampleEntry(2)
	raw := rawEdit(t, history, func(doc *am.Doc) error {
		return doc.Path("entries", 1).Set(map[string]any{"id": theirs.ID, "amount_minor": int64(5)})
	})
	if _, err := d.Apply(raw); err != nil {
		t.Fatal(err)
	}
	before := d.Heads()
	_, err := d.Edit(model.Edit{AddEntry: &theirs}, at)
	checkInvalid(t, d, err, "id", before)
}
