// Package p2p builds weft's libp2p host: TCP with Noise and QUIC with
// libp2p TLS, the node's Ed25519 identity as its peer key, a generic user
// agent, and a connection gater that refuses the peers the caller denies
// (the quarantine list). It adds nothing else: no relay, no hole punching,
// no mDNS, no DHT, no ping. Weft's own protocols register their handlers on
// the host it returns.
//
//	h, err := p2p.New(p2p.Config{Key: id.Private, Listen: p2p.DefaultListen()})
//	if errors.Is(err, p2p.ErrPortInUse) { ... tell the user about --listen ... }
//	defer h.Close()
//
// The caller owns the host and closes it.
package p2p
