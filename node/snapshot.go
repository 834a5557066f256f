package node

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/weftsync/weft/node/engine"
	"github.com/weftsync/weft/store"
)

// snapshotEvery is how many stored changes a document gains beyond its
// newest snapshot before the node writes a new one.
const snapshotEvery = 1000

// errSnapshotMismatch: the engine's copy of a document, or a snapshot, does
// not hold exactly the stored changes it should.
var errSnapshotMismatch = errors.New("node: snapshot does not match the stored changes")

// snapshots remembers, between a transaction that loaded a document and
// the write that follows it, the documents whose newest snapshot did not
// load, and how many changes each document's newest snapshot covers, so
// that an edit need not read the snapshot to know whether one is due. Its
// zero value is ready; it is safe for concurrent use.
type snapshots struct {
	mu      sync.Mutex
	stale   map[string]bool
	covered map[string]int
}

// markStale records that doc's newest snapshot did not load.
func (s *snapshots) markStale(doc string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stale == nil {
		s.stale = map[string]bool{}
	}
	s.stale[doc] = true
	delete(s.covered, doc)
}

// takeStale reports whether doc's snapshots are marked stale, and unmarks
// them.
func (s *snapshots) takeStale(doc string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	was := s.stale[doc]
	delete(s.stale, doc)
	return was
}

// setCovered records how many changes doc's newest snapshot covers.
func (s *snapshots) setCovered(doc string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.covered == nil {
		s.covered = map[string]int{}
	}
	s.covered[doc] = n
}

// coveredBy returns how many changes doc's newest snapshot covers, ok false
// when that is not known.
func (s *snapshots) coveredBy(doc string) (n int, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, ok = s.covered[doc]
	return n, ok
}

// loadSnapshot loads doc in the engine from its newest snapshot and the
// stored changes (all of them, in stored order) it does not cover. It
// reports false when there is no snapshot or it did not load; one that did
// not load is marked, to be dropped after the transaction.
func (n *Node) loadSnapshot(ctx context.Context, tx *store.Tx, doc string, changes []store.Change, actor []byte) bool {
	covers, data, ok, err := tx.Snapshot(doc)
	if err == nil && !ok {
		n.snaps.setCovered(doc, 0)
		return false
	}
	if err == nil {
		err = n.loadFrom(ctx, doc, data, covers, changes, actor)
	}
	if err == nil {
		n.snaps.setCovered(doc, len(covers))
		return true
	}
	n.log.Warn("document snapshot did not load; loading from its changes", "doc", doc, "err", err)
	if ctx.Err() == nil && !errors.Is(err, engine.ErrDeadline) { // a slow engine says nothing of the snapshot
		n.snaps.markStale(doc)
	}
	return false
}

// loadFrom hands the engine a snapshot, what it covers, and the stored
// changes it does not cover. Every covered change must be stored.
func (n *Node) loadFrom(ctx context.Context, doc string, data []byte, covers [][32]byte, changes []store.Change, actor []byte) error {
	covered := make(map[[32]byte]bool, len(covers))
	for _, h := range covers {
		covered[h] = true
	}
	var rest [][]byte
	for _, c := range changes {
		if !covered[c.Hash] {
			rest = append(rest, c.Raw)
		}
	}
	if len(changes)-len(rest) != len(covers) {
		return fmt.Errorf("%w: it covers %d changes, %d of them stored", errSnapshotMismatch, len(covers), len(changes)-len(rest))
	}
	_, err := n.eng.LoadFrom(ctx, doc, data, covers, rest, actor)
	return err
}

// keepSnapshots runs after a transaction that loaded or changed docs,
// outside any transaction, with n.mu held: it drops a document's snapshots
// when its newest did not load, checks a document that holds checkBudget
// changes applied unchecked (checkCommitted: before any other write builds
// on them), and writes a new snapshot when a document has snapshotEvery
// stored changes it does not cover: from the saved form that passed the
// round-trip check when the document held unchecked changes, from a saved
// form the engine checks (Save) otherwise. Whether one is due is read for
// every document in one read transaction. It never fails the caller:
// errors are logged. It runs to the end when ctx is cancelled after the
// commit (a sync session that ended): the work is owed to what committed,
// and cancelling an engine call kills the engine.
func (n *Node) keepSnapshots(ctx context.Context, docs map[string]bool) {
	n.keepSnapshotsOf(ctx, docs, nil)
}

// keepSnapshotsOf is keepSnapshots, told that the documents of young hold
// fewer than snapshotEvery stored changes (new documents whose every
// change the transaction just stored): none of them is due, and the store
// is not asked.
func (n *Node) keepSnapshotsOf(ctx context.Context, docs, young map[string]bool) {
	if len(docs) == 0 {
		return
	}
	defer n.imports.settled(docs)
	ctx = context.WithoutCancel(ctx)
	for doc := range docs {
		if n.snaps.takeStale(doc) {
			err := n.db.Update(ctx, func(tx *store.Tx) error { return tx.DropSnapshots(doc) })
			if err != nil {
				n.log.Warn("drop document snapshots", "doc", doc, "err", err)
			}
		}
	}
	docs = n.deferred.notHeld(docs) // a sync session settles them (settle.go)
	for doc := range docs {
		if n.deferred.peek(doc) >= checkBudget {
			if err := n.checkCommitted(ctx, doc); err != nil {
				n.log.Warn("round-trip check after the commit", "doc", doc, "err", err)
			}
		}
	}
	due, err := n.snapshotsDue(ctx, docs, young)
	if err != nil {
		n.log.Warn("count document changes for snapshots", "err", err)
	}
	for _, doc := range due {
		if n.deferred.peek(doc) > 0 { // check them now, and keep what passed
			err = n.checkCommitted(ctx, doc)
		} else if n.imports.postpone(n, doc) {
			continue // written once the document's imports pause (importsnapshot.go)
		} else {
			err = n.writeSnapshot(ctx, doc)
		}
		if err != nil {
			n.log.Warn("write document snapshot", "doc", doc, "err", err)
		}
	}
}

// keepSnapshot is keepSnapshots for one document.
func (n *Node) keepSnapshot(ctx context.Context, doc string) {
	n.keepSnapshots(ctx, map[string]bool{doc: true})
}

// snapshotsDue returns the documents of docs with at least snapshotEvery
// stored changes their newest snapshot does not cover; those of young
// (known to hold fewer) are not read.
func (n *Node) snapshotsDue(ctx context.Context, docs, young map[string]bool) ([]string, error) {
	if len(young) >= len(docs) && allIn(docs, young) {
		return nil, nil
	}
	var due []string
	err := n.db.View(ctx, func(tx *store.Tx) error {
		for doc := range docs {
			if young[doc] {
				continue
			}
			ok, err := snapshotDue(tx, doc, &n.snaps)
			if err != nil {
				return err
			}
			if ok {
				due = append(due, doc)
			}
		}
		return nil
	})
	return due, err
}

// snapshotDue reports whether doc has at least snapshotGap stored
// changes its newest snapshot does not cover. A newest snapshot that
// cannot be read covers nothing.
func snapshotDue(tx *store.Tx, doc string, snaps *snapshots) (bool, error) {
	count, err := tx.CountedChanges(doc)
	if err != nil || count < snapshotEvery {
		return false, err
	}
	covered, ok := snaps.coveredBy(doc)
	if !ok {
		covers, _, _, err := tx.Snapshot(doc)
		if covered = len(covers); err != nil {
			covered = 0
		}
		snaps.setCovered(doc, covered)
	}
	return count-covered >= snapshotGap(covered), nil
}

// writeSnapshot asks the engine for doc's checked saved form and stores it,
// when it holds exactly the stored changes. A document the engine no longer
// holds is skipped.
func (n *Node) writeSnapshot(ctx context.Context, doc string) error {
	data, covers, err := n.eng.Save(ctx, doc)
	if errors.Is(err, engine.ErrNotLoaded) {
		return nil
	}
	if engineBroken(ctx, err) {
		// A checked document that no longer saves and loads: a change
		// stored unchecked before a crash (repair.go).
		return errors.Join(err, n.repairCommitted(ctx, doc, err))
	}
	if err != nil {
		return err
	}
	return n.putSnapshot(ctx, doc, &checked{data: data, covers: covers})
}

// putSnapshot stores a checked saved form of doc as its newest snapshot,
// when it holds exactly the stored changes.
func (n *Node) putSnapshot(ctx context.Context, doc string, k *checked) error {
	err := n.db.Update(ctx, func(tx *store.Tx) error {
		if err := sameAsStored(tx, doc, k.covers); err != nil {
			return err
		}
		return tx.PutSnapshot(doc, k.covers, k.data)
	})
	if err == nil {
		n.snaps.setCovered(doc, len(k.covers))
	}
	return err
}

// sameAsStored checks that covers is exactly doc's set of stored changes,
// with one query.
func sameAsStored(tx *store.Tx, doc string, covers [][32]byte) error {
	count, missing, err := tx.MissingChanges(doc, covers)
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: change %x is not stored", errSnapshotMismatch, missing[0])
	}
	if count != len(covers) {
		return fmt.Errorf("%w: the engine holds %d changes, the store %d", errSnapshotMismatch, len(covers), count)
	}
	return nil
}

// allIn reports whether every key of a is in b.
func allIn(a, b map[string]bool) bool {
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}
