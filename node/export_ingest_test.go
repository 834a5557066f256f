package node

import (
	"context"

	"github.com/weftsync/weft/node/seal"
	"github.com/weftsync/weft/store"
)

// DocChanges returns doc's stored raw changes, for tests that build
// changes the way a modified client would.
func DocChanges(n *Node, doc string) [][]byte {
	var out [][]byte
	_ = n.db.View(context.Background(), func(tx *store.Tx) error {
		cs, err := tx.Changes(doc)
		out = rawChanges(cs)
		return err
	})
	return out
}

// IdentityOf returns n's identity, for tests playing a modified client.
func IdentityOf(n *Node) *seal.Identity { return n.id }

// EngineRestarts counts n's engine processes lost so far.
func EngineRestarts(n *Node) int { return n.eng.Restarts() }

// EngineStats reports n's engine resident size in bytes and open documents.
func EngineStats(n *Node) (int64, int, error) { return n.eng.Stats(context.Background()) }

// DecodeJoinRequest decodes a join request, for fuzzing.
func DecodeJoinRequest(b []byte) error {
	_, err := decodeJoinRequest(b)
	return err
}
