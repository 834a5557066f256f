package node

import (
	"fmt"
	"sync"

	"github.com/weftsync/weft/node/member"
	"github.com/weftsync/weft/store"
)

// rosterCache holds each space's verified membership log and its roster,
// so that the many checks that need a roster (every gossip message, pull,
// acknowledgement and ingest) do not read, unseal, verify and replay the
// whole log each time.
//
// An entry is named by the store's MemberOpsVersion of the log it holds:
// the count, newest row and chained digest of the stored operations. A
// lookup reads the version (row numbers and index IDs only) in the
// caller's transaction and uses the entry only when it is equal, so a
// transaction always sees its own view, written or rolled back. When the
// stored log has only grown since the entry, just the new operations are
// verified and added to a copy; otherwise the log is read afresh.
type rosterCache struct {
	mu sync.Mutex
	m  map[string]*rosterEntry
}

// rosterEntry is one space's cached log. Its log is never modified once
// the entry is built; roster and err are set once, under the cache's mutex.
type rosterEntry struct {
	v      store.MemberOpsVersion
	log    *member.Log
	done   bool // roster and err are set
	roster *member.Roster
	err    error
}

// get returns the entry for space as tx sees the store.
func (c *rosterCache) get(tx *store.Tx, space string) (*rosterEntry, error) {
	c.mu.Lock()
	e := c.m[space]
	c.mu.Unlock()
	var prev store.MemberOpsVersion
	if e != nil {
		prev = e.v
	}
	v, extends, err := tx.MemberOpsVersion(space, prev)
	if err != nil {
		return nil, err
	}
	if e != nil && v == e.v {
		return e, nil
	}
	var (
		log   *member.Log
		blobs [][]byte
	)
	if e != nil && extends {
		log = e.log.Clone()
		blobs, err = tx.MemberOpsAfter(space, e.v.Count)
	} else {
		log = member.NewLog(space)
		blobs, err = tx.MemberOps(space)
	}
	if err != nil {
		return nil, err
	}
	for _, b := range blobs {
		if _, err := log.AddEncoded(b); err != nil {
			return nil, fmt.Errorf("%w: membership operation: %w", ErrCorrupt, err)
		}
	}
	ne := &rosterEntry{v: v, log: log}
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string]*rosterEntry{}
	}
	c.m[space] = ne
	c.mu.Unlock()
	return ne, nil
}

// roster returns the replay of e's log, replaying it on first use.
func (c *rosterCache) roster(e *rosterEntry) (*member.Roster, error) {
	c.mu.Lock()
	done, r, err := e.done, e.roster, e.err
	c.mu.Unlock()
	if done {
		return r, err
	}
	r, err = e.log.Roster()
	c.mu.Lock()
	e.done, e.roster, e.err = true, r, err
	c.mu.Unlock()
	return r, err
}

// last returns the roster of space the cache read last, or nil when it
// holds none ready (not read yet, being read, or failed). It may be out
// of date.
func (c *rosterCache) last(space string) *member.Roster {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.m[space]
	if e == nil || !e.done || e.err != nil {
		return nil
	}
	return e.roster
}
