package replicate

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
)

// Options configure a Syncer. The zero value is the production setting.
type Options struct {
	// Logger receives the Syncer's logs (default: discarded).
	Logger *slog.Logger
	// Idle is how long a read or write may make no progress (default
	// IdleTimeout).
	Idle time.Duration
	// FrameBudget, when positive, fixes the raw change bytes per frame
	// this node sends instead of adapting them to the compression ratio
	// (tests use small budgets to make many frames).
	FrameBudget int
	// MaxFrames, when positive, is a test hook: a pull stops after that
	// many frames, as if the stream were cut.
	MaxFrames int
	// Quota bounds what each peer is served and may send (zero fields
	// take DefaultQuota's values).
	Quota Quota
	// OnServed, when set, is called after each pull this Syncer answers
	// with what the opener holds of the spaces served (PeerState). It is
	// called from the stream's goroutine, concurrently, and must not block
	// for long.
	OnServed func(PeerState)
	// Unbatched, a test hook, makes the Syncer speak ProtocolID alone, as
	// a weft from before ProtocolBatched does.
	Unbatched bool
}

func (o *Options) defaults() {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Idle <= 0 {
		o.Idle = IdleTimeout
	}
}

// Syncer runs /weft/sync/3 and /weft/sync/2 on a host: it serves pulls from peers and pulls
// from them. Its methods are safe for concurrent use.
type Syncer struct {
	h       host.Host
	local   Local
	opts    Options
	log     *slog.Logger
	ctx     context.Context // cancelled by Close
	cancel  context.CancelFunc
	serving chan struct{} // one token per pull being served
	quota   *quotas
	proofs  proofTimes // proofs of membership checked, per peer and space
	proved  proofTimes // proofs of membership sent, per peer and space
	mu      sync.Mutex
	closed  bool
	wg      sync.WaitGroup
}

// New builds a Syncer over local and registers its stream handler on h.
// The caller closes the Syncer before the host.
func New(h host.Host, local Local, opts Options) *Syncer {
	opts.defaults()
	ctx, cancel := context.WithCancel(context.Background())
	s := &Syncer{h: h, local: local, opts: opts, log: opts.Logger, ctx: ctx, cancel: cancel,
		serving: make(chan struct{}, MaxServing), quota: newQuotas(opts.Quota)}
	for _, id := range s.protocols() {
		h.SetStreamHandler(id, s.handle)
	}
	return s
}

// Close removes the stream handler, ends every pull in progress either
// way and waits for them. It is idempotent.
func (s *Syncer) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	for _, id := range s.protocols() {
		s.h.RemoveStreamHandler(id)
	}
	s.cancel()
	s.wg.Wait()
	return nil
}

// enter counts one more goroutine at work, unless the Syncer is closed.
func (s *Syncer) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.wg.Add(1)
	return true
}

// resetOnCancel resets st when ctx or the Syncer's context ends; the
// returned function stops that.
func (s *Syncer) resetOnCancel(ctx context.Context, st network.Stream) func() {
	ctx, cancel := context.WithCancel(ctx)
	stopParent := context.AfterFunc(s.ctx, cancel)
	stopReset := context.AfterFunc(ctx, func() { st.Reset() })
	return func() {
		stopReset()
		stopParent()
		cancel()
	}
}

// peerKey returns the Ed25519 key of a peer ID.
func peerKey(p peer.ID) (ed25519.PublicKey, error) {
	pk, err := p.ExtractPublicKey()
	if err != nil {
		return nil, fmt.Errorf("replicate: key of peer %s: %w", p, err)
	}
	std, err := crypto.PubKeyToStdKey(pk)
	if err != nil {
		return nil, fmt.Errorf("replicate: key of peer %s: %w", p, err)
	}
	key, ok := std.(ed25519.PublicKey)
	if !ok {
		return nil, fmt.Errorf("replicate: peer %s has no Ed25519 key", p)
	}
	return key, nil
}
