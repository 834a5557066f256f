package harness

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"strconv"
	"sync"
	"time"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
)

// Request is one command from the driver to a peer process, one JSON
// object per line on the peer's stdin.
type Request struct {
	Op        string   `json:"op"`
	Home      string   `json:"home,omitempty"`
	Name      string   `json:"name,omitempty"`
	Space     string   `json:"space,omitempty"`
	Code      string   `json:"code,omitempty"`
	Blob      []byte   `json:"blob,omitempty"`
	N         int      `json:"n,omitempty"`
	EveryMs   int      `json:"every_ms,omitempty"`
	Peers     []string `json:"peers,omitempty"`
	TimeoutMs int      `json:"timeout_ms,omitempty"`
}

// Response is a peer's answer to one Request. Times are Unix nanoseconds
// of this machine's clock, which the driver and every peer share.
type Response struct {
	Err     string   `json:"err,omitempty"`
	Peer    string   `json:"peer,omitempty"`
	Space   string   `json:"space,omitempty"`
	Code    string   `json:"code,omitempty"`
	Blob    []byte   `json:"blob,omitempty"`
	Addrs   []string `json:"addrs,omitempty"`
	Port    int      `json:"port,omitempty"`
	StartNs int64    `json:"start_ns,omitempty"`
	DoneNs  int64    `json:"done_ns,omitempty"`
	Times   []int64  `json:"times,omitempty"`
	Docs    int      `json:"docs,omitempty"`
	Changes int      `json:"changes,omitempty"`
	Count   int      `json:"count,omitempty"`
	// Memory: the peer's peak resident sizes (op "memory").
	Memory *Memory `json:"memory,omitempty"`
}

// storedEvent is one OnStored call: when, in which space, how many changes.
type storedEvent struct {
	ns    int64
	space string
	n     int
}

// peer is the state of one peer process: its node and what OnStored saw.
type peer struct {
	home string
	n    *node.Node

	prof *cpuProfile

	mu     sync.Mutex
	cond   *sync.Cond
	events []storedEvent
}

// RunPeer serves a driver's Requests read from in, one per line, writing
// one Response per line to out, until in ends. The node's engine runs in a
// child of this same binary: the caller's main must call
// server.Dispatch first.
func RunPeer(ctx context.Context, in io.Reader, out io.Writer) error {
	node.SetMemoryLimit()           // as weft serve does (decision 0030)
	_, _ = node.ShrinkBinaryPages() // as weft serve does (decision 0057)
	defer startMemTrace(os.Getenv(MemTraceEnv))()
	p := &peer{}
	p.cond = sync.NewCond(&p.mu)
	defer func() {
		if p.n != nil {
			p.n.Close()
		}
	}()
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	enc := json.NewEncoder(out)
	for sc.Scan() {
		var req Request
		var resp Response
		if err := json.Unmarshal(sc.Bytes(), &req); err != nil {
			resp.Err = fmt.Sprintf("bad request: %v", err)
		} else if resp, err = p.do(ctx, req); err != nil {
			resp.Err = err.Error()
		}
		if err := enc.Encode(resp); err != nil {
			return fmt.Errorf("harness: write response: %w", err)
		}
	}
	return sc.Err()
}

func (p *peer) options() node.Options {
	o := node.Options{Home: p.home, NoPassphrase: true, OnStored: p.onStored}
	if os.Getenv("WEFTBENCH_LOG") != "" {
		o.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	if path := os.Getenv(MemTraceEnv); path != "" {
		// What the node still holds when it hands its free memory back
		// during the engine's whole-document round trip (decision 0051):
		// the live heap at the moment of (b)'s joint peak (decision 0057).
		o.Engine.Release = func() {
			debug.FreeOSMemory()
			writeHeapProfile(fmt.Sprintf("%s.%d.release.heap", path, os.Getpid()))
		}
	}
	return o
}

func (p *peer) onStored(space, _ string, n int) {
	now := time.Now().UnixNano()
	p.mu.Lock()
	p.events = append(p.events, storedEvent{ns: now, space: space, n: n})
	p.mu.Unlock()
	p.cond.Broadcast()
}

var errNoNode = errors.New("harness: no node open (send init or open first)")

func (p *peer) do(ctx context.Context, req Request) (Response, error) {
	if p.n == nil && req.Op != "init" && req.Op != "open" {
		return Response{}, errNoNode
	}
	sp := node.Space{ID: req.Space}
	switch req.Op {
	case "init":
		p.home = req.Home
		n, err := node.Init(ctx, p.options(), req.Name)
		if err != nil {
			return Response{}, err
		}
		p.n = n
		return Response{Peer: n.PeerID()}, nil
	case "open":
		if p.n != nil {
			return Response{}, errors.New("harness: node already open")
		}
		n, err := node.Open(ctx, p.options())
		if err != nil {
			return Response{}, err
		}
		p.n = n
		return Response{Peer: n.PeerID()}, nil
	case "close":
		err := p.n.Close()
		p.n = nil
		return Response{}, err
	case "create_space":
		s, err := p.n.CreateSpace(ctx, req.Name)
		return Response{Space: s.ID}, err
	case "invite":
		inv, err := p.n.Invite(ctx, sp, node.InviteOptions{})
		return Response{Code: inv.Code}, err
	case "join_request":
		b, space, err := p.n.JoinRequest(ctx, req.Code)
		return Response{Blob: b, Space: space}, err
	case "admit":
		b, err := p.n.Admit(ctx, req.Blob)
		return Response{Blob: b}, err
	case "accept":
		s, err := p.n.AcceptWelcome(ctx, req.Blob)
		return Response{Space: s.ID}, err
	case "start":
		start := time.Now().UnixNano()
		err := p.n.Start(ctx, node.NetOptions{Listen: []string{"/ip4/127.0.0.1/tcp/0"}, Peers: req.Peers})
		if err != nil {
			return Response{}, err
		}
		addrs := p.n.Addrs()
		return Response{StartNs: start, Addrs: addrs, Port: tcpPort(addrs)}, nil
	case "connected":
		return Response{Count: len(p.n.ConnectedPeers())}, nil
	case "add_cases":
		return p.addCases(ctx, sp, req.N)
	case "add_entries":
		return p.addEntries(ctx, sp, req.N, time.Duration(req.EveryMs)*time.Millisecond)
	case "digest":
		d, err := p.n.SyncLocal().Digest(ctx, req.Space)
		resp := Response{Docs: len(d)}
		for _, dd := range d {
			for _, seq := range dd.VV {
				resp.Changes += int(seq)
			}
		}
		return resp, err
	case "steps":
		return takeSteps()
	case "mark":
		p.mu.Lock()
		p.events = nil
		p.mu.Unlock()
		return Response{StartNs: time.Now().UnixNano()}, nil
	case "wait_stored":
		return p.waitStored(ctx, req.Space, req.N, time.Duration(req.TimeoutMs)*time.Millisecond)
	case "sync_now":
		start := time.Now().UnixNano()
		err := p.n.SyncNow(ctx)
		return Response{StartNs: start, DoneNs: time.Now().UnixNano()}, err
	case "profile_start":
		pr, err := startProfile(req.Name)
		p.prof = pr
		return Response{}, err
	case "profile_stop":
		if p.prof == nil {
			return Response{}, errors.New("harness: no profile running")
		}
		err := p.prof.stop()
		p.prof = nil
		return Response{}, err
	case "cpu":
		self, kids, err := CPUTimes()
		return Response{Count: int(self), Docs: int(kids)}, err
	case "memory":
		self, engine, err := PeakMemory()
		return Response{Memory: &Memory{NodeKiB: self, EngineKiB: engine}}, err
	case "last_pull":
		peers, err := p.n.Peers(ctx)
		resp := Response{}
		for _, pi := range peers {
			if pi.PeerID == req.Name && pi.LastPull != nil && pi.LastPull.Complete {
				resp.DoneNs = pi.LastPull.At.UnixNano()
			}
		}
		return resp, err
	}
	return Response{}, fmt.Errorf("harness: unknown op %q", req.Op)
}

// addCases makes n small case studies, each a new document of one change,
// each committed durably on its own.
func (p *peer) addCases(ctx context.Context, sp node.Space, n int) (Response, error) {
	start := time.Now().UnixNano()
	for i := range n {
		if _, err := p.n.AddCase(ctx, sp, smallCase(i)); err != nil {
			return Response{}, err
		}
	}
	return Response{StartNs: start, DoneNs: time.Now().UnixNano()}, nil
}

// smallCase is the benchmark's small document: a case study whose fields
// are short scalars (and one short title and body).
func smallCase(i int) model.CaseStudy {
	s := strconv.Itoa(i)
	return model.CaseStudy{
		Titles:   map[string]string{"en": "Case " + s},
		Bodies:   map[string]string{"en": "Rent strike " + s + "."},
		Summary:  "Tenants withheld rent " + s,
		Region:   "Lyon",
		Period:   "2025",
		Tags:     []string{"housing"},
		Outcomes: "Repairs made",
		Lessons:  "Organise early",
		Sources:  []string{"minutes " + s},
	}
}

// addEntries records n ledger entries, one durable change each; with
// every > 0 the k-th starts at start+k*every. Times holds when each call
// started.
func (p *peer) addEntries(ctx context.Context, sp node.Space, n int, every time.Duration) (Response, error) {
	resp := Response{Times: make([]int64, 0, n)}
	start := time.Now()
	resp.StartNs = start.UnixNano()
	for i := range n {
		if every > 0 {
			if d := time.Until(start.Add(time.Duration(i) * every)); d > 0 {
				time.Sleep(d)
			}
		}
		resp.Times = append(resp.Times, time.Now().UnixNano())
		e := model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: int64(i + 1), Currency: "EUR", Memo: "dues " + strconv.Itoa(i)}
		if _, err := p.n.AddEntry(ctx, sp, e); err != nil {
			return resp, err
		}
	}
	resp.DoneNs = time.Now().UnixNano()
	return resp, nil
}

// waitStored waits until OnStored has counted n changes of space since
// the last mark. Times holds, for the k-th of those changes, when the
// transaction that stored it committed; DoneNs is the last.
func (p *peer) waitStored(ctx context.Context, space string, n int, timeout time.Duration) (Response, error) {
	if timeout <= 0 {
		timeout = time.Minute
	}
	deadline := time.Now().Add(timeout)
	stop := context.AfterFunc(ctx, p.cond.Broadcast)
	defer stop()
	timer := time.AfterFunc(timeout, p.cond.Broadcast)
	defer timer.Stop()
	p.mu.Lock()
	defer p.mu.Unlock()
	for {
		var resp Response
		for _, e := range p.events {
			if e.space != space {
				continue
			}
			for range e.n {
				if len(resp.Times) < n {
					resp.Times = append(resp.Times, e.ns)
				}
			}
			resp.Count += e.n
		}
		if resp.Count >= n {
			resp.DoneNs = resp.Times[len(resp.Times)-1]
			return resp, nil
		}
		if ctx.Err() != nil || !time.Now().Before(deadline) {
			return resp, fmt.Errorf("harness: %d of %d changes stored after %v", resp.Count, n, timeout)
		}
		p.cond.Wait()
	}
}
