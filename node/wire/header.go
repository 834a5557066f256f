package wire

import (
	"bytes"
	"unicode/utf8"
)

// readHeader reads the header fields of a change body (notes §4).
func (c *Change) readHeader(r *reader) error {
	if err := c.readDeps(r); err != nil {
		return at("deps", err)
	}
	var err error
	if c.Actor, err = readActor(r); err != nil {
		return at("actor", err)
	}
	if err := c.readCounters(r); err != nil {
		return err
	}
	if c.Message, err = readMessage(r); err != nil {
		return at("message", err)
	}
	if err := c.readOtherActors(r); err != nil {
		return at("other actors", err)
	}
	return nil
}

// readDeps reads the dependency hashes, which must be strictly ascending.
func (c *Change) readDeps(r *reader) error {
	n, err := r.uleb()
	if err != nil {
		return err
	}
	if n > MaxDeps {
		return errorf(ErrTooLarge, "%d deps over %d", n, MaxDeps)
	}
	if n > uint64(r.left()/32) {
		return errorf(ErrTruncated, "%d deps, %d bytes left", n, r.left())
	}
	if n == 0 {
		return nil
	}
	c.Deps = make([][32]byte, n)
	for i := range c.Deps {
		b, _ := r.bytes(32)
		c.Deps[i] = [32]byte(b)
		if i > 0 && bytes.Compare(c.Deps[i-1][:], b) >= 0 {
			return errorf(ErrNotCanonical, "deps not strictly ascending")
		}
	}
	return nil
}

// readActor reads a length-prefixed actor ID of 1 to MaxActorLen bytes.
func readActor(r *reader) ([]byte, error) {
	n, err := r.uleb()
	if err != nil {
		return nil, err
	}
	switch {
	case n == 0:
		return nil, errorf(ErrMalformed, "empty actor ID")
	case n > MaxActorLen:
		return nil, errorf(ErrTooLarge, "%d-byte actor ID over %d", n, MaxActorLen)
	}
	return r.bytes(n)
}

// readCounters reads seq, startOp and time.
func (c *Change) readCounters(r *reader) error {
	var err error
	if c.Seq, err = r.uleb(); err != nil {
		return at("seq", err)
	}
	if c.Seq == 0 {
		return errorf(ErrMalformed, "seq: 0")
	}
	if c.StartOp, err = r.uleb(); err != nil {
		return at("startOp", err)
	}
	switch {
	case c.StartOp == 0:
		return errorf(ErrMalformed, "startOp: 0")
	case c.StartOp > MaxStartOp:
		return errorf(ErrStartOp, "startOp %d over %d", c.StartOp, uint64(MaxStartOp))
	}
	if c.Time, err = r.sleb(); err != nil {
		return at("time", err)
	}
	return nil
}

// readMessage reads the UTF-8 commit message.
func readMessage(r *reader) (string, error) {
	n, err := r.uleb()
	if err != nil {
		return "", err
	}
	if n > MaxMessage {
		return "", errorf(ErrTooLarge, "%d bytes over %d", n, MaxMessage)
	}
	b, err := r.bytes(n)
	if err != nil {
		return "", err
	}
	if !utf8.Valid(b) {
		return "", errorf(ErrMalformed, "not UTF-8")
	}
	return string(b), nil
}

// readOtherActors reads the other actors, strictly ascending and none equal
// to the author.
func (c *Change) readOtherActors(r *reader) error {
	n, err := r.uleb()
	if err != nil {
		return err
	}
	if n > MaxOtherActors {
		return errorf(ErrTooLarge, "%d over %d", n, MaxOtherActors)
	}
	if n > uint64(r.left()/2) {
		return errorf(ErrTruncated, "%d actors, %d bytes left", n, r.left())
	}
	if n == 0 {
		return nil
	}
	c.OtherActors = make([][]byte, n)
	for i := range c.OtherActors {
		a, err := readActor(r)
		if err != nil {
			return err
		}
		if bytes.Equal(a, c.Actor) || i > 0 && bytes.Compare(c.OtherActors[i-1], a) >= 0 {
			return errorf(ErrNotCanonical, "not strictly ascending, or the author")
		}
		c.OtherActors[i] = a
	}
	return nil
}
