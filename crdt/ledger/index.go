package ledger

import (
	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/crdt/internal/amdoc"
)

// index is what AddEntry needs to know of the stored entries.
type index struct {
	reverses map[string]string // entry ID -> the ID it reverses, or ""
	reversed map[string]bool   // entry IDs some entry reverses
}

// readIndex reads every entry's id and reverses fields.
func readIndex(l *am.List) (index, error) {
	ix := index{reverses: map[string]string{}, reversed: map[string]bool{}}
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
