package replicate

import (
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
)

// A member admitted where a peer did not see it (offline, with a welcome
// bundle carried on a USB stick) asks that peer for a space its roster
// does not list the member in yet. The peer serves it nothing, as it serves
// anyone it does not count as a member, and says nothing else: no answer
// shows whether it holds the space. The member sees the space missing from
// the peer's state (Report.Unserved) and asks again with its membership
// log as a proof (SpaceState.Proof, PullProving); the peer checks the proof
// (Local.TakeProof) and, when it admits the member, stores it and serves
// the space in the same exchange (decisions/0027-claim-proof.md).

const (
	// proofEvery is how often one (peer, space) proof is sent, and how
	// often one is checked.
	proofEvery = 30 * time.Second
	// maxProofSent bounds the operations of a proof this node sends: the
	// newest of its log in replay order (an admission a peer lacks is
	// recent).
	maxProofSent = 1024
	// maxProofsKept bounds the (peer, space) pairs remembered: past it,
	// new pairs wait until old ones expire.
	maxProofsKept = 4096
)

// proofTimes remembers when each (peer, space) proof was last sent or
// checked. Its zero value is ready; it is safe for concurrent use.
type proofTimes struct {
	mu   sync.Mutex
	last map[proofKey]time.Time
}

type proofKey struct {
	peer  peer.ID
	space string
}

// due reports whether a proof of p for space may be sent or checked now,
// and if so marks it. It forgets the pairs older than proofEvery.
func (t *proofTimes) due(p peer.ID, space string, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.last == nil {
		t.last = map[proofKey]time.Time{}
	}
	k := proofKey{p, space}
	if at, ok := t.last[k]; ok && now.Sub(at) < proofEvery {
		return false
	}
	for old, at := range t.last {
		if now.Sub(at) >= proofEvery {
			delete(t.last, old)
		}
	}
	if len(t.last) >= maxProofsKept {
		return false
	}
	t.last[k] = now
	return true
}
