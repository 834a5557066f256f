package amraw

import (
	"encoding/binary"
	"strings"
	"testing"
	"time"

	am "github.com/automerge/automerge-go"
)

// listDoc returns a document whose root holds an empty, committed
// "entries" list.
func listDoc(t *testing.T) *am.Doc {
	t.Helper()
	d := am.New()
	if err := d.RootMap().Set("entries", am.NewList()); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Commit("create"); err != nil {
		t.Fatal(err)
	}
	return d
}

// TestAppendEncodedMalformed hands weft_append_maps every truncation of a
// valid request, and requests whose counts and lengths run past their
// end: each must come back as an error naming a malformed request, with
// only the changes of the records read whole, each of them a change
// a copy of the document loads. None may crash the process or read past the request.
func TestAppendEncodedMalformed(t *testing.T) {
	offs, ok := layout()
	if !ok {
		t.Skip("automerge-go's Doc layout is not the one amraw knows; AppendMaps falls back")
	}
	maps := []Map{
		{Msg: "one", Fields: []Field{{Key: "id", Str: "a"}, {Key: "amount_minor", Int: 7, IsInt: true}}},
		{Msg: "two", Fields: []Field{{Key: "id", Str: "b"}, {Key: "memo", Str: strings.Repeat("m", 40)}}},
		{Msg: "three", Fields: []Field{{Key: "id", Str: "c"}}},
	}
	full := encode(maps)
	// ends[i] is the length of the request that holds records 0..i whole.
	var ends []int
	for i := range maps {
		ends = append(ends, len(encode(maps[:i+1])))
	}
	whole := func(cut int) int {
		n := 0
		for _, e := range ends {
			if cut >= e {
				n++
			}
		}
		return n
	}

	for cut := 0; cut < len(full); cut++ {
		d := listDoc(t)
		d0 := d.Save()
		in := full[:cut:cut]
		chunks, err := appendEncoded(d, offs, "entries", in, len(maps), time.Time{})
		if err == nil || !strings.Contains(err.Error(), "malformed request") {
			t.Fatalf("request cut at %d of %d: err %v; want a malformed request", cut, len(full), err)
		}
		// The count of records is fixed at 3 by the full request's first
		// bytes, so a request cut after record i's end holds i+1 whole.
		want := whole(cut)
		if cut < 4 {
			want = 0
		}
		if len(chunks) != want {
			t.Fatalf("request cut at %d: %d changes returned, want %d", cut, len(chunks), want)
		}
		// The changes returned are whole: a copy of the document before
		// the call takes them and holds one map per change.
		base, err := am.Load(d0)
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range chunks {
			if err := base.LoadIncremental(c); err != nil {
				t.Fatalf("request cut at %d: change %d does not load: %v", cut, i, err)
			}
		}
		l, err := base.RootMap().Get("entries")
		if err != nil {
			t.Fatal(err)
		}
		if got := l.List().Len(); got != len(chunks) {
			t.Fatalf("request cut at %d: %d maps after loading %d changes", cut, got, len(chunks))
		}
	}

	// Counts and lengths that claim more than the request holds.
	huge := func(parts ...uint32) []byte {
		var b []byte
		for _, p := range parts {
			b = binary.LittleEndian.AppendUint32(b, p)
		}
		return b
	}
	for name, in := range map[string][]byte{
		"records past the end":       huge(0xFFFFFFFF),
		"fields past the end":        huge(1, 0xFFFFFFFF),
		"message longer than itself": huge(1, 1, 0xFFFFFFFF),
		"key longer than itself":     append(huge(1, 1, 0), huge(0xFFFFFFF0)...),
		"string value cut":           append(append(huge(1, 1, 0, 1), 'k'), huge(0, 0x7FFFFFFF)...),
		"integer value cut":          append(append(huge(1, 1, 0, 1), 'k'), append(huge(1), 1, 2, 3)...),
	} {
		d := listDoc(t)
		chunks, err := appendEncoded(d, offs, "entries", in, 1, time.Time{})
		if err == nil || !strings.Contains(err.Error(), "malformed request") || len(chunks) != 0 {
			t.Fatalf("%s: %d changes, err %v; want none and a malformed request", name, len(chunks), err)
		}
	}
}
