package node_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/replicate"
	"github.com/weftsync/weft/node/seal"
)

// strikeFund makes two members, Amina (the space's steward) and Bo, of a
// new space whose ledger the tests continue.
func strikeFund(t *testing.T) (a, b *node.Node, sp node.Space) {
	t.Helper()
	a, _ = initNode(t, "Amina")
	b, _ = initNode(t, "Bo")
	sp = must[node.Space](t)(a.CreateSpace(t.Context(), "Strike Fund"))
	joinSpace(t, a, b, sp)
	return a, b, sp
}

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

// TestConcurrentContinuationsResolveAlike: two members continue the same
// ledger while apart, then sync over libp2p on 127.0.0.1. Both nodes pick
// the new ledger with the lower ID, report the other as a duplicate, refuse
// entries into the old ledger, and record new entries in the winner,
// including the member whose own continuation lost.
func TestConcurrentContinuationsResolveAlike(t *testing.T) {
	ctx := t.Context()
	a, b, sp := strikeFund(t)
	someEntries(t, a, sp)
	pa, pb := newSyncPeer(t, "a", a, replicate.Options{}), newSyncPeer(t, "b", b, replicate.Options{})
	connect(t, pa, pb)
	converge(t, pa, pb)
	old := must[node.SpaceDetail](t)(a.SpaceDetail(ctx, sp)).Ledger

	ca := must[node.LedgerContinuation](t)(a.ContinueLedger(ctx, sp))
	cb := must[node.LedgerContinuation](t)(b.ContinueLedger(ctx, sp))
	converge(t, pa, pb)
	win, lose := min(ca.To, cb.To), max(ca.To, cb.To)
	want := node.LedgerChain{Current: win, Previous: []string{old}, Duplicates: []string{lose}, Announced: []string{}}
	for _, n := range []*node.Node{a, b} {
		must[string](t)(n.AddEntry(ctx, sp, model.Entry{Date: "2026-11-27", Direction: "out", AmountMinor: 100, Currency: "EUR"}))
		if got := must[node.LedgerChain](t)(n.LedgerChain(ctx, sp)); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s resolves %+v, want %+v", n.Name(), got, want)
		}
		refusedAsContinued(t, n, sp, old, win)
	}
	converge(t, pa, pb)
	for _, n := range []*node.Node{a, b} {
		ents := must[[]node.LedgerEntry](t)(n.Entries(ctx, sp))
		if last := ents[len(ents)-2:]; last[0].OpeningOf != "" || last[1].OpeningOf != "" {
			t.Fatalf("%s: the two new entries are not both in the winning ledger %s", n.Name(), win)
		}
		if f := must[[]node.Finding](t)(n.Audit(ctx, sp)); len(f) != 0 {
			t.Fatalf("%s: audit %+v", n.Name(), f)
		}
	}
}

// TestAuditChecksOpeningBalances: the audit of a continued ledger replays
// the old ledger up to the heads the opening balances record and reports
// an opening balance that does not match: one a modified client appended
// (attested, so nothing else in the audit objects to it), and an honest one
// whose amount it altered. An entry a member recorded in the old ledger
// before the move reached him is reported as not carried; his next entry,
// once it reached him, goes to the new ledger.
func TestAuditChecksOpeningBalances(t *testing.T) {
	ctx := t.Context()
	a, b, sp := strikeFund(t)
	someEntries(t, a, sp)
	exchange(t, a, b, sp)
	c := must[node.LedgerContinuation](t)(a.ContinueLedger(ctx, sp))
	if f := must[[]node.Finding](t)(a.Audit(ctx, sp)); len(f) != 0 {
		t.Fatalf("audit before tampering: %+v", f)
	}
	// Bo, apart, records an entry in the old ledger before the move reaches him.
	late := must[string](t)(b.AddEntry(ctx, sp, model.Entry{Date: "2026-11-27", Direction: "in", AmountMinor: 300, Currency: "EUR"}))
	exchange(t, a, b, sp)
	exchange(t, b, a, sp)
	// Now that the move reached him, his next entry follows it.
	next := must[string](t)(b.AddEntry(ctx, sp, model.Entry{Date: "2026-11-27", Direction: "in", AmountMinor: 200, Currency: "EUR"}))
	if ents := must[[]node.LedgerEntry](t)(b.Entries(ctx, sp)); ents[len(ents)-1].ID != next {
		t.Fatalf("Bo's entry after the move is not the last of the new ledger")
	}

	bid := node.IdentityOf(b)
	fake := model.NewItemID()
	raw := forge(t, node.DocChanges(b, c.To), seal.NewActor(bid.Public), func(d *am.Doc) error {
		if err := d.Path("entries", 0, "amount_minor").Set(c.Openings[0].AmountMinor + 1); err != nil {
			return err
		}
		return d.Path("entries").List().Append(map[string]any{"id": fake, "date": "2026-11-27", "direction": "in",
			"amount_minor": int64(500_000), "currency": "EUR", "category": "opening balance", "memo": "",
			"from": "", "to": "", "opening_of": c.From, "opening_at": c.Heads})
	})
	res := must[node.IngestResult](t)(b.Ingest(ctx, sp.ID, c.To, [][]byte{raw}, [][]byte{attest(t, bid, sp.ID, c.To, raw)}))
	if res.Stored != 1 {
		t.Fatalf("b's own ingest: %+v", res)
	}
	findings := must[[]node.Finding](t)(b.Audit(ctx, sp))
	problem := map[string]string{}
	for _, f := range findings {
		problem[f.EntryID] = f.Problem
	}
	for id, want := range map[string]string{fake: "opening balance differs", c.Openings[0].ID: "opening balance differs",
		late: "recorded in the continued ledger after"} {
		if !strings.HasPrefix(problem[id], want) {
			t.Errorf("entry %s: finding %q, want %q...", id, problem[id], want)
		}
	}
	if t.Failed() {
		t.Logf("findings %+v", findings)
	}
}

// TestLocalEditsKeepRoomToContinue: with a test budget of 12,000 ops,
// local entries are refused 1,000 ops short of it, with the advice to
// continue the ledger; past 90 % the ledger is listed, with that command,
// by NearOpBudget and Status; the continuation's marker fits even with the
// ledger exactly at the local limit, and entries go on in the new ledger.
func TestLocalEditsKeepRoomToContinue(t *testing.T) {
	ctx := t.Context()
	a, _ := initNode(t, "Amina")
	const budget = 12_000
	node.SetDocOps(a, budget)
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Strike Fund"))
	old := must[node.SpaceDetail](t)(a.SpaceDetail(ctx, sp)).Ledger
	for range 4 { // 271 entries a batch: under the size at which the estimate is checked
		csv := "date,direction,amount,currency\n" + strings.Repeat("2026-11-01,in,1.00,EUR\n", 271)
		must[node.LedgerImport](t)(a.ImportEntries(ctx, sp, strings.NewReader(csv)))
	}
	near := must[[]node.NearDoc](t)(a.NearOpBudget(ctx, sp))
	if len(near) != 1 || near[0].Doc != old || near[0].Advice != "weft ledger continue "+sp.ID {
		t.Fatalf("near the budget at %d ops: %+v", node.DocMaxOp(a, old), near)
	}
	var err error
	for i := 0; err == nil && i < 100; i++ {
		_, err = a.AddEntry(ctx, sp, model.Entry{Date: "2026-11-02", Direction: "in", AmountMinor: 100, Currency: "EUR"})
	}
	if !errors.Is(err, node.ErrInvalid) || !strings.Contains(err.Error(), "weft ledger continue") {
		t.Fatalf("entry at %d ops: %v, want ErrInvalid saying to continue the ledger", node.DocMaxOp(a, old), err)
	}
	if m := node.DocMaxOp(a, old); m > budget-node.OpReserve {
		t.Fatalf("local entries reached op %d, past %d", m, budget-node.OpReserve)
	}
	st := must[node.Status](t)(a.Status(ctx))
	if len(st.Spaces) != 1 || len(st.Spaces[0].NearBudget) != 1 || st.Spaces[0].NearBudget[0].Doc != old {
		t.Fatalf("status: %+v", st.Spaces)
	}
	// The budget lowered so that the ledger stands exactly at the local
	// limit: not one more op of an entry fits, and the marker still does.
	full := node.DocMaxOp(a, old)
	node.SetDocOps(a, full+node.OpReserve)
	c := must[node.LedgerContinuation](t)(a.ContinueLedger(ctx, sp))
	if m := node.DocMaxOp(a, old); m <= full {
		t.Fatalf("the marker left the ledger at op %d", m)
	}
	node.SetDocOps(a, budget)
	must[string](t)(a.AddEntry(ctx, sp, model.Entry{Date: "2026-11-02", Direction: "in", AmountMinor: 100, Currency: "EUR"}))
	if got := must[node.LedgerChain](t)(a.LedgerChain(ctx, sp)); got.Current != c.To {
		t.Fatalf("chain %+v", got)
	}
}

// TestContinuationToAnotherDocumentIgnored: a modified client marks the
// ledger as continued in the space's calendar. Nothing follows the marker:
// entries are still recorded in the ledger, and an honest continuation
// then moves them to the new ledger.
func TestContinuationToAnotherDocumentIgnored(t *testing.T) {
	ctx := t.Context()
	a, b, sp := strikeFund(t)
	someEntries(t, a, sp)
	exchange(t, a, b, sp)
	d := must[node.SpaceDetail](t)(a.SpaceDetail(ctx, sp))
	old, cal := d.Ledger, d.Calendars[0].ID
	bid := node.IdentityOf(b)
	raw := forge(t, node.DocChanges(b, old), seal.NewActor(bid.Public), func(doc *am.Doc) error {
		return doc.Path("continued_in/" + cal).Set(cal)
	})
	must[node.IngestResult](t)(b.Ingest(ctx, sp.ID, old, [][]byte{raw}, [][]byte{attest(t, bid, sp.ID, old, raw)}))
	exchange(t, b, a, sp)

	entry := model.Entry{Date: "2026-11-27", Direction: "in", AmountMinor: 100, Currency: "EUR"}
	if _, err := a.AddEntry(ctx, sp, entry); err != nil {
		t.Fatalf("entry into the ledger marked by the modified client: %v", err)
	}
	if c := must[node.LedgerChain](t)(a.LedgerChain(ctx, sp)); c.Current != old || len(c.Announced) != 0 {
		t.Fatalf("chain %+v followed the marker into the calendar", c)
	}
	c := must[node.LedgerContinuation](t)(a.ContinueLedger(ctx, sp))
	id := must[string](t)(a.AddEntry(ctx, sp, entry))
	if got := must[node.LedgerChain](t)(a.LedgerChain(ctx, sp)); got.Current != c.To || len(got.Duplicates) != 0 {
		t.Fatalf("chain %+v, want current %s and no duplicates", got, c.To)
	}
	if ents := must[[]node.LedgerEntry](t)(a.Entries(ctx, sp)); ents[len(ents)-1].ID != id {
		t.Fatal("the entry is not in the new ledger")
	}
}

// forgeMarker has b, as a modified client, mark doc (a ledger, a case
// study or a calendar) as continued in to, and sends the marker to a.
func forgeMarker(t *testing.T, a, b *node.Node, sp node.Space, doc, to string) {
	t.Helper()
	bid := node.IdentityOf(b)
	raw := forge(t, node.DocChanges(b, doc), seal.NewActor(bid.Public), func(d *am.Doc) error {
		return d.Path("continued_in/" + to).Set(to)
	})
	must[node.IngestResult](t)(b.Ingest(t.Context(), sp.ID, doc, [][]byte{raw}, [][]byte{attest(t, bid, sp.ID, doc, raw)}))
	exchange(t, b, a, sp)
}

// TestForgedContinuationDoesNotStopEntries: a modified client marks the
// ledger as continued in an ID no node holds, lower than any real one.
// Entries are still recorded in the ledger, on the node that received the
// marker as on the one that wrote it; the chain and the status name the
// continuation as announced, not received; an honest continuation then
// becomes the current ledger on both nodes, beside the forged one.
func TestForgedContinuationDoesNotStopEntries(t *testing.T) {
	ctx := t.Context()
	a, b, sp := strikeFund(t)
	exchange(t, a, b, sp)
	old := must[node.SpaceDetail](t)(a.SpaceDetail(ctx, sp)).Ledger
	forged := strings.Repeat("2", model.IDLen-1) + "a" // lower than any ID NewID draws, but by a chance of 2^-125
	forgeMarker(t, a, b, sp, old, forged)
	// An import, before Bo's node resolved the chain, is recorded too.
	csv := "date,direction,amount,currency\n2026-11-27,in,1.00,EUR\n2026-11-27,out,0.50,EUR\n"
	if imp := must[node.LedgerImport](t)(b.ImportEntries(ctx, sp, strings.NewReader(csv))); imp.Imported != 2 {
		t.Fatalf("import into the ledger with a forged marker: %+v", imp)
	}

	entry := model.Entry{Date: "2026-11-27", Direction: "in", AmountMinor: 100, Currency: "EUR"}
	for _, n := range []*node.Node{a, b} {
		id, err := n.AddEntry(ctx, sp, entry)
		if err != nil {
			t.Fatalf("%s: entry into the ledger with a forged marker: %v", n.Name(), err)
		}
		if ents := must[[]node.LedgerEntry](t)(n.Entries(ctx, sp)); len(ents) == 0 || ents[len(ents)-1].ID != id {
			t.Fatalf("%s: the entry is not in the ledger", n.Name())
		}
		want := node.LedgerChain{Current: old, Previous: []string{}, Duplicates: []string{}, Announced: []string{forged}}
		if c := must[node.LedgerChain](t)(n.LedgerChain(ctx, sp)); !reflect.DeepEqual(c, want) {
			t.Fatalf("%s: chain %+v, want %+v", n.Name(), c, want)
		}
		st := must[node.Status](t)(n.Status(ctx))
		if len(st.Spaces) != 1 || st.Spaces[0].Ledger == nil || !reflect.DeepEqual(st.Spaces[0].Ledger.Announced, []string{forged}) {
			t.Fatalf("%s: status does not name the announced continuation: %+v", n.Name(), st.Spaces)
		}
	}
	// A second entry goes straight in (the chain is known now).
	must[string](t)(a.AddEntry(ctx, sp, entry))

	c := must[node.LedgerContinuation](t)(a.ContinueLedger(ctx, sp))
	if c.From != old {
		t.Fatalf("continued %s, want %s", c.From, old)
	}
	exchange(t, a, b, sp)
	for _, n := range []*node.Node{a, b} {
		id := must[string](t)(n.AddEntry(ctx, sp, entry))
		want := node.LedgerChain{Current: c.To, Previous: []string{old}, Duplicates: []string{}, Announced: []string{forged}}
		if got := must[node.LedgerChain](t)(n.LedgerChain(ctx, sp)); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: chain %+v, want %+v", n.Name(), got, want)
		}
		if ents := must[[]node.LedgerEntry](t)(n.Entries(ctx, sp)); ents[len(ents)-1].ID != id {
			t.Fatalf("%s: the entry is not in the new ledger", n.Name())
		}
		// An entry sent to the old ledger without the markers the node
		// does not follow is refused by the engine, naming the lowest.
		refusedAsContinued(t, n, sp, old, forged)
	}
}

// TestContinuationArrivingLateMovesTheChain: the marker of an honest
// continuation reaches Bo before the new ledger does. Bo's entry is
// recorded in the old ledger (the continuation is announced, not held);
// once the new ledger arrives the chain moves to it, Bo's next entry goes
// there, and the audit reports the first as not carried.
func TestContinuationArrivingLateMovesTheChain(t *testing.T) {
	ctx := t.Context()
	a, b, sp := strikeFund(t)
	someEntries(t, a, sp)
	exchange(t, a, b, sp)
	c := must[node.LedgerContinuation](t)(a.ContinueLedger(ctx, sp))
	// Only the old ledger, with its marker, reaches Bo.
	aid := node.IdentityOf(a)
	var raws, atts [][]byte
	for _, raw := range node.DocChanges(a, c.From) {
		raws, atts = append(raws, raw), append(atts, attest(t, aid, sp.ID, c.From, raw))
	}
	must[node.IngestResult](t)(b.Ingest(ctx, sp.ID, c.From, raws, atts))
	if got := must[node.LedgerChain](t)(b.LedgerChain(ctx, sp)); got.Current != c.From || !reflect.DeepEqual(got.Announced, []string{c.To}) {
		t.Fatalf("chain before the new ledger arrived: %+v", got)
	}
	late := must[string](t)(b.AddEntry(ctx, sp, model.Entry{Date: "2026-11-27", Direction: "in", AmountMinor: 300, Currency: "EUR"}))
	exchange(t, a, b, sp)
	next := must[string](t)(b.AddEntry(ctx, sp, model.Entry{Date: "2026-11-27", Direction: "in", AmountMinor: 200, Currency: "EUR"}))
	want := node.LedgerChain{Current: c.To, Previous: []string{c.From}, Duplicates: []string{}, Announced: []string{}}
	if got := must[node.LedgerChain](t)(b.LedgerChain(ctx, sp)); !reflect.DeepEqual(got, want) {
		t.Fatalf("chain after the new ledger arrived: %+v, want %+v", got, want)
	}
	if ents := must[[]node.LedgerEntry](t)(b.Entries(ctx, sp)); ents[len(ents)-1].ID != next {
		t.Fatal("the entry after the new ledger arrived is not in it")
	}
	var found bool
	for _, f := range must[[]node.Finding](t)(b.Audit(ctx, sp)) {
		found = found || f.EntryID == late && strings.HasPrefix(f.Problem, "recorded in the continued ledger after")
	}
	if !found {
		t.Fatalf("the audit does not report entry %s as not carried", late)
	}
}

// TestQueuedEntryFollowsContinuation: a member who joins a space whose
// ledger was continued and records an entry while his join is pending has
// it recorded, once admitted, in the current ledger, as AddEntry would:
// not refused by the continued one.
func TestQueuedEntryFollowsContinuation(t *testing.T) {
	ctx := t.Context()
	a, _ := initNode(t, "Amina")
	b, _ := initNode(t, "Bo")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Strike Fund"))
	someEntries(t, a, sp)
	c := must[node.LedgerContinuation](t)(a.ContinueLedger(ctx, sp))
	inv := must[node.Invitation](t)(a.Invite(ctx, sp, node.InviteOptions{}))

	pending := must[node.Space](t)(b.Join(ctx, inv.Code))
	queued := must[string](t)(b.AddEntry(ctx, pending, model.Entry{Date: "2026-11-27", Direction: "in", AmountMinor: 500, Currency: "EUR"}))
	req, _ := must2(t)(b.JoinRequest(ctx, inv.Code))
	joined := must[node.Space](t)(b.AcceptWelcome(ctx, must[[]byte](t)(a.Admit(ctx, req))))

	if pj := must[[]node.PendingJoin](t)(b.PendingJoins(ctx)); len(pj) != 0 {
		t.Fatalf("pending joins after the welcome: %+v", pj)
	}
	if got := must[node.LedgerChain](t)(b.LedgerChain(ctx, joined)); got.Current != c.To {
		t.Fatalf("chain %+v, want current %s", got, c.To)
	}
	if !has(ctx, b, joined, queued) {
		t.Fatalf("the entry queued while pending (%s) is not in the current ledger %s", queued, c.To)
	}
	exchange(t, b, a, joined)
	if !has(ctx, a, sp, queued) {
		t.Fatalf("the steward's current ledger lacks the replayed entry %s", queued)
	}
}

// TestBarredContinuationDoesNotStopEntries: a ledger's continuation that
// concurrent entries took past the total of ops a node opens (decision
// 0070, lowered here to 2,000: two members' 120 entries each) is barred on
// both members' nodes; the chain resolves past it as past a document of
// another kind, so entries, balances and a new continuation still work,
// and both resolve alike.
func TestBarredContinuationDoesNotStopEntries(t *testing.T) {
	const limit = 2_000
	node.SetDocTotalOpsLimit(t, limit)
	ctx := t.Context()
	a, b, sp := strikeFund(t)
	old := must[node.SpaceDetail](t)(a.SpaceDetail(ctx, sp)).Ledger
	c := must[node.LedgerContinuation](t)(a.ContinueLedger(ctx, sp))
	exchange(t, a, b, sp)
	csv := "date,direction,amount,currency\n" + strings.Repeat("2026-11-01,in,1.00,EUR\n", 120)
	for _, n := range []*node.Node{a, b} {
		must[node.LedgerImport](t)(n.ImportEntries(ctx, sp, strings.NewReader(csv)))
	}
	exchange(t, a, b, sp)
	exchange(t, b, a, sp)
	for _, n := range []*node.Node{a, b} {
		if over := n.OverOpsDocs(); len(over) != 1 || over[0].Doc != c.To {
			t.Fatalf("premise: %s lists %v past the total, want the continuation %s", n.Name(), over, c.To)
		}
		want := node.LedgerChain{Current: old, Previous: []string{}, Duplicates: []string{}, Announced: []string{}}
		if got, err := n.LedgerChain(ctx, sp); err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("%s resolves %+v, %v; want %+v", n.Name(), got, err, want)
		}
		if _, err := n.AddEntry(ctx, sp, model.Entry{Date: "2026-11-27", Direction: "in", AmountMinor: 100, Currency: "EUR"}); err != nil {
			t.Fatalf("%s: an entry with the continuation barred: %v", n.Name(), err)
		}
		if _, err := n.Balances(ctx, sp); err != nil {
			t.Fatalf("%s: balances with the continuation barred: %v", n.Name(), err)
		}
	}
	next := must[node.LedgerContinuation](t)(a.ContinueLedger(ctx, sp))
	must[string](t)(a.AddEntry(ctx, sp, model.Entry{Date: "2026-11-27", Direction: "out", AmountMinor: 50, Currency: "EUR"}))
	if got := must[node.LedgerChain](t)(a.LedgerChain(ctx, sp)); got.Current != next.To {
		t.Fatalf("after a new continuation the chain is %+v, want current %s", got, next.To)
	}
}
