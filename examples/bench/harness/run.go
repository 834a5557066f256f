package harness

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Config sizes a run. Short is the CI form; Full the figures.
type Config struct {
	Docs           int           // scenario a: small documents a fresh member receives
	Entries        int           // scenario b: ledger entries a member missed
	LatencySamples int           // scenario d: changes A makes while B watches
	LatencyEvery   time.Duration // scenario d: one change every
	PacedSamples   int           // scenario p: changes A makes, paced, while B watches
	PacedEvery     time.Duration // scenario p: one change every
	Nodes          int           // scenario e: nodes on loopback
	NodeSamples    int           // scenario e: changes made
	NodeEvery      time.Duration // scenario e: one change every
	Timeout        time.Duration // longest wait for any one step
	// Only, when not empty, names the scenarios to run ("b", "ac", ...).
	Only string
	// Profile, when not empty, is a folder where the receiving peer of
	// scenarios a, b, d and p writes a CPU profile (a.pprof, b.pprof, ...),
	// the sending peer another (a-sender.pprof, ...), and the CPU time of
	// every process is logged. In e, node 0 and node 1 are profiled.
	Profile string
	// Steps, when set, logs where scenario p's changes spend their time
	// from A's sealed envelope to B's commit (node/latency marks; the
	// peers must run with latency.Env set).
	Steps bool
}

func (c Config) want(s string) bool { return c.Only == "" || strings.Contains(c.Only, s) }

// Short is small enough for CI: it checks that the harness works and the
// nodes converge, not how fast.
var Short = Config{Docs: 20, Entries: 100, LatencySamples: 20, LatencyEvery: 10 * time.Millisecond,
	PacedSamples: 5, PacedEvery: 150 * time.Millisecond, Nodes: 3, NodeSamples: 10, NodeEvery: 50 * time.Millisecond, Timeout: 2 * time.Minute}

// Full is the benchmark (issue 3, DESIGN.md section 12).
var Full = Config{Docs: 1000, Entries: 10000, LatencySamples: 500, LatencyEvery: 10 * time.Millisecond,
	PacedSamples: 100, PacedEvery: 150 * time.Millisecond, Nodes: 10, NodeSamples: 200, NodeEvery: 50 * time.Millisecond, Timeout: 10 * time.Minute}

// Results are what a run measured. Durations are from the receiver
// starting its network (a, b) or the sender starting its edit (d, e) to
// the commit of the transaction that stored the last change on the
// receiver (synchronous=FULL SQLite).
type Results struct {
	// a: a fresh member receives Docs small documents.
	FreshDocs      int
	FreshChanges   int
	FreshTime      time.Duration
	FreshWire      Wire
	FreshConverged bool
	// b: a member that missed Entries ledger entries catches up.
	CatchUpEntries   int
	CatchUpTime      time.Duration
	CatchUpWire      Wire
	CatchUpConverged bool
	// c: reconnect with nothing changed, and one pull in step on an open connection.
	ReconnectDocs int
	ReconnectTime time.Duration
	ReconnectWire Wire
	InStepWire    Wire
	InStepTime    time.Duration
	InStepStored  int
	// d: change latency A to B.
	Latency []time.Duration
	// p: change latency A to B, paced (DESIGN.md section 12: one change
	// every 150 ms).
	Paced []time.Duration
	// e: change visible on all Nodes.
	NodesLatency []time.Duration
	// Peak is each role's peak resident memory, node and engine, read
	// right after its scenario: "a receiver", "a sender" (A over the
	// whole run until then), "b receiver", and "e node" (the largest of
	// the nodes of e).
	Peak map[string]Memory
}

// Memory is a peer's peak resident memory so far (VmHWM): its node process
// and its engine (the largest of its living children; an engine that was
// replaced is not counted).
type Memory struct {
	NodeKiB   int64 `json:"node_kib"`
	EngineKiB int64 `json:"engine_kib"`
	// Joint is the two processes' peak together, each page once, sampled
	// by the driver (decision 0046); the headline stays the sum above.
	Joint Joint `json:"joint"`
}

// MiB is node and engine together, in MiB: the sum of the two peaks, an
// upper bound on their peak together.
func (m Memory) MiB() float64 { return float64(m.NodeKiB+m.EngineKiB) / 1024 }

// settleQuiet and settleLimit bound settle: the time without CPU that
// counts as idle, and the longest wait.
const (
	settleQuiet = 300 * time.Millisecond
	settleLimit = 15 * time.Second
)

// settle waits until p's process and its children (the engine) have used
// no CPU for quiet, or until limit passed: what a node does after a
// commit (the round-trip check and snapshot of a large document run then)
// counts in the peak memory read after it.
func settle(p *proc, quiet, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	last := int64(-1)
	for time.Now().Before(deadline) {
		r, err := p.call(Request{Op: "cpu"})
		if err != nil {
			return err
		}
		if ticks := int64(r.Count) + int64(r.Docs); ticks != last {
			last = ticks
			time.Sleep(quiet)
			continue
		}
		return nil
	}
	return nil
}

// peak records the peak memory of p under role.
func (r *Results) peak(p *proc, role string) error {
	joint := p.joint.Peak() // before the node's own peak, which it must not exceed
	resp, err := p.call(Request{Op: "memory"})
	if err != nil {
		return err
	}
	if resp.Memory == nil {
		return fmt.Errorf("harness: %s gave no memory figures", role)
	}
	if r.Peak == nil {
		r.Peak = map[string]Memory{}
	}
	m := *resp.Memory
	m.Joint = joint
	old, ok := r.Peak[role]
	if ok && old.Joint.KiB() > m.Joint.KiB() {
		m.Joint = old.Joint
	}
	if !ok || m.MiB() > old.MiB() {
		r.Peak[role] = m
	} else {
		old.Joint = m.Joint
		r.Peak[role] = old
	}
	return nil
}

// Run runs every scenario with peer processes started by spawn, homes
// under dir, progress to log.
func Run(ctx context.Context, cfg Config, spawn Spawn, dir string, log io.Writer) (*Results, error) {
	res := &Results{}
	if err := runPair(ctx, cfg, spawn, dir, log, res); err != nil {
		return res, err
	}
	if cfg.Nodes > 1 && cfg.want("e") {
		if err := runMany(ctx, cfg, spawn, dir, log, res); err != nil {
			return res, err
		}
	}
	return res, nil
}

func logf(w io.Writer, format string, args ...any) {
	fmt.Fprintf(w, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05.000")}, args...)...)
}

// runPair runs scenarios a to d: A holds the data; B catches up a ledger
// and watches latency; C is the fresh member. At most two of them are
// online at once.
func runPair(ctx context.Context, cfg Config, spawn Spawn, dir string, log io.Writer, res *Results) (err error) {
	c := &cluster{ctx: ctx, spawn: spawn, dir: dir}
	defer func() { err = errors.Join(err, c.close()) }()
	a, err := c.add("a")
	if err != nil {
		return err
	}
	b, err := c.add("b")
	if err != nil {
		return err
	}
	cc, err := c.add("c")
	if err != nil {
		return err
	}
	spaces := map[string]string{}
	for _, name := range []string{"docs", "ledger", "latency"} {
		r, err := a.call(Request{Op: "create_space", Name: name})
		if err != nil {
			return err
		}
		spaces[name] = r.Space
	}
	for _, j := range []struct {
		p     *proc
		space string
	}{{b, "ledger"}, {b, "latency"}, {cc, "docs"}} {
		if err := join(a, j.p, spaces[j.space]); err != nil {
			return err
		}
	}
	if cfg.want("a") || cfg.want("c") {
		logf(log, "a makes %d case studies", cfg.Docs)
		if _, err := a.call(Request{Op: "add_cases", Space: spaces["docs"], N: cfg.Docs}); err != nil {
			return err
		}
	}
	if _, err := a.start(); err != nil {
		return err
	}

	// d: B online, in step; A makes one change every LatencyEvery.
	if _, err := b.start(a); err != nil {
		return err
	}
	for _, s := range []string{"ledger", "latency"} {
		if err := waitSame(ctx, a, b, spaces[s], cfg.Timeout); err != nil {
			return err
		}
	}
	if cfg.want("d") {
		if err := runLatency(cfg, a, b, spaces["latency"], log, res); err != nil {
			return err
		}
	}
	if cfg.want("p") {
		if err := runPaced(cfg, a, b, spaces["latency"], log, res); err != nil {
			return err
		}
	}
	if cfg.want("b") {
		if err := runCatchUp(ctx, cfg, a, b, spaces["ledger"], log, res); err != nil {
			return err
		}
	}
	if err := b.stop(); err != nil {
		return fmt.Errorf("stop b: %w", err)
	}
	c.procs = slices.DeleteFunc(c.procs, func(p *proc) bool { return p == b })
	if cfg.want("a") || cfg.want("c") {
		return runFresh(ctx, cfg, a, cc, spaces["docs"], log, res)
	}
	return nil
}

func runLatency(cfg Config, a, b *proc, space string, log io.Writer, res *Results) error {
	time.Sleep(1500 * time.Millisecond) // a gossip heartbeat or two: the mesh forms
	lat, err := latency(a, []*proc{b}, space, 5, cfg.LatencyEvery, cfg.Timeout)
	if err != nil {
		return fmt.Errorf("latency warm-up: %w", err)
	}
	logf(log, "d: %d changes, one every %v", cfg.LatencySamples, cfg.LatencyEvery)
	prof, err := profile(cfg, "d", a, b)
	if err != nil {
		return err
	}
	if lat, err = latency(a, []*proc{b}, space, cfg.LatencySamples, cfg.LatencyEvery, cfg.Timeout); err != nil {
		return err
	}
	res.Latency = lat
	return prof(log)
}

// runPaced is scenario p: the latency of changes made far enough apart
// that the receiver is idle when each arrives. It runs after d, on the
// same (larger) document.
func runPaced(cfg Config, a, b *proc, space string, log io.Writer, res *Results) error {
	if !cfg.want("d") {
		time.Sleep(1500 * time.Millisecond) // the mesh forms
		if _, err := latency(a, []*proc{b}, space, 5, cfg.PacedEvery, cfg.Timeout); err != nil {
			return fmt.Errorf("paced warm-up: %w", err)
		}
	}
	logf(log, "p: %d changes, one every %v", cfg.PacedSamples, cfg.PacedEvery)
	prof, err := profile(cfg, "p", a, b)
	if err != nil {
		return err
	}
	if cfg.Steps {
		if _, err := steps(a, b); err != nil { // forget the warm-up's marks
			return err
		}
	}
	lat, err := latency(a, []*proc{b}, space, cfg.PacedSamples, cfg.PacedEvery, cfg.Timeout)
	if err != nil {
		return err
	}
	res.Paced = lat
	if cfg.Steps {
		evs, err := steps(a, b)
		if err != nil {
			return err
		}
		logSteps(log, evs)
	}
	return prof(log)
}

func runCatchUp(ctx context.Context, cfg Config, a, b *proc, ledger string, log io.Writer, res *Results) error {
	// b: B goes offline, A records Entries entries, B comes back.
	if err := b.restart(); err != nil {
		return err
	}
	logf(log, "b: a records %d entries while b is offline", cfg.Entries)
	if _, err := a.call(Request{Op: "add_entries", Space: ledger, N: cfg.Entries}); err != nil {
		return err
	}
	if _, err := b.call(Request{Op: "mark"}); err != nil {
		return err
	}
	prof, err := profile(cfg, "b", a, b)
	if err != nil {
		return err
	}
	if cfg.Steps {
		if _, err := steps(a, b); err != nil { // the marks of the entries' recording
			return err
		}
	}
	st, err := b.start(a)
	if err != nil {
		return err
	}
	w, err := b.call(Request{Op: "wait_stored", Space: ledger, N: cfg.Entries, TimeoutMs: int(cfg.Timeout.Milliseconds())})
	if err != nil {
		return err
	}
	if cfg.Steps {
		evs, err := steps(a, b)
		if err != nil {
			return err
		}
		logTimeline(log, st.StartNs, w, evs)
	}
	if err := prof(log); err != nil {
		return err
	}
	res.CatchUpEntries, res.CatchUpTime = cfg.Entries, time.Duration(w.DoneNs-st.StartNs)
	if res.CatchUpWire, err = readWire(ctx, a.port, b.port); err != nil {
		return err
	}
	res.CatchUpConverged = waitSame(ctx, a, b, ledger, cfg.Timeout) == nil
	logf(log, "b: caught up in %v, %d bytes", res.CatchUpTime, res.CatchUpWire.Bytes)
	if err := settle(b, settleQuiet, settleLimit); err != nil {
		return err
	}
	return res.peak(b, "b receiver")
}

func runFresh(ctx context.Context, cfg Config, a, cc *proc, docsSpace string, log io.Writer, res *Results) error {
	// a: C, a fresh member, starts and receives Docs documents.
	docs, total, err := changes(a, docsSpace)
	if err != nil {
		return err
	}
	_, had, err := changes(cc, docsSpace) // the welcome brought the space's first documents
	if err != nil {
		return err
	}
	total -= had
	if _, err := cc.call(Request{Op: "mark"}); err != nil {
		return err
	}
	prof, err := profile(cfg, "a", a, cc)
	if err != nil {
		return err
	}
	st, err := cc.start(a)
	if err != nil {
		return err
	}
	w, err := cc.call(Request{Op: "wait_stored", Space: docsSpace, N: total, TimeoutMs: int(cfg.Timeout.Milliseconds())})
	if err != nil {
		return err
	}
	if err := prof(log); err != nil {
		return err
	}
	res.FreshDocs, res.FreshChanges, res.FreshTime = cfg.Docs, total, time.Duration(w.DoneNs-st.StartNs)
	if res.FreshWire, err = readWire(ctx, a.port, cc.port); err != nil {
		return err
	}
	res.FreshConverged = waitSame(ctx, a, cc, docsSpace, cfg.Timeout) == nil
	logf(log, "a: %d docs (%d changes) in %v, %d bytes", docs, total, res.FreshTime, res.FreshWire.Bytes)
	if err := settle(cc, settleQuiet, settleLimit); err != nil {
		return err
	}
	if err := errors.Join(res.peak(cc, "a receiver"), res.peak(a, "a sender")); err != nil {
		return err
	}

	// c: C reconnects with nothing changed; then pulls once more in step.
	if err := cc.restart(); err != nil {
		return err
	}
	if _, err := cc.call(Request{Op: "mark"}); err != nil {
		return err
	}
	if st, err = cc.start(a); err != nil {
		return err
	}
	done, err := bothPulled(a, cc, st.StartNs, cfg.Timeout)
	if err != nil {
		return err
	}
	res.ReconnectDocs, res.ReconnectTime = docs, time.Duration(done-st.StartNs)
	if res.ReconnectWire, err = readWire(ctx, a.port, cc.port); err != nil {
		return err
	}
	before, err := readWire(ctx, a.port, cc.port)
	if err != nil {
		return err
	}
	sn, err := cc.call(Request{Op: "sync_now"})
	if err != nil {
		return err
	}
	after, err := readWire(ctx, a.port, cc.port)
	if err != nil {
		return err
	}
	res.InStepWire, res.InStepTime = after.Sub(before), time.Duration(sn.DoneNs-sn.StartNs)
	ws, err := cc.call(Request{Op: "wait_stored", Space: docsSpace, N: 1, TimeoutMs: 1})
	if err == nil {
		return fmt.Errorf("reconnect in step stored changes: %+v", ws)
	}
	res.InStepStored = ws.Count
	logf(log, "c: reconnect %d bytes, pull in step %d bytes", res.ReconnectWire.Bytes, res.InStepWire.Bytes)
	return nil
}

// profile starts, when cfg.Profile is set, a CPU profile on the receiver
// to, and returns a function that stops it and logs the CPU time sender
// and receiver (and their engines) used meanwhile.
func profile(cfg Config, name string, from, to *proc) (func(io.Writer) error, error) {
	if cfg.Profile == "" {
		return func(io.Writer) error { return nil }, nil
	}
	cpu := func() ([4]int, error) {
		f, err := from.call(Request{Op: "cpu"})
		if err != nil {
			return [4]int{}, err
		}
		t, err := to.call(Request{Op: "cpu"})
		return [4]int{f.Count, f.Docs, t.Count, t.Docs}, err
	}
	before, err := cpu()
	if err != nil {
		return nil, err
	}
	if _, err := to.call(Request{Op: "profile_start", Name: filepath.Join(cfg.Profile, name+".pprof")}); err != nil {
		return nil, err
	}
	if _, err := from.call(Request{Op: "profile_start", Name: filepath.Join(cfg.Profile, name+"-sender.pprof")}); err != nil {
		return nil, err
	}
	return func(log io.Writer) error {
		if _, err := to.call(Request{Op: "profile_stop"}); err != nil {
			return err
		}
		if _, err := from.call(Request{Op: "profile_stop"}); err != nil {
			return err
		}
		after, err := cpu()
		if err != nil {
			return err
		}
		logf(log, "%s: CPU (10 ms ticks): sender %d, its engine %d, receiver %d, its engine %d", name,
			after[0]-before[0], after[1]-before[1], after[2]-before[2], after[3]-before[3])
		return nil
	}, nil
}

// latency has from make n changes in space, one every every, and returns,
// per change, the time from the start of the edit to the commit that
// stored it on the last of to.
func latency(from *proc, to []*proc, space string, n int, every, timeout time.Duration) ([]time.Duration, error) {
	for _, p := range to {
		if _, err := p.call(Request{Op: "mark"}); err != nil {
			return nil, err
		}
	}
	type result struct {
		r   Response
		err error
	}
	got := make([]chan result, len(to))
	for i, p := range to {
		got[i] = make(chan result, 1)
		go func() {
			r, err := p.call(Request{Op: "wait_stored", Space: space, N: n, TimeoutMs: int(timeout.Milliseconds())})
			got[i] <- result{r, err}
		}()
	}
	sent, serr := from.call(Request{Op: "add_entries", Space: space, N: n, EveryMs: int(every.Milliseconds())})
	out := make([]time.Duration, n)
	var errs []error
	for _, ch := range got {
		r := <-ch
		if r.err != nil {
			errs = append(errs, r.err)
			continue
		}
		for i := range min(n, len(sent.Times)) {
			out[i] = max(out[i], time.Duration(r.r.Times[i]-sent.Times[i]))
		}
	}
	return out, errors.Join(append(errs, serr)...)
}

// waitSame waits until p and q hold the same number of changes of the
// same documents of space.
func waitSame(ctx context.Context, p, q *proc, space string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		d1, n1, err := changes(p, space)
		if err != nil {
			return err
		}
		d2, n2, err := changes(q, space)
		if err != nil {
			return err
		}
		if d1 == d2 && n1 == n2 {
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("harness: %s holds %d docs, %d changes of %s; %s holds %d, %d", p.name, d1, n1, space, q.name, d2, n2)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// bothPulled waits until p and q have each completed a pull from the
// other that ended after since, and returns when the later one ended.
func bothPulled(p, q *proc, since int64, timeout time.Duration) (int64, error) {
	deadline := time.Now().Add(timeout)
	for {
		rp, err := p.call(Request{Op: "last_pull", Name: q.id})
		if err != nil {
			return 0, err
		}
		rq, err := q.call(Request{Op: "last_pull", Name: p.id})
		if err != nil {
			return 0, err
		}
		if rp.DoneNs > since && rq.DoneNs > since {
			return max(rp.DoneNs, rq.DoneNs), nil
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("harness: no pull both ways after reconnecting")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// runMany runs scenario e: Nodes processes, each connected to every
// other; node 0 makes changes and all others watch.
func runMany(ctx context.Context, cfg Config, spawn Spawn, dir string, log io.Writer, res *Results) (err error) {
	c := &cluster{ctx: ctx, spawn: spawn, dir: dir}
	defer func() { err = errors.Join(err, c.close()) }()
	var ps []*proc
	for i := range cfg.Nodes {
		p, err := c.add(fmt.Sprintf("n%d", i))
		if err != nil {
			return err
		}
		ps = append(ps, p)
	}
	r, err := ps[0].call(Request{Op: "create_space", Name: "many"})
	if err != nil {
		return err
	}
	space := r.Space
	for _, p := range ps[1:] {
		if err := join(ps[0], p, space); err != nil {
			return err
		}
	}
	for i, p := range ps {
		if _, err := p.start(ps[:i]...); err != nil {
			return err
		}
	}
	for _, p := range ps {
		if err := waitConnected(p, cfg.Nodes-1, cfg.Timeout); err != nil {
			return err
		}
	}
	for _, p := range ps[1:] {
		if err := waitSame(ctx, ps[0], p, space, cfg.Timeout); err != nil {
			return err
		}
	}
	for _, p := range ps {
		if err := res.peak(p, "e node"); err != nil {
			return err
		}
	}
	time.Sleep(2 * time.Second) // the gossip mesh forms
	if _, err := latency(ps[0], ps[1:], space, 3, cfg.NodeEvery, cfg.Timeout); err != nil {
		return fmt.Errorf("warm-up: %w", err)
	}
	logf(log, "e: %d nodes, %d changes, one every %v", cfg.Nodes, cfg.NodeSamples, cfg.NodeEvery)
	prof, err := profile(cfg, "e", ps[0], ps[1])
	if err != nil {
		return err
	}
	res.NodesLatency, err = latency(ps[0], ps[1:], space, cfg.NodeSamples, cfg.NodeEvery, cfg.Timeout)
	if err != nil {
		return err
	}
	if err := prof(log); err != nil {
		return err
	}
	for _, p := range ps[1:] {
		if err := waitSame(ctx, ps[0], p, space, cfg.Timeout); err != nil {
			return err
		}
	}
	return nil
}

// Percentile returns the p-th percentile (0 < p <= 100) of ds, nearest rank.
func Percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(float64(len(s))*p/100+0.999999) - 1
	return s[max(0, min(i, len(s)-1))]
}

// Print writes res as a table.
func (r *Results) Print(w io.Writer) {
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
	per := func(b int64, n int) int64 {
		if n == 0 {
			return 0
		}
		return b / int64(n)
	}
	fmt.Fprintf(w, "a fresh member receives %d docs (%d changes): %s, %d bytes on the wire (%d B/doc), converged %v\n",
		r.FreshDocs, r.FreshChanges, ms(r.FreshTime), r.FreshWire.Bytes, per(r.FreshWire.Bytes, r.FreshDocs), r.FreshConverged)
	fmt.Fprintf(w, "b catch up %d ledger entries: %s, %d bytes on the wire, converged %v\n",
		r.CatchUpEntries, ms(r.CatchUpTime), r.CatchUpWire.Bytes, r.CatchUpConverged)
	fmt.Fprintf(w, "c reconnect, %d docs unchanged: %s until both pulls ended, %d bytes (%d B/doc, handshakes included); one pull in step: %s, %d bytes (%d B/doc), data segments %d+%d\n",
		r.ReconnectDocs, ms(r.ReconnectTime), r.ReconnectWire.Bytes, per(r.ReconnectWire.Bytes, r.ReconnectDocs),
		ms(r.InStepTime), r.InStepWire.Bytes, per(r.InStepWire.Bytes, r.ReconnectDocs), r.InStepWire.DataSegsOut, r.InStepWire.DataSegsIn)
	// The first and last tenth's medians show whether the receivers kept
	// up (equal) or fell behind (growing).
	tenths := func(ds []time.Duration) string {
		k := max(1, len(ds)/10)
		return fmt.Sprintf("median of the first tenth %s, of the last %s", ms(Percentile(ds[:k], 50)), ms(Percentile(ds[len(ds)-k:], 50)))
	}
	if len(r.Latency) > 0 {
		fmt.Fprintf(w, "d latency A to B (%d changes): p50 %s, p99 %s, max %s; %s\n", len(r.Latency),
			ms(Percentile(r.Latency, 50)), ms(Percentile(r.Latency, 99)), ms(Percentile(r.Latency, 100)), tenths(r.Latency))
	}
	if len(r.Paced) > 0 {
		fmt.Fprintf(w, "p paced latency A to B (%d changes): p50 %s, p99 %s, max %s; %s\n", len(r.Paced),
			ms(Percentile(r.Paced, 50)), ms(Percentile(r.Paced, 99)), ms(Percentile(r.Paced, 100)), tenths(r.Paced))
	}
	if len(r.NodesLatency) > 0 {
		fmt.Fprintf(w, "e visible on all nodes (%d changes): p50 %s, p99 %s, max %s; %s\n", len(r.NodesLatency),
			ms(Percentile(r.NodesLatency, 50)), ms(Percentile(r.NodesLatency, 99)), ms(Percentile(r.NodesLatency, 100)), tenths(r.NodesLatency))
	}
	for _, role := range slices.Sorted(maps.Keys(r.Peak)) {
		m := r.Peak[role]
		fmt.Fprintf(w, "peak resident memory, %s: node %.1f MiB + engine %.1f MiB = %.1f MiB\n",
			role, float64(m.NodeKiB)/1024, float64(m.EngineKiB)/1024, m.MiB())
		if j := m.Joint; j.KiB() > 0 {
			fmt.Fprintf(w, "  together, each page once (sampled every %s): %.1f MiB = node anonymous %.1f + engine anonymous %.1f + file pages of either %.1f\n",
				jointEvery, j.MiB(), float64(j.NodeAnonKiB)/1024, float64(j.EngineAnonKiB)/1024, float64(j.FileKiB)/1024)
		}
	}
}
