package node

import (
	"context"

	"github.com/weftsync/weft/node/gossip"
)

// GossipIngest ingests d as gossip's apply worker does, after validation.
func GossipIngest(ctx context.Context, n *Node, d gossip.Delivered) (bool, error) {
	return gossipLocal{n}.Ingest(ctx, d)
}
