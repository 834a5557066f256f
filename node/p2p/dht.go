package p2p

import (
	"context"
	"fmt"

	dht "github.com/libp2p/go-libp2p-kad-dht"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"
)

// DHTPrefix is the protocol prefix of weft's DHT: its own network, never
// IPFS's public /ipfs one.
const DHTPrefix = "/weft"

// DHT is weft's private Kademlia DHT, used only to find members' addresses
// by peer ID: no provider records (which would list a space's members
// together) and no values.
type DHT struct {
	d *dht.IpfsDHT
}

// StartDHT joins weft's DHT on h: as a server (relays, which others can
// reach) or a client, bootstrapping from the peers bootstrap returns (the
// relays and remembered peers). Close it before the host.
func StartDHT(h host.Host, server bool, bootstrap func() []peer.AddrInfo) (*DHT, error) {
	mode := dht.ModeClient
	if server {
		mode = dht.ModeServer
	}
	d, err := dht.New(h,
		dht.ProtocolPrefix(DHTPrefix),
		dht.Mode(mode),
		dht.BootstrapPeersFunc(bootstrap),
		dht.DisableProviders(),
		dht.DisableValues(),
	)
	if err != nil {
		return nil, fmt.Errorf("p2p: start DHT: %w", err)
	}
	return &DHT{d: d}, nil
}

// FindPeer looks p's addresses up in the DHT.
func (d *DHT) FindPeer(ctx context.Context, p peer.ID) (peer.AddrInfo, error) {
	info, err := d.d.FindPeer(ctx, p)
	if err != nil {
		return info, fmt.Errorf("p2p: find %s in the DHT: %w", p, err)
	}
	return info, nil
}

// Close leaves the DHT.
func (d *DHT) Close() error { return d.d.Close() }
