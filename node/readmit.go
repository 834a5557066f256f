package node

import (
	"context"
	"crypto/ed25519"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/weftsync/weft/node/member"
)

// readmitTimeout bounds the redial of one readmitted peer.
const readmitTimeout = 20 * time.Second

// Pubsub reads its blacklist (members of none of our spaces) only when a
// connection is identified (DESIGN.md section 7): when our roster admits a
// peer we are connected to, or we join a space, the gossip topics are
// refreshed and each such connection is closed and redialled.

// newMembers lists the keys after admits that before did not (before nil:
// every member of after).
func newMembers(before, after *member.Roster) []ed25519.PublicKey {
	var out []ed25519.PublicKey
	for _, m := range after.Members() {
		if before == nil || !before.IsMember(m.Key) {
			out = append(out, m.Key)
		}
	}
	return out
}

// readmitKeys readmits the connected peers among keys, when the network
// runs. The update helper calls it after a commit that admitted them.
func (n *Node) readmitKeys(keys []ed25519.PublicKey) {
	if len(keys) == 0 {
		return
	}
	s, err := n.running()
	if err != nil {
		return
	}
	var peers []peer.ID
	for _, k := range keys {
		if p, err := peer.Decode(PeerID(k)); err == nil && !k.Equal(n.id.Public) {
			peers = append(peers, p)
		}
	}
	s.readmitSoon(peers)
}

// readmitSoon, on a goroutine of the network, refreshes the gossip topics
// and readmits each of peers we are connected to.
func (s *netState) readmitSoon(peers []peer.ID) {
	s.goRun(func() {
		if err := s.gossip.Refresh(s.ctx); err != nil && s.ctx.Err() == nil {
			s.n.log.Warn("refresh gossip topics", "err", err)
		}
		for _, p := range peers {
			if p == s.h.ID() || len(s.h.Network().ConnsToPeer(p)) == 0 {
				continue
			}
			ctx, cancel := context.WithTimeout(s.ctx, readmitTimeout)
			err := s.gossip.Readmit(ctx, p)
			cancel()
			if err != nil && s.ctx.Err() == nil {
				s.n.log.Info("readmit peer", "peer", p.String(), "err", err)
			}
		}
	})
}
