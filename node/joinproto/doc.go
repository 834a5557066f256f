// Package joinproto is weft's admission protocol, /weft/join/1 (DESIGN.md
// section 8, docs/protocol.md): a joiner holding an invite code opens a
// stream to any member of the space; the member sends a fresh nonce; the
// joiner answers with a member.Join whose proof, made with the invite's
// secret key, signs that nonce; the member checks it, appends the admission
// to its membership log and answers with the space's current epoch key
// sealed to the joiner and the membership log, or with a refusal and its
// reason.
//
// The package holds the messages, their bounded strict codec and the two
// sides of one exchange over any stream with deadlines (a libp2p stream
// satisfies Stream). What admitting means, and storing, is the caller's:
//
//	resp, err := joinproto.Ask(ctx, stream, idle, func(nonce []byte) (*member.Join, error) {
//		return member.NewJoin(inv, key, nonce, me, x25519, name), nil
//	})
package joinproto
