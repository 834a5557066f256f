package store

import (
	"context"
	"fmt"
	"maps"
	"sync"
	"sync/atomic"
)

// digestCache shares one read of a space's digest and tips
// (SpaceDigestTips) among the callers of SpaceDigestTipsShared at the same
// write generation (decision 0050). A peer that connects starts two pulls
// at once, ours of it and its of us, and both begin by reading the same
// space digest: the request's and the responder's.
//
// gen is the store's write generation: Update adds one just before its
// commit and one just after, so it is odd while a commit may land and
// changes whenever one did. One process writes a store (the home's lock),
// so no write escapes it. A read made in a transaction begun after gen was
// seen even, and after which gen is still the same, shows exactly the
// store at that generation; so does every later read while gen stays.
type digestCache struct {
	gen    atomic.Uint64
	mu     sync.Mutex
	spaces map[string]*digestEntry
}

// digestEntry is one space's read at one generation.
type digestEntry struct {
	gen  uint64
	done chan struct{} // closed when the read ended
	// ok: the read succeeded and gen did not move; the fields below are
	// its result, never modified.
	ok   bool
	rows map[string]DocRow
	vvs  map[string]map[string]uint64
	tips map[string]map[string]Tip
}

// maxSharedDigestDocs bounds the documents of a space whose digest is
// kept: a larger one is read each time, as before.
const maxSharedDigestDocs = 1 << 14

// SpaceDigestTipsShared returns what SpaceDigestTips returns, read in a
// read transaction of its own, or the result of a read made since the last
// commit (or in progress: it waits for it) when there is one. The maps
// returned are the caller's own; a record's Meta bytes are shared and must
// not be modified.
func (db *DB) SpaceDigestTipsShared(ctx context.Context, space string) (map[string]DocRow, map[string]map[string]uint64, map[string]map[string]Tip, error) {
	c := &db.digests
	g := c.gen.Load()
	if g%2 == 1 { // a commit in progress
		return db.spaceDigestTipsView(ctx, space)
	}
	c.mu.Lock()
	e := c.spaces[space]
	if e != nil && e.gen == g {
		c.mu.Unlock()
		select {
		case <-e.done:
		case <-ctx.Done():
			return nil, nil, nil, fmt.Errorf("store: space digest: %w", ctx.Err())
		}
		if e.ok {
			rows, vvs, tips := copyDigest(e.rows, e.vvs, e.tips)
			return rows, vvs, tips, nil
		}
		return db.spaceDigestTipsView(ctx, space) // the shared read failed or came too late
	}
	e = &digestEntry{gen: g, done: make(chan struct{})}
	if c.spaces == nil {
		c.spaces = map[string]*digestEntry{}
	}
	c.spaces[space] = e
	c.mu.Unlock()

	rows, vvs, tips, err := db.spaceDigestTipsView(ctx, space)
	if err == nil && len(rows) <= maxSharedDigestDocs && c.gen.Load() == g {
		e.rows, e.vvs, e.tips = copyDigest(rows, vvs, tips)
		e.ok = true
	}
	close(e.done)
	if !e.ok {
		c.mu.Lock()
		if c.spaces[space] == e {
			delete(c.spaces, space)
		}
		c.mu.Unlock()
	}
	return rows, vvs, tips, err
}

// spaceDigestTipsView is SpaceDigestTips in a read transaction of its own.
func (db *DB) spaceDigestTipsView(ctx context.Context, space string) (rows map[string]DocRow, vvs map[string]map[string]uint64, tips map[string]map[string]Tip, err error) {
	err = db.View(ctx, func(tx *Tx) error {
		var err error
		rows, vvs, tips, err = tx.SpaceDigestTips(space)
		return err
	})
	return rows, vvs, tips, err
}

// copyDigest copies a digest's maps, down to each vector and tip map.
func copyDigest(rows map[string]DocRow, vvs map[string]map[string]uint64, tips map[string]map[string]Tip) (map[string]DocRow, map[string]map[string]uint64, map[string]map[string]Tip) {
	r := maps.Clone(rows)
	v := make(map[string]map[string]uint64, len(vvs))
	for id, vv := range vvs {
		v[id] = maps.Clone(vv)
	}
	t := make(map[string]map[string]Tip, len(tips))
	for id, tt := range tips {
		t[id] = maps.Clone(tt)
	}
	return r, v, t
}
