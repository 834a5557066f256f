package node

import (
	"context"

	"github.com/weftsync/weft/node/gossip"
)

// GossipIngest ingests d as gossip's apply worker does, after validation.
func GossipIngest(ctx context.Context, n *Node, d gossip.Delivered) (bool, error) {
	return gossipLocal{n}.Ingest(ctx, d)
}

// SetPacedOff turns decision 0032's paths off (true) or on, to measure
// them against the old ones.
func SetPacedOff(off bool) { pacedOff.Store(off) }

// GossipIngestAll ingests ds in one transaction, as gossip's apply worker
// does with deliveries waiting together.
func GossipIngestAll(ctx context.Context, n *Node, ds []gossip.Delivered) ([]bool, error) {
	return gossipLocal{n}.IngestAll(ctx, ds)
}
