package ledger

import (
	"sort"
	"strings"

	"github.com/weftsync/weft/crdt/internal/amdoc"
)

// continuedPrefix starts the root keys that mark a ledger as continued
// (decision 0071): one key per continuation, the prefix followed by the new
// ledger's ID, so that two members who continue a ledger concurrently each
// write a key of their own and neither hides the other, as two values set
// concurrently at one key would.
const continuedPrefix = "continued_in/"

// Continue marks the ledger as continued in the ledger to: from then on
// AddEntry refuses entries. It returns the commit message. A ledger
// already continued takes another marker beside the first: the node
// decides where the ledger continues (the lowest ID that names a ledger of
// its space), so that a marker a modified client wrote, naming no such
// ledger, can be answered by an honest one.
func Continue(w *amdoc.Writer, to string) (string, error) {
	if err := amdoc.Check(); err != nil {
		return "", err
	}
	if err := amdoc.ID(schema, "continued_in", to); err != nil {
		return "", err
	}
	if err := w.Set(w.Doc().RootMap(), continuedPrefix+to, to); err != nil {
		return "", err
	}
	return "continue ledger", nil
}

// continuations lists the ledgers the root's keys say this one continues
// in, ascending: the first is where it continues, whoever wrote it.
func continuations(root amdoc.Fields) []string {
	var out []string
	for k := range root {
		if id, ok := strings.CutPrefix(k, continuedPrefix); ok && amdoc.ID(schema, "continued_in", id) == nil {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}
