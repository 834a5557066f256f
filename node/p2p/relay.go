package p2p

import (
	"fmt"
	"time"

	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"
	relayv2 "github.com/libp2p/go-libp2p/p2p/protocol/circuitv2/relay"
	ma "github.com/multiformats/go-multiaddr"
)

// RelayConfig configures a host's circuit relay service.
type RelayConfig struct {
	// Allow reports whether a peer may hold a reservation on this relay
	// and open circuits through it (both ends of a circuit must be
	// allowed). It is called from libp2p's goroutines. Required: the
	// relay is never open.
	Allow func(peer.ID) bool
	// Refused, when set, is told of every refusal: a reservation (dst is
	// empty) or a circuit from src to dst.
	Refused func(src, dst peer.ID)
}

// RelayResources are the relay's limits: no limit on a circuit's length or
// data (a coalition's relay carries sync, not strangers), more circuits
// and reservations than go-libp2p's defaults, and bigger buffers.
func RelayResources() relayv2.Resources {
	return relayv2.Resources{
		Limit:                  nil,
		ReservationTTL:         time.Hour,
		MaxReservations:        1024,
		MaxCircuits:            64,
		BufferSize:             64 << 10,
		MaxReservationsPerPeer: 1,
		MaxReservationsPerIP:   64,
		MaxReservationsPerASN:  256,
	}
}

// startRelay starts the relay service on h behind cfg's ACL. Reservations
// carry every address of the relay, private ones included: the peers that
// get them are the relay's allowed peers, and a coalition's relay may sit
// on a LAN.
func startRelay(h host.Host, cfg RelayConfig) (*relayv2.Relay, error) {
	if cfg.Allow == nil {
		return nil, fmt.Errorf("p2p: relay without an allow list: weft never runs an open relay")
	}
	r, err := relayv2.New(h,
		relayv2.WithResources(RelayResources()),
		relayv2.WithACL(&acl{cfg: cfg}),
		relayv2.WithReservationAddressFilter(func(ma.Multiaddr) bool { return true }),
	)
	if err != nil {
		return nil, fmt.Errorf("p2p: start relay: %w", err)
	}
	return r, nil
}

// acl is the relay's access list.
type acl struct{ cfg RelayConfig }

// AllowReserve lets only allowed peers hold a reservation.
func (a *acl) AllowReserve(p peer.ID, _ ma.Multiaddr) bool {
	ok := a.cfg.Allow(p)
	if !ok && a.cfg.Refused != nil {
		a.cfg.Refused(p, "")
	}
	return ok
}

// AllowConnect lets a circuit through only between two allowed peers.
func (a *acl) AllowConnect(src peer.ID, _ ma.Multiaddr, dst peer.ID) bool {
	ok := a.cfg.Allow(src) && a.cfg.Allow(dst)
	if !ok && a.cfg.Refused != nil {
		a.cfg.Refused(src, dst)
	}
	return ok
}
