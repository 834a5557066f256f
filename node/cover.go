package node

import (
	"bytes"
	"errors"

	"github.com/weftsync/weft/node/wire"
	"github.com/weftsync/weft/store"
)

// cover finds, for every change of the batch, the member whose attestation
// covers it (DESIGN.md section 6): an attestation of exactly that change,
// given or stored, or of a later change of the same actor in the batch that
// descends from it (its hash commits to its ancestors).
//
// The attestations that came with the batch are tried first, then descent
// from them, and only the changes still open are looked up in the store: a
// sync frame carries one attestation per actor for thousands of changes,
// and one store lookup per change cost more than the rest of the checks.
// Every attestation of an actor's changes is signed by the member who owns
// the actor (checkAttestation, OwnsActor), so the order decides nothing
// but the cost.
func (in *incoming) cover(tx *store.Tx) error {
	in.covered = make(map[[32]byte][]byte, len(in.changes))
	var open []*wire.Change
	for _, c := range in.changes {
		if s, ok := in.attested[c.Hash]; ok {
			in.covered[c.Hash] = s
		} else {
			open = append(open, c)
		}
	}
	if len(open) > 0 && len(in.covered) > 0 {
		in.coverByDescent(open, in.changes)
	}
	var found []*wire.Change
	for _, c := range open {
		if _, ok := in.covered[c.Hash]; ok {
			continue
		}
		signer, err := in.storedSigner(tx, c)
		if err != nil {
			return err
		}
		if signer != nil {
			in.covered[c.Hash] = signer
			found = append(found, c)
		}
	}
	if len(found) > 0 && len(in.covered) < len(in.changes) {
		in.coverByDescent(open, found) // from the stored attestations just found
	}
	return nil
}

// storedSigner returns the member whose stored attestation is of exactly
// c, or nil.
func (in *incoming) storedSigner(tx *store.Tx, c *wire.Change) ([]byte, error) {
	row, err := tx.AttestationFor(in.doc, c.Actor, c.Seq)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if row.Hash != c.Hash || !in.roster.IsMember(row.Signer) {
		return nil, nil
	}
	return row.Signer, nil
}

// coverByDescent covers each open change reachable, within the batch, from
// a covered change of tops of the same actor. The batch's changes are
// found by their index (one map of the batch, built once), and each walk
// marks what it has seen in a slice, not a map of hashes (decision 0039:
// the maps cost 17 to 30 ms for a batch of 8,000).
func (in *incoming) coverByDescent(open, tops []*wire.Change) {
	byHash := make(map[[32]byte]int32, len(in.changes))
	for i, c := range in.changes {
		byHash[c.Hash] = int32(i)
	}
	actors := map[string]bool{}
	for _, c := range open {
		actors[string(c.Actor)] = true
	}
	seen := make([]bool, len(in.changes))
	var walked []int32
	for _, top := range tops {
		signer, ok := in.covered[top.Hash]
		if !ok || !actors[string(top.Actor)] {
			continue
		}
		walked = ancestorsIn(byHash, in.changes, top, seen, walked[:0])
		for _, i := range walked {
			seen[i] = false // for the next walk
			c := in.changes[i]
			if c.Seq >= top.Seq || !bytes.Equal(c.Actor, top.Actor) {
				continue
			}
			if _, done := in.covered[c.Hash]; !done {
				in.covered[c.Hash] = signer
			}
		}
	}
}

// ancestorsIn appends to walked the indexes (into changes, which byHash
// indexes) of top's ancestors among changes, each once, marking them in
// seen, and returns it.
func ancestorsIn(byHash map[[32]byte]int32, changes []*wire.Change, top *wire.Change, seen []bool, walked []int32) []int32 {
	push := func(deps [][32]byte) {
		for _, d := range deps {
			if i, ok := byHash[d]; ok && !seen[i] {
				seen[i] = true
				walked = append(walked, i)
			}
		}
	}
	push(top.Deps)
	for next := 0; next < len(walked); next++ {
		push(changes[walked[next]].Deps)
	}
	return walked
}

// store adds every covered change to the store, in the order given, and
// returns what was stored (held changes released included), in causal
// order.
func (in *incoming) store(tx *store.Tx) ([]store.Change, error) {
	hashes := make([][32]byte, 0, len(in.changes))
	for _, c := range in.changes {
		if _, ok := in.covered[c.Hash]; ok {
			hashes = append(hashes, c.Hash)
		}
	}
	q, err := tx.QuarantinedAmong(hashes) // one query for the batch
	if err != nil {
		return nil, err
	}
	in.quarantinedChanges = q
	ahead := in.prepareAhead(tx) // indexes and sealed rows made ahead (catchupstore.go)
	defer ahead.stop()
	// Room for the batch: no copy as it grows. The parts handed to the
	// engine meanwhile (offer) are capped slices of it, never written again.
	added := make([]store.Change, 0, len(in.changes))
	for _, c := range in.changes {
		p, err := ahead.get()
		if err != nil {
			return nil, err
		}
		ok, err := in.admissible(tx, c)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		more, err := in.addChange(tx, c, p)
		if err != nil {
			return nil, err
		}
		added = append(added, more...)
		in.feed.offer(added) // the engine applies what is stored while the rest is (ingestheld.go)
	}
	return added, nil
}

// admissible refuses a change no member's attestation covers, a
// quarantined change and a change of a quarantined author. Which changes
// and whether an author are quarantined is read once per batch.
func (in *incoming) admissible(tx *store.Tx, c *wire.Change) (bool, error) {
	author, ok := in.covered[c.Hash]
	if !ok {
		in.res.refuse(&c.Hash, "not covered by a valid attestation of a member")
		return false, nil
	}
	q := in.quarantinedChanges[c.Hash]
	if !q {
		var err error
		if q, err = in.authorQuarantined(tx, author); err != nil {
			return false, err
		}
	}
	if q {
		in.res.refuse(&c.Hash, "quarantined")
	}
	return !q, nil
}

// authorQuarantined reads, once per batch and author, whether the store
// quarantines the author.
func (in *incoming) authorQuarantined(tx *store.Tx, author []byte) (bool, error) {
	if q, ok := in.quarantined[string(author)]; ok {
		return q, nil
	}
	q, err := tx.AuthorQuarantined(author)
	if err != nil {
		return false, err
	}
	if in.quarantined == nil {
		in.quarantined = map[string]bool{}
	}
	in.quarantined[string(author)] = q
	return q, nil
}

// addChange stores one change (as prepared ahead in p, when not nil) and
// reports what the store did with it.
func (in *incoming) addChange(tx *store.Tx, c *wire.Change, p *store.PreparedChange) ([]store.Change, error) {
	var r store.Result
	var err error
	if p != nil {
		r, err = tx.AddPrepared(p)
	} else {
		r, err = tx.AddChange(storeChange(in.doc, c))
	}
	var refused *store.RefusedError
	if errors.As(err, &refused) {
		in.res.refuse(&c.Hash, string(refused.Reason))
		if refused.Reason == store.ReasonSeqReused {
			return nil, in.forked(tx, c) // covered, so the member signed both: equivocate.go
		}
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	for _, f := range r.Refused {
		in.res.refuse(&f.Hash, string(f.Reason))
	}
	switch r.Outcome {
	case store.Duplicate:
		in.res.Duplicate++
	case store.Held:
		in.res.Held++
	}
	var out []store.Change
	for _, h := range r.Stored {
		if h == c.Hash { // the change given, as stored: no need to read it back
			out = append(out, storeChange(in.doc, c))
			continue
		}
		sc, err := tx.Change(in.doc, h) // a held change it released
		if err != nil {
			return nil, err
		}
		out = append(out, sc)
	}
	in.res.Stored += len(out)
	return out, nil
}
