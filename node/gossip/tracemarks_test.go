package gossip

import (
	"bytes"
	"slices"
	"testing"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node/latency"
)

// TestHopMarks: with tracing on when gossip starts, one publish marks
// pubsub's steps from the publisher's loop to the receiver's validator,
// the receiver's in order. (The publisher's marks come after the queue
// push and the stream write they name, so a receiver may mark first.)
func TestHopMarks(t *testing.T) {
	space, doc := model.NewID(), model.NewID()
	k := SpaceKey{ID: space, Epoch: [32]byte{1}, Key: bytes.Repeat([]byte{7}, 32)}
	a, b := newAuthor(t), newAuthor(t)
	local := &fakeLocal{spaces: []SpaceKey{k}, members: map[string]bool{space + string(a.id.Public): true,
		space + string(b.id.Public): true}}
	latency.Enable()
	defer latency.Disable()
	ha, hb := quotaHost(t, a.id), quotaHost(t, b.id)
	ga, err := New(t.Context(), ha, local, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ga.Close()
	gb, err := New(t.Context(), hb, local, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer gb.Close()
	if err := ha.Connect(t.Context(), peer.AddrInfo{ID: hb.ID(), Addrs: hb.Addrs()}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a sees b on the topic", func() bool { return len(ga.TopicPeers(space)) == 1 })
	latency.Take()
	ch := a.change(t, model.NewID(), "v")
	if err := ga.Publish(t.Context(), space, Batch{Doc: doc, Type: "ledger", Chunks: [][]byte{ch.Raw},
		Atts: [][]byte{attest(a.id, space, doc, ch)}}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "b validates a's envelope", func() bool { return gb.Stats().Validated == 1 })
	want := []string{"ps.sendrpc", "ps.written", "ps.recvrpc", "ps.validate", "val.start"}
	var got []string
	for _, e := range latency.Take() {
		if slices.Contains(want, e.Step) && !slices.Contains(got, e.Step) {
			got = append(got, e.Step)
		}
	}
	for _, step := range want {
		if !slices.Contains(got, step) {
			t.Fatalf("marks %v, want every one of %v", got, want)
		}
	}
	if b := slices.DeleteFunc(got, func(s string) bool { return s == "ps.sendrpc" || s == "ps.written" }); !slices.Equal(b, want[2:]) {
		t.Fatalf("the receiver's marks %v, want %v in that order", b, want[2:])
	}
}
