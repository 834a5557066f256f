package harness

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"
)

// proc is one peer process the driver started: a node in its own OS
// process (with its engine child), driven over stdin and stdout.
type proc struct {
	name string
	home string
	cmd  *exec.Cmd
	in   io.WriteCloser
	out  *bufio.Scanner
	mu   sync.Mutex

	port  int
	addrs []string
	id    string

	joint *jointSampler // the node and its engine together (decision 0046)
}

// Spawn describes how to start a peer process: the binary, its arguments
// and extra environment (the binary must call RunPeer for them).
type Spawn struct {
	Path string
	Args []string
	Env  []string
	// Joint samples each peer and its engine together (decision 0046)
	// every jointEvery from the driver. Off by default: reading ten
	// peers' page maps every 20 ms took enough of a 2-core machine's CPU
	// to raise scenario e's p99 from about 28 to 40 to 57 ms.
	Joint bool
}

func startProc(ctx context.Context, sp Spawn, name, home string) (*proc, error) {
	cmd := exec.CommandContext(ctx, sp.Path, sp.Args...)
	cmd.Env = append(os.Environ(), sp.Env...)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("harness: start peer %s: %w", name, err)
	}
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	p := &proc{name: name, home: home, cmd: cmd, in: in, out: sc}
	if sp.Joint {
		p.joint = startJoint(cmd.Process.Pid)
	}
	return p, nil
}

// call sends req and waits for the answer.
func (p *proc) call(req Request) (Response, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	b, err := json.Marshal(req)
	if err != nil {
		return Response{}, err
	}
	if _, err := p.in.Write(append(b, '\n')); err != nil {
		return Response{}, fmt.Errorf("harness: %s: send %s: %w", p.name, req.Op, err)
	}
	if !p.out.Scan() {
		return Response{}, fmt.Errorf("harness: %s: no answer to %s (process ended?): %v", p.name, req.Op, p.out.Err())
	}
	var resp Response
	if err := json.Unmarshal(p.out.Bytes(), &resp); err != nil {
		return Response{}, fmt.Errorf("harness: %s: bad answer to %s: %w", p.name, req.Op, err)
	}
	if resp.Err != "" {
		return resp, fmt.Errorf("harness: %s: %s: %s", p.name, req.Op, resp.Err)
	}
	return resp, nil
}

// stop ends the process: closing stdin makes RunPeer return and the node
// close.
func (p *proc) stop() error {
	defer p.joint.close()
	p.in.Close()
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(20 * time.Second):
		p.cmd.Process.Kill()
		return <-done
	}
}

// start starts the node's network, dialling peers.
func (p *proc) start(peers ...*proc) (Response, error) {
	var boot []string
	for _, q := range peers {
		boot = append(boot, q.addrs...)
	}
	r, err := p.call(Request{Op: "start", Peers: boot})
	if err == nil {
		p.port, p.addrs = r.Port, r.Addrs
	}
	return r, err
}

// restart closes the node and opens it again, network off.
func (p *proc) restart() error {
	if _, err := p.call(Request{Op: "close"}); err != nil {
		return err
	}
	_, err := p.call(Request{Op: "open"})
	return err
}

// join makes p a member of space by an invite from steward, offline.
func join(steward, p *proc, space string) error {
	inv, err := steward.call(Request{Op: "invite", Space: space})
	if err != nil {
		return err
	}
	jr, err := p.call(Request{Op: "join_request", Code: inv.Code})
	if err != nil {
		return err
	}
	w, err := steward.call(Request{Op: "admit", Blob: jr.Blob})
	if err != nil {
		return err
	}
	_, err = p.call(Request{Op: "accept", Blob: w.Blob})
	return err
}

// cluster is the set of peer processes of one run.
type cluster struct {
	ctx   context.Context
	spawn Spawn
	dir   string
	procs []*proc
}

func (c *cluster) add(name string) (*proc, error) {
	home := filepath.Join(c.dir, name)
	p, err := startProc(c.ctx, c.spawn, name, home)
	if err != nil {
		return nil, err
	}
	c.procs = append(c.procs, p)
	r, err := p.call(Request{Op: "init", Home: home, Name: name})
	p.id = r.Peer
	return p, err
}

func (c *cluster) close() error {
	var errs []error
	for _, p := range c.procs {
		if err := p.stop(); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", p.name, err))
		}
	}
	return errors.Join(errs...)
}

// waitConnected waits until p holds connections to n peers.
func waitConnected(p *proc, n int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		r, err := p.call(Request{Op: "connected"})
		if err != nil {
			return err
		}
		if r.Count >= n {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("harness: %s connected to %d peers, want %d", p.name, r.Count, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// changes returns how many changes p holds in space and of how many docs.
func changes(p *proc, space string) (docs, n int, err error) {
	r, err := p.call(Request{Op: "digest", Space: space})
	return r.Docs, r.Changes, err
}
