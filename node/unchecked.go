package node

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/weftsync/weft/node/engine"
	"github.com/weftsync/weft/store"
)

// A new document's round trip after its commit (decision 0049).
//
// A small document new to this node is committed once the engine has
// loaded its changes (a change the core refuses is refused as before: the
// load is still on the ingest's path); the check that its saved form
// loads back, which was about 60 % of the receiving engine's work for a
// fresh member, runs after the commit:
//
//   - The ingest's transaction marks the document unchecked in the store
//     (store.MarkUnchecked), and, once it commits, the node remembers its
//     changes as unchecked (deferredChecks, with the fresh mark), as it
//     does for a large document's changes (decision 0021).
//   - The network's checker checks such documents in groups of freshGroup,
//     one engine call and one transaction a group, with the write lock
//     taken and released per group, once no new document has been stored
//     for checkIdle (or the oldest has waited freshMaxWait), and stops at
//     the next group when a new document arrives: a fresh member's
//     ingests come first. Close checks what is left; Open checks what a
//     crash, or a close that could not check, left marked.
//   - Everything that builds on an unchecked document checks it first, as
//     for decision 0021's changes: a local edit (checkBeforeEdit), a
//     received change (applyOnce), a snapshot (keepSnapshots), and the
//     engine does not park it (decision 0041: not vetted).
//   - A check that fails is traced, by replaying the document's changes in
//     a fresh copy (blameUnchecked, whose checked part is empty here), to
//     the first change that breaks the saved form: it is quarantined by
//     hash and by attested author, and dropped with what depends on it;
//     a document left with no change is dropped altogether.

const (
	// freshUncheckedUpTo: a new document of fewer changes is loaded without
	// its round trip and checked after the commit; a larger one is checked
	// before, as before (the checked part of a later blame would be empty
	// and its bisection long).
	freshUncheckedUpTo = checkBudget
	// freshGroup is how many new documents one engine call of the
	// background check takes, and one transaction clears.
	freshGroup = 32
	// freshMaxWait bounds how long a stream of new documents may put off
	// the check of the oldest one.
	freshMaxWait = 2 * time.Second
)

// freshDeferOff turns the check after the commit off: new documents are
// checked before it, as before decision 0049 (tests and benchmarks).
var freshDeferOff atomic.Bool

// defersCheck reports whether the new document w is loaded without its
// round trip, to be checked after the commit.
func defersCheck(w *docWork) bool {
	return !freshDeferOff.Load() && len(w.added) < freshUncheckedUpTo
}

// uncheckedNew is a new document the engine loaded unchecked in a
// transaction, remembered as unchecked once the transaction commits.
type uncheckedNew struct {
	doc    string
	hashes [][32]byte
}

// noteUnchecked marks, in tx, the new documents of works that the engine
// loaded without their round trip, and keeps them for committedUnchecked.
func (n *Node) noteUnchecked(tx *writeTx, works []*docWork) error {
	var ids []string
	for _, w := range works {
		ids = append(ids, w.in.doc)
		tx.unchecked = append(tx.unchecked, uncheckedNew{doc: w.in.doc, hashes: hashesOf(w.added)})
	}
	if len(ids) == 0 {
		return nil
	}
	return tx.MarkUnchecked(ids)
}

// youngDocs returns the new documents tx stored unchecked that hold fewer
// than snapshotEvery changes: the store had no record of them before tx,
// so their stored changes are those tx stored, and keepSnapshots need not
// read their counts (nil when there are none).
func (tx *writeTx) youngDocs() map[string]bool {
	if len(tx.unchecked) == 0 {
		return nil
	}
	young := make(map[string]bool, len(tx.unchecked))
	for _, u := range tx.unchecked {
		young[u.doc] = true
	}
	count := make(map[string]int, len(young))
	for _, s := range tx.stored {
		if young[s.doc] {
			count[s.doc] += s.n
		}
	}
	for doc := range young {
		if count[doc] >= snapshotEvery || count[doc] == 0 {
			delete(young, doc)
		}
	}
	return young
}

// committedUnchecked remembers, after the commit, the new documents the
// transaction stored unchecked (called with n.mu held, before anything
// else can build on them).
func (n *Node) committedUnchecked(wt *writeTx) {
	if len(wt.unchecked) == 0 {
		return
	}
	now := time.Now()
	for _, u := range wt.unchecked {
		n.deferred.addFresh(u.doc, u.hashes, now)
	}
}

// addFresh is add for a new document stored unchecked: it is also marked
// fresh (checked by the background pass, and its store mark cleared when
// it passes).
func (d *deferredChecks) addFresh(doc string, hashes [][32]byte, now time.Time) {
	d.add(doc, hashes, now)
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.fresh == nil {
		d.fresh = map[string]time.Time{}
	}
	if _, ok := d.fresh[doc]; !ok {
		d.fresh[doc] = now
	}
	d.lastFresh = now
}

// isFresh reports whether doc is a new document stored unchecked.
func (d *deferredChecks) isFresh(doc string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	_, ok := d.fresh[doc]
	return ok
}

// freshDue lists up to max new documents stored unchecked that are due
// for the background check: all of them when force is set; otherwise
// when no new document was stored for idle, or those stored freshMaxWait
// ago or more. since is when the newest new document was stored.
func (d *deferredChecks) freshDue(now time.Time, idle time.Duration, force bool, max int) (docs []string, since time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	quiet := force || now.Sub(d.lastFresh) >= idle
	for doc, at := range d.fresh {
		if len(docs) == max {
			break
		}
		if quiet || now.Sub(at) >= freshMaxWait {
			docs = append(docs, doc)
		}
	}
	return docs, d.lastFresh
}

// freshSince reports whether a new document was stored after since.
func (d *deferredChecks) freshSince(since time.Time) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.lastFresh.After(since)
}

// checkFresh runs the background check of the new documents stored
// unchecked, a group at a time, each group with the write lock taken and
// released: all of them when force is set (Close, Open), otherwise those
// due (freshDue), stopping when a new document is stored meanwhile. It
// returns the errors of the checks that could not be made (the documents
// stay unchecked).
func (n *Node) checkFresh(ctx context.Context, idle time.Duration, force bool) error {
	var errs []error
	seen := map[string]bool{}
	for range 1 << 20 { // bounded: each round checks or gives up on its group
		if ctx.Err() != nil {
			break
		}
		docs, since := n.deferred.freshDue(time.Now(), idle, force, freshGroup)
		group := docs[:0]
		for _, doc := range docs {
			if !seen[doc] { // one try per pass: a failure waits for the next
				seen[doc] = true
				group = append(group, doc)
			}
		}
		if len(group) == 0 {
			break
		}
		n.mu.Lock()
		errs = append(errs, n.checkFreshGroup(ctx, group))
		n.mu.Unlock()
		n.denyIfQuarantined()
		if !force && n.deferred.freshSince(since) {
			break // an ingest of new documents goes first
		}
	}
	return errors.Join(errs...)
}

// checkFreshGroup checks the round trip of docs, new documents stored
// unchecked, with n.mu held: one engine call for those the engine holds,
// one transaction to clear the marks of those that passed. A document
// the engine does not hold, or whose check fails, is checked alone
// (checkCommitted: loaded from the store, and its culprit found, dropped
// and quarantined when it fails).
func (n *Node) checkFreshGroup(ctx context.Context, docs []string) error {
	pending := map[string]int{}
	items := make([]engine.DocApply, 0, len(docs))
	var passed []string
	for _, doc := range docs {
		p := n.deferred.peek(doc)
		if _, over := n.overOpsOf(doc); over {
			p = 0 // barred from the engine, never checked (opstotal.go)
		}
		if p == 0 { // nothing left unchecked (a check that blamed nobody): only its mark to clear
			passed = append(passed, doc)
			continue
		}
		pending[doc] = p
		items = append(items, engine.DocApply{Doc: doc, Check: true})
	}
	var res []engine.DocResult
	var err error
	if len(items) > 0 {
		res, err = n.eng.ApplyMany(ctx, items)
		if err != nil && !blameable(ctx, err) {
			return ingestErr(items[0].Doc, err)
		}
	}
	var alone []string
	for i, it := range items {
		if err == nil && i < len(res) && res[i].Error() == nil {
			passed = append(passed, it.Doc)
		} else {
			alone = append(alone, it.Doc)
		}
	}
	var errs []error
	if len(passed) > 0 {
		err := n.db.Update(context.WithoutCancel(ctx), func(tx *store.Tx) error {
			if err := n.faultCommit(); err != nil {
				return err
			}
			return tx.ClearUnchecked(passed...)
		})
		if err != nil {
			errs = append(errs, storeErr(err))
		} else {
			for _, doc := range passed {
				n.deferred.clear(doc, pending[doc])
				n.deferred.unfresh(doc)
			}
		}
	}
	for _, doc := range alone {
		errs = append(errs, n.checkCommitted(context.WithoutCancel(ctx), doc))
	}
	return errors.Join(errs...)
}

// unfresh forgets the fresh mark of docs.
func (d *deferredChecks) unfresh(docs ...string) {
	if len(docs) == 0 {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, doc := range docs {
		delete(d.fresh, doc)
	}
}

// checkLeftUnchecked checks, at Open, the documents the store marks
// unchecked: a crash, or a close that could not check them, left them so.
// Each is remembered as unchecked whole (every stored change) and checked
// as the background pass checks them; a check that fails drops its culprit
// and quarantines its author. A document in sound, which the check after
// an unclean shutdown (decision 0042) loaded and checked whole this Open,
// only has its mark cleared. Errors are logged: the marks stay, and the
// next Open tries again.
func (n *Node) checkLeftUnchecked(ctx context.Context, sound map[string]bool) {
	var left []uncheckedNew
	var done []string // marks to clear: no change left, or checked already
	err := n.db.View(ctx, func(tx *store.Tx) error {
		docs, err := tx.UncheckedDocs()
		if err != nil {
			return err
		}
		for _, doc := range docs {
			if _, over := n.overOpsOf(doc); sound[doc] || over { // over: never opened, so never checked (opstotal.go)
				done = append(done, doc)
				continue
			}
			changes, err := tx.Changes(doc)
			if err != nil {
				return err
			}
			if len(changes) == 0 {
				done = append(done, doc)
				continue
			}
			left = append(left, uncheckedNew{doc: doc, hashes: hashesOf(changes)})
		}
		return nil
	})
	if err == nil && len(done) > 0 {
		err = n.db.Update(ctx, func(tx *store.Tx) error { return tx.ClearUnchecked(done...) })
	}
	if err != nil {
		n.log.Warn("read the documents left unchecked; the next open tries again", "err", storeErr(err))
		return
	}
	if len(left) == 0 {
		return
	}
	n.log.Info("checking the new documents stored and left unchecked", "docs", len(left))
	now := time.Now()
	for _, u := range left {
		n.deferred.addFresh(u.doc, u.hashes, now)
	}
	if err := n.checkFresh(ctx, 0, true); err != nil {
		n.log.Warn("check the documents left unchecked; the next open tries again", "err", err)
	}
}
