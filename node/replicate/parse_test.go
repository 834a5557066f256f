package replicate

import (
	"context"
	"fmt"
	"testing"
)

// parseLocal is a prepLocal that also parses frames ahead, recording how
// often each document's frame was parsed and whether each frame came with
// its own parse.
type parseLocal struct {
	*prepLocal
	parsed map[string]int
	wrong  []string
}

func (l *parseLocal) ParseFrame(f FrameIn) any {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.parsed[f.Doc]++
	return fmt.Sprintf("parsed %s/%d", f.Doc, len(f.Chunks))
}

func (l *parseLocal) IngestFrames(ctx context.Context, frames []FrameIn) ([]Ingested, error) {
	l.mu.Lock()
	for _, f := range frames {
		if want := fmt.Sprintf("parsed %s/%d", f.Doc, len(f.Chunks)); f.Parsed != want {
			l.wrong = append(l.wrong, fmt.Sprintf("%s: parsed %v", f.Doc, f.Parsed))
		}
	}
	l.mu.Unlock()
	return l.prepLocal.IngestFrames(ctx, frames)
}

// TestPullParsesAhead: an opener whose Local is a FrameParser (decision
// 0033) gets every frame parsed exactly once, and handed to IngestFrames
// with that frame's own parse and its own preparation.
func TestPullParsesAhead(t *testing.T) {
	const docs = 200
	a, b := pair(t)
	server := &memLocal{open: true, digest: map[string]DocDigest{}, changes: map[string][]Change{}}
	for i := range docs {
		doc := fmt.Sprintf("doc%03d", i)
		server.digest[doc] = DocDigest{Type: "case", VV: map[string]uint64{"01": 1}}
		server.changes[doc] = []Change{{Raw: []byte("change of " + doc), Actor: []byte{1}, Seq: 1, Attestation: []byte{1}}}
	}
	sb := New(b, server, Options{})
	defer sb.Close()
	client := &parseLocal{prepLocal: &prepLocal{memLocal: &memLocal{open: true, digest: map[string]DocDigest{}}, prepared: map[string]int{}},
		parsed: map[string]int{}}
	sa := New(a, client, Options{})
	defer sa.Close()

	rep, err := sa.Pull(t.Context(), b.ID())
	if err != nil || !rep.Complete || rep.Received() != docs {
		t.Fatalf("pull: %v, %+v", err, rep)
	}
	if len(client.wrong) > 0 || len(client.prepLocal.wrong) > 0 {
		t.Fatalf("frames handed with another parse or preparation: %v %v", client.wrong, client.prepLocal.wrong)
	}
	if len(client.parsed) != docs || len(client.prepared) != docs {
		t.Fatalf("%d frames parsed and %d prepared, want %d", len(client.parsed), len(client.prepared), docs)
	}
	for doc, n := range client.parsed {
		if n != 1 {
			t.Fatalf("%s parsed %d times, want once", doc, n)
		}
	}
}
