package gossip

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/peer"
)

// joined is our place on one space's current topic.
type joined struct {
	SpaceKey
	name  string
	topic *pubsub.Topic
	sub   *pubsub.Subscription
	stop  chan struct{} // closed by leave
	done  chan struct{} // closed when the reader returns
	// events reports peers joining the topic; stopEvents ends its watcher,
	// which closes eventsDone.
	events     *pubsub.TopicEventHandler
	stopEvents context.CancelFunc
	eventsDone chan struct{}
}

// Refresh re-reads Local: it joins the topic of each space's current epoch,
// leaves the topics of spaces (or epochs) no longer listed, and forgets
// every membership it remembered. Call it after any change to a roster or
// an epoch key. When Local lists the same spaces, epochs, keys and roster
// versions as last time, and every topic is joined, it does nothing: the
// node calls it after every commit.
func (g *Gossip) Refresh(ctx context.Context) error {
	keys, err := g.local.Spaces(ctx)
	if err != nil {
		return fmt.Errorf("gossip: refresh: %w", err)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.ctx.Err() != nil {
		return ErrClosed
	}
	if g.unchanged(keys) {
		return nil
	}
	g.last = keys
	ids := make([]string, 0, len(keys))
	want := map[string]SpaceKey{}
	for _, k := range keys {
		want[k.ID] = k
		ids = append(ids, k.ID)
	}
	g.members.reset(ids)
	var errs []error
	for id, j := range g.spaces {
		if k, ok := want[id]; !ok || k.Epoch != j.Epoch || !bytes.Equal(k.Key, j.Key) {
			g.leave(j)
		}
	}
	for id, k := range want {
		if _, ok := g.spaces[id]; !ok {
			errs = append(errs, g.join(k))
		}
	}
	return errors.Join(errs...)
}

// unchanged reports whether keys are what the last Refresh read and every
// one of them is joined. Called with g.mu held.
func (g *Gossip) unchanged(keys []SpaceKey) bool {
	if len(keys) != len(g.last) || len(keys) != len(g.spaces) {
		return false
	}
	for i, k := range keys {
		l := g.last[i]
		j, ok := g.spaces[k.ID]
		if !ok || k.ID != l.ID || k.Epoch != l.Epoch || k.Roster != l.Roster || !bytes.Equal(k.Key, l.Key) ||
			j.Epoch != k.Epoch || !bytes.Equal(j.Key, k.Key) {
			return false
		}
	}
	return true
}

// UpToDate reports whether the last Refresh read space at roster version
// roster (SpaceKey.Roster) and its topic is joined: then the joined topic
// is of the epoch and key that version of the roster names.
func (g *Gossip) UpToDate(space string, roster [32]byte) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, ok := g.spaces[space]; !ok {
		return false
	}
	for _, k := range g.last {
		if k.ID == space {
			return k.Roster == roster
		}
	}
	return false
}

// Joined counts the topics joined since New: it changes when a Refresh
// joined one (a new space, or a space's new epoch).
func (g *Gossip) Joined() uint64 { return g.joins.Load() }

// join subscribes to k's topic with its validator. Called with g.mu held.
func (g *Gossip) join(k SpaceKey) error {
	j := &joined{SpaceKey: k, name: TopicName(k.Key), stop: make(chan struct{}), done: make(chan struct{})}
	err := g.ps.RegisterTopicValidator(j.name, g.validator(j), pubsub.WithValidatorTimeout(g.opts.ValidateTimeout))
	if err != nil {
		return fmt.Errorf("gossip: join space %s: %w", k.ID, err)
	}
	if j.topic, err = g.ps.Join(j.name); err == nil {
		j.events, err = j.topic.EventHandler()
	}
	if err == nil {
		j.sub, err = j.topic.Subscribe()
	}
	if err != nil {
		g.unjoin(j)
		return fmt.Errorf("gossip: join space %s: %w", k.ID, err)
	}
	g.spaces[k.ID] = j
	g.joins.Add(1)
	g.publishNames()
	g.wg.Go(func() { g.read(j) })
	var ctx context.Context
	ctx, j.stopEvents = context.WithCancel(g.ctx)
	j.eventsDone = make(chan struct{})
	g.wg.Go(func() { g.watchPeers(ctx, j) })
	return nil
}

// watchPeers calls OnPeerJoin for each peer that joins j's topic (and,
// first, for each already on it) until ctx ends. A flood publish reaches
// only the peers pubsub already knows to be on the topic, so a change
// made just before a peer's subscription arrived would wait for the next
// timed pull; pulling from the peer as it joins closes that gap.
func (g *Gossip) watchPeers(ctx context.Context, j *joined) {
	defer close(j.eventsDone)
	for {
		ev, err := j.events.NextPeerEvent(ctx)
		if err != nil {
			return
		}
		if ev.Type == pubsub.PeerJoin && !g.opts.Banned(ev.Peer) {
			g.opts.OnPeerJoin(j.ID, ev.Peer)
		}
	}
}

// leave unsubscribes from j's topic and waits for its reader. Called with
// g.mu held.
func (g *Gossip) leave(j *joined) {
	delete(g.spaces, j.ID)
	g.publishNames()
	close(j.stop)
	j.sub.Cancel()
	<-j.done
	j.stopEvents()
	<-j.eventsDone
	g.unjoin(j)
}

// unjoin closes what join opened.
func (g *Gossip) unjoin(j *joined) {
	if j.events != nil {
		j.events.Cancel()
	}
	if j.topic != nil {
		if err := j.topic.Close(); err != nil {
			g.log.Warn("gossip: close topic", "err", err)
		}
	}
	_ = g.ps.UnregisterTopicValidator(j.name)
}

// current returns our place on space's topic.
func (g *Gossip) current(space string) (*joined, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	j, ok := g.spaces[space]
	return j, ok
}

// Current is the epoch and key of space's joined topic, ok false when
// none is joined.
func (g *Gossip) Current(space string) (SpaceKey, bool) {
	j, ok := g.current(space)
	if !ok {
		return SpaceKey{}, false
	}
	return j.SpaceKey, true
}

// TopicPeers lists the peers we know on space's current topic.
func (g *Gossip) TopicPeers(space string) []peer.ID {
	j, ok := g.current(space)
	if !ok {
		return nil
	}
	return j.topic.ListPeers()
}

// publishNames rebuilds the topic-to-space map pubsub's peer filter reads.
// Called with g.mu held.
func (g *Gossip) publishNames() {
	names := make(map[string]string, len(g.spaces))
	for id, j := range g.spaces {
		names[j.name] = id
	}
	g.names.Store(&names)
}

// Topic returns the name of space's current topic, if we are on it.
func (g *Gossip) Topic(space string) (string, bool) {
	j, ok := g.current(space)
	if !ok {
		return "", false
	}
	return j.name, true
}
