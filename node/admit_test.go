package node_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/member"
)

// joinSpace runs offline admission end to end: a invites, b requests, a
// admits, b accepts the welcome.
func joinSpace(t *testing.T, a, b *node.Node, sp node.Space) node.Space {
	t.Helper()
	ctx := t.Context()
	inv := must[node.Invitation](t)(a.Invite(ctx, sp, node.InviteOptions{}))
	req, space, err := b.JoinRequest(ctx, inv.Code)
	if err != nil || space != sp.ID {
		t.Fatalf("join request: space %q, %v", space, err)
	}
	welcome := must[[]byte](t)(a.Admit(ctx, req))
	return must[node.Space](t)(b.AcceptWelcome(ctx, welcome))
}

// exchange exports from's copy of sp and imports it into to.
func exchange(t *testing.T, from, to *node.Node, sp node.Space) node.BundleReport {
	t.Helper()
	var buf bytes.Buffer
	if err := from.ExportBundle(t.Context(), sp, &buf); err != nil {
		t.Fatalf("export: %v", err)
	}
	return must[node.BundleReport](t)(to.ImportBundle(t.Context(), &buf))
}

func TestAdmitWelcomeAndConcurrentCaseEdits(t *testing.T) {
	a, _ := initNode(t, "Amina")
	b, _ := initNode(t, "Bo")
	ctx := t.Context()
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Tenants Union"))
	evID := must[string](t)(a.AddEvent(ctx, sp, "", model.Event{Title: "Assembly", Kind: "meeting", Status: "planned",
		Start: "2026-12-01T18:00:00+01:00", Zone: "Europe/Paris"}))
	caseID := must[string](t)(a.AddCase(ctx, sp, model.CaseStudy{Titles: map[string]string{"en": "Rent strike"},
		Bodies: map[string]string{"en": "First paragraph.\n\nSecond paragraph."}}))
	entryID := must[string](t)(a.AddEntry(ctx, sp, model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: 2500, Currency: "EUR"}))

	spB := joinSpace(t, a, b, sp)
	if spB.ID != sp.ID || spB.Name != sp.Name {
		t.Fatalf("joined space %+v, want %+v", spB, sp)
	}
	t.Run("joiner sees everything", func(t *testing.T) {
		ev := must[node.CalendarEvent](t)(b.Event(ctx, spB, evID))
		c := must[model.CaseStudy](t)(b.Case(ctx, spB, caseID))
		ents := must[[]node.LedgerEntry](t)(b.Entries(ctx, spB))
		if ev.Title != "Assembly" || c.Titles["en"] != "Rent strike" || len(ents) != 1 || ents[0].ID != entryID || ents[0].RecordedBy != "Amina" {
			t.Fatalf("event %+v, case %+v, entries %+v", ev, c, ents)
		}
		d := must[node.SpaceDetail](t)(b.SpaceDetail(ctx, spB))
		if len(d.Members) != 2 || d.Members[1].Name != "Bo" || d.Members[1].Role != "member" || d.Members[1].PeerID != b.PeerID() {
			t.Fatalf("members %+v", d.Members)
		}
	})
	t.Run("welcome accepted twice changes nothing", func(t *testing.T) {
		inv := must[node.Invitation](t)(a.Invite(ctx, sp, node.InviteOptions{}))
		c, _ := initNode(t, "Chen")
		req, _ := must2(t)(c.JoinRequest(ctx, inv.Code))
		w := must[[]byte](t)(a.Admit(ctx, req))
		must[node.Space](t)(c.AcceptWelcome(ctx, w))
		must[node.Space](t)(c.AcceptWelcome(ctx, w))
		if spaces := must[[]node.Space](t)(c.Spaces(ctx)); len(spaces) != 1 {
			t.Fatalf("spaces %+v", spaces)
		}
	})

	// Both edit the same body offline, in different paragraphs.
	bodyA := "First paragraph, as Amina rewrote it.\n\nSecond paragraph."
	bodyB := "First paragraph.\n\nSecond paragraph, with Bo's sources."
	if err := a.PatchCase(ctx, sp, caseID, model.CasePatch{Lang: "en", Body: &bodyA}); err != nil {
		t.Fatal(err)
	}
	if err := b.PatchCase(ctx, spB, caseID, model.CasePatch{Lang: "en", Body: &bodyB}); err != nil {
		t.Fatal(err)
	}
	toB := exchange(t, a, b, sp)
	toA := exchange(t, b, a, spB)
	if toB.Added == 0 || toA.Added == 0 || toA.Refused != 0 || toB.Refused != 0 {
		t.Fatalf("reports: to b %+v, to a %+v", toB, toA)
	}
	want := "First paragraph, as Amina rewrote it.\n\nSecond paragraph, with Bo's sources."
	for name, n := range map[string]*node.Node{"a": a, "b": b} {
		c := must[model.CaseStudy](t)(n.Case(ctx, sp, caseID))
		if c.Bodies["en"] != want {
			t.Errorf("%s's body = %q, want %q", name, c.Bodies["en"], want)
		}
	}
	t.Run("importing again adds nothing", func(t *testing.T) {
		rep := exchange(t, b, a, spB)
		if rep.Added != 0 || rep.Ops != 0 || rep.Docs != 0 || rep.Duplicate == 0 || rep.Refused != 0 {
			t.Fatalf("second import %+v", rep)
		}
	})
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

func TestAdmissionRefusals(t *testing.T) {
	ctx := t.Context()
	a, _ := initNode(t, "Amina")
	b, _ := initNode(t, "Bo")
	c, _ := initNode(t, "Chen")
	other, _ := initNode(t, "Dara")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Food Bank"))
	must[node.Space](t)(other.CreateSpace(ctx, "Elsewhere"))

	once := must[node.Invitation](t)(a.Invite(ctx, sp, node.InviteOptions{Uses: 1}))
	reqB, _ := must2(t)(b.JoinRequest(ctx, once.Code))
	reqC, _ := must2(t)(c.JoinRequest(ctx, once.Code))
	must[node.Space](t)(b.AcceptWelcome(ctx, must[[]byte](t)(a.Admit(ctx, reqB))))

	expired := must[node.Invitation](t)(a.Invite(ctx, sp, node.InviteOptions{Expires: time.Millisecond}))
	reqExpired, _ := must2(t)(c.JoinRequest(ctx, expired.Code))

	fresh := must[node.Invitation](t)(a.Invite(ctx, sp, node.InviteOptions{}))
	reqFresh, _ := must2(t)(c.JoinRequest(ctx, fresh.Code))
	badProof := bytes.Clone(reqFresh)
	badProof[len(badProof)-1] ^= 1 // the last field is the joiner's proof

	tests := []struct {
		name string
		by   *node.Node
		req  []byte
		want error
	}{
		{"over-used invite", a, reqC, member.ErrInviteOverused},
		{"expired invite", a, reqExpired, member.ErrInviteExpired},
		{"wrong proof signature", a, badProof, member.ErrBadSignature},
		{"admitter not in the space", other, reqFresh, node.ErrNotFound},
		{"not a request", a, []byte("hello"), node.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(must[node.SpaceDetail](t)(a.SpaceDetail(ctx, sp)).Members)
			_, err := tt.by.Admit(ctx, tt.req)
			if !errors.Is(err, tt.want) {
				t.Fatalf("admit: %v, want %v", err, tt.want)
			}
			if after := len(must[node.SpaceDetail](t)(a.SpaceDetail(ctx, sp)).Members); after != before {
				t.Fatalf("members %d -> %d after a refused admission", before, after)
			}
		})
	}
	t.Run("the fresh request still works", func(t *testing.T) {
		must[node.Space](t)(c.AcceptWelcome(ctx, must[[]byte](t)(a.Admit(ctx, reqFresh))))
	})
	t.Run("welcome for someone else", func(t *testing.T) {
		e, _ := initNode(t, "Eli")
		inv := must[node.Invitation](t)(a.Invite(ctx, sp, node.InviteOptions{}))
		req, _ := must2(t)(e.JoinRequest(ctx, inv.Code))
		w := must[[]byte](t)(a.Admit(ctx, req))
		if _, err := other.AcceptWelcome(ctx, w); !errors.Is(err, node.ErrInvalid) {
			t.Fatalf("accept someone else's welcome: %v", err)
		}
	})
	t.Run("only stewards invite", func(t *testing.T) {
		_, err := b.Invite(ctx, sp, node.InviteOptions{})
		if !errors.Is(err, node.ErrInvalid) || !strings.Contains(err.Error(), "steward") {
			t.Fatalf("member invites: %v", err)
		}
	})
	t.Run("bound to another key", func(t *testing.T) {
		inv := must[node.Invitation](t)(a.Invite(ctx, sp, node.InviteOptions{For: b.PeerID()}))
		f, _ := initNode(t, "Fay")
		if _, _, err := f.JoinRequest(ctx, inv.Code); !errors.Is(err, member.ErrInviteNotFor) {
			t.Fatalf("join with an invite for another key: %v", err)
		}
	})
}
