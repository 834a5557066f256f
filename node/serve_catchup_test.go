package node_test

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/replicate"
)

// TestServeCatchUpAfterRestart is issue 3's catch-up as a user meets it,
// at the size, over the real network (weft serve's path: dial,
// pull on connecting, frames committed as they arrive). b, a member, is
// stopped (its node closed) while a records 10,000 ledger entries. b is
// opened again from its home and started with a as its peer; twice, the
// transfer is cut in the middle (a serves frames of 8 KiB and b's pull
// stops after cutFrames of them, as a dropped link would stop it) and b is
// stopped and restarted (a laptop closed mid-sync). Each restart keeps
// what was committed and resumes from there, and b converges on a's
// change sets, every entry readable and nothing quarantined.
func TestServeCatchUpAfterRestart(t *testing.T) {
	const entries = 10000 // about two minutes under -race on a loaded 2-core machine
	const cutFrames = 30  // at most about 2,400 changes with 8 KiB frames
	ctx := t.Context()
	a, _ := serveNode(t, "Amina")
	node.SetSyncOptions(a, func(o *replicate.Options) { o.FrameBudget = 8 << 10 })
	b, bOpts := serveNode(t, "Bo")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Coalition Fund"))
	joinSpace(t, a, b, sp)
	servePair(t, a, b)
	eventually(t, "b holds the space's documents", func() error { return sameDigest(t, a, b, sp) })
	if err := b.Close(); err != nil {
		t.Fatalf("stop b: %v", err)
	}
	addEntries(t, a, sp, entries)
	total := changeCount(t, a, sp) // the entries and the ledger's creation

	start := time.Now()
	held := 0 // what b held when it last stopped (at least)
	for cut := range 3 {
		b = must[*node.Node](t)(node.Open(ctx, bOpts))
		t.Cleanup(func() { b.Close() })
		if cut < 2 {
			node.SetSyncOptions(b, func(o *replicate.Options) { o.MaxFrames = cutFrames })
		}
		got := changeCount(t, b, sp)
		switch {
		case got < held:
			t.Fatalf("b reopened holds %d changes, %d before it stopped", got, held)
		case cut > 0 && got >= total:
			t.Fatalf("b stopped after the transfer ended (%d of %d changes): nothing was cut", got, total)
		case cut > 0:
			t.Logf("cut %d: b stopped holding %d of %d changes", cut, got, total)
		}
		held = got
		serveQuiet(t, b, a.Addrs()...) // no timed pulls: the pull on connecting carries it
		if cut == 2 {
			break
		}
		// Stop b once this transfer has committed something and stopped
		// (its pull ends after cutFrames frames, short of the end).
		deadline := time.Now().Add(5 * time.Minute)
		for last, since := held, time.Now(); got == held || time.Since(since) < time.Second; time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("cut %d: b holds %d changes after 5 minutes", cut+1, got)
			}
			if got = changeCount(t, b, sp); got != last {
				last, since = got, time.Now()
			}
		}
		if err := b.Close(); err != nil {
			t.Fatalf("cut %d: stop b: %v", cut+1, err)
		}
		held = got
	}
	deadline := time.Now().Add(5 * time.Minute)
	for {
		err := entryCount(ctx, b, sp, entries)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("b after %v: %v", time.Since(start), err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("b caught up on %d entries, cut twice, in %v", entries, time.Since(start))
	if err := sameDigest(t, a, b, sp); err != nil {
		t.Fatal(err)
	}
	if got, want := changeSets(t, b, sp.ID), changeSets(t, a, sp.ID); !reflect.DeepEqual(got, want) {
		t.Fatalf("b's change sets differ from a's: %d docs vs %d", len(got), len(want))
	}
	if q := must[[]node.QuarantineEntry](t)(b.Quarantine(ctx)); len(q) != 0 {
		t.Fatalf("b quarantined honest changes: %+v", q)
	}
}

// changeCount is how many changes n holds in sp, by its version vectors.
func changeCount(t *testing.T, n *node.Node, sp node.Space) int {
	t.Helper()
	d, err := n.SyncLocal().Digest(t.Context(), sp.ID)
	if err != nil {
		t.Fatalf("digest: %v", err)
	}
	total := 0
	for _, doc := range d {
		for _, seq := range doc.VV {
			total += int(seq)
		}
	}
	return total
}

// sameDigest reports whether a and b hold the same version vectors for sp.
func sameDigest(t *testing.T, a, b *node.Node, sp node.Space) error {
	t.Helper()
	da, err := a.SyncLocal().Digest(t.Context(), sp.ID)
	if err != nil {
		return err
	}
	db, err := b.SyncLocal().Digest(t.Context(), sp.ID)
	if err != nil {
		return err
	}
	if len(da) == 0 || !reflect.DeepEqual(da, db) {
		return fmt.Errorf("version vectors differ: a %d docs, b %d", len(da), len(db))
	}
	return nil
}
