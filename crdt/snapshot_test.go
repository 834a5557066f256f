package crdt_test

import (
	"crypto/sha256"
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/weftsync/weft/crdt"
	"github.com/weftsync/weft/crdt/model"
)

// ledgerWith makes a ledger with n entries and returns it with its
// history, one chunk per change.
func ledgerWith(t *testing.T, n int) (*crdt.Doc, [][]byte) {
	t.Helper()
	d, history := newLedger(t)
	for i := range n {
		history = append(history, edit(t, d, model.Edit{AddEntry: ptr(sampleEntry(100 + i))})...)
	}
	return d, history
}

// chunkHash names a raw change chunk as automerge does.
func chunkHash(chunk []byte) [32]byte { return sha256.Sum256(chunk[8:]) }

func hashesOf(chunks [][]byte) [][32]byte {
	out := make([][32]byte, len(chunks))
	for i, c := range chunks {
		out[i] = chunkHash(c)
	}
	return out
}

func sortedHashes(hs [][32]byte) [][32]byte {
	out := slices.Clone(hs)
	slices.SortFunc(out, func(a, b [32]byte) int { return slices.Compare(a[:], b[:]) })
	return out
}

func TestSnapshotCoversEveryChange(t *testing.T) {
	d, history := ledgerWith(t, 5)
	_, covers, err := d.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(sortedHashes(covers), sortedHashes(hashesOf(history))) {
		t.Fatalf("covers %d hashes, want the %d of the history", len(covers), len(history))
	}
}

// TestLoadSnapshotMatchesLoad: a snapshot of the first part of a history
// with the rest as changes opens to the same view and heads as the whole
// history, whoever made the later changes.
func TestLoadSnapshotMatchesLoad(t *testing.T) {
	tests := []struct {
		name  string
		later func(t *testing.T, d *crdt.Doc, history [][]byte) [][]byte
	}{
		{"no later changes", func(*testing.T, *crdt.Doc, [][]byte) [][]byte { return nil }},
		{"later local edits", func(t *testing.T, d *crdt.Doc, _ [][]byte) [][]byte {
			out := edit(t, d, model.Edit{AddEntry: ptr(sampleEntry(70))})
			return append(out, edit(t, d, model.Edit{AddEntry: ptr(sampleEntry(71))})...)
		}},
		{"later edit by another member", func(t *testing.T, _ *crdt.Doc, history [][]byte) [][]byte {
			other, err := crdt.Load(history, actor(3))
			if err != nil {
				t.Fatal(err)
			}
			return edit(t, other, model.Edit{AddEntry: ptr(sampleEntry(72))})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, history := ledgerWith(t, 20)
			snap, covers, err := d.Snapshot()
			if err != nil {
				t.Fatal(err)
			}
			later := tt.later(t, d, history)
			fromSnap, err := crdt.LoadSnapshot(snap, covers, later, actor(2))
			if err != nil {
				t.Fatal(err)
			}
			whole, err := crdt.Load(append(slices.Clone(history), later...), actor(2))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(view(t, fromSnap), view(t, whole)) {
				t.Error("views differ")
			}
			if !reflect.DeepEqual(sortedHashes(fromSnap.Heads()), sortedHashes(whole.Heads())) {
				t.Errorf("heads %x, want %x", fromSnap.Heads(), whole.Heads())
			}
		})
	}
}

// TestLoadSnapshotEditsUnderActor: a Doc loaded from a snapshot commits
// under the actor given, and its first edit returns only the new change.
func TestLoadSnapshotEditsUnderActor(t *testing.T) {
	d, _ := ledgerWith(t, 3)
	snap, covers, err := d.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := crdt.LoadSnapshot(snap, covers, nil, actor(9))
	if err != nil {
		t.Fatal(err)
	}
	chunks := edit(t, loaded, model.Edit{AddEntry: ptr(sampleEntry(50))})
	if len(chunks) != 1 {
		t.Fatalf("first edit after the load returned %d chunks, want 1", len(chunks))
	}
	if !containsActor(chunks[0], actor(9)) {
		t.Errorf("change not made under the given actor")
	}
}

// containsActor reports whether a change chunk names actor (its header
// carries the actor's bytes).
func containsActor(chunk, actor []byte) bool {
	for i := 0; i+len(actor) <= len(chunk); i++ {
		if slices.Equal(chunk[i:i+len(actor)], actor) {
			return true
		}
	}
	return false
}

func TestLoadSnapshotRefuses(t *testing.T) {
	d, history := ledgerWith(t, 4)
	snap, covers, err := d.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	later := edit(t, d, model.Edit{AddEntry: ptr(sampleEntry(60))})
	flipped := slices.Clone(snap)
	flipped[len(flipped)/2] ^= 0xff
	tests := []struct {
		name    string
		snap    []byte
		covers  [][32]byte
		changes [][]byte
		actor   []byte
		want    error
	}{
		{"empty snapshot", nil, nil, history, actor(2), crdt.ErrRejected},
		{"garbage snapshot", []byte("not a document"), covers, nil, actor(2), crdt.ErrRejected},
		{"flipped byte", flipped, covers, nil, actor(2), crdt.ErrRejected},
		{"covers a change it lacks", snap, append(slices.Clone(covers), chunkHash(later[0])), nil, actor(2), crdt.ErrRejected},
		{"covers an unknown hash", snap, append(slices.Clone(covers), [32]byte{7}), nil, actor(2), crdt.ErrRejected},
		{"later change is garbage", snap, covers, [][]byte{[]byte("junk")}, actor(2), crdt.ErrRejected},
		{"later change misses a dependency", snap, covers, edit(t, d, model.Edit{AddEntry: ptr(sampleEntry(61))}), actor(2), crdt.ErrRejected},
		{"bad actor", snap, covers, nil, []byte{1}, crdt.ErrActor},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := crdt.LoadSnapshot(tt.snap, tt.covers, tt.changes, tt.actor)
			if !errors.Is(err, tt.want) || got != nil {
				t.Errorf("got %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

// BenchmarkOpen10k opens a ledger of 10,000 entries from its changes and
// from a snapshot of them, and reads it.
func BenchmarkOpen10k(b *testing.B) {
	d, history := ledgerOf(b, 9999) // with the create: 10,000 changes
	snap, covers, err := d.Snapshot()
	if err != nil {
		b.Fatal(err)
	}
	opens := []struct {
		name string
		open func() (*crdt.Doc, error)
	}{
		{"changes", func() (*crdt.Doc, error) { return crdt.Load(history, actor(2)) }},
		{"snapshot", func() (*crdt.Doc, error) { return crdt.LoadSnapshot(snap, covers, nil, actor(2)) }},
	}
	for _, o := range opens {
		b.Run(o.name, func(b *testing.B) {
			for b.Loop() {
				d, err := o.open()
				if err != nil {
					b.Fatal(err)
				}
				if _, err := d.View(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
