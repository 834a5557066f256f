package node

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// homeLock is an exclusive advisory lock on the home folder: one process
// writes a store at a time (DESIGN.md section 4).
type homeLock struct{ f *os.File }

// acquireLock takes the home's lock, waiting up to wait for another process
// to release it.
func acquireLock(ctx context.Context, home string, wait time.Duration) (*homeLock, error) {
	if err := os.MkdirAll(home, 0o700); err != nil {
		return nil, fmt.Errorf("node: make home %s: %w", home, err)
	}
	f, err := os.OpenFile(filepath.Join(home, "lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("node: open lock: %w", err)
	}
	deadline := time.Now().Add(wait)
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return &homeLock{f: f}, nil
		}
		if err != syscall.EWOULDBLOCK || time.Now().After(deadline) {
			f.Close()
			return nil, fmt.Errorf("%w: %s is in use by another weft process", ErrBusy, home)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (l *homeLock) release() {
	if l != nil && l.f != nil {
		_ = syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
		l.f.Close()
		l.f = nil
	}
}

// What the lock file holds: a process has the home open, or the last one
// closed it cleanly.
const (
	lockOpen   = "open\n"
	lockClosed = "closed\n"
)

// markOpen records in the lock file that this process has the home open,
// durably, and reports whether the last process that opened it did not
// close it (a crash, a kill, a power cut).
func (l *homeLock) markOpen() (unclean bool, err error) {
	buf := make([]byte, 16)
	n, _ := l.f.ReadAt(buf, 0)
	unclean = string(buf[:n]) == lockOpen
	if err := l.rewrite(lockOpen); err != nil {
		return unclean, err
	}
	if err := l.f.Sync(); err != nil {
		return unclean, fmt.Errorf("node: sync lock file: %w", err)
	}
	return unclean, nil
}

// markClosed records in the lock file that the home was closed cleanly.
func (l *homeLock) markClosed() error {
	if l == nil || l.f == nil {
		return nil
	}
	return l.rewrite(lockClosed)
}

func (l *homeLock) rewrite(s string) error {
	if err := l.f.Truncate(0); err != nil {
		return fmt.Errorf("node: write lock file: %w", err)
	}
	if _, err := l.f.WriteAt([]byte(s), 0); err != nil {
		return fmt.Errorf("node: write lock file: %w", err)
	}
	return nil
}
