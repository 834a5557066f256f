package ledger

import (
	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/crdt/internal/amdoc"
	"github.com/weftsync/weft/crdt/model"
)

// View reads the ledger: its default currency and its entries in list order.
func View(doc *am.Doc) (*model.LedgerView, error) {
	if err := amdoc.Check(); err != nil {
		return nil, err
	}
	root, err := amdoc.Root(doc)
	if err != nil {
		return nil, err
	}
	maps, err := entryMaps(root.List("entries"))
	if err != nil {
		return nil, err
	}
	v := &model.LedgerView{Currency: root.Str("currency"), Entries: make([]model.Entry, 0, len(maps)),
		ContinuedIn: continuations(root)}
	for _, f := range maps {
		v.Entries = append(v.Entries, readEntry(f))
	}
	return v, nil
}

// entryMaps reads the fields of every map in the entries list, skipping
// items that are not maps.
func entryMaps(l *am.List) ([]amdoc.Fields, error) {
	if l == nil {
		return nil, nil
	}
	vals, err := l.Values()
	if err != nil {
		return nil, err
	}
	out := make([]amdoc.Fields, 0, len(vals))
	for _, v := range vals {
		if v.Kind() != am.KindMap {
			continue
		}
		f, err := amdoc.Read(v.Map())
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

func readEntry(f amdoc.Fields) model.Entry {
	return model.Entry{
		ID: f.Str("id"), Date: f.Str("date"), Direction: f.Str("direction"),
		AmountMinor: f.Int("amount_minor"), Currency: f.Str("currency"),
		Category: f.Str("category"), Memo: f.Str("memo"), From: f.Str("from"),
		To: f.Str("to"), Reverses: f.Str("reverses"), OpeningOf: f.Str("opening_of"),
		OpeningAt: f.Str("opening_at"),
	}
}

// RootView is what a ledger's root says without its entries: the default
// currency and where it continues.
func RootView(root amdoc.Fields) *model.LedgerView {
	return &model.LedgerView{Currency: root.Str("currency"), ContinuedIn: continuations(root)}
}
