package replicate

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
)

// manyLocal is a memLocal that answers MissingMany and counts its calls;
// Missing alone counts as a failure.
type manyLocal struct {
	*memLocal
	mu     sync.Mutex
	groups [][]string // the documents of each MissingMany call
	single int        // Missing calls
}

func (l *manyLocal) MissingMany(ctx context.Context, space string, want []DocWant) ([][]Change, error) {
	l.mu.Lock()
	var docs []string
	for _, w := range want {
		docs = append(docs, w.Doc)
	}
	l.groups = append(l.groups, docs)
	l.mu.Unlock()
	out := make([][]Change, len(want))
	for i, w := range want {
		cs, err := l.memLocal.Missing(ctx, space, w.Doc, w.VV)
		if err != nil {
			return nil, err
		}
		out[i] = cs
	}
	return out, nil
}

func (l *manyLocal) Missing(ctx context.Context, space, doc string, vv map[string]uint64) ([]Change, error) {
	l.mu.Lock()
	l.single++
	l.mu.Unlock()
	return l.memLocal.Missing(ctx, space, doc, vv)
}

// prepLocal is a memLocal that prepares frames and takes them in batches,
// recording how often each document's frame was prepared and whether each
// frame came with its own preparation.
type prepLocal struct {
	*memLocal
	mu       sync.Mutex
	prepared map[string]int
	wrong    []string
	frames   []string // the documents of the frames ingested, in order
}

func (l *prepLocal) PrepareFrame(f FrameIn) any {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.prepared[f.Doc]++
	return fmt.Sprintf("%s/%d", f.Doc, len(f.Chunks))
}

func (l *prepLocal) IngestFrames(ctx context.Context, frames []FrameIn) ([]Ingested, error) {
	out := make([]Ingested, len(frames))
	for i, f := range frames {
		l.mu.Lock()
		if want := fmt.Sprintf("%s/%d", f.Doc, len(f.Chunks)); f.Prepared != want {
			l.wrong = append(l.wrong, fmt.Sprintf("%s: prepared %v", f.Doc, f.Prepared))
		}
		l.frames = append(l.frames, f.Doc)
		l.mu.Unlock()
		r, err := l.Ingest(ctx, f.Space, f.Doc, f.Type, f.Chunks, f.Atts)
		if err != nil {
			return out[:i], err
		}
		out[i] = r
	}
	return out, nil
}

// TestPullPreparesAndPrefetches: a responder with a ManyLocal reads the
// documents it sends a group at a time, in document order, never one by
// one; an opener with a FramePreparer gets every frame prepared exactly
// once and handed to IngestFrames with that frame's own preparation.
func TestPullPreparesAndPrefetches(t *testing.T) {
	const docs = 300
	a, b := pair(t)
	server := &manyLocal{memLocal: casesLocal(docs)}
	sb := New(b, server, Options{})
	defer sb.Close()
	client := emptyPrepLocal()
	sa := New(a, client, Options{})
	defer sa.Close()

	rep, err := sa.Pull(t.Context(), b.ID())
	if err != nil || !rep.Complete || rep.Received() != docs {
		t.Fatalf("pull: %v, %+v", err, rep)
	}
	if server.single != 0 {
		t.Fatalf("the responder read %d documents one by one", server.single)
	}
	var read []string
	for _, g := range server.groups {
		read = append(read, g...)
	}
	if len(server.groups) != 3 || len(server.groups[0]) != manyDocsAtFirst || len(read) != docs || !sort.StringsAreSorted(read) {
		t.Fatalf("MissingMany groups of %v documents; want %d, then at most %d, %d in all, in order", groupSizes(server.groups), manyDocsAtFirst, MaxManyDocs, docs)
	}
	if len(client.wrong) > 0 {
		t.Fatalf("frames handed with another preparation: %v", client.wrong)
	}
	if len(client.frames) != docs || !sort.StringsAreSorted(client.frames) {
		t.Fatalf("%d frames ingested (in order: %v), want %d", len(client.frames), sort.StringsAreSorted(client.frames), docs)
	}
	for doc, n := range client.prepared {
		if n != 1 {
			t.Fatalf("%s prepared %d times, want once", doc, n)
		}
	}
	if len(client.prepared) != docs {
		t.Fatalf("%d frames prepared, want %d", len(client.prepared), docs)
	}
}

func groupSizes(gs [][]string) []int {
	var out []int
	for _, g := range gs {
		out = append(out, len(g))
	}
	return out
}

// casesLocal is an open memLocal holding docs case documents (doc000,
// doc001, ...) of one attested change each.
func casesLocal(docs int) *memLocal {
	l := &memLocal{open: true, digest: map[string]DocDigest{}, changes: map[string][]Change{}}
	for i := range docs {
		doc := fmt.Sprintf("doc%03d", i)
		l.digest[doc] = DocDigest{Type: "case", VV: map[string]uint64{"01": 1}}
		l.changes[doc] = []Change{{Raw: []byte("change of " + doc), Actor: []byte{1}, Seq: 1, Attestation: []byte{1}}}
	}
	return l
}
