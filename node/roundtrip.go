package node

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/weftsync/weft/node/engine"
	"github.com/weftsync/weft/node/wire"
	"github.com/weftsync/weft/store"
)

// The round-trip check on a budget (DESIGN.md section 5, decision 0021).
//
// About 3 in 1,000 crafted changes pass every check and still make the
// document's saved form unloadable, so the engine checks that a document
// saves and loads back after received changes. That check costs time in
// proportion to the whole document (about 65 µs per change of a ledger
// here): run after every gossip message it made a receiver fall behind.
// So a document small enough is checked before the ingest commits, as
// before; a larger one is applied unchecked, its batches remembered, and
// checked later: right after the commit of the ingest that gives it
// checkBudget unchecked changes, before the node takes any other write
// (decision 0024), when it has received nothing for checkIdle (the
// network's checker), before a local edit builds on it, and when the node
// closes. When a snapshot of the document is due, the saved form that
// passed the check becomes the snapshot: one save and load, not two
// (decision 0024). A check that fails is
// traced, by replaying the unchecked changes on the checked part alone in
// a fresh copy, to the first change that breaks the saved form; that
// change and everything stored since that depends on it are dropped from
// the store, and the change is quarantined by hash and by attested author.

const (
	// checkNowUpTo is the largest document, by the engine's estimate of
	// its size (about 2.5 KiB per change), checked before an ingest
	// commits: the check then costs about a millisecond.
	checkNowUpTo = 40 << 10
	// checkBudget is how many changes a document may hold unchecked: the
	// ingest that reaches it is followed by a check, right after its
	// commit.
	checkBudget = 256
	// checkIdle is how long a document must have received nothing before
	// the network's checker checks it.
	checkIdle = 250 * time.Millisecond
	// checkPoll is how often the network's checker looks.
	checkPoll = 100 * time.Millisecond
)

// uncheckedDoc is what a document holds unchecked: the hashes of the
// changes applied since its last check, in the order they were stored.
type uncheckedDoc struct {
	hashes [][32]byte
	last   time.Time // when the newest was applied
	first  time.Time // when the oldest was applied
}

// deferredChecks remembers the documents with unchecked changes. Its zero
// value is ready; it is safe for concurrent use.
type deferredChecks struct {
	mu   sync.Mutex
	docs map[string]*uncheckedDoc
	// holds counts, per document, the sync sessions that will settle it
	// (settle.go): its check after a commit waits for them.
	holds map[string]int
	// quarantined is set when a check quarantined an author: the running
	// network rereads the quarantine list.
	quarantined atomic.Bool
	// fresh holds the new documents stored before their round trip, each
	// with when it was stored, and lastFresh when the newest was (decision
	// 0049, unchecked.go): the background pass checks them in
	// groups, and a check that passes clears their mark in the store.
	fresh     map[string]time.Time
	lastFresh time.Time
}

// add records changes applied unchecked to doc and returns how many doc
// now holds.
func (d *deferredChecks) add(doc string, hashes [][32]byte, now time.Time) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	u := d.entry(doc, now)
	if len(u.hashes) == 0 {
		u.first = now
	}
	u.hashes = append(u.hashes, hashes...)
	u.last = now
	return len(u.hashes)
}

// entry returns doc's record, made (as of now) when there is none. Called
// with d.mu held.
func (d *deferredChecks) entry(doc string, now time.Time) *uncheckedDoc {
	if d.docs == nil {
		d.docs = map[string]*uncheckedDoc{}
	}
	u := d.docs[doc]
	if u == nil {
		u = &uncheckedDoc{last: now, first: now}
		d.docs[doc] = u
	}
	return u
}

// peek returns how many changes doc holds unchecked.
func (d *deferredChecks) peek(doc string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	if u := d.docs[doc]; u != nil {
		return len(u.hashes)
	}
	return 0
}

// hashes returns a copy of doc's unchecked hashes.
func (d *deferredChecks) hashes(doc string) [][32]byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	if u := d.docs[doc]; u != nil {
		return append([][32]byte(nil), u.hashes...)
	}
	return nil
}

// restore makes doc's unchecked changes hashes again (in that order),
// after a check whose transaction did not commit: what it dropped is
// stored again, so what it found sound is not known to be.
func (d *deferredChecks) restore(doc string, hashes [][32]byte) {
	if len(hashes) == 0 {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	u := d.entry(doc, time.Now())
	seen := make(map[[32]byte]bool, len(hashes))
	for _, h := range hashes {
		seen[h] = true
	}
	for _, h := range u.hashes { // recorded since: keep them after
		if !seen[h] {
			hashes = append(hashes, h)
		}
	}
	u.hashes = hashes
}

// clear forgets the first n unchecked changes of doc: a check passed with
// them applied. Changes recorded since stay.
func (d *deferredChecks) clear(doc string, n int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	u := d.docs[doc]
	if u == nil {
		return
	}
	if n >= len(u.hashes) {
		delete(d.docs, doc)
		return
	}
	u.hashes = append([][32]byte(nil), u.hashes[n:]...)
	u.first = time.Now() // the oldest left is no older than this check
}

// due lists the documents with unchecked changes that received nothing
// since before idle (all of them when idle is zero). With idle set, new
// documents stored unchecked are left to their own pass (checkFresh), and
// a document a sync session holds open to its Settle (heldOpen).
func (d *deferredChecks) due(now time.Time, idle time.Duration) []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []string
	for doc, u := range d.docs {
		if _, fresh := d.fresh[doc]; fresh && idle > 0 {
			continue
		}
		if idle > 0 && d.heldOpen(doc, u, now) {
			continue // its session's Settle checks it (decision 0054)
		}
		if now.Sub(u.last) >= idle {
			out = append(out, doc)
		}
	}
	return out
}

// applyLazy applies received changes to the engine's loaded copy of doc,
// checking the round trip now only when the document is small, and
// records them as unchecked otherwise. A document that then holds
// checkBudget unchecked changes is checked right after the transaction
// commits (checkCommitted, from keepSnapshots), while the node still holds
// its write lock. A check made now covers what doc held unchecked before
// (checkedNow: in tx, or, with tx nil, after a commit). It returns
// engine.ErrNotLoaded when the engine does not hold doc.
func (n *Node) applyLazy(ctx context.Context, tx *writeTx, doc string, added []store.Change) error {
	_, unchecked, err := n.eng.ApplyCheckUpTo(ctx, doc, rawChanges(added), checkNowUpTo)
	if err != nil {
		return err
	}
	if !unchecked { // the write lock is held: what doc held unchecked is what the check covered
		return n.checkedNow(tx, doc, n.deferred.hashes(doc))
	}
	n.addUnchecked(tx, doc, hashesOf(added))
	return nil
}

// checked is the saved form of a document that passed its round-trip
// check, and the hashes of the changes it holds.
type checked struct {
	data   []byte
	covers [][32]byte
}

// checkDoc checks, when doc holds unchecked changes, that it still saves
// and loads; when it does not, it finds the change that breaks it, drops
// that change and its descendants from the store and quarantines it, in
// tx, and returns what it dropped. A failure that says nothing of the
// input (a deadline, a cancellation) is returned and the changes stay
// unchecked. Stored changes in exclude (a batch being applied) are left
// out of every copy it loads.
func (n *Node) checkDoc(ctx context.Context, tx *writeTx, doc string, exclude map[[32]byte]bool) (map[[32]byte]bool, error) {
	dropped, _, err := n.checkDocKeep(ctx, tx, doc, exclude, false)
	return dropped, err
}

// checkDocKeep is checkDoc that, with keep set, also returns the saved
// form that passed the last check (nil when doc held nothing unchecked).
func (n *Node) checkDocKeep(ctx context.Context, tx *writeTx, doc string, exclude map[[32]byte]bool, keep bool) (map[[32]byte]bool, *checked, error) {
	dropped := map[[32]byte]bool{}
	// What it clears in memory is put back should tx roll back.
	tx.keepUnchecked(&n.deferred, doc)
	for range checkBudget + 1 { // each round drops at least one change
		pending := n.deferred.peek(doc)
		if pending == 0 {
			return dropped, nil, nil
		}
		kept, err := n.engineCheck(ctx, doc, keep)
		if errors.Is(err, engine.ErrNotLoaded) {
			kept, err = n.loadAndCheck(ctx, tx, doc, exclude, keep)
		}
		if err == nil {
			n.deferred.clear(doc, pending)
			if n.deferred.peek(doc) == 0 && n.deferred.isFresh(doc) {
				// A new document stored before its check (decision 0049): its
				// mark goes with this transaction; kept should it roll back.
				if err := tx.ClearUnchecked(doc); err != nil {
					return dropped, nil, err
				}
				n.deferred.unfresh(doc)
			}
			return dropped, kept, nil
		}
		if !blameable(ctx, err) {
			return dropped, nil, ingestErr(doc, err)
		}
		n.log.Warn("a document no longer saves and loads after changes applied unchecked; replaying them to find the one that breaks it",
			"doc", doc, "unchecked", pending, "err", err)
		tx.touched[doc] = true
		gone, err := n.blameUnchecked(ctx, tx, doc, exclude, err)
		if err != nil {
			return dropped, nil, err
		}
		for _, h := range gone {
			dropped[h] = true
		}
		if err := n.eng.Drop(ctx, doc); err != nil {
			return dropped, nil, ingestErr(doc, err)
		}
	}
	return dropped, nil, fmt.Errorf("node: document %s still fails its round-trip check after dropping changes", doc)
}

// engineCheck checks the engine's copy of doc, returning the saved form
// that passed when keep is set.
func (n *Node) engineCheck(ctx context.Context, doc string, keep bool) (*checked, error) {
	if !keep {
		_, err := n.eng.Check(ctx, doc)
		return nil, err
	}
	data, covers, err := n.eng.CheckKeep(ctx, doc)
	if err != nil {
		return nil, err
	}
	return &checked{data: data, covers: covers}, nil
}

// loadAndCheck loads doc's stored changes but those in exclude in the
// engine and checks the round trip, returning the saved form that passed
// when keep is set.
func (n *Node) loadAndCheck(ctx context.Context, tx *writeTx, doc string, exclude map[[32]byte]bool, keep bool) (*checked, error) {
	changes, err := storedExcept(tx.Tx, doc, exclude)
	if err != nil || len(changes) == 0 { // nothing stored (its every change dropped): nothing to check
		return nil, err
	}
	actor, err := n.readActor(tx.Tx, doc)
	if err != nil {
		return nil, err
	}
	if _, err := n.eng.Load(ctx, doc, rawChanges(changes), actor); err != nil {
		return nil, err
	}
	return n.engineCheck(ctx, doc, keep)
}

// blameUnchecked replays doc's stored changes in a fresh copy: the checked
// ones, then the shortest prefix (in stored, causal order) of the
// unchecked ones that breaks the round trip, found by bisection. The last
// change of that prefix is quarantined (by hash and attested author) and
// dropped from the store with every change that depends on it. When no
// prefix breaks it alone, the stored document is sound: the unchecked
// changes count as checked. It returns the hashes dropped.
func (n *Node) blameUnchecked(ctx context.Context, tx *writeTx, doc string, exclude map[[32]byte]bool, why error) ([][32]byte, error) {
	all, err := storedExcept(tx.Tx, doc, exclude)
	if err != nil {
		return nil, err
	}
	pending := n.deferred.hashes(doc)
	unchecked := make(map[[32]byte]bool, len(pending))
	for _, h := range pending {
		unchecked[h] = true
	}
	var base [][]byte
	var suspects []store.Change
	for _, c := range all {
		if unchecked[c.Hash] {
			suspects = append(suspects, c)
		} else {
			base = append(base, c.Raw)
		}
	}
	actor, err := n.readActor(tx.Tx, doc)
	if err != nil {
		return nil, err
	}
	// fails reports whether base and the first m suspects, loaded fresh,
	// break the round trip; err is a failure that blames nobody.
	fails := func(m int) (bool, error) {
		raw := append(append([][]byte(nil), base...), rawChanges(suspects[:m])...)
		_, err := n.eng.Load(ctx, doc, raw, actor)
		if err == nil {
			_, err = n.eng.Check(ctx, doc)
		}
		switch {
		case err == nil:
			return false, nil
		case !blameable(ctx, err):
			return false, ingestErr(doc, err)
		}
		return true, nil
	}
	if len(suspects) == 0 {
		return nil, fmt.Errorf("node: document %s fails its round-trip check, and nothing unchecked is stored to blame: %w", doc, why)
	}
	// With no checked part (a new document stored before its check,
	// decision 0049), the empty prefix passes: there is nothing to load.
	if len(base) > 0 {
		if bad, err := fails(0); err != nil || bad {
			if err == nil { // reported once, not retried at every check
				n.deferred.clear(doc, len(pending))
			}
			return nil, errors.Join(err, &baseError{fmt.Errorf("its checked changes alone fail the round trip: %w", why)})
		}
	}
	if bad, err := fails(len(suspects)); err != nil || !bad {
		if err == nil {
			n.log.Info("the stored document saves and loads when replayed fresh; nothing to blame", "doc", doc)
			n.deferred.clear(doc, len(pending))
		}
		return nil, err
	}
	lo, hi := 0, len(suspects) // prefix lo passes, prefix hi fails
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		bad, err := fails(mid)
		if err != nil {
			return nil, err
		}
		if bad {
			hi = mid
		} else {
			lo = mid
		}
	}
	culprit := suspects[hi-1]
	author := authorOf(tx.Tx, doc, culprit)
	reason := fmt.Sprintf("the document no longer saves and loads with this change: %v", why)
	if err := tx.Quarantine(store.Quarantined{Doc: doc, Hash: culprit.Hash, Author: author, Reason: reason,
		Time: n.now().Unix()}); err != nil {
		return nil, err
	}
	gone, err := tx.DropChanges(doc, [][32]byte{culprit.Hash})
	if err != nil {
		return nil, err
	}
	if len(base) == 0 && len(gone) == len(all) { // a new document's every change: the document goes too (decision 0049)
		if _, err := tx.DropDocIfEmpty(doc); err != nil {
			return nil, err
		}
	}
	n.deferred.quarantined.Store(true)
	n.log.Warn("change quarantined and dropped: the document no longer saved and loaded with it",
		"doc", doc, "change", wire.HashHex(culprit.Hash), "author", authorName(author), "dropped", len(gone))
	return gone, nil
}

// storedExcept is doc's stored changes, in stored order, but those in
// exclude.
func storedExcept(tx *store.Tx, doc string, exclude map[[32]byte]bool) ([]store.Change, error) {
	all, err := tx.Changes(doc)
	if err != nil || len(exclude) == 0 {
		return all, err
	}
	out := all[:0]
	for _, c := range all {
		if !exclude[c.Hash] {
			out = append(out, c)
		}
	}
	return out, nil
}

// authorName names an author for the log.
func authorName(author []byte) string {
	if len(author) == 32 {
		return PeerID(author)
	}
	return string(author)
}

// authorOf is the member whose stored attestation covers c: the one of its
// actor's change at or after its seq with the lowest seq, or, when none
// is stored, the change's own hash.
func authorOf(tx *store.Tx, doc string, c store.Change) []byte {
	rows, _ := tx.Attestations(doc)
	var best *store.AttestationRow
	for i, r := range rows {
		if string(r.Actor) == string(c.Actor) && r.Seq >= c.Seq && (best == nil || r.Seq < best.Seq) {
			best = &rows[i]
		}
	}
	if best == nil {
		return []byte(wire.HashHex(c.Hash)) // unattested: name the change itself
	}
	return best.Signer
}

// checkBeforeEdit checks doc before a local edit builds on changes applied
// unchecked: a change that breaks the saved form is dropped before the
// user's work can depend on it.
func (n *Node) checkBeforeEdit(ctx context.Context, tx *writeTx, doc string) error {
	if n.deferred.peek(doc) == 0 {
		return nil
	}
	_, err := n.checkDoc(ctx, tx, doc, nil)
	return err
}

// checkUnchecked checks every document holding changes applied unchecked
// (all of them, or those idle for at least idle), each in its own
// transaction (checkCommitted), after the new documents stored unchecked
// (checkFresh). The network's checker and Close call it.
func (n *Node) checkUnchecked(ctx context.Context, idle time.Duration) error {
	// New documents stored before their check first, in groups
	// (decision 0049); all of them when idle is zero.
	errs := []error{n.checkFresh(ctx, idle, idle == 0)}
	for _, doc := range n.deferred.due(time.Now(), idle) {
		if ctx.Err() != nil {
			break
		}
		n.mu.Lock()
		errs = append(errs, n.checkCommitted(ctx, doc))
		n.mu.Unlock()
	}
	n.denyIfQuarantined()
	return errors.Join(errs...)
}

// checkCommitted checks doc's committed unchecked changes, with n.mu held,
// in a transaction of its own: after the commit of an ingest that gave doc
// checkBudget of them (keepSnapshots), so that no other write builds on
// them first, and for the network's checker and Close. A check that fails
// is traced, and its culprit dropped and quarantined, as checkDoc does.
// When a snapshot of doc is due, the saved form that passed the check is
// stored as the snapshot right after, in its own transaction: the engine
// saves and loads the document once for both.
func (n *Node) checkCommitted(ctx context.Context, doc string) error {
	if n.deferred.peek(doc) == 0 {
		return nil
	}
	wt := &writeTx{touched: map[string]bool{}}
	var kept *checked
	err := n.db.Update(ctx, func(tx *store.Tx) error {
		wt.Tx = tx
		due, err := snapshotDue(tx, doc, &n.snaps)
		if err != nil {
			return err
		}
		_, kept, err = n.checkDocKeep(ctx, wt, doc, nil, due)
		return err
	})
	if err != nil {
		// Nothing it dropped or quarantined was committed: the changes it
		// cleared are unchecked again, and the engine's copy forgotten.
		n.rollbackUnchecked(wt)
		if len(wt.touched) > 0 {
			n.discard(context.WithoutCancel(ctx), wt.touched)
		}
		return storeErr(err)
	}
	// Changes dropped: views changed. The running network rereads the
	// quarantine list once n.mu is released (ingestUpdate, the checker).
	n.watchers.notify(wt.touched)
	if kept != nil {
		if err := n.putSnapshot(ctx, doc, kept); err != nil {
			n.log.Warn("write document snapshot from its round-trip check", "doc", doc, "err", err)
		}
	}
	return nil
}

// denyIfQuarantined rereads the quarantine list into the running network
// when a check quarantined an author.
func (n *Node) denyIfQuarantined() {
	if n.deferred.quarantined.Swap(false) {
		n.denyNow()
	}
}

// checker runs the deferred checks of idle documents until the network
// stops, every checkPoll, and less often while they fail (checkRetry).
func (s *netState) checker() {
	var retry checkRetry
	t := time.NewTimer(checkPoll)
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
		}
		err := s.n.checkUnchecked(s.ctx, checkIdle)
		if s.ctx.Err() != nil {
			return
		}
		t.Reset(retry.after(err, time.Now(), s.n.log))
	}
}
