package node

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sync"

	"github.com/weftsync/weft/node/replicate"
	"github.com/weftsync/weft/store"
)

// Forked histories (equivocation, DESIGN.md section 5; decision 0018):
// the sync digest carries a tag per clock (node/replicate/fork.go), and
// syncLocal answers it over the store.

var _ replicate.Forks = syncLocal{}

// Limits of evidence.
const (
	// evidenceBelow bounds the raw bytes of the changes a part of
	// evidence carries below the seq the opener's tag was compared at: a
	// fork that deep is proven in one pull (at least 2,000 ledger
	// entries); a deeper one a step of that many bytes per pull.
	evidenceBelow = 512 << 10
	// evidenceWindow is how many seqs one read below that seq takes.
	evidenceWindow = 1024
	// maxEvidenceChunks bounds the seqs a side of evidence reaches above
	// the seq it starts at (side).
	maxEvidenceChunks = 1024
	// maxTipCache bounds the cache of change hashes by (doc, actor, seq).
	maxTipCache = 1 << 16
)

// tipCache remembers the hash of the change at (doc, actor, seq): stored
// changes never change, so an entry never goes stale, and a digest need
// not open the newest change of every actor of every document each pull.
type tipCache struct {
	mu sync.Mutex
	m  map[string][32]byte
}

func (c *tipCache) get(k string) ([32]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	h, ok := c.m[k]
	return h, ok
}

func (c *tipCache) put(k string, h [32]byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxTipCache {
		c.m = map[string][32]byte{}
	}
	c.m[k] = h
}

// Tips returns our hash at each (doc, actor, seq) of at that we hold and
// no cut leaves out, and, per document of space with a proof of
// equivocation, the highest seq still taken of each proven actor.
func (l syncLocal) Tips(ctx context.Context, space string, at map[string]map[string]uint64) (replicate.ForkState, error) {
	fs := replicate.ForkState{Hashes: map[string]map[string][32]byte{}, Cuts: map[string]map[string]uint64{}}
	err := l.view(ctx, func(tx *store.Tx) error {
		for doc, clocks := range at {
			for a, seq := range clocks {
				h, ok, err := l.hashAt(tx, doc, a, seq)
				if err != nil {
					return err
				}
				if ok {
					if fs.Hashes[doc] == nil {
						fs.Hashes[doc] = map[string][32]byte{}
					}
					fs.Hashes[doc][a] = h
				}
			}
		}
		evs, err := tx.SpaceEquivocations(space)
		if err != nil {
			return err
		}
		for doc, list := range evs {
			cuts := map[string]uint64{}
			for _, ev := range list {
				a := hex.EncodeToString(ev.Actor)
				if cut, ok := cuts[a]; !ok || ev.Seq-1 < cut {
					cuts[a] = ev.Seq - 1
				}
			}
			fs.Cuts[doc] = cuts
		}
		return nil
	})
	return fs, err
}

// hashAt is tx.HashAt through the node's cache.
func (l syncLocal) hashAt(tx *store.Tx, doc, actorHex string, seq uint64) ([32]byte, bool, error) {
	key := fmt.Sprintf("%s\x00%s\x00%d", doc, actorHex, seq)
	if h, ok := l.n.tips.get(key); ok {
		return h, true, nil
	}
	actor, err := hex.DecodeString(actorHex)
	if err != nil {
		return [32]byte{}, false, nil
	}
	h, ok, err := tx.HashAt(doc, actor, seq)
	if ok {
		l.n.tips.put(key, h)
	}
	return h, ok, err
}

// Evidence returns what shows a replica with vector theirs how our history
// of doc differs: for each forked actor, one part with our changes of it
// up to the first one at or above theirs that we hold an exact
// attestation of, with that attestation, and below theirs as far as
// evidenceBelow bytes reach (optional: a frame may leave them out); and
// for each proof of equivocation we hold whose seq theirs reaches, our
// own side from that seq in a part, and the proof's attestations with the
// other side's chunks in another. Ingest at the other end finds the
// equivocation from whichever side it does not hold.
func (l syncLocal) Evidence(ctx context.Context, space, doc string, theirs map[string]uint64, forked []string) ([]replicate.EvidencePart, error) {
	var parts []replicate.EvidencePart
	err := l.view(ctx, func(tx *store.Tx) error {
		if row, err := tx.Doc(doc); err != nil || row.Space != space {
			return fmt.Errorf("%w: document %s of space %s: %v", ErrNotFound, doc, space, err)
		}
		exact, err := exactByActor(tx, doc)
		if err != nil {
			return err
		}
		for _, a := range forked {
			actor, err := hex.DecodeString(a)
			if err != nil || theirs[a] == 0 {
				continue
			}
			p, err := side(tx, doc, actor, theirs[a], exact[a])
			if err != nil {
				return err
			}
			if p.Optional, err = below(tx, doc, actor, theirs[a], &p); err != nil {
				return err
			}
			parts = append(parts, p)
		}
		evs, err := tx.Equivocations(doc)
		if err != nil {
			return err
		}
		evs = slices.DeleteFunc(evs, func(ev store.Equivocation) bool {
			return theirs[hex.EncodeToString(ev.Actor)] < ev.Seq
		})
		more, err := proofParts(tx, doc, exact, evs)
		parts = append(parts, more...)
		return err
	})
	return parts, err
}

// proofParts returns, for each of evs (proofs of equivocation stored for
// doc), a part with our own side from the proof's seq and the proof's
// attestations, and, for a proof found from chunks, a part with the other
// side's chunks and the same attestations: what lets ingest
// elsewhere find the same equivocation from whichever side it holds.
func proofParts(tx *store.Tx, doc string, exact map[string]map[uint64][]store.AttestationRow, evs []store.Equivocation) ([]replicate.EvidencePart, error) {
	var parts []replicate.EvidencePart
	for _, ev := range evs {
		own, err := side(tx, doc, ev.Actor, ev.Seq, exact[hex.EncodeToString(ev.Actor)])
		if err != nil {
			return nil, err
		}
		var atts [][]byte
		for _, b := range [][]byte{ev.First, ev.Second} {
			if len(b) > 0 && len(b) <= replicate.MaxAttestation {
				atts = append(atts, b)
			}
		}
		for _, b := range atts { // ours may be one of the proof's
			if !slices.ContainsFunc(own.Atts, func(o []byte) bool { return bytes.Equal(o, b) }) {
				own.Atts = append(own.Atts, b)
			}
		}
		parts = append(parts, own)
		if len(ev.Chunks) > 0 {
			parts = append(parts, replicate.EvidencePart{Chunks: ev.Chunks, Atts: atts})
		}
	}
	return parts, nil
}

// proofEvidence is the evidence of every proof of equivocation stored for
// doc (a bundle carries it after the document's changes), without
// repeats. It is not bounded here: it is what the proofs stored, and a
// bundle holds the document's changes whole anyway.
func proofEvidence(tx *store.Tx, doc string) (chunks, atts [][]byte, err error) {
	evs, err := tx.Equivocations(doc)
	if err != nil || len(evs) == 0 { // most documents: no attestations read
		return nil, nil, err
	}
	exact, err := exactByActor(tx, doc)
	if err != nil {
		return nil, nil, err
	}
	parts, err := proofParts(tx, doc, exact, evs)
	if err != nil {
		return nil, nil, err
	}
	seen := map[[32]byte]bool{}
	for _, p := range parts {
		for _, c := range p.Chunks {
			h := sha256.Sum256(c)
			if !seen[h] {
				seen[h] = true
				chunks = append(chunks, c)
			}
		}
		for _, a := range p.Atts {
			if h := sha256.Sum256(a); !seen[h] {
				seen[h] = true
				atts = append(atts, a)
			}
		}
	}
	return chunks, atts, nil
}

// side returns our changes of actor from seq at up to the first seq at or
// above it whose change we hold an exact attestation of (at most
// maxEvidenceChunks seqs above; the change at at alone when there is
// none), with that attestation. An attestation of the other side at the
// same seq (a proof's) is passed over: it covers a change we do not hold.
func side(tx *store.Tx, doc string, actor []byte, at uint64, exact map[uint64][]store.AttestationRow) (replicate.EvidencePart, error) {
	cs, err := tx.ActorChanges(doc, actor, at, at+maxEvidenceChunks-1)
	if err != nil {
		return replicate.EvidencePart{}, err
	}
	end, att := -1, (*store.AttestationRow)(nil)
	for i, c := range cs {
		for _, a := range exact[c.Seq] {
			if a.Hash == c.Hash {
				end, att = i, &a
				break
			}
		}
		if att != nil {
			break
		}
	}
	var p replicate.EvidencePart
	if att == nil { // nothing of ours attested: our change at at alone
		end = -1
		if len(cs) > 0 && cs[0].Seq == at {
			end = 0
		}
	} else if len(att.Blob) > 0 && len(att.Blob) <= replicate.MaxAttestation {
		p.Atts = [][]byte{att.Blob}
	}
	for _, c := range cs[:end+1] {
		p.Chunks = append(p.Chunks, c.Raw)
	}
	return p, nil
}

// below puts in front of p's chunks our changes of actor below seq at, from
// the highest down, as far as evidenceBelow bytes reach, and returns how
// many it put. Read a window of seqs at a time: a deep history is not read
// whole.
func below(tx *store.Tx, doc string, actor []byte, at uint64, p *replicate.EvidencePart) (int, error) {
	var low [][]byte // highest first
	size := 0
	for hi := at - 1; hi >= 1; {
		lo := hi - min(hi, evidenceWindow) + 1
		cs, err := tx.ActorChanges(doc, actor, lo, hi)
		if err != nil {
			return 0, err
		}
		for i := len(cs) - 1; i >= 0; i-- {
			if size+len(cs[i].Raw) > evidenceBelow || len(low) >= replicate.MaxItems {
				lo = 1
				break
			}
			size += len(cs[i].Raw)
			low = append(low, cs[i].Raw)
		}
		hi = lo - 1
	}
	slices.Reverse(low)
	p.Chunks = append(low, p.Chunks...)
	return len(low), nil
}

// exactByActor maps each hex actor of doc to its attested seqs and the
// attestations stored for each (more than one where an equivocation was
// found).
func exactByActor(tx *store.Tx, doc string) (map[string]map[uint64][]store.AttestationRow, error) {
	rows, err := tx.Attestations(doc)
	if err != nil {
		return nil, err
	}
	out := map[string]map[uint64][]store.AttestationRow{}
	for _, a := range rows {
		k := hex.EncodeToString(a.Actor)
		if out[k] == nil {
			out[k] = map[uint64][]store.AttestationRow{}
		}
		out[k][a.Seq] = append(out[k][a.Seq], a)
	}
	return out, nil
}
