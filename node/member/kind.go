package member

// Kind names what an operation does.
type Kind string

// The operation kinds (DESIGN.md section 8).
const (
	KindCreate       Kind = "create"
	KindAdmit        Kind = "admit"
	KindRole         Kind = "role"
	KindRemove       Kind = "remove"
	KindRotate       Kind = "rotate"
	KindRevokeInvite Kind = "revoke_invite"
	KindSetRelays    Kind = "set_relays"
	KindRename       Kind = "rename"
	KindLeave        Kind = "leave"
)

// Role is a member's role in a space.
type Role string

// The roles. Stewards invite, change roles, remove, rotate keys, revoke
// invites, set relays and rename; members edit documents and may admit a
// joiner who presents a valid invite.
const (
	RoleSteward Role = "steward"
	RoleMember  Role = "member"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleSteward || r == RoleMember }
