package node

import (
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

// Limits of the evidence sent for one document.
const (
	// forkDepth is how far below the opener's seq evidence reaches: a
	// fork deeper than that is found a step at a time, one pull each.
	forkDepth = 64
	// maxEvidenceChunks and maxEvidenceBytes bound one evidence frame.
	maxEvidenceChunks = 1024
	maxEvidenceBytes  = 512 << 10
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
// of doc differs: for each forked actor, our changes of it from forkDepth
// below theirs up to the first one we hold an exact attestation of, with
// that attestation; and for each proof of equivocation we hold whose seq
// theirs reaches, our own side from that seq, the proof's attestations
// and the other side's chunks. Ingest at the other end finds the
// equivocation from whichever side it does not hold.
func (l syncLocal) Evidence(ctx context.Context, space, doc string, theirs map[string]uint64, forked []string) (chunks, atts [][]byte, err error) {
	e := &evidence{seen: map[[32]byte]bool{}}
	err = l.view(ctx, func(tx *store.Tx) error {
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
			t := theirs[a]
			if err := e.side(tx, doc, actor, max(t, forkDepth)-forkDepth+1, t, exact[a]); err != nil {
				return err
			}
		}
		evs, err := tx.Equivocations(doc)
		if err != nil {
			return err
		}
		evs = slices.DeleteFunc(evs, func(ev store.Equivocation) bool {
			return theirs[hex.EncodeToString(ev.Actor)] < ev.Seq
		})
		return e.proofs(tx, doc, exact, evs)
	})
	return e.chunks, e.atts, err
}

// proofs adds, for each of evs (proofs of equivocation stored for doc),
// our own side from the proof's seq, the proof's attestations and the
// other side's chunks: what lets ingest elsewhere find the same
// equivocation from whichever side it holds.
func (e *evidence) proofs(tx *store.Tx, doc string, exact map[string]map[uint64][]store.AttestationRow, evs []store.Equivocation) error {
	for _, ev := range evs {
		if err := e.side(tx, doc, ev.Actor, ev.Seq, ev.Seq, exact[hex.EncodeToString(ev.Actor)]); err != nil {
			return err
		}
		e.att(ev.First)
		e.att(ev.Second)
		for _, c := range ev.Chunks {
			e.chunk(sha256.Sum256(c), c)
		}
	}
	return nil
}

// proofEvidence is the evidence of every proof of equivocation stored for
// doc (a bundle carries it after the document's changes).
func proofEvidence(tx *store.Tx, doc string) (chunks, atts [][]byte, err error) {
	evs, err := tx.Equivocations(doc)
	if err != nil || len(evs) == 0 { // most documents: no attestations read
		return nil, nil, err
	}
	exact, err := exactByActor(tx, doc)
	if err != nil {
		return nil, nil, err
	}
	e := &evidence{seen: map[[32]byte]bool{}}
	err = e.proofs(tx, doc, exact, evs)
	return e.chunks, e.atts, err
}

// evidence gathers one document's evidence, without repeats, within the
// limits.
type evidence struct {
	chunks, atts [][]byte
	bytes        int
	seen         map[[32]byte]bool
}

// side adds our changes of actor from seq from up to the first seq at or
// above to whose change we hold an attestation of (to itself when there
// is none within maxEvidenceChunks), and that attestation. An attestation
// of the other side at the same seq (a proof's) is passed over: it covers
// a change we do not hold.
func (e *evidence) side(tx *store.Tx, doc string, actor []byte, from, to uint64, exact map[uint64][]store.AttestationRow) error {
	cs, err := tx.ActorChanges(doc, actor, from, to+maxEvidenceChunks-1)
	if err != nil {
		return err
	}
	end, att := -1, (*store.AttestationRow)(nil)
	for i, c := range cs {
		if c.Seq < to {
			continue
		}
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
	if att == nil { // nothing of ours attested: our side up to to alone
		end = -1
		for i, c := range cs {
			if c.Seq <= to {
				end = i
			}
		}
	}
	for _, c := range cs[:end+1] {
		e.chunk(c.Hash, c.Raw)
	}
	if att != nil {
		e.att(att.Blob)
	}
	return nil
}

// chunk adds one chunk unless it is there already or over the limits.
func (e *evidence) chunk(h [32]byte, raw []byte) {
	if e.seen[h] || len(e.chunks) >= maxEvidenceChunks || e.bytes+len(raw) > maxEvidenceBytes {
		return
	}
	e.seen[h] = true
	e.bytes += len(raw)
	e.chunks = append(e.chunks, raw)
}

// att adds one attestation unless it is empty or there already.
func (e *evidence) att(b []byte) {
	if len(b) == 0 || len(b) > replicate.MaxAttestation {
		return
	}
	h := sha256.Sum256(b)
	if e.seen[h] {
		return
	}
	e.seen[h] = true
	e.atts = append(e.atts, b)
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
