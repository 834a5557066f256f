package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// ModeEnv is the environment variable that starts the weft binary in engine
// mode; ModeValue is its value. See package engine/server.
const (
	ModeEnv   = "WEFT_ENGINE_MODE"
	ModeValue = "v1"
)

// Config says how to start and police the engine process. The zero value
// works: it re-executes the running binary.
type Config struct {
	// Path is the binary to run; empty means os.Executable().
	Path string
	// Env is the child's base environment; nil means os.Environ(). Secrets
	// (WEFT_PASSPHRASE) are always removed.
	Env []string
	// Deadline is the base time one call may take (default 20s).
	Deadline time.Duration
	// BytesPerSecond scales the deadline with the input's size (default 2 MiB/s),
	// so a large but honest load on a slow machine is not killed.
	BytesPerSecond int
	// MaxRSS is the resident size, in bytes, past which the parent kills
	// the engine after a call (default 1 GiB): the child's own address-space
	// limit does not count memory it has touched but not reserved anew.
	MaxRSS int64
	// Logger receives engine restarts and the child's last words.
	Logger *slog.Logger
	// ReleaseAfter is how long a round trip or load of a whole document
	// (OpCheck, OpSave, OpLoad) may run before the node, which only waits
	// for it, hands its own free memory back to the system (Release), so
	// that the garbage of what came before (a catch-up's frames and
	// batches) is not resident while the engine makes its peak (decision
	// 0051). Default 150ms; negative turns it off.
	ReleaseAfter time.Duration
	// Release hands memory back; nil means debug.FreeOSMemory (a Go
	// collection, then every free page returned to the system). It runs
	// on a goroutine of its own while the call goes on, one at a time.
	Release func()
}

// Engine is a client of one engine process, restarted on demand.
type Engine struct {
	cfg Config

	mu       sync.Mutex // serialises calls and guards the fields below
	proc     *process
	gen      uint64
	restarts int
	closed   bool
	// lastWords is the stderr tail of the last process lost.
	lastWords string
	// slow doubles the deadline per step (at most maxSlow): it rises
	// after a call killed by its deadline and falls after a call that took
	// less than half of it, so that a machine too loaded for the base
	// deadline still makes progress instead of killing the same call for
	// ever.
	slow uint
	// inRelease is set while a release runs; releasing is held by it,
	// and Close waits for it.
	inRelease atomic.Bool
	releasing sync.WaitGroup
	releases  int
	// barred: documents no call may name any more (Bar).
	barred map[string]bool
}

// defaultReleaseAfter: a round trip longer than 150ms is one of a large
// document (a 10,000-entry ledger's takes about 0.8 s, a case study's
// well under a millisecond).
const defaultReleaseAfter = 150 * time.Millisecond

// maxSlow bounds the deadline's doublings: 16 times the base at most.
const maxSlow = 4

// New returns an Engine; the process starts at the first call.
func New(cfg Config) *Engine {
	if cfg.Deadline <= 0 {
		cfg.Deadline = 20 * time.Second
	}
	if cfg.BytesPerSecond <= 0 {
		cfg.BytesPerSecond = 2 << 20
	}
	if cfg.MaxRSS <= 0 {
		cfg.MaxRSS = 1 << 30
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.ReleaseAfter == 0 {
		cfg.ReleaseAfter = defaultReleaseAfter
	}
	if cfg.Release == nil {
		cfg.Release = debug.FreeOSMemory
	}
	return &Engine{cfg: cfg}
}

// Generation counts the engine processes started so far. When it changes,
// every document the engine held is gone.
func (e *Engine) Generation() uint64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.gen
}

// Restarts counts the engine processes that died or were killed.
func (e *Engine) Restarts() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.restarts
}

// Call sends one request and waits for its response, the deadline, or ctx.
// A response carrying an error code is returned as the matching sentinel.
func (e *Engine) Call(ctx context.Context, req Request) (Response, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return Response{}, ErrClosed
	}
	if doc, ok := e.namesBarred(req); ok {
		return Response{}, fmt.Errorf("engine: %s %s: %w", req.Op, doc, ErrBarred)
	}
	frame, err := encodeFrame(req)
	if err != nil {
		return Response{}, err
	}
	p, err := e.processLocked()
	if err != nil {
		return Response{}, err
	}
	resp, err := e.roundTrip(ctx, p, req.Op, frame)
	if err != nil {
		return Response{}, err
	}
	if rss := p.residentBytes(); rss > e.cfg.MaxRSS {
		// The answer stands; the bloated process does not.
		p.kill()
		_ = e.lost(p, <-p.exited(), fmt.Errorf("resident size %d bytes over %d", rss, e.cfg.MaxRSS), req.Op)
	}
	return resp, responseError(req.Op, resp)
}

// Bar drops doc from the engine, when the process holds it, and refuses
// from then on every call that names it (ErrBarred), whatever its caller:
// the node bars a document it must never open again (decision 0070), and
// no path of the node's, however it came to name the document, can then
// make the engine load or grow it.
func (e *Engine) Bar(ctx context.Context, doc string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.barred == nil {
		e.barred = map[string]bool{}
	}
	e.barred[doc] = true
	if e.closed || e.proc == nil {
		return nil // no process: it holds nothing
	}
	frame, err := encodeFrame(Request{Op: OpDrop, Doc: doc})
	if err != nil {
		return err
	}
	resp, err := e.roundTrip(ctx, e.proc, OpDrop, frame)
	if err != nil {
		return err
	}
	return responseError(OpDrop, resp)
}

// Unbar lifts Bar's refusal of doc: the node barred it in a transaction
// that rolled back, so the store holds no more of it than before, and
// calls may name it again (the engine loads it afresh: Bar dropped it).
func (e *Engine) Unbar(doc string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.barred, doc)
}

// namesBarred reports a barred document that req names, if any.
func (e *Engine) namesBarred(req Request) (string, bool) {
	if len(e.barred) == 0 || req.Op == OpDrop { // a drop of it is harmless: the engine holds nothing of it
		return "", false
	}
	if req.Doc != "" && e.barred[req.Doc] {
		return req.Doc, true
	}
	for _, d := range req.Batch {
		if e.barred[d.Doc] {
			return d.Doc, true
		}
	}
	return "", false
}

func (e *Engine) processLocked() (*process, error) {
	if e.proc != nil {
		return e.proc, nil
	}
	p, err := startProcess(e.cfg)
	if err != nil {
		return nil, err
	}
	e.proc = p
	e.gen++
	return p, nil
}

// roundTrip runs one encoded request on p, killing p on deadline or
// cancellation.
func (e *Engine) roundTrip(ctx context.Context, p *process, op string, frame []byte) (Response, error) {
	result := make(chan error, 1)
	var resp Response
	go func() { // owned by this call: it ends when p's pipes close
		if err := writeEncoded(p.stdin, frame); err != nil {
			result <- err
			return
		}
		result <- ReadFrame(p.stdout, &resp)
	}()
	limit := e.deadline(len(frame))
	start := time.Now()
	timer := time.NewTimer(limit)
	defer timer.Stop()
	var release <-chan time.Time
	if t := e.releaseTimer(op); t != nil {
		defer t.Stop()
		release = t.C
	}
	for {
		select {
		case <-release:
			release = nil
			e.releaseWhileWaiting()
		case err := <-result:
			if err != nil {
				p.kill() // a garbled frame from a live child: do not trust it again
				return Response{}, e.lost(p, <-p.exited(), ErrDied, op)
			}
			if e.slow > 0 && time.Since(start) < limit/2 {
				e.slow--
			}
			return resp, nil
		case <-timer.C:
			p.kill()
			<-result
			e.slow = min(e.slow+1, maxSlow)
			return Response{}, e.lost(p, <-p.exited(), ErrDeadline, op)
		case <-ctx.Done():
			p.kill()
			<-result
			_ = e.lost(p, <-p.exited(), ctx.Err(), op)
			return Response{}, fmt.Errorf("engine: %s: %w", op, ctx.Err())
		}
	}
}

// releaseTimer returns the timer of a release while a call of op
// waits, or nil when op does not hold a whole document in the engine or
// releases are off.
func (e *Engine) releaseTimer(op string) *time.Timer {
	switch {
	case e.cfg.ReleaseAfter < 0:
		return nil
	case op == OpCheck, op == OpSave, op == OpLoad:
		return time.NewTimer(e.cfg.ReleaseAfter)
	}
	return nil
}

// releaseWhileWaiting starts Release on a goroutine of its own, unless
// one is still running. Called with e.mu held.
func (e *Engine) releaseWhileWaiting() {
	if !e.inRelease.CompareAndSwap(false, true) {
		return
	}
	e.releases++
	e.releasing.Add(1)
	go func() { // owned by the Engine: Close waits for it
		defer e.releasing.Done()
		defer e.inRelease.Store(false)
		e.cfg.Release()
	}()
}

// Releases counts the releases made while a call waited (ReleaseAfter).
func (e *Engine) Releases() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.releases
}

// lost forgets a dead process and reports why it went.
func (e *Engine) lost(p *process, exit error, why error, op string) error {
	e.proc = nil
	e.restarts++
	last := p.stderrTail()
	e.lastWords = last
	e.cfg.Logger.Warn("engine process lost", "op", op, "why", why, "exit", exit, "stderr", last)
	if last != "" {
		return fmt.Errorf("engine: %s: %w (%v: %s)", op, why, exit, lastLine(last))
	}
	return fmt.Errorf("engine: %s: %w (%v)", op, why, exit)
}

// deadline scales the base deadline with the request's size, so that a
// large but honest load or edit on a slow machine is not killed, and
// doubles it per step of slowness. Called with e.mu held.
func (e *Engine) deadline(size int) time.Duration {
	return (e.cfg.Deadline + time.Duration(size/e.cfg.BytesPerSecond)*time.Second) << e.slow
}

// Deadline returns the deadline a small call gets now: the base, doubled
// per call recently killed by it.
func (e *Engine) Deadline() time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.deadline(0)
}

// Close stops the engine process and waits for it. It is idempotent.
func (e *Engine) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	defer e.releasing.Wait()
	e.closed = true
	if e.proc == nil {
		return nil
	}
	p := e.proc
	e.proc = nil
	_ = p.stdin.Close() // the server exits at EOF
	select {
	case <-p.exited():
	case <-time.After(5 * time.Second):
		p.kill()
		<-p.exited()
	}
	return nil
}

func responseError(op string, resp Response) error {
	if resp.Code == "" {
		return nil
	}
	if s, ok := codeErrors[resp.Code]; ok {
		return fmt.Errorf("engine: %s: %w: %s", op, s, resp.Err)
	}
	return fmt.Errorf("engine: %s: %s", op, resp.Err)
}

// lastLine picks the line of an engine's stderr that says why it died: a
// Rust panic or Go fatal error if there is one, else the last line.
func lastLine(s string) string {
	for _, line := range strings.Split(s, "\n") {
		if strings.Contains(line, "panicked at") || strings.HasPrefix(line, "fatal error") {
			return strings.TrimSpace(line)
		}
	}
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// childEnv is the engine's environment: the base without secrets, in engine
// mode, lean on threads and malloc arenas.
func childEnv(base []string) []string {
	if base == nil {
		base = os.Environ()
	}
	env := make([]string, 0, len(base)+3)
	for _, kv := range base {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "WEFT_PASSPHRASE", ModeEnv, "GOMAXPROCS", "MALLOC_ARENA_MAX":
			continue
		}
		env = append(env, kv)
	}
	return append(env, ModeEnv+"="+ModeValue, "GOMAXPROCS=1", "MALLOC_ARENA_MAX=1")
}

var errNoBinary = errors.New("engine: cannot find the weft binary to start the engine")

func startProcess(cfg Config) (*process, error) {
	path := cfg.Path
	if path == "" {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("%w: %w", errNoBinary, err)
		}
		path = exe
	}
	cmd := exec.Command(path)
	cmd.Env = childEnv(cfg.Env)
	// The engine must not outlive a node killed without a chance to close it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	p := &process{cmd: cmd, done: make(chan struct{})}
	cmd.Stderr = &p.stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("engine: stdin pipe: %w", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("engine: stdout pipe: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("engine: start %s: %w", path, err)
	}
	p.stdin, p.stdout = stdin, stdout
	p.openStatm() // before wait, which closes it
	go p.wait()   // owned by the process: ends when it exits
	return p, nil
}

// PID returns the running engine process's ID, starting it if needed.
func (e *Engine) PID() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	p, err := e.processLocked()
	if err != nil || p.cmd.Process == nil {
		return 0
	}
	return p.cmd.Process.Pid
}

// LastWords returns what the last engine process that died wrote on stderr.
func (e *Engine) LastWords() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.lastWords
}
