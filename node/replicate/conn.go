package replicate

import (
	"encoding/binary"
	"fmt"
	"io"
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
	in   int64
	out  int64
}

// writePiece bounds one Write call, so the idle deadline is per piece.
const writePiece = 64 << 10

// Read reads from the stream with a fresh idle deadline.
func (c *conn) Read(p []byte) (int, error) {
	if err := c.s.SetReadDeadline(time.Now().Add(c.idle)); err != nil {
		return 0, err
	}
	n, err := c.s.Read(p)
	c.in += int64(n)
	return n, err
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
	if _, err := io.ReadFull(c, hdr[:]); err != nil {
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
	if _, err := io.ReadFull(c, body); err != nil {
		return nil, err
	}
	return body, nil
}
