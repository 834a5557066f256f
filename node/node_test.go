package node_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/weftsync/weft/crdt"
	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
)

func TestSpaceCalendarCaseLedger(t *testing.T) {
	n, opts := initNode(t, "Amina")
	ctx := t.Context()
	sp := must[node.Space](t)(n.CreateSpace(ctx, "Climate Coalition"))
	if !model.ValidID(sp.ID) {
		t.Fatalf("space ID %q", sp.ID)
	}
	ev := model.Event{Title: "Kick-off", Kind: "meeting", Status: "planned", Start: "2026-12-01T18:00:00+01:00",
		Zone: "Europe/Paris", Languages: []string{"fr", "en"}}
	evID := must[string](t)(n.AddEvent(ctx, sp, "", ev))
	title := "Kick-off meeting"
	if err := n.PatchEvent(ctx, sp, model.EventPatch{ID: evID[:8], Title: &title}); err != nil {
		t.Fatal(err)
	}
	caseID := must[string](t)(n.AddCase(ctx, sp, model.CaseStudy{Titles: map[string]string{"en": "Rent strike"},
		Bodies: map[string]string{"en": "First paragraph.\n\nSecond paragraph."}}))
	body := "First paragraph, revised.\n\nSecond paragraph."
	if err := n.PatchCase(ctx, sp, caseID, model.CasePatch{Lang: "en", Body: &body}); err != nil {
		t.Fatal(err)
	}
	entryID := must[string](t)(n.AddEntry(ctx, sp, model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: 10750, Currency: "EUR"}))

	// Everything survives a close and reopen.
	n = reopen(t, n, opts)
	sp = must[node.Space](t)(n.ResolveSpace(ctx, "Climate Coalition"))
	got := must[node.CalendarEvent](t)(n.Event(ctx, sp, evID))
	if got.Title != title || got.Zone != "Europe/Paris" || got.Kind != "meeting" {
		t.Errorf("event = %+v", got)
	}
	c := must[model.CaseStudy](t)(n.Case(ctx, sp, caseID))
	if c.Bodies["en"] != body {
		t.Errorf("case body = %q", c.Bodies["en"])
	}
	hits := must[[]node.CaseHit](t)(n.SearchCases(ctx, sp, "REVISED paragraph"))
	if len(hits) != 1 || hits[0].ID != caseID || !strings.Contains(hits[0].Snippet, "revised") {
		t.Errorf("search hits = %+v", hits)
	}
	ents := must[[]node.LedgerEntry](t)(n.Entries(ctx, sp))
	if len(ents) != 1 || ents[0].ID != entryID || ents[0].RecordedBy != "Amina" || ents[0].RecorderID != n.PeerID() {
		t.Errorf("entries = %+v", ents)
	}
	d := must[node.SpaceDetail](t)(n.SpaceDetail(ctx, sp))
	if len(d.Members) != 1 || d.Members[0].Role != "steward" || d.Members[0].Name != "Amina" || d.Members[0].PeerID != n.PeerID() {
		t.Errorf("members = %+v", d.Members)
	}
	if len(d.Calendars) != 1 || d.Ledger == "" || d.Cases != 1 {
		t.Errorf("detail = %+v", d)
	}
}

func TestLogNamesTheAttestedMember(t *testing.T) {
	n, _ := initNode(t, "Bo")
	ctx := t.Context()
	sp := must[node.Space](t)(n.CreateSpace(ctx, "Mutual Aid"))
	must[string](t)(n.AddEntry(ctx, sp, model.Entry{Date: "2026-11-26", Direction: "out", AmountMinor: 500, Currency: "USD"}))
	log := must[[]node.LogEntry](t)(n.Log(ctx, sp, time.Time{}, 0))
	if len(log) != 3 { // calendar created, ledger created, entry added
		t.Fatalf("log has %d entries: %+v", len(log), log)
	}
	for _, l := range log {
		if l.Member != "Bo" || l.PeerID != n.PeerID() || l.What == "" {
			t.Errorf("log entry %+v", l)
		}
	}
	if log[0].DocType != model.Ledger || !log[0].When.After(log[2].When) {
		t.Errorf("log not newest first: %+v", log)
	}
	if l := must[[]node.LogEntry](t)(n.Log(ctx, sp, time.Time{}, 1)); len(l) != 1 {
		t.Errorf("limit 1 gave %d", len(l))
	}
}

func TestBalancesAndReversal(t *testing.T) {
	n, _ := initNode(t, "Chen")
	ctx := t.Context()
	sp := must[node.Space](t)(n.CreateSpace(ctx, "Fund"))
	add := func(dir string, minor int64, cur string) string {
		return must[string](t)(n.AddEntry(ctx, sp, model.Entry{Date: "2026-11-26", Direction: dir, AmountMinor: minor, Currency: cur}))
	}
	add("in", 10000, "EUR")
	wrong := add("out", 2500, "EUR")
	add("transfer", 700, "EUR")
	add("in", 1000, "JPY")
	rev := must[string](t)(n.Reverse(ctx, sp, wrong, "typo"))
	bals := must[[]node.Balance](t)(n.Balances(ctx, sp))
	want := []node.Balance{{Currency: "EUR", In: 10000, Out: 0, Transfer: 700}, {Currency: "JPY", In: 1000}}
	if len(bals) != 2 || bals[0] != want[0] || bals[1] != want[1] {
		t.Errorf("balances = %+v, want %+v", bals, want)
	}
	if _, err := n.Reverse(ctx, sp, rev, ""); !errors.Is(err, node.ErrInvalid) {
		t.Errorf("reversing a reversal = %v, want ErrInvalid", err)
	}
	if _, err := n.Reverse(ctx, sp, wrong, ""); !errors.Is(err, node.ErrInvalid) {
		t.Errorf("reversing twice = %v, want ErrInvalid", err)
	}
	findings := must[[]node.Finding](t)(n.Audit(ctx, sp))
	if len(findings) != 0 {
		t.Errorf("audit of an honest ledger: %+v", findings)
	}
}

func TestResolveSpace(t *testing.T) {
	n, _ := initNode(t, "Dee")
	ctx := t.Context()
	a := must[node.Space](t)(n.CreateSpace(ctx, "Same"))
	b := must[node.Space](t)(n.CreateSpace(ctx, "Same"))
	c := must[node.Space](t)(n.CreateSpace(ctx, "Other"))
	tests := []struct {
		arg     string
		want    string
		wantErr error
	}{
		{a.ID, a.ID, nil},
		{"Other", c.ID, nil},
		{c.ID[:6], c.ID, nil},
		{"Same", "", node.ErrAmbiguous},
		{c.ID[:5], "", node.ErrNotFound},
		{"nope", "", node.ErrNotFound},
	}
	_ = b
	for _, tt := range tests {
		t.Run(tt.arg, func(t *testing.T) {
			got, err := n.ResolveSpace(ctx, tt.arg)
			if !errors.Is(err, tt.wantErr) || (err == nil && got.ID != tt.want) {
				t.Errorf("ResolveSpace(%q) = %v, %v", tt.arg, got.ID, err)
			}
		})
	}
}

func TestPassphrase(t *testing.T) {
	opts := passOpts(t, "correct horse")
	n, err := node.Init(t.Context(), opts, "Eve")
	if err != nil {
		t.Fatal(err)
	}
	id := n.PeerID()
	n.Close()
	opts.Passphrase = func() ([]byte, error) { return []byte("wrong"), nil }
	if _, err := node.Open(t.Context(), opts); !errors.Is(err, node.ErrWrongPassphrase) {
		t.Fatalf("open with a wrong passphrase = %v", err)
	}
	opts.Passphrase = func() ([]byte, error) { return []byte("correct horse"), nil }
	m, err := node.Open(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if m.PeerID() != id || !strings.HasPrefix(id, "12D3KooW") {
		t.Fatalf("peer ID %s after reopen, was %s", m.PeerID(), id)
	}
}

func TestInvalidInputWritesNothing(t *testing.T) {
	n, _ := initNode(t, "Fay")
	ctx := t.Context()
	sp := must[node.Space](t)(n.CreateSpace(ctx, "S"))
	before := must[[]node.LogEntry](t)(n.Log(ctx, sp, time.Time{}, 0))
	_, err := n.AddEntry(ctx, sp, model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: -5, Currency: "EUR"})
	if !errors.Is(err, node.ErrInvalid) {
		t.Fatalf("negative amount = %v, want ErrInvalid", err)
	}
	_, err = n.AddEvent(ctx, sp, "", model.Event{Title: "x", Kind: "party", Status: "planned", Start: "2026-12-01T10:00:00Z"})
	if !errors.Is(err, node.ErrInvalid) {
		t.Fatalf("unknown kind = %v, want ErrInvalid", err)
	}
	after := must[[]node.LogEntry](t)(n.Log(ctx, sp, time.Time{}, 0))
	if len(after) != len(before) {
		t.Fatalf("refused input wrote %d changes", len(after)-len(before))
	}
}

// TestNoAutomergeInTheNodeProcess: the crdt guard is off in this process,
// so any Automerge call the node made itself would have failed every test
// above; this checks the guard is really off here.
func TestNoAutomergeInTheNodeProcess(t *testing.T) {
	_, _, err := crdt.Create(model.Create{Type: model.Ledger, Space: model.NewID(), Currency: "EUR"}, make([]byte, 16), time.Now(), "x")
	if !errors.Is(err, crdt.ErrNotEngine) {
		t.Fatalf("crdt.Create outside the engine = %v, want ErrNotEngine", err)
	}
}
