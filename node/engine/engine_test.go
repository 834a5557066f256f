package engine_test

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node/engine"
	"github.com/weftsync/weft/node/engine/server"
)

func TestMain(m *testing.M) {
	server.Dispatch()
	os.Exit(m.Run())
}

var at = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func actor(b byte) []byte {
	a := make([]byte, 16)
	for i := range a {
		a[i] = b
	}
	return a
}

func newEngine(t *testing.T, cfg engine.Config) *engine.Engine {
	t.Helper()
	e := engine.New(cfg)
	t.Cleanup(func() { e.Close() })
	return e
}

func createLedger(t *testing.T, e *engine.Engine, doc string, a []byte) [][]byte {
	t.Helper()
	chunks, err := e.Create(t.Context(), doc, model.Create{Type: model.Ledger, Space: model.NewID(), Currency: "EUR"}, a, at)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	return chunks
}

func addEntry(ctx context.Context, e *engine.Engine, doc string) ([][]byte, error) {
	ent := model.Entry{ID: model.NewID(), Date: "2026-11-26", Direction: "in", AmountMinor: 1250, Currency: "EUR"}
	return e.Edit(ctx, doc, model.Edit{AddEntry: &ent}, at)
}

func TestCreateEditViewLoad(t *testing.T) {
	e := newEngine(t, engine.Config{})
	ctx := t.Context()
	first := createLedger(t, e, "doc1", actor(0xaa))
	more, err := addEntry(ctx, e, "doc1")
	if err != nil {
		t.Fatal(err)
	}
	v, err := e.View(ctx, "doc1")
	if err != nil || v.Ledger == nil || len(v.Ledger.Entries) != 1 {
		t.Fatalf("view = %+v, %v; want one entry", v, err)
	}
	// A second document loaded from the raw changes sees the same entry.
	if _, err := e.Load(ctx, "copy", append(first, more...), actor(0xbb)); err != nil {
		t.Fatal(err)
	}
	v2, err := e.View(ctx, "copy")
	if err != nil || len(v2.Ledger.Entries) != 1 || v2.Ledger.Entries[0].ID != v.Ledger.Entries[0].ID {
		t.Fatalf("loaded view = %+v, %v", v2, err)
	}
	if _, err := e.View(ctx, "unknown"); !errors.Is(err, engine.ErrNotLoaded) {
		t.Fatalf("view of unknown doc: %v, want ErrNotLoaded", err)
	}
}

func TestInvalidEditIsRefused(t *testing.T) {
	e := newEngine(t, engine.Config{})
	createLedger(t, e, "doc", actor(0xaa))
	bad := model.Entry{ID: model.NewID(), Date: "2026-11-26", Direction: "sideways", AmountMinor: 1, Currency: "EUR"}
	_, err := e.Edit(t.Context(), "doc", model.Edit{AddEntry: &bad}, at)
	if !errors.Is(err, engine.ErrInvalid) {
		t.Fatalf("edit = %v, want ErrInvalid", err)
	}
	if _, err := addEntry(t.Context(), e, "doc"); err != nil {
		t.Fatalf("a valid edit after a refused one: %v", err)
	}
}

// TestPoisonKillsOnlyTheEngine hands the engine, through its RPC directly,
// a change re-encoded with startOp = 2^32-2 (notes/automerge-go.md §11): the
// core accepts it and aborts at the next local commit. The call fails
// cleanly, the engine restarts, and other documents reload and work.
func TestPoisonKillsOnlyTheEngine(t *testing.T) {
	e := newEngine(t, engine.Config{})
	ctx := t.Context()
	first := createLedger(t, e, "victim", actor(0xaa))
	second, err := addEntry(ctx, e, "victim")
	if err != nil {
		t.Fatal(err)
	}
	poison := withStartOp(t, second[0], 1<<32-2)
	other := createLedger(t, e, "other", actor(0xcc))
	gen := e.Generation()

	if _, err := e.Load(ctx, "victim2", first, actor(0xbb)); err != nil {
		t.Fatal(err)
	}
	// The core aborts while applying it or at the next local commit.
	_, err = e.Apply(ctx, "victim2", [][]byte{poison}, false)
	if err == nil {
		_, err = addEntry(ctx, e, "victim2")
	}
	if !errors.Is(err, engine.ErrDied) {
		t.Fatalf("poison then local commit = %v, want ErrDied", err)
	}
	if !strings.Contains(err.Error(), "panicked at") {
		t.Errorf("error does not carry the core's panic message: %v", err)
	}
	if e.Restarts() != 1 {
		t.Fatalf("restarts = %d, want 1", e.Restarts())
	}
	// The next call starts a fresh engine that holds nothing.
	if _, err := e.View(ctx, "other"); !errors.Is(err, engine.ErrNotLoaded) {
		t.Fatalf("view after restart = %v, want ErrNotLoaded", err)
	}
	if e.Generation() != gen+1 {
		t.Fatalf("generation = %d, want %d", e.Generation(), gen+1)
	}
	if _, err := e.Load(ctx, "other", other, actor(0xcc)); err != nil {
		t.Fatal(err)
	}
	if _, err := addEntry(ctx, e, "other"); err != nil {
		t.Fatalf("edit another document after the restart: %v", err)
	}
}

func TestDeadlineKillsAndRestarts(t *testing.T) {
	e := newEngine(t, engine.Config{Deadline: time.Nanosecond})
	_, err := e.Call(t.Context(), engine.Request{Op: engine.OpPing})
	if !errors.Is(err, engine.ErrDeadline) {
		t.Fatalf("ping with a 1ns deadline = %v, want ErrDeadline", err)
	}
	if e.Restarts() != 1 {
		t.Fatalf("restarts = %d, want 1", e.Restarts())
	}
}

// TestDeadlineGrowsUnderLoad: calls that take longer than the base
// deadline (here an engine's start and warm-up, the quickest of three
// measured first, against a third of it, so that the deadline's ceiling,
// 16 times the base, leaves room for a start five times slower on a
// loaded machine) are killed, each kill doubles the deadline, and the
// call goes through once the deadline covers it, instead of being killed
// for ever; fast calls then bring the deadline back down.
func TestDeadlineGrowsUnderLoad(t *testing.T) {
	warm := time.Duration(1<<63 - 1) // the quickest of three fresh starts
	for range 3 {
		probe := newEngine(t, engine.Config{})
		start := time.Now()
		if _, err := probe.Call(t.Context(), engine.Request{Op: engine.OpPing}); err != nil {
			t.Fatal(err)
		}
		warm = min(warm, time.Since(start))
	}
	base := max(warm/3, time.Microsecond)
	e := newEngine(t, engine.Config{Deadline: base})
	var err error
	raised := base // the highest deadline seen after a kill
	for range 12 {
		if _, err = e.Call(t.Context(), engine.Request{Op: engine.OpPing}); err == nil {
			break
		}
		if !errors.Is(err, engine.ErrDeadline) {
			t.Fatalf("ping: %v, want ErrDeadline or success", err)
		}
		// Read it after each kill: the ping that gets through may itself be
		// fast enough to lower it again.
		d := e.Deadline()
		if d <= base {
			t.Fatalf("after %d kills the deadline is %v, base %v", e.Restarts(), d, base)
		}
		raised = max(raised, d)
	}
	if err != nil {
		t.Fatalf("12 pings, each needing a fresh engine (about %v), under a base deadline of %v: still %v", warm, base, err)
	}
	if e.Restarts() == 0 {
		t.Skipf("the engine started within %v this time; nothing to show", base)
	}
	for range 8 {
		if _, err := e.Call(t.Context(), engine.Request{Op: engine.OpPing}); err != nil {
			t.Fatal(err)
		}
	}
	if e.Deadline() >= raised {
		t.Fatalf("after fast pings the deadline is still %v", e.Deadline())
	}
}

func TestCancelledContext(t *testing.T) {
	e := newEngine(t, engine.Config{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := e.Call(ctx, engine.Request{Op: engine.OpPing}); !errors.Is(err, context.Canceled) {
		t.Fatalf("call with a cancelled context = %v", err)
	}
	if _, err := e.Call(t.Context(), engine.Request{Op: engine.OpPing}); err != nil {
		t.Fatalf("ping after a cancelled call: %v", err)
	}
}

// TestEngineLimits checks the child runs lean and under an address-space limit.
func TestEngineLimits(t *testing.T) {
	e := newEngine(t, engine.Config{})
	rss, _, err := e.Stats(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if rss <= 0 || rss > 512<<20 {
		t.Fatalf("engine resident size %d bytes", rss)
	}
	pid := e.PID()
	limits, err := os.ReadFile("/proc/" + itoa(pid) + "/limits")
	if err != nil {
		t.Fatal(err)
	}
	if !containsLimitedAS(string(limits)) {
		t.Fatalf("engine has no address-space limit:\n%s", limits)
	}
}

func TestClosedEngine(t *testing.T) {
	e := engine.New(engine.Config{})
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Call(t.Context(), engine.Request{Op: engine.OpPing}); !errors.Is(err, engine.ErrClosed) {
		t.Fatalf("call after close = %v, want ErrClosed", err)
	}
	if err := e.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
}

// withStartOp re-encodes a change chunk with another startOp and a valid
// checksum, as a hostile peer would.
func withStartOp(t *testing.T, chunk []byte, startOp uint64) []byte {
	t.Helper()
	body := chunk[9:]
	n, k := binary.Uvarint(body)
	body = body[k:]
	if uint64(len(body)) != n {
		t.Fatalf("chunk length %d, body %d", n, len(body))
	}
	p := 0
	read := func() uint64 { v, k := binary.Uvarint(body[p:]); p += k; return v }
	deps := read()
	p += int(deps) * 32
	alen := read()
	p += int(alen)
	read() // seq
	opStart := p
	read() // startOp
	nb := append(append(append([]byte{}, body[:opStart]...), binary.AppendUvarint(nil, startOp)...), body[p:]...)
	h := sha256.New()
	h.Write([]byte{1})
	h.Write(binary.AppendUvarint(nil, uint64(len(nb))))
	h.Write(nb)
	out := append([]byte{0x85, 0x6f, 0x4a, 0x83}, h.Sum(nil)[:4]...)
	out = append(out, 1)
	out = binary.AppendUvarint(out, uint64(len(nb)))
	return append(out, nb...)
}

// TestParentKillsBloatedEngine: past MaxRSS the parent kills the engine
// after the call, which still succeeds; the next call starts a fresh one,
// whose own size is read after its call (and kills it too).
func TestParentKillsBloatedEngine(t *testing.T) {
	e := newEngine(t, engine.Config{MaxRSS: 1 << 20})
	if _, err := e.Call(t.Context(), engine.Request{Op: engine.OpPing}); err != nil {
		t.Fatalf("ping: %v", err)
	}
	if e.Restarts() != 1 {
		t.Fatalf("restarts = %d, want 1 (an engine is far over 1 MiB)", e.Restarts())
	}
	if _, err := e.Call(t.Context(), engine.Request{Op: engine.OpPing}); err != nil {
		t.Fatalf("ping after the kill: %v", err)
	}
	if e.Restarts() != 2 {
		t.Fatalf("restarts = %d after the second engine's call, want 2", e.Restarts())
	}
}

// TestApplyCheckUpTo: Apply with a size limit checks the round trip of a
// small document and leaves a larger one unchecked, saying so; Check runs
// the round trip later, and needs the document loaded.
func TestApplyCheckUpTo(t *testing.T) {
	e := newEngine(t, engine.Config{})
	ctx := t.Context()
	history := createLedger(t, e, "src", actor(0xaa))
	for range 20 {
		more, err := addEntry(ctx, e, "src")
		if err != nil {
			t.Fatal(err)
		}
		history = append(history, more...)
	}
	last := len(history) - 1
	for _, tt := range []struct {
		name      string
		upTo      int64
		unchecked bool
	}{
		{"small enough", 1 << 30, false},
		{"too large", 1, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := e.Load(ctx, "dst", history[:last], actor(0xbb)); err != nil {
				t.Fatal(err)
			}
			heads, unchecked, err := e.ApplyCheckUpTo(ctx, "dst", history[last:], tt.upTo)
			if err != nil || unchecked != tt.unchecked || len(heads) != 1 {
				t.Fatalf("apply = %d heads, unchecked %v, %v; want 1 head, unchecked %v", len(heads), unchecked, err, tt.unchecked)
			}
			checked, err := e.Check(ctx, "dst")
			if err != nil || len(checked) != 1 || checked[0] != heads[0] {
				t.Fatalf("check = %x, %v; want the heads %x", checked, err, heads)
			}
		})
	}
	if _, err := e.Check(ctx, "unknown"); !errors.Is(err, engine.ErrNotLoaded) {
		t.Fatalf("check of unknown doc: %v, want ErrNotLoaded", err)
	}
}
