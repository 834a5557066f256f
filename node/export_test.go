package node

import (
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/weftsync/weft/node/replicate"
)

// SetFailAfterEngine makes every local edit of n fail after the engine has
// committed and before the store transaction commits, while fail returns
// an error. For tests of that window only.
func SetFailAfterEngine(n *Node, fail func(doc string) error) { n.failAfterEngine = fail }

// SetSyncOptions makes n's network, when it starts, adjust its sync
// protocol's options with f (a fixed frame budget, a cut after some
// frames). For tests only.
func SetSyncOptions(n *Node, f func(*replicate.Options)) { n.syncOptions = f }

// SetPartition makes the connection gater of n's running network refuse
// every peer for which cut returns true, both ways, and closes n's
// connections to them; a nil cut heals: the dialer redials at once. For
// partition tests only.
func SetPartition(n *Node, cut func(peerID string) bool) error {
	s, err := n.running()
	if err != nil {
		return err
	}
	if cut == nil {
		s.nemesis.Store(nil)
		s.dial.mu.Lock()
		for _, t := range s.dial.targets {
			t.delay, t.next = 0, time.Time{}
		}
		s.dial.mu.Unlock()
		s.dial.kick()
		return nil
	}
	f := func(p peer.ID) bool { return cut(p.String()) }
	s.nemesis.Store(&f)
	for _, p := range s.h.Network().Peers() {
		if f(p) {
			s.h.Network().ClosePeer(p)
		}
	}
	return nil
}
