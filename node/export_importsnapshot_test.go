package node

import (
	"testing"
	"time"
)

// SetImportWaits sets how long a document's imports must pause before a
// snapshot they made due is written, and how long they can postpone it,
// until the test ends.
func SetImportWaits(t testing.TB, quiet, maxWait time.Duration) {
	q, m := importQuiet, importMaxWait
	importQuiet, importMaxWait = quiet, maxWait
	t.Cleanup(func() { importQuiet, importMaxWait = q, m })
}

// PostponedRounds counts the rounds of postponed snapshots n wrote.
func PostponedRounds(n *Node) int64 { return n.imports.written.Load() }
