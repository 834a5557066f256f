package amraw_test

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/crdt/internal/amdoc"
	"github.com/weftsync/weft/crdt/internal/amraw"
)

// TestRoundTrip: the one-call round trip (decision 0044) passes exactly
// when the wrapper's Save, Load and Heads give the heads asked for: on a
// document of one change, on one with many, on one with two heads (two
// actors' concurrent edits merged) in either order, and on an empty
// document; it fails with ErrRoundTrip for heads the saved form does not
// have (one changed, one missing, one too many, none), and leaves the
// document as it was (same heads, same saved form, still editable).
func TestRoundTrip(t *testing.T) {
	one := am.New()
	if err := one.RootMap().Set("title", "one change"); err != nil {
		t.Fatal(err)
	}
	if _, err := one.Commit("create", am.CommitOptions{Time: &at}); err != nil {
		t.Fatal(err)
	}
	many := newDoc(t)
	if _, err := amraw.AppendMaps(many, "entries", sample(40), at); err != nil {
		t.Fatal(err)
	}
	forked, err := many.Fork()
	if err != nil {
		t.Fatal(err)
	}
	if err := forked.SetActorID(strings.Repeat("02", 16)); err != nil {
		t.Fatal(err)
	}
	if _, err := amraw.AppendMaps(forked, "entries", sample(2), at); err != nil {
		t.Fatal(err)
	}
	two, err := many.Fork()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := amraw.AppendMaps(two, "entries", sample(1), at); err != nil {
		t.Fatal(err)
	}
	if _, err := two.Merge(forked); err != nil {
		t.Fatal(err)
	}
	if len(two.Heads()) != 2 {
		t.Fatalf("the merged document has %d heads, want 2", len(two.Heads()))
	}

	for name, d := range map[string]*am.Doc{"one change": one, "many": many, "two heads": two, "empty": am.New()} {
		t.Run(name, func(t *testing.T) {
			heads := hashes(d.Heads())
			saved := d.Save()
			back, err := am.Load(saved)
			if err != nil || !sameHashes(hashes(back.Heads()), heads) {
				t.Fatalf("the wrapper's round trip: %v; this test needs a document that passes it", err)
			}
			if err := amraw.RoundTrip(d, heads); err != nil {
				t.Fatalf("RoundTrip: %v", err)
			}
			if len(heads) == 2 {
				if err := amraw.RoundTrip(d, [][32]byte{heads[1], heads[0]}); err != nil {
					t.Fatalf("RoundTrip, heads in the other order: %v", err)
				}
			}
			other := [32]byte{1, 2, 3}
			wrong := map[string][][32]byte{"a head too many": append(clone(heads), other)}
			if len(heads) > 0 {
				changed := clone(heads)
				changed[0][31] ^= 1
				wrong["a head changed"] = changed
				wrong["a head missing"] = clone(heads[1:])
				wrong["a head twice"] = append(clone(heads[1:]), heads[0], heads[0])[1:]
				wrong["no heads"] = nil
			}
			for what, want := range wrong {
				if sameHashes(want, heads) {
					continue // a repeat can make the same set
				}
				if err := amraw.RoundTrip(d, want); !errors.Is(err, amraw.ErrRoundTrip) {
					t.Errorf("%s: %v, want ErrRoundTrip", what, err)
				}
			}
			if !sameHashes(hashes(d.Heads()), heads) || string(d.Save()) != string(saved) {
				t.Error("RoundTrip changed the document")
			}
			if err := d.RootMap().Set("after", int64(1)); err != nil {
				t.Fatal(err)
			}
			if _, err := d.Commit("after the round trip", am.CommitOptions{Time: &at}); err != nil {
				t.Fatalf("an edit after RoundTrip: %v", err)
			}
			if err := amraw.RoundTrip(d, hashes(d.Heads())); err != nil {
				t.Fatalf("RoundTrip after an edit: %v", err)
			}
		})
	}
}

func hashes(hs []am.ChangeHash) [][32]byte {
	out := make([][32]byte, len(hs))
	for i, h := range hs {
		out[i] = h
	}
	return out
}

func clone(hs [][32]byte) [][32]byte { return append([][32]byte(nil), hs...) }

func sameHashes(a, b [][32]byte) bool {
	if len(a) != len(b) {
		return false
	}
	in := make(map[[32]byte]int, len(a))
	for _, h := range a {
		in[h]++
	}
	for _, h := range b {
		if in[h] == 0 {
			return false
		}
		in[h]--
	}
	return true
}

// TestRootScalars: RootScalars reads what amdoc.ReadKeys reads of root
// keys that hold strings (empty, non-ASCII, 256 bytes), signed integers
// (negative, the extremes) or nothing, and refuses (ok false, so that the
// caller reads through the wrapper) as soon as one key holds anything
// else: Text, a float, an unsigned integer, a counter, a map, a boolean,
// a string over 256 bytes.
func TestRootScalars(t *testing.T) {
	d := am.New()
	root := d.RootMap()
	plain := map[string]any{
		"type": "case", "space": "spc-ünï ✓", "empty": "", "long256": strings.Repeat("x", 256),
		"schema": int64(3), "neg": int64(-7), "max": int64(1<<63 - 1), "min": int64(-1 << 63),
	}
	for k, v := range plain {
		if err := root.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	other := map[string]any{
		"text": am.NewText("a text"), "float": 2.0, "uint": uint64(4), "counter": am.NewCounter(1),
		"map": am.NewMap(), "bool": true, "long257": strings.Repeat("y", 257),
	}
	for k, v := range other {
		if err := root.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := d.Commit("keys", am.CommitOptions{Time: &at}); err != nil {
		t.Fatal(err)
	}
	keys := []string{"absent"}
	for k := range plain {
		keys = append(keys, k)
	}
	s, ok := amraw.RootScalars(d, keys...)
	if !ok {
		t.Fatal("plain strings and integers: not read")
	}
	f, err := amdoc.ReadKeys(d.RootMap(), keys...)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if s.Str(k) != f.Str(k) || s.Int(k) != f.Int(k) {
			t.Errorf("%s: read %q and %d, the wrapper %q and %d", k, s.Str(k), s.Int(k), f.Str(k), f.Int(k))
		}
	}
	if s.Str("type") != "case" || s.Int("schema") != 3 || s.Str("schema") != "" || s.Int("type") != 0 || s.Str("not asked") != "" {
		t.Errorf("type %q, schema %d: want case and 3, and nothing read as the other kind", s.Str("type"), s.Int("schema"))
	}
	for k := range other {
		if _, ok := amraw.RootScalars(d, "type", k, "schema"); ok {
			t.Errorf("%s: read in C, want the wrapper", k)
		}
	}
}

// TestSetActor: SetActor sets the actor automerge-go's SetActorID sets
// for the same bytes in hex, which the next change is made by; it refuses
// no bytes.
func TestSetActor(t *testing.T) {
	actor := []byte{0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	raw, wrapped := am.New(), am.New()
	if err := amraw.SetActor(raw, actor); err != nil {
		t.Fatal(err)
	}
	if err := wrapped.SetActorID(hex.EncodeToString(actor)); err != nil {
		t.Fatal(err)
	}
	if raw.ActorID() != wrapped.ActorID() || raw.ActorID() != hex.EncodeToString(actor) {
		t.Fatalf("actor %s, the wrapper's %s, want %x", raw.ActorID(), wrapped.ActorID(), actor)
	}
	if err := raw.RootMap().Set("k", "v"); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Commit("by the actor set", am.CommitOptions{Time: &at}); err != nil {
		t.Fatal(err)
	}
	cs, err := raw.Changes()
	if err != nil || len(cs) != 1 || cs[0].ActorID() != hex.EncodeToString(actor) {
		t.Fatalf("changes %v, %v: want one by %x", cs, err, actor)
	}
	if err := amraw.SetActor(raw, nil); err == nil {
		t.Error("no actor: set")
	}
}
