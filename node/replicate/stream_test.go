package replicate

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// streamLocal is a memLocal whose MissingStream hands a document's
// missing changes in parts of three and, once it has handed several
// frames' worth, waits until the opener has taken a frame (firstIn), so
// that a responder that read the whole document before sending would
// never get there.
type streamLocal struct {
	*memLocal
	firstIn chan struct{}
	streams int
	waited  bool
}

func (l *streamLocal) MissingStream(ctx context.Context, space, doc string, vv map[string]uint64, emit func([]Change) error) error {
	l.streams++
	cs, err := l.Missing(ctx, space, doc, vv)
	if err != nil {
		return err
	}
	for i := 0; i < len(cs); i += 3 {
		if err := emit(cs[i:min(i+3, len(cs))]); err != nil {
			return err
		}
		if i == 600 { // several frames' worth read (FrameBudget 2,000 bytes)
			select {
			case <-l.firstIn:
				l.waited = true
			case <-time.After(10 * time.Second):
			}
		}
	}
	return nil
}

// firstLocal is a memLocal that closes first when it ingests its first
// frame.
type firstLocal struct {
	*memLocal
	once  sync.Once
	first chan struct{}
}

func (l *firstLocal) Ingest(ctx context.Context, space, doc, typ string, chunks, atts [][]byte) (Ingested, error) {
	l.once.Do(func() { close(l.first) })
	return l.memLocal.Ingest(ctx, space, doc, typ, chunks, atts)
}

// TestPullStreamsLargeDocument: a responder whose Local is a StreamLocal
// sends a document that lacks streamFrom changes or more as it reads
// them: its first frame reaches the opener while the read is still under
// way, every change arrives once, in order, and a small document of the
// same answer is read as before (decision 0028).
func TestPullStreamsLargeDocument(t *testing.T) {
	a, b := pair(t)
	first := make(chan struct{})
	server := &streamLocal{memLocal: &memLocal{open: true, digest: map[string]DocDigest{}, changes: map[string][]Change{}}, firstIn: first}
	sizes := map[string]int{"big": streamFrom + 100, "small": 5}
	for doc, n := range sizes {
		server.digest[doc] = DocDigest{Type: "ledger", VV: map[string]uint64{"01": uint64(n)}}
		for s := 1; s <= n; s++ {
			server.changes[doc] = append(server.changes[doc], Change{Raw: []byte(fmt.Sprintf("%s %d", doc, s)),
				Actor: []byte{1}, Seq: uint64(s), Attestation: []byte{1}})
		}
	}
	sb := New(b, server, Options{FrameBudget: 2000})
	defer sb.Close()
	client := &firstLocal{memLocal: &memLocal{open: true, digest: map[string]DocDigest{}}, first: first}
	sa := New(a, client, Options{})
	defer sa.Close()

	rep, err := sa.Pull(t.Context(), b.ID())
	if err != nil || !rep.Complete {
		t.Fatalf("pull: %v, %+v", err, rep)
	}
	if server.streams != 1 || !server.waited {
		t.Fatalf("streamed %d documents, first frame before the read ended: %v; want the large one streamed, its first frame out early",
			server.streams, server.waited)
	}
	got := map[string]int{}
	client.mu.Lock()
	defer client.mu.Unlock()
	for _, raw := range client.ingested {
		var doc string
		var seq int
		if _, err := fmt.Sscanf(string(raw), "%s %d", &doc, &seq); err != nil {
			t.Fatal(err)
		}
		if seq != got[doc]+1 {
			t.Fatalf("%s: change %d after %d", doc, seq, got[doc])
		}
		got[doc] = seq
	}
	for doc, n := range sizes {
		if got[doc] != n {
			t.Fatalf("%s: %d changes arrived, want %d", doc, got[doc], n)
		}
	}
}
