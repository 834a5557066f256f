package cli

import (
	"context"
	"io"
	"time"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/daemon"
)

// Backend is what the commands need of a node: the node itself, opened
// by this process, or the running weft serve reached over its socket
// (remote.go). The methods mean what *node.Node's mean.
type Backend interface {
	PeerID() string
	Name() string

	CreateSpace(ctx context.Context, name string) (node.Space, error)
	Spaces(ctx context.Context) ([]node.Space, error)
	ResolveSpace(ctx context.Context, arg string) (node.Space, error)
	SpaceDetail(ctx context.Context, sp node.Space) (node.SpaceDetail, error)
	Relays(ctx context.Context, sp node.Space) ([]string, error)
	SetRelays(ctx context.Context, sp node.Space, addrs []string) ([]string, error)

	CreateCalendar(ctx context.Context, sp node.Space, name string) (node.DocRef, error)
	Calendars(ctx context.Context, sp node.Space) ([]node.DocRef, error)
	AddEvent(ctx context.Context, sp node.Space, calendar string, ev model.Event) (string, error)
	Events(ctx context.Context, sp node.Space, calendar string) ([]node.CalendarEvent, error)
	Event(ctx context.Context, sp node.Space, id string) (node.CalendarEvent, error)
	PatchEvent(ctx context.Context, sp node.Space, p model.EventPatch) error
	ImportICS(ctx context.Context, sp node.Space, calendar string, r io.Reader) (node.ImportReport, error)
	ExportICS(ctx context.Context, sp node.Space, calendar string, w io.Writer) error

	AddCase(ctx context.Context, sp node.Space, c model.CaseStudy) (string, error)
	Cases(ctx context.Context, sp node.Space) ([]model.CaseStudy, error)
	Case(ctx context.Context, sp node.Space, id string) (model.CaseStudy, error)
	PatchCase(ctx context.Context, sp node.Space, id string, p model.CasePatch) error
	SearchCases(ctx context.Context, sp node.Space, query string) ([]node.CaseHit, error)

	AddEntry(ctx context.Context, sp node.Space, e model.Entry) (string, error)
	Entries(ctx context.Context, sp node.Space) ([]node.LedgerEntry, error)
	Balances(ctx context.Context, sp node.Space) ([]node.Balance, error)
	ImportEntries(ctx context.Context, sp node.Space, r io.Reader) (node.LedgerImport, error)
	ContinueLedger(ctx context.Context, sp node.Space) (node.LedgerContinuation, error)
	LedgerChain(ctx context.Context, sp node.Space) (node.LedgerChain, error)
	NearOpBudget(ctx context.Context, sp node.Space) ([]node.NearDoc, error)
	ContinueCase(ctx context.Context, sp node.Space, id string) (node.DocContinuation, error)
	CaseChain(ctx context.Context, sp node.Space, id string) (node.DocChain, error)
	ContinueCalendar(ctx context.Context, sp node.Space, calendar string) (node.DocContinuation, error)
	CalendarChain(ctx context.Context, sp node.Space, calendar string) (node.DocChain, error)

	Status(ctx context.Context) (node.Status, error)
	Peers(ctx context.Context) ([]node.PeerInfo, error)
	SyncUntilCurrent(ctx context.Context, space string, wait time.Duration) (node.SyncReport, error)
	Quarantine(ctx context.Context) ([]node.QuarantineEntry, error)
	LiftQuarantine(ctx context.Context, what string) (int, error)
	Cuts(ctx context.Context) ([]node.CutReport, error)
	Doctor(ctx context.Context) (node.Doctor, error)
	Audit(ctx context.Context, sp node.Space) ([]node.Finding, error)
	Reverse(ctx context.Context, sp node.Space, entryID, memo string) (string, error)
	Log(ctx context.Context, sp node.Space, since time.Time, limit int) ([]node.LogEntry, error)

	Invite(ctx context.Context, sp node.Space, o node.InviteOptions) (node.Invitation, error)
	RevokeInvite(ctx context.Context, sp node.Space, inviteID string) error
	Join(ctx context.Context, code string) (node.Space, error)
	CancelJoin(ctx context.Context, space string) (int, error)
	JoinRequest(ctx context.Context, code string) ([]byte, string, error)
	Admit(ctx context.Context, req []byte) ([]byte, error)
	AcceptWelcome(ctx context.Context, welcome []byte) (node.Space, error)
	ExportBundle(ctx context.Context, sp node.Space, w io.Writer) error
	ImportBundle(ctx context.Context, r io.Reader) (node.BundleReport, error)
}

var (
	_ Backend = (*node.Node)(nil)
	_ Backend = (*daemon.Client)(nil)
)
