package node

import (
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
