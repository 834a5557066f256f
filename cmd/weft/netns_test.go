//go:build linux

package main

// Tests across Linux network namespaces the test makes itself: every host
// is a namespace whose only links are veths to bridges in a "switch"
// namespace, with private 10.77.x.y addresses and no link to the machine's
// own network, so that mDNS and every dial stay inside. They need root and
// iproute2, and skip (saying so) without them.

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
)

// netnsSeq makes namespace names unique within one test process.
var netnsSeq atomic.Int32

// lab is one test's namespaces: a switch holding the bridges, and hosts.
type lab struct {
	t      *testing.T
	prefix string // unique to this lab: wf<pid>x<seq>
	sw     string // the switch namespace
	weft   string // the weft binary
	mu     sync.Mutex
	hosts  map[string]*labHost
}

// labHost is one namespace with its own weft home.
type labHost struct {
	lab  *lab
	name string
	ns   string
	home string
	// links maps a bridge to this host's veth end in the switch.
	links map[string]string
	srv   *served2
}

// served2 is a running weft serve.
type served2 struct {
	cmd    *exec.Cmd
	mu     sync.Mutex
	stderr bytes.Buffer
	done   chan struct{}
	addrs  []string
}

func (s *served2) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stderr.Write(b)
}

// Stderr returns what serve printed so far.
func (s *served2) Stderr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stderr.String()
}

// newLab skips unless the test can make namespaces, and makes the switch.
func newLab(t *testing.T) *lab {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("network namespace tests need root (CI runs as root)")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("network namespace tests need iproute2's ip command")
	}
	weft, err := exec.LookPath("weft")
	if err != nil {
		t.Fatalf("the weft command testscript sets up is missing: %v", err)
	}
	sweepStale()
	l := &lab{t: t, prefix: fmt.Sprintf("wf%dx%d", os.Getpid(), netnsSeq.Add(1)), weft: weft, hosts: map[string]*labHost{}}
	l.sw = l.prefix + "-sw"
	t.Cleanup(l.close)
	l.ip("netns", "add", l.sw)
	l.ip("-n", l.sw, "link", "set", "lo", "up")
	return l
}

// sweepStale deletes the namespaces of earlier runs of these tests whose
// process is gone (a run killed by a timeout cannot clean up), ending the
// processes left in them.
func sweepStale() {
	out, err := exec.Command("ip", "netns", "list").Output()
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		var pid, seq int
		var rest string
		if n, _ := fmt.Sscanf(f[0], "wf%dx%d-%s", &pid, &seq, &rest); n != 3 || pid == os.Getpid() {
			continue
		}
		if syscall.Kill(pid, 0) != syscall.ESRCH {
			continue // its test still runs
		}
		pids, _ := exec.Command("ip", "netns", "pids", f[0]).Output()
		for _, p := range strings.Fields(string(pids)) {
			var n int
			if _, err := fmt.Sscan(p, &n); err == nil {
				syscall.Kill(n, syscall.SIGKILL)
			}
		}
		exec.Command("ip", "netns", "del", f[0]).Run()
	}
}

// ip runs ip with args and fails the test if it fails.
func (l *lab) ip(args ...string) {
	l.t.Helper()
	out, err := exec.Command("ip", args...).CombinedOutput()
	if err != nil {
		l.t.Fatalf("ip %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// close stops every weft serve and deletes every namespace (which
// deletes their veths and bridges).
func (l *lab) close() {
	l.mu.Lock()
	hosts := l.hosts
	l.mu.Unlock()
	for _, h := range hosts {
		h.stop()
	}
	for _, h := range hosts {
		exec.Command("ip", "netns", "del", h.ns).Run()
	}
	exec.Command("ip", "netns", "del", l.sw).Run()
}

// bridge makes a bridge in the switch.
func (l *lab) bridge(name string) {
	l.ip("-n", l.sw, "link", "add", name, "type", "bridge")
	l.ip("-n", l.sw, "link", "set", name, "up")
}

// host makes a namespace with a fresh weft home set up without a
// passphrase, named name.
func (l *lab) host(name, display string) *labHost {
	h := &labHost{lab: l, name: name, ns: l.prefix + "-" + name, home: filepath.Join(l.t.TempDir(), name), links: map[string]string{}}
	l.mu.Lock()
	l.hosts[name] = h
	l.mu.Unlock()
	l.ip("netns", "add", h.ns)
	l.ip("-n", h.ns, "link", "set", "lo", "up")
	h.run("init", "--no-passphrase", "--name", display)
	return h
}

// link plugs h into bridge br with address addr (CIDR).
func (h *labHost) link(br, addr string) {
	l := h.lab
	swEnd := h.name + br // short: veth names are at most 15 bytes
	hostEnd := "eth-" + br
	l.ip("-n", l.sw, "link", "add", swEnd, "type", "veth", "peer", "name", hostEnd, "netns", h.ns)
	l.ip("-n", l.sw, "link", "set", swEnd, "master", br)
	l.ip("-n", l.sw, "link", "set", swEnd, "up")
	l.ip("-n", h.ns, "addr", "add", addr, "dev", hostEnd)
	l.ip("-n", h.ns, "link", "set", hostEnd, "up")
	h.links[br] = swEnd
}

// cut takes h's link to br down at the switch; heal brings it up.
func (h *labHost) cut(br string)  { h.lab.ip("-n", h.lab.sw, "link", "set", h.links[br], "down") }
func (h *labHost) heal(br string) { h.lab.ip("-n", h.lab.sw, "link", "set", h.links[br], "up") }

// run runs a weft command on h's home (through its daemon when it
// serves: the socket is a file, reachable from any namespace) and
// returns stdout; it fails the test if weft fails.
func (h *labHost) run(args ...string) string {
	h.lab.t.Helper()
	out, err := h.try(args...)
	if err != nil {
		h.lab.t.Fatalf("%s: weft %s: %v\n%s", h.name, strings.Join(args, " "), err, out)
	}
	return out
}

// try runs a weft command on h's home and returns stdout and stderr.
func (h *labHost) try(args ...string) (string, error) {
	cmd := exec.Command(h.lab.weft, args...)
	cmd.Env = append(os.Environ(), "WEFT_HOME="+h.home, "TZ=Europe/Paris")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil {
		return stdout.String() + stderr.String(), err
	}
	return stdout.String(), nil
}

// serve starts weft serve in h's namespace with args and waits until it
// listens.
func (h *labHost) serve(args ...string) *served2 {
	t := h.lab.t
	t.Helper()
	ready := filepath.Join(h.home, "ready")
	os.Remove(ready)
	argv := append([]string{"netns", "exec", h.ns, h.lab.weft, "serve", "--http", "off",
		"--listen", "/ip4/0.0.0.0/tcp/7411", "--listen", "/ip4/0.0.0.0/udp/7411/quic-v1",
		"--ready-file", ready, "--sync-every", "4s"}, args...)
	s := &served2{cmd: exec.Command("ip", argv...), done: make(chan struct{})}
	s.cmd.Env = append(os.Environ(), "WEFT_HOME="+h.home, "TZ=Europe/Paris")
	s.cmd.Stderr = s
	// weft serve dies with the test process, even one killed by a timeout.
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.cmd.Wait(); close(s.done) }()
	h.srv = s
	for i := 0; ; i++ {
		b, err := os.ReadFile(ready)
		if err == nil && len(b) > 0 {
			s.addrs = strings.Fields(string(b))
			return s
		}
		select {
		case <-s.done:
			t.Fatalf("%s: weft serve exited:\n%s", h.name, s.Stderr())
		case <-time.After(50 * time.Millisecond):
		}
		if i > 400 {
			t.Fatalf("%s: weft serve not listening after 20s:\n%s", h.name, s.Stderr())
		}
	}
}

// stop interrupts h's weft serve and waits for it (killing it after 10 s).
func (h *labHost) stop() {
	s := h.srv
	if s == nil {
		return
	}
	h.srv = nil
	s.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
}

// addr returns h's serve address on the given IP, ending in /p2p/ID.
func (h *labHost) addr(ip string) string {
	h.lab.t.Helper()
	for _, a := range h.srv.addrs {
		if strings.HasPrefix(a, "/ip4/"+ip+"/tcp/") {
			return a
		}
	}
	h.lab.t.Fatalf("%s does not listen on %s: %v", h.name, ip, h.srv.addrs)
	return ""
}

// id returns h's peer ID.
func (h *labHost) id() string { return strings.TrimSpace(h.run("id")) }

// admit makes joiner a member of space on h's home, offline (invite,
// join, admit, welcome through files).
func (h *labHost) admit(space string, joiner *labHost) {
	t := h.lab.t
	t.Helper()
	code := strings.TrimSpace(h.run("invite", space))
	dir := t.TempDir()
	req, welcome := filepath.Join(dir, "request.bin"), filepath.Join(dir, "welcome.bin")
	cmd := exec.Command(h.lab.weft, "join", "-", "-o", req)
	cmd.Env = append(os.Environ(), "WEFT_HOME="+joiner.home)
	cmd.Stdin = strings.NewReader(code + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("join: %v\n%s", err, out)
	}
	h.run("admit", req, "-o", welcome)
	joiner.run("welcome", welcome)
}

// waitFor runs weft args on h until its output contains want, for up to
// limit; it fails the test with the last output otherwise.
func (h *labHost) waitFor(limit time.Duration, want string, args ...string) {
	t := h.lab.t
	t.Helper()
	deadline := time.Now().Add(limit)
	var out string
	for {
		out, _ = h.try(args...)
		if strings.Contains(out, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: weft %s never showed %q within %s; last output:\n%s\nserve's stderr:\n%s",
				h.name, strings.Join(args, " "), want, limit, out, h.serveErr())
		}
		time.Sleep(time.Second)
	}
}

func (h *labHost) serveErr() string {
	if h.srv == nil {
		return "(not serving)"
	}
	return h.srv.Stderr()
}

// peer returns what weft peers --json says of the peer with id.
func (h *labHost) peer(id string) map[string]any {
	h.lab.t.Helper()
	var peers []map[string]any
	if err := json.Unmarshal([]byte(h.run("peers", "--json")), &peers); err != nil {
		h.lab.t.Fatal(err)
	}
	for _, p := range peers {
		if p["peer_id"] == id {
			return p
		}
	}
	return nil
}

// doctorPeer runs weft doctor --json on h and returns its entry for id.
func (h *labHost) doctorPeer(id string) map[string]any {
	h.lab.t.Helper()
	out := h.run("doctor", "--json")
	var d struct {
		Peers []map[string]any `json:"peers"`
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		h.lab.t.Fatalf("doctor --json: %v\n%s", err, out)
	}
	for _, p := range d.Peers {
		if p["peer_id"] == id {
			return p
		}
	}
	h.lab.t.Fatalf("%s: doctor does not mention %s:\n%s", h.name, id, out)
	return nil
}

const eventList = "event list Coalition --json"

// changes returns the number of changes h's first space holds.
func (h *labHost) changes() int {
	h.lab.t.Helper()
	var st struct {
		Spaces []struct {
			Changes int `json:"changes"`
		} `json:"spaces"`
	}
	out := h.run("status", "--json")
	if err := json.Unmarshal([]byte(out), &st); err != nil || len(st.Spaces) == 0 {
		h.lab.t.Fatalf("status --json: %v\n%s", err, out)
	}
	return st.Spaces[0].Changes
}

func event(h *labHost, title string) {
	h.run("event", "add", "Coalition", "--title", title, "--start", "2027-01-10 18:00")
}

func TestNetnsLAN(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	l.bridge("br1")
	a, b := l.host("a", "Amina"), l.host("b", "Bo")
	a.link("br1", "10.77.1.1/24")
	b.link("br1", "10.77.1.2/24")
	a.run("space", "create", "Coalition")
	a.admit("Coalition", b)
	event(a, "Kick-off")

	a.serve("--lan")
	b.serve("--lan")
	for _, h := range []*labHost{a, b} {
		errs := h.srv.Stderr()
		if !strings.Contains(errs, "announcing on the local network (mDNS service _weft._udp): peer ID "+h.id()) ||
			!strings.Contains(errs, "10.77.1.") {
			t.Fatalf("%s does not say what mDNS announces:\n%s", h.name, errs)
		}
	}
	b.waitFor(40*time.Second, "Kick-off", strings.Fields(eventList)...)
	event(b, "From Bo")
	a.waitFor(30*time.Second, "From Bo", strings.Fields(eventList)...)
	if p := a.peer(b.id()); p == nil || p["reached"] != "lan" {
		t.Fatalf("a's peers say of b %v, want reached lan", p)
	}
	if out := a.run("doctor", "--json"); !strings.Contains(out, `"reachable": "private"`) {
		t.Fatalf("a has no public address, but its doctor says:\n%s", out)
	}
	if p := a.doctorPeer(b.id()); p["answers"] != true || p["reached"] != "lan" {
		t.Fatalf("a's doctor says of b %v", p)
	}
}

func TestNetnsCutAndHealed(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	l.bridge("br1")
	a, b := l.host("a", "Amina"), l.host("b", "Bo")
	a.link("br1", "10.77.2.1/24")
	b.link("br1", "10.77.2.2/24")
	a.run("space", "create", "Coalition")
	a.admit("Coalition", b)
	a.serve()
	b.serve("--peer", a.addr("10.77.2.1"))
	event(a, "Before")
	b.waitFor(30*time.Second, "Before", strings.Fields(eventList)...)

	// b is cut off and restarted while cut: it knows a's address but
	// nothing answers there, and its doctor says so.
	b.cut("br1")
	b.stop()
	b.serve()
	event(a, "While cut")
	p := b.doctorPeer(a.id())
	if p["answers"] != false || p["problem"] != "no_answer" || !strings.Contains(p["try"].(string), "relay") {
		t.Fatalf("b's doctor says of a, while cut: %v", p)
	}
	if out, _ := b.try(strings.Fields(eventList)...); strings.Contains(out, "While cut") {
		t.Fatal("b got a change while cut off")
	}
	// Healed, b redials the remembered a and catches up.
	b.heal("br1")
	b.waitFor(60*time.Second, "While cut", strings.Fields(eventList)...)
}

func TestNetnsThreeHostsOneLinkDown(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	l.bridge("br1")
	l.bridge("br2")
	a, b, c := l.host("a", "Amina"), l.host("b", "Bo"), l.host("c", "Chen")
	a.link("br1", "10.77.3.1/24")
	b.link("br1", "10.77.3.2/24")
	b.link("br2", "10.77.4.2/24")
	c.link("br2", "10.77.4.3/24")
	a.run("space", "create", "Coalition")
	a.admit("Coalition", b)
	a.admit("Coalition", c)
	b.serve()
	a.serve("--peer", b.addr("10.77.3.2"))
	c.serve("--peer", b.addr("10.77.4.2"))

	// a and c share no link: their changes meet through b.
	event(a, "From Amina")
	event(c, "From Chen")
	c.waitFor(60*time.Second, "From Amina", strings.Fields(eventList)...)
	a.waitFor(60*time.Second, "From Chen", strings.Fields(eventList)...)

	// a's doctor knows no address of c and no relay, and says so.
	p := a.doctorPeer(c.id())
	if p["answers"] != false || p["problem"] != "no_address" || !strings.Contains(p["try"].(string), "--relay") {
		t.Fatalf("a's doctor says of c: %v", p)
	}
}

// TestNetnsRelay: a on br1, c on br2, the relay r (not a member, given a
// and c with --relay-allow) on both, hole punching off. a and c sync 1 MB
// through r and live changes keep flowing; d, a member on br2 that r does
// not allow, gets no circuit, r says so, and d's doctor explains why.
func TestNetnsRelay(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	l.bridge("br1")
	l.bridge("br2")
	a, c, d, r := l.host("a", "Amina"), l.host("c", "Chen"), l.host("d", "Dara"), l.host("r", "Relay")
	a.link("br1", "10.77.5.1/24")
	r.link("br1", "10.77.5.9/24")
	r.link("br2", "10.77.6.9/24")
	c.link("br2", "10.77.6.3/24")
	d.link("br2", "10.77.6.4/24")
	a.run("space", "create", "Coalition")
	a.admit("Coalition", c)
	a.admit("Coalition", d)

	// A megabyte of changes that do not compress.
	var want []string
	for i := range 5 {
		body := make([]byte, 180<<10)
		rand.Read(body)
		f := filepath.Join(t.TempDir(), "body.txt")
		os.WriteFile(f, []byte(base64.StdEncoding.EncodeToString(body)), 0o600)
		title := fmt.Sprintf("Report %d", i)
		a.run("case", "add", "Coalition", "--title", title, "--body-file", f)
		want = append(want, title)
	}

	r.serve("--relay", "--relay-allow", a.id(), "--relay-allow", c.id())
	a.serve("--no-hole-punch", "--peer", r.addr("10.77.5.9"))
	c.serve("--no-hole-punch", "--peer", r.addr("10.77.6.9"))
	start := time.Now()
	// Status counts stored changes in SQL: cheap to poll, unlike loading
	// a megabyte of documents.
	total := a.changes()
	c.waitFor(180*time.Second, fmt.Sprintf(`"changes": %d,`, total), "status", "--json")
	t.Logf("%d changes through the relay after %s", total, time.Since(start))
	cases := c.run("case", "list", "Coalition", "--json")
	for _, title := range want {
		if !strings.Contains(cases, title) {
			t.Fatalf("c lacks %s:\n%s", title, cases)
		}
	}
	if p := c.peer(a.id()); p == nil || p["reached"] != "relayed" {
		t.Fatalf("c's peers say of a %v, want reached relayed", p)
	}
	event(a, "Live")
	c.waitFor(30*time.Second, "Live", strings.Fields(eventList)...)
	event(c, "Live back")
	a.waitFor(30*time.Second, "Live back", strings.Fields(eventList)...)
	if p := c.doctorPeer(a.id()); p["answers"] != true || p["reached"] != "relayed" || p["problem"] != "only_relayed" {
		t.Fatalf("c's doctor says of a: %v", p)
	}

	// d is a member, but not in the relay's access list.
	d.serve("--no-hole-punch", "--peer", r.addr("10.77.6.9"))
	p := d.doctorPeer(a.id())
	if p["answers"] != false || p["problem"] != "relay_refused" || !strings.Contains(p["try"].(string), "--relay-allow") {
		t.Fatalf("d's doctor says of a: %v", p)
	}
	if out, _ := d.try("case", "list", "Coalition", "--json"); strings.Contains(out, "Report 0") {
		t.Fatal("d got a's changes although the relay refuses it")
	}
	if !strings.Contains(r.srv.Stderr(), "relay refused a circuit") || !strings.Contains(r.srv.Stderr(), d.id()) {
		t.Fatalf("the relay does not say it refused d:\n%s", r.srv.Stderr())
	}
}

// TestNetnsNonMemberLearnsNothing: a non-member on the LAN of two --lan
// members hears their mDNS announcements, connects to both, and accepts
// every stream they open; it learns their own peer IDs and addresses (the
// threat model lists them), but no space ID or name, no topic (pubsub never
// talks to it), and from neither member the other's peer ID.
func TestNetnsNonMemberLearnsNothing(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	l.bridge("br1")
	a, b := l.host("a", "Amina"), l.host("b", "Bo")
	n := l.host("n", "Nosy")
	a.link("br1", "10.77.7.1/24")
	b.link("br1", "10.77.7.2/24")
	n.link("br1", "10.77.7.3/24")
	// The snoop's plain sockets pick their interface by route.
	l.ip("-n", n.ns, "route", "add", "224.0.0.0/4", "dev", "eth-br1")
	a.run("space", "create", "Coalition")
	a.admit("Coalition", b)
	var spaces []struct{ ID, Name string }
	if err := json.Unmarshal([]byte(a.run("space", "list", "--json")), &spaces); err != nil || len(spaces) != 1 {
		t.Fatalf("space list: %v %v", spaces, err)
	}
	spaceID := spaces[0].ID

	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	snoop := filepath.Join(t.TempDir(), snoopCmd)
	if err := os.Symlink(self, snoop); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "capture.json")
	cmd := exec.Command("ip", "netns", "exec", n.ns, snoop, out)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	var snoopErr bytes.Buffer
	cmd.Stderr = &snoopErr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-done
	})

	a.serve("--lan")
	b.serve("--lan")
	event(a, "Secret meeting")
	b.waitFor(40*time.Second, "Secret meeting", strings.Fields(eventList)...)
	time.Sleep(5 * time.Second) // the snoop's connections, and whatever they bring
	cmd.Process.Signal(syscall.SIGINT)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("snoop: %v\n%s", err, snoopErr.String())
		}
		done <- nil
	case <-time.After(15 * time.Second):
		t.Fatal("the snoop did not stop")
	}
	var c snoopCapture
	b2, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b2, &c); err != nil {
		t.Fatal(err)
	}

	aID, bID := a.id(), b.id()
	// The capture works: the snoop heard both members and connected.
	if !bytes.Contains(c.Received["mdns 10.77.7.1"], []byte(aID)) || !bytes.Contains(c.Received["mdns 10.77.7.2"], []byte(bID)) {
		t.Fatalf("the snoop heard no announcement with the members' own peer IDs: %v", keys(c.Received))
	}
	if c.Identify[aID] == "" || c.Identify[bID] == "" {
		t.Fatalf("the snoop did not connect to both members: %v\n%s", c.Identify, snoopErr.String())
	}
	for src, got := range c.Received {
		t.Logf("the snoop received %d bytes from %s", len(got), src)
	}
	t.Logf("streams opened to the snoop: %v", c.Streams)
	for _, s := range c.Streams {
		if strings.Contains(s, "sub/") {
			t.Errorf("a member opened a pubsub stream (%s) to a non-member", s)
		}
	}
	secrets := map[string]string{"space ID": spaceID, "space name": "Coalition", "event title": "Secret meeting"}
	other := map[string]string{"10.77.7.1": bID, aID: bID, "10.77.7.2": aID, bID: aID}
	for src, got := range c.Received {
		for what, s := range secrets {
			if bytes.Contains(got, []byte(s)) {
				t.Errorf("%s sent the %s to a non-member", src, what)
			}
		}
		who := src[strings.IndexByte(src, ' ')+1:]
		if o, ok := other[who]; ok && (bytes.Contains(got, []byte(o)) || containsPeerBytes(got, o)) {
			t.Errorf("%s told a non-member the other member's peer ID", src)
		}
	}
	for id, ident := range c.Identify {
		rest := ident
		for _, p := range []string{"/weft/sync/3", "/weft/sync/2", "/weft/join/1"} {
			rest = strings.ReplaceAll(rest, p, "")
		}
		if strings.Contains(strings.ToLower(rest), "weft") {
			t.Errorf("identify of %s names weft beyond protocol IDs: %s", id, ident)
		}
		if o := other[id]; o != "" && strings.Contains(ident, o) {
			t.Errorf("identify of %s names the other member", id)
		}
		if !strings.Contains(ident, "agent=libp2p ") {
			t.Errorf("identify of %s: agent is not the generic libp2p: %s", id, ident)
		}
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// containsPeerBytes reports whether b holds the binary form of the peer
// ID id.
func containsPeerBytes(b []byte, id string) bool {
	p, err := peer.Decode(id)
	return err == nil && bytes.Contains(b, []byte(p))
}

// TestNetnsDHT: a and c share a bridge but know only r, which serves
// weft's DHT and refuses to relay for them (it holds no space and allows
// no one). They find each other by peer ID in the DHT and connect
// directly (without --dht on both, this fails: nothing else tells them).
func TestNetnsDHT(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	l.bridge("br1")
	a, c, r := l.host("a", "Amina"), l.host("c", "Chen"), l.host("r", "Relay")
	a.link("br1", "10.77.8.1/24")
	c.link("br1", "10.77.8.3/24")
	r.link("br1", "10.77.8.9/24")
	a.run("space", "create", "Coalition")
	a.admit("Coalition", c)
	r.serve("--relay", "--dht")
	a.serve("--dht", "--no-hole-punch", "--peer", r.addr("10.77.8.9"))
	c.serve("--dht", "--no-hole-punch", "--peer", r.addr("10.77.8.9"))
	event(a, "Found by ID")
	c.waitFor(60*time.Second, "Found by ID", strings.Fields(eventList)...)
	if p := c.peer(a.id()); p == nil || p["reached"] != "direct" {
		t.Fatalf("c's peers say of a %v, want reached direct", p)
	}
}
