package node_test

import (
	"testing"

	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/replicate"
)

// TestParseAheadTakenAtIngest: frames parsed ahead (FrameParser, decision
// 0033) are ingested from what was parsed, merged across the frames of
// one document, with the same outcome as frames ingest parses itself: the
// new changes stored, the ones held counted as duplicates, a chunk that
// does not parse refused.
func TestParseAheadTakenAtIngest(t *testing.T) {
	ctx := t.Context()
	a, _, b, sp, ledger := sharedLedger(t)
	const entries = 6
	frame := entriesFrame(t, b, sp, ledger, entries)
	half := len(frame.Chunks) / 2
	f1 := replicate.FrameIn{Space: sp.ID, Doc: ledger, Chunks: frame.Chunks[:half]}
	f2 := replicate.FrameIn{Space: sp.ID, Doc: ledger, Chunks: append(frame.Chunks[half:len(frame.Chunks):len(frame.Chunks)], []byte("not a change")),
		Atts: frame.Atts} // the first frame's changes are covered by descent, once merged
	sl := a.SyncLocal()
	fp, ok := sl.(replicate.FrameParser)
	if !ok {
		t.Fatal("the node's sync side does not parse frames ahead")
	}
	bl := sl.(replicate.BatchLocal)

	ingest := func(parse bool) (replicate.Ingested, int64) {
		t.Helper()
		g1, g2 := f1, f2
		if parse {
			g1.Parsed, g2.Parsed = fp.ParseFrame(g1), fp.ParseFrame(g2)
		}
		before := node.ParsedAtIngest()
		res := must[[]replicate.Ingested](t)(bl.IngestFrames(ctx, []replicate.FrameIn{g1, g2}))
		return res[0], node.ParsedAtIngest() - before
	}
	got, parsedHere := ingest(true)
	if parsedHere != 0 {
		t.Fatalf("ingest parsed %d chunks itself, though all were parsed ahead", parsedHere)
	}
	if got.Stored != entries || got.Duplicate != len(frame.Chunks)-entries || got.Refused != 1 {
		t.Fatalf("ingested %+v; want %d stored, %d duplicates, 1 refused", got, entries, len(frame.Chunks)-entries)
	}
	if n := len(must[[]node.LedgerEntry](t)(a.Entries(ctx, sp))); n != 1+entries {
		t.Fatalf("%d entries after ingest, want %d", n, 1+entries)
	}

	// The same frames again, not parsed ahead: ingest parses every chunk,
	// and they are all held now.
	got, parsedHere = ingest(false)
	if parsedHere != int64(len(frame.Chunks)+1) {
		t.Fatalf("ingest parsed %d chunks itself, want %d", parsedHere, len(frame.Chunks)+1)
	}
	if got.Stored != 0 || got.Duplicate != len(frame.Chunks) || got.Refused != 1 {
		t.Fatalf("ingested again %+v; want %d duplicates, 1 refused", got, len(frame.Chunks))
	}
}

// TestStorePreparedAhead: a batch large enough has its changes' indexes
// and sealed rows made ahead on another goroutine (decision 0033), and is
// stored as before: the new changes stored, the held one a duplicate, the
// ledger readable, and the same after a reopen.
func TestStorePreparedAhead(t *testing.T) {
	ctx := t.Context()
	a, aOpts, b, sp, ledger := sharedLedger(t)
	const entries = 80
	frame := entriesFrame(t, b, sp, ledger, entries)
	before := node.PreparedAhead()
	res := must[node.IngestResult](t)(a.Ingest(ctx, sp.ID, ledger, frame.Chunks, frame.Atts))
	if res.Stored != entries || res.Duplicate != len(frame.Chunks)-entries || res.Refused != 0 {
		t.Fatalf("ingested %+v; want %d stored, %d duplicates", res, entries, len(frame.Chunks)-entries)
	}
	if got := node.PreparedAhead() - before; got != int64(len(frame.Chunks)) {
		t.Fatalf("%d changes prepared ahead, want %d", got, len(frame.Chunks))
	}
	if n := len(must[[]node.LedgerEntry](t)(a.Entries(ctx, sp))); n != 1+entries {
		t.Fatalf("%d entries after ingest, want %d", n, 1+entries)
	}
	a = reopen(t, a, aOpts)
	if n := len(must[[]node.LedgerEntry](t)(a.Entries(ctx, sp))); n != 1+entries {
		t.Fatalf("%d entries after a reopen, want %d", n, 1+entries)
	}
	storedLoadsBack(t, a, ledger)
}
