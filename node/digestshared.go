package node

import (
	"context"

	"github.com/weftsync/weft/node/replicate"
	"github.com/weftsync/weft/store"
)

// digestShared returns a space's digest and, with withTips, our change's
// hash at each of its clocks, from store.SpaceDigestTipsShared: the
// request of our pull of a peer and our answer to its pull of us, which
// start together when it connects, read the space once (decision 0050).
// The hashes of a document with a cut, which that read leaves out, are
// read through hashAt in a read transaction of their own, as Tips reads
// them.
func (l syncLocal) digestShared(ctx context.Context, space string, withTips bool) (map[string]replicate.DocDigest, map[string]map[string][32]byte, error) {
	docs, vvs, tips, err := l.n.db.SpaceDigestTipsShared(ctx, space)
	if err != nil {
		return nil, nil, storeErr(err)
	}
	out := make(map[string]replicate.DocDigest, len(docs))
	for id, d := range docs {
		out[id] = replicate.DocDigest{Type: string(d.Type), VV: vvs[id]}
	}
	if !withTips {
		return out, nil, nil
	}
	hashes := make(map[string]map[string][32]byte, len(docs))
	type clock struct {
		doc, actor string
		seq        uint64
	}
	var cut []clock // clocks that the read left without a tip
	for id := range docs {
		vv := vvs[id]
		hs := make(map[string][32]byte, len(vv))
		for a, seq := range vv {
			if t, ok := tips[id][a]; ok && t.Seq == seq {
				hs[a] = t.Hash
			} else {
				cut = append(cut, clock{id, a, seq})
			}
		}
		hashes[id] = hs
	}
	if len(cut) == 0 {
		return out, hashes, nil
	}
	err = l.view(ctx, func(tx *store.Tx) error {
		for _, c := range cut {
			h, ok, err := l.hashAt(tx, c.doc, c.actor, c.seq)
			if err != nil {
				return err
			}
			if ok {
				hashes[c.doc][c.actor] = h
			}
		}
		return nil
	})
	return out, hashes, err
}
