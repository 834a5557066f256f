package node_test

import (
	"encoding/hex"
	"testing"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/replicate"
)

// TestDigestTipsAgreeWithTips: the digest and tip hashes a request is built
// from in one read (decision 0040) are Digest's answer and, for every
// clock of it, the hash Tips gives, before and after a cut leaves the
// newest changes of one actor of the ledger out.
func TestDigestTipsAgreeWithTips(t *testing.T) {
	ctx := t.Context()
	x, _ := initNode(t, "Xia")
	y, _ := initNode(t, "Yusuf")
	sp := must[node.Space](t)(x.CreateSpace(ctx, "Tenants Union"))
	joinSpace(t, x, y, sp)
	for _, title := range []string{"Rent strike", "Repairs", "Eviction watch"} {
		must[string](t)(x.AddCase(ctx, sp, model.CaseStudy{Titles: map[string]string{"en": title}}))
	}
	entry := model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: 1, Currency: "EUR"}
	for range 2 {
		must[string](t)(x.AddEntry(ctx, sp, entry))
	}
	exchange(t, x, y, sp)
	ledger := must[node.SpaceDetail](t)(x.SpaceDetail(ctx, sp)).Ledger
	xOnly := must[map[string]replicate.DocDigest](t)(x.SyncLocal().Digest(ctx, sp.ID))[ledger].VV
	for range 3 {
		must[string](t)(y.AddEntry(ctx, sp, entry))
	}
	exchange(t, y, x, sp)

	local := x.SyncLocal()
	td, ok := local.(replicate.TipsDigest)
	forks, ok2 := local.(replicate.Forks)
	if !ok || !ok2 {
		t.Fatal("the node's Local is not a TipsDigest and a Forks")
	}
	check := func(when string) map[string]replicate.DocDigest {
		t.Helper()
		digest, hashes, err := td.DigestTips(ctx, sp.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := must[map[string]replicate.DocDigest](t)(local.Digest(ctx, sp.ID))
		at := map[string]map[string]uint64{}
		for doc, d := range want {
			if got, ok := digest[doc]; !ok || got.Type != d.Type || !sameVV(got.VV, d.VV) {
				t.Fatalf("%s: %s: DigestTips %+v, Digest %+v", when, doc, got, d)
			}
			at[doc] = d.VV
		}
		if len(digest) != len(want) {
			t.Fatalf("%s: DigestTips %d documents, Digest %d", when, len(digest), len(want))
		}
		fs := must[replicate.ForkState](t)(forks.Tips(ctx, sp.ID, at))
		clocks := 0
		for doc, vv := range at {
			for a := range vv {
				clocks++
				got, ok := hashes[doc][a]
				wantH, wantOK := fs.Hashes[doc][a]
				if ok != wantOK || got != wantH {
					t.Errorf("%s: %s actor %s: DigestTips %x (%v), Tips %x (%v)", when, doc, a, got, ok, wantH, wantOK)
				}
			}
		}
		if clocks < len(at)+1 {
			t.Fatalf("%s: %d clocks over %d documents: the ledger should have two actors", when, clocks, len(at))
		}
		return digest
	}
	before := check("before the cut")
	yActor := ""
	for a, seq := range before[ledger].VV {
		if _, ok := xOnly[a]; !ok && seq == 3 {
			yActor = a
		}
	}
	if len(before[ledger].VV) != 2 || yActor == "" {
		t.Fatalf("ledger vector %v (Xia's alone %v): want two actors, Yusuf's at seq 3", before[ledger].VV, xOnly)
	}
	actor, _ := hex.DecodeString(yActor)
	if err := node.PutCut(x, ledger, actor, 1); err != nil {
		t.Fatal(err)
	}
	if after := check("after the cut"); after[ledger].VV[yActor] != 1 {
		t.Fatalf("ledger vector after the cut %v: want Yusuf's actor at seq 1", after[ledger].VV)
	}
}

func sameVV(a, b map[string]uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
