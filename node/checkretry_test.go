package node_test

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
)

// TestCheckerBacksOffWhileStoreFails: while the store fails the commits of
// the network checker's passes, the checker waits twice as long after
// each failed pass (at least 2, 4, 8 times checkPoll between the first
// four), logs the error once rather than at every pass, and, once the
// store works again, checks the document and clears its mark.
func TestCheckerBacksOffWhileStoreFails(t *testing.T) {
	ctx := t.Context()
	var logs logSink
	var clock sync.Mutex
	now := newClock()
	aOpts := node.Options{Home: t.TempDir(), NoPassphrase: true, Logger: slog.New(slog.NewTextHandler(&logs, nil)),
		Now: func() time.Time {
			clock.Lock()
			defer clock.Unlock()
			return now.now()
		}}
	a := must[*node.Node](t)(node.Init(ctx, aOpts, "Amina"))
	t.Cleanup(func() { a.Close() })
	c, _ := initNode(t, "Chidi")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Fund"))
	joinSpace(t, a, c, sp)
	doc := must[string](t)(c.AddCase(ctx, sp, model.CaseStudy{Titles: map[string]string{"en": "Honest"}}))
	ingestFrames(t, a, framesOf(t, c, sp, doc))
	if !node.MarkedUnchecked(t, a, doc) {
		t.Fatal("premise: the document is not stored before its check")
	}

	var mu sync.Mutex
	var failed []time.Time
	stop := node.FailCommits(t, a, func() error {
		mu.Lock()
		defer mu.Unlock()
		failed = append(failed, time.Now())
		return errors.New("the disk is full")
	})
	serveQuiet(t, a)
	const passes = 4
	eventually(t, "the checker's passes fail", func() error {
		mu.Lock()
		defer mu.Unlock()
		if len(failed) < passes {
			return fmt.Errorf("%d failed passes", len(failed))
		}
		return nil
	})
	stop()
	mu.Lock()
	times := append([]time.Time(nil), failed...)
	mu.Unlock()
	for i := 1; i < passes; i++ {
		want := node.CheckPoll << i // the pause after failure i is at least this
		if gap := times[i].Sub(times[i-1]); gap < want {
			t.Fatalf("failed pass %d came %v after the one before; want a pause of %v at least", i+1, gap, want)
		}
	}
	const warn = "deferred round-trip check; retrying later"
	if got := strings.Count(logs.String(), warn); got != 1 {
		t.Fatalf("the failure was logged %d times over %d failed passes; want once:\n%s", got, len(times), logs.String())
	}
	eventually(t, "the checker checks the document once the store works", func() error {
		if node.MarkedUnchecked(t, a, doc) || node.Unchecked(a, doc) != 0 {
			return errors.New("still unchecked")
		}
		return nil
	})
}
