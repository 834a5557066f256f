package p2p

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/p2p/host/autorelay"
	relayv2 "github.com/libp2p/go-libp2p/p2p/protocol/circuitv2/relay"
	"github.com/libp2p/go-libp2p/p2p/protocol/holepunch"
	"github.com/libp2p/go-libp2p/p2p/security/noise"
	quic "github.com/libp2p/go-libp2p/p2p/transport/quic"
	"github.com/libp2p/go-libp2p/p2p/transport/tcp"
	ma "github.com/multiformats/go-multiaddr"
	manet "github.com/multiformats/go-multiaddr/net"
)

// UserAgent is what identify tells every peer this host runs: the same
// for every libp2p program, unlike the default, which names the module.
const UserAgent = "libp2p"

// Config is what a host is built from. Key is required.
type Config struct {
	// Key is the node's Ed25519 identity; the peer ID derives from it.
	Key ed25519.PrivateKey
	// Listen lists the multiaddrs to listen on (default DefaultListen()).
	Listen []string
	// Deny, when set, reports the peers to refuse, both ways. It is called
	// from libp2p's goroutines, concurrently, and must not block for long.
	Deny func(peer.ID) bool
	// Logger receives the host's warnings (default: discarded).
	Logger *slog.Logger

	// Relay, when set, makes the host a circuit relay for the peers it
	// allows (never an open relay), publicly reachable by force.
	Relay *RelayConfig
	// Relays, when set, lists candidate relays for AutoRelay, which keeps
	// reservations on up to two of them while the host is not publicly
	// reachable. It is called from libp2p's goroutines.
	Relays func(ctx context.Context) []peer.AddrInfo
	// NoHolePunch turns hole punching (DCUtR) off.
	NoHolePunch bool
	// Paths, when set, records how each peer is reached (PathOf).
	Paths *Paths
}

// New builds a host listening on cfg.Listen. When an address's port is
// taken it returns an error matching ErrPortInUse that names the address;
// other listen failures (an address family the machine lacks) are logged
// and skipped unless no address is left. The caller closes the host,
// which also stops its relay service.
func New(cfg Config) (host.Host, error) {
	if len(cfg.Key) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("p2p: new host: key must be an Ed25519 private key")
	}
	if len(cfg.Listen) == 0 {
		cfg.Listen = DefaultListen()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Paths == nil {
		cfg.Paths = NewPaths()
	}
	addrs, err := parseAddrs(cfg.Listen)
	if err != nil {
		return nil, err
	}
	sk, err := crypto.UnmarshalEd25519PrivateKey(cfg.Key)
	if err != nil {
		return nil, fmt.Errorf("p2p: new host: %w", err)
	}
	h, err := libp2p.New(options(sk, cfg, addrs)...)
	if err != nil {
		return nil, fmt.Errorf("p2p: new host: %w", err)
	}
	if err := listen(h, addrs, cfg.Logger); err != nil {
		h.Close()
		return nil, err
	}
	if cfg.Relay == nil {
		return h, nil
	}
	r, err := startRelay(h, *cfg.Relay)
	if err != nil {
		h.Close()
		return nil, err
	}
	return &relayHost{Host: h, relay: r}, nil
}

// relayHost is a host that runs a relay service, stopped with it.
type relayHost struct {
	host.Host
	relay *relayv2.Relay
}

// Close stops the relay service, then the host.
func (h *relayHost) Close() error { return errors.Join(h.relay.Close(), h.Host.Close()) }

// options are the libp2p options of a weft host: only what weft speaks.
func options(sk crypto.PrivKey, cfg Config, listen []ma.Multiaddr) []libp2p.Option {
	opts := []libp2p.Option{
		libp2p.Identity(sk),
		libp2p.NoListenAddrs,
		// Without SO_REUSEPORT a second weft on the same port fails to
		// listen (and says so) instead of silently sharing the port.
		libp2p.Transport(tcp.NewTCPTransport, tcp.DisableReuseport()),
		libp2p.Transport(quic.NewTransport),
		libp2p.Security(noise.ID, noise.New),
		libp2p.UserAgent(UserAgent),
		libp2p.ConnectionGater(&gater{deny: cfg.Deny}),
		libp2p.Ping(false),
		libp2p.DisableMetrics(),
		// The relay transport: dial members through a relay, and accept
		// circuits through the relays this host holds reservations on.
		libp2p.EnableRelay(),
	}
	switch {
	case cfg.Relay != nil:
		// A relay must be reachable; it also answers others' AutoNAT
		// probes, so that members learn whether they are reachable.
		opts = append(opts, libp2p.ForceReachabilityPublic(), libp2p.EnableNATService())
	case !hasPublicAddr(listen):
		// No public address configured: behind NAT until shown otherwise,
		// which is what starts AutoRelay at once.
		opts = append(opts, libp2p.ForceReachabilityPrivate())
	}
	// Otherwise AutoNAT (on by default) decides.
	if cfg.Relays != nil && cfg.Relay == nil {
		opts = append(opts, libp2p.EnableAutoRelayWithPeerSource(peerSource(cfg.Relays),
			autorelay.WithMinCandidates(1),
			autorelay.WithNumRelays(2),
			autorelay.WithBootDelay(0),
			autorelay.WithBackoff(30*time.Second),
			autorelay.WithMinInterval(5*time.Second),
		))
	}
	if !cfg.NoHolePunch {
		opts = append(opts, libp2p.EnableHolePunching(holepunch.WithTracer(cfg.Paths)))
	}
	return opts
}

// peerSource adapts a list of candidate relays to AutoRelay's source.
func peerSource(list func(context.Context) []peer.AddrInfo) autorelay.PeerSource {
	return func(ctx context.Context, num int) <-chan peer.AddrInfo {
		cands := list(ctx)
		if len(cands) > num {
			cands = cands[:num]
		}
		ch := make(chan peer.AddrInfo, len(cands))
		for _, c := range cands {
			ch <- c
		}
		close(ch)
		return ch
	}
}

// hasPublicAddr reports whether a listen address names a public IP (an
// unspecified address such as 0.0.0.0 does not).
func hasPublicAddr(addrs []ma.Multiaddr) bool {
	for _, a := range addrs {
		if manet.IsPublicAddr(a) && !manet.IsIPUnspecified(a) {
			return true
		}
	}
	return false
}
