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

	done    chan struct{}
	waitErr error
}

func (p *process) wait() {
	p.waitErr = p.cmd.Wait()
	close(p.done)
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

// residentBytes reads the child's resident set size from /proc; 0 when it
// cannot be read.
func (p *process) residentBytes() int64 {
	if p.cmd.Process == nil {
		return 0
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(p.cmd.Process.Pid) + "/statm")
	if err != nil {
		return 0
	}
	f := bytes.Fields(b)
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
