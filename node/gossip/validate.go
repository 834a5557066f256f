package gossip

import (
	"context"
	"errors"
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/weftsync/weft/node/latency"
	"github.com/weftsync/weft/node/seal"
	"github.com/weftsync/weft/node/wire"
)

// verdict is a validation result with what was decoded on the way.
type verdict struct {
	result pubsub.ValidationResult
	batch  Batch
	// unknownSigner: an attestation's signer is not a member by our
	// roster, which may only be behind.
	unknownSigner bool
	// signers are the verified signers of the batch's attestations.
	signers [][]byte
	// verified holds the canonical encoding (seal.Attestation.Marshal) of
	// each attestation whose signature verified: ingest need not verify
	// them again.
	verified [][]byte
}

// accepted is what the validator hands on with an accepted envelope.
type accepted struct {
	batch    Batch
	verified [][]byte
}

// validator is the pipeline of DESIGN.md section 7 for j's topic: size and
// version, open, parse headers, Ignore what is held, check attestations.
// Reject only what is bad whatever the roster says; Ignore what depends on
// it. Our own publish is accepted as it is: Publish sealed it a moment ago
// from our own outbox, and pubsub validates it on the publisher's path,
// before it leaves.
func (g *Gossip) validator(j *joined) pubsub.ValidatorEx {
	return func(ctx context.Context, from peer.ID, msg *pubsub.Message) pubsub.ValidationResult {
		if from == g.h.ID() {
			return pubsub.ValidationAccept
		}
		latency.Mark("val.start")
		now := time.Now()
		g.stats.validated.Add(1)
		if !g.quota.forwarder(string(from), len(msg.GetData()), now) {
			g.stats.overQuota.Add(1)
			g.stats.ignored.Add(1)
			return pubsub.ValidationIgnore
		}
		v := check(ctx, g.local, j.SpaceKey, msg.GetData(), false)
		if v.result == pubsub.ValidationAccept && !g.quota.authors(v.signers, now) {
			g.stats.overQuota.Add(1)
			v = verdict{result: pubsub.ValidationIgnore}
		}
		latency.Mark("val.done")
		switch v.result {
		case pubsub.ValidationAccept:
			g.stats.accepted.Add(1)
			msg.ValidatorData = accepted{batch: v.batch, verified: v.verified}
		case pubsub.ValidationReject:
			g.stats.rejected.Add(1)
		default:
			g.stats.ignored.Add(1)
		}
		if v.unknownSigner {
			g.reportMissing(j.ID, from)
		}
		return v.result
	}
}

// check validates one envelope of space k. A local message (our own
// publish) is not ignored for being held.
func check(ctx context.Context, local Local, k SpaceKey, data []byte, own bool) verdict {
	b, err := Open(data, k.ID, k.Epoch, k.Key)
	if err != nil {
		return verdict{result: pubsub.ValidationReject}
	}
	if b.IsAnnouncement() {
		return checkAnnouncement(ctx, local, b, own)
	}
	latency.Mark("val.opened")
	changes, err := parseChanges(b.Chunks)
	if err != nil {
		return verdict{result: pubsub.ValidationReject}
	}
	latency.Mark("val.parsed")
	// One store read for both questions the store answers: is every
	// change held, and are the signers the attestations name members. The
	// signatures are verified after (only for what is not all held).
	hashes := make([][32]byte, len(changes))
	for i, c := range changes {
		hashes[i] = c.Hash
	}
	if own {
		hashes = nil // our own publish is not ignored for being held
	}
	held, members, err := local.Known(ctx, k.ID, b.Doc, hashes, claimedSigners(b.Atts))
	if err != nil || held && !own {
		return verdict{result: pubsub.ValidationIgnore}
	}
	latency.Mark("val.held")
	signers, verified, err := checkAttestations(k.ID, b, changes)
	if err != nil {
		return verdict{result: pubsub.ValidationReject}
	}
	latency.Mark("val.attest")
	for _, s := range signers {
		if !members[string(s)] {
			return verdict{result: pubsub.ValidationIgnore, unknownSigner: true}
		}
	}
	return verdict{result: pubsub.ValidationAccept, batch: b, signers: signers, verified: verified}
}

// claimedSigners lists the signers the attestations name, before any is
// verified (a malformed one is skipped: checkAttestations rejects it).
func claimedSigners(atts [][]byte) [][]byte {
	out := make([][]byte, 0, len(atts))
	for _, blob := range atts {
		if a, err := seal.UnmarshalAttestation(blob); err == nil {
			out = append(out, a.Signer)
		}
	}
	return out
}

// checkAnnouncement accepts an announcement of heads we lack.
func checkAnnouncement(ctx context.Context, local Local, b Batch, own bool) verdict {
	if own {
		return verdict{result: pubsub.ValidationAccept, batch: b}
	}
	held, _, err := local.Known(ctx, "", b.Doc, b.Heads, nil)
	if err != nil || held {
		return verdict{result: pubsub.ValidationIgnore}
	}
	return verdict{result: pubsub.ValidationAccept, batch: b}
}

// parseChanges parses every chunk's header (and ops) in Go.
func parseChanges(chunks [][]byte) ([]*wire.Change, error) {
	out := make([]*wire.Change, 0, len(chunks))
	for _, raw := range chunks {
		c, err := wire.ParseChange(raw)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// Errors of checkAttestations: each proves the batch bad by itself.
var (
	errAttestationScope = errors.New("gossip: attestation for another space or document")
	errAttestationCover = errors.New("gossip: attestations do not match the newest change of each actor")
)

// checkAttestations checks that each actor of the batch has exactly one
// attestation, for its newest change in the batch, that binds this space
// and document, verifies, and is signed by the actor's owner. It returns
// the signers, whose membership is the roster's business, and the
// canonical encoding of each attestation verified.
func checkAttestations(space string, b Batch, changes []*wire.Change) ([][]byte, [][]byte, error) {
	newest := map[string]*wire.Change{}
	for _, c := range changes {
		if n, ok := newest[string(c.Actor)]; !ok || c.Seq > n.Seq {
			newest[string(c.Actor)] = c
		}
	}
	if len(b.Atts) != len(newest) {
		return nil, nil, errAttestationCover
	}
	signers := make([][]byte, 0, len(b.Atts))
	verified := make([][]byte, 0, len(b.Atts))
	for _, blob := range b.Atts {
		a, err := seal.UnmarshalAttestation(blob)
		if err != nil {
			return nil, nil, err
		}
		if a.Space != space || a.Doc != b.Doc {
			return nil, nil, errAttestationScope
		}
		if err := a.Verify(); err != nil {
			return nil, nil, err
		}
		c, ok := newest[string(a.Actor)]
		if !ok || c.Seq != a.Seq || c.Hash != a.Hash {
			return nil, nil, errAttestationCover
		}
		delete(newest, string(a.Actor)) // a second attestation for one actor fails the lookup
		signers = append(signers, a.Signer)
		verified = append(verified, a.Marshal())
	}
	return signers, verified, nil
}
