package node

import (
	"sync/atomic"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/weftsync/weft/node/gossip"
	"github.com/weftsync/weft/node/latency"
)

// beforeRefresh, set by tests only, runs on the publisher goroutine
// before each refresh of the gossip topics: a test holds it there to keep
// the topics behind the roster while a local edit runs.
var beforeRefresh atomic.Pointer[func(*Node)]

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
	s.fresh = &freshQueue{}
	return nil
}

// publish sends the local changes committed since it last ran each time a
// commit wakes it, from memory when it can (publishqueue.go), and what the
// outbox holds at the latest every publishEvery, until the network stops.
// It publishes first and refreshes the gossip topics after (a commit may
// have changed a roster or a key), then publishes again if the refresh
// joined a topic: the refresh is off the path of a change to its first
// receiver. Publishing itself refreshes first when the roster (from
// memory) or the store's epoch or key (from the outbox) of a space it
// publishes differs from what the joined topic was refreshed at.
func (s *netState) publish() {
	s.goRun(s.prepareWAL) // the WAL written ahead, off the path (walahead.go)
	t := time.NewTicker(publishEvery)
	defer t.Stop()
	for {
		readAll := false
		select {
		case <-s.ctx.Done():
			return
		case <-s.kick:
		case <-t.C:
			readAll = true // the backstop reads the outbox itself
		}
		latency.Mark("pub.wake")
		s.publishFresh(readAll)
		latency.Mark("pub.done")
		if h := beforeRefresh.Load(); h != nil {
			(*h)(s.n) // a test holding the topics stale (export_publishfallback_test.go)
		}
		before := s.gossip.Joined()
		if err := s.gossip.Refresh(s.ctx); err != nil && s.ctx.Err() == nil {
			s.n.log.Warn("refresh gossip topics", "err", err)
		}
		latency.Mark("pub.refreshed")
		if s.gossip.Joined() != before {
			s.publishFresh(true) // rows kept for a topic we had not joined
		}
	}
}

// publishFresh publishes the local changes committed since the last
// call: from memory when it holds all of the outbox, else (and with
// readAll) by reading the outbox.
func (s *netState) publishFresh(readAll bool) {
	s.fresh.pub.Lock()
	defer s.fresh.pub.Unlock()
	if err := s.n.publishFresh(s.ctx, s.gossip, s.fresh, readAll, false); err != nil && s.ctx.Err() == nil {
		s.n.log.Warn("publish the outbox", "err", err)
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
