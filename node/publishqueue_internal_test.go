package node

import (
	"bytes"
	"slices"
	"testing"

	"github.com/weftsync/weft/node/gossip"
	"github.com/weftsync/weft/store"
)

// TestPackFresh: changes committed for the publisher are packed per
// document in order of first change, each document's in commit order,
// split where the chunks would pass gossip.ChunkBudget, each batch with
// the attestation of each actor's newest change in it; the roster version
// kept per space is the newest.
func TestPackFresh(t *testing.T) {
	big := gossip.ChunkBudget/2 + 1
	fc := func(doc string, actor byte, seq uint64, size int, roster byte) freshChange {
		return freshChange{space: "s", doc: store.DocRow{ID: doc, Space: "s", Type: "ledger"}, roster: [32]byte{roster},
			row: store.OutboxRow{Doc: doc, Hash: [32]byte{actor, byte(seq)}}, raw: bytes.Repeat([]byte{actor}, size),
			actor: []byte{actor}, seq: seq, att: []byte{'a', actor, byte(seq)}}
	}
	cs := []freshChange{
		fc("d1", 1, 1, 10, 1), fc("d2", 2, 1, 10, 1), fc("d1", 1, 2, 10, 1), fc("d1", 3, 1, 10, 1),
		fc("d2", 2, 2, big, 2), fc("d2", 2, 3, big, 2),
	}
	batches, rosters := packFresh(cs)
	if len(batches) != 3 {
		t.Fatalf("%d batches, want 3 (d1; d2 split where it passes the budget)", len(batches))
	}
	if rosters["s"] != [32]byte{2} {
		t.Fatalf("roster version %x, want the newest", rosters["s"])
	}
	type want struct {
		doc  string
		rows [][32]byte
		atts [][]byte
	}
	for i, w := range []want{
		{"d1", [][32]byte{{1, 1}, {1, 2}, {3, 1}}, [][]byte{{'a', 1, 2}, {'a', 3, 1}}},
		{"d2", [][32]byte{{2, 1}, {2, 2}}, [][]byte{{'a', 2, 2}}},
		{"d2", [][32]byte{{2, 3}}, [][]byte{{'a', 2, 3}}},
	} {
		b := batches[i]
		var rows [][32]byte
		for _, r := range b.rows {
			rows = append(rows, r.Hash)
		}
		atts := slices.Clone(b.batch.Atts)
		slices.SortFunc(atts, bytes.Compare)
		if b.batch.Doc != w.doc || b.space != "s" || !slices.Equal(rows, w.rows) || len(b.batch.Chunks) != len(rows) ||
			!slices.EqualFunc(atts, w.atts, bytes.Equal) {
			t.Fatalf("batch %d: doc %s rows %x atts %x, want %s %x %x", i, b.batch.Doc, rows, atts, w.doc, w.rows, w.atts)
		}
	}
}

// TestFreshQueue: the queue holds all of the outbox only once marked so
// (and an inline publisher takes nothing until then); take empties it;
// drop removes what the outbox pass published; rows sent inline are kept
// for the publisher to delete, once.
func TestFreshQueue(t *testing.T) {
	var q freshQueue
	a := freshChange{row: store.OutboxRow{Doc: "d", Hash: [32]byte{1}}}
	b := freshChange{row: store.OutboxRow{Doc: "d", Hash: [32]byte{2}}}
	q.add([]freshChange{a})
	if cs, complete := q.take(true); len(cs) != 0 || complete {
		t.Fatalf("take(onlyComplete) = %d changes, complete %v; want none taken", len(cs), complete)
	}
	if cs, complete := q.take(false); len(cs) != 1 || complete {
		t.Fatalf("take = %d changes, complete %v; want 1, false", len(cs), complete)
	}
	q.setComplete(true)
	q.add([]freshChange{a, b})
	q.drop(map[store.OutboxRow]bool{a.row: true})
	cs, complete := q.take(true)
	if len(cs) != 1 || cs[0].row != b.row || !complete {
		t.Fatalf("take = %+v, complete %v; want b alone, complete", cs, complete)
	}
	if cs, _ := q.take(false); len(cs) != 0 {
		t.Fatalf("second take = %d changes", len(cs))
	}
	q.markSent([]store.OutboxRow{a.row})
	q.markSent([]store.OutboxRow{b.row})
	if rows := q.takeSent(); len(rows) != 2 || rows[0] != a.row || rows[1] != b.row || len(q.takeSent()) != 0 {
		t.Fatalf("sent rows %v, want a then b, once", rows)
	}
}
