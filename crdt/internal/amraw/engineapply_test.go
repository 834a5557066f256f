package amraw_test

import (
	"bytes"
	"testing"

	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/crdt/internal/amraw"
)

// TestLoadIncremental: changes loaded in one call leave the document as
// automerge-go's LoadIncremental leaves it (same saved form), the call
// returns its heads and the operations the changes added (a map and its
// fields per change: 1 + 5 or 6), none for changes held already, and an
// error for nothing; bytes that are not a change (a chunk whose checksum
// fails, garbage) crash nothing and add nothing, though automerge may
// load them without an error, as through the wrapper (which is why crdt
// checks every chunk before and after).
func TestLoadIncremental(t *testing.T) {
	src := newDoc(t)
	base := src.Save()
	maps := sample(9)
	chunks, err := amraw.AppendMaps(src, "entries", maps, at)
	if err != nil {
		t.Fatal(err)
	}
	wantOps := uint64(0)
	for _, m := range maps {
		wantOps += 1 + uint64(len(m.Fields))
	}
	raw := bytes.Join(chunks, nil)
	a, err := am.Load(base)
	if err != nil {
		t.Fatal(err)
	}
	b, err := am.Load(base)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.LoadIncremental(raw); err != nil {
		t.Fatal(err)
	}
	ops, heads, err := amraw.LoadIncremental(b, raw)
	if err != nil || ops != wantOps {
		t.Fatalf("LoadIncremental: %d operations, %v; want %d", ops, err, wantOps)
	}
	if want := a.Heads(); len(heads) != 1 || heads[0] != want[0] || !bytes.Equal(a.Save(), b.Save()) {
		t.Fatalf("heads %v, want %v, or the saved forms differ", heads, want)
	}
	if ops, again, err := amraw.LoadIncremental(b, raw); err != nil || ops != 0 || len(again) != 1 || again[0] != heads[0] {
		t.Fatalf("the same changes again: %d operations, heads %v, %v; want none and the same heads", ops, again, err)
	}
	bad := bytes.Clone(chunks[0])
	bad[len(bad)-1] ^= 0xff // the checksum no longer matches
	if _, _, err := amraw.LoadIncremental(b, nil); err == nil {
		t.Error("nothing: loaded")
	}
	for name, in := range map[string][]byte{"corrupt": bad, "garbage": []byte("not a change at all")} {
		if ops, hs, err := amraw.LoadIncremental(b, in); ops != 0 || (err == nil && (len(hs) != 1 || hs[0] != heads[0])) {
			t.Fatalf("%s: %d operations, heads %v, %v; want none and the document unchanged", name, ops, hs, err)
		}
	}
	if !bytes.Equal(a.Save(), b.Save()) {
		t.Fatal("bytes that are not changes changed the document")
	}
}
