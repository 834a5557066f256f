package ledgerhist

import (
	"fmt"

	"github.com/weftsync/weft/node/wire"
)

// Entries replays changes as History does and returns the entries list as
// it stands after the last of them: each entry's fields as automerge-go's
// Value.Interface reads them (strings, int64, ...), in list order, items
// that are not maps skipped. A continued ledger's opening balances are
// checked against the old ledger's entries at the heads they record
// (decision 0071), which is this over the changes those heads reach.
func Entries(changes [][]byte) ([]map[string]any, error) {
	r := newReplay()
	for i, raw := range changes {
		c, ops, err := wire.ParseChangeOps(raw)
		if err != nil {
			return nil, fmt.Errorf("ledgerhist: change %d: %w", i, err)
		}
		if err := r.add(pending{c: c, ops: ops, index: i}); err != nil {
			return nil, err
		}
	}
	if len(r.waiting) > 0 {
		return nil, fmt.Errorf("%w: change %d", ErrNeverApplied, r.waiting[0].index)
	}
	l := r.entries.entries()
	if l == nil {
		return nil, nil
	}
	var out []map[string]any
	for e := l.seq.head.next; e != nil; e = e.next {
		if m := entry(e); m != nil {
			out = append(out, fields(m))
		}
	}
	return out, nil
}
