package node_test

import (
	"encoding/hex"
	"errors"
	"os"
	"testing"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/engine"
	"github.com/weftsync/weft/node/replicate"
	"github.com/weftsync/weft/store"
)

// framesOf is one sync frame per document of from's space sp: its stored
// changes with the attestations held for them.
func framesOf(t *testing.T, from *node.Node, sp node.Space, docs ...string) []replicate.FrameIn {
	t.Helper()
	var out []replicate.FrameIn
	for _, doc := range docs {
		cs := must[[]replicate.Change](t)(from.SyncLocal().Missing(t.Context(), sp.ID, doc, nil))
		out = append(out, frameIn(replicate.FrameIn{Space: sp.ID, Doc: doc}, cs))
	}
	return out
}

// frameIn is f carrying cs: their chunks and the attestations they hold.
func frameIn(f replicate.FrameIn, cs []replicate.Change) replicate.FrameIn {
	for _, c := range cs {
		f.Chunks = append(f.Chunks, c.Raw)
		if c.Attestation != nil {
			f.Atts = append(f.Atts, c.Attestation)
		}
	}
	return f
}

// TestIngestFramesBlamesOneDocument: frames of several documents ingested
// together, where one document's change kills the engine (on its own and
// again replayed alone): only that change is quarantined, by its author,
// and the other documents, another member's, are stored in the same call.
func TestIngestFramesBlamesOneDocument(t *testing.T) {
	ctx := t.Context()
	a, aOpts, b, c, sp := threeInFund(t)
	honest1 := must[string](t)(c.AddCase(ctx, sp, model.CaseStudy{Titles: map[string]string{"en": "One"}}))
	bad := must[string](t)(b.AddCase(ctx, sp, model.CaseStudy{Titles: map[string]string{"en": "Bad"}}))
	honest2 := must[string](t)(c.AddCase(ctx, sp, model.CaseStudy{Titles: map[string]string{"en": "Two"}}))
	frames := append(framesOf(t, c, sp, honest1), framesOf(t, b, sp, bad)...)
	frames = append(frames, framesOf(t, c, sp, honest2)...)
	target := lastHash(t, frames[1].Chunks)
	aOpts.Engine = engine.Config{Env: append(os.Environ(), faultKillEnv+"="+target)}
	a = reopen(t, a, aOpts)

	bl, ok := a.SyncLocal().(replicate.BatchLocal)
	if !ok {
		t.Fatal("the node's sync side does not take frames in batches")
	}
	res, err := bl.IngestFrames(ctx, frames)
	if err != nil {
		t.Fatalf("ingest frames: %v", err)
	}
	if len(res) != 3 || res[0].Stored != 1 || res[2].Stored != 1 || res[1].Stored != 0 || res[1].Refused != 1 {
		t.Fatalf("results = %+v; want the honest documents stored and the bad one refused", res)
	}
	q := must[[]store.Quarantined](t)(a.Quarantined(ctx))
	if len(q) != 1 || hex.EncodeToString(q[0].Hash[:]) != target || node.PeerID(q[0].Author) != b.PeerID() {
		t.Fatalf("quarantined = %+v; want exactly %s by %s", q, target, b.PeerID())
	}
	for _, doc := range []string{honest1, honest2} {
		if _, err := a.Case(ctx, sp, doc); err != nil {
			t.Fatalf("honest case %s: %v", doc, err)
		}
	}
	if _, err := a.Case(ctx, sp, bad); !errors.Is(err, node.ErrNotFound) {
		t.Fatalf("the quarantined case: %v, want ErrNotFound", err)
	}
	must[string](t)(a.AddCase(ctx, sp, model.CaseStudy{Titles: map[string]string{"en": "Still works"}}))
}

// TestIngestFramesMergesOneDocument: two frames of one document taken
// together are ingested as one, the first frame's changes covered by the
// second's attestation; a frame alone without an attestation is refused.
func TestIngestFramesMergesOneDocument(t *testing.T) {
	ctx := t.Context()
	a, _ := initNode(t, "Amina")
	c, _ := initNode(t, "Chidi")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Fund"))
	joinSpace(t, a, c, sp)
	ledger := must[node.SpaceDetail](t)(a.SpaceDetail(ctx, sp)).Ledger
	have := must[map[string]replicate.DocDigest](t)(a.SyncLocal().Digest(ctx, sp.ID))[ledger].VV
	for i := range 5 {
		must[string](t)(c.AddEntry(ctx, sp, model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: int64(i + 1), Currency: "EUR"}))
	}
	cs := must[[]replicate.Change](t)(c.SyncLocal().Missing(ctx, sp.ID, ledger, have))
	if len(cs) != 5 || cs[4].Attestation == nil {
		t.Fatalf("missing = %d changes; want C's 5 entries, the newest attested", len(cs))
	}
	var early [][]byte
	for _, ch := range cs[:3] {
		early = append(early, ch.Raw)
	}
	first := replicate.FrameIn{Space: sp.ID, Doc: ledger, Type: "ledger", Chunks: early}
	second := replicate.FrameIn{Space: sp.ID, Doc: ledger, Type: "ledger", Chunks: [][]byte{cs[3].Raw, cs[4].Raw}, Atts: [][]byte{cs[4].Attestation}}

	alone := must[replicate.Ingested](t)(a.SyncLocal().Ingest(ctx, first.Space, first.Doc, first.Type, first.Chunks, first.Atts))
	if alone.Stored != 0 || alone.Refused != 3 {
		t.Fatalf("the first frame alone: %+v; want its 3 unattested changes refused", alone)
	}
	res := must[[]replicate.Ingested](t)(a.SyncLocal().(replicate.BatchLocal).IngestFrames(ctx, []replicate.FrameIn{first, second}))
	if len(res) != 2 || res[0].Stored+res[1].Stored != 5 || res[0].Refused+res[1].Refused != 0 {
		t.Fatalf("both frames together: %+v; want all 5 stored", res)
	}
	if n := len(must[[]node.LedgerEntry](t)(a.Entries(ctx, sp))); n != 5 {
		t.Fatalf("a has %d entries, want 5", n)
	}
}

// threeInFund makes a space, "Fund", on a and admits b and c offline; it
// returns the three members, a's options and the space.
func threeInFund(t *testing.T) (a *node.Node, aOpts node.Options, b, c *node.Node, sp node.Space) {
	t.Helper()
	a, aOpts = initNode(t, "Amina")
	b, _ = initNode(t, "Bo")
	c, _ = initNode(t, "Chidi")
	sp = must[node.Space](t)(a.CreateSpace(t.Context(), "Fund"))
	joinSpace(t, a, b, sp)
	joinSpace(t, a, c, sp)
	return a, aOpts, b, c, sp
}
