package engine

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"strconv"
	"sync"
)

// process is one running engine child.
type process struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout io.ReadCloser
	stderr tailBuffer
	// statm is the child's /proc/PID/statm, opened once at start and read
	// again after each call: opening it costs most of the read (about 90
	// µs against 11 after 150 ms idle, decision 0062). Nil when it could
	// not be opened; closed when the child is gone.
	statm *os.File

	done    chan struct{}
	waitErr error
}

func (p *process) wait() {
	p.waitErr = p.cmd.Wait()
	if p.statm != nil {
		_ = p.statm.Close()
	}
	close(p.done)
}

// openStatm opens the child's statm for residentBytes; best effort (a
// child whose size cannot be read is never killed for it).
func (p *process) openStatm() {
	if p.cmd.Process == nil {
		return
	}
	f, err := os.Open("/proc/" + strconv.Itoa(p.cmd.Process.Pid) + "/statm")
	if err == nil {
		p.statm = f
	}
}

// exited returns a channel that yields the exit error once the process is gone.
func (p *process) exited() <-chan error {
	ch := make(chan error, 1)
	go func() { // ends when the process exits, which kill guarantees
		<-p.done
		ch <- p.waitErr
	}()
	return ch
}

func (p *process) kill() {
	if p.cmd.Process != nil {
		_ = p.cmd.Process.Kill()
	}
}

func (p *process) stderrTail() string { return p.stderr.String() }

// residentBytes reads the child's resident set size from its statm; 0 when
// it cannot be read.
func (p *process) residentBytes() int64 {
	if p.statm == nil {
		return 0
	}
	var buf [128]byte
	n, err := p.statm.ReadAt(buf[:], 0)
	if n == 0 && err != nil {
		return 0
	}
	f := bytes.Fields(buf[:n])
	if len(f) < 2 {
		return 0
	}
	pages, err := strconv.ParseInt(string(f[1]), 10, 64)
	if err != nil {
		return 0
	}
	return pages * int64(os.Getpagesize())
}

// tailBuffer keeps the first and the last few KiB written to it: the
// engine's last words (a Rust panic message comes first, then the runtime's
// traceback).
type tailBuffer struct {
	mu   sync.Mutex
	head []byte
	buf  []byte
}

const (
	headSize = 1024
	tailSize = 3072
)

func (t *tailBuffer) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := len(b)
	if room := headSize - len(t.head); room > 0 {
		k := min(room, len(b))
		t.head = append(t.head, b[:k]...)
		b = b[k:]
	}
	t.buf = append(t.buf, b...)
	if len(t.buf) > tailSize {
		t.buf = append([]byte(nil), t.buf[len(t.buf)-tailSize:]...)
	}
	return n, nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.head) + string(t.buf)
}
