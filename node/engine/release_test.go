package engine_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/weftsync/weft/node/engine"
)

// TestReleaseWhileWaiting: a round trip of a whole document
// (OpCheck) that runs past ReleaseAfter starts Release on a goroutine of
// its own and answers without waiting for it; a second one while the
// first release still runs starts none; calls that hold no whole document
// (edits, views, pings) release nothing however long they take; Close
// waits for the release in flight (decision 0051).
func TestReleaseWhileWaiting(t *testing.T) {
	var started atomic.Int32
	unblock := make(chan struct{})
	var done atomic.Bool
	e := engine.New(engine.Config{
		ReleaseAfter: time.Microsecond, // a call to the child takes far longer
		Release: func() {
			started.Add(1)
			<-unblock
			time.Sleep(20 * time.Millisecond)
			done.Store(true)
		},
	})
	defer func() {
		select {
		case <-unblock:
		default:
			close(unblock)
		}
		e.Close()
	}()
	ctx := t.Context()
	if _, err := e.Call(ctx, engine.Request{Op: engine.OpPing}); err != nil { // starts the engine
		t.Fatal(err)
	}
	createLedger(t, e, "ledger", actor(0xaa))
	for range 20 {
		if _, err := addEntry(ctx, e, "ledger"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.View(ctx, "ledger"); err != nil {
		t.Fatal(err)
	}
	if n := e.Releases(); n != 0 {
		t.Fatalf("releases = %d after a ping, a create, edits and a view; want none", n)
	}
	// The release blocks until unblock: the calls answer meanwhile.
	for range 2 {
		if _, err := e.Check(ctx, "ledger"); err != nil {
			t.Fatal(err)
		}
	}
	if n, ran := e.Releases(), started.Load(); n != 1 || ran != 1 {
		t.Fatalf("releases = %d (started %d) after two checks while the first release runs; want 1", n, ran)
	}
	close(unblock)
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if !done.Load() {
		t.Fatal("Close returned before the release in flight ended")
	}
}

// TestNoReleaseWhenOff: a negative ReleaseAfter turns releases
// off; a round trip quicker than ReleaseAfter releases nothing.
func TestNoReleaseWhenOff(t *testing.T) {
	for _, after := range []time.Duration{-1, time.Hour} {
		var n atomic.Int32
		e := newEngine(t, engine.Config{ReleaseAfter: after, Release: func() { n.Add(1) }})
		createLedger(t, e, "ledger", actor(0xaa))
		if _, err := e.Check(t.Context(), "ledger"); err != nil {
			t.Fatal(err)
		}
		if err := e.Close(); err != nil {
			t.Fatal(err)
		}
		if e.Releases() != 0 || n.Load() != 0 {
			t.Fatalf("ReleaseAfter %v: releases = %d (ran %d), want none", after, e.Releases(), n.Load())
		}
	}
}

// TestDefaultRelease: the default release (a collection, free
// pages returned) runs beside a round trip and the engine goes on
// working after it.
func TestDefaultRelease(t *testing.T) {
	e := newEngine(t, engine.Config{ReleaseAfter: time.Microsecond})
	createLedger(t, e, "ledger", actor(0xaa))
	if _, err := e.Check(t.Context(), "ledger"); err != nil {
		t.Fatal(err)
	}
	if e.Releases() != 1 {
		t.Fatalf("releases = %d, want 1", e.Releases())
	}
	if _, err := addEntry(t.Context(), e, "ledger"); err != nil {
		t.Fatal(err)
	}
}
