package crdt_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/crdt"
	"github.com/weftsync/weft/crdt/model"
)

// noEngineEnv, when set, makes TestMain leave crdt disabled (see TestNotEngine).
const noEngineEnv = "WEFT_CRDT_TEST_NO_ENGINE"

func TestMain(m *testing.M) {
	if os.Getenv(noEngineEnv) == "" {
		crdt.Enable()
	}
	os.Exit(m.Run())
}

var at = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// actor returns a distinct 16-byte actor ID for n.
func actor(n byte) []byte { return bytes.Repeat([]byte{n}, crdt.ActorLen) }

// id returns a valid, deterministic weft ID for n.
func id(n int) string {
	s := fmt.Sprintf("%026d", n)
	b := []byte(s)
	for i, c := range b {
		b[i] = 'a' + (c - '0') // digits -> letters a..j, all in the ID alphabet
	}
	return string(b)
}

var space = id(999)

func newDoc(t testing.TB, c model.Create) (*crdt.Doc, [][]byte) {
	t.Helper()
	c.Space = space
	d, chunks, err := crdt.Create(c, actor(1), at, "")
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	return d, chunks
}

func edit(t testing.TB, d *crdt.Doc, e model.Edit) [][]byte {
	t.Helper()
	chunks, err := d.Edit(e, at)
	if err != nil {
		t.Fatalf("Edit: %v", err)
	}
	return chunks
}

func view(t testing.TB, d *crdt.Doc) model.View {
	t.Helper()
	v, err := d.View()
	if err != nil {
		t.Fatalf("View: %v", err)
	}
	return v
}

// rawEdit plays another member's client: it loads history with raw
// automerge under its own actor, runs fn, and returns the change chunks fn
// made.
func rawEdit(t testing.TB, history [][]byte, fn func(doc *am.Doc) error) [][]byte {
	t.Helper()
	doc := am.New()
	if err := doc.LoadIncremental(bytes.Join(history, nil)); err != nil {
		t.Fatal(err)
	}
	old := doc.Heads()
	if err := fn(doc); err != nil {
		t.Fatalf("raw edit: %v", err)
	}
	if _, err := doc.Commit("raw edit", am.CommitOptions{Time: &at}); err != nil {
		t.Fatal(err)
	}
	chs, err := doc.Changes(old...)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, c := range chs {
		out = append(out, c.Save())
	}
	return out
}

func ptr[T any](v T) *T { return &v }

func asField(err error, fe **crdt.FieldError) bool {
	return errors.Is(err, crdt.ErrInvalid) && errors.As(err, fe)
}
