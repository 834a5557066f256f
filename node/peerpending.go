package node

import (
	"context"
	"sort"

	"github.com/weftsync/weft/node/member"
	"github.com/weftsync/weft/node/replicate"
	"github.com/weftsync/weft/store"
)

// ourSpace is what this node holds of one space, to compare with a peer.
type ourSpace struct {
	digest map[string]replicate.DocDigest
	log    *member.Log
}

// ourSpaces reads our digest and membership log of each space in ids.
func (n *Node) ourSpaces(ctx context.Context, ids map[string]bool) (map[string]ourSpace, error) {
	out := map[string]ourSpace{}
	for id := range ids {
		digest, err := n.SyncLocal().Digest(ctx, id)
		if err != nil {
			return nil, err
		}
		var log *member.Log
		err = storeErr(n.db.View(ctx, func(tx *store.Tx) (err error) {
			log, err = n.spaceLog(tx, id)
			return err
		}))
		if err != nil {
			return nil, err
		}
		out[id] = ourSpace{digest: digest, log: log}
	}
	return out, nil
}

// peerStates fills, while this node serves, each peer's per-space state
// from what it has learnt.
func (n *Node) peerStates(ctx context.Context, byID map[string]*PeerInfo) error {
	s, err := n.running()
	if err != nil {
		return nil // not serving: nothing is known
	}
	ids := map[string]bool{}
	for _, p := range byID {
		for _, st := range p.State {
			ids[st.Space] = true
		}
	}
	ours, err := n.ourSpaces(ctx, ids)
	if err != nil {
		return err
	}
	for id, p := range byID {
		kp := s.known.snapshot(id)
		if kp == nil {
			continue
		}
		if !kp.last.IsZero() {
			last := kp.last
			p.LastExchange = &last
		}
		for i := range p.State {
			if ks := kp.spaces[p.State[i].Space]; ks != nil {
				p.State[i].fill(ks, ours[p.State[i].Space])
			}
		}
	}
	return nil
}

// fill sets the state from what is known of the peer's space and counts
// what is pending either way against ours.
func (ps *PeerSpace) fill(ks *knownSpace, ours ourSpace) {
	at := ks.at
	ps.Known, ps.At, ps.Acknowledged = true, &at, ks.acked
	ps.OpsOut = len(ours.log.Since(ks.heads))
	for _, h := range ks.heads {
		if !ours.log.Has(h) {
			ps.OpsIn++
		}
	}
	for _, doc := range docUnion(ours.digest, ks.docs) {
		theirs := ks.docs[doc]
		mine := ours.digest[doc]
		pd := PeerDoc{Doc: doc, Type: orDefault(mine.Type, theirs.typ), VV: map[string]uint64{}}
		for a, seq := range theirs.vv {
			pd.VV[a], pd.Changes = seq, pd.Changes+int(seq)
		}
		pd.PendingOut, pd.PendingIn = vvDiff(mine.VV, theirs.vv), vvDiff(theirs.vv, mine.VV)
		ps.PendingOut += pd.PendingOut
		ps.PendingIn += pd.PendingIn
		ps.Docs = append(ps.Docs, pd)
	}
}

// vvDiff counts the changes a holds and b lacks (an actor's changes are
// numbered 1, 2, 3, … without gaps).
func vvDiff(a, b map[string]uint64) int {
	n := 0
	for actor, seq := range a {
		if seq > b[actor] {
			n += int(seq - b[actor])
		}
	}
	return n
}

// docUnion lists the documents either side holds, sorted.
func docUnion(ours map[string]replicate.DocDigest, theirs map[string]knownDoc) []string {
	set := map[string]bool{}
	for d := range ours {
		set[d] = true
	}
	for d := range theirs {
		set[d] = true
	}
	out := make([]string, 0, len(set))
	for d := range set {
		out = append(out, d)
	}
	sort.Strings(out)
	return out
}
