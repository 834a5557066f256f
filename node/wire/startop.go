package wire

// CheckStartOp checks that c.StartOp is 1 + maxOpReachable, the highest op
// counter among the changes reachable from c's dependencies (0 when it has
// none; the store keeps it per change as max_op_reachable). Automerge's writer
// sets startOp to the document's highest op + 1 and makes the document's
// heads the change's deps, so honest changes meet this with equality: on
// every change of the real documents in this package's tests, including
// empty changes, merges and concurrent actors, it held without exception.
func CheckStartOp(c *Change, maxOpReachable uint64) error {
	if maxOpReachable >= MaxStartOp || c.StartOp != maxOpReachable+1 {
		return errorf(ErrStartOp, "startOp %d, want 1 + %d reachable", c.StartOp, maxOpReachable)
	}
	return nil
}
