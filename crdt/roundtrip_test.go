package crdt_test

import (
	"reflect"
	"testing"

	"github.com/weftsync/weft/crdt"
	"github.com/weftsync/weft/crdt/model"
)

func sampleEvent(n int) model.Event {
	return model.Event{
		ID: id(n), Title: "Rally at the town hall", Kind: "demonstration", Status: "planned",
		Start: "2026-12-01T18:00:00+01:00", End: "2026-12-01T20:00:00+01:00",
		Zone: "Europe/Berlin", Place: "Town hall", Online: "https://example.org/live",
		Description: "Bring banners.\n\nMeet at six.", Languages: []string{"en", "de"},
		LocalVariants: map[string]model.LocalVariant{"north": {Note: "bus at 17:00", Place: "Station"}},
		Recurrence:    []string{"RRULE:FREQ=WEEKLY;COUNT=3"}, ICSUID: "abc@example.org",
		ICSSequence: 2, ICSModified: "20261120T100000Z",
	}
}

func sampleCase() *model.CaseStudy {
	return &model.CaseStudy{
		ID: id(7), Titles: map[string]string{"en": "Rent strike", "es": "Huelga de alquileres"},
		Bodies:  map[string]string{"en": "First paragraph.\n\nSecond paragraph.", "es": "Primer párrafo 😀."},
		Summary: "Tenants won.", Region: "Madrid", Period: "2019-2020", Tags: []string{"housing"},
		Outcomes: "Rents frozen.", Lessons: "Organise by building.", Sources: []string{"https://example.org/a"},
	}
}

func sampleEntry(n int) model.Entry {
	return model.Entry{ID: id(n), Date: "2026-11-25", Direction: model.DirectionIn, AmountMinor: 1250,
		Currency: "EUR", Category: "donations", Memo: "street collection", From: "public", To: "fund"}
}

// TestCreateEditViewRoundTrip creates each type of document, edits it, and
// checks the view, also after loading the returned chunks into a new Doc.
func TestCreateEditViewRoundTrip(t *testing.T) {
	ev, ent := sampleEvent(1), sampleEntry(2)
	tests := []struct {
		name   string
		create model.Create
		edit   model.Edit
		want   func(v model.View) any
		expect any
	}{
		{"calendar", model.Create{Type: model.Calendar, Name: "Campaign"}, model.Edit{AddEvent: &ev},
			func(v model.View) any { return v.Calendar }, &model.CalendarView{Name: "Campaign", Events: []model.Event{ev}}},
		{"case", model.Create{Type: model.Case, Case: sampleCase()}, model.Edit{PatchCase: &model.CasePatch{Region: ptr("Madrid, Spain")}},
			func(v model.View) any { return v.Case }, withRegion(sampleCase(), "Madrid, Spain")},
		{"ledger", model.Create{Type: model.Ledger, Currency: "EUR"}, model.Edit{AddEntry: &ent},
			func(v model.View) any { return v.Ledger }, &model.LedgerView{Currency: "EUR", Entries: []model.Entry{ent}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, chunks := newDoc(t, tt.create)
			chunks = append(chunks, edit(t, d, tt.edit)...)
			checkView(t, d, tt.create.Type, tt.want, tt.expect)
			loaded, err := crdt.Load(chunks, actor(2))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			checkView(t, loaded, tt.create.Type, tt.want, tt.expect)
			if err := loaded.CheckRoundTrip(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func checkView(t *testing.T, d *crdt.Doc, typ model.DocType, part func(model.View) any, want any) {
	t.Helper()
	v := view(t, d)
	if v.Type != typ || v.Space != space || v.Schema != model.SchemaVersion {
		t.Errorf("root: got %s %s %d", v.Type, v.Space, v.Schema)
	}
	if got := part(v); !reflect.DeepEqual(got, want) {
		t.Errorf("view:\n got %+v\nwant %+v", got, want)
	}
}

func withRegion(c *model.CaseStudy, r string) *model.CaseStudy {
	c.Region = r
	return c
}
