package wire

import (
	"bytes"
	"strings"
	"testing"
	"time"

	am "github.com/automerge/automerge-go"
)

// history is a real document's changes, as automerge-go made them.
type history struct {
	doc     *am.Doc
	changes []*am.Change
}

// realDoc runs build on a fresh document with a fixed actor and returns its
// changes in causal order.
func realDoc(t testing.TB, build func(t testing.TB, d *am.Doc)) history {
	t.Helper()
	d := am.New()
	if err := d.SetActorID(actorA); err != nil {
		t.Fatal(err)
	}
	build(t, d)
	chs, err := d.Changes()
	if err != nil {
		t.Fatal(err)
	}
	return history{doc: d, changes: chs}
}

// commit commits d's pending ops at a fixed time.
func commit(t testing.TB, d *am.Doc, msg string, opts ...am.CommitOptions) {
	t.Helper()
	tm := time.UnixMilli(1700000000000 + int64(len(msg)))
	o := am.CommitOptions{Time: &tm}
	for _, x := range opts {
		o.AllowEmpty = x.AllowEmpty
		if x.Time != nil {
			o.Time = x.Time
		}
	}
	if _, err := d.Commit(msg, o); err != nil {
		t.Fatal(err)
	}
}

// must fails the test on err.
func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// realDoc is one kind of real document and a property its history must
// have, so the test covers what it claims to.
type realDocCase struct {
	name  string
	build func(t testing.TB, d *am.Doc)
	has   func(c *Change) bool
}

// realDocs builds the documents of the brief: scalars, a list of maps, text
// splices, a 10,000-character deletion, a counter, two actors merged.
func realDocs() []realDocCase {
	always := func(*Change) bool { return true }
	return []realDocCase{
		{"map of scalars", buildScalars, func(c *Change) bool { return c.Ops == 8 }},
		{"list of maps", buildListOfMaps, always},
		{"text splices", buildText, func(c *Change) bool { return c.Ops > 20 }},
		{"10k-char deletion", buildBigDelete, func(c *Change) bool { return c.Message == "delete 10k" && c.Ops == 10_000 }},
		{"counter", buildCounter, always},
		{"two actors merged", buildMerged, func(c *Change) bool { return len(c.Deps) == 2 && c.Ops == 1 }},
		{"two actors with other actors", buildMerged, func(c *Change) bool { return len(c.OtherActors) == 1 }},
		{"empty change", buildEmpty, func(c *Change) bool { return c.Ops == 0 && c.Message == "empty" }},
		{"untimed change", buildEmpty, func(c *Change) bool { return c.Time == 0 && c.Message == "" }},
		{"time before 1970", buildEmpty, func(c *Change) bool { return c.Time == -5000 }},
		{"nested and deletion", buildNested, always},
	}
}

func buildScalars(t testing.TB, d *am.Doc) {
	must(t, d.Path("s").Set("hello, wörld"))
	must(t, d.Path("i").Set(int64(-42)))
	must(t, d.Path("u").Set(uint64(1)<<40))
	must(t, d.Path("f").Set(3.25))
	must(t, d.Path("b").Set(true))
	must(t, d.Path("bytes").Set([]byte{0, 1, 2}))
	must(t, d.Path("when").Set(time.UnixMilli(1700000000123)))
	must(t, d.Path("nothing").Set(nil))
	commit(t, d, "scalars")
	must(t, d.Path("s").Set("again"))
	must(t, d.Path("b").Set(false))
	commit(t, d, strings.Repeat("long message ", 30))
}

func buildListOfMaps(t testing.TB, d *am.Doc) {
	must(t, d.Path("l").Set(am.NewList()))
	commit(t, d, "list")
	l := d.Path("l").List()
	for i := range 5 {
		must(t, l.Append(map[string]any{"n": int64(i), "name": "item"}))
		commit(t, d, "append")
	}
	must(t, l.Insert(2, map[string]any{"n": int64(99)}))
	must(t, d.Path("l", 0).Delete())
	must(t, l.Set(1, "replaced"))
	commit(t, d, "edit list")
}

func buildText(t testing.TB, d *am.Doc) {
	must(t, d.Path("t").Set(am.NewText("hello world")))
	commit(t, d, "text")
	tx := d.Path("t").Text()
	for i := range 40 {
		must(t, tx.Splice(i%10, i%3, strings.Repeat("ä€", i%4+1)))
		if i%7 == 0 {
			commit(t, d, "splice")
		}
	}
	commit(t, d, "splices")
}

func buildBigDelete(t testing.TB, d *am.Doc) {
	must(t, d.Path("t").Set(am.NewText("")))
	commit(t, d, "text")
	must(t, d.Path("t").Text().Insert(0, strings.Repeat("x", 10_000)))
	commit(t, d, "insert 10k")
	must(t, d.Path("t").Text().Delete(0, 10_000))
	commit(t, d, "delete 10k")
}

func buildCounter(t testing.TB, d *am.Doc) {
	must(t, d.Path("c").Set(am.NewCounter(0)))
	commit(t, d, "counter")
	for _, by := range []int64{1, -2, 1000, -100000} {
		must(t, d.Path("c").Counter().Inc(by))
		commit(t, d, "inc")
	}
	must(t, d.Path("l").Set([]any{am.NewCounter(5)}))
	commit(t, d, "counter in a list")
}

func buildMerged(t testing.TB, d *am.Doc) {
	must(t, d.Path("k").Set("base"))
	must(t, d.Path("t").Set(am.NewText("shared text")))
	commit(t, d, "base")
	e, err := d.Fork()
	must(t, err)
	must(t, e.SetActorID(actorB))
	for i := range 3 {
		must(t, d.Path("k").Set("from a"))
		must(t, d.Path("t").Text().Splice(i, 1, "A"))
		commit(t, d, "a")
		must(t, e.Path("k").Set("from b"))
		must(t, e.Path("t").Text().Splice(i+3, 1, "B"))
		must(t, e.Path("x").Set(int64(i)))
		commit(t, e, "b")
	}
	_, err = d.Merge(e)
	must(t, err)
	if len(d.Heads()) != 2 {
		t.Fatalf("%d heads after merge, want 2", len(d.Heads()))
	}
	must(t, d.Path("k").Set("merged"))
	commit(t, d, "merge with two deps")
	_, err = e.Merge(d)
	must(t, err)
	must(t, e.Path("k").Delete())
	commit(t, e, "b deletes")
	_, err = d.Merge(e)
	must(t, err)
}

func buildEmpty(t testing.TB, d *am.Doc) {
	must(t, d.Path("k").Set("v"))
	commit(t, d, "", am.CommitOptions{Time: &time.Time{}})
	commit(t, d, "empty", am.CommitOptions{AllowEmpty: true})
	must(t, d.Path("k").Set("w"))
	_ = d.Heads() // implicit commit: no message, time 0
	must(t, d.Path("neg").Set(int64(1)))
	neg := time.UnixMilli(-5000)
	commit(t, d, "before 1970", am.CommitOptions{Time: &neg})
}

func buildNested(t testing.TB, d *am.Doc) {
	must(t, d.Path("a", "b", "c").Set("deep"))
	must(t, d.Path("a", "l").Set([]any{"x", "y", []any{int64(1), int64(2)}}))
	commit(t, d, "nested")
	must(t, d.Path("a", "b").Delete())
	must(t, d.Path("a", "l", 1).Delete()) // List().Delete panics in automerge-go
	commit(t, d, "deletes")
}

func TestParseChangeRealDocuments(t *testing.T) {
	for _, tt := range realDocs() {
		t.Run(tt.name, func(t *testing.T) {
			h := realDoc(t, tt.build)
			found := false
			reach := map[[32]byte]uint64{} // max op reachable from a change, itself included
			for i, ch := range h.changes {
				c := parseReal(t, ch)
				var deps uint64
				for _, d := range c.Deps {
					r, ok := reach[d]
					if !ok {
						t.Fatalf("change %d: dep %s not seen before", i, HashHex(d))
					}
					deps = max(deps, r)
				}
				if err := CheckStartOp(c, deps); err != nil {
					t.Errorf("change %d (%s seq %d): %v", i, c.Message, c.Seq, err)
				}
				reach[c.Hash] = max(deps, c.MaxOp())
				found = found || tt.has(c)
			}
			if !found {
				t.Error("no change has the property this document is for")
			}
			checkSplit(t, h)
		})
	}
}

// parseReal parses one real change and compares it with automerge-go's view.
func parseReal(t *testing.T, ch *am.Change) *Change {
	t.Helper()
	raw := ch.Save()
	c, err := ParseChange(raw)
	if err != nil {
		t.Fatalf("ParseChange(%s): %v", ch.Hash(), err)
	}
	if c.Hash != [32]byte(ch.Hash()) || HashHex(c.Hash) != ch.Hash().String() {
		t.Errorf("hash %s, want %s", HashHex(c.Hash), ch.Hash())
	}
	deps := ch.Dependencies()
	if len(deps) != len(c.Deps) {
		t.Fatalf("%d deps, want %d", len(c.Deps), len(deps))
	}
	for i := range deps {
		if c.Deps[i] != [32]byte(deps[i]) {
			t.Errorf("dep %d %s, want %s", i, HashHex(c.Deps[i]), deps[i])
		}
	}
	if hexString(c.Actor) != ch.ActorID() || c.Seq != ch.ActorSeq() || c.Message != ch.Message() {
		t.Errorf("actor %x seq %d msg %q, want %s %d %q",
			c.Actor, c.Seq, c.Message, ch.ActorID(), ch.ActorSeq(), ch.Message())
	}
	if ts := ch.Timestamp(); !ts.IsZero() && ts.UnixMilli() != c.Time || ts.IsZero() && c.Time != 0 {
		t.Errorf("time %d, want %v", c.Time, ts)
	}
	if !bytes.Equal(c.Raw, raw) {
		t.Error("Raw differs from Save()")
	}
	return c
}

// checkSplit checks SplitChunks cuts SaveChanges output into each change.
func checkSplit(t *testing.T, h history) {
	t.Helper()
	chunks, err := SplitChunks(am.SaveChanges(h.changes))
	if err != nil || len(chunks) != len(h.changes) {
		t.Fatalf("SplitChunks = %d, %v; want %d", len(chunks), err, len(h.changes))
	}
	for i, ch := range h.changes {
		if !bytes.Equal(chunks[i], ch.Save()) {
			t.Errorf("chunk %d differs from change %s", i, ch.Hash())
		}
	}
}
