package node

import (
	"errors"
	"fmt"
)

// An ingest that took the write lock over from a catch-up's tail
// (heldtail.go) and whose own transaction then failed, while the
// engine refused the tail's batch after its commit (decision 0048). The
// refusal is the cause: the ingest's batch most often failed because of it
// (errAfterRefused: it would have built on what was dropped). So the
// ingest's error is the refusal's (it matches what the refusal matches:
// ErrQuarantined, errStoredThenDropped, so that IngestFrames does not
// ingest the frames again one by one), its own failure told beside it, and
// its result counts nothing of its batch as kept: the transaction rolled
// back, and the frames come again with the next pull.

// rolledBackAfterRefusal is such an ingest's error: refused, the tail's
// error, and own, the failure of the ingest's own transaction.
type rolledBackAfterRefusal struct {
	refused error
	own     error
}

func (e *rolledBackAfterRefusal) Error() string {
	return fmt.Sprintf("%v; the batch ingested after it was rolled back: %v", e.refused, e.own)
}

// Unwrap returns the cause, the tail's refusal.
func (e *rolledBackAfterRefusal) Unwrap() error { return e.refused }

// afterRefusal is the error of an ingest whose own transaction failed with
// own, when the tail it took the lock over from failed with refused (nil
// when it did not).
func afterRefusal(refused, own error) error {
	if refused == nil {
		return own
	}
	if own == nil {
		return refused
	}
	return &rolledBackAfterRefusal{refused: refused, own: own}
}

// keptOnly makes r count as kept (stored, held) nothing of a batch whose
// transaction rolled back after a tail's refusal (err); the input's other
// counts (duplicates, refusals by the checks) stay.
func (r *IngestResult) keptOnly(err error) {
	var rb *rolledBackAfterRefusal
	if errors.As(err, &rb) {
		r.Stored, r.Held = 0, 0
	}
}
