package node

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/weftsync/weft/node/gossip"
	"github.com/weftsync/weft/node/latency"
	"github.com/weftsync/weft/store"
)

// Publishing before the commit (decision 0045). Decision 0032 published a
// local change from memory right after its commit: a change published and
// then lost to a crash would have let this node make another change under
// the same actor and seq, an equivocation for which every peer quarantines
// its author. The commit (an fsync, about 1 ms here) stood on the path of
// every change to its first receiver.
//
// A local edit's transaction now publishes its changes once every write of
// it has been accepted (store.Tx.Flush), and commits after: the commit's
// fsync and the network's hop overlap. Reuse of a seq is made impossible
// another way:
//
//   - A commit that fails in this process (after the publish or not) drops
//     the documents from the engine and abandons their actor leases, as
//     update always did; when even that write fails, the documents stay
//     in n.poisoned, the next edit of each abandons its lease in its own
//     transaction, and Close leaves the home marked as not closed cleanly
//     so that the next Open does it.
//   - After an unclean shutdown (the lock file says so, decision 0042),
//     Open abandons every document's lease before anything can edit
//     (abandonAfterCrash): a change published before a commit the crash
//     lost is never followed by another under its actor.
//
// What was published but never stored comes back to this node by sync,
// as any member's change does: it is attested, and its actor is ours.

// earlyOff, set by tests only (export_publishearly_test.go), turns publishing
// before the commit off, to measure it against decision 0032's path in
// one run.
var earlyOff atomic.Bool

// errBeforeCommit is what a test's hook returns (SetBeforeCommit) to make
// update behave as a crash between the publish and the commit: the
// transaction is rolled back and nothing after it runs, leases included.
var errBeforeCommit = errors.New("node: stopped before the commit (test)")

// beforeCommitHooks holds, per node, a test's hook run after the early
// publish and before the commit (export_publishearly_test.go); hooked says
// whether there is any, so that update pays one atomic load.
var (
	beforeCommitHooks sync.Map // *Node -> func() error
	hooked            atomic.Int32
)

// beforeCommit runs n's test hook, if any.
func (n *Node) beforeCommit() error {
	if hooked.Load() == 0 {
		return nil
	}
	if f, ok := beforeCommitHooks.Load(n); ok {
		return f.(func() error)()
	}
	return nil
}

// publishEarly publishes, inside tx and before its commit, the local
// changes tx noted for the publisher (noteFresh), when the publisher holds
// all of the outbox and nothing else is being published, so that they go
// out in order. What it publishes leaves tx.fresh.changes for
// tx.fresh.early; the rest (a topic not up to date with the roster the
// transaction read, a change too large to gossip, a publish that failed)
// goes after the commit, as before. A change too large for an envelope is
// refused by gossip's Publish (ErrTooLarge) before anything is sealed, and
// is never announced here: its announcement waits for the commit, when
// sync can serve it. It never fails the transaction.
func (n *Node) publishEarly(tx *writeTx) {
	f := tx.fresh
	if f == nil || len(f.changes) == 0 || len(tx.cut) > 0 || earlyOff.Load() || pacedOff.Load() {
		return // a transaction that cut an equivocation drops and reloads its documents after the commit
	}
	s, err := n.running()
	if err != nil || s.fresh == nil || !s.fresh.pub.TryLock() {
		return
	}
	defer s.fresh.pub.Unlock()
	if !s.fresh.idle() {
		return // committed changes wait: they go first, after this commit
	}
	batches, rosters := packFresh(f.changes)
	if freshStale(s.gossip, rosters) {
		// Refreshing the topics reads the committed store, which does not
		// hold what this transaction wrote: publish after the commit.
		return
	}
	sent := 0
	for _, b := range batches {
		if !n.publishEarlyBatch(s.ctx, s.gossip, b) {
			break
		}
		f.early = append(f.early, b.rows...)
		sent += len(b.rows)
	}
	if sent == 0 {
		return
	}
	latency.Mark("pub.early")
	s.fresh.early.Add(int64(sent))
	f.changes = dropPublished(f.changes, f.early)
}

// unqueueEarly deletes, in tx, the outbox rows of the changes published
// before the commit: what went out needs no outbox row, and deleting it
// here spares the publisher a write transaction (and its fsync) after the
// commit. update calls it once the function and publishEarly are done
// (a change published before its insert has its row only then). Should
// the delete fail, the publisher deletes the rows after the commit.
func (n *Node) unqueueEarly(tx *writeTx) {
	f := tx.fresh
	if f == nil || len(f.early) == 0 {
		return
	}
	f.earlyGone = tx.DeleteOutbox(f.early...) == nil
	latency.Mark("pub.unqueued")
}

// publishEarlyBatch publishes b before the commit and reports whether it
// did. Unlike publishBatch, a failure leaves b to the publish after the
// commit, and a batch too large for an envelope is not announced.
func (n *Node) publishEarlyBatch(ctx context.Context, g *gossip.Gossip, b outboxBatch) bool {
	err := g.Publish(ctx, b.space, b.batch)
	if err != nil && !errors.Is(err, gossip.ErrNotJoined) && !errors.Is(err, gossip.ErrTooLarge) && ctx.Err() == nil {
		n.log.Debug("gossip: publish before the commit; published after it instead", "doc", b.batch.Doc, "err", err)
	}
	return err == nil
}

// dropPublished returns cs without the changes whose rows are in done.
func dropPublished(cs []freshChange, done []store.OutboxRow) []freshChange {
	gone := make(map[store.OutboxRow]bool, len(done))
	for _, r := range done {
		gone[r] = true
	}
	kept := cs[:0]
	for _, c := range cs {
		if !gone[c.row] {
			kept = append(kept, c)
		}
	}
	return kept
}

// idle reports whether the queue holds all of the outbox and nothing of
// it is waiting to be published.
func (q *freshQueue) idle() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.complete && len(q.changes) == 0
}

// committedEarly hands the rows published before the commit, when the
// transaction could not delete them, to the publisher, which deletes them
// from the outbox (off the path).
func (n *Node) committedEarly(f *freshNotes) {
	if f == nil || len(f.early) == 0 || f.earlyGone {
		return
	}
	s, err := n.running()
	if err != nil || s.fresh == nil {
		return // the outbox keeps them: sent again at the next start, at worst
	}
	s.fresh.markSent(f.early)
}

// publishedEarly wraps err, the failure of a transaction that published
// changes before its commit, to say so.
func publishedEarly(f *freshNotes, err error) error {
	if err == nil || f == nil || len(f.early) == 0 {
		return err
	}
	return fmt.Errorf("%w (its changes had already been sent to peers and come back by sync: check the document before making the edit again)", err)
}

// poisoned is the set of documents whose leases must be abandoned before
// their next edit: a transaction that published before its commit failed,
// and abandoning the leases after it failed too. n.mu guards it.
type poisoned map[string]bool

// abandonPoisoned abandons, in tx, doc's lease when a failed transaction
// left it to abandon, and reports whether it did (the caller then leases
// a new actor).
func (n *Node) abandonPoisoned(tx *writeTx, doc string) (bool, error) {
	if !n.poison[doc] {
		return false, nil
	}
	if err := tx.AbandonLease(doc); err != nil {
		return false, err
	}
	if tx.unpoison == nil {
		tx.unpoison = map[string]bool{}
	}
	tx.unpoison[doc] = true
	return true, nil
}

// notePoisoned records docs whose leases a failed abandon left current.
func (n *Node) notePoisoned(docs map[string]bool) {
	if n.poison == nil {
		n.poison = poisoned{}
	}
	for doc := range docs {
		n.poison[doc] = true
	}
}

// poisonedLeft reports whether documents are left whose leases must be
// abandoned: Close then leaves the home marked as not closed cleanly.
func (n *Node) poisonedLeft() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return len(n.poison) > 0
}

// abandonAfterCrash abandons every document's actor lease, in one
// transaction, after an unclean shutdown and before anything can edit.
func (n *Node) abandonAfterCrash(ctx context.Context) error {
	var count int
	err := n.db.Update(ctx, func(tx *store.Tx) (err error) {
		count, err = tx.AbandonAllLeases()
		return err
	})
	if err != nil {
		return fmt.Errorf("node: abandon actor leases after an unclean shutdown (free disk space if it is full, then open again): %w", storeErr(err))
	}
	if count > 0 {
		n.log.Info("weft did not close cleanly last time; every document's next local edit takes a new actor", "leases", count)
	}
	return nil
}
