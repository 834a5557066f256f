package node

import (
	"crypto/ed25519"
	"encoding/hex"
	"sort"
	"time"

	"github.com/weftsync/weft/node/seal"
	"github.com/weftsync/weft/store"
)

// authorship says which member made each stored change of one document,
// from the attestations stored beside the changes (DESIGN.md section 6):
// never from actor IDs or from anything typed into the document.
type authorship struct {
	// byActor holds, per actor (hex), the verified attestations by seq.
	byActor map[string][]attested
	members map[string]Member // by peer ID
}

type attested struct {
	seq    uint64
	signer ed25519.PublicKey
}

// newAuthorship verifies doc's attestations against the changes' owners.
// An attestation that does not verify, or whose signer does not own the
// actor, covers nothing.
func newAuthorship(rows []store.AttestationRow, members []Member) *authorship {
	a := &authorship{byActor: map[string][]attested{}, members: map[string]Member{}}
	for _, m := range members {
		a.members[m.PeerID] = m
	}
	for _, r := range rows {
		att, err := seal.UnmarshalAttestation(r.Blob)
		if err != nil || att.Verify() != nil || !seal.OwnsActor(att.Signer, att.Actor) ||
			att.Seq != r.Seq || att.Hash != r.Hash {
			continue
		}
		k := hex.EncodeToString(att.Actor)
		a.byActor[k] = append(a.byActor[k], attested{seq: att.Seq, signer: att.Signer})
	}
	for _, list := range a.byActor {
		sort.Slice(list, func(i, j int) bool { return list[i].seq < list[j].seq })
	}
	return a
}

// author returns the member whose attestation covers (actor, seq): the
// signer of the actor's first attestation at or after seq, since a change's
// hash commits to every earlier change of its actor. ok is false when no
// attestation covers it.
func (a *authorship) author(actor []byte, seq uint64) (Member, bool) {
	list := a.byActor[hex.EncodeToString(actor)]
	i := sort.Search(len(list), func(i int) bool { return list[i].seq >= seq })
	if i == len(list) {
		return Member{}, false
	}
	id := PeerID(list[i].signer)
	if m, ok := a.members[id]; ok {
		return m, true
	}
	return Member{PeerID: id, Name: id, Role: "former member"}, true
}

// changeAuthor names the author of c, or "unattested".
func (a *authorship) changeAuthor(c store.Change) Member {
	if m, ok := a.author(c.Actor, c.Seq); ok {
		return m
	}
	return Member{Name: "unattested"}
}

func changeTime(c store.Change) time.Time { return time.UnixMilli(c.Time) }
