package httpapi

import (
	"context"
	"time"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
)

// Backend is what the API needs of a node; *node.Node satisfies it. The
// methods mean what *node.Node's mean, and are called from many requests
// at once.
type Backend interface {
	CreateSpace(ctx context.Context, name string) (node.Space, error)
	Spaces(ctx context.Context) ([]node.Space, error)
	ResolveSpace(ctx context.Context, arg string) (node.Space, error)
	SpaceDetail(ctx context.Context, sp node.Space) (node.SpaceDetail, error)

	CreateCalendar(ctx context.Context, sp node.Space, name string) (node.DocRef, error)
	Calendars(ctx context.Context, sp node.Space) ([]node.DocRef, error)
	AddEvent(ctx context.Context, sp node.Space, calendar string, ev model.Event) (string, error)
	Events(ctx context.Context, sp node.Space, calendar string) ([]node.CalendarEvent, error)
	Event(ctx context.Context, sp node.Space, id string) (node.CalendarEvent, error)
	PatchEvent(ctx context.Context, sp node.Space, p model.EventPatch) error

	AddCase(ctx context.Context, sp node.Space, c model.CaseStudy) (string, error)
	Cases(ctx context.Context, sp node.Space) ([]model.CaseStudy, error)
	Case(ctx context.Context, sp node.Space, id string) (model.CaseStudy, error)
	PatchCase(ctx context.Context, sp node.Space, id string, p model.CasePatch) error
	SearchCases(ctx context.Context, sp node.Space, query string) ([]node.CaseHit, error)

	AddEntry(ctx context.Context, sp node.Space, e model.Entry) (string, error)
	Entries(ctx context.Context, sp node.Space) ([]node.LedgerEntry, error)
	Balances(ctx context.Context, sp node.Space) ([]node.Balance, error)
	Audit(ctx context.Context, sp node.Space) ([]node.Finding, error)
	LedgerChain(ctx context.Context, sp node.Space) (node.LedgerChain, error)
	Reverse(ctx context.Context, sp node.Space, entryID, memo string) (string, error)
	Log(ctx context.Context, sp node.Space, since time.Time, limit int) ([]node.LogEntry, error)

	Status(ctx context.Context) (node.Status, error)
	Peers(ctx context.Context) ([]node.PeerInfo, error)
	SyncUntilCurrent(ctx context.Context, space string, wait time.Duration) (node.SyncReport, error)

	WatchChanges() *node.Changes
}

var _ Backend = (*node.Node)(nil)
