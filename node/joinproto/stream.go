package joinproto

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
	"time"

	"github.com/weftsync/weft/node/member"
)

// IdleTimeout is how long either side waits for the other's next bytes
// when the caller gives no timeout.
const IdleTimeout = 20 * time.Second

// Stream is what an exchange needs of a stream; a libp2p network.Stream
// satisfies it.
type Stream interface {
	io.ReadWriter
	SetReadDeadline(time.Time) error
	SetWriteDeadline(time.Time) error
}

// conn reads and writes messages with a fresh idle deadline per call.
type conn struct {
	s    Stream
	idle time.Duration
}

func newConn(s Stream, idle time.Duration) *conn {
	if idle <= 0 {
		idle = IdleTimeout
	}
	return &conn{s: s, idle: idle}
}

func (c *conn) Read(p []byte) (int, error) {
	if err := c.s.SetReadDeadline(time.Now().Add(c.idle)); err != nil {
		return 0, err
	}
	return c.s.Read(p)
}

func (c *conn) write(b []byte) error {
	if err := c.s.SetWriteDeadline(time.Now().Add(c.idle)); err != nil {
		return err
	}
	_, err := c.s.Write(b)
	return err
}

// readBody reads one message's prefix and body, refusing a length over
// limit before allocating.
func (c *conn) readBody(limit int) ([]byte, error) {
	var hdr [lengthSize]byte
	if _, err := io.ReadFull(c, hdr[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	switch {
	case n == 0:
		return nil, fmt.Errorf("%w: empty message", ErrMalformed)
	case n > uint32(limit):
		return nil, fmt.Errorf("%w: message of %d bytes", ErrTooLarge, n)
	}
	body := make([]byte, n)
	_, err := io.ReadFull(c, body)
	return body, err
}

// Admitter decides on a join whose proof signs this exchange's nonce and
// returns the response to send (a refusal or the space). It is called at
// most once per exchange.
type Admitter func(ctx context.Context, j *member.Join) *Response

// Serve runs the member's side of one exchange on s: it sends a fresh
// nonce, reads the joiner's request, refuses a join that is malformed or
// whose proof signs another nonce, and otherwise sends what admit returns.
// It returns the join it admitted (nil when it refused) and any error of
// the exchange; the caller closes s.
func Serve(ctx context.Context, s Stream, idle time.Duration, admit Admitter) (*member.Join, error) {
	c := newConn(s, idle)
	nonce := make([]byte, member.NonceSize)
	_, _ = rand.Read(nonce) // crypto/rand.Read never fails (Go 1.24+).
	b, err := EncodeChallenge(&Challenge{Version: Version, Nonce: nonce})
	if err != nil {
		return nil, err
	}
	if err := c.write(b); err != nil {
		return nil, fmt.Errorf("joinproto: send challenge: %w", err)
	}
	body, err := c.readBody(MaxRequest)
	if err != nil {
		return nil, fmt.Errorf("joinproto: read request: %w", err)
	}
	resp, join, err := answer(ctx, body, nonce, admit)
	if err == nil && resp.Refused != "" {
		join = nil
	}
	if werr := writeResponse(c, resp); werr != nil {
		return nil, werr
	}
	return join, err
}

// answer decides on a request body: a refusal for a bad one (with the
// error), else admit's response.
func answer(ctx context.Context, body, nonce []byte, admit Admitter) (*Response, *member.Join, error) {
	req, err := DecodeRequest(body)
	if err != nil {
		return Refusal("the join does not verify: " + err.Error()), nil, err
	}
	if !bytes.Equal(req.Join.Nonce, nonce) {
		return Refusal(ErrWrongNonce.Error()), nil, ErrWrongNonce
	}
	return admit(ctx, req.Join), req.Join, nil
}

func writeResponse(c *conn, r *Response) error {
	b, err := EncodeResponse(r)
	if err != nil {
		// An answer this package cannot send becomes a plain refusal.
		b, _ = EncodeResponse(Refusal("the member could not encode its answer"))
	}
	if werr := c.write(b); werr != nil {
		return fmt.Errorf("joinproto: send response: %w", werr)
	}
	return err
}

// Prover makes the joiner's join over the member's nonce.
type Prover func(nonce []byte) (*member.Join, error)

// Ask runs the joiner's side of one exchange on s: it reads the member's
// nonce, sends the join prove makes over it, and returns the member's
// answer. A refusal is a *RefusedError. The caller closes s, and resets it
// when ctx ends (ctx is not watched here: only the idle timeout is).
func Ask(_ context.Context, s Stream, idle time.Duration, prove Prover) (*Response, error) {
	c := newConn(s, idle)
	body, err := c.readBody(MaxChallenge)
	if err != nil {
		return nil, fmt.Errorf("joinproto: read challenge: %w", err)
	}
	ch, err := DecodeChallenge(body)
	if err != nil {
		return nil, err
	}
	j, err := prove(ch.Nonce)
	if err != nil {
		return nil, err
	}
	b, err := EncodeRequest(&Request{Version: Version, Join: j})
	if err != nil {
		return nil, err
	}
	if err := c.write(b); err != nil {
		return nil, fmt.Errorf("joinproto: send request: %w", err)
	}
	if body, err = c.readBody(MaxResponse); err != nil {
		return nil, fmt.Errorf("joinproto: read response: %w", err)
	}
	resp, err := DecodeResponse(body)
	if err == nil && resp.Refused != "" {
		err = &RefusedError{Reason: resp.Refused}
	}
	return resp, err
}
