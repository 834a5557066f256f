package node

import (
	"context"
	"fmt"
	"sort"

	"github.com/weftsync/weft/crdt/model"
)

// AddEntry records a ledger entry in the space's ledger and returns its ID.
// In a pending space it queues the edit (queue.go).
func (n *Node) AddEntry(ctx context.Context, sp Space, e model.Entry) (string, error) {
	e.ID = model.NewItemID()
	rec, ready, err := n.readyRecord(ctx, sp.ID) // one read where the two below read twice (decision 0032)
	if err != nil {
		return "", err
	}
	if !ready {
		if queued, err := n.queueIfPending(ctx, sp, queuedEdit{Kind: queuedEntry, Entry: &e}); queued || err != nil {
			return e.ID, err
		}
		if rec, err = n.resolveSpace(ctx, sp.ID); err != nil {
			return "", err
		}
	}
	return e.ID, n.recordEntry(ctx, rec, &e, nil)
}

// recordEntry records e in the space's current ledger, following a
// continuation this node had not seen when the engine refuses it (decision
// 0071). with, when not nil, runs first in the entry's transaction.
func (n *Node) recordEntry(ctx context.Context, rec spaceRecord, e *model.Entry, with func(tx *writeTx) error) error {
	t, err := n.entryLedger(ctx, rec)
	if err != nil {
		return err
	}
	resolve := func() (chainTarget, error) { return n.ledgerTarget(ctx, rec) }
	return followRefused(t, resolve, func(t chainTarget) error {
		e.Unfollowed = t.unfollowed
		return n.update(ctx, func(tx *writeTx) error {
			if with != nil {
				if err := with(tx); err != nil {
					return err
				}
			}
			return n.editDoc(ctx, tx, rec.ID, t.doc, model.Edit{AddEntry: e})
		})
	})
}

// Entries lists the ledger's entries in recorded order, each with the
// member whose attested change recorded it.
func (n *Node) Entries(ctx context.Context, sp Space) ([]LedgerEntry, error) {
	h, err := n.ledgerHistory(ctx, sp)
	if err != nil {
		return nil, err
	}
	reversed := map[string]bool{}
	for _, e := range h.view.Entries {
		if e.Reverses != "" {
			reversed[e.Reverses] = true
		}
	}
	out := make([]LedgerEntry, len(h.view.Entries))
	for i, e := range h.view.Entries {
		out[i] = LedgerEntry{Entry: e, Reversed: reversed[e.ID]}
		if c, ok := h.recordedIn[e.ID]; ok {
			m := h.author(c)
			out[i].RecordedBy, out[i].RecorderID, out[i].Recorded = m.Name, m.PeerID, h.when(c)
		}
	}
	return out, nil
}

// Balances totals the ledger per currency. A reversing entry counts against
// the direction of the entry it reverses; transfers are reported apart and
// move nothing in or out.
func (n *Node) Balances(ctx context.Context, sp Space) ([]Balance, error) {
	_, v, err := n.ledgerView(ctx, sp)
	if err != nil {
		return nil, err
	}
	return balances(v.Entries), nil
}

// ledgerView returns the ID of a space's current ledger (where its
// continuations lead, decision 0071) and what it holds.
func (n *Node) ledgerView(ctx context.Context, sp Space) (string, model.LedgerView, error) {
	rec, err := n.resolveSpace(ctx, sp.ID)
	if err != nil {
		return "", model.LedgerView{}, err
	}
	c, _, err := n.ledgerChain(ctx, rec)
	if err != nil {
		return "", model.LedgerView{}, err
	}
	v, err := n.view(ctx, c.Current)
	if err != nil {
		return "", model.LedgerView{}, err
	}
	if v.Ledger == nil {
		return "", model.LedgerView{}, fmt.Errorf("%w: document %s is not a ledger", ErrCorrupt, c.Current)
	}
	return c.Current, *v.Ledger, nil
}

func balances(entries []model.Entry) []Balance {
	byCur := map[string]*Balance{}
	for _, e := range entries {
		b := byCur[e.Currency]
		if b == nil {
			b = &Balance{Currency: e.Currency}
			byCur[e.Currency] = b
		}
		amt := e.AmountMinor
		if e.Reverses != "" {
			amt = -amt
		}
		switch e.Direction {
		case model.DirectionIn:
			b.In += amt
		case model.DirectionOut:
			b.Out += amt
		case model.DirectionTransfer:
			b.Transfer += amt
		}
	}
	out := make([]Balance, 0, len(byCur))
	for _, b := range byCur {
		out = append(out, *b)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Currency < out[j].Currency })
	return out
}

// Reverse records the reversal of an entry: the same amount, currency and
// direction, counted against it. Only the entry's recorder or a steward may
// reverse it, a reversal cannot be reversed, and an entry is reversed once.
func (n *Node) Reverse(ctx context.Context, sp Space, entryID, memo string) (string, error) {
	entries, err := n.Entries(ctx, sp)
	if err != nil {
		return "", err
	}
	orig, err := resolve(entries, entryID, "ledger entry", func(e LedgerEntry) (string, string) { return e.ID, "" })
	if err != nil {
		return "", err
	}
	if err := n.mayReverse(ctx, sp, orig); err != nil {
		return "", err
	}
	rev := model.Entry{Date: n.now().Format("2006-01-02"), Direction: orig.Direction, AmountMinor: orig.AmountMinor,
		Currency: orig.Currency, Category: orig.Category, Memo: orDefault(memo, "reversal of "+orig.ID),
		From: orig.From, To: orig.To, Reverses: orig.ID}
	return n.AddEntry(ctx, sp, rev)
}

func (n *Node) mayReverse(ctx context.Context, sp Space, orig LedgerEntry) error {
	switch {
	case orig.Reverses != "":
		return fmt.Errorf("%w: entry %s is itself a reversal and cannot be reversed", ErrInvalid, orig.ID)
	case orig.Reversed:
		return fmt.Errorf("%w: entry %s is already reversed", ErrInvalid, orig.ID)
	}
	d, err := n.SpaceDetail(ctx, sp)
	if err != nil {
		return err
	}
	for _, m := range d.Members {
		if m.PeerID == n.PeerID() && (m.Role == roleSteward || m.PeerID == orig.RecorderID) {
			return nil
		}
	}
	return fmt.Errorf("%w: only the member who recorded entry %s (%s) or a steward may reverse it", ErrInvalid, orig.ID, orig.RecordedBy)
}
