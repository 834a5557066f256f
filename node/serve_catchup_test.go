package node_test

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/weftsync/weft/node"
)

// TestServeCatchUpAfterRestart is issue 3's catch-up as a user meets it,
// at the size: b, a member, is stopped (its node closed);
// meanwhile a records 10,000 ledger entries; b is opened again from its
// home and
// started with a as its peer, and converges over the real network (weft
// serve's path: dial, sync on connect, frames committed as they arrive)
// on the same change sets, every entry readable.
func TestServeCatchUpAfterRestart(t *testing.T) {
	ctx := t.Context()
	const entries = 10000 // about 90 s under -race on a loaded 2-core machine
	a, _ := serveNode(t, "Amina")
	b, bOpts := serveNode(t, "Bo")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Coalition Fund"))
	joinSpace(t, a, b, sp)
	servePair(t, a, b)
	eventually(t, "b holds the space's documents", func() error { return sameDigest(t, a, b, sp) })
	if err := b.Close(); err != nil {
		t.Fatalf("stop b: %v", err)
	}

	addEntries(t, a, sp, entries)
	b = must[*node.Node](t)(node.Open(ctx, bOpts))
	t.Cleanup(func() { b.Close() })
	if err := entryCount(ctx, b, sp, 0); err != nil {
		t.Fatalf("b before it reconnects: %v", err)
	}
	start := time.Now()
	serveQuiet(t, b, a.Addrs()...) // no timed pulls: the pull on connecting carries it
	deadline := start.Add(5 * time.Minute)
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
	t.Logf("b caught up on %d entries in %v", entries, time.Since(start))
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
