package wire

import "bytes"

// Change is one parsed and checked change chunk. Its byte slices alias Raw,
// which is the parser's own copy of the chunk.
type Change struct {
	Hash        [32]byte   // SHA-256 of the chunk from its type byte on: automerge's ChangeHash
	Deps        [][32]byte // dependencies, strictly ascending
	Actor       []byte     // the author's actor ID
	Seq         uint64     // the author's sequence number, from 1
	StartOp     uint64     // op counter of the first op, 1 to MaxStartOp
	Ops         uint64     // op count N, from the action column
	Time        int64      // as stored: automerge-go writes ms since the Unix epoch, 0 for none
	Message     string     // commit message, "" for none
	OtherActors [][]byte   // actors the ops refer to, strictly ascending
	Raw         []byte     // the exact chunk bytes
}

// MaxOp returns the op counter of the change's last op: StartOp+Ops-1, which
// is StartOp-1 for a change with no ops.
func (c *Change) MaxOp() uint64 { return c.StartOp + c.Ops - 1 }

// ParseChange parses one whole uncompressed change chunk (type 1) and checks
// everything that can be checked without the document: envelope and
// checksum, limits, the header fields, every op column, and the canonical
// form of Automerge's writer. b is not retained.
func ParseChange(b []byte) (*Change, error) {
	c, _, err := parseChange(b, false, false)
	return c, err
}

// ParseChangeOwned is ParseChange of a chunk the caller hands over: the
// change's Raw is b itself, not a copy, so neither the caller nor anyone
// else may modify b afterwards. A sync frame's chunks, rebuilt or decoded
// for this parse alone, need no second copy (decision 0039).
func ParseChangeOwned(b []byte) (*Change, error) {
	c, _, err := parseChange(b, false, true)
	return c, err
}

// parseChange is ParseChange; with keep it also returns the decoded ops,
// and with own it keeps b as Raw instead of a copy.
func parseChange(b []byte, keep, own bool) (*Change, []Op, error) {
	hash, body, err := openChange(b)
	if err != nil {
		return nil, nil, err
	}
	raw := b[:len(b):len(b)]
	if !own {
		raw = bytes.Clone(b)
	}
	c := &Change{Hash: hash, Raw: raw}
	r := reader{b: c.Raw, off: body}
	if err := c.readHeader(&r); err != nil {
		return nil, nil, err
	}
	cols, err := readColumns(&r)
	if err != nil {
		return nil, nil, err
	}
	var ops []Op
	if c.Ops, ops, err = checkOps(c, &cols, keep); err != nil {
		return nil, nil, err
	}
	return c, ops, nil
}

// CountOps returns a change chunk's op count N as ParseChange finds it
// (from the action column), reading only the envelope, the header and the
// column layout: it neither copies the chunk nor walks the op columns.
// Use it where only the size of a chunk that ParseChange checked before
// matters (an estimate of the memory it costs); it is not a check.
func CountOps(b []byte) (uint64, error) {
	_, body, err := openChange(b)
	if err != nil {
		return 0, err
	}
	var c Change
	r := reader{b: b, off: body}
	if err := c.readHeader(&r); err != nil {
		return 0, err
	}
	cols, err := readColumns(&r)
	if err != nil {
		return 0, err
	}
	action := cols.get(colAction)
	if action == nil {
		return 0, nil
	}
	return countOps(action)
}
