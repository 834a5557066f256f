package replicate

import (
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"sync"
	"testing"
)

// sizedLocal is a manyLocal that streams and tells documents' sizes, and
// records the documents each MissingStream read.
type sizedLocal struct {
	*manyLocal
	smu      sync.Mutex
	streamed []string
}

func (l *sizedLocal) MissingStream(ctx context.Context, space, doc string, vv map[string]uint64, emit func([]Change) error) error {
	l.smu.Lock()
	l.streamed = append(l.streamed, doc)
	l.smu.Unlock()
	cs, err := l.memLocal.Missing(ctx, space, doc, vv)
	if err != nil {
		return err
	}
	for i := 0; i < len(cs); i += 4 {
		if err := emit(cs[i:min(i+4, len(cs))]); err != nil {
			return err
		}
	}
	return nil
}

func (l *sizedLocal) DocBytes(_ context.Context, _ string, docs []string) (map[string]int64, error) {
	out := map[string]int64{}
	for _, d := range docs {
		for _, c := range l.changes[d] {
			out[d] += int64(len(c.Raw))
		}
	}
	return out, nil
}

// TestReadsNotStreamedBoundedByBytes: documents that lack few changes by
// the digests (fewer than streamFrom) but hold many bytes are not read
// whole in a group: a document of more than maxReadBytes is streamed,
// and a group read ends before the document that would take it past
// maxReadBytes. Every change still arrives.
func TestReadsNotStreamedBoundedByBytes(t *testing.T) {
	const mib = 1 << 20
	l := &memLocal{open: true, digest: map[string]DocDigest{}, changes: map[string][]Change{}}
	add := func(doc string, changes, size int) {
		for s := 1; s <= changes; s++ {
			raw := make([]byte, size)
			binary.BigEndian.PutUint64(raw, uint64(s))
			copy(raw[8:], doc)
			l.changes[doc] = append(l.changes[doc], Change{Raw: raw, Actor: []byte{1}, Seq: uint64(s), Attestation: []byte{1}})
		}
		l.digest[doc] = DocDigest{Type: "case", VV: map[string]uint64{"01": uint64(changes)}}
	}
	add("a-small", 3, 100)
	add("b-big", 12, mib) // 12 MiB in 12 changes
	for i := range 12 {
		add(fmt.Sprintf("c-medium%02d", i), 1, mib) // 12 MiB in 12 documents
	}
	add("d-small", 3, 100)
	server := &sizedLocal{manyLocal: &manyLocal{memLocal: l}}
	a, b := pair(t)
	sb := New(b, server, Options{Quota: Quota{ServeBytes: -1, ServeBytesBurst: -1, PullBytes: -1, PullBytesBurst: -1}})
	defer sb.Close()
	client := emptyPrepLocal()
	sa := New(a, client, Options{Quota: Quota{ServeBytes: -1, ServeBytesBurst: -1, PullBytes: -1, PullBytesBurst: -1}})
	defer sa.Close()

	rep, err := sa.Pull(t.Context(), b.ID())
	want := 3 + 12 + 12 + 3
	if err != nil || !rep.Complete || rep.Received() != want {
		t.Fatalf("pull: %v, %+v; want %d changes", err, rep, want)
	}
	for _, g := range server.groups {
		var size int64
		for _, d := range g {
			for _, c := range l.changes[d] {
				size += int64(len(c.Raw))
			}
		}
		if len(g) > 1 && size > maxReadBytes {
			t.Fatalf("a group read of %d bytes (%v), over %d", size, g, maxReadBytes)
		}
		if slices.Contains(g, "b-big") {
			t.Fatalf("the document of 12 MiB was read whole in a group: %v", g)
		}
	}
	if len(server.streamed) == 0 || slices.ContainsFunc(server.streamed, func(d string) bool { return d != "b-big" }) {
		t.Fatalf("streamed %v, want b-big alone (its read may pause and resume)", server.streamed)
	}
}
