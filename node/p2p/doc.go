// Package p2p builds weft's libp2p host: TCP with Noise and QUIC with
// libp2p TLS, the node's Ed25519 identity as its peer key, a generic user
// agent, a connection gater that refuses the peers the caller denies (the
// quarantine list), the relay transport, hole punching (DCUtR), AutoRelay
// fed by the caller's candidates, and on request a circuit relay service
// behind an allow list (never open). Reachability is forced private unless
// the host relays (forced public) or listens on a public address (AutoNAT
// decides). mDNS under weft's own service name (StartLAN) and weft's
// private DHT (StartDHT) are started separately, only when asked for.
// PathOf says how a peer is reached. No ping, no metrics.
//
//	h, err := p2p.New(p2p.Config{Key: id.Private, Listen: p2p.DefaultListen()})
//	if errors.Is(err, p2p.ErrPortInUse) { ... tell the user about --listen ... }
//	defer h.Close()
//
// The caller owns the host and closes it.
package p2p
