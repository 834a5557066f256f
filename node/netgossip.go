package node

import (
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/weftsync/weft/node/gossip"
)

// publishEvery is how often the publisher looks at the outbox when no
// local edit woke it: a backstop, since every committed edit wakes it.
const publishEvery = 5 * time.Second

// startGossip joins the gossip topics of our spaces on the network's host.
// A batch that arrives with missing dependencies, or an announcement of
// changes too large to gossip, makes the node pull from the peer.
func (s *netState) startGossip() error {
	g, err := s.n.Gossip(s.ctx, s.h, gossip.Options{
		OnMissing:  func(_ string, p peer.ID) { s.pullSoon(p) },
		OnPeerJoin: func(_ string, p peer.ID) { s.pullSoon(p) },
		Banned:     s.deny.has,
		Quota:      s.opts.GossipQuota,
		Logger:     s.n.log,
	})
	if err != nil {
		return err
	}
	s.gossip = g
	s.kick = make(chan struct{}, 1)
	return nil
}

// publish sends what the outbox holds each time a local edit commits (or
// at the latest every publishEvery), until the network stops.
func (s *netState) publish() {
	t := time.NewTicker(publishEvery)
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-s.kick:
		case <-t.C:
		}
		if err := s.gossip.Refresh(s.ctx); err != nil && s.ctx.Err() == nil {
			s.n.log.Warn("refresh gossip topics", "err", err)
		}
		if err := s.n.PublishOutbox(s.ctx, s.gossip); err != nil && s.ctx.Err() == nil {
			s.n.log.Warn("publish the outbox", "err", err)
		}
	}
}

// kickPublisher wakes the publisher after a commit, when the network runs.
func (n *Node) kickPublisher() {
	s, err := n.running()
	if err != nil || s.kick == nil {
		return
	}
	select {
	case s.kick <- struct{}{}:
	default: // already woken
	}
}
