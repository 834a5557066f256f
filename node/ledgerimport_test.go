package node_test

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/export"
)

// exportCSV writes sp's ledger as weft ledger export does.
func exportCSV(t *testing.T, n *node.Node, sp node.Space) []byte {
	t.Helper()
	ents := must[[]node.LedgerEntry](t)(n.Entries(t.Context(), sp))
	entries, names := make([]model.Entry, len(ents)), map[string]string{}
	for i, en := range ents {
		entries[i], names[en.ID] = en.Entry, en.RecordedBy
	}
	var buf bytes.Buffer
	if err := export.LedgerCSV(&buf, entries, func(id string) string { return names[id] }); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// plainEntries returns the entries of sp's ledger without who recorded them.
func plainEntries(t *testing.T, n *node.Node, sp node.Space) []model.Entry {
	t.Helper()
	var out []model.Entry
	for _, e := range must[[]node.LedgerEntry](t)(n.Entries(t.Context(), sp)) {
		out = append(out, e.Entry)
	}
	return out
}

// spaceChanges counts the changes a node stores for sp.
func spaceChanges(t *testing.T, n *node.Node, sp node.Space) int {
	t.Helper()
	for _, s := range must[node.Status](t)(n.Status(t.Context())).Spaces {
		if s.ID == sp.ID {
			return s.Changes
		}
	}
	t.Fatalf("status shows no space %s", sp.ID)
	return 0
}

// TestLedgerImportRoundTrip: what export writes, imported into another
// ledger, is the same entries (IDs, reversals and formula-looking text
// included) and balances; importing it again is refused whole.
func TestLedgerImportRoundTrip(t *testing.T) {
	ctx := t.Context()
	a, _ := initNode(t, "Amina")
	b, _ := initNode(t, "Bo")
	spA := must[node.Space](t)(a.CreateSpace(ctx, "Tenants Union"))
	spB := must[node.Space](t)(b.CreateSpace(ctx, "Food Bank"))
	for _, e := range []model.Entry{
		{Date: "2026-11-02", Direction: "in", AmountMinor: 10750, Currency: "EUR", Category: "donations", Memo: "Soli-Party, Kasse", From: "public", To: "fund"},
		{Date: "2026-11-03", Direction: "out", AmountMinor: 1000, Currency: "JPY", Category: "=HYPERLINK(\"http://x\")", Memo: "-2+3", From: "@fund", To: "+printer"},
		{Date: "2026-11-05", Direction: "transfer", AmountMinor: 1234, Currency: "KWD", Memo: "line one\nline \"two\"", From: "＝SUM(A1)"},
	} {
		must[string](t)(a.AddEntry(ctx, spA, e))
	}
	first := must[[]node.LedgerEntry](t)(a.Entries(ctx, spA))[0]
	must[string](t)(a.Reverse(ctx, spA, first.ID, "wrong amount"))
	want := plainEntries(t, a, spA)
	file := exportCSV(t, a, spA)

	rep := must[node.LedgerImport](t)(b.ImportEntries(ctx, spB, bytes.NewReader(file)))
	if rep.Imported != len(want) || rep.FirstID != want[0].ID || rep.LastID != want[len(want)-1].ID {
		t.Fatalf("import report %+v, want %d entries from %s to %s", rep, len(want), want[0].ID, want[len(want)-1].ID)
	}
	if got := plainEntries(t, b, spB); !reflect.DeepEqual(got, want) {
		t.Fatalf("imported entries:\n%+v\nexported:\n%+v", got, want)
	}
	balA := must[[]node.Balance](t)(a.Balances(ctx, spA))
	if balB := must[[]node.Balance](t)(b.Balances(ctx, spB)); !reflect.DeepEqual(balA, balB) {
		t.Fatalf("balances after import %+v, before export %+v", balB, balA)
	}
	for _, e := range must[[]node.LedgerEntry](t)(b.Entries(ctx, spB)) {
		if e.RecordedBy != "Bo" {
			t.Fatalf("entry %s recorded by %q: the importer records (and attests) every entry", e.ID, e.RecordedBy)
		}
	}
	if f := must[[]node.Finding](t)(b.Audit(ctx, spB)); len(f) != 0 {
		t.Fatalf("audit after import: %+v", f)
	}
	if again := exportCSV(t, b, spB); !bytes.Equal(bytes.ReplaceAll(again, []byte(",Bo\n"), []byte(",Amina\n")), file) {
		t.Fatalf("export after import differs beyond the recorder:\n%s\nwas\n%s", again, file)
	}

	before := spaceChanges(t, b, spB)
	_, err := b.ImportEntries(ctx, spB, bytes.NewReader(file))
	var ie *node.ImportError
	if !errors.As(err, &ie) || ie.Line != 2 || ie.Field != "id" || !strings.Contains(err.Error(), "already in this ledger") {
		t.Fatalf("importing the same file twice: %v; want line 2, id, already in this ledger", err)
	}
	if n := spaceChanges(t, b, spB); n != before {
		t.Fatalf("a refused import stored %d change(s)", n-before)
	}
}

// TestLedgerImportPlain: a CSV with only a header naming its columns (in
// any order and case) is imported with new IDs.
func TestLedgerImportPlain(t *testing.T) {
	ctx := t.Context()
	a, _ := initNode(t, "Amina")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Tenants Union"))
	file := "\ufeffDate,Direction,Amount,Currency,Memo,From\n" +
		"2026-11-01,in,12.50,eur,dues,Ana\n" +
		"2026-11-02, OUT ,3,EUR,\"printer, toner\",\n"
	rep := must[node.LedgerImport](t)(a.ImportEntries(ctx, sp, strings.NewReader(file)))
	got := plainEntries(t, a, sp)
	if rep.Imported != 2 || len(got) != 2 || got[0].ID != rep.FirstID || got[1].ID != rep.LastID {
		t.Fatalf("report %+v, entries %+v", rep, got)
	}
	want := []model.Entry{
		{ID: rep.FirstID, Date: "2026-11-01", Direction: "in", AmountMinor: 1250, Currency: "EUR", Memo: "dues", From: "Ana"},
		{ID: rep.LastID, Date: "2026-11-02", Direction: "out", AmountMinor: 300, Currency: "EUR", Memo: "printer, toner"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("entries\n%+v\nwant\n%+v", got, want)
	}
}

// TestLedgerImportBadLineRefusesAll: one bad cell, anywhere, stores
// nothing and names its line and column.
func TestLedgerImportBadLineRefusesAll(t *testing.T) {
	ctx := t.Context()
	a, _ := initNode(t, "Amina")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Tenants Union"))
	id := model.NewItemID()
	good := "2026-11-01,in,1.00,EUR,,dues\n"
	tests := []struct {
		name, file string
		line       int
		field      string
	}{
		{"amount", "date,direction,amount,currency,id,memo\n" + good + good + "2026-11-02,in,1.005,EUR,,x\n" + good, 4, "amount"},
		{"date", "date,direction,amount,currency\n2026-11-01,in,1,EUR\n11/02/2026,in,1,EUR\n", 3, "date"},
		{"direction", "date,direction,amount,currency\n2026-11-01,sideways,1,EUR\n", 2, "direction"},
		{"currency", "date,direction,amount,currency\n2026-11-01,in,1,EURO\n", 2, "currency"},
		{"minor disagrees", "date,direction,amount,amount_minor,currency\n2026-11-01,in,1.00,101,EUR\n", 2, "amount_minor"},
		{"unknown column", "date,direction,amount,currency,counterparty\n", 1, "csv"},
		{"missing column", "date,amount,currency\n2026-11-01,1,EUR\n", 1, "csv"},
		{"field count", "date,direction,amount,currency\n" + "2026-11-01,in,1,EUR\n" + "2026-11-01,in,1\n", 3, "csv"},
		{"bad id", "id,date,direction,amount,currency\nnope,2026-11-01,in,1,EUR\n", 2, "id"},
		{"id twice", "id,date,direction,amount,currency\n" + id + ",2026-11-01,in,1,EUR\n" + id + ",2026-11-01,in,2,EUR\n", 3, "id"},
		{"reverses nothing", "date,direction,amount,currency,reverses\n2026-11-01,in,1,EUR," + id + "\n", 2, "reverses"},
		{"reverses later line", "id,date,direction,amount,currency,reverses\n" +
			model.NewItemID() + ",2026-11-01,in,1,EUR," + id + "\n" + id + ",2026-11-01,in,1,EUR,\n", 2, "reverses"},
		{"multi-line memo counted", "date,direction,amount,currency,memo\n2026-11-01,in,1,EUR,\"a\nb\"\n2026-11-01,in,-1,EUR,x\n", 4, "amount"},
	}
	must[string](t)(a.AddEntry(ctx, sp, model.Entry{Date: "2026-11-01", Direction: "in", AmountMinor: 5, Currency: "EUR"}))
	before := spaceChanges(t, a, sp)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := a.ImportEntries(ctx, sp, strings.NewReader(tt.file))
			var ie *node.ImportError
			if !errors.As(err, &ie) || ie.Line != tt.line || ie.Field != tt.field || !errors.Is(err, node.ErrInvalid) {
				t.Fatalf("error %v; want line %d, %s", err, tt.line, tt.field)
			}
			if n := spaceChanges(t, a, sp); n != before {
				t.Fatalf("a refused import stored %d change(s)", n-before)
			}
		})
	}
	if n := len(plainEntries(t, a, sp)); n != 1 {
		t.Fatalf("%d entries after refused imports, want the 1 added before", n)
	}
}

// TestLedgerImportOneTransaction: 1,000 entries are 1,000 changes, made by
// the engine in groups (ImportGroups of them: the node storing one group
// while the engine makes the next) and stored by one transaction: a failure after
// the engine made the last of them stores none.
func TestLedgerImportOneTransaction(t *testing.T) {
	const entries = 1000
	ctx := t.Context()
	a, _ := initNode(t, "Amina")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Tenants Union"))
	var file strings.Builder
	file.WriteString("date,direction,amount,currency,memo\n")
	for i := range entries {
		fmt.Fprintf(&file, "2026-11-%02d,in,%d.%02d,EUR,dues %d\n", i%28+1, i/100+1, i%100, i)
	}
	before := spaceChanges(t, a, sp)

	groups := node.ImportGroups(entries)
	calls := 0
	node.SetFailAfterEngine(a, func(string) error {
		if calls++; calls < groups {
			return nil
		}
		return errors.New("the disk is full")
	})
	if _, err := a.ImportEntries(ctx, sp, strings.NewReader(file.String())); err == nil || !strings.Contains(err.Error(), "the disk is full") {
		t.Fatalf("import with a failing store: %v", err)
	}
	if n := spaceChanges(t, a, sp); n != before || len(plainEntries(t, a, sp)) != 0 || calls != groups {
		t.Fatalf("after a failed import: %d new change(s), %d entries, %d store call(s); want none, none, %d",
			n-before, len(plainEntries(t, a, sp)), calls, groups)
	}

	calls = 0
	node.SetFailAfterEngine(a, func(string) error { calls++; return nil })
	rep := must[node.LedgerImport](t)(a.ImportEntries(ctx, sp, strings.NewReader(file.String())))
	if rep.Imported != entries || calls != groups {
		t.Fatalf("import report %+v after %d engine call(s) stored; want %d entries, %d calls", rep, calls, entries, groups)
	}
	if n := spaceChanges(t, a, sp); n != before+entries {
		t.Fatalf("%d new change(s) for %d entries: want one each", n-before, entries)
	}
	if f := must[[]node.Finding](t)(a.Audit(ctx, sp)); len(f) != 0 {
		t.Fatalf("audit: %d finding(s), first %+v: every imported entry must be attested", len(f), f[0])
	}
	bals := must[[]node.Balance](t)(a.Balances(ctx, sp))
	var sum int64
	for i := range entries {
		sum += int64((i/100+1)*100 + i%100)
	}
	if len(bals) != 1 || bals[0].In != sum {
		t.Fatalf("balances %+v, want in %d", bals, sum)
	}
}

// TestLedgerImportPendingRefused: a space whose join is pending refuses an
// import (its ledger has not arrived) and queues nothing.
func TestLedgerImportPendingRefused(t *testing.T) {
	ctx := t.Context()
	a, _ := initNode(t, "Amina")
	b, _ := initNode(t, "Bo")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Tenants Union"))
	inv := must[node.Invitation](t)(a.Invite(ctx, sp, node.InviteOptions{}))
	pending := must[node.Space](t)(b.Join(ctx, inv.Code))
	_, err := b.ImportEntries(ctx, pending, strings.NewReader("date,direction,amount,currency\n2026-11-01,in,1,EUR\n"))
	if !errors.Is(err, node.ErrInvalid) || !strings.Contains(err.Error(), "being joined") {
		t.Fatalf("import into a pending space: %v", err)
	}
	for _, p := range must[node.Status](t)(b.Status(ctx)).PendingJoins {
		if p.Queued != 0 {
			t.Fatalf("the refused import queued %d edit(s)", p.Queued)
		}
	}
}

// TestAddEntriesRefusedLate: an entry whose ID the ledger already holds,
// in a later engine call of a pipelined import, refuses the whole import,
// named by its position, and stores nothing; the ledger stays usable, and
// a reversal of an entry outside the list still obeys Reverse's rule.
func TestAddEntriesRefusedLate(t *testing.T) {
	ctx := t.Context()
	a, _ := initNode(t, "Amina")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Tenants Union"))
	old := must[string](t)(a.AddEntry(ctx, sp, model.Entry{Date: "2026-11-01", Direction: "in", AmountMinor: 5, Currency: "EUR"}))
	before := spaceChanges(t, a, sp)

	list := make([]model.Entry, 2*node.PipeEdits+10)
	for i := range list {
		list[i] = model.Entry{Date: "2026-11-02", Direction: "in", AmountMinor: int64(i + 1), Currency: "EUR"}
	}
	late := 2*node.PipeEdits + 5 // in a later engine call than the first
	list[late-1].ID = old
	_, err := a.AddEntries(ctx, sp, list)
	if !errors.Is(err, node.ErrInvalid) || !strings.Contains(err.Error(), fmt.Sprintf("entry %d, id", late)) ||
		!strings.Contains(err.Error(), "already in this ledger") {
		t.Fatalf("an ID the ledger holds, at entry %d: %v; want ErrInvalid naming entry %d, id, already in this ledger", late, err, late)
	}
	if n := spaceChanges(t, a, sp); n != before {
		t.Fatalf("a refused import stored %d change(s)", n-before)
	}

	list[late-1].ID = ""
	list[len(list)-1] = model.Entry{Date: "2026-11-03", Direction: "out", AmountMinor: 5, Currency: "EUR", Reverses: old}
	rep := must[node.LedgerImport](t)(a.AddEntries(ctx, sp, list))
	if rep.Imported != len(list) || spaceChanges(t, a, sp) != before+len(list) {
		t.Fatalf("import after the refusal: %+v, %d new change(s); want %d", rep, spaceChanges(t, a, sp)-before, len(list))
	}
	ents := must[[]node.LedgerEntry](t)(a.Entries(ctx, sp))
	if len(ents) != 1+len(list) || !ents[0].Reversed || ents[len(ents)-1].Reverses != old {
		t.Fatalf("%d entries, first reversed %v; want %d, the first reversed by the last", len(ents), ents[0].Reversed, 1+len(list))
	}
	if f := must[[]node.Finding](t)(a.Audit(ctx, sp)); len(f) != 0 {
		t.Fatalf("audit: %d finding(s), first %+v", len(f), f[0])
	}
}
