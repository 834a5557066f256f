package gossip

import (
	"slices"
	"testing"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node/latency"
)

// TestHopMarks: with tracing on when gossip starts, one publish marks
// pubsub's steps from the publisher's loop to the receiver's validator,
// the receiver's in order. (The publisher's marks come after the queue
// push and the stream write they name, so a receiver may mark first.)
func TestHopMarks(t *testing.T) {
	latency.Enable() // before gossip starts: the tracer is added at New
	defer latency.Disable()
	p := newPublishPair(t, Options{})
	a, ga, gb, space, doc := p.a, p.ga, p.gb, p.space, p.doc
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
