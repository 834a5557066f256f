package server

import (
	"container/list"
	"runtime"

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
	for _, raw := range chunks {
		if c, err := wire.ParseChange(raw); err == nil {
			ops += int64(c.Ops)
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

// evict closes least recently used documents (never the newest) until the
// estimate fits, then returns their memory to the system.
func (c *cache) evict() {
	evicted := false
	for c.used > c.budget && c.order.Len() > 1 {
		c.drop(c.order.Back().Value.(*entry).id)
		evicted = true
	}
	if evicted {
		runtime.GC() // the core's memory is freed by finalizers
		trimMalloc()
	}
}
