package replicate

import (
	"context"
	"fmt"
	"sync"
	"testing"
)

// pagedLocal is a memLocal whose MissingStream hands a document's missing
// changes a page of 256 at a time, as the node's does.
type pagedLocal struct{ *memLocal }

func (l pagedLocal) MissingStream(ctx context.Context, space, doc string, vv map[string]uint64, emit func([]Change) error) error {
	cs, err := l.Missing(ctx, space, doc, vv)
	if err != nil {
		return err
	}
	for i := 0; i < len(cs); i += 256 {
		if err := emit(cs[i:min(i+256, len(cs))]); err != nil {
			return err
		}
	}
	return nil
}

// framesLocal is a memLocal that records how many chunks each frame it
// ingests carries.
type framesLocal struct {
	*memLocal
	fmu    sync.Mutex
	frames []int
}

func (l *framesLocal) Ingest(ctx context.Context, space, doc, typ string, chunks, atts [][]byte) (Ingested, error) {
	l.fmu.Lock()
	l.frames = append(l.frames, len(chunks))
	l.fmu.Unlock()
	return l.memLocal.Ingest(ctx, space, doc, typ, chunks, atts)
}

// TestStreamFirstFrameSmall: a streamed document's first frame carries at
// most firstStreamBudget raw bytes, so that it leaves once the first page
// is read, and the frames after it carry more (the budget adapts up to
// streamBudget); every change arrives, in order.
func TestStreamFirstFrameSmall(t *testing.T) {
	a, b := pair(t)
	const n, size = streamFrom + 1000, 1000
	server := pagedLocal{&memLocal{open: true, digest: map[string]DocDigest{}, changes: map[string][]Change{}}}
	server.digest["big"] = DocDigest{Type: "ledger", VV: map[string]uint64{"01": n}}
	for s := 1; s <= n; s++ {
		raw := fmt.Appendf(nil, "big %d ", s)
		for len(raw) < size {
			raw = fmt.Appendf(raw, "%x", len(raw)*s) // compresses, but not to nothing
		}
		server.changes["big"] = append(server.changes["big"], Change{Raw: raw[:size], Actor: []byte{1}, Seq: uint64(s), Attestation: []byte{1}})
	}
	sb := New(b, server, Options{})
	defer sb.Close()
	client := &framesLocal{memLocal: &memLocal{open: true, digest: map[string]DocDigest{}}}
	sa := New(a, client, Options{})
	defer sa.Close()

	rep, err := sa.Pull(t.Context(), b.ID())
	if err != nil || !rep.Complete {
		t.Fatalf("pull: %v, %+v", err, rep)
	}
	client.fmu.Lock()
	frames := client.frames
	client.fmu.Unlock()
	if len(frames) < 2 {
		t.Fatalf("%d frames, want several", len(frames))
	}
	// Each change is size raw bytes and a 1-byte attestation.
	if most := firstStreamBudget / (size + 1); frames[0] > most || frames[0] == 0 {
		t.Fatalf("first frame of %d changes, want 1 to %d (%d raw bytes)", frames[0], most, firstStreamBudget)
	}
	if frames[1] <= 2*frames[0] {
		t.Fatalf("frames of %v changes: the second not larger than the first's budget", frames)
	}
	total := 0
	for _, f := range frames {
		total += f
	}
	if total != n || len(client.ingested) != n {
		t.Fatalf("%d changes in frames, %d ingested, want %d", total, len(client.ingested), n)
	}
	for i, raw := range client.ingested {
		var doc string
		var seq int
		if _, err := fmt.Sscanf(string(raw), "%s %d", &doc, &seq); err != nil || seq != i+1 {
			t.Fatalf("change %d is %q, want seq %d", i, raw[:20], i+1)
		}
	}
}
