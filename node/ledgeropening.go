package node

import (
	"context"
	"errors"
	"fmt"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/store"
)

// Problems the audit reports about opening balances (decision 0071).
const (
	problemOpeningDiffers = "opening balance differs from the ledger it was carried from, at the heads it records"
	problemOpeningMissing = "opening balance missing"
	problemOpeningUnheld  = "opening balance names a ledger state this node does not hold: sync, then audit again"
	problemOpeningForeign = "opening balance names a document that is not a ledger of this space"
	problemNotCarried     = "recorded in the continued ledger after its balances were carried: not in the opening balance"
)

// openingFindings checks a ledger's opening balances: for every (ledger,
// heads) they name, the balances of that ledger's stored changes up to
// those heads, replayed in Go as ContinueLedger replayed them, must give
// the same entries (currency, direction, amount); and every entry that
// ledger has now but had not at those heads is reported as not carried.
func (n *Node) openingFindings(ctx context.Context, sp Space, entries []model.Entry) ([]Finding, error) {
	var out []Finding
	err := n.db.View(ctx, func(tx *store.Tx) error {
		for _, k := range sortedOpenings(entries) {
			var got []model.Entry
			for _, e := range entries {
				if e.OpeningOf == k[0] && e.OpeningAt == k[1] {
					got = append(got, e)
				}
			}
			fs, err := checkOpening(tx, sp.ID, k[0], k[1], got)
			if err != nil {
				return err
			}
			out = append(out, fs...)
		}
		return nil
	})
	return out, storeErr(err)
}

// checkOpening checks the opening balances got, carried from ledger from
// at heads at.
func checkOpening(tx *store.Tx, space, from, at string, got []model.Entry) ([]Finding, error) {
	first := got[0].ID
	row, err := tx.Doc(from)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return []Finding{{EntryID: first, Problem: problemOpeningUnheld}}, nil
	case err != nil:
		return nil, err
	case row.Space != space || row.Type != model.Ledger:
		return []Finding{{EntryID: first, Problem: problemOpeningForeign}}, nil
	}
	heads, err := model.ParseHeads(at)
	if err != nil {
		return []Finding{{EntryID: first, Problem: problemOpeningDiffers, Field: "opening_at"}}, nil
	}
	changes, err := tx.Changes(from)
	if err != nil {
		return nil, err
	}
	then, err := reachedBy(changes, heads)
	if errors.Is(err, errHeadsNotHeld) {
		return []Finding{{EntryID: first, Problem: problemOpeningUnheld}}, nil
	}
	if err != nil {
		return nil, err
	}
	before, err := ledgerEntries(then)
	if err != nil {
		return nil, err
	}
	want, err := openingEntries(from, at, balances(before), "")
	if err != nil {
		return []Finding{{EntryID: first, Problem: problemOpeningDiffers}}, nil
	}
	out := compareOpenings(got, want)
	if len(then) == len(changes) {
		return out, nil // the heads reach every stored change: nothing came after
	}
	now, err := ledgerEntries(changes)
	if err != nil {
		return nil, err
	}
	return append(out, notCarried(before, now)...), nil
}

// compareOpenings reports every opening balance of got that want does not
// hold, and every one of want that got lacks.
func compareOpenings(got, want []model.Entry) []Finding {
	left := openingKeys(want)
	var out []Finding
	for _, e := range got {
		k := openingKey{e.Currency, e.Direction, e.AmountMinor}
		if left[k] == 0 {
			out = append(out, Finding{EntryID: e.ID, Problem: problemOpeningDiffers})
			continue
		}
		left[k]--
	}
	for _, e := range want {
		if k := (openingKey{e.Currency, e.Direction, e.AmountMinor}); left[k] > 0 {
			left[k]--
			out = append(out, Finding{Problem: fmt.Sprintf("%s: %s %d %s", problemOpeningMissing, k.direction, k.amount, k.currency)})
		}
	}
	return out
}

// notCarried reports the entries now holds that before did not.
func notCarried(before, now []model.Entry) []Finding {
	had := make(map[string]bool, len(before))
	for _, e := range before {
		had[e.ID] = true
	}
	var out []Finding
	for _, e := range now {
		if !had[e.ID] {
			out = append(out, Finding{EntryID: e.ID, Problem: problemNotCarried})
		}
	}
	return out
}
