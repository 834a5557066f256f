package node_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
)

// someEntries records entries in two currencies, a transfer and a reversal,
// and returns the ID of the first.
func someEntries(t *testing.T, n *node.Node, sp node.Space) string {
	t.Helper()
	ctx := t.Context()
	var first string
	for i, e := range []model.Entry{
		{Direction: "in", AmountMinor: 12_000, Currency: "EUR"},
		{Direction: "out", AmountMinor: 2_550, Currency: "EUR"},
		{Direction: "in", AmountMinor: 700, Currency: "USD"},
		{Direction: "transfer", AmountMinor: 1_000, Currency: "EUR"},
		{Direction: "out", AmountMinor: 400, Currency: "EUR"},
	} {
		e.Date = "2026-11-26"
		id := must[string](t)(n.AddEntry(ctx, sp, e))
		if i == 0 {
			first = id
		}
	}
	if _, err := n.Reverse(ctx, sp, first, "typo"); err != nil {
		t.Fatal(err)
	}
	must[string](t)(n.AddEntry(ctx, sp, model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: 11_000, Currency: "EUR"}))
	return first
}

// refusedAsContinued checks that an entry recorded straight into ledger is
// refused because it continues in to.
func refusedAsContinued(t *testing.T, n *node.Node, sp node.Space, ledger, to string) {
	t.Helper()
	err := node.AddEntryTo(t.Context(), n, sp, ledger, model.Entry{Date: "2026-11-27", Direction: "in", AmountMinor: 1, Currency: "EUR"})
	if !errors.Is(err, node.ErrInvalid) || !strings.Contains(err.Error(), "continued in "+to) {
		t.Fatalf("%s: entry into the continued ledger %s: %v, want ErrInvalid saying continued in %s", n.Name(), ledger, err, to)
	}
}

// TestContinueLedgerCarriesBalances: continuing a ledger makes a new one
// whose opening balances total what the old one did, per currency and
// direction, each naming the old ledger and its heads; the old ledger
// refuses entries ("continued in NEW"), new entries go to the new one, and
// its audit, which checks the opening balances, is clean.
func TestContinueLedgerCarriesBalances(t *testing.T) {
	ctx := t.Context()
	a, _ := initNode(t, "Amina")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Strike Fund"))
	someEntries(t, a, sp)
	old := must[node.SpaceDetail](t)(a.SpaceDetail(ctx, sp)).Ledger
	before := must[[]node.Balance](t)(a.Balances(ctx, sp))

	c := must[node.LedgerContinuation](t)(a.ContinueLedger(ctx, sp))
	if c.From != old || c.To == old || c.Heads == "" {
		t.Fatalf("continuation %+v from %s", c, old)
	}
	if after := must[[]node.Balance](t)(a.Balances(ctx, sp)); !reflect.DeepEqual(after, before) {
		t.Fatalf("balances after the move %+v, before %+v", after, before)
	}
	for _, e := range must[[]node.LedgerEntry](t)(a.Entries(ctx, sp)) {
		if e.OpeningOf != old || e.OpeningAt != c.Heads {
			t.Fatalf("entry %+v of the new ledger is not an opening balance of %s at %s", e.Entry, old, c.Heads)
		}
	}
	chain := must[node.LedgerChain](t)(a.LedgerChain(ctx, sp))
	if chain.Current != c.To || !reflect.DeepEqual(chain.Previous, []string{old}) || len(chain.Duplicates) != 0 {
		t.Fatalf("chain %+v", chain)
	}
	refusedAsContinued(t, a, sp, old, c.To)
	if _, err := a.ContinueLedger(ctx, sp); err != nil { // the new one can move on in turn
		t.Fatal(err)
	}
	must[string](t)(a.AddEntry(ctx, sp, model.Entry{Date: "2026-11-27", Direction: "out", AmountMinor: 100, Currency: "EUR"}))
	if f := must[[]node.Finding](t)(a.Audit(ctx, sp)); len(f) != 0 {
		t.Fatalf("audit of the continued ledger: %+v", f)
	}
}
