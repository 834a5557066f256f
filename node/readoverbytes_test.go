package node_test

import (
	"fmt"
	"testing"

	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/replicate"
	"github.com/weftsync/weft/node/seal"
)

// TestGroupReadOverBytesStreamsEachDocument: a member lacks ten case
// studies whose changes together hold more than replicate.MaxReadBytes
// (one change of 900 KiB each, a member's own edit), few enough changes
// each to be read in one group (decision 0067). Over real libp2p on
// 127.0.0.1, the responder's group read stops at the bound and each of
// the group's documents is streamed in a read of its own; the receiver
// ends with exactly the sender's change sets.
func TestGroupReadOverBytesStreamsEachDocument(t *testing.T) {
	const docs, size = 10, 900 << 10
	if docs*size <= replicate.MaxReadBytes {
		t.Fatalf("premise: %d documents of %d bytes are within a group read's bound", docs, size)
	}
	ctx := t.Context()
	x, y := realNode(t, "Xia"), realNode(t, "Yusuf")
	sp := must[node.Space](t)(x.CreateSpace(ctx, "Tenants Union"))
	joinSpace(t, x, y, sp) // y holds the space's documents as they were

	xid := node.IdentityOf(x)
	actor := seal.NewActor(xid.Public)
	for i := range docs {
		id := must[string](t)(x.AddCase(ctx, sp, model.CaseStudy{Titles: map[string]string{"en": fmt.Sprintf("Case %d", i)}}))
		base := node.DocChanges(x, id)
		raw := forge(t, base, actor, func(d *am.Doc) error {
			return d.Path("outcomes").Set(partingMemo(t, size-i)) // each different
		})
		r := must[node.IngestResult](t)(x.Ingest(ctx, sp.ID, id, [][]byte{raw}, [][]byte{attest(t, xid, sp.ID, id, raw)}))
		if r.Stored != 1 {
			t.Fatalf("x stores its large edit of case %d: %+v", i, r)
		}
	}

	px, py := newSyncPeer(t, "x", x, replicate.Options{}), newSyncPeer(t, "y", y, replicate.Options{})
	connect(t, px, py)
	over, streamed := node.ReadsOverBytes(), node.StreamedReads()
	rep := pull(t, py, px)
	if !rep.Complete {
		t.Fatalf("y's pull from x did not complete: %+v", rep)
	}
	sameChanges(t, sp.ID, px, py)
	if n := node.ReadsOverBytes() - over; n == 0 {
		t.Fatal("no group read passed replicate.MaxReadBytes: the over-bytes route was not taken")
	}
	if n := node.StreamedReads() - streamed; n < docs {
		t.Fatalf("%d documents streamed, want each of the %d of the group read over the bound", n, docs)
	}
}
