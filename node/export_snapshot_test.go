package node

import (
	"context"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node/seal"
	"github.com/weftsync/weft/store"
)

// SnapshotEvery is how many uncovered changes make the node write a
// snapshot.
const SnapshotEvery = snapshotEvery

// SnapshotLoads counts the loads n's current engine process made from a
// snapshot.
func SnapshotLoads(n *Node) (int, error) { return n.eng.SnapshotLoads(context.Background()) }

// DocView reads doc as the node does: from the engine, loading it from the
// store (and keeping its snapshots) when the engine does not hold it.
func DocView(ctx context.Context, n *Node, doc string) (model.View, error) { return n.view(ctx, doc) }

// ForgetDoc makes n's engine forget doc, so that the next read loads it
// from the store as after a reopen.
func ForgetDoc(ctx context.Context, n *Node, doc string) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.eng.Drop(ctx, doc)
}

// NewestSnapshot returns what doc's newest snapshot covers and its data,
// ok false when there is none.
func NewestSnapshot(ctx context.Context, n *Node, doc string) (covers [][32]byte, data []byte, ok bool, err error) {
	err = n.db.View(ctx, func(tx *store.Tx) error {
		covers, data, ok, err = tx.Snapshot(doc)
		return err
	})
	return covers, data, ok, err
}

// PutSnapshot stores data as doc's newest snapshot, covering covers, with
// none of the node's checks: for tests of snapshots that do not load.
func PutSnapshot(ctx context.Context, n *Node, doc string, covers [][32]byte, data []byte) error {
	return n.db.Update(ctx, func(tx *store.Tx) error { return tx.PutSnapshot(doc, covers, data) })
}

// StoredHashes returns the hashes of doc's stored changes, in stored order.
func StoredHashes(ctx context.Context, n *Node, doc string) ([][32]byte, error) {
	var out [][32]byte
	err := n.db.View(ctx, func(tx *store.Tx) error {
		cs, err := tx.Changes(doc)
		for _, c := range cs {
			out = append(out, c.Hash)
		}
		return err
	})
	return out, err
}

// FirstView makes the engine forget doc, then loads and views it, from its
// newest snapshot when fromSnapshot is set (as the node does), from every
// stored change otherwise (as it did before snapshots). Neither writes a
// snapshot. For benchmarks of opening a document.
func FirstView(ctx context.Context, n *Node, doc string, fromSnapshot bool) (model.View, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if err := n.eng.Drop(ctx, doc); err != nil {
		return model.View{}, err
	}
	err := n.db.View(ctx, func(tx *store.Tx) error {
		actor := seal.NewActor(n.id.Public)
		if fromSnapshot {
			return n.loadDoc(ctx, tx, doc, actor)
		}
		cs, err := tx.Changes(doc)
		if err != nil {
			return err
		}
		_, err = n.eng.Load(ctx, doc, rawChanges(cs), actor)
		return err
	})
	if err != nil {
		return model.View{}, err
	}
	return n.eng.View(ctx, doc)
}

// WriteSnapshot writes a snapshot of doc as the node does when one is due
// (the engine must hold doc).
func WriteSnapshot(ctx context.Context, n *Node, doc string) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.writeSnapshot(ctx, doc)
}
