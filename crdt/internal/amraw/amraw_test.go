package amraw_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/crdt/internal/amraw"
)

var at = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

// newDoc returns a document of actor "0101…" whose root holds an empty
// "entries" list, committed.
func newDoc(t *testing.T) *am.Doc {
	t.Helper()
	d := am.New()
	if err := d.SetActorID(strings.Repeat("01", 16)); err != nil {
		t.Fatal(err)
	}
	if err := d.RootMap().Set("entries", am.NewList()); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Commit("create", am.CommitOptions{Time: &at}); err != nil {
		t.Fatal(err)
	}
	return d
}

func sample(n int) []amraw.Map {
	maps := make([]amraw.Map, n)
	for i := range maps {
		maps[i] = amraw.Map{Msg: "add entry", Fields: []amraw.Field{
			{Key: "id", Str: strings.Repeat("a", 25) + string(rune('a'+i%26))},
			{Key: "date", Str: "2026-11-26"},
			{Key: "amount_minor", Int: int64(-5 + i), IsInt: true},
			{Key: "memo", Str: "ünïcode ✓"},
			{Key: "empty", Str: ""},
		}}
		if i%3 == 1 {
			maps[i].Msg = "add reversal"
			maps[i].Fields = append(maps[i].Fields, amraw.Field{Key: "reverses", Str: "x"})
		}
	}
	return maps
}

// wrapper makes maps through automerge-go, one call per write: what
// AppendMaps must match byte for byte.
func wrapper(t *testing.T, d *am.Doc, maps []amraw.Map, at time.Time) [][]byte {
	t.Helper()
	l, err := d.RootMap().Get("entries")
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, m := range maps {
		n := am.NewMap()
		if err := l.List().Append(n); err != nil {
			t.Fatal(err)
		}
		for _, f := range m.Fields {
			var v any = f.Str
			if f.IsInt {
				v = f.Int
			}
			if err := n.Set(f.Key, v); err != nil {
				t.Fatal(err)
			}
		}
		h, err := d.Commit(m.Msg, am.CommitOptions{Time: &at})
		if err != nil {
			t.Fatal(err)
		}
		c, err := d.Change(h)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c.Save())
	}
	return out
}

// TestAppendMapsSameChanges checks that AppendMaps makes exactly the
// changes automerge-go's wrapper makes for the same writes, with and
// without a timestamp, and that the document reads back the values.
func TestAppendMapsSameChanges(t *testing.T) {
	if !amraw.Available() {
		t.Fatal("amraw cannot reach the pinned automerge-go's C document: the layout check failed")
	}
	for _, when := range []time.Time{at, {}} {
		a, b := newDoc(t), newDoc(t)
		maps := sample(40)
		want := wrapper(t, a, maps, when)
		got, err := amraw.AppendMaps(b, "entries", maps, when)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("%d changes, want %d", len(got), len(want))
		}
		for i := range want {
			if !bytes.Equal(got[i], want[i]) {
				t.Fatalf("change %d differs from the wrapper's (time %v)", i, when)
			}
		}
		if !bytes.Equal(a.Save(), b.Save()) {
			t.Fatal("documents differ")
		}
		v, err := b.Path("entries", 1, "amount_minor").Get()
		if err != nil || v.Int64() != -4 {
			t.Fatalf("entries[1].amount_minor = %v, %v; want -4", v, err)
		}
	}
}

// TestAppendMapsRefuses checks the errors: a root key that is not a list,
// and one that is missing, both before anything is written.
func TestAppendMapsRefuses(t *testing.T) {
	d := newDoc(t)
	if err := d.RootMap().Set("name", "x"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Commit("name", am.CommitOptions{Time: &at}); err != nil {
		t.Fatal(err)
	}
	heads := d.Heads()
	for _, key := range []string{"name", "missing"} {
		chunks, err := amraw.AppendMaps(d, key, sample(2), at)
		if err == nil || len(chunks) != 0 {
			t.Fatalf("AppendMaps to %q: %d chunks, err %v; want an error and none", key, len(chunks), err)
		}
	}
	if hs := d.Heads(); len(hs) != 1 || hs[0] != heads[0] {
		t.Fatal("a refused AppendMaps changed the document")
	}
}
