package crdt

import (
	"time"

	"github.com/weftsync/weft/crdt/calendar"
	"github.com/weftsync/weft/crdt/casestudy"
	"github.com/weftsync/weft/crdt/internal/amdoc"
	"github.com/weftsync/weft/crdt/ledger"
	"github.com/weftsync/weft/crdt/model"
)

// Edit makes one typed edit: it validates it (against the stored document
// where needed), writes it field by field, and commits it as one change at
// time at with a message naming it ("add event", "edit event title,start",
// "edit case body[en]", "add entry"). A large text goes in several commits,
// each under MaxChangeBytes and MaxChangeOps. It returns the raw change chunks made; an edit
// that changes nothing returns none.
//
// Errors: ErrInvalid (a *FieldError) when the edit is refused and nothing
// was written; ErrPoisoned when a write failed part way (the Doc is then
// unusable; check ErrPoisoned first, as it may wrap other errors).
func (d *Doc) Edit(e model.Edit, at time.Time) ([][]byte, error) {
	if d.poison != nil {
		return nil, d.poison
	}
	if entryRun(d, []model.Edit{e}) == 1 && rawEntries() {
		// One entry: written in one call into automerge's C API, as
		// EditMany writes a run of them (appendEntries, decision 0035).
		var ix *ledger.Index
		chunks, _, err := d.appendEntries([]model.Edit{e}, at, &ix, nil)
		if err != nil {
			return nil, err
		}
		d.ixHeads = d.Heads() // the entry added updated the index itself
		return chunks, nil
	}
	fn, err := d.dispatch(e)
	if err != nil {
		return nil, err
	}
	chunks, err := d.write("edit", at, fn)
	if err == nil && e.AddEntry != nil {
		d.ixHeads = d.Heads() // AddEntry updated the index itself
	}
	return chunks, err
}

// ledgerIndex returns the ledger's entry index, read again unless the
// document is exactly as the last local AddEntry left it.
func (d *Doc) ledgerIndex() (*ledger.Index, error) {
	if hs := d.Heads(); d.ix == nil || !sameHeads(hs, d.ixHeads) {
		ix, err := ledger.ReadIndex(d.am)
		if err != nil {
			return nil, err
		}
		indexReads.Add(1)
		d.ix, d.ixHeads = ix, hs
	}
	return d.ix, nil
}

// dispatch picks the schema function for e, refusing an edit that does not
// set exactly one field or does not fit the document's type.
func (d *Doc) dispatch(e model.Edit) (writeFunc, error) {
	if n := countSet(e); n != 1 {
		return nil, amdoc.Invalid("crdt", "edit", "%d edits set, want exactly one", n)
	}
	fn, err := d.dispatchTyped(e)
	if err != nil || d.typ == model.Ledger || e.Continue != nil {
		return fn, err
	}
	return admitted(d.typ, e.Unfollowed, fn), nil
}

// admitted wraps fn, an edit of a case study or a calendar, so that it is
// refused when the document is continued by a marker the edit was not
// checked against (decision 0076).
func admitted(typ model.DocType, unfollowed []string, fn writeFunc) writeFunc {
	return func(w *amdoc.Writer) (string, error) {
		root, err := amdoc.Root(w.Doc())
		if err != nil {
			return "", err
		}
		admit := calendar.Admit
		if typ == model.Case {
			admit = casestudy.Admit
		}
		if err := admit(root, unfollowed); err != nil {
			return "", err
		}
		return fn(w)
	}
}

// dispatchTyped picks the schema function for e, which sets one field.
func (d *Doc) dispatchTyped(e model.Edit) (writeFunc, error) {
	switch {
	case e.AddEvent != nil && d.typ == model.Calendar:
		return func(w *amdoc.Writer) (string, error) { return calendar.AddEvent(w, *e.AddEvent) }, nil
	case e.PatchEvent != nil && d.typ == model.Calendar:
		return func(w *amdoc.Writer) (string, error) { return calendar.PatchEvent(w, *e.PatchEvent) }, nil
	case e.PatchCase != nil && d.typ == model.Case:
		return func(w *amdoc.Writer) (string, error) { return casestudy.Patch(w, *e.PatchCase) }, nil
	case e.AddEntry != nil && d.typ == model.Ledger:
		return func(w *amdoc.Writer) (string, error) {
			ix, err := d.ledgerIndex()
			if err != nil {
				return "", err
			}
			return ledger.AddEntry(w, *e.AddEntry, ix)
		}, nil
	case e.ContinueLedger != nil && d.typ == model.Ledger:
		to := e.ContinueLedger.To
		return func(w *amdoc.Writer) (string, error) { return ledger.Continue(w, to) }, nil
	case e.Continue != nil && d.typ == model.Case:
		to := e.Continue.To
		return func(w *amdoc.Writer) (string, error) { return casestudy.Continue(w, to) }, nil
	case e.Continue != nil && d.typ == model.Calendar:
		to := e.Continue.To
		return func(w *amdoc.Writer) (string, error) { return calendar.Continue(w, to) }, nil
	case e.Create != nil:
		return nil, amdoc.Invalid("crdt", "create", "a document is created by Create, not edited")
	}
	return nil, amdoc.Invalid("crdt", "edit", "this edit does not apply to a %s document", d.typ)
}

func countSet(e model.Edit) int {
	n := 0
	for _, set := range []bool{e.Create != nil, e.AddEvent != nil, e.PatchEvent != nil, e.PatchCase != nil, e.AddEntry != nil,
		e.ContinueLedger != nil, e.Continue != nil} {
		if set {
			n++
		}
	}
	return n
}
