package node

import (
	"encoding/hex"
	"maps"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/weftsync/weft/node/replicate"
	"github.com/weftsync/weft/node/seal"
)

// peerKnown is what this node has learnt each peer holds, while it
// serves: from the state a peer acknowledges at the end of each pull
// either way (replicate.PeerState, replicate.Report.Remote), and from the
// attestations gossip delivers (the author of a change holds it). A
// peer's holdings only grow, so what is learnt is merged by taking the
// maximum: nothing is ever assumed delivered. Safe for concurrent use.
type peerKnown struct {
	mu    sync.Mutex
	peers map[peer.ID]*knownPeer
}

// knownPeer is what is known of one peer.
type knownPeer struct {
	last   time.Time              // the last exchange either way
	spaces map[string]*knownSpace // by space ID
}

// knownSpace is what one peer holds of one space, as far as we know.
type knownSpace struct {
	at    time.Time // when its state was last learnt from an exchange
	acked bool      // that state was the peer's own account after an exchange
	heads [][32]byte
	docs  map[string]knownDoc
}

// knownDoc is one document's version vector as a peer holds it.
type knownDoc struct {
	typ string
	vv  map[string]uint64 // hex actor -> seq
}

// peer returns p's record, made on first use. k.mu must be held.
func (k *peerKnown) peer(p peer.ID) *knownPeer {
	if k.peers == nil {
		k.peers = map[peer.ID]*knownPeer{}
	}
	kp := k.peers[p]
	if kp == nil {
		kp = &knownPeer{spaces: map[string]*knownSpace{}}
		k.peers[p] = kp
	}
	return kp
}

// learn merges what an exchange with p at time at showed it holds.
func (k *peerKnown) learn(p peer.ID, spaces []replicate.SpaceState, acked bool, at time.Time) {
	k.mu.Lock()
	defer k.mu.Unlock()
	kp := k.peer(p)
	kp.last = at
	for _, st := range spaces {
		ks := kp.spaces[st.Space]
		if ks == nil {
			ks = &knownSpace{docs: map[string]knownDoc{}}
			kp.spaces[st.Space] = ks
		}
		ks.at, ks.acked, ks.heads = at, acked, heads32(st.Heads)
		for _, d := range st.Docs {
			for _, c := range d.VV {
				ks.raise(d.Doc, d.Type, hex.EncodeToString(c.Actor), c.Seq)
			}
			if _, ok := ks.docs[d.Doc]; !ok {
				ks.docs[d.Doc] = knownDoc{typ: d.Type, vv: map[string]uint64{}}
			}
		}
	}
}

// raise records that the space's doc holds actor's changes up to seq.
func (ks *knownSpace) raise(doc, typ, actor string, seq uint64) {
	d, ok := ks.docs[doc]
	if !ok {
		d = knownDoc{typ: typ, vv: map[string]uint64{}}
		ks.docs[doc] = d
	}
	if seq > d.vv[actor] {
		d.vv[actor] = seq
	}
}

// attested records what verified attestations of a space's doc show:
// each signer, the owner of the actor, holds that actor's changes up to
// the attested seq. Only spaces whose state we learnt from an exchange are
// raised (elsewhere the other documents would look missing).
func (k *peerKnown) attested(space, doc string, atts []seal.Attestation) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, a := range atts {
		if a.Space != space || a.Doc != doc || !seal.OwnsActor(a.Signer, a.Actor) || a.Verify() != nil {
			continue
		}
		id, err := peer.Decode(PeerID(a.Signer))
		if err != nil {
			continue
		}
		if kp := k.peers[id]; kp != nil && kp.spaces[space] != nil {
			kp.spaces[space].raise(doc, "", hex.EncodeToString(a.Actor), a.Seq)
		}
	}
}

// snapshot returns a copy of what is known of p, or nil.
func (k *peerKnown) snapshot(p string) *knownPeer {
	id, err := peer.Decode(p)
	if err != nil {
		return nil
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	kp := k.peers[id]
	if kp == nil {
		return nil
	}
	out := &knownPeer{last: kp.last, spaces: map[string]*knownSpace{}}
	for id, ks := range kp.spaces {
		c := &knownSpace{at: ks.at, acked: ks.acked, heads: ks.heads, docs: map[string]knownDoc{}}
		for doc, d := range ks.docs {
			c.docs[doc] = knownDoc{typ: d.typ, vv: maps.Clone(d.vv)}
		}
		out.spaces[id] = c
	}
	return out
}

func heads32(hs [][]byte) [][32]byte {
	out := make([][32]byte, 0, len(hs))
	for _, h := range hs {
		if len(h) == 32 {
			out = append(out, [32]byte(h))
		}
	}
	return out
}

// served records what a peer that pulled from us holds, and pulls back
// from it when it acknowledged changes we lack.
func (s *netState) served(ps replicate.PeerState) {
	s.known.learn(ps.Peer, ps.Spaces, ps.Acknowledged, s.n.now())
	if ps.Ahead {
		s.pullSoon(ps.Peer)
	}
}

// pulled records what a pull showed the peer holds: what it said it holds
// once the answer was in, or else (from an older peer) the newest change
// of each actor it sent.
func (s *netState) pulled(p peer.ID, rep *replicate.Report) {
	switch {
	case rep.Remote != nil:
		s.known.learn(p, rep.Remote, true, s.n.now())
	case rep.Complete:
		s.known.mu.Lock()
		s.known.peer(p).last = s.n.now()
		s.known.mu.Unlock()
	}
}

// learnAttested tells a serving node what verified attestations of a
// document show the signers hold (gossip calls it with each delivered
// batch). A node that does not serve ignores it.
func (n *Node) learnAttested(space, doc string, atts []seal.Attestation) {
	s, err := n.running()
	if err == nil {
		s.known.attested(space, doc, atts)
	}
}
