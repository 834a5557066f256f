package replicate

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

// reportLocal is a settleLocal whose SettleReport finds that doc1's
// batches were dropped after their ingest returned (decision 0048):
// droppedLate of its changes.
type reportLocal struct{ *settleLocal }

var errDroppedAfter = errors.New("doc1's batches were dropped after their ingest returned")

const droppedLate = 7

func (l reportLocal) SettleReport(ctx context.Context, space, doc string) error {
	l.Settle(ctx, space, doc)
	if doc == "doc1" {
		return &DroppedAfterIngest{Changes: droppedLate, Err: errDroppedAfter}
	}
	return nil
}

// TestPullEndsWhenSettleReports: when the Local's SettleReport finds that
// what a document's batches stored was dropped after their ingest
// returned, the pull ends with that error, incomplete, and so does not
// acknowledge the answer; a Local that finds nothing lets the pull
// complete. The report counts the changes dropped after their ingest as
// refused, not stored: it says what stayed.
func TestPullEndsWhenSettleReports(t *testing.T) {
	defer func(l int) { batchLimit = l }(batchLimit)
	batchLimit = 7 // batches end inside doc1: it is left open, then settled
	for _, drop := range []bool{true, false} {
		t.Run(fmt.Sprintf("dropped=%v", drop), func(t *testing.T) {
			a, b := pair(t)
			server := &memLocal{open: true, digest: map[string]DocDigest{}, changes: map[string][]Change{}}
			sizes := map[string]int{"doc1": 30, "doc2": 3}
			if !drop {
				sizes = map[string]int{"doc0": 30, "doc2": 3}
			}
			for doc, n := range sizes {
				server.digest[doc] = DocDigest{Type: "ledger", VV: map[string]uint64{"01": uint64(n)}}
				for s := 1; s <= n; s++ {
					server.changes[doc] = append(server.changes[doc], Change{Raw: []byte(fmt.Sprintf("%s change %d", doc, s)),
						Actor: []byte{1}, Seq: uint64(s), Attestation: []byte{1}})
				}
			}
			sb := New(b, server, Options{FrameBudget: 16}) // one change a frame
			defer sb.Close()
			client := reportLocal{&settleLocal{memLocal: &memLocal{open: true, digest: map[string]DocDigest{}}}}
			sa := New(a, client, Options{})
			defer sa.Close()

			rep, err := sa.Pull(t.Context(), b.ID())
			client.mu.Lock()
			settled := 0
			for _, e := range client.events {
				if e == "settle doc1" || e == "settle doc0" {
					settled++
				}
			}
			events := append([]string(nil), client.events...)
			client.mu.Unlock()
			if settled != 1 {
				t.Fatalf("the large document settled %d times: %v", settled, events)
			}
			if drop && (!errors.Is(err, errDroppedAfter) || rep.Complete) {
				t.Fatalf("pull = %v, complete %v; want the settle's error, incomplete", err, rep.Complete)
			}
			if !drop && (err != nil || !rep.Complete) {
				t.Fatalf("pull = %v, complete %v; want it complete", err, rep.Complete)
			}
			for _, d := range rep.Spaces[0].Docs {
				want := Ingested{Stored: sizes[d.Doc]}
				switch {
				case drop && d.Doc == "doc1":
					want = Ingested{Stored: sizes[d.Doc] - droppedLate, Refused: droppedLate}
				case drop:
					// The pull ended at doc1's settle, after the batch that
					// took doc2's first frames: how many depends on what the
					// reader had read ahead. What arrived was stored.
					if d.Received < 1 || d.Received > sizes[d.Doc] {
						t.Fatalf("report of %s: received %d of %d", d.Doc, d.Received, sizes[d.Doc])
					}
					want = Ingested{Stored: d.Received}
				}
				if d.Ingested != want {
					t.Fatalf("report of %s: %+v, want %+v (what stayed)", d.Doc, d.Ingested, want)
				}
			}
		})
	}
}
