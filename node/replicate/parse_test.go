package replicate

import (
	"context"
	"fmt"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"
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

// pullCases makes a responder of docs one-change case documents
// (casesLocal) and an opener over client, pulls once and checks that
// every document came.
func pullCases(t *testing.T, docs int, client Local) {
	t.Helper()
	a, b := pair(t)
	sb := New(b, casesLocal(docs), Options{})
	defer sb.Close()
	sa := New(a, client, Options{})
	defer sa.Close()
	rep, err := sa.Pull(t.Context(), b.ID())
	if err != nil || !rep.Complete || rep.Received() != docs {
		t.Fatalf("pull: %v, %+v", err, rep)
	}
}

// TestPullParsesAhead: an opener whose Local is a FrameParser (decision
// 0033) gets every frame parsed exactly once, and handed to IngestFrames
// with that frame's own parse and its own preparation.
func TestPullParsesAhead(t *testing.T) {
	const docs = 200
	client := &parseLocal{prepLocal: emptyPrepLocal(),
		parsed: map[string]int{}}
	pullCases(t, docs, client)
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

// slowPrepLocal is a prepLocal whose preparation is slow and whose first
// ingest waits, so that the answer's other frames arrive together; it
// counts the preparations made on the opener's own goroutine (its stack
// passes through changesBatch) rather than the preparer's.
type slowPrepLocal struct {
	*prepLocal
	byOpener int
	first    sync.Once
}

func (l *slowPrepLocal) PrepareFrame(f FrameIn) any {
	time.Sleep(2 * time.Millisecond)
	if strings.Contains(string(debugStack()), "changesBatch") {
		l.mu.Lock()
		l.byOpener++
		l.mu.Unlock()
	}
	return l.prepLocal.PrepareFrame(f)
}

func (l *slowPrepLocal) IngestFrames(ctx context.Context, frames []FrameIn) ([]Ingested, error) {
	l.first.Do(func() { time.Sleep(100 * time.Millisecond) })
	return l.prepLocal.IngestFrames(ctx, frames)
}

// TestBatchPreparedFromBothEnds: while the preparer goroutine works
// through a batch's frames from the first, the opener prepares the others
// from the last back (decision 0033); every frame is still prepared once
// and handed with its own preparation.
func TestBatchPreparedFromBothEnds(t *testing.T) {
	const docs = 100
	client := &slowPrepLocal{prepLocal: emptyPrepLocal()}
	pullCases(t, docs, client)
	if len(client.wrong) > 0 {
		t.Fatalf("frames handed with another preparation: %v", client.wrong)
	}
	for doc, n := range client.prepared {
		if n != 1 {
			t.Fatalf("%s prepared %d times, want once", doc, n)
		}
	}
	if len(client.prepared) != docs {
		t.Fatalf("%d frames prepared, want %d", len(client.prepared), docs)
	}
	t.Logf("the opener prepared %d of %d frames", client.byOpener, docs)
	if client.byOpener < docs/6 { // about 30 here; 5 or so when it waits for the preparer instead
		t.Fatalf("the opener prepared %d of %d frames itself; want it to take the batch's last ones while the preparer takes the first", client.byOpener, docs)
	}
}

func debugStack() []byte { return debug.Stack() }

// slowParseLocal is a parseLocal whose first ingest waits, so that the
// answer's other frames arrive while it does, and which accepts frames
// that come without a parse.
type slowParseLocal struct {
	*parseLocal
	first    sync.Once
	unparsed int
}

func (l *slowParseLocal) IngestFrames(ctx context.Context, frames []FrameIn) ([]Ingested, error) {
	l.first.Do(func() { time.Sleep(100 * time.Millisecond) })
	var parsed []FrameIn
	for _, f := range frames {
		if f.Parsed == nil {
			l.mu.Lock()
			l.unparsed++
			l.mu.Unlock()
			f.Parsed = fmt.Sprintf("parsed %s/%d", f.Doc, len(f.Chunks)) // as ingest would parse it
		}
		parsed = append(parsed, f)
	}
	return l.parseLocal.IngestFrames(ctx, parsed)
}

// TestParseAheadBounded: frames parsed ahead and not yet taken hold at
// most maxParsedAhead chunk bytes; the frames beyond come without a parse
// (ingest parses them) and are ingested all the same.
func TestParseAheadBounded(t *testing.T) {
	defer func(v int64) { maxParsedAhead = v }(maxParsedAhead)
	maxParsedAhead = 100 // about six of these frames' chunks
	const docs = 100
	client := &slowParseLocal{parseLocal: &parseLocal{prepLocal: emptyPrepLocal(),
		parsed: map[string]int{}}}
	pullCases(t, docs, client)
	if len(client.wrong) > 0 || len(client.prepLocal.wrong) > 0 {
		t.Fatalf("frames handed with another parse or preparation: %v %v", client.wrong, client.prepLocal.wrong)
	}
	if client.unparsed == 0 || len(client.parsed)+client.unparsed != docs {
		t.Fatalf("%d frames parsed ahead, %d not; want some not, %d in all", len(client.parsed), client.unparsed, docs)
	}
	for doc, n := range client.parsed {
		if n != 1 {
			t.Fatalf("%s parsed %d times, want once", doc, n)
		}
	}
}

// emptyPrepLocal is a prepLocal over an open, empty memLocal: an opener
// that holds nothing yet.
func emptyPrepLocal() *prepLocal {
	return &prepLocal{memLocal: &memLocal{open: true, digest: map[string]DocDigest{}}, prepared: map[string]int{}}
}
