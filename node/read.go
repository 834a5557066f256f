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
	if err := n.overOpsErr(doc); err != nil {
		return model.View{}, err
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	v, err := n.eng.View(ctx, doc)
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
	return n.eng.View(ctx, doc)
}
