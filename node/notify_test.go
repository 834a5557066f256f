package node_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
)

func TestWatchChanges(t *testing.T) {
	n, _ := initNode(t, "Amina")
	ctx := t.Context()
	c := n.WatchChanges()
	defer c.Close()
	sp := must[node.Space](t)(n.CreateSpace(ctx, "Coalition"))
	d := must[node.SpaceDetail](t)(n.SpaceDetail(ctx, sp))

	// Edits made while nobody reads are gathered, each document once.
	for range 3 {
		must[string](t)(n.AddEntry(ctx, sp, model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: 1, Currency: "EUR"}))
	}
	wait, cancel0 := context.WithTimeout(ctx, 20*time.Second)
	defer cancel0()
	docs := must[[]node.ChangedDoc](t)(c.Next(wait))
	seen := map[string]node.ChangedDoc{}
	for _, doc := range docs {
		if _, dup := seen[doc.Doc]; dup {
			t.Fatalf("document %s named twice: %+v", doc.Doc, docs)
		}
		seen[doc.Doc] = doc
	}
	if l := seen[d.Ledger]; l.Space != sp.ID || l.Type != model.Ledger {
		t.Fatalf("ledger change = %+v (all: %+v)", l, docs)
	}
	if cal := seen[d.Calendars[0].ID]; cal.Type != model.Calendar {
		t.Fatalf("calendar change = %+v (all: %+v)", cal, docs)
	}

	// Nothing changed since: Next waits until its context ends.
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if docs, err := c.Next(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Next with nothing changed: %+v, %v", docs, err)
	}

	// A closed subscription hears nothing more.
	c.Close()
	c.Close()
	must[string](t)(n.AddEntry(ctx, sp, model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: 1, Currency: "EUR"}))
	short2, cancel2 := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel2()
	if docs, err := c.Next(short2); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Next after Close: %+v, %v", docs, err)
	}
}
