package engine_test

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"syscall"
	"testing"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node/engine"
)

// newCases makes n case studies in e and returns, for each, a DocApply
// that loads it anew as another document (a new document received).
func newCases(t *testing.T, e *engine.Engine, prefix string, n int) []engine.DocApply {
	t.Helper()
	out := make([]engine.DocApply, n)
	for i := range out {
		src := fmt.Sprintf("%s-src-%d", prefix, i)
		c := model.CaseStudy{ID: model.NewID(), Titles: map[string]string{"en": src}, Summary: "s " + src}
		chunks, err := e.Create(t.Context(), src, model.Create{Type: model.Case, Space: model.NewID(), Case: &c}, actor(byte(i%200+1)), at)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Drop(t.Context(), src); err != nil {
			t.Fatal(err)
		}
		out[i] = engine.DocApply{Doc: fmt.Sprintf("%s-%d", prefix, i), Load: true, Actor: actor(0xee), Changes: chunks, Check: true, Root: true}
	}
	return out
}

// TestApplyManyPipelined: calls of ApplyMany made together from several
// goroutines (pipelined, decision 0034) each get the outcomes of their own
// documents (each document's own head), alongside a Call made meanwhile.
func TestApplyManyPipelined(t *testing.T) {
	e := newEngine(t, engine.Config{})
	const calls, per = 8, 24
	batches := make([][]engine.DocApply, calls)
	for i := range batches {
		batches[i] = newCases(t, e, fmt.Sprintf("b%d", i), per)
	}
	stats := func() int {
		_, docs, err := e.Stats(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		return docs
	}
	before := stats()
	var wg sync.WaitGroup
	errs := make([]error, calls)
	for i, b := range batches {
		wg.Go(func() {
			res, err := e.ApplyMany(t.Context(), b)
			switch {
			case err != nil:
				errs[i] = err
			case len(res) != len(b):
				errs[i] = fmt.Errorf("%d outcomes for %d documents", len(res), len(b))
			default:
				for j, r := range res {
					want := sha256.Sum256(b[j].Changes[0][8:]) // a change's hash: its chunk from the type byte on
					if r.Error() != nil || r.Root == nil || r.Root.Type != model.Case || len(r.Heads) != 1 || r.Heads[0] != want {
						errs[i] = fmt.Errorf("document %s: %+v, %v; want its own head %x", b[j].Doc, r, r.Error(), want)
						break
					}
				}
			}
		})
	}
	_ = stats() // a Call made meanwhile: it waits for the calls in flight, then runs alone
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("call %d: %v", i, err)
		}
	}
	if after := stats(); after != before+calls*per {
		t.Errorf("the engine holds %d documents, want %d", after, before+calls*per)
	}
	if e.Restarts() != 0 {
		t.Errorf("%d restarts", e.Restarts())
	}
}

// TestApplyManyPipelinedDeath: when the engine dies with pipelined calls
// in flight, each of them fails with ErrDied (none answers for another's
// documents), the death counts once, and the next call gets a fresh
// engine.
func TestApplyManyPipelinedDeath(t *testing.T) {
	e := newEngine(t, engine.Config{})
	const calls, per = 4, 150
	batches := make([][]engine.DocApply, calls)
	for i := range batches {
		batches[i] = newCases(t, e, fmt.Sprintf("d%d", i), per)
	}
	gen := e.Generation()
	pid := e.PID()
	var wg sync.WaitGroup
	errs := make([]error, calls)
	for i, b := range batches {
		wg.Go(func() {
			res, err := e.ApplyMany(t.Context(), b)
			if err == nil && len(res) != len(b) {
				err = fmt.Errorf("%d outcomes for %d documents", len(res), len(b))
			}
			errs[i] = err
		})
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	died := 0
	for i, err := range errs {
		switch {
		case errors.Is(err, engine.ErrDied):
			died++
		case err != nil:
			t.Errorf("call %d: %v, want ErrDied or its outcomes", i, err)
		}
	}
	if died == 0 {
		t.Fatal("no call in flight failed when the engine was killed")
	}
	if e.Restarts() != 1 {
		t.Errorf("restarts = %d, want 1", e.Restarts())
	}
	res, err := e.ApplyMany(t.Context(), batches[0][:1])
	if err != nil || len(res) != 1 || res[0].Error() != nil {
		t.Fatalf("a call after the death: %+v, %v", res, err)
	}
	if e.Generation() <= gen {
		t.Errorf("generation %d, want past %d", e.Generation(), gen)
	}
}
