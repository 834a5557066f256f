package replicate

import (
	"context"
	"crypto/rand"
	"encoding/hex"
)

// A request's digest and fork tags from one read (decision 0040): the
// opener's tags are over its own newest change of every actor of every
// document, which Forks.Tips reads a query per clock; a Local that is a
// TipsDigest reads them with the digest, a query for the whole space.

// taggedState is what this node holds of one space, with the fork tags a
// request carries (spaceState, then addTags).
func (s *Syncer) taggedState(ctx context.Context, space string) (SpaceState, error) {
	td, ok := s.local.(TipsDigest)
	if _, forks := s.local.(Forks); !ok || !forks {
		st, err := s.spaceState(ctx, space)
		if err != nil {
			return st, err
		}
		return st, s.addTags(ctx, &st)
	}
	st := SpaceState{Space: space}
	var err error
	if st.Heads, err = s.opHeads(ctx, space); err != nil {
		return st, err
	}
	digest, hashes, err := td.DigestTips(ctx, space)
	if err != nil {
		return st, err
	}
	if st.Docs, err = docStates(digest); err != nil {
		return st, err
	}
	setTags(&st, hashes)
	return st, nil
}

// setTags gives st a fresh nonce and a tag per clock of its documents from
// hashes (doc -> hex actor -> our change's hash at the clock's seq); a
// clock without a hash gets tag 0. A state without documents gets neither.
func setTags(st *SpaceState, hashes map[string]map[string][32]byte) {
	if len(st.Docs) == 0 {
		return
	}
	st.Nonce = make([]byte, NonceSize)
	rand.Read(st.Nonce)
	st.Tags = nil
	i := 0
	for _, d := range st.Docs {
		for _, c := range d.VV {
			var t byte
			if h, ok := hashes[d.Doc][hex.EncodeToString(c.Actor)]; ok {
				t = tag(st.Nonce, h)
			}
			if i%2 == 0 {
				st.Tags = append(st.Tags, t<<4)
			} else {
				st.Tags[i/2] |= t
			}
			i++
		}
	}
}
