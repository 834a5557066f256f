package replicate

import (
	"context"
	"crypto/sha256"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
)

// tipsLocal is a forkLocal that is also a TipsDigest, and counts the Tips
// calls it answers.
type tipsLocal struct {
	*forkLocal
	tips, digestTips atomic.Int32
}

func (l *tipsLocal) Tips(ctx context.Context, space string, at map[string]map[string]uint64) (ForkState, error) {
	l.tips.Add(1)
	return l.forkLocal.Tips(ctx, space, at)
}

func (l *tipsLocal) DigestTips(ctx context.Context, space string) (map[string]DocDigest, map[string]map[string][32]byte, error) {
	l.digestTips.Add(1)
	digest, err := l.Digest(ctx, space)
	if err != nil {
		return nil, nil, err
	}
	hashes := map[string]map[string][32]byte{}
	for doc, d := range digest {
		hashes[doc] = map[string][32]byte{}
		for a, seq := range d.VV {
			if h, ok := l.hashes[fmt.Sprint(doc, " ", a, " ", seq)]; ok {
				hashes[doc][a] = h
			}
		}
	}
	return digest, hashes, nil
}

// TestTagsFromDigestTips: an opener whose Local is a TipsDigest builds its
// request from one DigestTips call, never Tips, and its tags still show
// the responder a fork in exactly the document and actor where their
// changes differ, within a few pulls; equal changes show none.
func TestTagsFromDigestTips(t *testing.T) {
	a, b := pair(t)
	fc, server := forkPair()
	client := &tipsLocal{forkLocal: fc}
	sb := New(b, server, Options{})
	defer sb.Close()
	sa := New(a, client, Options{})
	defer sa.Close()
	pullsInStep(t, sa, b.ID(), server)
	client.hashes["d2 02 4"] = sha256.Sum256([]byte("the other half"))
	pullUntilAsked(t, sa, b.ID(), server, func(Report) {})
	if !slices.Equal(server.asked, []string{"d2 02"}) {
		t.Fatalf("evidence asked for %v, want d2 02", server.asked)
	}
	if client.tips.Load() != 0 || client.digestTips.Load() == 0 {
		t.Fatalf("the opener called Tips %d times and DigestTips %d", client.tips.Load(), client.digestTips.Load())
	}
}
