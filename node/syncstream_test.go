package node_test

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/replicate"
)

// TestMissingStreamPagesBoundedByBytes: a document of few, large changes
// (a member may store changes of megabytes) is streamed in pages of about
// a megabyte, not in one page of every change: what a streamed read holds
// at once is bounded by bytes as well as by count.
func TestMissingStreamPagesBoundedByBytes(t *testing.T) {
	ctx := t.Context()
	a, _ := initNode(t, "Amina")
	sp := must[node.Space](t)(a.CreateSpace(ctx, "Fund"))
	ledger := must[node.SpaceDetail](t)(a.SpaceDetail(ctx, sp)).Ledger
	rng := rand.New(rand.NewPCG(7, 8))
	long := func() string { // a scalar string of the largest size a field takes
		b := make([]byte, 64<<10)
		for i := range b {
			b[i] = byte('a' + rng.IntN(26))
		}
		return string(b)
	}
	for range 16 { // each entry a change of about 150 KB
		e := model.Entry{Date: "2026-11-27", Direction: "in", AmountMinor: 100, Currency: "EUR",
			Category: long(), Memo: long(), From: long(), To: long()}
		must[string](t)(a.AddEntry(ctx, sp, e))
	}
	sl := a.SyncLocal().(replicate.StreamLocal)
	var total, largest, most, parts int
	err := sl.MissingStream(ctx, sp.ID, ledger, nil, func(cs []replicate.Change) error {
		page := 0
		for _, c := range cs {
			page += len(c.Raw)
			largest = max(largest, len(c.Raw))
		}
		total, most, parts = total+page, max(most, page), parts+1
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if total < 2<<20 {
		t.Fatalf("premise: the ledger's changes are %d bytes; want several pages' worth", total)
	}
	if limit := 1<<20 + largest; most > limit {
		t.Fatalf("a page of %d bytes (%d in %d pages); want at most %d, a megabyte and a change", most, total, parts, limit)
	}
	// The responder pauses a read by an error from emit (decision 0064):
	// it ends the read at that page and comes back as it was.
	pause := errors.New("paused")
	pages := 0
	err = sl.MissingStream(ctx, sp.ID, ledger, nil, func([]replicate.Change) error {
		pages++
		return pause
	})
	if !errors.Is(err, pause) || pages != 1 {
		t.Fatalf("a read stopped by emit: %v after %d pages; want its error after one", err, pages)
	}
}
