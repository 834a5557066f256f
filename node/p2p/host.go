package p2p

import (
	"crypto/ed25519"
	"fmt"
	"log/slog"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/p2p/security/noise"
	quic "github.com/libp2p/go-libp2p/p2p/transport/quic"
	"github.com/libp2p/go-libp2p/p2p/transport/tcp"
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
}

// New builds a host listening on cfg.Listen. When an address's port is
// taken it returns an error matching ErrPortInUse that names the address;
// other listen failures (an address family the machine lacks) are logged
// and skipped unless no address is left.
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
	addrs, err := parseAddrs(cfg.Listen)
	if err != nil {
		return nil, err
	}
	sk, err := crypto.UnmarshalEd25519PrivateKey(cfg.Key)
	if err != nil {
		return nil, fmt.Errorf("p2p: new host: %w", err)
	}
	h, err := libp2p.New(options(sk, cfg.Deny)...)
	if err != nil {
		return nil, fmt.Errorf("p2p: new host: %w", err)
	}
	if err := listen(h, addrs, cfg.Logger); err != nil {
		h.Close()
		return nil, err
	}
	return h, nil
}

// options are the libp2p options of a weft host: only what weft speaks.
func options(sk crypto.PrivKey, deny func(peer.ID) bool) []libp2p.Option {
	return []libp2p.Option{
		libp2p.Identity(sk),
		libp2p.NoListenAddrs,
		// Without SO_REUSEPORT a second weft on the same port fails to
		// listen (and says so) instead of silently sharing the port.
		libp2p.Transport(tcp.NewTCPTransport, tcp.DisableReuseport()),
		libp2p.Transport(quic.NewTransport),
		libp2p.Security(noise.ID, noise.New),
		libp2p.UserAgent(UserAgent),
		libp2p.ConnectionGater(&gater{deny: deny}),
		libp2p.DisableRelay(),
		libp2p.Ping(false),
		libp2p.DisableMetrics(),
	}
}
