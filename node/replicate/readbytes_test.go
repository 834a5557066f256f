package replicate

import (
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"sync"
	"testing"
)

// boundedLocal is a manyLocal whose MissingMany reads documents whole, in
// order, and fails with ErrReadOverBytes once they hold more than
// MaxReadBytes, as the node's store read does; it records the documents
// and bytes of each read that succeeded, and streams.
type boundedLocal struct {
	*manyLocal
	smu      sync.Mutex
	answered map[string]int64 // document -> bytes of the read that answered it
	streamed []string
}

func (l *boundedLocal) MissingMany(ctx context.Context, space string, want []DocWant) ([][]Change, error) {
	var held int64
	for _, w := range want {
		for _, c := range l.changes[w.Doc] {
			if held += int64(len(c.Raw)); held > MaxReadBytes {
				return nil, ErrReadOverBytes
			}
		}
	}
	out, err := l.manyLocal.MissingMany(ctx, space, want)
	l.smu.Lock()
	for _, w := range want {
		l.answered[w.Doc] = held
	}
	l.smu.Unlock()
	return out, err
}

func (l *boundedLocal) MissingStream(ctx context.Context, space, doc string, vv map[string]uint64, emit func([]Change) error) error {
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

// TestReadsNotStreamedBoundedByBytes: documents that lack few changes by
// the digests (fewer than streamFrom) but hold many bytes, read with
// others, make the group read fail with ErrReadOverBytes (the node's
// store read stops there): the responder then streams each document of
// that group, and reads the later ones in groups again. Every change
// arrives, and no document is answered by a read of more than
// MaxReadBytes.
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
	for i := range 40 {
		add(fmt.Sprintf("d-small%02d", i), 3, 100)
	}
	server := &boundedLocal{manyLocal: &manyLocal{memLocal: l}, answered: map[string]int64{}}
	a, b := pair(t)
	noQuota := Quota{ServeBytes: -1, ServeBytesBurst: -1, PullBytes: -1, PullBytesBurst: -1}
	sb := New(b, server, Options{Quota: noQuota})
	defer sb.Close()
	client := emptyPrepLocal()
	sa := New(a, client, Options{Quota: noQuota})
	defer sa.Close()

	rep, err := sa.Pull(t.Context(), b.ID())
	want := 3 + 12 + 12 + 40*3
	if err != nil || !rep.Complete || rep.Received() != want {
		t.Fatalf("pull: %v, %+v; want %d changes", err, rep, want)
	}
	for doc, held := range server.answered {
		if held > MaxReadBytes {
			t.Fatalf("%s answered by a read of %d bytes, over %d", doc, held, MaxReadBytes)
		}
	}
	if !slices.Contains(server.streamed, "b-big") {
		t.Fatalf("streamed %v, want b-big among them", server.streamed)
	}
	if _, ok := server.answered["d-small39"]; !ok {
		t.Fatalf("the documents after the streamed ones were not read in groups again (streamed %v)", server.streamed)
	}
}
