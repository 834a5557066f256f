package node_test

import (
	"testing"

	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/seal"
)

// TestAuditFindsUnauthorisedReversal: a member who neither recorded an
// entry nor is a steward reverses it with a modified client; the audit
// names the reversal and who made it. A's own reversal of its own entry is
// fine.
func TestAuditFindsUnauthorisedReversal(t *testing.T) {
	ctx := t.Context()
	a, _ := initNode(t, "Amina")
	b, _ := initNode(t, "Bo")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Strike Fund"))
	joinSpace(t, a, b, sp)
	target := must[string](t)(a.AddEntry(ctx, sp, model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: 10000, Currency: "EUR"}))
	own := must[string](t)(a.AddEntry(ctx, sp, model.Entry{Date: "2026-11-26", Direction: "out", AmountMinor: 300, Currency: "EUR"}))
	must[string](t)(a.Reverse(ctx, sp, own, "typo"))
	exchange(t, a, b, sp)

	ledger := must[node.SpaceDetail](t)(a.SpaceDetail(ctx, sp)).Ledger
	bid := node.IdentityOf(b)
	revID := model.NewID()
	raw := forge(t, node.DocChanges(b, ledger), seal.NewActor(bid.Public), func(d *am.Doc) error {
		entries, err := am.As[*am.List](d.Path("entries").Get())
		if err != nil {
			return err
		}
		return entries.Append(map[string]any{"id": revID, "date": "2026-11-27", "direction": "in",
			"amount_minor": int64(10000), "currency": "EUR", "category": "", "memo": "", "from": "", "to": "",
			"reverses": target})
	})
	res := must[node.IngestResult](t)(b.Ingest(ctx, sp.ID, ledger, [][]byte{raw}, [][]byte{attest(t, bid, sp.ID, ledger, raw)}))
	if res.Stored != 1 {
		t.Fatalf("b's own ingest: %+v", res)
	}
	exchange(t, b, a, sp)

	findings := must[[]node.Finding](t)(a.Audit(ctx, sp))
	if len(findings) != 1 {
		t.Fatalf("findings = %+v, want one", findings)
	}
	f := findings[0]
	if f.EntryID != revID || f.By != "Bo" || f.Problem != "reversed by neither its recorder nor a steward" {
		t.Fatalf("finding = %+v", f)
	}
}
