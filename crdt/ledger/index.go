package ledger

import (
	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/crdt/internal/amdoc"
	"github.com/weftsync/weft/crdt/model"
)

// Index is what AddEntry checks a new entry against: every stored entry's
// id and reverses fields. Reading it costs a read of every entry, so the
// caller may keep it between AddEntry calls for as long as nothing but
// AddEntry changed the document (AddEntry keeps it up to date).
type Index struct {
	reverses map[string]string // entry ID -> the ID it reverses, or ""
	reversed map[string]bool   // entry IDs some entry reverses
	entries  *am.List          // the entries list it was read from (nil when there is none)
	// continued lists, ascending, the ledgers this one's markers say it
	// continues in (decision 0071): it takes no entries unless the node
	// names every one of them as unfollowed.
	continued []string
}

// ReadIndex reads the Index of a ledger document.
func ReadIndex(doc *am.Doc) (*Index, error) {
	if err := amdoc.Check(); err != nil {
		return nil, err
	}
	root, err := amdoc.Root(doc)
	if err != nil {
		return nil, err
	}
	return readIndex(root)
}

// Len returns how many entries the index holds.
func (ix *Index) Len() int { return len(ix.reverses) }

// add records a new entry.
func (ix *Index) add(e model.Entry) {
	ix.reverses[e.ID] = e.Reverses
	if e.Reverses != "" {
		ix.reversed[e.Reverses] = true
	}
}

// ContinuedIn returns the first of the ledger's markers not in unfollowed,
// "" when none: the ledger then takes entries.
func (ix *Index) ContinuedIn(unfollowed []string) string {
	return amdoc.FirstFollowed(ix.continued, unfollowed)
}

// readIndex reads every entry's id and reverses fields, and whether the
// ledger is continued, from the document's root.
func readIndex(root amdoc.Fields) (*Index, error) {
	l := root.List(EntriesKey)
	ix := &Index{reverses: map[string]string{}, reversed: map[string]bool{}, entries: l}
	ix.continued = continuations(root)
	if l == nil {
		return ix, nil
	}
	vals, err := l.Values()
	if err != nil {
		return ix, err
	}
	for _, v := range vals {
		if v.Kind() != am.KindMap {
			continue
		}
		f := amdoc.Fields{}
		for _, k := range []string{"id", "reverses"} {
			if f[k], err = v.Map().Get(k); err != nil {
				return ix, err
			}
		}
		ix.reverses[f.Str("id")] = f.Str("reverses")
		if r := f.Str("reverses"); r != "" {
			ix.reversed[r] = true
		}
	}
	return ix, nil
}

// HasList reports whether ix was read from an entries list, which AddEntry
// then appends to.
func (ix *Index) HasList() bool { return ix.entries != nil }

// Detach lets go of the entries list ix was read from, keeping the IDs
// and reversals it holds: the copy of the document that list belongs to
// is about to be freed (crdt's round trip reloads a document from its
// saved form, decision 0047). Rebind gives it the reloaded copy's list;
// until then HasList is false.
func (ix *Index) Detach() { ix.entries = nil }

// Rebind points ix at doc's entries list after Detach. doc must hold
// exactly the entries ix was read from and kept up to date with (crdt
// checks that the reloaded copy has the heads ix was valid for), so only
// the list, not the entries, is read.
func (ix *Index) Rebind(doc *am.Doc) error {
	root, err := amdoc.Root(doc)
	if err != nil {
		return err
	}
	l := root.List(EntriesKey)
	if l == nil {
		return amdoc.Invalid(schema, EntriesKey, "the reloaded document has no entries list")
	}
	ix.entries = l
	return nil
}
