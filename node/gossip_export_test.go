package node

import (
	"context"

	"github.com/weftsync/weft/node/gossip"
)

// GossipKeys returns the spaces n gossips in with their current epoch
// keys, for tests playing a modified client that holds the space key.
func GossipKeys(n *Node) ([]gossip.SpaceKey, error) {
	return gossipLocal{n}.Spaces(context.Background())
}
