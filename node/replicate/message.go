package replicate

// Request is the opener's one message: what it holds of each space it
// asks for.
type Request struct {
	_       struct{} `cbor:",toarray"`
	Version uint64
	Spaces  []SpaceState
}

// SpaceState is what the opener holds of one space: its membership-log
// heads and its documents.
type SpaceState struct {
	_     struct{} `cbor:",toarray"`
	Space string
	Heads [][]byte // 32 bytes each
	Docs  []DocState
	// Proof (in a request only) is the space's membership log as the
	// opener holds it, in replay order: sent when the responder did not
	// serve the space though the opener's roster lists it, so that a
	// responder that has not seen the opener's admission (made offline,
	// with a welcome bundle) can check it from the log and serve at once
	// (decisions/0027-claim-proof.md). Empty otherwise.
	Proof [][]byte
	// Nonce (NonceSize bytes, in a request; empty in acknowledgements and
	// states) keys Tags.
	Nonce []byte
	// Tags has a 4-bit tag per clock of Docs, in order, two to a byte,
	// the first in the high half (or is empty): the high half of the
	// first byte of SHA-256(Nonce, hash of the opener's change at that
	// actor and seq). Equal vectors with different changes (an
	// equivocation, DESIGN.md section 5) show as a different tag; the
	// fresh nonce keeps a member from making two halves whose tags
	// collide. See fork.go.
	Tags []byte
}

// DocState is what the opener holds of one document.
type DocState struct {
	_    struct{} `cbor:",toarray"`
	Doc  string
	Type string
	VV   []Clock // ascending by actor, each actor once
}

// Clock is one entry of a version vector: an actor's highest seq.
type Clock struct {
	_     struct{} `cbor:",toarray"`
	Actor []byte
	Seq   uint64
}

// Frame kinds.
const (
	// KindOps carries membership operations of one space.
	KindOps = 1
	// KindChanges carries changes of one document and their attestations.
	KindChanges = 2
	// KindEnd ends the answer with its summary.
	KindEnd = 3
)

// Frame is one message of the responder's answer.
type Frame struct {
	_       struct{} `cbor:",toarray"`
	Version uint64
	Kind    uint64
	Space   string   // KindOps, KindChanges
	Doc     string   // KindChanges
	Type    string   // KindChanges: the document's type
	Ops     [][]byte // KindOps
	Chunks  [][]byte // KindChanges
	Atts    [][]byte // KindChanges: per actor, its newest change's attestation
	Summary *Summary // KindEnd
}

// Summary is what the responder sent, so the opener can tell a complete
// answer from a cut one.
type Summary struct {
	_       struct{} `cbor:",toarray"`
	Spaces  uint64   // spaces served
	Ops     uint64   // membership operations sent
	Changes uint64   // changes sent
	Frames  uint64   // frames sent before the end frame
	// Skipped counts changes the responder could not send: no cut point
	// with held attestations fits the limits.
	Skipped uint64
	// Busy: the responder serves too many pulls; try again later.
	Busy bool
}
