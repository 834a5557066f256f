package node

import (
	"context"
	"errors"
	"slices"
	"sync"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/store"
)

// ChangedDoc names one document whose content changed: by a local edit,
// or by changes received from a peer, a bundle or a welcome.
type ChangedDoc struct {
	Doc   string        `json:"doc"`
	Space string        `json:"space"`
	Type  model.DocType `json:"type"`
}

// Changes is a subscription to the documents this node changes, from
// Node.WatchChanges. Notifications never wait for the subscriber: the
// documents changed since the last Next are gathered (each once) until it
// asks. Next is for one goroutine at a time; Close may be called from any.
type Changes struct {
	n    *Node
	wake chan struct{} // holds one token while docs is not empty
	mu   sync.Mutex
	docs map[string]bool
}

// watchers are a node's subscriptions to document changes. The zero value
// has none.
type watchers struct {
	mu   sync.Mutex
	subs map[*Changes]struct{}
}

// WatchChanges subscribes to the documents this node changes from now on.
// The caller must Close the subscription.
func (n *Node) WatchChanges() *Changes {
	c := &Changes{n: n, wake: make(chan struct{}, 1), docs: map[string]bool{}}
	n.watchers.mu.Lock()
	defer n.watchers.mu.Unlock()
	if n.watchers.subs == nil {
		n.watchers.subs = map[*Changes]struct{}{}
	}
	n.watchers.subs[c] = struct{}{}
	return c
}

// Close ends the subscription. It is idempotent.
func (c *Changes) Close() {
	c.n.watchers.mu.Lock()
	defer c.n.watchers.mu.Unlock()
	delete(c.n.watchers.subs, c)
}

// Next waits until documents changed since the last call and returns
// them, sorted by ID, with their space and type. It returns ctx's error
// when ctx ends first.
func (c *Changes) Next(ctx context.Context) ([]ChangedDoc, error) {
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-c.wake:
		}
		if ids := c.take(); len(ids) > 0 { // empty when a previous Next took them
			return c.n.describeDocs(context.WithoutCancel(ctx), ids) // taken: not lost to a cancel
		}
	}
}

// take empties the gathered documents, returning their IDs sorted.
func (c *Changes) take() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	ids := make([]string, 0, len(c.docs))
	for id := range c.docs {
		ids = append(ids, id)
	}
	clear(c.docs)
	slices.Sort(ids)
	return ids
}

// describeDocs reads the space and type of each document; one not on
// record (such as a space's membership log) is named alone.
func (n *Node) describeDocs(ctx context.Context, ids []string) ([]ChangedDoc, error) {
	out := make([]ChangedDoc, len(ids))
	err := n.db.View(ctx, func(tx *store.Tx) error {
		for i, id := range ids {
			out[i].Doc = id
			row, err := tx.Doc(id)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			out[i].Space, out[i].Type = row.Space, row.Type
		}
		return nil
	})
	return out, storeErr(err)
}

// notify tells every subscriber that docs changed. It never blocks on a
// subscriber; update calls it after each committed transaction.
func (w *watchers) notify(docs map[string]bool) {
	if len(docs) == 0 {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for c := range w.subs {
		c.add(docs)
	}
}

// add gathers docs and wakes Next.
func (c *Changes) add(docs map[string]bool) {
	c.mu.Lock()
	for id := range docs {
		c.docs[id] = true
	}
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default: // already awake
	}
}
