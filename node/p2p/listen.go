package p2p

import (
	"errors"
	"fmt"
	"log/slog"
	"syscall"

	"github.com/libp2p/go-libp2p/core/host"
	ma "github.com/multiformats/go-multiaddr"
)

// ErrPortInUse matches the error of New when a listen address's port is
// taken by another program.
var ErrPortInUse = errors.New("p2p: port in use")

// DefaultPort is weft's default TCP and UDP port. It does not collide with
// IPFS's 4001.
const DefaultPort = 7411

// DefaultListen returns the default listen addresses: TCP and QUIC on
// every IPv4 and IPv6 interface, on DefaultPort.
func DefaultListen() []string {
	return []string{
		fmt.Sprintf("/ip4/0.0.0.0/tcp/%d", DefaultPort),
		fmt.Sprintf("/ip4/0.0.0.0/udp/%d/quic-v1", DefaultPort),
		fmt.Sprintf("/ip6/::/tcp/%d", DefaultPort),
		fmt.Sprintf("/ip6/::/udp/%d/quic-v1", DefaultPort),
	}
}

func parseAddrs(ss []string) ([]ma.Multiaddr, error) {
	out := make([]ma.Multiaddr, 0, len(ss))
	for _, s := range ss {
		a, err := ma.NewMultiaddr(s)
		if err != nil {
			return nil, fmt.Errorf("p2p: listen address %q: %w", s, err)
		}
		out = append(out, a)
	}
	return out, nil
}

// addrListener is the swarm's one-address listen, which keeps the error
// (Listen formats them into a string).
type addrListener interface {
	AddListenAddr(ma.Multiaddr) error
}

// listen starts one listener per address, so that a port in use is never
// hidden behind another address that worked.
func listen(h host.Host, addrs []ma.Multiaddr, log *slog.Logger) error {
	sw, ok := h.Network().(addrListener)
	if !ok {
		return fmt.Errorf("p2p: the host's network cannot listen address by address")
	}
	var errs []error
	for _, a := range addrs {
		err := sw.AddListenAddr(a)
		switch {
		case err == nil:
			continue
		case errors.Is(err, syscall.EADDRINUSE):
			return fmt.Errorf("%w: %s is taken by another program (choose another with --listen): %w", ErrPortInUse, a, err)
		}
		log.Warn("cannot listen on an address; skipping it", "addr", a.String(), "err", err)
		errs = append(errs, fmt.Errorf("%s: %w", a, err))
	}
	if len(errs) == len(addrs) {
		return fmt.Errorf("p2p: cannot listen on any address: %w", errors.Join(errs...))
	}
	return nil
}
