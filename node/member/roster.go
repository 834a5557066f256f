package member

import (
	"crypto/ed25519"
	"slices"
)

// Member is one member of a space as the roster sees it.
type Member struct {
	Key        ed25519.PublicKey
	Name       string
	Role       Role
	X25519     []byte            // where epoch keys are sealed to
	AdmittedBy ed25519.PublicKey // nil for the creator
	OpID       [32]byte          // the create or admit operation that made it a member
}

// Cut records the changes the space still accepts from a member who was
// removed (the remover's cut) or left (its own, optional): for each
// document, per actor, the highest sequence accepted.
type Cut struct {
	Member ed25519.PublicKey
	OpID   [32]byte
	Docs   map[string][]ActorCut
}

// Epoch is one space key: named by the ID of the create or rotate operation
// that made it, sealed to its recipients.
type Epoch struct {
	ID         [32]byte
	Recipients []Recipient
}

// Rejected is an operation the replay found invalid, and why. Reason wraps
// one of the sentinel errors (ErrNotSteward, ErrInviteOverused, ...).
type Rejected struct {
	OpID   [32]byte
	Kind   Kind
	Signer ed25519.PublicKey
	Reason error
}

// Roster is the effective membership of a space: the result of replaying
// its log. It is immutable and safe for concurrent use. The slices it
// returns are copies, but the keys and byte slices inside them are shared
// with the log: read them, never modify them.
type Roster struct {
	space   string
	name    string
	created bool
	members map[string]*Member
	joined  []string // member keys in admission order
	relays  []string
	epochs  []Epoch
	cuts    []Cut
	invalid []Rejected
}

// Space returns the space's ID.
func (r *Roster) Space() string { return r.space }

// Name returns the space's name, as last set by create or rename.
func (r *Roster) Name() string { return r.name }

// Members returns the current members in the order they were admitted.
func (r *Roster) Members() []Member {
	out := make([]Member, 0, len(r.joined))
	for _, k := range r.joined {
		out = append(out, *r.members[k])
	}
	return out
}

// Member returns the member with key, if it is one.
func (r *Roster) Member(key ed25519.PublicKey) (Member, bool) {
	m, ok := r.members[string(key)]
	if !ok {
		return Member{}, false
	}
	return *m, true
}

// IsMember reports whether key is a current member.
func (r *Roster) IsMember(key ed25519.PublicKey) bool {
	_, ok := r.members[string(key)]
	return ok
}

// Role returns key's role, or "" when key is not a member.
func (r *Roster) Role(key ed25519.PublicKey) Role {
	if m, ok := r.members[string(key)]; ok {
		return m.Role
	}
	return ""
}

// Cuts returns the cuts of removed and departed members, in replay order.
func (r *Roster) Cuts() []Cut { return slices.Clone(r.cuts) }

// Relays returns the relay multiaddrs set by the last valid set_relays.
func (r *Roster) Relays() []string { return slices.Clone(r.relays) }

// Epoch returns the current epoch: the last valid create or rotate.
func (r *Roster) Epoch() Epoch { return r.epochs[len(r.epochs)-1] }

// Epochs returns every valid epoch in replay order, the current one last.
func (r *Roster) Epochs() []Epoch { return slices.Clone(r.epochs) }

// NeedsRotation reports whether the current epoch key was sealed to someone
// who is no longer a member: a steward should rotate.
func (r *Roster) NeedsRotation() bool {
	for _, rc := range r.Epoch().Recipients {
		if !r.IsMember(rc.Member) {
			return true
		}
	}
	return false
}

// Invalid returns the operations the replay refused, in replay order,
// among them invites used more often than they allow (ErrInviteOverused),
// which stewards should be shown.
func (r *Roster) Invalid() []Rejected { return slices.Clone(r.invalid) }

// stewards counts the current stewards.
func (r *Roster) stewards() int {
	n := 0
	for _, m := range r.members {
		if m.Role == RoleSteward {
			n++
		}
	}
	return n
}

// add makes m a member.
func (r *Roster) add(m *Member) {
	r.members[string(m.Key)] = m
	r.joined = append(r.joined, string(m.Key))
}

// drop ends key's membership.
func (r *Roster) drop(key ed25519.PublicKey) {
	delete(r.members, string(key))
	r.joined = slices.DeleteFunc(r.joined, func(k string) bool { return k == string(key) })
}
