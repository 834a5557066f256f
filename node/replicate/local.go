package replicate

import (
	"context"
	"crypto/ed25519"
)

// Local is the node's side of the protocol: its roster, membership log and
// stored changes. The Syncer calls it from several goroutines at once (one
// per stream), so it must be safe for concurrent use.
type Local interface {
	// Spaces lists the spaces in which peer (its Ed25519 key) is a member
	// by our roster.
	Spaces(ctx context.Context, peer ed25519.PublicKey) ([]string, error)
	// OpHeads returns the heads of a space's membership log.
	OpHeads(ctx context.Context, space string) ([][32]byte, error)
	// OpsSince returns, in replay order, the encoded membership operations
	// of space that a log with heads known lacks.
	OpsSince(ctx context.Context, space string, known [][32]byte) ([][]byte, error)
	// AddOps verifies and stores membership operations of space.
	AddOps(ctx context.Context, space string, ops [][]byte) error
	// TakeProof checks the proof of membership (SpaceState.Proof) that
	// peer sent for space, where our roster does not list it: when we hold
	// the space and the operations, added to our log, make peer a member,
	// it stores them and reports true; otherwise it stores nothing and
	// reports false. Whether we hold the space must not show in its answer
	// (decisions/0027-claim-proof.md).
	TakeProof(ctx context.Context, space string, peer ed25519.PublicKey, ops [][]byte) (bool, error)
	// Digest returns, per document of the space, its type and version
	// vector {hex actor: max seq}.
	Digest(ctx context.Context, space string) (map[string]DocDigest, error)
	// Missing returns the stored changes of doc that a replica with vector
	// vv lacks, in causal (stored) order, each with its exact attestation
	// when we hold one.
	Missing(ctx context.Context, space, doc string, vv map[string]uint64) ([]Change, error)
	// Ingest checks and stores received changes of doc (of type typ) with
	// the attestations that cover them, committed before it returns. One
	// call per frame.
	Ingest(ctx context.Context, space, doc, typ string, chunks, atts [][]byte) (Ingested, error)
}

// DocDigest is what a replica holds of one document: its type and version
// vector {hex actor: max seq}.
type DocDigest struct {
	Type string
	VV   map[string]uint64
}

// Change is one stored change as the responder sends it.
type Change struct {
	Raw   []byte
	Actor []byte
	Seq   uint64
	// Attestation is the attestation of exactly this change, nil when
	// none is held or when Attest gives it.
	Attestation []byte
	// Attest, when set (and Attestation nil), reads the attestation of
	// exactly this change on demand: a StreamLocal marks the attested
	// changes without reading every attestation, and the responder reads
	// only those its frames carry (decision 0033). AttestSize is about
	// the size of what it returns, for the frames' budgets.
	Attest     func() ([]byte, error)
	AttestSize int
}

// attested reports whether c has an attestation, read or not.
func (c *Change) attested() bool { return c.Attestation != nil || c.Attest != nil }

// attestSize is the size of c's attestation, or about it when not read.
func (c *Change) attestSize() int {
	if c.Attestation == nil && c.Attest != nil {
		return c.AttestSize
	}
	return len(c.Attestation)
}

// attestation returns c's attestation, reading it when it was not.
func (c *Change) attestation() ([]byte, error) {
	if c.Attestation == nil && c.Attest != nil {
		return c.Attest()
	}
	return c.Attestation, nil
}

// Ingested counts what ingesting one frame did.
type Ingested struct {
	Stored    int `json:"stored"`    // stored, held changes they released included
	Duplicate int `json:"duplicate"` // already held
	Held      int `json:"held"`      // kept apart until their dependencies arrive
	Refused   int `json:"refused"`   // refused by the checks
}

func (i *Ingested) add(o Ingested) {
	i.Stored += o.Stored
	i.Duplicate += o.Duplicate
	i.Held += o.Held
	i.Refused += o.Refused
}

// TipsDigest is implemented by a Local that reads a space's digest and the
// hashes its fork tags are made of together, cheaper than Digest and then
// Forks.Tips over every clock (decision 0040). The opener uses it to build
// its request; a Local that implements it implements Forks too.
type TipsDigest interface {
	// DigestTips returns Digest's answer and, per document and hex actor
	// of its vector, the hash of our change at that seq: exactly what
	// Forks.Tips returns in ForkState.Hashes when asked for every clock
	// of the digest.
	DigestTips(ctx context.Context, space string) (map[string]DocDigest, map[string]map[string][32]byte, error)
}
