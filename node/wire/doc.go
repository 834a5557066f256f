// Package wire parses the bytes weft receives from the network, from bundles
// and from its own store before any of them reach Automerge.
//
// Its core is a defensive, allocation-bounded parser of Automerge change
// chunks (chunk type 1, uncompressed), written from
// notes/automerge-chunk-format.md. ParseChange checks the envelope (magic,
// type, length, checksum), reads the header fields, decodes every op column
// in lockstep to count the ops and to refuse the shapes that crash or poison
// the bundled Automerge core, and insists on the canonical form the core's
// own writer produces, so a stored change keeps its hash across Save and Load.
//
// Rules that need document state (dependencies known, sequence continuity,
// references to earlier ops) belong to the store; CheckStartOp is the pure
// part of the startOp rule.
//
//	chunks, err := wire.SplitChunks(incremental)
//	if err != nil {
//		return err
//	}
//	for _, raw := range chunks {
//		c, err := wire.ParseChange(raw)
//		if errors.Is(err, wire.ErrChunkType) {
//			// a document or compressed chunk: never from a peer
//		}
//		...
//		if err := wire.CheckStartOp(c, maxOpReachable(c.Deps)); err != nil {
//			return err
//		}
//	}
//
// The package is pure: no I/O, no clock, no logging. Every function is safe
// for concurrent use; a *Change is a plain value its caller owns.
package wire
