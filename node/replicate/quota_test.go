package replicate

import (
	"errors"
	"sync/atomic"
	"testing"

	"github.com/libp2p/go-libp2p/core/network"
)

// TestServeQuota: a peer that pulls too often is told "busy"; a peer that
// takes more bytes than its quota gets a causally closed prefix and
// "busy", and the next pull resumes from there.
func TestServeQuota(t *testing.T) {
	t.Run("pulls", func(t *testing.T) {
		a, b := pair(t)
		sb := New(b, serverLocal(), Options{Quota: Quota{ServePulls: 0.001, ServePullsBurst: 2}})
		defer sb.Close()
		sa := New(a, &memLocal{open: true, digest: map[string]DocDigest{}}, Options{})
		defer sa.Close()
		for i := range 2 {
			if _, err := sa.Pull(t.Context(), b.ID()); err != nil {
				t.Fatalf("pull %d within the quota: %v", i, err)
			}
		}
		if _, err := sa.Pull(t.Context(), b.ID()); !errors.Is(err, ErrBusy) {
			t.Fatalf("pull past the quota: %v, want ErrBusy", err)
		}
	})
	t.Run("bytes", func(t *testing.T) {
		a, b := pair(t)
		server := serverLocal()
		// Frames of 3 changes (compressed to far less than their 3,000
		// bytes), each a message of its own (ProtocolID): a burst of 300
		// bytes lets some frames through, not all.
		sb := New(b, server, Options{FrameBudget: 4000, Unbatched: true, Quota: Quota{ServeBytes: 1, ServeBytesBurst: 300}})
		defer sb.Close()
		client := &memLocal{open: true, digest: map[string]DocDigest{}}
		sa := New(a, client, Options{})
		defer sa.Close()
		rep, err := sa.Pull(t.Context(), b.ID())
		if !errors.Is(err, ErrBusy) || rep.Complete {
			t.Fatalf("pull past the byte quota: %v, complete %v; want ErrBusy", err, rep.Complete)
		}
		if got := len(client.ingested); got == 0 || got >= 40 || got%3 != 0 {
			t.Fatalf("ingested %d changes, want some whole frames of 3, not all 40", got)
		}
	})
}

// TestPullQuota: a responder that floods frames is cut off at the
// opener's quota of changes, having delivered at most the burst.
func TestPullQuota(t *testing.T) {
	a, b := pair(t)
	f := sampleFrame()
	f.Space = testSpace
	per := len(f.Chunks)
	var sent atomic.Int64
	hostile(t, b, func(st network.Stream) {
		for range 10000 {
			b, _ := encode(f)
			if _, err := st.Write(b); err != nil {
				return
			}
			sent.Add(1)
		}
	})
	client := &memLocal{open: true, digest: map[string]DocDigest{}}
	sa := New(a, client, Options{Quota: Quota{PullChanges: 0.001, PullChangesBurst: float64(10 * per)}})
	defer sa.Close()
	_, err := sa.Pull(t.Context(), b.ID())
	if !errors.Is(err, ErrQuota) {
		t.Fatalf("pull from a flood: %v, want ErrQuota", err)
	}
	if got := len(client.ingested); got != 10*per {
		t.Fatalf("ingested %d changes, want the burst of %d", got, 10*per)
	}
	if sent.Load() >= 10000 {
		t.Fatal("the flood was read to its end")
	}
}
