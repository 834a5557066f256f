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
type cache struct {
	budget int64
	used   int64
	order  *list.List // front = most recently used; values are *entry
	byID   map[string]*list.Element

	evictions int // documents evicted, for tests
}

type entry struct {
	id   string
	doc  *crdt.Doc
	size int64
}

func newCache(budget int64) *cache {
	return &cache{budget: budget, order: list.New(), byID: map[string]*list.Element{}}
}

func (c *cache) len() int { return len(c.byID) }

func (c *cache) get(id string) (*crdt.Doc, bool) {
	el, ok := c.byID[id]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*entry).doc, true
}

func (c *cache) put(id string, d *crdt.Doc, chunks [][]byte) {
	c.drop(id)
	e := &entry{id: id, doc: d, size: estimate(chunks)}
	c.byID[id] = c.order.PushFront(e)
	c.used += e.size
	c.evict()
}

// grow accounts for changes added to an open document.
func (c *cache) grow(id string, chunks [][]byte) {
	if el, ok := c.byID[id]; ok {
		n := estimate(chunks)
		el.Value.(*entry).size += n
		c.used += n
		c.evict()
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
	c.used -= el.Value.(*entry).size
	c.order.Remove(el)
	delete(c.byID, id)
}

// evict closes least recently used documents (never the newest) once
// the estimate is over the budget, down to three quarters of it, then
// returns their memory to the system (reclaim): the slack spares a
// growing document, or a stream of new ones, a reclaim per call.
func (c *cache) evict() {
	if c.used <= c.budget {
		return
	}
	evicted := false
	for c.used > c.budget-c.budget/4 && c.order.Len() > 1 {
		c.drop(c.order.Back().Value.(*entry).id)
		evicted = true
		c.evictions++
	}
	if evicted {
		reclaim()
	}
}

// reclaim frees the core's memory of the documents and results let go
// of, and returns it to the system: automerge-go frees them only in
// finalizers, which a Go collection queues and a goroutine of the
// runtime runs later, so reclaim collects, waits until those finalizers
// have run, then trims the C heap. Without the wait the trim comes too
// early and the pages freed after it stay resident.
func reclaim() {
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
