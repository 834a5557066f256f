package daemon

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/ics"
	"github.com/weftsync/weft/node/wire"
)

// The methods below mirror *node.Node's, so that a Client can stand in for
// a node wherever a caller names only the methods it needs. Times come
// back in the local zone, as the node gives them.

func call[R any](ctx context.Context, c *Client, method string, args ...any) (R, error) {
	var r R
	err := c.Call(ctx, method, args, &r)
	return r, err
}

// CreateSpace is (*node.Node).CreateSpace on the daemon's node.
func (c *Client) CreateSpace(ctx context.Context, name string) (node.Space, error) {
	sp, err := call[node.Space](ctx, c, mCreateSpace, name)
	return localSpace(sp), err
}

// Spaces is (*node.Node).Spaces on the daemon's node.
func (c *Client) Spaces(ctx context.Context) ([]node.Space, error) {
	spaces, err := call[[]node.Space](ctx, c, mSpaces)
	for i := range spaces {
		spaces[i] = localSpace(spaces[i])
	}
	return spaces, err
}

// ResolveSpace is (*node.Node).ResolveSpace on the daemon's node.
func (c *Client) ResolveSpace(ctx context.Context, arg string) (node.Space, error) {
	sp, err := call[node.Space](ctx, c, mResolveSpace, arg)
	return localSpace(sp), err
}

// SpaceDetail is (*node.Node).SpaceDetail on the daemon's node.
func (c *Client) SpaceDetail(ctx context.Context, sp node.Space) (node.SpaceDetail, error) {
	d, err := call[node.SpaceDetail](ctx, c, mSpaceDetail, sp)
	d.Space = localSpace(d.Space)
	return d, err
}

// CreateCalendar is (*node.Node).CreateCalendar on the daemon's node.
func (c *Client) CreateCalendar(ctx context.Context, sp node.Space, name string) (node.DocRef, error) {
	return call[node.DocRef](ctx, c, mCreateCalendar, sp, name)
}

// Calendars is (*node.Node).Calendars on the daemon's node.
func (c *Client) Calendars(ctx context.Context, sp node.Space) ([]node.DocRef, error) {
	return call[[]node.DocRef](ctx, c, mCalendars, sp)
}

// AddEvent is (*node.Node).AddEvent on the daemon's node.
func (c *Client) AddEvent(ctx context.Context, sp node.Space, calendar string, ev model.Event) (string, error) {
	return call[string](ctx, c, mAddEvent, sp, calendar, ev)
}

// Events is (*node.Node).Events on the daemon's node.
func (c *Client) Events(ctx context.Context, sp node.Space, calendar string) ([]node.CalendarEvent, error) {
	return call[[]node.CalendarEvent](ctx, c, mEvents, sp, calendar)
}

// Event is (*node.Node).Event on the daemon's node.
func (c *Client) Event(ctx context.Context, sp node.Space, id string) (node.CalendarEvent, error) {
	return call[node.CalendarEvent](ctx, c, mEvent, sp, id)
}

// PatchEvent is (*node.Node).PatchEvent on the daemon's node.
func (c *Client) PatchEvent(ctx context.Context, sp node.Space, p model.EventPatch) error {
	return c.Call(ctx, mPatchEvent, []any{sp, p}, nil)
}

// ImportICS is (*node.Node).ImportICS on the daemon's node. It reads r
// (at most one byte more than the node accepts) before sending it.
func (c *Client) ImportICS(ctx context.Context, sp node.Space, calendar string, r io.Reader) (node.ImportReport, error) {
	data, err := io.ReadAll(io.LimitReader(r, ics.MaxImportSize+1))
	if err != nil {
		return node.ImportReport{}, fmt.Errorf("daemon: read iCalendar file: %w", err)
	}
	return call[node.ImportReport](ctx, c, mImportICS, sp, calendar, data)
}

// ExportICS is (*node.Node).ExportICS on the daemon's node. It writes to
// w only once the daemon has made the whole file.
func (c *Client) ExportICS(ctx context.Context, sp node.Space, calendar string, w io.Writer) error {
	return writeAll(ctx, c, w, mExportICS, sp, calendar)
}

// AddCase is (*node.Node).AddCase on the daemon's node.
func (c *Client) AddCase(ctx context.Context, sp node.Space, cs model.CaseStudy) (string, error) {
	return call[string](ctx, c, mAddCase, sp, cs)
}

// Cases is (*node.Node).Cases on the daemon's node.
func (c *Client) Cases(ctx context.Context, sp node.Space) ([]model.CaseStudy, error) {
	return call[[]model.CaseStudy](ctx, c, mCases, sp)
}

// Case is (*node.Node).Case on the daemon's node.
func (c *Client) Case(ctx context.Context, sp node.Space, id string) (model.CaseStudy, error) {
	return call[model.CaseStudy](ctx, c, mCase, sp, id)
}

// PatchCase is (*node.Node).PatchCase on the daemon's node.
func (c *Client) PatchCase(ctx context.Context, sp node.Space, id string, p model.CasePatch) error {
	return c.Call(ctx, mPatchCase, []any{sp, id, p}, nil)
}

// SearchCases is (*node.Node).SearchCases on the daemon's node.
func (c *Client) SearchCases(ctx context.Context, sp node.Space, query string) ([]node.CaseHit, error) {
	return call[[]node.CaseHit](ctx, c, mSearchCases, sp, query)
}

// AddEntry is (*node.Node).AddEntry on the daemon's node.
func (c *Client) AddEntry(ctx context.Context, sp node.Space, e model.Entry) (string, error) {
	return call[string](ctx, c, mAddEntry, sp, e)
}

// Entries is (*node.Node).Entries on the daemon's node.
func (c *Client) Entries(ctx context.Context, sp node.Space) ([]node.LedgerEntry, error) {
	entries, err := call[[]node.LedgerEntry](ctx, c, mEntries, sp)
	for i := range entries {
		entries[i].Recorded = local(entries[i].Recorded)
	}
	return entries, err
}

// Balances is (*node.Node).Balances on the daemon's node.
func (c *Client) Balances(ctx context.Context, sp node.Space) ([]node.Balance, error) {
	return call[[]node.Balance](ctx, c, mBalances, sp)
}

// ContinueLedger is (*node.Node).ContinueLedger on the daemon's node.
func (c *Client) ContinueLedger(ctx context.Context, sp node.Space) (node.LedgerContinuation, error) {
	return call[node.LedgerContinuation](ctx, c, mContinueLedger, sp)
}

// ContinueCase is (*node.Node).ContinueCase on the daemon's node.
func (c *Client) ContinueCase(ctx context.Context, sp node.Space, id string) (node.DocContinuation, error) {
	return call[node.DocContinuation](ctx, c, mContinueCase, sp, id)
}

// CaseChain is (*node.Node).CaseChain on the daemon's node.
func (c *Client) CaseChain(ctx context.Context, sp node.Space, id string) (node.DocChain, error) {
	return call[node.DocChain](ctx, c, mCaseChain, sp, id)
}

// ContinueCalendar is (*node.Node).ContinueCalendar on the daemon's node.
func (c *Client) ContinueCalendar(ctx context.Context, sp node.Space, calendar string) (node.DocContinuation, error) {
	return call[node.DocContinuation](ctx, c, mContinueCalendar, sp, calendar)
}

// CalendarChain is (*node.Node).CalendarChain on the daemon's node.
func (c *Client) CalendarChain(ctx context.Context, sp node.Space, calendar string) (node.DocChain, error) {
	return call[node.DocChain](ctx, c, mCalendarChain, sp, calendar)
}

// LedgerChain is (*node.Node).LedgerChain on the daemon's node.
func (c *Client) LedgerChain(ctx context.Context, sp node.Space) (node.LedgerChain, error) {
	return call[node.LedgerChain](ctx, c, mLedgerChain, sp)
}

// NearOpBudget is (*node.Node).NearOpBudget on the daemon's node.
func (c *Client) NearOpBudget(ctx context.Context, sp node.Space) ([]node.NearDoc, error) {
	return call[[]node.NearDoc](ctx, c, mNearOpBudget, sp)
}

// Audit is (*node.Node).Audit on the daemon's node.
func (c *Client) Audit(ctx context.Context, sp node.Space) ([]node.Finding, error) {
	findings, err := call[[]node.Finding](ctx, c, mAudit, sp)
	for i := range findings {
		findings[i].When = local(findings[i].When)
	}
	return findings, err
}

// Reverse is (*node.Node).Reverse on the daemon's node.
func (c *Client) Reverse(ctx context.Context, sp node.Space, entryID, memo string) (string, error) {
	return call[string](ctx, c, mReverse, sp, entryID, memo)
}

// Log is (*node.Node).Log on the daemon's node.
func (c *Client) Log(ctx context.Context, sp node.Space, since time.Time, limit int) ([]node.LogEntry, error) {
	entries, err := call[[]node.LogEntry](ctx, c, mLog, sp, since, limit)
	for i := range entries {
		entries[i].When = local(entries[i].When)
	}
	return entries, err
}

// Invite is (*node.Node).Invite on the daemon's node.
func (c *Client) Invite(ctx context.Context, sp node.Space, o node.InviteOptions) (node.Invitation, error) {
	inv, err := call[node.Invitation](ctx, c, mInvite, sp, o)
	inv.Expires = local(inv.Expires)
	return inv, err
}

// RevokeInvite is (*node.Node).RevokeInvite on the daemon's node.
func (c *Client) RevokeInvite(ctx context.Context, sp node.Space, inviteID string) error {
	return c.Call(ctx, mRevokeInvite, []any{sp, inviteID}, nil)
}

// Join is (*node.Node).Join on the daemon's node: the daemon's network
// starts presenting the code at once.
func (c *Client) Join(ctx context.Context, code string) (node.Space, error) {
	sp, err := call[node.Space](ctx, c, mJoin, code)
	return localSpace(sp), err
}

// CancelJoin is (*node.Node).CancelJoin on the daemon's node.
func (c *Client) CancelJoin(ctx context.Context, space string) (int, error) {
	return call[int](ctx, c, mCancelJoin, space)
}

// JoinRequest is (*node.Node).JoinRequest on the daemon's node.
func (c *Client) JoinRequest(ctx context.Context, code string) ([]byte, string, error) {
	r, err := call[joinReply](ctx, c, mJoinRequest, code)
	return r.Request, r.Space, err
}

// Admit is (*node.Node).Admit on the daemon's node.
func (c *Client) Admit(ctx context.Context, req []byte) ([]byte, error) {
	return call[[]byte](ctx, c, mAdmit, req)
}

// AcceptWelcome is (*node.Node).AcceptWelcome on the daemon's node.
func (c *Client) AcceptWelcome(ctx context.Context, welcome []byte) (node.Space, error) {
	sp, err := call[node.Space](ctx, c, mAcceptWelcome, welcome)
	return localSpace(sp), err
}

// ExportBundle is (*node.Node).ExportBundle on the daemon's node. It
// writes to w only once the daemon has made the whole bundle.
func (c *Client) ExportBundle(ctx context.Context, sp node.Space, w io.Writer) error {
	return writeAll(ctx, c, w, mExportBundle, sp)
}

// ImportBundle is (*node.Node).ImportBundle on the daemon's node. It reads
// r (at most one byte more than a bundle may hold) before sending it.
func (c *Client) ImportBundle(ctx context.Context, r io.Reader) (node.BundleReport, error) {
	data, err := io.ReadAll(io.LimitReader(r, wire.MaxBundleSize+1))
	if err != nil {
		return node.BundleReport{}, fmt.Errorf("daemon: read bundle: %w", err)
	}
	return call[node.BundleReport](ctx, c, mImportBundle, data)
}

// writeAll calls a method that returns a file's bytes and writes them.
func writeAll(ctx context.Context, c *Client, w io.Writer, method string, args ...any) error {
	b, err := call[[]byte](ctx, c, method, args...)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

func localSpace(sp node.Space) node.Space {
	sp.Created = local(sp.Created)
	return sp
}

// local puts t in the local zone, as the node's own times are; the zero
// time stays zero.
func local(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.Local()
}

// Status is (*node.Node).Status on the daemon's node: the stored state and
// the network it serves.
func (c *Client) Status(ctx context.Context) (node.Status, error) {
	return call[node.Status](ctx, c, mStatus)
}

// Peers is (*node.Node).Peers on the daemon's node.
func (c *Client) Peers(ctx context.Context) ([]node.PeerInfo, error) {
	return call[[]node.PeerInfo](ctx, c, mPeers)
}

// Quarantine is (*node.Node).Quarantine on the daemon's node.
func (c *Client) Quarantine(ctx context.Context) ([]node.QuarantineEntry, error) {
	qs, err := call[[]node.QuarantineEntry](ctx, c, mQuarantine)
	for i := range qs {
		qs[i].Time = local(qs[i].Time)
	}
	return qs, err
}

// LiftQuarantine is (*node.Node).LiftQuarantine on the daemon's node: the
// running network lets the author back in at once.
func (c *Client) LiftQuarantine(ctx context.Context, what string) (int, error) {
	return call[int](ctx, c, mLiftQuarantine, what)
}

// Cuts is (*node.Node).Cuts on the daemon's node.
func (c *Client) Cuts(ctx context.Context) ([]node.CutReport, error) {
	cuts, err := call[[]node.CutReport](ctx, c, mCuts)
	for i := range cuts {
		for j := range cuts[i].Others {
			o := &cuts[i].Others[j]
			o.First, o.Last = local(o.First), local(o.Last)
		}
	}
	return cuts, err
}

// Doctor runs the network doctor in the daemon.
func (c *Client) Doctor(ctx context.Context) (node.Doctor, error) {
	return call[node.Doctor](ctx, c, mDoctor)
}

// Relays is (*node.Node).Relays on the daemon's node.
func (c *Client) Relays(ctx context.Context, sp node.Space) ([]string, error) {
	return call[[]string](ctx, c, mRelays, sp)
}

// SetRelays is (*node.Node).SetRelays on the daemon's node: its running
// network uses the new relays at once.
func (c *Client) SetRelays(ctx context.Context, sp node.Space, addrs []string) ([]string, error) {
	return call[[]string](ctx, c, mSetRelays, sp, addrs)
}

// ImportEntries is (*node.Node).ImportEntries on the daemon's node. It
// reads r (at most one byte more than the node accepts) before sending it.
func (c *Client) ImportEntries(ctx context.Context, sp node.Space, r io.Reader) (node.LedgerImport, error) {
	data, err := io.ReadAll(io.LimitReader(r, node.MaxLedgerImport+1))
	if err != nil {
		return node.LedgerImport{}, fmt.Errorf("daemon: read ledger CSV: %w", err)
	}
	return call[node.LedgerImport](ctx, c, mImportEntries, sp, data)
}

// SyncUntilCurrent is (*node.Node).SyncUntilCurrent on the daemon's node.
func (c *Client) SyncUntilCurrent(ctx context.Context, space string, wait time.Duration) (node.SyncReport, error) {
	return call[node.SyncReport](ctx, c, mSyncUntil, space, wait)
}
