// Package replicate is weft's own sync protocol, /weft/sync/2 (DESIGN.md
// section 7, path 2): the path that heals. It is a pull: the opener sends
// what it has, the responder streams what the opener lacks.
//
// The opener sends one request: for each space it shares with the
// responder (by the opener's roster), the heads of its membership log and a
// digest of its documents (type and version vector {actor: max seq}). The
// responder keeps only the spaces in which the opener (authenticated by
// libp2p) is a member by the responder's roster, and streams, per space,
// the membership operations the opener lacks, then for each document whose
// vector differs the missing raw change chunks, in causal order, then an
// end frame with a summary. A peer that is a member of no shared space gets
// the end frame alone and learns no space ID.
//
// Every message is a length-prefixed, versioned, deterministic CBOR value
// compressed with zstd, read behind size caps (see the limits in
// limits.go). A frame of changes carries its chunks packed: dependency
// hashes of chunks in the same frame as back-references, the envelope and
// checksum left out, repeated header fields as deltas; the receiver
// rebuilds the exact chunks and checks them against the frame's digest
// (chunkpack.go). A frame of changes is a causally closed prefix that ends
// only where every actor's newest change in it carries an attestation,
// and it carries exactly those attestations; the opener ingests (commits)
// each frame on arrival, so an interrupted transfer resumes where it
// stopped on the next pull. Reads and writes time out on idleness, never on
// total duration.
//
// The package knows nothing of SQLite or Automerge: the node implements
// Local over its store.
//
//	s := replicate.New(host, n.SyncLocal(), replicate.Options{Logger: log})
//	defer s.Close()
//	rep, err := s.Pull(ctx, peerID)
package replicate
