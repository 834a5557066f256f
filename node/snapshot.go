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
// when its newest did not load, and writes a new one when the document has
// snapshotEvery stored changes it does not cover. Whether one is due is
// read for every document in one read transaction. It never fails the
// caller: errors are logged.
func (n *Node) keepSnapshots(ctx context.Context, docs map[string]bool) {
	if len(docs) == 0 {
		return
	}
	for doc := range docs {
		if n.snaps.takeStale(doc) {
			err := n.db.Update(ctx, func(tx *store.Tx) error { return tx.DropSnapshots(doc) })
			if err != nil {
				n.log.Warn("drop document snapshots", "doc", doc, "err", err)
			}
		}
	}
	due, err := n.snapshotsDue(ctx, docs)
	if err != nil {
		n.log.Warn("count document changes for snapshots", "err", err)
	}
	for _, doc := range due {
		if err := n.writeSnapshot(ctx, doc); err != nil {
			n.log.Warn("write document snapshot", "doc", doc, "err", err)
		}
	}
}

// keepSnapshot is keepSnapshots for one document.
func (n *Node) keepSnapshot(ctx context.Context, doc string) {
	n.keepSnapshots(ctx, map[string]bool{doc: true})
}

// snapshotsDue returns the documents of docs with at least snapshotEvery
// stored changes their newest snapshot does not cover. A newest snapshot
// that cannot be read covers nothing.
func (n *Node) snapshotsDue(ctx context.Context, docs map[string]bool) ([]string, error) {
	var due []string
	err := n.db.View(ctx, func(tx *store.Tx) error {
		for doc := range docs {
			count, err := tx.CountedChanges(doc)
			if err != nil {
				return err
			}
			if count < snapshotEvery {
				continue
			}
			covered, ok := n.snaps.coveredBy(doc)
			if !ok {
				covers, _, _, err := tx.Snapshot(doc)
				if covered = len(covers); err != nil {
					covered = 0
				}
				n.snaps.setCovered(doc, covered)
			}
			if count-covered >= snapshotEvery {
				due = append(due, doc)
			}
		}
		return nil
	})
	return due, err
}

// writeSnapshot asks the engine for doc's checked saved form and stores it,
// when it holds exactly the stored changes. A document the engine no longer
// holds is skipped.
func (n *Node) writeSnapshot(ctx context.Context, doc string) error {
	data, covers, err := n.eng.Save(ctx, doc)
	if errors.Is(err, engine.ErrNotLoaded) {
		return nil
	}
	if err != nil {
		return err
	}
	err = n.db.Update(ctx, func(tx *store.Tx) error {
		if err := sameAsStored(tx, doc, covers); err != nil {
			return err
		}
		return tx.PutSnapshot(doc, covers, data)
	})
	if err == nil {
		n.snaps.setCovered(doc, len(covers))
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
