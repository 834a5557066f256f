package node

import (
	"context"
	"crypto/ed25519"
	"slices"
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

// readmitChecks is how many times a readmitted peer is looked for on our
// gossip topics, the first readmitRecheck after the readmission and each
// later one twice as long after the one before, and readmitted again when
// pubsub did not take it in: the peer readmits us at the same moment (each
// side closes and redials), and a redial that races the other side's can
// leave pubsub without the peer.
const (
	readmitChecks  = 3
	readmitRecheck = 2 * time.Second
)

// readmitSoon, on a goroutine of the network, refreshes the gossip topics
// and readmits each of peers we are connected to, then checks that pubsub
// took in those that are members of one of our spaces, readmitting them
// again when it did not.
func (s *netState) readmitSoon(peers []peer.ID) {
	s.goRun(func() {
		if err := s.gossip.Refresh(s.ctx); err != nil && s.ctx.Err() == nil {
			s.n.log.Warn("refresh gossip topics", "err", err)
		}
		pause := readmitRecheck
		for check := 0; ; check++ {
			for _, p := range peers {
				s.readmit(p)
			}
			if check == readmitChecks || !pauseCtx(s.ctx, pause) {
				return
			}
			pause *= 2
			peers = s.notOnTopics(peers)
			if len(peers) == 0 {
				return
			}
			s.n.log.Info("gossip did not take in readmitted peers; readmitting them again", "peers", len(peers))
		}
	})
}

// readmit readmits p to gossip when we are connected to it.
func (s *netState) readmit(p peer.ID) {
	if p == s.h.ID() || len(s.h.Network().ConnsToPeer(p)) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(s.ctx, readmitTimeout)
	err := s.gossip.Readmit(ctx, p)
	cancel()
	if err != nil && s.ctx.Err() == nil {
		s.n.log.Info("readmit peer", "peer", p.String(), "err", err)
	}
}

// notOnTopics returns the peers of peers we are connected to that are
// members of one of our spaces by our roster and on none of those spaces'
// gossip topics.
func (s *netState) notOnTopics(peers []peer.ID) []peer.ID {
	var out []peer.ID
	for _, p := range peers {
		if p == s.h.ID() || len(s.h.Network().ConnsToPeer(p)) == 0 {
			continue
		}
		key, err := PeerKey(p.String())
		if err != nil {
			continue
		}
		spaces, err := s.n.SyncLocal().Spaces(s.ctx, key)
		if err != nil || len(spaces) == 0 {
			continue
		}
		on := false
		for _, sp := range spaces {
			on = on || slices.Contains(s.gossip.TopicPeers(sp), p)
		}
		if !on {
			out = append(out, p)
		}
	}
	return out
}
