package ledger

import (
	"github.com/weftsync/weft/crdt/internal/amdoc"
)

// Continue marks the ledger as continued in the ledger to (decision 0071):
// from then on AddEntry refuses entries. It returns the commit message. A
// ledger already continued takes another marker beside the first: the node
// decides where the ledger continues (the lowest ID that names a ledger of
// its space), so that a marker a modified client wrote, naming no such
// ledger, can be answered by an honest one.
func Continue(w *amdoc.Writer, to string) (string, error) {
	if err := amdoc.Continue(w, schema, to); err != nil {
		return "", err
	}
	return "continue ledger", nil
}

// continuations lists the ledgers the root's keys say this one continues
// in, ascending: the first is where it continues, whoever wrote it.
func continuations(root amdoc.Fields) []string { return amdoc.Continuations(root, schema) }
