package replicate

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// settleLocal is a memLocal that ingests frames in batches, slowly enough
// that frames queue up, and records every frame taken and every Settle.
type settleLocal struct {
	*memLocal
	mu     sync.Mutex
	events []string // "ingest doc", "open doc", "settle doc", in order
}

func (l *settleLocal) IngestFrames(ctx context.Context, frames []FrameIn) ([]Ingested, error) {
	time.Sleep(5 * time.Millisecond) // frames arrive meanwhile: the next batch takes several
	out := make([]Ingested, len(frames))
	l.mu.Lock()
	l.events = append(l.events, "batch")
	l.mu.Unlock()
	for i, f := range frames {
		l.mu.Lock()
		if f.Open {
			if i != len(frames)-1 {
				l.events = append(l.events, "open not on the last frame "+f.Doc)
			}
			l.events = append(l.events, "open "+f.Doc)
		}
		l.events = append(l.events, "ingest "+f.Doc)
		l.mu.Unlock()
		r, err := l.Ingest(ctx, f.Space, f.Doc, f.Type, f.Chunks, f.Atts)
		if err != nil {
			return out[:i], err
		}
		out[i] = r
	}
	return out, nil
}

func (l *settleLocal) Settle(ctx context.Context, _, doc string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if ctx.Err() != nil {
		l.events = append(l.events, "settled with a cancelled context "+doc)
	}
	l.events = append(l.events, "settle "+doc)
}

// TestPullSettlesEachDocumentOnce: an opener whose Local is a Settler
// leaves open the document a batch ends with, marking its frame Open
// once, and settles it exactly once, after its last frame was ingested
// (when a batch holds another document, or at the end) and before Pull
// returns; a document whose frames all came in one batch that went on to
// another needs no settling (decision 0028).
func TestPullSettlesEachDocumentOnce(t *testing.T) {
	// Batches of at most 7 frames end inside documents whatever the timing:
	// left to the scheduler, a reader that read all 64 frames before the
	// opener gathered the first gave one batch and nothing to hold open.
	defer func(l int) { batchLimit = l }(batchLimit)
	batchLimit = 7
	a, b := pair(t)
	server := &memLocal{open: true, digest: map[string]DocDigest{}, changes: map[string][]Change{}}
	sizes := map[string]int{"doc1": 30, "doc2": 1, "doc3": 12, "doc4": 1, "doc5": 20}
	for doc, n := range sizes {
		server.digest[doc] = DocDigest{Type: "ledger", VV: map[string]uint64{"01": uint64(n)}}
		for s := 1; s <= n; s++ {
			server.changes[doc] = append(server.changes[doc], Change{Raw: []byte(fmt.Sprintf("%s change %d", doc, s)),
				Actor: []byte{1}, Seq: uint64(s), Attestation: []byte{1}})
		}
	}
	sb := New(b, server, Options{FrameBudget: 16}) // one change a frame
	defer sb.Close()
	client := &settleLocal{memLocal: &memLocal{open: true, digest: map[string]DocDigest{}}}
	sa := New(a, client, Options{})
	defer sa.Close()

	rep, err := sa.Pull(t.Context(), b.ID())
	if err != nil || !rep.Complete {
		t.Fatalf("pull: %v, %+v", err, rep)
	}
	client.mu.Lock()
	events := append([]string(nil), client.events...)
	client.mu.Unlock()
	ingested := map[string]int{}
	open := map[string]bool{}
	settled := map[string]int{}
	last := "" // the document of the last frame ingested
	batches := 0
	endBatch := func() { // the document a batch ends with must be open while more of it follows
		if last != "" && ingested[last] < sizes[last] && !open[last] {
			t.Fatalf("a batch ended inside %s without it open: %v", last, events)
		}
	}
	for _, e := range events {
		kind, doc, _ := strings.Cut(e, " ")
		switch kind {
		case "batch":
			endBatch()
			batches++
		case "open":
			if open[doc] {
				t.Fatalf("%s marked open twice: %v", doc, events)
			}
			open[doc] = true
		case "ingest":
			if settled[doc] > 0 {
				t.Fatalf("%s ingested after it was settled: %v", doc, events)
			}
			ingested[doc]++
			last = doc
		case "settle":
			if !open[doc] || ingested[doc] != sizes[doc] {
				t.Fatalf("%s settled (open %v) after %d of its %d frames: %v", doc, open[doc], ingested[doc], sizes[doc], events)
			}
			open[doc] = false
			settled[doc]++
		default:
			t.Fatalf("unexpected event %q: %v", e, events)
		}
	}
	for doc, n := range sizes {
		if ingested[doc] != n || open[doc] || settled[doc] > 1 {
			t.Fatalf("%s: %d of %d frames, open %v, settled %d times: %v", doc, ingested[doc], n, open[doc], settled[doc], events)
		}
	}
	if settled[last] != 1 {
		t.Fatalf("the last document, %s, was not settled: %v", last, events)
	}
	if batches < 2 {
		t.Fatalf("all frames came in %d batch: nothing was left open between batches", batches)
	}
}
