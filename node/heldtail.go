package node

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/weftsync/weft/node/replicate"
)

// A catch-up's engine tails off the path (decision 0048).
//
// Since decision 0043 a held document's batch commits before the engine
// has finished applying it, and the update waits for the engine's feed
// after the commit with the node's write lock held. A sync session
// ingests its batches one after the other, so the next batch's store work
// (parse, checks, its transaction) waited for that tail: at about 30 µs a
// change in the engine against 12 to 16 in the store, the engine's backlog
// set the catch-up's pace.
//
// Now, when every document whose feed goes on past the commit is held
// open by a sync session (settle.go: the session settles it once its
// frames stop), the update does not wait: it leaves a heldTail, which
// keeps the write lock, and returns. A goroutine of the tail's
// (finishTail) waits for the feeds in the order they were committed,
// takes what the engine said (refusedAfterCommit when it failed), and
// then releases the lock, unless a session's next ingest took the lock
// over first (lockWrite, for an ingest: tailClaim): that ingest's
// transaction runs while the engine finishes the earlier batch, and only
// it does. So:
//
//   - Whoever takes the write lock the ordinary way (views, local edits,
//     gossip, other ingests, snapshots, checks, Settle, Close) finds every
//     feed finished and every committed batch's outcome settled, as under
//     decision 0043: nothing reads or builds on a document's state before
//     the engine has taken every change the store committed for it.
//   - The ingest that took the lock over may use the engine on a document
//     whose feed is still running only after that feed: a feed of its own
//     for the document starts applying when the earlier one ends and
//     fails, applying nothing, when the earlier one failed (errAfterRefused);
//     a batch too small to be fed waits for the earlier feed in its
//     transaction and rolls the transaction back when it failed. After its
//     transaction ends, committed or not, it waits for the earlier tail's
//     outcome (joinClaimed) before anything else: its error is then the
//     ingest's too.
//   - A refusal after the commit replays the batch on the stored document
//     as it was before the batch (baseBefore: a later batch committed on
//     top is not part of the replay); the later batch, whose feed failed
//     with errAfterRefused, is then dropped whole by its own tail: nobody
//     is blamed for it, and it may come again.
//
// The lock is held, by the tail and its successors, no longer than under
// decision 0043: each tail releases it once its feeds are done, unless the
// session's next batch took it while they ran. Never while a session waits
// for the network: the next batch takes the lock over only when it has
// arrived and is being ingested.

// tailClaimKey marks a context whose update may take the write lock over
// from a heldTail: an ingest of frames from outside (ingestFrames, Ingest).
type tailClaimKey struct{}

// tailClaim marks ctx: its update may take the write lock over from a
// heldTail (only ingests whose engine work of a held document goes
// through heldFeed.start and applyHeld may).
func tailClaim(ctx context.Context) context.Context {
	return context.WithValue(ctx, tailClaimKey{}, true)
}

// canClaim reports whether ctx was marked by tailClaim.
func canClaim(ctx context.Context) bool {
	on, _ := ctx.Value(tailClaimKey{}).(bool)
	return on
}

// tailsOff makes every update wait for its feeds under the write lock, as
// under decision 0043 (tests and measurements of the old path).
var tailsOff atomic.Bool

// tailsLeft counts the tails left (tests see the path taken), and
// tailsClaimed the times an ingest took the lock over from one.
var tailsLeft, tailsClaimed atomic.Int64

// tailJoin, when set (tests), is called when an ingest that took the
// write lock over from a tail has ended its transaction, before it waits
// for the tail's outcome; feedRuns when a feed's goroutine starts, before
// it waits for an earlier feed or applies anything.
var (
	tailJoin func()
	feedRuns func(doc string)
)

// errAfterRefused is the feed's error of a batch committed on top of an
// earlier batch of the same document whose feed failed after its commit:
// the engine never saw it, and it is dropped whole (its changes may
// depend on the earlier batch's) without blame.
var errAfterRefused = errors.New("node: an earlier batch of this document, committed before this one, was refused by the engine after its commit; this batch was stored on top of it and is dropped with it")

// heldTail is a committed transaction's feeds that went on after its
// update returned, holding the write lock until they end.
type heldTail struct {
	works []*docWork
	done  chan struct{} // closed when every outcome is taken
	err   error         // what refusedAfterCommit reported, read after done
	// claimed is set (under tailState.mu) when an ingest took the lock
	// over: the tail then leaves the lock, and its error, to it.
	claimed bool
}

// tailState is the node's tails.
type tailState struct {
	mu  sync.Mutex
	cur *heldTail // the tail holding the write lock, nil when none or claimed
	// feeding is the feed of each document whose batch committed and whose
	// engine work has not ended (a tail's or a claimed one's).
	feeding map[string]*heldFeed
	// errs holds, by document, the errors of tails, for the session's
	// Settle to report.
	errs map[string][]error
	// dropped counts, by document, the changes those tails dropped that
	// their ingests had returned as stored (reportDropped): Settle reports
	// them so that the session's report says what stayed.
	dropped map[string]int
	wg      sync.WaitGroup // the tails' goroutines (waitTails)
}

// writeLock is how an update holds the node's write lock: taken, or
// taken over from a heldTail (claimed), and perhaps left to a tail of
// its own.
type writeLock struct {
	n       *Node
	ctx     context.Context
	claimed *heldTail // the tail this update took the lock over from
	// left is this update's tail, which holds the lock once the update
	// has done everything else (unlock).
	left *heldTail
}

// lockWrite takes the node's write lock for an update. An ingest
// (tailClaim) takes it over from a tail holding it, without waiting.
func (n *Node) lockWrite(ctx context.Context) *writeLock {
	if canClaim(ctx) {
		n.tails.mu.Lock()
		if t := n.tails.cur; t != nil {
			t.claimed = true
			n.tails.cur = nil
			n.tails.mu.Unlock()
			tailsClaimed.Add(1)
			return &writeLock{n: n, ctx: ctx, claimed: t}
		}
		n.tails.mu.Unlock()
	}
	n.mu.Lock()
	return &writeLock{n: n, ctx: ctx}
}

// unlock releases the write lock at the end of an update, or hands it to
// the update's tail: only now, with everything else after the commit
// done, may an ingest take it over, and the tail's goroutine starts.
func (l *writeLock) unlock() {
	n, t := l.n, l.left
	if t == nil {
		n.mu.Unlock()
		return
	}
	n.tails.mu.Lock()
	n.tails.cur = t
	n.tails.mu.Unlock()
	n.tails.wg.Add(1)
	go n.finishTail(context.WithoutCancel(l.ctx), t) // owned by the node: waitTails
}

// joinClaimed waits for the outcome of the tail whose lock the update took
// over, and returns its error (nil without one).
func (l *writeLock) joinClaimed() error {
	t := l.claimed
	if t == nil {
		return nil
	}
	l.claimed = nil
	if tailJoin != nil {
		tailJoin()
	}
	<-t.done
	return t.err
}

// feedOf returns the feed of doc that a committed batch left running, or
// nil. Only an ingest that took the lock over from a tail can find one.
func (n *Node) feedOf(doc string) *heldFeed {
	n.tails.mu.Lock()
	defer n.tails.mu.Unlock()
	return n.tails.feeding[doc]
}

// afterFeedOf waits, in an ingest's transaction, for a running feed of doc
// (feedOf) before the engine is given more of doc, and fails when that
// feed failed: what it committed is to be dropped, and this transaction
// must not build on it.
func (n *Node) afterFeedOf(ctx context.Context, doc string) error {
	f := n.feedOf(doc)
	if f == nil {
		return nil
	}
	select {
	case <-f.done:
	case <-ctx.Done():
		return ctx.Err()
	}
	if f.err != nil {
		return ingestErr(doc, errAfterRefused)
	}
	return nil
}

// leaveTail decides, after tx's commit, whether its handed-on feeds may go
// on after the update returns: every one's document is held open by a
// sync session (which settles it), none held past maxHold, and the update
// is an ingest's (tailClaim: nothing of it waits for the engine after the
// commit). It then leaves a tail, which holds the write lock once the
// update has done the rest (writeLock.unlock).
func (n *Node) leaveTail(ctx context.Context, l *writeLock, works []*docWork) bool {
	if tailsOff.Load() || heldAfterOff.Load() || len(works) == 0 || !canClaim(ctx) {
		return false
	}
	docs := make(map[string]bool, len(works))
	for _, w := range works {
		docs[w.in.doc] = true
	}
	if len(n.deferred.notHeld(docs)) > 0 {
		return false
	}
	t := &heldTail{works: works, done: make(chan struct{})}
	n.tails.mu.Lock()
	if n.tails.feeding == nil {
		n.tails.feeding = map[string]*heldFeed{}
	}
	for _, w := range works {
		n.tails.feeding[w.in.doc] = w.in.feed
	}
	n.tails.mu.Unlock()
	for _, w := range works {
		w.late = true // its ingest returns first: what the tail finds is its error, not its result's
	}
	l.left = t // published, and its goroutine started, by unlock
	tailsLeft.Add(1)
	return true
}

// finishTail waits for t's feeds, in the order they were committed, takes
// what the engine said, and releases the write lock unless an ingest took
// it over (which then reports t's error). The error is also kept for the
// document's Settle (settleErr).
func (n *Node) finishTail(ctx context.Context, t *heldTail) {
	defer n.tails.wg.Done()
	var errs []error
	for _, w := range t.works {
		errs = append(errs, n.finishWork(ctx, w))
	}
	t.err = errors.Join(errs...)
	n.tails.mu.Lock()
	for _, w := range t.works {
		if n.tails.feeding[w.in.doc] == w.in.feed {
			delete(n.tails.feeding, w.in.doc)
		}
	}
	own := !t.claimed
	if own {
		n.tails.cur = nil
	}
	if t.err != nil {
		// Kept for the document's Settle even when an ingest took the lock
		// over and reports it too: that ingest may be another session's,
		// and the session that holds the document must not acknowledge.
		if n.tails.errs == nil {
			n.tails.errs = map[string][]error{}
		}
		for _, w := range t.works {
			n.tails.errs[w.in.doc] = append(n.tails.errs[w.in.doc], t.err)
		}
	}
	n.tails.mu.Unlock()
	close(t.done)
	if own {
		n.mu.Unlock()
	}
}

// finishWork waits for w's feed, whose batch committed, and takes what the
// engine said: the changes it left unchecked are remembered (roundtrip.go);
// a batch it failed on goes to refusedAfterCommit, whose error it returns.
func (n *Node) finishWork(ctx context.Context, w *docWork) error {
	if heldCommitted != nil {
		heldCommitted(w.in.doc)
	}
	f := w.in.feed
	f.wait()
	if f.err == nil {
		if len(f.unchecked) > 0 {
			n.deferred.add(w.in.doc, f.unchecked, time.Now())
		}
		return nil
	}
	return n.refusedAfterCommit(ctx, w, f.err, f.took)
}

// settleErr returns, and forgets, what the tails of doc reported. The caller holds the write lock: no tail runs.
func (n *Node) settleErr(doc string) error {
	n.tails.mu.Lock()
	defer n.tails.mu.Unlock()
	errs, dropped := n.tails.errs[doc], n.tails.dropped[doc]
	delete(n.tails.errs, doc)
	delete(n.tails.dropped, doc)
	err := errors.Join(errs...)
	if err != nil && dropped > 0 {
		return &replicate.DroppedAfterIngest{Changes: dropped, Err: err}
	}
	return err
}

// droppedLate records that a tail dropped n changes of doc that its
// ingest had returned as stored (settleErr reports them).
func (n *Node) droppedLate(doc string, dropped int) {
	n.tails.mu.Lock()
	defer n.tails.mu.Unlock()
	if n.tails.dropped == nil {
		n.tails.dropped = map[string]int{}
	}
	n.tails.dropped[doc] += dropped
}

// waitTails waits for the tails' goroutines (Close).
func (n *Node) waitTails() { n.tails.wg.Wait() }
