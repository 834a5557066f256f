package crdt_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/crdt"
	"github.com/weftsync/weft/crdt/model"
)

func newCalendar(t testing.TB) (*crdt.Doc, [][]byte) {
	t.Helper()
	d, chunks := newDoc(t, model.Create{Type: model.Calendar, Name: "Campaign"})
	ev := sampleEvent(1)
	return d, append(chunks, edit(t, d, model.Edit{AddEvent: &ev})...)
}

func TestPatchEvent(t *testing.T) {
	tests := []struct {
		name    string
		patch   model.EventPatch
		msg     string
		changed func(e *model.Event)
	}{
		{"title", model.EventPatch{Title: ptr("March")}, "edit event title", func(e *model.Event) { e.Title = "March" }},
		{"times", model.EventPatch{Start: ptr("2026-12-02T18:00:00+01:00"), End: ptr("2026-12-02T19:00:00+01:00")},
			"edit event start,end", func(e *model.Event) { e.Start, e.End = "2026-12-02T18:00:00+01:00", "2026-12-02T19:00:00+01:00" }},
		{"all day", model.EventPatch{AllDay: ptr(true), Start: ptr("2026-12-02"), End: ptr("2026-12-03")},
			"edit event start,end,all_day", func(e *model.Event) { e.AllDay, e.Start, e.End = true, "2026-12-02", "2026-12-03" }},
		{"kind status", model.EventPatch{Kind: ptr("meeting"), Status: ptr("cancelled")},
			"edit event kind,status", func(e *model.Event) { e.Kind, e.Status = "meeting", "cancelled" }},
		{"description", model.EventPatch{Description: ptr("Bring banners and water.\n\nMeet at six.")},
			"edit event description", func(e *model.Event) { e.Description = "Bring banners and water.\n\nMeet at six." }},
		{"languages", model.EventPatch{Languages: &[]string{"fr"}}, "edit event languages", func(e *model.Event) { e.Languages = []string{"fr"} }},
		{"variant set", model.EventPatch{LocalVariants: map[string]*model.LocalVariant{"south": {Note: "meet at the port"}}},
			"edit event local_variants", func(e *model.Event) { e.LocalVariants["south"] = model.LocalVariant{Note: "meet at the port"} }},
		{"variant delete", model.EventPatch{LocalVariants: map[string]*model.LocalVariant{"north": nil}},
			"edit event local_variants", func(e *model.Event) { e.LocalVariants = nil }},
		{"ics", model.EventPatch{ICSSequence: ptr(int64(3)), ICSModified: ptr("20261121T100000Z"), Recurrence: &[]string{}},
			"edit event recurrence,ics_sequence,ics_modified", func(e *model.Event) { e.ICSSequence, e.ICSModified, e.Recurrence = 3, "20261121T100000Z", []string{} }},
		{"place online zone", model.EventPatch{Place: ptr("Park"), Online: ptr(""), Zone: ptr("Europe/Paris")},
			"edit event zone,place,online", func(e *model.Event) { e.Place, e.Online, e.Zone = "Park", "", "Europe/Paris" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, _ := newCalendar(t)
			tt.patch.ID = id(1)
			chunks := edit(t, d, model.Edit{PatchEvent: &tt.patch})
			if len(chunks) != 1 {
				t.Fatalf("got %d chunks, want 1 commit", len(chunks))
			}
			if got := changeMessage(t, d, chunks[0]); got != tt.msg {
				t.Errorf("message %q, want %q", got, tt.msg)
			}
			want := sampleEvent(1)
			tt.changed(&want)
			if got := view(t, d).Calendar.Events[0]; !reflect.DeepEqual(got, want) {
				t.Errorf("event:\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

// changeMessage loads d's history plus chunk into raw automerge and returns
// the chunk's commit message.
func changeMessage(t *testing.T, d *crdt.Doc, chunk []byte) string {
	t.Helper()
	doc, err := am.Load(d.Save())
	if err != nil {
		t.Fatal(err)
	}
	h := d.Heads()[0]
	c, err := doc.Change(h)
	if err != nil {
		t.Fatal(err)
	}
	if string(c.Save()) != string(chunk) {
		t.Fatal("chunk returned is not the head change")
	}
	return c.Message()
}

func TestEventValidation(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(e *model.Event)
		field string
	}{
		{"bad id", func(e *model.Event) { e.ID = "X" }, "id"},
		{"duplicate id", func(e *model.Event) { e.ID = id(1) }, "id"},
		{"kind", func(e *model.Event) { e.Kind = "party" }, "kind"},
		{"status", func(e *model.Event) { e.Status = "" }, "status"},
		{"start missing", func(e *model.Event) { e.Start = "" }, "start"},
		{"start no offset", func(e *model.Event) { e.Start = "2026-12-01T18:00:00" }, "start"},
		{"end", func(e *model.Event) { e.End = "tomorrow" }, "end"},
		{"all day wants dates", func(e *model.Event) { e.AllDay = true }, "start"},
		{"title utf8", func(e *model.Event) { e.Title = "\xff" }, "title"},
		{"title too long", func(e *model.Event) { e.Title = strings.Repeat("a", 65<<10) }, "title"},
		{"description utf8", func(e *model.Event) { e.Description = "ok\xc3" }, "description"},
		{"language", func(e *model.Event) { e.Languages = []string{"english language"} }, "languages"},
		{"variant group", func(e *model.Event) { e.LocalVariants = map[string]model.LocalVariant{"": {}} }, "local_variants"},
		{"variant utf8", func(e *model.Event) { e.LocalVariants = map[string]model.LocalVariant{"g": {Note: "\xff"}} }, "local_variants.g"},
		{"ics sequence", func(e *model.Event) { e.ICSSequence = -1 }, "ics_sequence"},
		{"recurrence utf8", func(e *model.Event) { e.Recurrence = []string{"\xff"} }, "recurrence"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, _ := newCalendar(t)
			before := d.Heads()
			ev := sampleEvent(2)
			tt.edit(&ev)
			_, err := d.Edit(model.Edit{AddEvent: &ev}, at)
			checkInvalid(t, d, err, tt.field, before)
		})
	}
}

func TestPatchEventValidation(t *testing.T) {
	tests := []struct {
		name  string
		patch model.EventPatch
		field string
	}{
		{"unknown event", model.EventPatch{ID: id(5), Title: ptr("x")}, "id"},
		{"nothing", model.EventPatch{ID: id(1)}, "patch_event"},
		{"kind", model.EventPatch{ID: id(1), Kind: ptr("party")}, "kind"},
		{"all day keeps stored times", model.EventPatch{ID: id(1), AllDay: ptr(true)}, "start"},
		{"date on timed event", model.EventPatch{ID: id(1), End: ptr("2026-12-03")}, "end"},
		{"utf8", model.EventPatch{ID: id(1), Place: ptr("\xff")}, "place"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, _ := newCalendar(t)
			before := d.Heads()
			_, err := d.Edit(model.Edit{PatchEvent: &tt.patch}, at)
			checkInvalid(t, d, err, tt.field, before)
		})
	}
}

// checkInvalid checks that err refuses the named field and that d is
// unchanged and still usable.
func checkInvalid(t *testing.T, d *crdt.Doc, err error, field string, before [][32]byte) {
	t.Helper()
	var fe *crdt.FieldError
	if !errors.Is(err, crdt.ErrInvalid) || !errors.As(err, &fe) || fe.Field != field {
		t.Fatalf("got %v, want ErrInvalid on field %q", err, field)
	}
	if errors.Is(err, crdt.ErrPoisoned) || d.Err() != nil {
		t.Fatalf("refused edit poisoned the doc: %v", d.Err())
	}
	if !reflect.DeepEqual(d.Heads(), before) {
		t.Fatal("refused edit changed the heads")
	}
	if err := d.CheckRoundTrip(); err != nil {
		t.Fatal(err)
	}
}

// TestConcurrentEventEdits edits two fields of one event on two replicas
// offline, exchanges the changes, and checks both edits survive on both.
func TestConcurrentEventEdits(t *testing.T) {
	_, history := newCalendar(t)
	a, err := crdt.Load(history, actor(2))
	if err != nil {
		t.Fatal(err)
	}
	b, err := crdt.Load(history, actor(3))
	if err != nil {
		t.Fatal(err)
	}
	fromA := edit(t, a, model.Edit{PatchEvent: &model.EventPatch{ID: id(1), Title: ptr("New title")}})
	fromB := edit(t, b, model.Edit{PatchEvent: &model.EventPatch{ID: id(1), Place: ptr("Park"),
		Description: ptr("Bring banners.\n\nMeet at seven.")}})
	for _, x := range []struct {
		d      *crdt.Doc
		chunks [][]byte
	}{{a, fromB}, {b, fromA}} {
		if _, err := x.d.Apply(x.chunks); err != nil {
			t.Fatal(err)
		}
	}
	va, vb := view(t, a), view(t, b)
	if !reflect.DeepEqual(va, vb) {
		t.Fatalf("replicas differ:\n%+v\n%+v", va, vb)
	}
	got := va.Calendar.Events[0]
	if got.Title != "New title" || got.Place != "Park" || got.Description != "Bring banners.\n\nMeet at seven." {
		t.Errorf("merged event lost an edit: %+v", got)
	}
}

func TestEventsSortedByStart(t *testing.T) {
	d, _ := newDoc(t, model.Create{Type: model.Calendar, Name: "C"})
	starts := map[int]string{
		3: "2026-12-01T10:00:00+01:00", // 09:00 UTC
		1: "2026-12-01T09:30:00Z",
		2: "2026-12-01T09:30:00Z", // same instant: by ID
		4: "2026-11-30",
	}
	for n, s := range starts {
		ev := sampleEvent(n)
		ev.Start, ev.End, ev.AllDay = s, "", len(s) == 10
		edit(t, d, model.Edit{AddEvent: &ev})
	}
	var got []string
	for _, e := range view(t, d).Calendar.Events {
		got = append(got, e.ID)
	}
	if want := []string{id(4), id(3), id(1), id(2)}; !reflect.DeepEqual(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
}

func TestNoOpEditMakesNoChange(t *testing.T) {
	d, _ := newCalendar(t)
	before := d.Heads()
	chunks := edit(t, d, model.Edit{PatchEvent: &model.EventPatch{ID: id(1), Title: ptr(sampleEvent(1).Title)}})
	if len(chunks) != 0 || !reflect.DeepEqual(d.Heads(), before) {
		t.Errorf("setting a field to its value made %d changes", len(chunks))
	}
}
