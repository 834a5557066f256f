package node

import (
	"context"
	"testing"

	"github.com/weftsync/weft/node/replicate"
)

// PreparedValid counts the attestations whose signature a PrepareFrame
// result holds as verified.
func PreparedValid(p any) int {
	c, _ := p.(sigCache)
	n := 0
	for _, err := range c {
		if err == nil {
			n++
		}
	}
	return n
}

// SetPipeGroup sets how many new documents a batch hands the engine at
// once, until the test ends.
func SetPipeGroup(t testing.TB, n int) {
	old := pipeGroup
	pipeGroup = n
	t.Cleanup(func() { pipeGroup = old })
}

// IngestFramesResults ingests frames of distinct documents in one batch
// as IngestFrames does, and returns the node's own results (bad
// attestations counted).
func IngestFramesResults(ctx context.Context, n *Node, frames []replicate.FrameIn) ([]IngestResult, error) {
	sigs := sigCache{}
	for _, f := range frames {
		sigs.add(f.Prepared)
	}
	return n.ingestFrames(ctx, frames, sigs)
}
