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
