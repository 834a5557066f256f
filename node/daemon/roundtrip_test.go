package daemon_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/daemon"
)

// fixture is a node served by a daemon, a client of it, another node that
// is reached directly, and what the steps made so far.
type fixture struct {
	n, other *node.Node
	c        *daemon.Client
	sp       node.Space
	cal      node.DocRef
	event    string
	caseID   string
	entry    string
	bundle   []byte
	pending  string // a space joined, pending (Join), for CancelJoin
}

// same fails unless the node's answer and the daemon's are identical.
func same[T any](t *testing.T, direct, remote T) {
	t.Helper()
	if !reflect.DeepEqual(direct, remote) {
		t.Fatalf("through the daemon:\n%+v\ndirectly:\n%+v", remote, direct)
	}
}

// both calls f on the node and on the client and checks the answers agree.
func both[T any](t *testing.T, f *fixture, call func(b backend) (T, error)) T {
	t.Helper()
	direct := must[T](t)(call(f.n))
	remote := must[T](t)(call(f.c))
	same(t, direct, remote)
	return remote
}

// backend is what both *node.Node and *daemon.Client offer.
type backend interface {
	ResolveSpace(ctx context.Context, arg string) (node.Space, error)
	Spaces(ctx context.Context) ([]node.Space, error)
	SpaceDetail(ctx context.Context, sp node.Space) (node.SpaceDetail, error)
	Calendars(ctx context.Context, sp node.Space) ([]node.DocRef, error)
	Events(ctx context.Context, sp node.Space, calendar string) ([]node.CalendarEvent, error)
	Event(ctx context.Context, sp node.Space, id string) (node.CalendarEvent, error)
	Cases(ctx context.Context, sp node.Space) ([]model.CaseStudy, error)
	Case(ctx context.Context, sp node.Space, id string) (model.CaseStudy, error)
	SearchCases(ctx context.Context, sp node.Space, query string) ([]node.CaseHit, error)
	Entries(ctx context.Context, sp node.Space) ([]node.LedgerEntry, error)
	Balances(ctx context.Context, sp node.Space) ([]node.Balance, error)
	Status(ctx context.Context) (node.Status, error)
	Peers(ctx context.Context) ([]node.PeerInfo, error)
	SyncUntilCurrent(ctx context.Context, space string, wait time.Duration) (node.SyncReport, error)
	Quarantine(ctx context.Context) ([]node.QuarantineEntry, error)
	LiftQuarantine(ctx context.Context, what string) (int, error)
	Cuts(ctx context.Context) ([]node.CutReport, error)
	Doctor(ctx context.Context) (node.Doctor, error)
	Relays(ctx context.Context, sp node.Space) ([]string, error)
	Audit(ctx context.Context, sp node.Space) ([]node.Finding, error)
	NearOpBudget(ctx context.Context, sp node.Space) ([]node.NearDoc, error)
	LedgerChain(ctx context.Context, sp node.Space) (node.LedgerChain, error)
	CaseChain(ctx context.Context, sp node.Space, id string) (node.DocChain, error)
	CalendarChain(ctx context.Context, sp node.Space, calendar string) (node.DocChain, error)
	Log(ctx context.Context, sp node.Space, since time.Time, limit int) ([]node.LogEntry, error)
}

var (
	_ backend = (*node.Node)(nil)
	_ backend = (*daemon.Client)(nil)
)

const icsFile = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:assembly@example.org\r\n" +
	"DTSTAMP:20261121T100000Z\r\nDTSTART:20261201T180000Z\r\nDTEND:20261201T200000Z\r\nSUMMARY:Assembly\r\n" +
	"END:VEVENT\r\nEND:VCALENDAR\r\n"

// steps exercise every method of the dispatch table, in an order where
// each finds what the ones before made. method names the one it covers.
var steps = []struct {
	method string
	run    func(t *testing.T, f *fixture)
}{
	{"Hello", func(t *testing.T, f *fixture) {
		if f.c.PeerID() != f.n.PeerID() || f.c.Name() != f.n.Name() || f.c.PeerID() == "" {
			t.Fatalf("hello: %q %q, node %q %q", f.c.PeerID(), f.c.Name(), f.n.PeerID(), f.n.Name())
		}
	}},
	{"CreateSpace", func(t *testing.T, f *fixture) {
		f.sp = must[node.Space](t)(f.c.CreateSpace(t.Context(), "Tenants Union"))
		same(t, must[node.Space](t)(f.n.ResolveSpace(t.Context(), f.sp.ID)), f.sp)
	}},
	{"Spaces", func(t *testing.T, f *fixture) {
		if got := both(t, f, func(b backend) ([]node.Space, error) { return b.Spaces(t.Context()) }); len(got) != 1 {
			t.Fatalf("spaces %+v", got)
		}
	}},
	{"ResolveSpace", func(t *testing.T, f *fixture) {
		both(t, f, func(b backend) (node.Space, error) { return b.ResolveSpace(t.Context(), "Tenants Union") })
		both(t, f, func(b backend) (node.Space, error) { return b.ResolveSpace(t.Context(), f.sp.ID[:8]) })
	}},
	{"SpaceDetail", func(t *testing.T, f *fixture) {
		d := both(t, f, func(b backend) (node.SpaceDetail, error) { return b.SpaceDetail(t.Context(), f.sp) })
		if len(d.Members) != 1 || d.Members[0].PeerID != f.n.PeerID() {
			t.Fatalf("detail %+v", d)
		}
	}},
	{"CreateCalendar", func(t *testing.T, f *fixture) {
		f.cal = must[node.DocRef](t)(f.c.CreateCalendar(t.Context(), f.sp, "Actions"))
		if cals := must[[]node.DocRef](t)(f.n.Calendars(t.Context(), f.sp)); !slices.Contains(cals, f.cal) {
			t.Fatalf("calendar %+v not in %+v", f.cal, cals)
		}
	}},
	{"Calendars", func(t *testing.T, f *fixture) {
		both(t, f, func(b backend) ([]node.DocRef, error) { return b.Calendars(t.Context(), f.sp) })
	}},
	{"AddEvent", func(t *testing.T, f *fixture) {
		ev := model.Event{Title: "Blockade", Kind: "action", Status: "planned", Start: "2026-12-01T18:00:00+01:00",
			End: "2026-12-01T20:00:00+01:00", Zone: "Europe/Paris", Languages: []string{"fr", "en"},
			LocalVariants: map[string]model.LocalVariant{"lyon": {Note: "bring banners", Place: "Bellecour"}},
			Recurrence:    []string{"RRULE:FREQ=WEEKLY;COUNT=3"}}
		f.event = must[string](t)(f.c.AddEvent(t.Context(), f.sp, f.cal.ID, ev))
		got := must[node.CalendarEvent](t)(f.n.Event(t.Context(), f.sp, f.event))
		ev.ID = f.event
		same(t, ev, got.Event)
	}},
	{"Events", func(t *testing.T, f *fixture) {
		both(t, f, func(b backend) ([]node.CalendarEvent, error) { return b.Events(t.Context(), f.sp, f.cal.ID) })
		both(t, f, func(b backend) ([]node.CalendarEvent, error) { return b.Events(t.Context(), f.sp, "") })
	}},
	{"PatchEvent", func(t *testing.T, f *fixture) {
		title, none := "Blockade (moved)", []string{}
		p := model.EventPatch{ID: f.event, Title: &title, Languages: &none,
			LocalVariants: map[string]*model.LocalVariant{"lyon": nil}}
		if err := f.c.PatchEvent(t.Context(), f.sp, p); err != nil {
			t.Fatal(err)
		}
		got := must[node.CalendarEvent](t)(f.n.Event(t.Context(), f.sp, f.event))
		if got.Title != title || len(got.Languages) != 0 || len(got.LocalVariants) != 0 {
			t.Fatalf("patched event %+v", got)
		}
	}},
	{"Event", func(t *testing.T, f *fixture) {
		both(t, f, func(b backend) (node.CalendarEvent, error) { return b.Event(t.Context(), f.sp, f.event) })
	}},
	{"ImportICS", func(t *testing.T, f *fixture) {
		rep := must[node.ImportReport](t)(f.c.ImportICS(t.Context(), f.sp, f.cal.ID, strings.NewReader(icsFile)))
		if rep.Added != 1 {
			t.Fatalf("report %+v", rep)
		}
		again := must[node.ImportReport](t)(f.n.ImportICS(t.Context(), f.sp, f.cal.ID, strings.NewReader(icsFile)))
		rep = must[node.ImportReport](t)(f.c.ImportICS(t.Context(), f.sp, f.cal.ID, strings.NewReader(icsFile)))
		same(t, again, rep)
	}},
	{"ExportICS", func(t *testing.T, f *fixture) {
		var direct, remote bytes.Buffer
		if err := f.n.ExportICS(t.Context(), f.sp, f.cal.ID, &direct); err != nil {
			t.Fatal(err)
		}
		if err := f.c.ExportICS(t.Context(), f.sp, f.cal.ID, &remote); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(remote.String(), "SUMMARY:Assembly") {
			t.Fatalf("export:\n%s", remote.String())
		}
		// DTSTAMP is the time of each export: the two may fall in
		// different seconds.
		stamp := regexp.MustCompile(`(?m)^DTSTAMP:\d{8}T\d{6}Z\r?$`)
		if n := len(stamp.FindAllString(remote.String(), -1)); n == 0 {
			t.Fatalf("export without DTSTAMP lines:\n%s", remote.String())
		}
		same(t, stamp.ReplaceAllString(direct.String(), "DTSTAMP"), stamp.ReplaceAllString(remote.String(), "DTSTAMP"))
	}},
	{"AddCase", func(t *testing.T, f *fixture) {
		cs := model.CaseStudy{Titles: map[string]string{"en": "Rent strike", "es": "Huelga de alquileres"},
			Bodies: map[string]string{"en": "First paragraph.\n\nSecond."}, Tags: []string{"housing"}}
		f.caseID = must[string](t)(f.c.AddCase(t.Context(), f.sp, cs))
		got := must[model.CaseStudy](t)(f.n.Case(t.Context(), f.sp, f.caseID))
		if got.Titles["es"] != "Huelga de alquileres" || got.Bodies["en"] != cs.Bodies["en"] {
			t.Fatalf("case %+v", got)
		}
	}},
	{"PatchCase", func(t *testing.T, f *fixture) {
		body := "First paragraph, revised.\n\nSecond."
		if err := f.c.PatchCase(t.Context(), f.sp, f.caseID, model.CasePatch{Lang: "en", Body: &body}); err != nil {
			t.Fatal(err)
		}
		if got := must[model.CaseStudy](t)(f.n.Case(t.Context(), f.sp, f.caseID)); got.Bodies["en"] != body {
			t.Fatalf("body %q", got.Bodies["en"])
		}
	}},
	{"Cases", func(t *testing.T, f *fixture) {
		both(t, f, func(b backend) ([]model.CaseStudy, error) { return b.Cases(t.Context(), f.sp) })
	}},
	{"Case", func(t *testing.T, f *fixture) {
		both(t, f, func(b backend) (model.CaseStudy, error) { return b.Case(t.Context(), f.sp, f.caseID[:8]) })
	}},
	{"SearchCases", func(t *testing.T, f *fixture) {
		hits := both(t, f, func(b backend) ([]node.CaseHit, error) { return b.SearchCases(t.Context(), f.sp, "revised") })
		if len(hits) != 1 {
			t.Fatalf("hits %+v", hits)
		}
	}},
	{"AddEntry", func(t *testing.T, f *fixture) {
		e := model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: 10750, Currency: "EUR", Memo: "dues"}
		f.entry = must[string](t)(f.c.AddEntry(t.Context(), f.sp, e))
	}},
	{"Reverse", func(t *testing.T, f *fixture) {
		must[string](t)(f.c.Reverse(t.Context(), f.sp, f.entry, "typed twice"))
	}},
	{"Entries", func(t *testing.T, f *fixture) {
		ents := both(t, f, func(b backend) ([]node.LedgerEntry, error) { return b.Entries(t.Context(), f.sp) })
		if len(ents) != 2 || ents[0].RecorderID != f.n.PeerID() || ents[0].Recorded.IsZero() {
			t.Fatalf("entries %+v", ents)
		}
	}},
	{"ImportEntries", func(t *testing.T, f *fixture) {
		csv := "date,direction,amount,currency,memo\n2026-11-01,in,1.50,EUR,dues\n2026-11-02,out,0.50,EUR,stamps\n"
		rep := must[node.LedgerImport](t)(f.c.ImportEntries(t.Context(), f.sp, strings.NewReader(csv)))
		ents := must[[]node.LedgerEntry](t)(f.n.Entries(t.Context(), f.sp))
		if rep.Imported != 2 || len(ents) != 4 || ents[2].ID != rep.FirstID || ents[3].ID != rep.LastID || ents[3].Memo != "stamps" {
			t.Fatalf("import %+v, entries %+v", rep, ents)
		}
		again := "id,date,direction,amount,currency\n" + rep.FirstID + ",2026-11-01,in,1.50,EUR\n"
		for _, b := range []interface {
			ImportEntries(context.Context, node.Space, io.Reader) (node.LedgerImport, error)
		}{f.n, f.c} {
			if _, err := b.ImportEntries(t.Context(), f.sp, strings.NewReader(again)); !errors.Is(err, node.ErrInvalid) ||
				!strings.Contains(err.Error(), "line 2, id") {
				t.Fatalf("importing an entry twice: %v", err)
			}
		}
	}},
	{"Status", func(t *testing.T, f *fixture) {
		both(t, f, func(b backend) (node.Status, error) { return b.Status(t.Context()) })
	}},
	{"Peers", func(t *testing.T, f *fixture) {
		both(t, f, func(b backend) ([]node.PeerInfo, error) { return b.Peers(t.Context()) })
	}},
	{"SyncUntilCurrent", func(t *testing.T, f *fixture) { // the fixture's node does not serve
		for _, b := range []backend{f.n, f.c} {
			if _, err := b.SyncUntilCurrent(t.Context(), f.sp.ID, time.Second); !errors.Is(err, node.ErrNotServing) {
				t.Fatalf("SyncUntilCurrent = %v, want ErrNotServing", err)
			}
		}
	}},
	{"Quarantine", func(t *testing.T, f *fixture) {
		both(t, f, func(b backend) ([]node.QuarantineEntry, error) { return b.Quarantine(t.Context()) })
	}},
	{"Cuts", func(t *testing.T, f *fixture) { // no equivocation here: both say none
		if cuts := both(t, f, func(b backend) ([]node.CutReport, error) { return b.Cuts(t.Context()) }); len(cuts) != 0 {
			t.Fatalf("cuts %+v in a node that never saw an equivocation", cuts)
		}
	}},
	{"LiftQuarantine", func(t *testing.T, f *fixture) {
		lifted := both(t, f, func(b backend) (int, error) { return b.LiftQuarantine(t.Context(), f.other.PeerID()) })
		if lifted != 0 {
			t.Fatalf("lifted %d entries of a member never quarantined", lifted)
		}
		for _, b := range []backend{f.n, f.c} {
			if _, err := b.LiftQuarantine(t.Context(), "neither"); !errors.Is(err, node.ErrInvalid) {
				t.Fatalf("LiftQuarantine(neither) = %v, want ErrInvalid", err)
			}
		}
	}},
	{"Doctor", func(t *testing.T, f *fixture) { // the fixture's node does not serve: the doctor says so
		d := both(t, f, func(b backend) (node.Doctor, error) {
			d, err := b.Doctor(t.Context())
			d.Checked = time.Time{}
			return d, err
		})
		if d.Serving || len(d.Summary) == 0 || !strings.Contains(d.Summary[0], "weft serve") {
			t.Fatalf("doctor of a node that does not serve: %+v", d)
		}
	}},
	{"SetRelays", func(t *testing.T, f *fixture) {
		addr := "/ip4/127.0.0.1/tcp/7411/p2p/" + f.other.PeerID()
		set := must[[]string](t)(f.c.SetRelays(t.Context(), f.sp, []string{addr}))
		if !slices.Equal(set, []string{addr}) {
			t.Fatalf("set relays %v", set)
		}
		if _, err := f.c.SetRelays(t.Context(), f.sp, []string{"/ip4/127.0.0.1/tcp/7411"}); !errors.Is(err, node.ErrInvalid) {
			t.Fatalf("SetRelays without /p2p/ = %v, want ErrInvalid", err)
		}
	}},
	{"Relays", func(t *testing.T, f *fixture) {
		got := both(t, f, func(b backend) ([]string, error) { return b.Relays(t.Context(), f.sp) })
		if len(got) != 1 || !strings.HasSuffix(got[0], "/p2p/"+f.other.PeerID()) {
			t.Fatalf("relays %v", got)
		}
	}},
	{"Balances", func(t *testing.T, f *fixture) {
		both(t, f, func(b backend) ([]node.Balance, error) { return b.Balances(t.Context(), f.sp) })
	}},
	{"Audit", func(t *testing.T, f *fixture) {
		both(t, f, func(b backend) ([]node.Finding, error) { return b.Audit(t.Context(), f.sp) })
	}},
	{"NearOpBudget", func(t *testing.T, f *fixture) {
		both(t, f, func(b backend) ([]node.NearDoc, error) { return b.NearOpBudget(t.Context(), f.sp) })
	}},
	{"ContinueLedger", func(t *testing.T, f *fixture) {
		c := must[node.LedgerContinuation](t)(f.c.ContinueLedger(t.Context(), f.sp))
		if c.From == "" || c.To == "" || c.From == c.To {
			t.Fatalf("continuation %+v", c)
		}
	}},
	{"LedgerChain", func(t *testing.T, f *fixture) {
		c := both(t, f, func(b backend) (node.LedgerChain, error) { return b.LedgerChain(t.Context(), f.sp) })
		if len(c.Previous) != 1 {
			t.Fatalf("chain %+v after one continuation", c)
		}
	}},
	{"Log", func(t *testing.T, f *fixture) {
		l := both(t, f, func(b backend) ([]node.LogEntry, error) { return b.Log(t.Context(), f.sp, time.Time{}, 0) })
		if len(l) < 5 {
			t.Fatalf("log %+v", l)
		}
		since := l[2].When
		both(t, f, func(b backend) ([]node.LogEntry, error) { return b.Log(t.Context(), f.sp, since, 2) })
	}},
	{"ContinueCase", func(t *testing.T, f *fixture) {
		c := must[node.DocContinuation](t)(f.c.ContinueCase(t.Context(), f.sp, f.caseID))
		if c.From != f.caseID || c.To == "" || c.To == c.From || c.Type != model.Case {
			t.Fatalf("continuation %+v of %s", c, f.caseID)
		}
	}},
	{"CaseChain", func(t *testing.T, f *fixture) {
		c := both(t, f, func(b backend) (node.DocChain, error) { return b.CaseChain(t.Context(), f.sp, f.caseID) })
		if !slices.Equal(c.Previous, []string{f.caseID}) {
			t.Fatalf("chain %+v after one continuation of %s", c, f.caseID)
		}
	}},
	{"ContinueCalendar", func(t *testing.T, f *fixture) {
		c := must[node.DocContinuation](t)(f.c.ContinueCalendar(t.Context(), f.sp, f.cal.ID))
		if c.From != f.cal.ID || c.To == "" || c.To == c.From || c.Type != model.Calendar {
			t.Fatalf("continuation %+v of %s", c, f.cal.ID)
		}
	}},
	{"CalendarChain", func(t *testing.T, f *fixture) {
		c := both(t, f, func(b backend) (node.DocChain, error) { return b.CalendarChain(t.Context(), f.sp, f.cal.ID) })
		if !slices.Equal(c.Previous, []string{f.cal.ID}) {
			t.Fatalf("chain %+v after one continuation of %s", c, f.cal.ID)
		}
	}},
	{"Invite", func(t *testing.T, f *fixture) {
		inv := must[node.Invitation](t)(f.c.Invite(t.Context(), f.sp, node.InviteOptions{Expires: time.Hour, Uses: 2}))
		if d := time.Until(inv.Expires); d < 59*time.Minute || d > time.Hour || inv.Expires.Location() != time.Local {
			t.Fatalf("invitation expires %v", inv.Expires)
		}
		req, space := must2(t)(f.other.JoinRequest(t.Context(), inv.Code))
		if space != f.sp.ID {
			t.Fatalf("join request for %s", space)
		}
		f.bundle = req
	}},
	{"Admit", func(t *testing.T, f *fixture) {
		welcome := must[[]byte](t)(f.c.Admit(t.Context(), f.bundle))
		sp := must[node.Space](t)(f.other.AcceptWelcome(t.Context(), welcome))
		if sp.ID != f.sp.ID {
			t.Fatalf("joined %+v", sp)
		}
	}},
	{"JoinRequest", func(t *testing.T, f *fixture) {
		theirs := must[node.Space](t)(f.other.CreateSpace(t.Context(), "Their space"))
		inv := must[node.Invitation](t)(f.other.Invite(t.Context(), theirs, node.InviteOptions{}))
		req, space := must2(t)(f.c.JoinRequest(t.Context(), inv.Code))
		if space != theirs.ID {
			t.Fatalf("join request for %s", space)
		}
		f.bundle = must[[]byte](t)(f.other.Admit(t.Context(), req))
	}},
	{"AcceptWelcome", func(t *testing.T, f *fixture) {
		sp := must[node.Space](t)(f.c.AcceptWelcome(t.Context(), f.bundle))
		same(t, must[node.Space](t)(f.n.ResolveSpace(t.Context(), "Their space")), sp)
	}},
	{"ExportBundle", func(t *testing.T, f *fixture) {
		var buf bytes.Buffer
		if err := f.c.ExportBundle(t.Context(), f.sp, &buf); err != nil {
			t.Fatal(err)
		}
		rep := must[node.BundleReport](t)(f.other.ImportBundle(t.Context(), &buf))
		if rep.Space != f.sp.ID || rep.Refused != 0 || rep.Added+rep.Duplicate == 0 {
			t.Fatalf("import of the daemon's bundle: %+v", rep)
		}
	}},
	{"ImportBundle", func(t *testing.T, f *fixture) {
		theirs := must[node.Space](t)(f.other.ResolveSpace(t.Context(), "Their space"))
		must[string](t)(f.other.AddEntry(t.Context(), theirs, model.Entry{Date: "2026-11-27", Direction: "out",
			AmountMinor: 500, Currency: "EUR"}))
		var buf bytes.Buffer
		if err := f.other.ExportBundle(t.Context(), theirs, &buf); err != nil {
			t.Fatal(err)
		}
		rep := must[node.BundleReport](t)(f.c.ImportBundle(t.Context(), &buf))
		if rep.Space != theirs.ID || rep.Added == 0 || rep.Refused != 0 {
			t.Fatalf("report %+v", rep)
		}
		if ents := must[[]node.LedgerEntry](t)(f.n.Entries(t.Context(), theirs)); len(ents) != 1 {
			t.Fatalf("entries after import %+v", ents)
		}
	}},
	{"RevokeInvite", func(t *testing.T, f *fixture) {
		inv := must[node.Invitation](t)(f.n.Invite(t.Context(), f.sp, node.InviteOptions{}))
		if err := f.c.RevokeInvite(t.Context(), f.sp, inv.InviteID); err != nil {
			t.Fatal(err)
		}
		stranger, _ := initNode(t, "", "Cy")
		req, _ := must2(t)(stranger.JoinRequest(t.Context(), inv.Code))
		if _, err := f.n.Admit(t.Context(), req); !errors.Is(err, node.ErrInvalid) {
			t.Fatalf("admission with a revoked invite: %v", err)
		}
	}},
	{"Join", func(t *testing.T, f *fixture) {
		later := must[node.Space](t)(f.other.CreateSpace(t.Context(), "Later space"))
		inv := must[node.Invitation](t)(f.other.Invite(t.Context(), later, node.InviteOptions{}))
		sp := must[node.Space](t)(f.c.Join(t.Context(), inv.Code))
		if sp.ID != later.ID || !sp.Pending {
			t.Fatalf("join returned %+v", sp)
		}
		got := both(t, f, func(b backend) (node.Space, error) { return b.ResolveSpace(t.Context(), later.ID) })
		if !got.Pending {
			t.Fatalf("the joined space resolves as %+v", got)
		}
		f.pending = later.ID
	}},
	{"CancelJoin", func(t *testing.T, f *fixture) {
		dropped, err := f.c.CancelJoin(t.Context(), f.pending)
		if err != nil || dropped != 0 {
			t.Fatalf("cancel join: %d dropped, %v", dropped, err)
		}
		if _, err := f.n.ResolveSpace(t.Context(), f.pending); !errors.Is(err, node.ErrNotFound) {
			t.Fatalf("the cancelled join still resolves: %v", err)
		}
		if _, err := f.c.CancelJoin(t.Context(), f.pending); !errors.Is(err, node.ErrNotFound) {
			t.Fatalf("cancelling twice over the socket: %v, want ErrNotFound", err)
		}
	}},
}

func must2(t *testing.T) func(b []byte, s string, err error) ([]byte, string) {
	return func(b []byte, s string, err error) ([]byte, string) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return b, s
	}
}

// TestRoundTrip runs every method through the daemon and checks it does
// what calling the node directly does.
func TestRoundTrip(t *testing.T) {
	n, h := initNode(t, "", "Amina")
	other, _ := initNode(t, "", "Bo")
	serve(t, n, h)
	f := &fixture{n: n, other: other, c: dial(t, h)}
	for _, s := range steps {
		if !t.Run(s.method, func(t *testing.T) { s.run(t, f) }) {
			t.FailNow()
		}
	}
}

// TestEveryMethodTested fails when the dispatch table serves a method that
// TestRoundTrip does not exercise.
func TestEveryMethodTested(t *testing.T) {
	for _, m := range daemon.Methods() {
		if !slices.ContainsFunc(steps, func(s struct {
			method string
			run    func(t *testing.T, f *fixture)
		}) bool {
			return s.method == m
		}) {
			t.Errorf("method %s is served but not tested", m)
		}
	}
}
