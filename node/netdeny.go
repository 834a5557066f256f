package node

import (
	"context"
	"crypto/ed25519"
	"sync/atomic"

	"github.com/libp2p/go-libp2p/core/peer"
)

// denySet is the set of peers the connection gater refuses: the authors
// of quarantined changes. It is read from libp2p's goroutines and
// replaced whole by refresh.
type denySet struct {
	keys atomic.Pointer[map[string]bool] // Ed25519 public keys
}

// refresh rereads the quarantine list.
func (d *denySet) refresh(ctx context.Context, n *Node) error {
	qs, err := n.Quarantined(ctx)
	if err != nil {
		return err
	}
	keys := map[string]bool{}
	for _, q := range qs {
		if len(q.Author) == ed25519.PublicKeySize {
			keys[string(q.Author)] = true
		}
	}
	d.keys.Store(&keys)
	return nil
}

// has reports whether p is refused.
func (d *denySet) has(p peer.ID) bool {
	keys := d.keys.Load()
	if keys == nil || len(*keys) == 0 {
		return false
	}
	key, err := PeerKey(p.String())
	return err == nil && (*keys)[string(key)]
}

// denyNow rereads the quarantine list into the running network's deny
// set, closing the connections to the peers it now names, when the
// network runs. Called after recording a quarantine, so that its author
// is cut off at once rather than at the next timed pull.
func (n *Node) denyNow() {
	if s, err := n.running(); err == nil {
		s.refreshDeny()
	}
}
