package node

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// TestCheckRetry: the network's checker, while its passes fail, waits
// longer after each (doubling from twice checkPoll up to checkRetryMax),
// logs an error once, then again only when it changes or checkLogEvery
// has passed; a pass that succeeds brings the pause back to checkPoll and
// the next failure is logged again.
func TestCheckRetry(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	logs := func() int { return strings.Count(buf.String(), "deferred round-trip check") }
	full, locked := errors.New("store: disk full"), errors.New("store: database is locked")
	var r checkRetry
	now := time.Unix(1_800_000_000, 0)
	want := []time.Duration{2 * checkPoll, 4 * checkPoll, 8 * checkPoll, 16 * checkPoll, 32 * checkPoll, checkRetryMax, checkRetryMax}
	for i, w := range want {
		if got := r.after(full, now.Add(time.Duration(i)*time.Second), log); got != w {
			t.Fatalf("pause after failure %d = %v, want %v", i+1, got, w)
		}
	}
	now = now.Add(time.Duration(len(want)) * time.Second)
	if n := logs(); n != 1 {
		t.Fatalf("one error, failing %d times within %v: logged %d times, want once", len(want), checkLogEvery, n)
	}
	r.after(locked, now, log)
	if n := logs(); n != 2 {
		t.Fatalf("another error: logged %d times in all, want 2", n)
	}
	r.after(locked, now.Add(checkLogEvery/2), log)
	if n := logs(); n != 2 {
		t.Fatalf("the same error again within %v: logged %d times in all, want 2", checkLogEvery, n)
	}
	r.after(locked, now.Add(checkLogEvery), log)
	if n := logs(); n != 3 {
		t.Fatalf("the same error %v later: logged %d times in all, want 3", checkLogEvery, n)
	}
	if got := r.after(nil, now, log); got != checkPoll {
		t.Fatalf("pause after a pass that succeeded = %v, want %v", got, checkPoll)
	}
	if got := r.after(locked, now, log); got != 2*checkPoll || logs() != 4 {
		t.Fatalf("first failure after a success: pause %v, logged %d times in all; want %v and 4", got, logs(), 2*checkPoll)
	}
}
