package node_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"iter"
	"slices"
	"testing"
	"time"

	am "github.com/automerge/automerge-go"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/replicate"
	"github.com/weftsync/weft/node/seal"
)

// TestHostileEquivocationSplit: a member gives one half of an equivocating
// pair (two changes with one actor and seq, each attested) to node X only
// and the other half to node Y only, over real libp2p on 127.0.0.1, so X
// and Y hold different changes under equal version vectors; X's user
// then edits on top of its half. Once X and Y sync, both hold the proof,
// cut the actor at the same seq, read identical change sets (neither half
// and nothing built on either), keep taking honest edits, and load the
// same documents after a restart.
func TestHostileEquivocationSplit(t *testing.T) { equivocationSplit(t, splitShape{depth: 1}) }

// TestHostileEquivocationSplitDeep: the same with halves of two changes
// each, attested only at their second change, so that no attestation
// names the seq where they part: the fork is found from the chunks.
func TestHostileEquivocationSplitDeep(t *testing.T) { equivocationSplit(t, splitShape{depth: 2}) }

// TestHostileEquivocationSplitDeeperThanOnePull: halves of 150 changes,
// attested only at the last, part at seq 1, deeper than a fixed depth of
// 64 seqs of evidence reaches: neither node proves it at a seq on the way
// (only at seq 1, where the halves part, and at 150, where the
// attestations differ), so the first pull that finds the fork heals it
// (evidence below the compared seq is bounded by bytes, not by a count of
// seqs).
func TestHostileEquivocationSplitDeeperThanOnePull(t *testing.T) {
	equivocationSplit(t, splitShape{depth: 150, oneStep: true})
}

// TestHostileEquivocationSplitLargeParting: halves of two changes whose
// first, where they part, carries 600 KiB (more than evidence of 512 KiB
// held, and a frame of 1 MiB takes it only compressed), attested only at
// the second: each node still proves the fork at seq 1 and the replicas
// agree, rather than each keeping its own half at seq 1 under a cut
// proven one seq higher.
func TestHostileEquivocationSplitLargeParting(t *testing.T) {
	equivocationSplit(t, splitShape{depth: 2, partingBytes: 600 << 10})
}

// TestHostileEquivocationSplitDeeperThanEvidence: halves of four changes
// of 200 KiB each, attested only at the last, part at seq 1, deeper than
// the 512 KiB of changes that evidence carries below the compared seq
// (evidenceBelow): the first pull that finds the fork proves it on the
// way (at seq 2), and successive pulls heal it: both prove it at seq 1,
// cut the actor at 0, and hold identical change sets.
func TestHostileEquivocationSplitDeeperThanEvidence(t *testing.T) {
	equivocationSplit(t, splitShape{depth: 4, eachBytes: 200 << 10, steps: true})
}

// splitShape is the shape of the halves of an equivocationSplit.
type splitShape struct {
	depth        int  // changes per half, the hostile actor's seqs 1 to depth, only the last attested
	partingBytes int  // when positive, the size of a memo the first change of each half carries
	eachBytes    int  // when positive, the size of a memo every change of each half carries
	oneStep      bool // every proof must be at the fork (seq 1) or at the attested seq, none on the way
	steps        bool // some proof must be on the way: the fork is deeper than one pull's evidence
}

// equivocationSplit runs the split with halves of sh's shape.
func equivocationSplit(t *testing.T, sh splitShape) {
	depth := sh.depth
	ctx := t.Context()
	x, xOpts := serveNode(t, "Xia")
	y, yOpts := serveNode(t, "Yusuf")
	hn, _ := serveNode(t, "Mallory")
	sp := must[node.Space](t)(x.CreateSpace(ctx, "Tenants Union"))
	joinSpace(t, x, y, sp)
	joinSpace(t, x, hn, sp)
	exchange(t, x, y, sp) // y holds the space's documents before any network
	ledger := must[node.SpaceDetail](t)(x.SpaceDetail(ctx, sp)).Ledger
	base := node.DocChanges(x, ledger)

	// The pair: two different entries under one actor at seq 1, both on
	// the same base, each attested by the hostile member.
	hid := node.IdentityOf(hn)
	eqActor := seal.NewActor(hid.Public)
	half := func(amount int64) [][]byte {
		var chain [][]byte
		for i := range depth {
			chain = append(chain, forge(t, append(slices.Clone(base), chain...), eqActor, func(d *am.Doc) error {
				e := map[string]any{"id": model.NewID(), "amount_minor": amount + int64(i)}
				if i == 0 && sh.partingBytes > 0 {
					e["memo"] = partingMemo(t, sh.partingBytes)
				}
				if sh.eachBytes > 0 {
					e["memo"] = partingMemo(t, sh.eachBytes)
				}
				return d.Path("entries", 0).Set(e)
			}))
		}
		return chain
	}
	chainA, chainB := half(666), half(777)
	halfA, halfB := chainA[0], chainB[0] // where they part
	hashA, hashB := sha256.Sum256(halfA), sha256.Sum256(halfB)

	start := func(n *node.Node) {
		t.Helper()
		if err := n.Start(ctx, node.NetOptions{Listen: []string{serveLoopback}, SyncEvery: time.Hour}); err != nil {
			t.Fatalf("start %s: %v", n.Name(), err)
		}
	}
	start(x)
	start(y)
	hc := startHostile(t, hn, sp.ID)
	frameOf := func(chain [][]byte) iter.Seq[[]byte] {
		return answerFrames(t, [][]byte{changesFrame(t, sp.ID, ledger, "ledger", chain,
			[][]byte{attest(t, hid, sp.ID, ledger, chain[len(chain)-1])})}, len(chain))(nil)
	}
	xID, yID := peerOf(t, x), peerOf(t, y)
	hc.setAnswerPeer(func(p peer.ID, _ *replicate.Request) iter.Seq[[]byte] {
		switch p {
		case xID:
			return frameOf(chainA)
		case yID:
			return frameOf(chainB)
		}
		return answerFrames(t, nil, 0)(nil)
	})
	plant := func(n *node.Node, chain [][]byte) {
		t.Helper()
		if err := hc.connect(t, n); err != nil {
			t.Fatalf("the hostile member connects to %s: %v", n.Name(), err)
		}
		hostileEventually(t, n.Name()+" stores its half", func() error {
			pctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			_ = node.PullFrom(pctx, n, hc.h.ID())
			if !slices.Contains(rawHashes(node.DocChanges(n, ledger)), sha256.Sum256(chain[len(chain)-1])) {
				return errors.New("not yet")
			}
			return nil
		})
	}
	plant(x, chainA)
	plant(y, chainB)

	// The split: equal vectors over different changes.
	vx := must[map[string]replicate.DocDigest](t)(x.SyncLocal().Digest(ctx, sp.ID))[ledger].VV
	vy := must[map[string]replicate.DocDigest](t)(y.SyncLocal().Digest(ctx, sp.ID))[ledger].VV
	if fmt.Sprint(vx) != fmt.Sprint(vy) || sameSets(t, sp.ID, x, y) == nil {
		t.Fatalf("premise: vectors %v and %v, change sets equal: %v", vx, vy, sameSets(t, sp.ID, x, y) == nil)
	}
	// X's user edits on top of half A: that change depends on a cut one.
	onA := must[string](t)(x.AddEntry(ctx, sp, model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: 1, Currency: "EUR"}))
	onAChanges := node.DocChanges(x, ledger)
	onAHash := sha256.Sum256(onAChanges[len(onAChanges)-1])

	// X and Y meet; the hostile member answers nothing more.
	hc.setAnswerPeer(func(peer.ID, *replicate.Request) iter.Seq[[]byte] { return answerFrames(t, nil, 0)(nil) })
	if err := node.Connect(ctx, y, x.Addrs()[0]); err != nil {
		t.Fatalf("y connects to x: %v", err)
	}
	hostileEventually(t, "x and y find the equivocation and agree", func() error {
		for _, n := range []*node.Node{x, y} {
			sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			err := n.SyncNow(sctx)
			cancel()
			if err != nil && !errors.Is(err, replicate.ErrBusy) {
				return err
			}
		}
		if sh.oneStep {
			for _, n := range []*node.Node{x, y} {
				for _, seq := range node.EquivocationSeqs(n, ledger) {
					if seq != 1 && seq != uint64(depth) {
						t.Fatalf("%s proved the fork at seq %d, a step on the way to seq 1 (proofs at %v)", n.Name(), seq, node.EquivocationSeqs(n, ledger))
					}
				}
			}
		}
		if ex, ey := node.Equivocations(x, ledger), node.Equivocations(y, ledger); ex == 0 || ey == 0 {
			return fmt.Errorf("proofs held: x %d, y %d", ex, ey)
		}
		return sameSets(t, sp.ID, x, y)
	})
	if sh.steps {
		var on []uint64
		for _, n := range []*node.Node{x, y} {
			for _, seq := range node.EquivocationSeqs(n, ledger) {
				if seq != 1 && seq != uint64(depth) {
					on = append(on, seq)
				}
			}
		}
		if len(on) == 0 {
			t.Fatalf("premise: the fork was proven in one pull (proofs of x %v, of y %v), not deeper than one pull's evidence",
				node.EquivocationSeqs(x, ledger), node.EquivocationSeqs(y, ledger))
		}
		t.Logf("proofs of x %v, of y %v", node.EquivocationSeqs(x, ledger), node.EquivocationSeqs(y, ledger))
	}
	for _, n := range []*node.Node{x, y} {
		cuts := node.Cuts(n, ledger)
		if len(cuts) != 1 || !slices.Equal(cuts[0].Actor, eqActor) || cuts[0].MaxSeq != 0 {
			t.Fatalf("%s cuts %+v, want the hostile actor at 0", n.Name(), cuts)
		}
		live := rawHashes(node.DocChanges(n, ledger))
		for what, h := range map[string][32]byte{"half A": hashA, "half B": hashB, "the edit on half A": onAHash} {
			if slices.Contains(live, h) {
				t.Fatalf("%s still reads %s", n.Name(), what)
			}
		}
		ents := must[[]node.LedgerEntry](t)(n.Entries(ctx, sp))
		if slices.ContainsFunc(ents, func(e node.LedgerEntry) bool { return e.ID == onA || e.AmountMinor >= 666 }) {
			t.Fatalf("%s's ledger still shows a cut entry: %+v", n.Name(), ents)
		}
	}
	// The truth is kept: each node still stores the half it was given.
	changeHash := func(raw []byte) [32]byte { return sha256.Sum256(raw[8:]) } // automerge's: from the type byte on
	if !slices.Contains(node.StoredChangeHashes(x, ledger), changeHash(halfA)) ||
		!slices.Contains(node.StoredChangeHashes(y, ledger), changeHash(halfB)) {
		t.Fatal("a node dropped the half it stored")
	}

	// Honest edits after the cut flow both ways (x's under a fresh actor:
	// its old one wrote on the cut half).
	var entries []string
	for _, n := range []*node.Node{x, y} {
		entries = append(entries, must[string](t)(n.AddEntry(ctx, sp, model.Entry{Date: "2026-11-27", Direction: "out",
			AmountMinor: int64(10 + len(entries)), Currency: "EUR"})))
	}
	hostileEventually(t, "honest edits after the cut reach both", func() error {
		for _, n := range []*node.Node{x, y} {
			sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			_ = n.SyncNow(sctx)
			cancel()
		}
		for _, n := range []*node.Node{x, y} {
			for _, e := range entries {
				if !has(ctx, n, sp, e) {
					return fmt.Errorf("%s lacks entry %s", n.Name(), e)
				}
			}
		}
		return sameSets(t, sp.ID, x, y)
	})
	before := entryIDs(t, x, sp)

	// Restarted, both load the same documents.
	x, y = reopen(t, x, xOpts), reopen(t, y, yOpts)
	if err := sameSets(t, sp.ID, x, y); err != nil {
		t.Fatalf("after a restart: %v", err)
	}
	if gx, gy := entryIDs(t, x, sp), entryIDs(t, y, sp); !slices.Equal(gx, before) || !slices.Equal(gy, before) {
		t.Fatalf("after a restart x shows %v, y %v, want %v", gx, gy, before)
	}
}

// partingMemo is n bytes of text that compresses little (hex of a hash
// chain), unlike a repeated character.
func partingMemo(t *testing.T, n int) string {
	t.Helper()
	var b []byte
	h := sha256.Sum256([]byte(t.Name()))
	for len(b) < n {
		b = hex.AppendEncode(b, h[:])
		h = sha256.Sum256(h[:])
	}
	return string(b[:n])
}

// rawHashes hashes each raw change as sameSets does.
func rawHashes(raws [][]byte) [][32]byte {
	out := make([][32]byte, len(raws))
	for i, r := range raws {
		out[i] = sha256.Sum256(r)
	}
	return out
}

// entryIDs lists n's ledger entry IDs, sorted.
func entryIDs(t *testing.T, n *node.Node, sp node.Space) []string {
	t.Helper()
	var out []string
	for _, e := range must[[]node.LedgerEntry](t)(n.Entries(t.Context(), sp)) {
		out = append(out, e.ID)
	}
	slices.Sort(out)
	return out
}
