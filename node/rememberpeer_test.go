package node_test

import (
	"io"
	"slices"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/network"

	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/replicate"
)

// TestPeerRememberedWhenClosedDuringPull closes a node while its first
// pull from its bootstrap peer is under way (the peer takes the stream and
// never answers), then opens it again: the peer must be remembered with
// its address, or a node restarted without bootstrap peers would have no
// one to dial (TestServeThreeNodes once saw "c holds 1 entries" so).
func TestPeerRememberedWhenClosedDuringPull(t *testing.T) {
	ctx := t.Context()
	n, opts := serveNode(t, "Chen")
	must[node.Space](t)(n.CreateSpace(ctx, "Tenants Union"))

	h, err := libp2p.New(libp2p.ListenAddrStrings(serveLoopback))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	opened := make(chan struct{}, 1)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	silent := func(st network.Stream) {
		select {
		case opened <- struct{}{}:
		default:
		}
		go func() { io.Copy(io.Discard, st) }() // ends when the stream does
		<-release
		st.Reset()
	}
	h.SetStreamHandler(replicate.ProtocolBatched, silent)
	h.SetStreamHandler(replicate.ProtocolID, silent)
	addr := h.Addrs()[0].String()

	serveStart(t, n, addr+"/p2p/"+h.ID().String())
	select {
	case <-opened:
	case <-time.After(time.Minute):
		t.Fatal("the node opened no pull to its bootstrap peer")
	}
	if err := n.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}

	again := must[*node.Node](t)(node.Open(ctx, opts))
	t.Cleanup(func() { again.Close() })
	peers := must[[]node.PeerInfo](t)(again.Peers(ctx))
	i := slices.IndexFunc(peers, func(p node.PeerInfo) bool { return p.PeerID == h.ID().String() })
	if i < 0 || peers[i].LastSeen == nil || !slices.Contains(peers[i].Addresses, addr) {
		t.Fatalf("the bootstrap peer %s at %s is not remembered after a close during its pull: %+v", h.ID(), addr, peers)
	}
}
