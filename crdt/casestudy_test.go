package crdt_test

import (
	"reflect"
	"strings"
	"testing"

	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/crdt"
	"github.com/weftsync/weft/crdt/model"
)

func TestPatchCase(t *testing.T) {
	tests := []struct {
		name    string
		patch   model.CasePatch
		msg     string
		changed func(c *model.CaseStudy)
	}{
		{"title", model.CasePatch{Lang: "en", Title: ptr("Rent strike of 2019")}, "edit case title[en]",
			func(c *model.CaseStudy) { c.Titles["en"] = "Rent strike of 2019" }},
		{"body splice", model.CasePatch{Lang: "es", Body: ptr("Primer párrafo 😀, corregido.")}, "edit case body[es]",
			func(c *model.CaseStudy) { c.Bodies["es"] = "Primer párrafo 😀, corregido." }},
		{"new language", model.CasePatch{Lang: "fr", Title: ptr("Grève"), Body: ptr("Premier.")}, "edit case title[fr],body[fr]",
			func(c *model.CaseStudy) { c.Titles["fr"], c.Bodies["fr"] = "Grève", "Premier." }},
		{"scalars", model.CasePatch{Summary: ptr("s"), Period: ptr("2019"), Outcomes: ptr("o"), Lessons: ptr("l")},
			"edit case summary,period,outcomes,lessons", func(c *model.CaseStudy) { c.Summary, c.Period, c.Outcomes, c.Lessons = "s", "2019", "o", "l" }},
		{"lists", model.CasePatch{Tags: &[]string{"housing", "tenants"}, Sources: &[]string{}}, "edit case tags,sources",
			func(c *model.CaseStudy) { c.Tags, c.Sources = []string{"housing", "tenants"}, []string{} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, _ := newDoc(t, model.Create{Type: model.Case, Case: sampleCase()})
			chunks := edit(t, d, model.Edit{PatchCase: &tt.patch})
			if len(chunks) != 1 {
				t.Fatalf("%d chunks, want 1", len(chunks))
			}
			if got := changeMessage(t, d, chunks[0]); got != tt.msg {
				t.Errorf("message %q, want %q", got, tt.msg)
			}
			want := sampleCase()
			tt.changed(want)
			if got := view(t, d).Case; !reflect.DeepEqual(got, want) {
				t.Errorf("case:\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestCaseValidation(t *testing.T) {
	tests := []struct {
		name  string
		patch model.CasePatch
		field string
	}{
		{"nothing", model.CasePatch{Lang: "en"}, "patch_case"},
		{"no lang", model.CasePatch{Title: ptr("x")}, "lang"},
		{"bad lang", model.CasePatch{Lang: "en_GB", Body: ptr("x")}, "lang"},
		{"body utf8", model.CasePatch{Lang: "en", Body: ptr("\xff")}, "bodies.en"},
		{"summary utf8", model.CasePatch{Summary: ptr("\xff")}, "summary"},
		{"too many tags", model.CasePatch{Tags: ptr(make([]string, 300))}, "tags"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, _ := newDoc(t, model.Create{Type: model.Case, Case: sampleCase()})
			before := d.Heads()
			_, err := d.Edit(model.Edit{PatchCase: &tt.patch}, at)
			checkInvalid(t, d, err, tt.field, before)
		})
	}
}

// TestCaseParagraphsMerge edits two paragraphs of one body on two replicas
// offline: after exchanging changes both replicas hold both edits.
func TestCaseParagraphsMerge(t *testing.T) {
	c := sampleCase()
	c.Bodies["en"] = "Para one: the start.\n\nPara two: the middle.\n\nPara three: the end."
	_, history := newDoc(t, model.Create{Type: model.Case, Case: c})
	a, errA := crdt.Load(history, actor(2))
	b, errB := crdt.Load(history, actor(3))
	if errA != nil || errB != nil {
		t.Fatal(errA, errB)
	}
	fromA := edit(t, a, model.Edit{PatchCase: &model.CasePatch{Lang: "en",
		Body: ptr("Para one: the very start.\n\nPara two: the middle.\n\nPara three: the end.")}})
	fromB := edit(t, b, model.Edit{PatchCase: &model.CasePatch{Lang: "en",
		Body: ptr("Para one: the start.\n\nPara two: the middle.\n\nPara three: the happy end 😀.")}})
	if _, err := a.Apply(fromB); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Apply(fromA); err != nil {
		t.Fatal(err)
	}
	va, vb := view(t, a), view(t, b)
	if !reflect.DeepEqual(va, vb) {
		t.Fatalf("replicas differ:\n%q\n%q", va.Case.Bodies["en"], vb.Case.Bodies["en"])
	}
	want := "Para one: the very start.\n\nPara two: the middle.\n\nPara three: the happy end 😀."
	if got := va.Case.Bodies["en"]; got != want {
		t.Errorf("merged body %q, want %q", got, want)
	}
}

// TestLargeBodyInPieces cuts large body edits into several commits. The
// piece size is lowered for the test: automerge holds one op per character,
// so megabytes of text would cost the test seconds and gigabytes.
func TestLargeBodyInPieces(t *testing.T) {
	const piece = 4096
	d, _ := newDoc(t, model.Create{Type: model.Case, Case: sampleCase()})
	crdt.SetPieceBytes(d, piece)
	big := strings.Repeat("Long text é 😀 ", 2000) // about 34 KB
	checkPieces(t, d, edit(t, d, model.Edit{PatchCase: &model.CasePatch{Lang: "en", Body: &big}}), piece)
	edited := big[:len(big)/2] + "a small edit" + big[len(big)/2:]
	if n := len(edit(t, d, model.Edit{PatchCase: &model.CasePatch{Lang: "en", Body: &edited}})); n != 1 {
		t.Errorf("small splice of a big body made %d changes, want 1", n)
	}
	replaced := strings.Repeat("x", 30_000)
	checkPieces(t, d, edit(t, d, model.Edit{PatchCase: &model.CasePatch{Lang: "en", Body: &replaced}}), piece)
	if got := view(t, d).Case.Bodies["en"]; got != replaced {
		t.Errorf("body after pieces: %d bytes, want %d", len(got), len(replaced))
	}
	if err := d.CheckRoundTrip(); err != nil {
		t.Fatal(err)
	}
}

func checkPieces(t *testing.T, d *crdt.Doc, chunks [][]byte, piece int) {
	t.Helper()
	if len(chunks) < 3 {
		t.Errorf("large edit made %d changes, want several", len(chunks))
	}
	for i, c := range chunks {
		if len(c) > 2*piece {
			t.Errorf("change %d is %d bytes, over twice the piece size", i, len(c))
		}
	}
	if got := changeMessage(t, d, chunks[len(chunks)-1]); got != "edit case body[en]" {
		t.Errorf("last piece's message %q", got)
	}
}

func TestTextTooLarge(t *testing.T) {
	d, _ := newDoc(t, model.Create{Type: model.Case, Case: sampleCase()})
	before := d.Heads()
	_, err := d.Edit(model.Edit{PatchCase: &model.CasePatch{Lang: "en", Body: ptr(strings.Repeat("x", 1<<20+1))}}, at)
	checkInvalid(t, d, err, "bodies.en", before)
}

// TestBodyIsText checks that a new language's body is written as Text, so
// that later edits are splices.
func TestBodyIsText(t *testing.T) {
	d, _ := newDoc(t, model.Create{Type: model.Case, Case: sampleCase()})
	edit(t, d, model.Edit{PatchCase: &model.CasePatch{Lang: "de", Body: ptr("Erster.")}})
	doc, err := am.Load(d.Save())
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"en", "de"} {
		v, err := doc.Path("bodies", lang).Get()
		if err != nil || v.Kind() != am.KindText {
			t.Errorf("bodies.%s: kind %v, %v; want Text", lang, v.Kind(), err)
		}
	}
}
