package node_test

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
)

// logSink is a log sink safe for concurrent writes.
type logSink struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *logSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *logSink) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestQueuedEditsReplay: edits made to a space this node waits to join
// are queued with their IDs, then replayed once the space's documents
// arrive (here by a welcome); one that cannot apply is dropped and logged.
func TestQueuedEditsReplay(t *testing.T) {
	ctx := t.Context()
	a, _ := initNode(t, "Amina")
	var logs logSink
	b, err := node.Init(ctx, node.Options{Home: t.TempDir(), NoPassphrase: true, Now: newClock().now,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))}, "Bo")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Tenants Union"))
	inv := must[node.Invitation](t)(a.Invite(ctx, sp, node.InviteOptions{}))

	pending := must[node.Space](t)(b.Join(ctx, inv.Code))
	listed := must[[]node.Space](t)(b.Spaces(ctx))
	if len(listed) != 1 || listed[0].ID != sp.ID || !listed[0].Pending {
		t.Fatalf("spaces %+v, want %s pending", listed, sp.ID)
	}
	ev := must[string](t)(b.AddEvent(ctx, pending, "", model.Event{Title: "Queued", Kind: "meeting", Status: "planned",
		Start: "2026-12-02T18:00:00+01:00", Zone: "Europe/Paris"}))
	bad := must[string](t)(b.AddEvent(ctx, pending, "No such calendar", model.Event{Title: "Lost", Kind: "meeting",
		Status: "planned", Start: "2026-12-03T18:00:00+01:00", Zone: "Europe/Paris"}))
	cs := must[string](t)(b.AddCase(ctx, pending, model.CaseStudy{Titles: map[string]string{"en": "Queued case"}}))
	entry := must[string](t)(b.AddEntry(ctx, pending, model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: 100, Currency: "EUR"}))
	if pj := must[[]node.PendingJoin](t)(b.PendingJoins(ctx)); len(pj) != 1 || pj[0].Queued != 4 {
		t.Fatalf("pending joins %+v, want one with 4 queued edits", pj)
	}
	if _, err := b.Events(ctx, pending, ""); err == nil {
		t.Fatal("a pending space lists events")
	}

	req, _ := must2(t)(b.JoinRequest(ctx, inv.Code))
	joined := must[node.Space](t)(b.AcceptWelcome(ctx, must[[]byte](t)(a.Admit(ctx, req))))
	if joined.Pending {
		t.Fatalf("joined space still pending: %+v", joined)
	}
	if err := sees(ctx, b, joined, ev, cs, entry, 2); err != nil {
		t.Fatalf("after the welcome: %v", err)
	}
	if _, err := b.Event(ctx, joined, bad); err == nil {
		t.Fatal("the edit to a calendar that does not exist was applied")
	}
	if !strings.Contains(logs.String(), "queued edit failed") || !strings.Contains(logs.String(), bad) {
		t.Fatalf("the failed replay is not logged:\n%s", logs.String())
	}
	if pj := must[[]node.PendingJoin](t)(b.PendingJoins(ctx)); len(pj) != 0 {
		t.Fatalf("pending joins after the welcome: %+v", pj)
	}
	// Each queued edit was applied once.
	d := must[node.SpaceDetail](t)(b.SpaceDetail(ctx, joined))
	if d.Cases != 1 {
		t.Fatalf("%d cases, want the one queued", d.Cases)
	}
}
