package p2p

import (
	"fmt"
	"io"

	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/p2p/discovery/mdns"
	"github.com/libp2p/go-libp2p/p2p/protocol/circuitv2/proto"
	ma "github.com/multiformats/go-multiaddr"
)

// HopProtocol is the circuit relay v2 service's protocol ID.
const HopProtocol = proto.ProtoIDv2Hop

// LANService is the mDNS service name weft announces and browses. It is
// weft's own (IPFS's is _p2p._udp), so weft nodes find only each other;
// the name itself tells everyone on the network that weft runs here.
const LANService = "_weft._udp"

// StartLAN announces h on the local network with mDNS (its peer ID and
// every interface address it listens on, which it returns) and calls
// found for every other weft node announced there. found is called on
// goroutines of its own and must not block for long. Close the returned
// service to stop announcing.
func StartLAN(h host.Host, ps *Paths, found func(peer.AddrInfo)) (io.Closer, []ma.Multiaddr, error) {
	advertised, err := h.Network().InterfaceListenAddresses()
	if err != nil {
		return nil, nil, fmt.Errorf("p2p: lan: list interface addresses: %w", err)
	}
	svc := mdns.NewMdnsService(h, LANService, notifee{ps: ps, found: found})
	if err := svc.Start(); err != nil {
		return nil, nil, fmt.Errorf("p2p: lan: start mDNS: %w", err)
	}
	return svc, advertised, nil
}

type notifee struct {
	ps    *Paths
	found func(peer.AddrInfo)
}

func (n notifee) HandlePeerFound(info peer.AddrInfo) {
	if n.ps != nil {
		n.ps.foundOnLAN(info.ID)
	}
	n.found(info)
}
