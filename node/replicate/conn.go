package replicate

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"time"
)

// deadlined is what conn needs of a stream: network.Stream satisfies it.
type deadlined interface {
	io.ReadWriter
	SetReadDeadline(time.Time) error
	SetWriteDeadline(time.Time) error
}

// conn reads and writes messages on a stream, each Read and each piece of
// a Write with a fresh idle deadline (so a slow link that makes progress
// is never cut), counting the bytes either way.
type conn struct {
	s    deadlined
	idle time.Duration
	in   atomic.Int64 // read by the opener while its reader goroutine reads
	out  int64
	r    *bufio.Reader // over the stream's reads, made on first use
	// stopped ends reads (stopReading).
	stopped atomic.Bool
	// batched: the stream speaks ProtocolBatched, whose messages may
	// carry several frames.
	batched bool
}

// readAhead is how much of the stream conn reads at once.
const readAhead = 64 << 10

// writePiece bounds one Write call, so the idle deadline is per piece.
const writePiece = 64 << 10

// Read reads from the stream with a fresh idle deadline.
func (c *conn) Read(p []byte) (int, error) {
	if err := c.s.SetReadDeadline(time.Now().Add(c.idle)); err != nil {
		return 0, err
	}
	if c.stopped.Load() { // after the deadline: stopReading's wins either way
		return 0, errStopped
	}
	n, err := c.s.Read(p)
	c.in.Add(int64(n))
	return n, err
}

// errStopped: stopReading ended the reads.
var errStopped = errors.New("replicate: reading stopped")

// stopReading makes a Read blocked on another goroutine, and every later
// one, return.
func (c *conn) stopReading() {
	c.stopped.Store(true)
	_ = c.s.SetReadDeadline(time.Now())
}

// write writes b in pieces, each with a fresh idle deadline.
func (c *conn) write(b []byte) error {
	for len(b) > 0 {
		p := b[:min(len(b), writePiece)]
		if err := c.s.SetWriteDeadline(time.Now().Add(c.idle)); err != nil {
			return err
		}
		n, err := c.s.Write(p)
		c.out += int64(n)
		if err != nil {
			return err
		}
		b = b[n:]
	}
	return nil
}

// readBody reads one message's length prefix and body, refusing a length
// over max before allocating.
func (c *conn) readBody(max int) ([]byte, error) {
	var hdr [lengthSize]byte
	if _, err := io.ReadFull(c.reader(), hdr[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	switch {
	case n == 0:
		return nil, malformed("empty message")
	case n > uint32(max):
		return nil, fmt.Errorf("%w: message of %d bytes", ErrTooLarge, n)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(c.reader(), body); err != nil {
		return nil, err
	}
	return body, nil
}

// reader is the buffered reader over the stream.
func (c *conn) reader() *bufio.Reader {
	if c.r == nil {
		c.r = bufio.NewReaderSize(c, readAhead)
	}
	return c.r
}
