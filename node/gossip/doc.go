// Package gossip is weft's fast path for live changes (DESIGN.md section 7,
// path 1): one GossipSub topic per space and epoch, sealed envelopes that
// carry raw change chunks with the attestation of each actor's newest
// change, a validator in front of delivery, and changes applied after
// delivery, asynchronously.
//
// The package knows nothing of SQLite or Automerge: the node implements
// Local. A Gossip is built with New over a libp2p host the caller owns:
//
//	g, err := gossip.New(ctx, h, local, gossip.Options{OnMissing: pull})
//	...
//	err = g.Publish(ctx, space, gossip.Batch{Doc: doc, Type: "ledger", Chunks: cs, Atts: as})
//	if errors.Is(err, gossip.ErrTooLarge) { err = g.Announce(ctx, space, doc, typ, heads) }
//	...
//	g.Close()
//
// Privacy: pubsub runs with no author and no sequence numbers, message IDs
// are the hash of the envelope, and a Blacklist holds every peer that is
// not a member of any of our spaces, so a non-member never opens a pubsub
// stream with us and never learns a topic name. Pubsub reads the blacklist
// only when a connection is identified: call Readmit when a peer we are
// connected to is admitted. Pubsub still tells every peer it talks to all
// of our topics: a member of one space learns our topic names in the
// others (the threat model says so).
//
// Wire format (docs/protocol.md): the topic of an epoch is
// base32(HMAC-SHA256(epoch key, "topic")[:16]); an envelope is the
// deterministic CBOR array [version, epoch, nonce, ciphertext] of at most
// MaxEnvelope bytes, sealed with XChaCha20-Poly1305 under
// HMAC-SHA256(epoch key, "weft/gossip/seal/v1"), with associated data
// binding the version, the space and the epoch. The plaintext is the CBOR
// array [doc, type, meta, chunks, attestations, heads].
package gossip
