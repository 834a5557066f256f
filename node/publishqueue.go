package node

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"github.com/weftsync/weft/node/gossip"
	"github.com/weftsync/weft/node/latency"
	"github.com/weftsync/weft/store"
)

// Publishing from memory (decision 0032). The publisher used to read every
// change it sends back from the store's outbox after the commit that put it
// there: a read transaction, the outbox rows, the document's record, each
// change and its attestation unsealed again, and the space's key, about
// 0.4 ms of each change's path to its first receiver. A local edit's
// transaction now also keeps in memory what the publisher needs (the
// change, its attestation, the document's type and metadata and the
// space's current epoch and key as the transaction read them), and hands
// it to the publisher once the commit is durable. Decision 0045 now
// publishes most of them before the commit instead (publishearly.go),
// having made the reuse of a seq after a lost commit impossible another
// way; this path takes what that one leaves. The outbox stays the durable
// record: the publisher deletes the rows of what it published, and reads
// the outbox itself whenever memory may not hold all of it (at start,
// after a publish that kept rows, on its timer).

// pacedOff, set by tests only (export_gossipingest_test.go), turns this
// decision's paths off (publishing from memory, gossip stored before the
// engine, the validator's signatures reused) so that a test can measure
// them against the old ones in one run.
var pacedOff atomic.Bool

// freshChange is one local change committed with its outbox row, as the
// publisher needs it.
type freshChange struct {
	space  string
	doc    store.DocRow
	roster [32]byte // the version of the space's roster the transaction read
	row    store.OutboxRow
	raw    []byte
	actor  []byte
	seq    uint64
	att    []byte // its attestation (seal.Attestation.Marshal)
}

// freshNotes gathers one transaction's fresh changes, with what it read
// once per document and space.
type freshNotes struct {
	changes   []freshChange
	rosters   map[string][32]byte
	handed    bool              // committed and handed to the publisher
	early     []store.OutboxRow // rows of changes published before the commit (publishearly.go)
	earlyGone bool              // and deleted from the outbox in the same transaction
	// noted holds the rows of the changes noted (in changes or in early):
	// an edit's change may be noted, and published, before its store
	// insert notes it again (prestore.go).
	noted map[store.OutboxRow]bool
}

// noteFresh keeps lc, a local change stored with its outbox row in tx, for
// the publisher, when the network runs. It reads the version of the
// space's roster once per transaction, and the document's record (which
// never changes once written) when the publisher has not kept it.
func (n *Node) noteFresh(tx *writeTx, space, doc string, lc localChange) error {
	s, err := n.running()
	if err != nil || s.fresh == nil || pacedOff.Load() {
		return nil // no publisher: the outbox keeps it for the next start
	}
	f := tx.fresh
	if f == nil {
		f = &freshNotes{rosters: map[string][32]byte{}, noted: map[store.OutboxRow]bool{}}
		tx.fresh = f
	}
	key := store.OutboxRow{Doc: doc, Hash: lc.c.Hash}
	if f.noted[key] {
		return nil // noted before its insert (prestore.go)
	}
	row, ok := s.fresh.doc(doc)
	if !ok {
		if row, err = tx.Doc(doc); err != nil {
			return err
		}
		s.fresh.keepDoc(row)
	}
	v, ok := f.rosters[space]
	if !ok {
		e, err := n.rosters.get(tx.Tx, space)
		if err != nil {
			return err
		}
		v = rosterVersion(e.v)
		f.rosters[space] = v
	}
	f.noted[key] = true
	f.changes = append(f.changes, freshChange{space: space, doc: row, roster: v, row: key,
		raw: lc.c.Raw, actor: lc.c.Actor, seq: lc.c.Seq, att: lc.att.Blob})
	return nil
}

// committedFresh hands a committed transaction's fresh changes to the
// running publisher. update calls it after the commit, with n.mu held, so
// that the publisher gets them in commit order.
func (n *Node) committedFresh(f *freshNotes) {
	if f == nil || len(f.changes) == 0 {
		return
	}
	s, err := n.running()
	if err != nil || s.fresh == nil {
		return
	}
	s.fresh.add(f.changes)
	f.handed = true
}

// freshQueue is what the publisher has in memory of the outbox. complete
// says that the outbox holds nothing that is not in changes (or being
// published); until then the publisher reads the outbox.
type freshQueue struct {
	// pub is held while publishing: by the publisher, or by the goroutine
	// that committed, right after its commit (publishCommitted), so that
	// changes go out in commit order.
	pub sync.Mutex

	mu       sync.Mutex
	changes  []freshChange
	complete bool
	sent     []store.OutboxRow       // published right after their commit, for the publisher to delete
	docs     map[string]store.DocRow // records of documents published, kept (at most maxFreshDocs)
	early    atomic.Int64            // changes published before their commit (publishearly.go), for tests
}

// maxFreshDocs bounds the document records the publisher keeps.
const maxFreshDocs = 4096

// doc returns the kept record of doc.
func (q *freshQueue) doc(doc string) (store.DocRow, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	row, ok := q.docs[doc]
	return row, ok
}

// keepDoc keeps a document's record.
func (q *freshQueue) keepDoc(row store.DocRow) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.docs == nil || len(q.docs) >= maxFreshDocs {
		q.docs = map[string]store.DocRow{}
	}
	q.docs[row.ID] = row
}

func (q *freshQueue) add(cs []freshChange) {
	q.mu.Lock()
	q.changes = append(q.changes, cs...)
	q.mu.Unlock()
}

// take empties the queue, reporting whether it held all of the outbox.
// With onlyComplete, it takes nothing unless it did.
func (q *freshQueue) take(onlyComplete bool) ([]freshChange, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	cs, ok := q.changes, q.complete
	if onlyComplete && !ok {
		return nil, false
	}
	q.changes = nil
	return cs, ok
}

// markSent records rows published right after their commit, for the
// publisher to delete from the outbox.
func (q *freshQueue) markSent(rows []store.OutboxRow) {
	q.mu.Lock()
	q.sent = append(q.sent, rows...)
	q.mu.Unlock()
}

// takeSent returns the rows published right after their commit and
// forgets them.
func (q *freshQueue) takeSent() []store.OutboxRow {
	q.mu.Lock()
	defer q.mu.Unlock()
	rows := q.sent
	q.sent = nil
	return rows
}

// setComplete records whether the queue holds all of the outbox.
func (q *freshQueue) setComplete(ok bool) {
	q.mu.Lock()
	q.complete = ok
	q.mu.Unlock()
}

// drop removes from the queue the changes whose rows are in done.
func (q *freshQueue) drop(done map[store.OutboxRow]bool) {
	if len(done) == 0 {
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	kept := q.changes[:0]
	for _, c := range q.changes {
		if !done[c.row] {
			kept = append(kept, c)
		}
	}
	clear(q.changes[len(kept):])
	q.changes = kept
}

// publishCommitted publishes, on the goroutine that committed, right
// after its commit and in commit order (n.mu held), the local changes the
// queue holds, when it holds all of the outbox and no one else is
// publishing; the publisher, woken by the same commit, deletes their
// outbox rows (a write transaction, off this path) and does anything
// else. Nothing pubsub calls back takes n.mu.
func (n *Node) publishCommitted(f *freshNotes) {
	if f == nil || !f.handed {
		return
	}
	s, err := n.running()
	if err != nil || s.fresh == nil || pacedOff.Load() || !s.fresh.pub.TryLock() {
		return // the publisher, woken, publishes them
	}
	defer s.fresh.pub.Unlock()
	if err := n.publishFresh(s.ctx, s.gossip, s.fresh, false, true); err != nil && s.ctx.Err() == nil {
		n.log.Warn("publish local changes", "err", err)
	}
}

// publishFresh publishes what the queue holds, from memory when it holds
// all of the outbox, by reading the outbox otherwise (and with readAll).
// The caller holds q.pub. inline is publishCommitted's call: it publishes
// only from memory and leaves the rows to delete to the publisher.
func (n *Node) publishFresh(ctx context.Context, g *gossip.Gossip, q *freshQueue, readAll, inline bool) error {
	if !inline {
		// Rows published right after their commit: gone from the outbox
		// before it is read, so that they are not sent twice.
		if err := n.deleteOutbox(ctx, q.takeSent()); err != nil {
			q.setComplete(false)
			return err
		}
	}
	cs, complete := q.take(inline)
	if inline && !complete {
		return nil
	}
	if !complete || readAll || pacedOff.Load() {
		// What was taken is in the outbox, committed before the take.
		q.setComplete(false)
		done, err := n.publishOutbox(ctx, g)
		q.drop(done) // read from the outbox too: published once
		if err == nil {
			q.setComplete(true) // read to the end, nothing kept
		}
		return ignoreKept(err)
	}
	if len(cs) == 0 {
		return nil
	}
	latency.Mark("pub.read")
	batches, rosters := packFresh(cs)
	if freshStale(g, rosters) {
		// A commit changed a roster (and so perhaps an epoch or a key)
		// since g last read them: never publish under an epoch the store
		// has moved past.
		if err := g.Refresh(ctx); err != nil {
			q.setComplete(false)
			return err
		}
	}
	var done []store.OutboxRow
	kept := false
	for _, b := range batches {
		ok, err := n.publishBatch(ctx, g, b)
		if err != nil {
			q.setComplete(false)
			if inline {
				q.markSent(done)
				return err
			}
			return errors.Join(err, n.deleteOutbox(ctx, done))
		}
		if ok {
			done = append(done, b.rows...)
		} else {
			kept = true
		}
	}
	latency.Mark("pub.sent")
	if kept {
		q.setComplete(false) // rows kept for a topic not joined: read them next time
	}
	if inline {
		q.markSent(done)
		return nil
	}
	if err := n.deleteOutbox(ctx, done); err != nil {
		q.setComplete(false) // published but still in the outbox: sent again at worst
		return err
	}
	return nil
}

// errKept reports that publishOutbox kept rows for a space we have not
// joined (no current key yet): not a failure, but the outbox is not empty.
var errKept = errors.New("node: outbox rows kept for spaces not joined")

func ignoreKept(err error) error {
	if errors.Is(err, errKept) {
		return nil
	}
	return err
}

// freshStale reports whether, for one of rosters' spaces, g's last Refresh
// read another version of its roster than the transactions that made the
// changes (a roster version names one epoch, so g's topic is that epoch's
// when they are equal), or g has not joined its topic.
func freshStale(g *gossip.Gossip, rosters map[string][32]byte) bool {
	for space, v := range rosters {
		if !g.UpToDate(space, v) {
			return true
		}
	}
	return false
}

// packFresh packs fresh changes, per document in order of first change and
// each document's in commit (causal) order, into batches as packDoc does,
// and gathers the version of each space's roster the transactions read
// (the newest).
func packFresh(cs []freshChange) ([]outboxBatch, map[string][32]byte) {
	rosters := map[string][32]byte{}
	var docs []string
	by := map[string][]freshChange{}
	for _, c := range cs {
		rosters[c.space] = c.roster
		if _, ok := by[c.row.Doc]; !ok {
			docs = append(docs, c.row.Doc)
		}
		by[c.row.Doc] = append(by[c.row.Doc], c)
	}
	var out []outboxBatch
	for _, doc := range docs {
		var cur *freshPacking
		for _, c := range by[doc] {
			if cur != nil && cur.size+len(c.raw) > gossip.ChunkBudget {
				out = append(out, cur.close())
				cur = nil
			}
			if cur == nil {
				cur = &freshPacking{p: newPacking(c.doc), atts: map[string]freshChange{}}
			}
			cur.add(c)
		}
		if cur != nil {
			out = append(out, cur.close())
		}
	}
	return out, rosters
}

// freshPacking is a batch being filled from memory.
type freshPacking struct {
	p    *packing
	size int
	atts map[string]freshChange // per actor, its newest change in the batch
}

func (f *freshPacking) add(c freshChange) {
	f.p.b.rows = append(f.p.b.rows, c.row)
	f.p.b.batch.Chunks = append(f.p.b.batch.Chunks, c.raw)
	f.size += len(c.raw)
	if old, ok := f.atts[string(c.actor)]; !ok || c.seq > old.seq {
		f.atts[string(c.actor)] = c
	}
}

// close adds the attestation of each actor's newest change.
func (f *freshPacking) close() outboxBatch {
	for _, c := range f.atts {
		f.p.b.batch.Atts = append(f.p.b.batch.Atts, c.att)
	}
	return f.p.b
}
