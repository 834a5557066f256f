package ledger

import (
	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/crdt/internal/amdoc"
	"github.com/weftsync/weft/crdt/model"
)

// Init writes a new ledger's own root fields: its default currency and an
// empty entries list. The caller has written type, schema and space.
func Init(w *amdoc.Writer, currency string) error {
	if err := amdoc.Check(); err != nil {
		return err
	}
	if err := amdoc.Currency(schema, "currency", currency); err != nil {
		return err
	}
	root := w.Doc().RootMap()
	if err := w.Set(root, "currency", currency); err != nil {
		return err
	}
	return w.Set(root, "entries", am.NewList())
}

// AddEntry validates e, on its own and against the stored entries (ix, or
// read afresh when ix is nil), then appends it to the entries list and adds
// it to ix. It returns the commit message. An error matching crdt's
// ErrInvalid means nothing was written. With an ix that ReadIndex read
// from w's document, it appends to the entries list ix was read from,
// without reading the document's root again: the caller keeps ix only
// while nothing but AddEntry changed the document.
func AddEntry(w *amdoc.Writer, e model.Entry, ix *Index) (string, error) {
	if err := amdoc.Check(); err != nil {
		return "", err
	}
	if err := ValidateEntry(e); err != nil {
		return "", err
	}
	var entries *am.List
	if ix != nil {
		entries = ix.entries
	}
	if entries == nil {
		root, err := amdoc.Root(w.Doc())
		if err != nil {
			return "", err
		}
		if entries = root.List("entries"); entries == nil {
			return "", amdoc.Invalid(schema, "entries", "this document has no entries list")
		}
	}
	if ix == nil {
		var err error
		if ix, err = readIndex(entries); err != nil {
			return "", err
		}
	}
	if err := validateAgainst(e, ix); err != nil {
		return "", err
	}
	if err := writeEntry(w, entries, e); err != nil {
		return "", err
	}
	ix.add(e)
	if e.Reverses != "" {
		return "add reversal", nil
	}
	return "add entry", nil
}

func writeEntry(w *amdoc.Writer, entries *am.List, e model.Entry) error {
	m, err := w.AppendMap(entries)
	if err != nil {
		return err
	}
	for _, kv := range [][2]string{{"id", e.ID}, {"date", e.Date}, {"direction", e.Direction}} {
		if err := w.Set(m, kv[0], kv[1]); err != nil {
			return err
		}
	}
	if err := w.Set(m, "amount_minor", e.AmountMinor); err != nil {
		return err
	}
	fields := [][2]string{{"currency", e.Currency}, {"category", e.Category}, {"memo", e.Memo}, {"from", e.From}, {"to", e.To}}
	if e.Reverses != "" {
		fields = append(fields, [2]string{"reverses", e.Reverses})
	}
	for _, kv := range fields {
		if err := w.Set(m, kv[0], kv[1]); err != nil {
			return err
		}
	}
	return nil
}
