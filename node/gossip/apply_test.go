package gossip

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"testing"
)

// groupLocal records how deliveries reach Local, and can fail IngestAll.
type groupLocal struct {
	fakeLocal
	failAll bool

	mu      sync.Mutex
	groups  [][]string // docs of each IngestAll call
	singles []string   // docs of each Ingest call
}

func (l *groupLocal) Ingest(_ context.Context, d Delivered) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.singles = append(l.singles, d.Batch.Doc)
	return false, nil
}

func (l *groupLocal) IngestAll(_ context.Context, ds []Delivered) ([]bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var docs []string
	for _, d := range ds {
		docs = append(docs, d.Batch.Doc)
	}
	l.groups = append(l.groups, docs)
	if l.failAll {
		return nil, errors.New("one batch is bad")
	}
	return make([]bool, len(ds)), nil
}

// TestApplyGroup: deliveries waiting behind the one a worker takes are
// ingested with it in one IngestAll, in order, announcements aside; when
// that fails, each is ingested alone.
func TestApplyGroup(t *testing.T) {
	for _, fail := range []bool{false, true} {
		l := &groupLocal{failAll: fail}
		g := &Gossip{local: l, apply: make(chan delivery, 8), missing: newMissingLimiter(), ctx: t.Context(),
			log: slog.New(slog.DiscardHandler)}
		for _, doc := range []string{"d1", "d2", "", "d3"} {
			b := Batch{Doc: doc, Chunks: [][]byte{{1}}, Atts: [][]byte{{1}}}
			if doc == "" {
				b = Batch{Doc: "d9", Heads: [][32]byte{{1}}}
			}
			g.apply <- delivery{space: "s", batch: b} // no sender: no pull asked
		}
		g.applyGroup(g.drain(<-g.apply))
		want := []string{"d1", "d2", "d3"}
		if len(l.groups) != 1 || !slices.Equal(l.groups[0], want) {
			t.Fatalf("fail %v: IngestAll calls %v, want one with %v", fail, l.groups, want)
		}
		if wantSingles := map[bool][]string{false: nil, true: want}[fail]; !slices.Equal(l.singles, wantSingles) {
			t.Fatalf("fail %v: Ingest calls %v, want %v", fail, l.singles, wantSingles)
		}
		if len(g.apply) != 0 {
			t.Fatalf("fail %v: %d deliveries left waiting", fail, len(g.apply))
		}
	}
}
