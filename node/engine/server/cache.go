package server

import (
	"container/list"
	"runtime"
	"time"

	"github.com/weftsync/weft/crdt"
	"github.com/weftsync/weft/node/wire"
)

// cache keeps open documents within a memory budget, evicting the least
// recently used. Sizes are estimates from change counts: the core's C heap
// is invisible to Go.
//
// Small documents idle for a while are parked before anything is evicted
// (decision 0041): the cache keeps their saved form (a few hundred bytes
// for a case study, whose loaded form holds about 20 KiB of C heap) and
// loads it again at their next use. Only documents whose content passed a
// round trip (vetted) are parked, so a saved form that would not load is
// never the only copy the engine has; one that fails to load anyway is
// dropped, and the node reloads it from its store as after an eviction.
// Large documents are never parked: loading a 10,000-entry ledger from
// its saved form takes as long as from its changes (about 0.8 s).
type cache struct {
	budget   int64         // estimated size of live documents plus parked bytes
	hot      int64         // estimated size of small live documents before idle ones are parked
	parkMax  int64         // the largest estimated size parked
	parkIdle time.Duration // how long a document stays unused before it may be parked
	parkMost int           // the most documents one round parks
	now      func() time.Time
	nextPark time.Time // no park round before then

	used      int64      // live estimates plus parked bytes
	smallLive int64      // estimates of live documents of parkMax or less
	order     *list.List // front = most recently used; values are *entry
	byID      map[string]*list.Element

	evictions int // documents evicted, for tests
	parks     int // documents parked, for tests and Stats
	unparks   int // parked documents loaded again
	rounds    int // park rounds
}

type entry struct {
	id     string
	doc    *crdt.Doc // nil while parked
	parked bool
	size   int64     // estimated size once loaded
	vetted bool      // its content passed a round trip: it may be parked
	used   time.Time // last use

	// A parked document: what crdt.Unpark needs.
	saved, actor []byte
	heads        [][32]byte
}

func newCache(budget int64) *cache {
	return &cache{budget: budget, hot: hotFromEnv(), parkMax: parkMax, parkIdle: parkIdle, parkMost: parkMost, now: time.Now,
		order: list.New(), byID: map[string]*list.Element{}}
}

func (c *cache) len() int { return len(c.byID) }

// get returns an open document, loading it again when it was parked; a
// parked document that does not load back is dropped (not open).
func (c *cache) get(id string) (*crdt.Doc, bool) {
	el, ok := c.byID[id]
	if !ok {
		return nil, false
	}
	e := el.Value.(*entry)
	if e.parked {
		d, err := crdt.Unpark(e.saved, e.actor, e.heads)
		if err != nil {
			c.drop(id)
			return nil, false
		}
		c.account(e, -1)
		e.doc, e.parked, e.saved, e.actor, e.heads = d, false, nil, nil, nil
		c.account(e, 1)
		c.unparks++
	}
	e.used = c.now()
	c.order.MoveToFront(el)
	c.settle()
	return e.doc, true
}

// put holds d under id, not vetted (see vet).
func (c *cache) put(id string, d *crdt.Doc, chunks [][]byte) {
	c.putSized(id, d, estimate(chunks))
}

// putSized is put of a document whose estimated size is known (size).
func (c *cache) putSized(id string, d *crdt.Doc, size int64) {
	c.drop(id)
	e := &entry{id: id, doc: d, size: size, used: c.now()}
	c.byID[id] = c.order.PushFront(e)
	c.account(e, 1)
	c.settle()
}

// vet records whether the content of an open document passed a round
// trip (or was made here): only such a document is parked.
func (c *cache) vet(id string, ok bool) {
	if el, found := c.byID[id]; found {
		el.Value.(*entry).vetted = ok
	}
}

// grow accounts for changes added to an open document.
func (c *cache) grow(id string, chunks [][]byte) {
	if _, ok := c.byID[id]; ok {
		c.growBy(id, estimate(chunks))
	}
}

// growBy adds n to the estimated size of an open document, then parks
// and evicts as the budgets ask.
func (c *cache) growBy(id string, n int64) {
	if el, ok := c.byID[id]; ok {
		e := el.Value.(*entry)
		c.account(e, -1)
		e.size += n
		c.account(e, 1)
		c.settle()
	}
}

// account adds (sign 1) or removes (sign -1) what e costs to the totals.
func (c *cache) account(e *entry, sign int64) {
	if e.parked {
		c.used += sign * int64(len(e.saved))
		return
	}
	c.used += sign * e.size
	if e.size <= c.parkMax {
		c.smallLive += sign * e.size
	}
}

// size is the estimated size of an open document, 0 when it is not open.
func (c *cache) size(id string) int64 {
	if el, ok := c.byID[id]; ok {
		return el.Value.(*entry).size
	}
	return 0
}

// estimate guesses the engine memory that loading chunks costs.
func estimate(chunks [][]byte) int64 {
	var ops int64
	for _, raw := range chunks { // checked by the node before they came here
		if n, err := wire.CountOps(raw); err == nil {
			ops += int64(n)
		}
	}
	return max(int64(len(chunks))*bytesPerChange, ops*bytesPerOp)
}

func (c *cache) drop(id string) {
	el, ok := c.byID[id]
	if !ok {
		return
	}
	c.account(el.Value.(*entry), -1)
	c.order.Remove(el)
	delete(c.byID, id)
}

// settle evicts as the budget asks; an eviction round ends with a
// reclaim, which returns the memory to the system. Parking is not done
// here, inside a call, but after its answer (parkRound).
func (c *cache) settle() {
	if c.evict() {
		reclaim()
	}
}

// parkRound parks idle documents as the hot budget asks. The server runs
// it after a call's answer is sent, when no other request waits: a round
// (up to parkMost saves and a Go collection) took 3 to 40 ms, and run
// inside a call it delayed that call's answer (the paced latency's p99
// after A made 1,000 case studies). A round ends with a Go collection
// only, which queues the finalizers that free the parked documents' C
// heap: that memory is small pieces that the core takes again for the
// documents in use, and a reclaim (three collections and a trim) per
// round made a stream of rounds cost more than the saves.
func (c *cache) parkRound() {
	if c.park() {
		runtime.GC()
	}
}

// park saves and lets go of small vetted documents unused for parkIdle,
// least recently used first, once the small live documents are estimated
// over the hot budget, down to half of it (the slack spares a stream of
// new documents a round per call), parkMost at most: a round runs after
// a call's answer (parkRound) and delays a request that comes during it
// by about 0.1 ms a document. It reports whether it parked any.
func (c *cache) park() bool {
	now := c.now()
	if c.smallLive <= c.hot || now.Before(c.nextPark) {
		return false
	}
	// One round per tenth of parkIdle at most: while documents keep
	// coming, those old enough to park are few at each call.
	c.nextPark = now.Add(c.parkIdle / 10)
	c.rounds++
	idle := now.Add(-c.parkIdle)
	parked := 0
	for el := c.order.Back(); el != nil && c.smallLive > c.hot/2 && parked < c.parkMost; {
		e := el.Value.(*entry)
		prev := el.Prev()
		if !e.used.After(idle) && !e.parked && e.doc != nil && e.vetted && e.size <= c.parkMax {
			saved, actor, heads, err := e.doc.Park()
			if err != nil {
				c.drop(e.id) // poisoned: reload from the store
			} else {
				c.account(e, -1)
				e.doc, e.parked, e.saved, e.actor, e.heads = nil, true, saved, actor, heads
				c.account(e, 1)
				c.parks++
			}
			parked++
		}
		el = prev
	}
	return parked > 0
}

// evict closes least recently used documents (never the newest) once
// the estimate is over the budget, down to three quarters of it, and
// reports whether it closed any: the slack spares a growing document,
// or a stream of new ones, a reclaim per call.
func (c *cache) evict() bool {
	if c.used <= c.budget {
		return false
	}
	evicted := false
	for c.used > c.budget-c.budget/4 && c.order.Len() > 1 {
		c.drop(c.order.Back().Value.(*entry).id)
		evicted = true
		c.evictions++
	}
	return evicted
}

// reclaim frees the core's memory of the documents and results let go
// of, and returns it to the system: automerge-go frees them only in
// finalizers, which a Go collection queues and a goroutine of the
// runtime runs later, so reclaim collects, waits until those finalizers
// have run, then trims the C heap. Without the wait the trim comes too
// early and the pages freed after it stay resident.
func reclaim() {
	reclaims++
	runtime.GC()
	// The runtime's finalizer goroutine takes the whole queue at a time
	// and runs a batch to its end before taking the next, newest first
	// within a batch: once a sentinel queued by a later collection has
	// run, every batch taken before its own is done, and the batch it
	// shared with the first collection's finalizers is done once a
	// second sentinel, queued after it ran, has run.
	for range 2 {
		if !awaitFinalizers(time.Second) {
			break
		}
	}
	trimMalloc()
}

// reclaims counts reclaim's runs, for the memory trace.
var reclaims int

// sentinel is an object for awaitFinalizers: large enough not to share
// the tiny allocator's blocks, whose finalizers may never run.
type sentinel [32]byte

// awaitFinalizers queues a sentinel's finalizer with a Go collection
// and waits until it has run, or until timeout (reporting false).
func awaitFinalizers(timeout time.Duration) bool {
	ran := make(chan struct{})
	s := new(sentinel)
	runtime.SetFinalizer(s, func(*sentinel) { close(ran) })
	s = nil //nolint:ineffassign,wastedassign // let go of it for the collection
	runtime.GC()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-ran:
		return true
	case <-t.C:
		return false
	}
}
