package node

import (
	"context"
	"time"

	"github.com/weftsync/weft/node/replicate"
)

// One round-trip check per catch-up, not one per batch (decision 0028).
//
// A catch-up arrives in several ingest batches, and each batch that left
// its document holding checkBudget unchecked changes was followed by a
// check of the whole document right after its commit (decision 0024): a
// save and a load, so a 10,000-entry catch-up in two batches paid for a
// check of 1,948 changes on the way to the second batch, then one of
// 10,001. Only the sync session knows whether more frames of a document
// are queued: it marks the last frame of a batch open when more may
// follow (replicate.FrameIn.Open), and calls Settle once they stop. While
// a session holds a document open, the checks and snapshots that the
// commits of its batches would run wait for Settle, which runs them once.
//
// The wait is bounded: a document held open for maxHold since its oldest
// unchecked change is checked after the next commit as before; the
// network's checker still checks a document that received nothing for
// checkIdle; a local edit checks first (checkBeforeEdit); Close checks
// what is left; and the session settles before it acknowledges the
// answer, whatever ends it.

// maxHold bounds how long a sync session may put off the check of a
// document it holds open, from its oldest unchecked change (a variable
// for tests).
var maxHold = 2 * time.Second

var _ replicate.Settler = syncLocal{}

// Settle runs the round-trip check and the snapshot that the commits of a
// sync session's batches of doc put off (decision 0028).
func (l syncLocal) Settle(ctx context.Context, _, doc string) {
	_ = l.n.settle(ctx, doc) // logged where found
}

var _ replicate.SettleReporter = syncLocal{}

// SettleReport is Settle, and reports what the engine refused of the
// session's batches of doc after their ingest returned (decision 0048):
// the session then ends with the error, without acknowledging the answer.
func (l syncLocal) SettleReport(ctx context.Context, _, doc string) error {
	return l.n.settle(ctx, doc)
}

// settle releases a session's hold on doc and runs what its commits put
// off, as keepSnapshots runs it after a commit: with the write lock held,
// so after every tail of the session's batches has ended (heldtail.go).
// It returns what those tails reported that no ingest took.
func (n *Node) settle(ctx context.Context, doc string) error {
	n.deferred.release(doc)
	n.mu.Lock()
	err := n.settleErr(doc)
	n.keepSnapshot(ctx, doc)
	n.mu.Unlock()
	n.denyIfQuarantined()
	return err
}

// hold records a sync session that will settle doc.
func (d *deferredChecks) hold(doc string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.holds == nil {
		d.holds = map[string]int{}
	}
	d.holds[doc]++
}

// release forgets one session's hold on doc.
func (d *deferredChecks) release(doc string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.holds[doc] <= 1 {
		delete(d.holds, doc)
		return
	}
	d.holds[doc]--
}

// notHeld returns docs without those a sync session holds open (and has
// held for less than maxHold since their oldest unchecked change): their
// check and snapshot wait for Settle. It returns docs itself when none is
// held.
func (d *deferredChecks) notHeld(docs map[string]bool) map[string]bool {
	now := time.Now()
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.holds) == 0 {
		return docs
	}
	var out map[string]bool
	for doc := range docs {
		if d.holds[doc] == 0 {
			continue
		}
		if u := d.docs[doc]; u != nil && now.Sub(u.first) >= maxHold {
			continue
		}
		if out == nil {
			out = make(map[string]bool, len(docs))
			for k := range docs {
				out[k] = true
			}
		}
		delete(out, doc)
	}
	if out == nil {
		return docs
	}
	return out
}

// heldOpen reports whether a sync session holds doc open and has held it
// for less than maxHold since u's oldest unchecked change: its check
// waits for the session's Settle, as notHeld says for the check after a
// commit, and the network's checker leaves it alone meanwhile (decision
// 0054): between two batches of a catch-up the document may receive
// nothing for checkIdle while the engine works on the next, and a check
// of the whole document then took the write lock in the middle of the
// session. Called with d.mu held.
func (d *deferredChecks) heldOpen(doc string, u *uncheckedDoc, now time.Time) bool {
	return d.holds[doc] > 0 && now.Sub(u.first) < maxHold
}
