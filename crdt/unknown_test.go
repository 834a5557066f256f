package crdt_test

import (
	"testing"

	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/crdt/model"
)

// TestUnknownFieldsKept writes fields this version does not know into the
// root, an event and an entry with raw automerge (as a newer client would),
// edits through crdt, and checks the fields are still there.
func TestUnknownFieldsKept(t *testing.T) {
	ent := sampleEntry(2)
	tests := []struct {
		name   string
		create model.Create
		first  model.Edit
		extra  []any // path of the unknown field
		then   model.Edit
	}{
		{"event", model.Create{Type: model.Calendar, Name: "C"}, model.Edit{AddEvent: ptr(sampleEvent(1))},
			[]any{"events", id(1), "future_field"}, model.Edit{PatchEvent: &model.EventPatch{ID: id(1), Title: ptr("T"), Description: ptr("D")}}},
		{"calendar root", model.Create{Type: model.Calendar, Name: "C"}, model.Edit{AddEvent: ptr(sampleEvent(1))},
			[]any{"future_field"}, model.Edit{AddEvent: ptr(sampleEvent(3))}},
		{"entry", model.Create{Type: model.Ledger, Currency: "EUR"}, model.Edit{AddEntry: &ent},
			[]any{"entries", 0, "future_field"}, model.Edit{AddEntry: ptr(sampleEntry(3))}},
		{"case root", model.Create{Type: model.Case, Case: sampleCase()}, model.Edit{PatchCase: &model.CasePatch{Summary: ptr("S")}},
			[]any{"future_field"}, model.Edit{PatchCase: &model.CasePatch{Lang: "en", Body: ptr("B"), Title: ptr("T")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, history := newDoc(t, tt.create)
			history = append(history, edit(t, d, tt.first)...)
			raw := rawEdit(t, history, func(doc *am.Doc) error { return doc.Path(tt.extra...).Set("kept") })
			if _, err := d.Apply(raw); err != nil {
				t.Fatal(err)
			}
			edit(t, d, tt.then)
			doc, err := am.Load(d.Save())
			if err != nil {
				t.Fatal(err)
			}
			if got, err := am.As[string](doc.Path(tt.extra...).Get()); err != nil || got != "kept" {
				t.Errorf("unknown field after edit: %q, %v", got, err)
			}
		})
	}
}
