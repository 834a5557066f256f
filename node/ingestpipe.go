package node

import (
	"github.com/weftsync/weft/node/member"
	"github.com/weftsync/weft/node/replicate"
	"github.com/weftsync/weft/node/seal"
)

// Verifying attestations ahead of ingest (decision 0025). A frame's
// attestations are verified on the sync opener's reader goroutine as the
// frame arrives, while earlier frames are in the store and the engine;
// ingest then makes every other check of an attestation (the space and
// document it binds, the actor its signer owns, and above all the
// signer's membership, which may change between the two) and only looks
// up the signature's result.

// sigCache maps an attestation's canonical encoding (seal.Attestation's
// Marshal) to the result of its Verify. The encoding holds every signed
// field and the signature, so the result holds for any attestation with
// the same encoding, whichever frame carried it.
type sigCache map[string]error

// verify returns a.Verify(), looked up when it was made ahead. blob is
// a.Marshal().
func (c sigCache) verify(a seal.Attestation, blob []byte) error {
	if err, ok := c[string(blob)]; ok {
		return err
	}
	return a.Verify()
}

// add adds o's results to c.
func (c sigCache) add(o any) {
	if oc, ok := o.(sigCache); ok {
		for k, v := range oc {
			c[k] = v
		}
	}
}

var _ replicate.FramePreparer = syncLocal{}

// PrepareFrame verifies the signatures of a frame's attestations ahead of
// its ingest and returns them as a sigCache. It runs before the frame's
// quota is counted, so it verifies no more attestations than the frame
// has changes (an honest frame carries at most one per actor), and skips
// those ingest refuses without a signature check: malformed, binding
// another space or document, of a signer that does not own the actor, or
// of a signer not a member by the last roster this node read of the
// space. Ingest verifies anything it skipped itself.
func (l syncLocal) PrepareFrame(f replicate.FrameIn) any {
	roster := l.n.rosterHint(f.Space)
	sigs := sigCache{}
	for _, b := range f.Atts {
		if len(sigs) >= len(f.Chunks) {
			break
		}
		a, err := seal.UnmarshalAttestation(b)
		if err != nil || a.Space != f.Space || a.Doc != f.Doc || !seal.OwnsActor(a.Signer, a.Actor) {
			continue
		}
		if roster != nil && !roster.IsMember(a.Signer) {
			continue
		}
		blob := a.Marshal()
		if _, ok := sigs[string(blob)]; !ok {
			sigs[string(blob)] = a.Verify()
		}
	}
	return sigs
}

// rosterHint returns the roster of space this node read last, or nil
// when it has none at hand. It may be out of date: use it only to skip
// work, never to accept anything.
func (n *Node) rosterHint(space string) *member.Roster {
	return n.rosters.last(space)
}
