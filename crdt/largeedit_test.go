package crdt_test

import (
	"strings"
	"testing"

	"github.com/weftsync/weft/crdt"
	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node/wire"
)

// bigText returns n code points of mixed one-, two- and four-byte text.
func bigText(n int) string {
	const unit = "Lorem é 😀\n" // 10 code points
	return strings.Repeat(unit, n/10) + strings.Repeat("x", n%10)
}

// TestLargeTextPassesWire writes texts of hundreds of thousands of
// characters at full piece size: every change made must pass node/wire's
// checks (at most wire.MaxOps ops), or the node refuses its own edit. The
// edit deletes 70,000 characters and inserts 60,000: 130,000 ops, more than
// one change may carry. The body stays under MaxText (256 KiB).
func TestLargeTextPassesWire(t *testing.T) {
	body := bigText(180_000)
	c := sampleCase()
	c.Bodies["en"] = body
	d, chunks := newDoc(t, model.Create{Type: model.Case, Case: c})
	t.Run("create", func(t *testing.T) { checkWire(t, "create", chunks) })
	r := []rune(body)
	inserted := strings.Repeat("new words.", 6_000) // differs from body at both ends
	edited := string(r[:50_000]) + inserted + string(r[120_000:])
	chunks = edit(t, d, model.Edit{PatchCase: &model.CasePatch{Lang: "en", Body: &edited}})
	t.Run("delete and insert", func(t *testing.T) { checkWire(t, "edit", chunks) })
	if got := view(t, d).Case.Bodies["en"]; got != edited {
		t.Errorf("body after edit: %d bytes, want %d", len(got), len(edited))
	}
	if err := d.CheckRoundTrip(); err != nil {
		t.Fatal(err)
	}
}

// TestLargeDescriptionPassesWire does the same for an event's description,
// added with the event and then replaced.
func TestLargeDescriptionPassesWire(t *testing.T) {
	d, _ := newDoc(t, model.Create{Type: model.Calendar, Name: "Main"})
	e := sampleEvent(1)
	e.Description = bigText(120_000)
	chunks := edit(t, d, model.Edit{AddEvent: &e})
	t.Run("add event", func(t *testing.T) { checkWire(t, "add event", chunks) })
	desc := bigText(5) + strings.Repeat("y", 110_000)
	chunks = edit(t, d, model.Edit{PatchEvent: &model.EventPatch{ID: e.ID, Description: &desc}})
	t.Run("patch event", func(t *testing.T) { checkWire(t, "patch event", chunks) })
	if got := view(t, d).Calendar.Events[0].Description; got != desc {
		t.Errorf("description: %d bytes, want %d", len(got), len(desc))
	}
}

// checkWire checks that an edit made several changes, each of which
// node/wire accepts.
func checkWire(t *testing.T, what string, chunks [][]byte) {
	t.Helper()
	if len(chunks) < 3 {
		t.Errorf("%s: %d changes, want several", what, len(chunks))
	}
	for i, b := range chunks {
		c, err := wire.ParseChange(b)
		if err != nil {
			t.Fatalf("%s: change %d of %d: %v", what, i+1, len(chunks), err)
		}
		if c.Ops > crdt.MaxChangeOps {
			t.Errorf("%s: change %d has %d ops, more than %d", what, i+1, c.Ops, crdt.MaxChangeOps)
		}
	}
}
