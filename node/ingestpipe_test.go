package node_test

import (
	"encoding/hex"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/engine"
	"github.com/weftsync/weft/node/member"
	"github.com/weftsync/weft/node/replicate"
	"github.com/weftsync/weft/node/seal"
	"github.com/weftsync/weft/store"
)

// prepare runs n's PrepareFrame on each frame, as the sync opener's
// reader does, and keeps the result in the frame.
func prepare(t *testing.T, n *node.Node, frames []replicate.FrameIn) {
	t.Helper()
	p, ok := n.SyncLocal().(replicate.FramePreparer)
	if !ok {
		t.Fatal("the node's sync side does not prepare frames")
	}
	for i := range frames {
		frames[i].Prepared = p.PrepareFrame(frames[i])
	}
}

// TestPreparedAttestationOfRemovedMemberRefused: an attestation whose
// signature was verified ahead of ingest, while its signer was a member,
// is refused when the signer was removed from the roster before the batch
// is ingested: membership is checked at ingest, the signature alone ahead.
func TestPreparedAttestationOfRemovedMemberRefused(t *testing.T) {
	ctx := t.Context()
	a, _ := initNode(t, "Amina")
	b, _ := initNode(t, "Bo")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Fund"))
	joinSpace(t, a, b, sp)
	d1 := must[string](t)(b.AddCase(ctx, sp, model.CaseStudy{Titles: map[string]string{"en": "One"}}))
	d2 := must[string](t)(b.AddCase(ctx, sp, model.CaseStudy{Titles: map[string]string{"en": "Two"}}))
	frames := framesOf(t, b, sp, d1, d2)
	prepare(t, a, frames)
	for i, f := range frames {
		if node.PreparedValid(f.Prepared) != 1 {
			t.Fatalf("frame %d: %d signatures verified ahead, want 1 (Bo is a member yet)", i, node.PreparedValid(f.Prepared))
		}
	}

	heads := must[[][32]byte](t)(a.SyncLocal().OpHeads(ctx, sp.ID))
	op := &member.Op{Space: sp.ID, Kind: member.KindRemove, Follows: heads, Time: time.Now().UnixMilli(),
		Target: node.IdentityOf(b).Public}
	if err := op.Sign(node.IdentityOf(a)); err != nil {
		t.Fatal(err)
	}
	if err := a.SyncLocal().AddOps(ctx, sp.ID, [][]byte{op.Encode()}); err != nil {
		t.Fatalf("remove Bo: %v", err)
	}

	res := must[[]node.IngestResult](t)(node.IngestFramesResults(ctx, a, frames))
	for i, r := range res {
		if r.Stored != 0 || r.Refused != 1 || r.BadAttestations != 1 {
			t.Fatalf("frame %d: %+v; want its change refused and its attestation counted bad (Bo was removed)", i, r)
		}
	}
	if _, err := a.Case(ctx, sp, d1); !errors.Is(err, node.ErrNotFound) {
		t.Fatalf("Bo's case after his removal: %v, want ErrNotFound", err)
	}
}

// forgeSig returns att with its signature altered: every signed field the
// same, the signature no longer verifying.
func forgeSig(t *testing.T, att []byte) []byte {
	t.Helper()
	a := must[seal.Attestation](t)(seal.UnmarshalAttestation(att))
	a.Sig = append([]byte(nil), a.Sig...)
	a.Sig[7] ^= 0x40
	return a.Marshal()
}

// TestForgedAttestationInPipelinedBatchRefused: in a batch of frames
// prepared ahead and handed to the engine in several groups, a frame whose
// attestation was forged is refused and counted, whether its forgery was
// verified ahead or carried beside the verified result of the genuine
// attestation it copies; the other documents are stored.
func TestForgedAttestationInPipelinedBatchRefused(t *testing.T) {
	ctx := t.Context()
	node.SetPipeGroup(t, 2)
	a, _ := initNode(t, "Amina")
	c, _ := initNode(t, "Chidi")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Fund"))
	joinSpace(t, a, c, sp)
	var docs []string
	for _, title := range []string{"One", "Two", "Three", "Four", "Five"} {
		docs = append(docs, must[string](t)(c.AddCase(ctx, sp, model.CaseStudy{Titles: map[string]string{"en": title}})))
	}
	frames := framesOf(t, c, sp, docs...)
	genuine := frames[3].Atts[0]
	frames[1].Atts = [][]byte{forgeSig(t, frames[1].Atts[0])} // forged before preparing
	prepare(t, a, frames)
	frames[3].Atts = [][]byte{forgeSig(t, genuine)} // forged after: its Prepared holds the genuine one's result
	if node.PreparedValid(frames[3].Prepared) != 1 || node.PreparedValid(frames[1].Prepared) != 0 {
		t.Fatalf("verified ahead: %d and %d, want the genuine attestation only", node.PreparedValid(frames[3].Prepared), node.PreparedValid(frames[1].Prepared))
	}

	res := must[[]node.IngestResult](t)(node.IngestFramesResults(ctx, a, frames))
	for i, r := range res {
		bad := i == 1 || i == 3
		switch {
		case bad && (r.Stored != 0 || r.Refused != 1 || r.BadAttestations != 1):
			t.Fatalf("forged frame %d: %+v; want its change refused, its attestation counted", i, r)
		case !bad && (r.Stored != 1 || r.Refused != 0 || r.BadAttestations != 0):
			t.Fatalf("honest frame %d: %+v; want its change stored", i, r)
		}
	}
	for i, doc := range docs {
		_, err := a.Case(ctx, sp, doc)
		if bad := i == 1 || i == 3; bad != errors.Is(err, node.ErrNotFound) || (!bad && err != nil) {
			t.Fatalf("case %d after the batch: %v", i, err)
		}
	}
}

// TestIngestFramesBlamesOneDocumentInLaterGroup: the engine dies on a
// document of the second of several groups handed to it while the store
// takes the next: only that document's change is quarantined, and the
// documents of every other group, before and after it, are stored.
func TestIngestFramesBlamesOneDocumentInLaterGroup(t *testing.T) {
	ctx := t.Context()
	node.SetPipeGroup(t, 2)
	a, aOpts, b, c, sp := threeInFund(t)
	var docs []string
	for i, title := range []string{"One", "Two", "Bad", "Four", "Five"} {
		from := c
		if i == 2 {
			from = b
		}
		docs = append(docs, must[string](t)(from.AddCase(ctx, sp, model.CaseStudy{Titles: map[string]string{"en": title}})))
	}
	frames := append(framesOf(t, c, sp, docs[:2]...), framesOf(t, b, sp, docs[2])...)
	frames = append(frames, framesOf(t, c, sp, docs[3:]...)...)
	target := lastHash(t, frames[2].Chunks)
	aOpts.Engine = engine.Config{Env: append(os.Environ(), faultKillEnv+"="+target)}
	a = reopen(t, a, aOpts)
	prepare(t, a, frames)

	res := must[[]replicate.Ingested](t)(a.SyncLocal().(replicate.BatchLocal).IngestFrames(ctx, frames))
	for i, r := range res {
		if want := i != 2; (r.Stored == 1) != want || (r.Refused == 1) == want {
			t.Fatalf("results = %+v; want every document but the third stored", res)
		}
	}
	q := must[[]store.Quarantined](t)(a.Quarantined(ctx))
	if len(q) != 1 || hex.EncodeToString(q[0].Hash[:]) != target || node.PeerID(q[0].Author) != b.PeerID() {
		t.Fatalf("quarantined = %+v; want exactly %s by %s", q, target, b.PeerID())
	}
	for i, doc := range docs {
		if _, err := a.Case(ctx, sp, doc); (i == 2) != errors.Is(err, node.ErrNotFound) {
			t.Fatalf("case %d: %v", i, err)
		}
	}
}
