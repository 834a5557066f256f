package node

import "time"

// A sync session's batch of a document it holds open is fed to the engine
// and committed before the engine finishes, however small (decision 0054).
//
// A catch-up's first frame is small by design (a streamed document's
// first frame leaves once a page of it is read: replicate's
// firstStreamBudget, about 240 ledger entries), under heldFeedFrom, so its
// batch took the old path: the engine loaded the document, applied the
// batch and checked its round trip inside the transaction, while the
// frames after it waited for the write lock. While a session holds the
// document open, more of its batches follow, and committing first lets
// the next one be stored while the engine works (decision 0048's tail).

// heldOpenFeedFrom is the smallest batch fed in parts while a sync session
// holds its document open (a variable for tests).
var heldOpenFeedFrom = 64

// feedFrom returns the smallest batch of doc to feed in parts:
// heldOpenFeedFrom while a sync session holds doc open, heldFeedFrom
// otherwise.
func (n *Node) feedFrom(doc string) int {
	if n.deferred.holding(doc) {
		return min(heldOpenFeedFrom, heldFeedFrom)
	}
	return heldFeedFrom
}

// holding reports whether a sync session holds doc open (settle.go).
func (d *deferredChecks) holding(doc string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.holds[doc] > 0
}

// heldOpen reports whether a sync session holds doc open and has held it
// for less than maxHold since u's oldest unchecked change: its check
// waits for the session's Settle, as notHeld says for the check after a
// commit. The network's checker leaves it alone meanwhile: between two
// batches of a catch-up the document may receive nothing for checkIdle
// while the engine works on the next, and a check of the whole document
// then took the write lock in the middle of the session. Called with d.mu
// held.
func (d *deferredChecks) heldOpen(doc string, u *uncheckedDoc, now time.Time) bool {
	return d.holds[doc] > 0 && now.Sub(u.first) < maxHold
}
