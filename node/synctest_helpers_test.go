package node_test

import (
	"bytes"
	"crypto/sha256"
	"reflect"
	"slices"
	"testing"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/replicate"
)

// syncPeer is a node with a real libp2p host on 127.0.0.1 and a Syncer.
type syncPeer struct {
	name string
	n    *node.Node
	h    host.Host
	s    *replicate.Syncer
}

// newSyncPeer starts a host with n's identity and a Syncer over n.
func newSyncPeer(t *testing.T, name string, n *node.Node, opts replicate.Options) *syncPeer {
	t.Helper()
	key, err := crypto.UnmarshalEd25519PrivateKey(node.IdentityOf(n).Private)
	if err != nil {
		t.Fatal(err)
	}
	h, err := libp2p.New(libp2p.Identity(key), libp2p.ListenAddrStrings("/ip4/127.0.0.1/tcp/0"), libp2p.DisableRelay())
	if err != nil {
		t.Fatal(err)
	}
	if h.ID().String() != n.PeerID() {
		t.Fatalf("libp2p peer ID %s, node.PeerID %s", h.ID(), n.PeerID())
	}
	p := &syncPeer{name: name, n: n, h: h, s: replicate.New(h, n.SyncLocal(), opts)}
	t.Cleanup(func() {
		p.s.Close()
		h.Close()
	})
	return p
}

// restartSyncer replaces p's Syncer with one built with opts.
func (p *syncPeer) restartSyncer(opts replicate.Options) {
	p.s.Close()
	p.s = replicate.New(p.h, p.n.SyncLocal(), opts)
}

// connect connects every pair of peers.
func connect(t *testing.T, peers ...*syncPeer) {
	t.Helper()
	for i, a := range peers {
		for _, b := range peers[i+1:] {
			if err := a.h.Connect(t.Context(), peer.AddrInfo{ID: b.h.ID(), Addrs: b.h.Addrs()}); err != nil {
				t.Fatalf("connect %s to %s: %v", a.name, b.name, err)
			}
		}
	}
}

// pull makes to pull from from, failing the test on error.
func pull(t *testing.T, to, from *syncPeer) replicate.Report {
	t.Helper()
	rep, err := to.s.Pull(t.Context(), from.h.ID())
	if err != nil {
		t.Fatalf("%s pulls from %s: %v (report %+v)", to.name, from.name, err, rep)
	}
	return rep
}

// converge runs pairwise pulls, in rounds, until a round brings nothing new
// (at most maxRounds rounds).
func converge(t *testing.T, peers ...*syncPeer) {
	t.Helper()
	const maxRounds = 6
	for round := 0; round < maxRounds; round++ {
		moved := 0
		for _, to := range peers {
			for _, from := range peers {
				if to != from {
					rep := pull(t, to, from)
					moved += rep.Ingested().Stored + opsIn(rep)
				}
			}
		}
		if moved == 0 {
			return
		}
	}
	t.Fatalf("no convergence after %d rounds", maxRounds)
}

// opsIn counts the membership operations a pull received.
func opsIn(rep replicate.Report) int {
	n := 0
	for _, s := range rep.Spaces {
		n += s.Ops
	}
	return n
}

// changeSets returns, per document of the space, the sorted hashes of n's
// stored changes.
func changeSets(t *testing.T, n *node.Node, space string) map[string][][32]byte {
	t.Helper()
	digest, err := n.SyncLocal().Digest(t.Context(), space)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][][32]byte{}
	for doc := range digest {
		var hs [][32]byte
		for _, raw := range node.DocChanges(n, doc) {
			hs = append(hs, sha256.Sum256(raw))
		}
		slices.SortFunc(hs, func(a, b [32]byte) int { return bytes.Compare(a[:], b[:]) })
		out[doc] = hs
	}
	return out
}

// sameChanges fails unless every peer stores exactly the same changes.
func sameChanges(t *testing.T, space string, peers ...*syncPeer) {
	t.Helper()
	want := changeSets(t, peers[0].n, space)
	for _, p := range peers[1:] {
		if got := changeSets(t, p.n, space); !reflect.DeepEqual(got, want) {
			t.Errorf("%s's change sets differ from %s's: %d docs vs %d", p.name, peers[0].name, len(got), len(want))
		}
	}
}

// rawPull sends req from to to from over a new stream, as a modified
// client could, and returns every frame of the answer.
func rawPull(t *testing.T, to, from *syncPeer, req *replicate.Request) []*replicate.Frame {
	t.Helper()
	return rawPullFrom(t, to.h, from.h.ID(), req, &byteRecorder{})
}
