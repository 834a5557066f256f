package node

import (
	"context"
	"errors"
	"testing"
	"time"
)

// SetHeldFeed sets how many changes a held document's feed hands the
// engine at once and the smallest batch fed that way, until the test
// ends.
func SetHeldFeed(t testing.TB, part, from int) {
	oldPart, oldFrom := heldPart, heldFeedFrom
	heldPart, heldFeedFrom = part, from
	t.Cleanup(func() { heldPart, heldFeedFrom = oldPart, oldFrom })
}

// HeldFeedsStarted counts the feeds started since the process began.
func HeldFeedsStarted() int64 { return heldFeedsStarted.Load() }

// SetMaxHold sets how long a sync session may put off a document's
// check, until the test ends.
func SetMaxHold(t testing.TB, d time.Duration) {
	old := maxHold
	maxHold = d
	t.Cleanup(func() { maxHold = old })
}

// SetHeldCommitted has fn called, until the test ends, after the commit
// of each transaction that handed a held document's feed on and before
// the update waits for it (decision 0043), with the document's ID. fn
// runs with the node's write lock held: it may read the store, not call
// the node's methods that lock.
func SetHeldCommitted(t testing.TB, fn func(doc string)) {
	old := heldCommitted
	heldCommitted = fn
	t.Cleanup(func() { heldCommitted = old })
}

// SetHeldAfterOff makes every held feed finish inside its transaction,
// as before decision 0043, until the test ends.
func SetHeldAfterOff(t testing.TB) {
	HeldAfter(false)
	t.Cleanup(func() { HeldAfter(true) })
}

// HeldAfter sets whether a held feed may finish after its transaction's
// commit (decision 0043; the default) or finishes inside it, as before.
func HeldAfter(on bool) { heldAfterOff.Store(!on) }

// HeldRefusals counts, since the process began, the committed catch-up
// batches the engine failed on (decision 0043).
func HeldRefusals() int64 { return heldRefusals.Load() }

// HoldDoc records a sync session's hold on doc, as an ingest of frames
// whose last is Open does; SettleDoc is that session's Settle, with what
// it reports (decision 0048).
func HoldDoc(n *Node, doc string) { n.deferred.hold(doc) }

// SettleDoc is a sync session's Settle of doc, with what it reports.
func SettleDoc(ctx context.Context, n *Node, doc string) error { return n.settle(ctx, doc) }

// SetFeedRuns has fn called, until the test ends, when a held feed's
// goroutine starts, before it waits for an earlier feed of its document
// or applies anything.
func SetFeedRuns(t testing.TB, fn func(doc string)) {
	old := feedRuns
	feedRuns = fn
	t.Cleanup(func() { feedRuns = old })
}

// SetTailJoin has fn called, until the test ends, when an ingest that took
// the write lock over from a catch-up's tail has ended its transaction,
// before it waits for the tail's outcome.
func SetTailJoin(t testing.TB, fn func()) {
	old := tailJoin
	tailJoin = fn
	t.Cleanup(func() { tailJoin = old })
}

// TailsLeft counts the catch-up tails left since the process began, and
// TailsClaimed the times an ingest took the write lock over from one.
func TailsLeft() int64 { return tailsLeft.Load() }

// TailsClaimed counts the times an ingest took the write lock over from a
// catch-up's tail since the process began.
func TailsClaimed() int64 { return tailsClaimed.Load() }

// SetTailsOff makes every update wait for its feeds under the write lock,
// as under decision 0043, until the test ends.
func SetTailsOff(t testing.TB) {
	tailsOff.Store(true)
	t.Cleanup(func() { tailsOff.Store(false) })
}

// AfterRefused reports whether err says a batch was dropped because an
// earlier batch of its document, committed before it, was refused by the
// engine after its commit (decision 0048).
func AfterRefused(err error) bool { return errors.Is(err, errAfterRefused) }
