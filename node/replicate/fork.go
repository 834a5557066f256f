package replicate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
)

// Version vectors alone cannot tell two replicas apart when a member
// equivocates (DESIGN.md section 5): one half of a pair (two changes with
// one actor and seq, both attested) given to one node and the other half
// to another leave equal vectors over different changes. So a request
// carries, per space, a fresh nonce and a 4-bit tag per clock (two to a
// byte): the high half of the first byte of SHA-256(nonce, hash of the
// opener's change at that actor and seq). The responder computes the
// same over its own change at each (actor, seq) it holds; a different tag
// means the two histories of that actor differ at or below that seq, and
// the responder sends evidence (Forks.Evidence) in a frame of changes
// before the document's missing changes: its own changes of the actor
// there with the attestation that covers them, and any proof of
// equivocation it already holds. The opener's ingest finds the
// equivocation from them, records the proof and cuts the actor; its next
// answer to the responder shows it the same way.
//
// Four bits miss a fork with probability 1/16 per pull; the nonce is
// fresh each time, so a member cannot make two halves whose tags collide,
// and a later pull finds it (three pulls miss it with probability 1/4096).
// Half a byte per clock keeps a pull in step within its budget of 32
// bytes per unchanged document. A responder that holds a proof for an
// actor also sends it whenever the opener's vector goes past the cut, so
// that nodes that never held the other half learn the cut too.

// NonceSize is the size of a request's per-space nonce.
const NonceSize = 16

// Forks is implemented by a Local that can find forked histories. A Local
// without it sends no tags and answers none.
type Forks interface {
	// Tips returns, per document of space and per hex actor in at, the
	// hash of our change at that actor and seq, for those we hold and no
	// cut leaves out; and per document with a proof of equivocation, per
	// hex actor proven, the highest seq of it we still take.
	Tips(ctx context.Context, space string, at map[string]map[string]uint64) (ForkState, error)
	// Evidence returns the parts that show a replica with vector theirs
	// how our history of doc differs from its: for each hex actor in
	// forked, our changes of it below, at and beyond theirs[actor] up to
	// the attestation that covers them, with that attestation; and every
	// proof of equivocation we hold for an actor theirs goes past the cut
	// of. Each part is sent in a frame of its own; none: nothing to show.
	Evidence(ctx context.Context, space, doc string, theirs map[string]uint64, forked []string) ([]EvidencePart, error)
}

// EvidencePart is one piece of evidence that must travel in one frame:
// chunks of one actor's history in seq order and the attestations that
// cover them (ingest finds a fork only from chunks it can tie to an
// attestation in the same batch). Its first Optional chunks reach below
// the seq the opener's tag was compared at, to find a deeper fork in the
// same pull; the responder leaves out as many of them as it must, lowest
// first, for the part to fit a frame.
type EvidencePart struct {
	Chunks, Atts [][]byte
	Optional     int
}

// ForkState is what Forks.Tips returns.
type ForkState struct {
	Hashes map[string]map[string][32]byte // doc -> hex actor -> hash
	Cuts   map[string]map[string]uint64   // doc -> hex actor -> highest seq taken
}

// tag is the 4-bit tag of a change hash under nonce.
func tag(nonce []byte, h [32]byte) byte {
	d := sha256.New()
	d.Write(nonce)
	d.Write(h[:])
	var sum [32]byte
	return d.Sum(sum[:0])[0] >> 4
}

// tagAt returns clock i's tag from tags: two to a byte, the first in the
// high half.
func tagAt(tags []byte, i int) byte {
	if i%2 == 0 {
		return tags[i/2] >> 4
	}
	return tags[i/2] & 0x0f
}

// tagBytes is the length of the tags of n clocks.
func tagBytes(n int) int { return (n + 1) / 2 }

// addTags gives a request's space state a fresh nonce and a tag per clock,
// when the Local implements Forks. A clock whose change cannot be read
// (a cut landed since the digest) gets tag 0: at worst the responder sends
// evidence once for nothing.
func (s *Syncer) addTags(ctx context.Context, st *SpaceState) error {
	f, ok := s.local.(Forks)
	if !ok || len(st.Docs) == 0 {
		return nil
	}
	at := make(map[string]map[string]uint64, len(st.Docs))
	for _, d := range st.Docs {
		at[d.Doc] = vvMap(d.VV)
	}
	fs, err := f.Tips(ctx, st.Space, at)
	if err != nil {
		return err
	}
	setTags(st, fs.Hashes) // tags.go
	return nil
}

// docFork is what one document needs shown to the opener.
type docFork struct {
	theirs map[string]uint64
	forked []string // hex actors whose tags differ
}

// forks compares the opener's tags with our changes and our proofs with
// its vectors, and returns the documents that need evidence.
func (r *responder) forks(ctx context.Context, want *SpaceState, digest map[string]DocDigest) (map[string]*docFork, error) {
	f, ok := r.s.local.(Forks)
	if !ok {
		return nil, nil
	}
	at := map[string]map[string]uint64{}
	theirs := make(map[string]map[string]uint64, len(want.Docs))
	for _, d := range want.Docs {
		theirs[d.Doc] = vvMap(d.VV)
		ours, held := digest[d.Doc]
		if !held || len(want.Tags) == 0 {
			continue
		}
		for _, c := range d.VV {
			a := hex.EncodeToString(c.Actor)
			if ours.VV[a] >= c.Seq {
				if at[d.Doc] == nil {
					at[d.Doc] = map[string]uint64{}
				}
				at[d.Doc][a] = c.Seq
			}
		}
	}
	fs, err := f.Tips(ctx, want.Space, at)
	if err != nil {
		return nil, err
	}
	out := map[string]*docFork{}
	i := 0
	for _, d := range want.Docs {
		for _, c := range d.VV {
			a := hex.EncodeToString(c.Actor)
			if h, ok := fs.Hashes[d.Doc][a]; ok && len(want.Tags) > 0 && tag(want.Nonce, h) != tagAt(want.Tags, i) {
				fk := forkOf(out, d.Doc, theirs[d.Doc])
				fk.forked = append(fk.forked, a)
			}
			i++
		}
	}
	for doc, cuts := range fs.Cuts {
		vv, ok := theirs[doc]
		if !ok {
			continue
		}
		for a, cut := range cuts {
			if vv[a] > cut {
				forkOf(out, doc, vv)
			}
		}
	}
	return out, nil
}

// forkOf returns doc's entry in m, made when absent.
func forkOf(m map[string]*docFork, doc string, theirs map[string]uint64) *docFork {
	if fk, ok := m[doc]; ok {
		return fk
	}
	fk := &docFork{theirs: theirs}
	m[doc] = fk
	return fk
}

// evidence sends the frames that show the opener how our history of doc
// differs from its own: one per part, each left as whole as a frame
// allows (fitEvidence). A part that cannot fit even without its optional
// chunks is left unsent (logged): the next pull sends it again.
func (r *responder) evidence(ctx context.Context, space, doc, typ string, fk *docFork) error {
	parts, err := r.s.local.(Forks).Evidence(ctx, space, doc, fk.theirs, fk.forked)
	if err != nil {
		return err
	}
	for _, p := range parts {
		if len(p.Chunks) == 0 {
			continue
		}
		b, n, err := fitEvidence(space, doc, typ, p)
		if errors.Is(err, ErrTooLarge) || errors.Is(err, ErrMalformed) {
			r.s.log.Warn("evidence of a forked history left unsent", "doc", doc, "chunks", len(p.Chunks), "err", err)
			continue
		}
		if err != nil {
			return err
		}
		if err := r.send(b, n); err != nil {
			return err
		}
	}
	return nil
}

// fitEvidence encodes p as one frame of changes with as many of its
// optional chunks, the highest kept, as fit the limits (MaxFrame
// compressed, or MaxLargeFrame for a chunk alone, and MaxItems): whole if
// it fits, else without its optional chunks, else by bisection between
// the two. It returns the frame and how many chunks it holds, or the error
// of the frame without any optional chunk.
func fitEvidence(space, doc, typ string, p EvidencePart) ([]byte, int, error) {
	encode := func(skip int) ([]byte, error) {
		return EncodeFrame(&Frame{Version: Version, Kind: KindChanges, Space: space, Doc: doc, Type: typ, Chunks: p.Chunks[skip:], Atts: p.Atts})
	}
	tooLarge := func(err error) bool { return errors.Is(err, ErrTooLarge) || errors.Is(err, ErrMalformed) }
	opt := min(max(p.Optional, 0), len(p.Chunks)-1)
	lo := max(0, len(p.Chunks)-MaxItems) // the most chunks a frame may hold
	if lo <= opt {
		if b, err := encode(lo); err == nil || !tooLarge(err) {
			return b, len(p.Chunks) - lo, err
		}
	}
	hi := max(lo, opt)
	b, err := encode(hi)
	if err != nil {
		return nil, 0, err
	}
	for hi-lo > 1 { // encode(lo) fails, encode(hi) fits
		mid := lo + (hi-lo)/2
		mb, err := encode(mid)
		switch {
		case err == nil:
			hi, b = mid, mb
		case tooLarge(err):
			lo = mid
		default:
			return nil, 0, err
		}
	}
	return b, len(p.Chunks) - hi, nil
}
