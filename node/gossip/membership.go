package gossip

import (
	"context"
	"crypto/ed25519"
	"errors"
	"sync"
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/peer"
)

// memberCheckTimeout bounds one membership lookup made from pubsub's loop.
const memberCheckTimeout = 2 * time.Second

// errNotMember is what the RPC inspector answers for a peer on the
// blacklist.
var errNotMember = errors.New("gossip: not a member of any of our spaces")

// membership answers who may talk pubsub with us, remembering answers
// until the next Refresh. It is pubsub's Blacklist: it contains every peer
// that is not a member of any of our spaces, and those Add bans.
type membership struct {
	local  Local
	self   peer.ID
	banned func(peer.ID) bool

	mu     sync.Mutex
	spaces []string
	memo   map[string]bool // space + "\x00" + peer -> member
	added  map[peer.ID]bool
}

var _ pubsub.Blacklist = (*membership)(nil)

func newMembership(local Local, self peer.ID, banned func(peer.ID) bool) *membership {
	return &membership{local: local, self: self, banned: banned, memo: map[string]bool{}, added: map[peer.ID]bool{}}
}

// reset sets our spaces and forgets every remembered answer.
func (m *membership) reset(spaces []string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.spaces = spaces
	m.memo = map[string]bool{}
}

// forget drops every remembered answer.
func (m *membership) forget() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.memo = map[string]bool{}
}

// Add bans p from pubsub (pubsub's BlacklistPeer calls it).
func (m *membership) Add(p peer.ID) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.added[p] = true
	return true
}

// Contains reports whether p is kept off pubsub: banned, or a member of
// none of our spaces. A lookup that fails keeps p off.
func (m *membership) Contains(p peer.ID) bool {
	if p == m.self || p == "" {
		return false
	}
	m.mu.Lock()
	added, spaces := m.added[p], m.spaces
	m.mu.Unlock()
	if added || m.banned(p) {
		return true
	}
	for _, s := range spaces {
		if m.isMember(s, p) {
			return false
		}
	}
	return true
}

// isMember reports whether p is a member of space, from memory when it can.
func (m *membership) isMember(space string, p peer.ID) bool {
	key := space + "\x00" + string(p)
	m.mu.Lock()
	ok, known := m.memo[key]
	m.mu.Unlock()
	if known {
		return ok
	}
	pub, err := peerKey(p)
	if err != nil {
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), memberCheckTimeout)
	defer cancel()
	ok, err = m.local.IsMember(ctx, space, pub)
	if err != nil {
		return false
	}
	m.mu.Lock()
	m.memo[key] = ok
	m.mu.Unlock()
	return ok
}

// inspect drops every RPC from a peer on the blacklist, subscriptions
// included.
func (m *membership) inspect(p peer.ID, _ *pubsub.RPC) error {
	if m.Contains(p) {
		return errNotMember
	}
	return nil
}

// peerKey is the Ed25519 key a peer ID embeds.
func peerKey(p peer.ID) (ed25519.PublicKey, error) {
	pk, err := p.ExtractPublicKey()
	if err != nil {
		return nil, err
	}
	raw, err := pk.Raw()
	if err != nil || len(raw) != ed25519.PublicKeySize {
		return nil, errors.New("gossip: peer key is not Ed25519")
	}
	return raw, nil
}

// peerFilter lets a peer on a topic only if it is a member of the topic's
// space.
func (g *Gossip) peerFilter(p peer.ID, topic string) bool {
	space, ok := (*g.names.Load())[topic]
	return ok && g.members.isMember(space, p)
}

// Readmit makes pubsub take in p, a peer we are connected to that our
// roster has just admitted: pubsub reads the blacklist only when a
// connection is identified, so Readmit forgets remembered memberships,
// closes every connection to p, and dials it again (from the peerstore's
// addresses). An error means the redial failed; the node's redial with
// backoff takes over.
func (g *Gossip) Readmit(ctx context.Context, p peer.ID) error {
	g.members.forget()
	if err := g.h.Network().ClosePeer(p); err != nil {
		return err
	}
	return g.h.Connect(ctx, peer.AddrInfo{ID: p})
}
