package node

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/weftsync/weft/store"
)

// PeerInfo is what this node knows of one peer: who it is in our spaces,
// where it was reached, whether it is connected now, and what the last
// pull from it did. Nothing here claims the peer is "synced".
type PeerInfo struct {
	PeerID    string     `json:"peer_id"`
	Name      string     `json:"name"`
	Spaces    []string   `json:"spaces"`
	Addresses []string   `json:"addresses"`
	Connected bool       `json:"connected"`
	Reached   string     `json:"reached"` // while connected: "lan", "direct", "hole_punched" or "relayed"
	LastSeen  *time.Time `json:"last_seen"`
	LastPull  *PullInfo  `json:"last_pull"`
	// LastExchange is the last pull either way while this node serves
	// (nil: none since weft serve started, or not serving).
	LastExchange *time.Time `json:"last_exchange"`
	// State is, per space the peer is a member of, what it holds as far
	// as this node knows and what is pending either way.
	State []PeerSpace `json:"state"`
}

// PeerSpace is what one peer holds of one space as far as this node
// knows: learnt, while this node serves, from what the peer acknowledges
// at the end of every pull either way and from the attestations gossip
// delivers. Nothing is assumed delivered: a change we sent counts as
// pending until the peer says it holds it.
type PeerSpace struct {
	Space string `json:"space"`
	Name  string `json:"name"`
	// Known: something was learnt of this space from the peer. When
	// false, the counts below are zero because nothing is known.
	Known bool `json:"known"`
	// At is when the state was last learnt from an exchange;
	// Acknowledged says it was the peer's own account after one (else
	// what its request said before our answer).
	At           *time.Time `json:"at,omitempty"`
	Acknowledged bool       `json:"acknowledged"`
	// PendingOut counts the changes we hold that the peer lacks;
	// PendingIn the changes it holds that we lack.
	PendingOut int `json:"pending_out"`
	PendingIn  int `json:"pending_in"`
	// OpsOut counts the membership operations we hold that its log lacks;
	// OpsIn the heads of its log that we lack (at least one operation
	// each).
	OpsOut int       `json:"ops_out"`
	OpsIn  int       `json:"ops_in"`
	Docs   []PeerDoc `json:"docs"`
}

// PeerDoc is one document as a peer holds it, as far as this node knows.
type PeerDoc struct {
	Doc  string `json:"doc"`
	Type string `json:"type"`
	// Changes counts the changes the peer holds; VV is its version
	// vector {hex actor: highest seq}.
	Changes    int               `json:"changes"`
	VV         map[string]uint64 `json:"vv"`
	PendingOut int               `json:"pending_out"`
	PendingIn  int               `json:"pending_in"`
}

// Pending reports whether anything is pending either way, or unknown.
func (s PeerSpace) Pending() bool {
	return !s.Known || s.PendingOut+s.PendingIn+s.OpsOut+s.OpsIn > 0
}

// PullInfo is what the last pull from a peer did.
type PullInfo struct {
	At       time.Time `json:"at"`
	Complete bool      `json:"complete"`
	Received int       `json:"received"`
	Stored   int       `json:"stored"`
	Refused  int       `json:"refused"`
	Error    string    `json:"error,omitempty"`
}

// Peers lists the peers this node knows: every member of our spaces (but
// ourselves), and every remembered or connected peer, by name.
func (n *Node) Peers(ctx context.Context) ([]PeerInfo, error) {
	byID := map[string]*PeerInfo{}
	get := func(id string) *PeerInfo {
		if p, ok := byID[id]; ok {
			return p
		}
		p := &PeerInfo{PeerID: id, Spaces: []string{}, Addresses: []string{}, State: []PeerSpace{}}
		byID[id] = p
		return p
	}
	if err := n.memberPeers(ctx, get); err != nil {
		return nil, err
	}
	if err := n.rememberedInfo(ctx, get); err != nil {
		return nil, err
	}
	for _, id := range n.ConnectedPeers() {
		p := get(id)
		p.Connected, p.Reached = true, orDefault(n.PeerPath(id), "direct")
	}
	delete(byID, n.PeerID())
	if err := n.peerStates(ctx, byID); err != nil {
		return nil, err
	}
	out := make([]PeerInfo, 0, len(byID))
	for _, p := range byID {
		out = append(out, *p)
	}
	slices.SortFunc(out, func(a, b PeerInfo) int { return strings.Compare(a.Name+a.PeerID, b.Name+b.PeerID) })
	return out, nil
}

// memberPeers names the members of every space we hold.
func (n *Node) memberPeers(ctx context.Context, get func(string) *PeerInfo) error {
	recs, err := n.spaceRecords(ctx)
	if err != nil {
		return err
	}
	return storeErr(n.db.View(ctx, func(tx *store.Tx) error {
		for _, r := range recs {
			members, name, err := n.roster(tx, r.ID)
			if err != nil {
				return err
			}
			for _, m := range members {
				p := get(m.PeerID)
				p.Name = m.Name
				p.Spaces = append(p.Spaces, orDefault(name, r.Name))
				p.State = append(p.State, PeerSpace{Space: r.ID, Name: orDefault(name, r.Name), Docs: []PeerDoc{}})
			}
		}
		return nil
	}))
}

// rememberedInfo adds what the peers table remembers.
func (n *Node) rememberedInfo(ctx context.Context, get func(string) *PeerInfo) error {
	recs, err := n.peerRecords(ctx)
	if err != nil {
		return err
	}
	for _, r := range recs {
		p := get(r.id)
		p.Addresses = append(p.Addresses, r.rec.Addrs...)
		seen := time.UnixMilli(r.rec.LastSeen)
		p.LastSeen = &seen
		if s := r.rec.LastPull; s != nil {
			p.LastPull = &PullInfo{At: time.UnixMilli(s.Time), Complete: s.Complete, Received: s.Received,
				Stored: s.Stored, Refused: s.Refused, Error: s.Err}
		}
	}
	return nil
}
