// Package member is a space's membership log (DESIGN.md section 8): a
// grow-only set of signed operations, and the effective roster every node
// computes from it by the same deterministic replay.
//
// Operations (Op) are created, admitted, role changes, removals, key
// rotations, invite revocations, relay lists, renames and departures. Each
// names the operations its signer saw last (Follows), carries the signer's
// clock (Time, unix ms) and is signed under seal.ContextMemberOp, binding
// its space. Its ID is the SHA-256 of its deterministic CBOR encoding.
// A space's ID is derived from its creator's key and a salt (SpaceID), so
// only the creator can sign its create operation.
//
// A Log holds verified operations: Add checks fields and signatures only,
// keeps an operation whose follows are missing apart (Missing lists what to
// fetch), and never deletes anything. Roster replays the log in a
// topological order (ties by lowest ID) and checks at each step that the
// signer had the right to act; what fails is listed by Invalid. Validity is
// a pure function of the log: no clock, no I/O.
//
//	inv, inviteKey, _ := member.NewInvite(steward, space, member.RoleMember, expires, 1, nil)
//	// ... the joiner receives inv and inviteKey in the invite code, and
//	// answers the admitting member's nonce:
//	join := member.NewJoin(inv, inviteKey, nonce, joinerKey, joinerX25519, "Ana")
//	// ... the admitting member (any member) appends the admission:
//	op := &member.Op{Space: space, Kind: member.KindAdmit, Follows: log.Heads(), Time: now, Join: join}
//	if err := op.Sign(admitter); err != nil { ... }
//	if err := log.Add(op); err != nil { ... }
//	roster, err := log.Roster()
//
// Rights: create makes its signer the first steward. Stewards change roles,
// remove, rotate, revoke invites, set relays and rename. Any member admits a
// joiner whose join verifies against an invite signed by a current steward,
// within its expiry and uses and not revoked before it. A member leaves on
// its own. The last steward can neither leave nor be demoted or removed.
//
// Nothing here is safe for concurrent use except a Roster, which is
// immutable.
package member
