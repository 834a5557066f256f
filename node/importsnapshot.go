package node

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// A snapshot an import made due waits until the document's imports pause
// (decision 0047).
//
// A snapshot is a load cache (store.PutSnapshot): the engine saves the
// whole document and loads the saved form back to check it, about 50 µs
// of engine CPU per entry of the ledger, and the node waits for it with
// its write lock held. Written after the import that made it due, it cost
// that import (and the user who waits for it) as much as the import's own
// entries: a 4,000-entry ledger's snapshot took longer than the next
// import of 1,000 entries. An import is seldom alone (a file in parts, a
// script), so the snapshot is written once the imports of the document
// have paused for importQuiet, by a goroutine of the node, as after any
// other write (keepSnapshots). Nothing else waits for it: changes are
// durable, attested and queued at the import's commit, and a document
// without a snapshot loads from its changes (for a ledger about as fast).
// A write of the document by anything but an import writes a postponed
// snapshot at once, as before; so does an import once the snapshot has
// waited importMaxWait, and Close writes the snapshots still waiting.

// importQuiet is how long a document's imports must pause before the
// snapshot one of them made due is written. A variable for tests.
var importQuiet = 2 * time.Second

// importMaxWait bounds how long imports that do not pause can postpone a
// document's snapshot: the import after that writes it, as before. A
// variable for tests.
var importMaxWait = 30 * time.Second

// importSnaps holds the snapshots postponed after imports, and the timer
// that writes them. The Node owns it: Close stops it (stop) before the
// engine and the store close. Its zero value is ready.
type importSnaps struct {
	mu      sync.Mutex
	marked  map[string]bool         // documents an import wrote since their last keepSnapshots
	pending map[string]postponement // snapshots waiting for the imports to pause
	timer   *time.Timer             // runs fire; nil until the first postponement
	closed  bool
	wg      sync.WaitGroup // fire while it runs
	written atomic.Int64   // rounds of postponed snapshots run (tests)
}

// postponement is when a document's snapshot was first postponed, and
// when the last import wrote it.
type postponement struct{ first, last time.Time }

// mark records that an import wrote doc in the transaction under way.
func (s *importSnaps) mark(doc string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.marked == nil {
		s.marked = map[string]bool{}
	}
	s.marked[doc] = true
}

// unmark forgets mark(doc) after the import's transaction failed.
func (s *importSnaps) unmark(doc string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.marked, doc)
}

// postpone reports whether doc's due snapshot waits: when the transaction
// just committed was an import of doc (mark) and the snapshot has not
// waited importMaxWait. It then (re)arms the timer that writes it. Called
// by keepSnapshots, with n.mu held, for a snapshot it would write now.
func (s *importSnaps) postpone(n *Node, doc string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	imported := s.marked[doc]
	delete(s.marked, doc)
	now := time.Now()
	p, waiting := s.pending[doc]
	if s.closed || !imported || waiting && now.Sub(p.first) >= importMaxWait {
		delete(s.pending, doc) // written now
		return false
	}
	if !waiting {
		p.first = now
	}
	p.last = now
	if s.pending == nil {
		s.pending = map[string]postponement{}
	}
	s.pending[doc] = p
	if s.timer == nil {
		s.timer = time.AfterFunc(importQuiet, func() { s.fire(n) }) // stopped and waited for by stop
	} else {
		s.timer.Reset(importQuiet)
	}
	return true
}

// settled forgets the marks of docs, whose keepSnapshots ran: an import
// that made no snapshot due leaves none behind.
func (s *importSnaps) settled(docs map[string]bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for doc := range docs {
		delete(s.marked, doc)
	}
}

// fire writes the postponed snapshots whose documents' imports paused
// for importQuiet, as after any write (keepSnapshots, with n.mu), and
// rearms the timer for the others.
func (s *importSnaps) fire(n *Node) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.wg.Add(1)
	defer s.wg.Done()
	now := time.Now()
	docs := map[string]bool{}
	var next time.Duration
	for doc, p := range s.pending {
		if wait := importQuiet - now.Sub(p.last); wait > 0 {
			if next == 0 || wait < next {
				next = wait
			}
			continue
		}
		docs[doc] = true
		delete(s.pending, doc)
	}
	if next > 0 {
		s.timer.Reset(next)
	}
	s.mu.Unlock()
	if len(docs) == 0 {
		return
	}
	n.mu.Lock()
	n.keepSnapshots(context.Background(), docs)
	n.mu.Unlock()
	// A round-trip check it ran (peer changes arrived meanwhile) may have
	// quarantined an author: the running network rereads the list now.
	n.denyIfQuarantined()
	s.written.Add(1)
}

// stop ends the postponing: the timer is stopped and a round under way
// waited for. It returns the documents whose snapshots still wait, which
// Close writes (writeOwed) before it closes the engine and the store:
// the engine holds them now, where after a reopen the first read would
// load them from their changes and then pay for the snapshot. Close calls
// it first, without n.mu; from then on keepSnapshots postpones nothing.
func (s *importSnaps) stop() (owed map[string]bool) {
	s.mu.Lock()
	s.closed = true
	if s.timer != nil {
		s.timer.Stop()
	}
	owed = make(map[string]bool, len(s.pending))
	for doc := range s.pending {
		owed[doc] = true
	}
	s.pending = nil
	s.mu.Unlock()
	s.wg.Wait()
	return owed
}

// writeOwed writes the snapshots stop returned, as after any write
// (keepSnapshots, with n.mu): at Close, once the network has stopped.
func (n *Node) writeOwed(docs map[string]bool) {
	if len(docs) == 0 {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	n.keepSnapshots(context.Background(), docs)
}
