package node

import (
	"log/slog"
	"time"
)

// The network's checker after a failure. A pass that cannot make its
// checks (a store error: a full disk, a locked file) leaves the documents
// unchecked, and the next pass would meet the same error checkPoll later,
// and log it each time. So the pause doubles after each failed pass, up to
// checkRetryMax, and the error is logged when it differs from the last
// one logged, else at most every checkLogEvery; a pass that succeeds
// starts again at checkPoll.

const (
	// checkRetryMax is the longest pause between two failed passes.
	checkRetryMax = 5 * time.Second
	// checkLogEvery is the least time between two logs of one error.
	checkLogEvery = 10 * time.Second
)

// checkRetry paces the network's checker after failures. Its zero value
// is ready; the checker's goroutine alone uses it.
type checkRetry struct {
	wait   time.Duration // the pause after the last failed pass
	last   string        // the error last logged
	logged time.Time     // when it was
	quiet  int           // failures since, not logged
}

// after returns the pause before the next pass, given how the last ended
// (err), and logs err to log when it is new or checkLogEvery has passed
// since it was last logged.
func (r *checkRetry) after(err error, now time.Time, log *slog.Logger) time.Duration {
	if err == nil {
		*r = checkRetry{}
		return checkPoll
	}
	r.wait = min(max(2*r.wait, 2*checkPoll), checkRetryMax)
	if msg := err.Error(); msg != r.last || now.Sub(r.logged) >= checkLogEvery {
		log.Warn("deferred round-trip check; retrying later", "err", err, "retry_in", r.wait, "failures_not_logged", r.quiet)
		r.last, r.logged, r.quiet = msg, now, 0
	} else {
		r.quiet++
	}
	return r.wait
}
