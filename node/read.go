package node

import (
	"context"
	"errors"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node/engine"
	"github.com/weftsync/weft/node/seal"
	"github.com/weftsync/weft/store"
)

// view reads doc through the engine, loading it from the store when the
// engine does not hold it.
func (n *Node) view(ctx context.Context, doc string) (model.View, error) {
	return n.viewBy(ctx, doc, n.eng.View)
}

// viewRoot is view of the document's root fields alone (Engine.ViewRoot).
func (n *Node) viewRoot(ctx context.Context, doc string) (model.View, error) {
	return n.viewBy(ctx, doc, n.eng.ViewRoot)
}

// viewBy reads doc with read, loading it into the engine first when the
// engine does not hold it.
func (n *Node) viewBy(ctx context.Context, doc string, read func(context.Context, string) (model.View, error)) (model.View, error) {
	if err := n.overOpsErr(doc); err != nil {
		return model.View{}, err
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	v, err := read(ctx, doc)
	if !errors.Is(err, engine.ErrNotLoaded) {
		return v, err
	}
	load := func(tx *store.Tx) error {
		actor, ok, err := tx.Lease(doc)
		if err != nil {
			return err
		}
		if !ok { // a read-only copy: the first edit leases an actor and reloads
			actor = seal.NewActor(n.id.Public)
		}
		return n.loadDoc(ctx, tx, doc, actor)
	}
	err = n.db.View(ctx, load)
	if storedBroken(ctx, err) { // repair.go
		if rerr := n.repairCommitted(ctx, doc, err); rerr != nil {
			err = errors.Join(err, rerr)
		} else {
			err = n.db.View(ctx, load)
		}
	}
	if err != nil {
		return model.View{}, storeErr(err)
	}
	n.keepSnapshot(ctx, doc)
	return read(ctx, doc)
}
