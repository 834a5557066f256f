package amdoc

import (
	"errors"
	"slices"
	"strings"
	"testing"

	am "github.com/automerge/automerge-go"
)

func TestDiff(t *testing.T) {
	tests := []struct {
		name, a, b string
		pos, del   int
		ins        string
	}{
		{"equal", "abc", "abc", 3, 0, ""},
		{"insert middle", "ac", "abc", 1, 0, "b"},
		{"delete end", "abc", "ab", 2, 1, ""},
		{"replace all", "abc", "xyz", 0, 3, "xyz"},
		{"from empty", "", "hi", 0, 0, "hi"},
		{"to empty", "hi", "", 0, 2, ""},
		{"repeated runs", "aaaa", "aaaaa", 4, 0, "a"},
		{"code points", "😀x😀", "😀yy😀", 1, 1, "yy"},
		{"second paragraph", "one\n\ntwo\n\nthree", "one\n\nTWO\n\nthree", 5, 3, "TWO"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pos, del, ins := Diff([]rune(tt.a), []rune(tt.b))
			if pos != tt.pos || del != tt.del || string(ins) != tt.ins {
				t.Errorf("Diff = %d, %d, %q; want %d, %d, %q", pos, del, string(ins), tt.pos, tt.del, tt.ins)
			}
			r := []rune(tt.a)
			got := string(r[:pos]) + string(ins) + string(r[pos+del:])
			if got != tt.b {
				t.Errorf("splice gives %q, want %q", got, tt.b)
			}
		})
	}
}

func TestLang(t *testing.T) {
	tests := []struct {
		tag string
		ok  bool
	}{
		{"en", true}, {"es-419", true}, {"zh-Hant-TW", true}, {"ar", true},
		{"", false}, {"en_GB", false}, {"-en", false}, {"en-", false}, {"en--GB", false},
		{"1en", false}, {"toolongsubtag", false}, {"en GB", false},
	}
	for _, tt := range tests {
		t.Run(tt.tag, func(t *testing.T) {
			err := Lang("s", "lang", tt.tag)
			if (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrInvalid)) {
				t.Errorf("Lang(%q) = %v, want ok %v", tt.tag, err, tt.ok)
			}
		})
	}
}

func TestChunkHash(t *testing.T) {
	doc := am.New()
	if err := doc.RootMap().Set("k", "v"); err != nil {
		t.Fatal(err)
	}
	h, err := doc.Commit("c")
	if err != nil {
		t.Fatal(err)
	}
	c, err := doc.Change(h)
	if err != nil {
		t.Fatal(err)
	}
	chunk := c.Save()
	got, err := ChunkHash(chunk)
	if err != nil || got != h {
		t.Fatalf("ChunkHash = %x, %v; want %x", got, err, h)
	}
	flip := func(i int) []byte { b := append([]byte(nil), chunk...); b[i] ^= 1; return b }
	bad := map[string][]byte{
		"empty": nil, "magic": flip(0), "checksum": flip(5), "type": flip(8),
		"body": flip(len(chunk) - 1), "truncated": chunk[:len(chunk)-1],
		"trailing": append(append([]byte(nil), chunk...), 0), "document": doc.Save(),
	}
	for name, b := range bad {
		t.Run(name, func(t *testing.T) {
			if _, err := ChunkHash(b); !errors.Is(err, ErrChunk) {
				t.Errorf("got %v, want ErrChunk", err)
			}
		})
	}
}

// TestChunkDeps reads a change's dependencies from its chunk as automerge
// reports them: none, one, and two (after a merge).
func TestChunkDeps(t *testing.T) {
	a := am.New()
	commit := func(d *am.Doc, k string) *am.Change {
		t.Helper()
		if err := d.RootMap().Set(k, "v"); err != nil {
			t.Fatal(err)
		}
		h, err := d.Commit(k)
		if err != nil {
			t.Fatal(err)
		}
		c, err := d.Change(h)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	first := commit(a, "a")
	b, err := a.Fork()
	if err != nil {
		t.Fatal(err)
	}
	second := commit(a, "b")
	commit(b, "c")
	if _, err := a.Merge(b); err != nil {
		t.Fatal(err)
	}
	merged := commit(a, "d")
	for _, c := range []*am.Change{first, second, merged} {
		got, err := ChunkDeps(c.Save())
		if err != nil {
			t.Fatal(err)
		}
		want := c.Dependencies()
		if len(got) != len(want) {
			t.Fatalf("%d deps, want %d", len(got), len(want))
		}
		for _, h := range want {
			if !slices.Contains(got, [32]byte(h)) {
				t.Errorf("dependency %s not read", h)
			}
		}
	}
	if len(mustDeps(t, merged.Save())) != 2 {
		t.Error("the merge change does not have two dependencies")
	}
	chunk := second.Save()
	short := append([]byte(nil), chunk[:9]...)
	short = append(short, 5, 3) // a body claiming 3 deps in 5 bytes
	if _, err := ChunkDeps(short); !errors.Is(err, ErrChunk) {
		t.Errorf("deps past the body: %v, want ErrChunk", err)
	}
}

func mustDeps(t *testing.T, chunk []byte) [][32]byte {
	t.Helper()
	deps, err := ChunkDeps(chunk)
	if err != nil {
		t.Fatal(err)
	}
	return deps
}

func TestCheck(t *testing.T) {
	// The gate is process-wide: start from a closed gate and restore it after,
	// so the test holds under -count and -shuffle, whatever ran before it.
	was := enabled.Load()
	enabled.Store(false)
	t.Cleanup(func() { enabled.Store(was) })
	if err := Check(); !errors.Is(err, ErrNotEngine) {
		t.Fatalf("before Enable: %v, want ErrNotEngine", err)
	}
	Enable()
	if err := Check(); err != nil {
		t.Fatal(err)
	}
}

// TestTooLongNamesLimit checks that a value over a size limit is refused
// with a message naming the limit, which the CLI prints as it is.
func TestTooLongNamesLimit(t *testing.T) {
	tests := []struct {
		name  string
		check func(schema, field, s string) error
		s     string
		limit string
	}{
		{"text", Text, strings.Repeat("x", MaxText+1), "more than the limit of 256 KiB (262144 bytes)"},
		{"string", Str, strings.Repeat("é", MaxString/2+1), "more than the limit of 64 KiB (65536 bytes)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.check("s", "f", tt.s)
			var fe *FieldError
			if !errors.As(err, &fe) || !errors.Is(err, ErrInvalid) || !strings.Contains(fe.Reason, tt.limit) {
				t.Fatalf("got %v, want ErrInvalid naming %q", err, tt.limit)
			}
			if err := tt.check("s", "f", tt.s[:len(tt.s)-2]); err != nil {
				t.Errorf("at the limit: %v", err)
			}
		})
	}
}

func TestSizeName(t *testing.T) {
	tests := []struct {
		n    int
		want string
	}{
		{1 << 20, "1 MiB (1048576 bytes)"}, {3 << 20, "3 MiB (3145728 bytes)"},
		{64 << 10, "64 KiB (65536 bytes)"}, {1536 << 10, "1536 KiB (1572864 bytes)"}, {1000, "1000 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := sizeName(tt.n); got != tt.want {
				t.Errorf("sizeName(%d) = %q, want %q", tt.n, got, tt.want)
			}
		})
	}
}
