package p2p

import (
	"github.com/libp2p/go-libp2p/core/connmgr"
	"github.com/libp2p/go-libp2p/core/control"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"
)

// gater refuses the peers deny reports, before dialing them and once an
// inbound connection's peer is known. It sees only peers and addresses:
// membership is checked by each protocol's stream handler.
type gater struct {
	deny func(peer.ID) bool
}

var _ connmgr.ConnectionGater = (*gater)(nil)

func (g *gater) denied(p peer.ID) bool { return g.deny != nil && g.deny(p) }

// InterceptPeerDial refuses to dial a denied peer.
func (g *gater) InterceptPeerDial(p peer.ID) bool { return !g.denied(p) }

// InterceptAddrDial refuses every address of a denied peer.
func (g *gater) InterceptAddrDial(p peer.ID, _ ma.Multiaddr) bool { return !g.denied(p) }

// InterceptAccept accepts every inbound connection: its peer is not known yet.
func (g *gater) InterceptAccept(network.ConnMultiaddrs) bool { return true }

// InterceptSecured refuses a connection, either way, once its peer is
// known to be denied.
func (g *gater) InterceptSecured(_ network.Direction, p peer.ID, _ network.ConnMultiaddrs) bool {
	return !g.denied(p)
}

// InterceptUpgraded accepts what InterceptSecured let through.
func (g *gater) InterceptUpgraded(network.Conn) (bool, control.DisconnectReason) { return true, 0 }
