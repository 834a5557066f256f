package node_test

import (
	"encoding/hex"
	"slices"
	"testing"

	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/replicate"
	"github.com/weftsync/weft/node/seal"
)

// chunkFork gives x one half of an equivocation and y the other half and
// then x's half, so that y finds the fork and x does not. The halves are
// attested at different seqs (A one change attested at seq 1, B two
// attested at seq 2): no two attestations name the same seq, so only the
// chunks show the fork.
func chunkFork(t *testing.T) (x, y *node.Node, sp node.Space, ledger string, eqActor []byte) {
	t.Helper()
	return chunkForkShaped(t, forkShape{})
}

// forkShape varies chunkFork's half A, the side y holds only as the
// proof's chunks.
type forkShape struct {
	partingBytes int        // when positive, the size of a memo A's first change carries
	lenA         int        // A's changes, attested at the last (1 when 0)
	third        *node.Node // when not nil, joins the space before the fork and holds neither half
}

// chunkForkShaped is chunkFork with half A of shape sh.
func chunkForkShaped(t *testing.T, sh forkShape) (x, y *node.Node, sp node.Space, ledger string, eqActor []byte) {
	t.Helper()
	ctx := t.Context()
	var hn *node.Node
	x, y, hn = realNode(t, "Xia"), realNode(t, "Yusuf"), realNode(t, "Mallory")
	sp = must[node.Space](t)(x.CreateSpace(ctx, "Tenants Union"))
	joinSpace(t, x, y, sp)
	joinSpace(t, x, hn, sp)
	if sh.third != nil {
		joinSpace(t, x, sh.third, sp)
	}
	exchange(t, x, y, sp)
	ledger = must[node.SpaceDetail](t)(x.SpaceDetail(ctx, sp)).Ledger
	base := node.DocChanges(x, ledger)

	hid := node.IdentityOf(hn)
	eqActor = seal.NewActor(hid.Public)
	next := func(chain [][]byte, amount int64) [][]byte {
		return append(chain, forge(t, append(slices.Clone(base), chain...), eqActor, func(d *am.Doc) error {
			return d.Path("entries", 0).Set(map[string]any{"id": model.NewID(), "amount_minor": amount})
		}))
	}
	// Half A, built on one document in the test process: a long half
	// is not reloaded per change.
	d := forgeDoc(t, base, eqActor)
	var chainA [][]byte
	for i := range max(sh.lenA, 1) {
		e := map[string]any{"id": model.NewID(), "amount_minor": int64(666 + i)}
		if i == 0 && sh.partingBytes > 0 {
			e["memo"] = partingMemo(t, sh.partingBytes)
		}
		if err := d.Path("entries", 0).Set(e); err != nil {
			t.Fatal(err)
		}
		chainA = append(chainA, forgeCommit(t, d, "tidy up"))
	}
	chainB := next(next(nil, 777), 778)
	give := func(n *node.Node, chain [][]byte) node.IngestResult {
		t.Helper()
		att := attest(t, hid, sp.ID, ledger, chain[len(chain)-1])
		return must[node.IngestResult](t)(n.Ingest(ctx, sp.ID, ledger, chain, [][]byte{att}))
	}
	if r := give(x, chainA); r.Stored != len(chainA) {
		t.Fatalf("x takes half A: %+v", r)
	}
	if r := give(y, chainB); r.Stored != 2 {
		t.Fatalf("y takes half B: %+v", r)
	}
	give(y, chainA) // y finds the fork from the chunks
	if node.Equivocations(y, ledger) == 0 || node.Equivocations(x, ledger) != 0 {
		t.Fatalf("premise: proofs held by y %d, by x %d; want some and none", node.Equivocations(y, ledger), node.Equivocations(x, ledger))
	}

	return x, y, sp, ledger, eqActor
}

// TestBundleCarriesEquivocation: a member that found an equivocation
// exports the space; a member holding one half and no proof imports the
// bundle, finds the same equivocation from it, and cuts the same actor:
// both then read the same changes.
func TestBundleCarriesEquivocation(t *testing.T) {
	x, y, sp, ledger, eqActor := chunkFork(t)
	exchange(t, y, x, sp)
	if node.Equivocations(x, ledger) == 0 {
		t.Fatal("x imported y's bundle and holds no proof of the equivocation y found")
	}
	for _, n := range []*node.Node{x, y} {
		cuts := node.Cuts(n, ledger)
		if len(cuts) != 1 || !slices.Equal(cuts[0].Actor, eqActor) || cuts[0].MaxSeq != 0 {
			t.Fatalf("%s cuts %+v, want the hostile actor at 0", n.Name(), cuts)
		}
	}
	if err := sameSets(t, sp.ID, x, y); err != nil {
		t.Fatalf("after the import: %v", err)
	}
}

// TestSyncCarriesChunkFork: the same, by a pull: the evidence y sends
// holds its own side up to its attestation of it, so x finds the fork.
func TestSyncCarriesChunkFork(t *testing.T) {
	x, y, sp, ledger, eqActor := chunkFork(t)
	px, py := newSyncPeer(t, "x", x, replicate.Options{}), newSyncPeer(t, "y", y, replicate.Options{})
	connect(t, px, py)
	if _, err := px.s.Pull(t.Context(), py.h.ID()); err != nil {
		t.Fatalf("x pulls from y: %v", err)
	}
	if node.Equivocations(x, ledger) == 0 {
		t.Fatal("x pulled from y and holds no proof of the equivocation y found")
	}
	cuts := node.Cuts(x, ledger)
	if len(cuts) != 1 || !slices.Equal(cuts[0].Actor, eqActor) || cuts[0].MaxSeq != 0 {
		t.Fatalf("x cuts %+v, want the hostile actor at 0", cuts)
	}
	if err := sameSets(t, sp.ID, x, y); err != nil {
		t.Fatalf("after the pull: %v", err)
	}
}

// TestCutsListLeftOutEdits: an edit a member made on a half that is cut
// later is left out with it, and Cuts lists it under its author, with the
// cut member.
func TestCutsListLeftOutEdits(t *testing.T) {
	ctx := t.Context()
	x, y, sp, ledger, eqActor := chunkFork(t)
	must[string](t)(x.AddEntry(ctx, sp, model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: 5, Currency: "EUR"}))
	if cuts := must[[]node.CutReport](t)(x.Cuts(ctx)); len(cuts) != 0 {
		t.Fatalf("premise: x lists cuts before any: %+v", cuts)
	}
	exchange(t, y, x, sp)
	cuts := must[[]node.CutReport](t)(x.Cuts(ctx))
	if len(cuts) != 1 {
		t.Fatalf("x lists %d cuts, want 1: %+v", len(cuts), cuts)
	}
	c := cuts[0]
	if c.Doc != ledger || c.Space != sp.ID || c.Name != "Mallory" || c.Actor != hex.EncodeToString(eqActor) || c.KeptUpTo != 0 {
		t.Fatalf("cut %+v, want Mallory's actor in the ledger, kept up to 0", c)
	}
	// Left out: half A (1 change) and x's edit on it.
	if c.LeftOut != 2 || len(c.Others) != 1 || c.Others[0].Member != x.PeerID() || c.Others[0].Changes != 1 {
		t.Fatalf("left out %d, others %+v; want 2, and one change of x (%s)", c.LeftOut, c.Others, x.PeerID())
	}
}

// TestBundleCarriesLargeProof: y proved a fork from the other side's
// chunks, one change of 600 KiB (more than the 512 KiB a bundle's proof
// once carried); z, a member that holds neither half, imports y's bundle
// and finds the same equivocation from it: it cuts the actor and reads
// the same changes as y at once, not only after a sync with y.
func TestBundleCarriesLargeProof(t *testing.T) {
	thirdTakesBundleProof(t, forkShape{partingBytes: 600 << 10})
}

// TestBundleCarriesLongProof: the same with the other side 1,100
// changes long (more than the 1,024 chunks a bundle's proof once
// carried), attested only at the last.
func TestBundleCarriesLongProof(t *testing.T) {
	thirdTakesBundleProof(t, forkShape{lenA: 1100})
}

// thirdTakesBundleProof runs a chunk fork of shape sh with a third
// member, which imports the bundle of y (the member holding the proof)
// and must end with y's proof, cut and change sets.
func thirdTakesBundleProof(t *testing.T, sh forkShape) {
	sh.third = realNode(t, "Zora")
	_, y, sp, ledger, eqActor := chunkForkShaped(t, sh)
	exchange(t, y, sh.third, sp)
	if n := node.Equivocations(sh.third, ledger); n == 0 {
		t.Error("z imported y's bundle and holds no proof of the equivocation y found")
	}
	cuts := node.Cuts(sh.third, ledger)
	if len(cuts) != 1 || !slices.Equal(cuts[0].Actor, eqActor) || cuts[0].MaxSeq != 0 {
		t.Errorf("z cuts %+v, want the hostile actor at 0", cuts)
	}
	if err := sameSets(t, sp.ID, y, sh.third); err != nil {
		t.Fatalf("after the import: %v", err)
	}
}
