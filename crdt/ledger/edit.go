package ledger

import (
	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/crdt/internal/amdoc"
	"github.com/weftsync/weft/crdt/internal/amraw"
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
	var entries *am.List
	if ix != nil {
		entries = ix.entries
	}
	if entries == nil {
		if err := ValidateEntry(e); err != nil {
			return "", err
		}
		root, err := amdoc.Root(w.Doc())
		if err != nil {
			return "", err
		}
		if entries = root.List(EntriesKey); entries == nil {
			return "", amdoc.Invalid(schema, "entries", "this document has no entries list")
		}
		if ix == nil {
			if ix, err = readIndex(root); err != nil {
				return "", err
			}
		}
	}
	msg, err := Admit(e, ix)
	if err != nil {
		return "", err
	}
	if err := writeEntry(w, entries, e); err != nil {
		return "", err
	}
	return msg, nil
}

// Admit is AddEntry without the write, for a caller that writes the entry
// itself (crdt's EditMany, through amraw, decision 0035): it validates e on
// its own and against ix, records it in ix and returns the commit message.
// The caller must then append Fields(e) as a new map to the entries list
// ix was read from, committed alone with that message, or drop the
// document.
func Admit(e model.Entry, ix *Index) (string, error) {
	if err := amdoc.Check(); err != nil {
		return "", err
	}
	if to := ix.ContinuedIn(e.Unfollowed); to != "" {
		return "", amdoc.Invalid(schema, "entries", "this ledger is continued in %s: record entries there", to)
	}
	if err := ValidateEntry(e); err != nil {
		return "", err
	}
	if err := validateAgainst(e, ix); err != nil {
		return "", err
	}
	ix.add(e)
	if e.Reverses != "" {
		return "add reversal", nil
	}
	return "add entry", nil
}

// EntriesKey is the root key of the entries list.
const EntriesKey = "entries"

// Fields returns e's fields in the order AddEntry writes them: the order
// is part of the change's bytes, so every writer of entries uses it.
func Fields(e model.Entry) []amraw.Field {
	f := make([]amraw.Field, 0, 12)
	f = append(f, amraw.Field{Key: "id", Str: e.ID}, amraw.Field{Key: "date", Str: e.Date},
		amraw.Field{Key: "direction", Str: e.Direction}, amraw.Field{Key: "amount_minor", Int: e.AmountMinor, IsInt: true},
		amraw.Field{Key: "currency", Str: e.Currency}, amraw.Field{Key: "category", Str: e.Category},
		amraw.Field{Key: "memo", Str: e.Memo}, amraw.Field{Key: "from", Str: e.From}, amraw.Field{Key: "to", Str: e.To})
	if e.Reverses != "" {
		f = append(f, amraw.Field{Key: "reverses", Str: e.Reverses})
	}
	if e.OpeningOf != "" {
		f = append(f, amraw.Field{Key: "opening_of", Str: e.OpeningOf}, amraw.Field{Key: "opening_at", Str: e.OpeningAt})
	}
	return f
}

func writeEntry(w *amdoc.Writer, entries *am.List, e model.Entry) error {
	m, err := w.AppendMap(entries)
	if err != nil {
		return err
	}
	for _, f := range Fields(e) {
		var v any = f.Str
		if f.IsInt {
			v = f.Int
		}
		if err := w.Set(m, f.Key, v); err != nil {
			return err
		}
	}
	return nil
}
