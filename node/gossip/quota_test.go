package gossip

import (
	"bytes"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p"
	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node/seal"
)

func TestAbuseScore(t *testing.T) {
	now := time.Now()
	g := &Gossip{opts: Options{Banned: func(p peer.ID) bool { return p == "banned" }},
		quota: newQuotas(Quota{Forwarder: 1, ForwarderBurst: 1, AbuseAfter: 10, AbuseHalfLife: time.Minute})}
	if s := g.appScore("banned"); s != BannedScore {
		t.Fatalf("banned peer scored %v", s)
	}
	if !g.quota.forwarder("flood", 10, now) {
		t.Fatal("the first envelope is within the burst")
	}
	for range 10 {
		if g.quota.forwarder("flood", 10, now) {
			t.Fatal("an envelope past the quota passed")
		}
	}
	if s := g.appScore("flood"); s != 0 {
		t.Fatalf("score %v after AbuseAfter envelopes over quota, want 0 (ignored, not penalised)", s)
	}
	for range 500 {
		g.quota.forwarder("flood", 10, now)
	}
	if s := g.appScore("flood"); s > GraylistThreshold {
		t.Fatalf("score %v after a sustained flood, want below the graylist threshold %v", s, GraylistThreshold)
	}
	if s := g.appScore("honest"); s != 0 {
		t.Fatalf("an honest peer scored %v", s)
	}
	if later := g.quota.abusive("flood", now.Add(10*time.Minute)); later != 0 {
		t.Fatalf("abuse still %v ten half-lives later", later)
	}
}

// TestBannedPeerGraylisted: a peer the quarantine bans is scored below
// pubsub's graylist threshold by pubsub itself, and its envelopes are no
// longer validated; the other peers' still are.
func TestBannedPeerGraylisted(t *testing.T) {
	space, doc := model.NewID(), model.NewID()
	k := SpaceKey{ID: space, Epoch: [32]byte{1}, Key: bytes.Repeat([]byte{7}, 32)}
	a, b, c := newAuthor(t), newAuthor(t), newAuthor(t)
	local := &fakeLocal{spaces: []SpaceKey{k}, members: map[string]bool{}}
	for _, x := range []*author{a, b, c} {
		local.members[space+string(x.id.Public)] = true
	}
	var banned atomic.Value
	banned.Store(peer.ID(""))
	var mu sync.Mutex
	scores := map[peer.ID]float64{}
	ha, hb, hc := quotaHost(t, a.id), quotaHost(t, b.id), quotaHost(t, c.id)
	gb, err := New(t.Context(), hb, local, Options{
		Banned: func(p peer.ID) bool { return p == banned.Load().(peer.ID) },
		PubSub: []pubsub.Option{pubsub.WithPeerScoreInspect(func(m map[peer.ID]float64) {
			mu.Lock()
			defer mu.Unlock()
			scores = m
		}, 100*time.Millisecond)},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer gb.Close()
	var gs []*Gossip
	for _, h := range []host.Host{ha, hc} {
		g, err := New(t.Context(), h, local, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer g.Close()
		gs = append(gs, g)
		if err := h.Connect(t.Context(), peer.AddrInfo{ID: hb.ID(), Addrs: hb.Addrs()}); err != nil {
			t.Fatal(err)
		}
	}
	ga, gc := gs[0], gs[1]
	waitFor(t, "a, b and c see each other on the topic", func() bool {
		return len(gb.TopicPeers(space)) == 2 && len(ga.TopicPeers(space)) == 1 && len(gc.TopicPeers(space)) == 1
	})
	publish := func(g *Gossip, x *author) {
		ch := x.change(t, model.NewID(), "v")
		if err := g.Publish(t.Context(), space, Batch{Doc: doc, Type: "ledger", Chunks: [][]byte{ch.Raw},
			Atts: [][]byte{attest(x.id, space, doc, ch)}}); err != nil {
			t.Fatal(err)
		}
	}
	publish(ga, a)
	waitFor(t, "b validates a's envelope", func() bool { return gb.Stats().Validated == 1 })

	banned.Store(ha.ID())
	waitFor(t, "pubsub scores a below the graylist threshold", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return scores[ha.ID()] < GraylistThreshold && scores[hc.ID()] == 0
	})
	publish(ga, a)
	publish(gc, c)
	waitFor(t, "b validates c's envelope", func() bool { return gb.Stats().Validated == 2 })
	time.Sleep(200 * time.Millisecond)
	if v := gb.Stats().Validated; v != 2 {
		t.Fatalf("b validated %d envelopes: the banned peer's got through", v)
	}
}

func quotaHost(t *testing.T, id *seal.Identity) host.Host {
	t.Helper()
	k, err := crypto.UnmarshalEd25519PrivateKey(id.Private)
	if err != nil {
		t.Fatal(err)
	}
	h, err := libp2p.New(libp2p.Identity(k), libp2p.ListenAddrStrings("/ip4/127.0.0.1/tcp/0"), libp2p.DisableRelay())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 30s", what)
		}
	}
}
