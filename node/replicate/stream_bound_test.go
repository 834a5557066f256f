package replicate

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"sync"
	"testing"
	"time"
)

// gatedStream is a stream whose writes block until it is opened, as to
// an opener that takes nothing, then land in out. It reads nothing.
type gatedStream struct {
	open chan struct{}
	mu   sync.Mutex
	out  bytes.Buffer
}

func (g *gatedStream) Read([]byte) (int, error) { return 0, io.EOF }
func (g *gatedStream) Write(p []byte) (int, error) {
	<-g.open
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.out.Write(p)
}
func (g *gatedStream) SetReadDeadline(time.Time) error  { return nil }
func (g *gatedStream) SetWriteDeadline(time.Time) error { return nil }

// readStream is a bytes.Reader as a stream, to decode what was written.
type readStream struct{ *bytes.Reader }

func (readStream) Write(p []byte) (int, error)      { return len(p), nil }
func (readStream) SetReadDeadline(time.Time) error  { return nil }
func (readStream) SetWriteDeadline(time.Time) error { return nil }

// countedLocal is a memLocal whose MissingStream hands a document's
// missing changes in parts of 16 and counts what it handed on and its
// reads; each read's end is sent on ended.
type countedLocal struct {
	*memLocal
	emitted int
	reads   int
	ended   chan error
}

func (l *countedLocal) MissingStream(ctx context.Context, space, doc string, vv map[string]uint64, emit func([]Change) error) error {
	l.reads++
	err := func() error {
		if l.reads > 32 { // a resume from the wrong place reads for ever
			return errors.New("more reads than the document needs")
		}
		cs, err := l.Missing(ctx, space, doc, vv)
		if err != nil {
			return err
		}
		for i := 0; i < len(cs); i += 16 {
			part := cs[i:min(i+16, len(cs))]
			l.emitted += contentSize(part)
			if err := emit(part); err != nil {
				return err
			}
		}
		return nil
	}()
	l.ended <- err
	return err
}

// TestStreamQueueBoundedForSlowOpener: an opener that takes no frame
// (a hostile member asking for a large document with an empty vector and
// never reading) makes the responder's streamed read pause once about
// maxStreamQueued bytes wait to be sent, not read the whole document into
// memory. Once the opener reads, a new read resumes after what was
// queued, and every change is sent once, in order.
func TestStreamQueueBoundedForSlowOpener(t *testing.T) {
	const changes, size = 768, 64 << 10 // 48 MiB in all
	local := &countedLocal{memLocal: &memLocal{open: true, changes: map[string][]Change{}}, ended: make(chan error, 64)}
	for s := 1; s <= changes; s++ {
		raw := make([]byte, size)
		binary.BigEndian.PutUint64(raw, uint64(s))
		local.changes["big"] = append(local.changes["big"], Change{Raw: raw, Actor: []byte{1}, Seq: uint64(s), Attestation: []byte{1}})
	}
	s := New(newHost(t), local, Options{Quota: Quota{ServeBytes: -1, ServeBytesBurst: -1}})
	defer s.Close()
	st := &gatedStream{open: make(chan struct{})}
	r := &responder{s: s, c: &conn{s: st, idle: time.Minute}, served: map[string]bool{}}
	done := make(chan error, 1)
	go func() { done <- r.stream(t.Context(), local, testSpace, "big", "ledger", nil) }()

	first := <-local.ended // the first read ended: paused, or read whole
	most := maxStreamQueued + streamBudget + 2*16*size
	if local.emitted > most {
		t.Fatalf("the read handed on %d bytes while the opener took nothing (first read: %v); want at most %d", local.emitted, first, most)
	}
	close(st.open)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if local.reads < 2 {
		t.Fatalf("premise: %d reads; the first should have paused", local.reads)
	}
	c := &conn{s: readStream{bytes.NewReader(st.out.Bytes())}, idle: time.Minute}
	next := uint64(1)
	for next <= changes {
		body, err := c.readBody(MaxLargeFrame)
		if err != nil {
			t.Fatalf("after change %d: %v", next-1, err)
		}
		f, err := DecodeFrame(body)
		if err != nil {
			t.Fatal(err)
		}
		for _, ch := range f.Chunks {
			if got := binary.BigEndian.Uint64(ch); got != next {
				t.Fatalf("change %d sent where %d was due", got, next)
			}
			next++
		}
	}
}
