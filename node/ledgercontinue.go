package node

import (
	"context"
	"fmt"
	"sort"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node/ledgerhist"
	"github.com/weftsync/weft/store"
)

// LedgerContinuation is what ContinueLedger did: the ledger continued, the
// new one, and the opening balances recorded in it.
type LedgerContinuation struct {
	From     string        `json:"from"`
	To       string        `json:"to"`
	Heads    string        `json:"heads"` // From's heads the balances were computed at
	Openings []model.Entry `json:"openings"`
}

// openingCategory is the category of every opening balance.
const openingCategory = "opening balance"

// ContinueLedger starts a new ledger for the space and moves the current
// one there (decision 0071), in one transaction: the new ledger's first
// entries are opening balances, per currency and direction, of the current
// ledger as its stored changes stand, each recording that ledger's ID and
// heads; the current ledger is then marked as continued in the new one (an
// Automerge key, so it syncs), and takes no more entries. The marker fits
// whatever the ledger holds: local edits stop opReserve short of the
// budget.
func (n *Node) ContinueLedger(ctx context.Context, sp Space) (LedgerContinuation, error) {
	rec, err := n.resolveSpace(ctx, sp.ID)
	if err != nil {
		return LedgerContinuation{}, err
	}
	chain, v, err := n.ledgerChain(ctx, rec)
	if err != nil {
		return LedgerContinuation{}, err
	}
	out := LedgerContinuation{From: chain.Current, To: model.NewID()}
	err = n.update(ctx, func(tx *writeTx) error {
		var at [][32]byte
		var bals []Balance
		if at, bals, err = ledgerBalancesAt(tx.Tx, out.From, nil); err != nil {
			return err
		}
		out.Heads = model.FormatHeads(at)
		if out.Openings, err = openingEntries(out.From, out.Heads, bals, n.now().Format("2006-01-02")); err != nil {
			return err
		}
		return n.writeContinuation(ctx, tx, rec.ID, v.Currency, out)
	})
	if err != nil {
		return LedgerContinuation{}, fmt.Errorf("node: continue ledger: %w", err)
	}
	return out, nil
}

// writeContinuation creates c.To with c's opening balances, marks c.From
// as continued in it and makes it the space's current ledger.
func (n *Node) writeContinuation(ctx context.Context, tx *writeTx, space, currency string, c LedgerContinuation) error {
	row := store.DocRow{ID: c.To, Space: space, Type: model.Ledger, Created: n.now().Unix()}
	if err := n.createDoc(ctx, tx, row, model.Create{Type: model.Ledger, Space: space, Currency: orDefault(currency, defaultCurrency)}); err != nil {
		return err
	}
	edits := make([]model.Edit, len(c.Openings))
	for i := range c.Openings {
		edits[i] = model.Edit{AddEntry: &c.Openings[i]}
	}
	if len(edits) > 0 {
		if err := n.editDocMany(ctx, tx, space, c.To, edits); err != nil {
			return err
		}
	}
	tx.intoReserve = true // the marker may use the ops kept for it
	if err := n.editDoc(ctx, tx, space, c.From, model.Edit{ContinueLedger: &model.LedgerContinuation{To: c.To}}); err != nil {
		return err
	}
	return putCurrentLedger(tx.Tx, space, c.To)
}

// ledgerBalancesAt reads ledger's stored changes and returns the balances
// of its entries at heads (nil: at the heads of every stored change) and
// the heads used. Replayed in Go (ledgerhist), so the balances depend on
// the stored changes alone: a continuation and an audit compute them alike.
func ledgerBalancesAt(tx *store.Tx, ledger string, heads [][32]byte) ([][32]byte, []Balance, error) {
	changes, err := tx.Changes(ledger)
	if err != nil {
		return nil, nil, err
	}
	if heads == nil {
		heads = changeHeads(changes)
	} else if changes, err = reachedBy(changes, heads); err != nil {
		return nil, nil, err
	}
	entries, err := ledgerEntries(changes)
	if err != nil {
		return nil, nil, err
	}
	return heads, balances(entries), nil
}

// ledgerEntries replays a ledger's changes (in causal order) and returns
// its entries.
func ledgerEntries(changes []store.Change) ([]model.Entry, error) {
	maps, err := ledgerhist.Entries(rawChanges(changes))
	if err != nil {
		return nil, fmt.Errorf("%w: ledger replay: %w", ErrCorrupt, err)
	}
	out := make([]model.Entry, len(maps))
	for i, m := range maps {
		out[i] = entryOf(m)
	}
	return out, nil
}

// entryOf reads an entry's fields as crdt/ledger's View does.
func entryOf(m map[string]any) model.Entry {
	str := func(k string) string { s, _ := m[k].(string); return s }
	var amount int64
	switch a := m["amount_minor"].(type) {
	case int64:
		amount = a
	case uint64:
		amount = int64(a)
	case float64:
		if a == float64(int64(a)) {
			amount = int64(a)
		}
	}
	return model.Entry{ID: str("id"), Date: str("date"), Direction: str("direction"), AmountMinor: amount,
		Currency: str("currency"), Category: str("category"), Memo: str("memo"), From: str("from"),
		To: str("to"), Reverses: str("reverses"), OpeningOf: str("opening_of"), OpeningAt: str("opening_at")}
}

// changeHeads returns the changes no other change depends on, ascending.
func changeHeads(changes []store.Change) [][32]byte {
	dep := map[[32]byte]bool{}
	for _, c := range changes {
		for _, d := range c.Deps {
			dep[d] = true
		}
	}
	var out [][32]byte
	for _, c := range changes {
		if !dep[c.Hash] {
			out = append(out, c.Hash)
		}
	}
	return out
}

// reachedBy returns the changes heads reach (heads and their
// dependencies), in the order given; an error when a head is not among
// them.
func reachedBy(changes []store.Change, heads [][32]byte) ([]store.Change, error) {
	byHash := make(map[[32]byte]int, len(changes))
	for i, c := range changes {
		byHash[c.Hash] = i
	}
	keep := make([]bool, len(changes))
	stack := append([][32]byte(nil), heads...)
	for len(stack) > 0 {
		h := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		i, ok := byHash[h]
		if !ok {
			return nil, fmt.Errorf("%w: change %x is not held", errHeadsNotHeld, h[:8])
		}
		if !keep[i] {
			keep[i] = true
			stack = append(stack, changes[i].Deps...)
		}
	}
	var out []store.Change
	for i, c := range changes {
		if keep[i] {
			out = append(out, c)
		}
	}
	return out, nil
}

// errHeadsNotHeld: an opening balance names heads this node does not hold.
var errHeadsNotHeld = fmt.Errorf("%w: heads not held", ErrNotFound)

// openingEntries makes the opening balances of ledger from at heads:
// one entry per currency and direction with a total other than zero,
// ordered by currency then in, out, transfer. A negative in or out total
// (only a doubled reversal makes one) is carried in the other direction,
// which leaves the balance as it was; a negative transfer total cannot be
// carried and is refused.
func openingEntries(from, heads string, bals []Balance, date string) ([]model.Entry, error) {
	var out []model.Entry
	for _, b := range bals {
		for _, t := range []struct {
			dir, neg string
			amount   int64
		}{{model.DirectionIn, model.DirectionOut, b.In}, {model.DirectionOut, model.DirectionIn, b.Out},
			{model.DirectionTransfer, "", b.Transfer}} {
			dir, amount := t.dir, t.amount
			if amount < 0 && t.neg == "" {
				return nil, fmt.Errorf("%w: ledger %s has a negative transfer total in %s: audit it before continuing", ErrInvalid, from, b.Currency)
			}
			if amount < 0 {
				dir, amount = t.neg, -amount
			}
			if amount == 0 {
				continue
			}
			out = append(out, model.Entry{ID: model.NewItemID(), Date: date, Direction: dir, AmountMinor: amount,
				Currency: b.Currency, Category: openingCategory, Memo: "opening balance carried from ledger " + from,
				OpeningOf: from, OpeningAt: heads})
		}
	}
	return out, nil
}

// openingKey is what an audit compares of an opening balance.
type openingKey struct {
	currency, direction string
	amount              int64
}

// openingKeys counts entries by what an audit compares.
func openingKeys(entries []model.Entry) map[openingKey]int {
	out := map[openingKey]int{}
	for _, e := range entries {
		out[openingKey{e.Currency, e.Direction, e.AmountMinor}]++
	}
	return out
}

// sortedOpenings lists the (ledger, heads) pairs a ledger's opening
// balances name, in order.
func sortedOpenings(entries []model.Entry) [][2]string {
	seen := map[[2]string]bool{}
	var out [][2]string
	for _, e := range entries {
		k := [2]string{e.OpeningOf, e.OpeningAt}
		if e.OpeningOf != "" && !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0]+out[i][1] < out[j][0]+out[j][1] })
	return out
}
