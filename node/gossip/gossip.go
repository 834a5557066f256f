package gossip

import (
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	pb "github.com/libp2p/go-libp2p-pubsub/pb"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/weftsync/weft/node/latency"
)

// Options configure a Gossip; every field is optional.
type Options struct {
	// OnMissing is called (from an apply worker or a validator, at most once
	// a second per space and peer) when changes delivered by peer p were
	// held for dependencies we lack, an announcement named changes we lack,
	// or an attestation named a signer our roster does not know: the node
	// should pull from p by sync. It must not block.
	OnMissing func(space string, p peer.ID)
	// OnPeerJoin is called (from one watcher per topic) when pubsub learns
	// that peer p is on space's topic, and for each peer already on it
	// when we join: the node should pull from p soon, since a change
	// published before pubsub knew of p did not reach it. It must not
	// block.
	OnPeerJoin func(space string, p peer.ID)
	// Banned reports peers to keep off pubsub whatever their membership
	// (the quarantine list, by attested author).
	Banned func(peer.ID) bool
	// ValidateTimeout bounds one validation (default DefaultValidateTimeout).
	ValidateTimeout time.Duration
	// Queue and Workers size the apply pool (defaults DefaultQueue and
	// DefaultWorkers). A full queue holds delivery back.
	Queue, Workers int
	// RefreshEvery is how often Refresh runs on its own (default
	// DefaultRefresh); call Refresh after any change of membership or key.
	RefreshEvery time.Duration
	// Quota bounds what one forwarder and one author may make us validate
	// and apply (zero fields take DefaultQuota's values).
	Quota Quota
	// Logger receives gossip's logs (default: discarded).
	Logger *slog.Logger
	// PubSub are extra pubsub options, after gossip's own (tests add
	// tracers).
	PubSub []pubsub.Option
}

func (o *Options) defaults() {
	if o.ValidateTimeout <= 0 {
		o.ValidateTimeout = DefaultValidateTimeout
	}
	if o.Queue <= 0 {
		o.Queue = DefaultQueue
	}
	if o.Workers <= 0 {
		o.Workers = DefaultWorkers
	}
	if o.RefreshEvery <= 0 {
		o.RefreshEvery = DefaultRefresh
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.OnMissing == nil {
		o.OnMissing = func(string, peer.ID) {}
	}
	if o.OnPeerJoin == nil {
		o.OnPeerJoin = func(string, peer.ID) {}
	}
	if o.Banned == nil {
		o.Banned = func(peer.ID) bool { return false }
	}
}

// Gossip runs weft's topics on one host. Its methods are safe for
// concurrent use. The host belongs to the caller and outlives the Gossip.
type Gossip struct {
	h       host.Host
	local   Local
	opts    Options
	log     *slog.Logger
	ps      *pubsub.PubSub
	members *membership
	apply   chan delivery
	stats   counters
	missing *missingLimiter
	quota   *quotas

	ctx    context.Context // the root context, cancelled by Close
	cancel context.CancelFunc
	wg     sync.WaitGroup
	once   sync.Once

	mu     sync.Mutex         // guards spaces; never held by pubsub's callbacks
	spaces map[string]*joined // by space ID
	joins  atomic.Uint64      // topics joined, for Joined
	last   []SpaceKey         // what the last Refresh read; guarded by mu
	// names maps topic names to space IDs, replaced whole on each change:
	// pubsub's loop reads it without a lock.
	names atomic.Pointer[map[string]string]
}

// New starts GossipSub on h with weft's options, joins the topic of every
// space Local lists, and starts the apply workers and the periodic
// refresh. ctx bounds only the start; Close stops everything.
func New(ctx context.Context, h host.Host, local Local, opts Options) (*Gossip, error) {
	opts.defaults()
	root, cancel := context.WithCancel(context.Background())
	g := &Gossip{h: h, local: local, opts: opts, log: opts.Logger, ctx: root, cancel: cancel,
		apply: make(chan delivery, opts.Queue), missing: newMissingLimiter(), quota: newQuotas(opts.Quota),
		spaces: map[string]*joined{}}
	g.names.Store(&map[string]string{})
	g.members = newMembership(local, h.ID(), opts.Banned)
	ps, err := pubsub.NewGossipSub(root, h, g.pubsubOptions()...)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("gossip: start pubsub: %w", err)
	}
	g.ps = ps
	if err := g.Refresh(ctx); err != nil {
		g.Close()
		return nil, err
	}
	g.start()
	return g, nil
}

// pubsubOptions are the options weft's privacy and limits rest on.
func (g *Gossip) pubsubOptions() []pubsub.Option {
	opts := []pubsub.Option{
		pubsub.WithNoAuthor(),
		pubsub.WithMessageSignaturePolicy(pubsub.StrictNoSign),
		pubsub.WithMessageIdFn(messageID),
		pubsub.WithBlacklist(g.members),
		pubsub.WithAppSpecificRpcInspector(g.members.inspect),
		pubsub.WithPeerFilter(g.peerFilter),
		pubsub.WithSeenMessagesTTL(SeenTTL),
		pubsub.WithMaxMessageSize(MaxEnvelope + 64<<10),
		// Our own changes go to every member subscribed to the topic, not
		// only to our mesh: a coalition is small, and a change made in the
		// seconds before the mesh forms must not wait for the next pull.
		pubsub.WithFloodPublish(true),
		g.scoring(),
	}
	if latency.On() {
		opts = append(opts, pubsub.WithRawTracer(hopMarks{self: g.h.ID()}))
	}
	return append(opts, g.opts.PubSub...)
}

// messageID is the hash of the envelope: a replay has the ID of the
// original, and nothing in the ID names a sender.
func messageID(m *pb.Message) string {
	sum := sha256.Sum256(m.GetData())
	return string(sum[:])
}

// start runs the apply workers and the periodic refresh.
func (g *Gossip) start() {
	for range g.opts.Workers {
		g.wg.Go(g.work)
	}
	g.wg.Go(g.refreshLoop)
}

// refreshLoop re-reads spaces and memberships every RefreshEvery.
func (g *Gossip) refreshLoop() {
	t := time.NewTicker(g.opts.RefreshEvery)
	defer t.Stop()
	for {
		select {
		case <-g.ctx.Done():
			return
		case <-t.C:
			if err := g.Refresh(g.ctx); err != nil && g.ctx.Err() == nil {
				g.log.Warn("gossip refresh", "err", err)
			}
		}
	}
}

// Close leaves every topic, stops pubsub and waits for every goroutine
// Gossip owns. It is idempotent; it does not close the host.
func (g *Gossip) Close() error {
	g.once.Do(func() {
		g.mu.Lock()
		for _, j := range g.spaces {
			g.leave(j)
		}
		g.mu.Unlock()
		g.cancel()
		g.wg.Wait()
	})
	return nil
}
