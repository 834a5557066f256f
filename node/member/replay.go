package member

import (
	"crypto/ed25519"
	"fmt"
)

// Roster replays the log in its deterministic order (see Ops) and returns
// the effective roster. Each operation is checked against the roster as it
// stands at that point of the replay; an operation that fails is listed by
// Invalid and changes nothing.
//
// Concurrent conflicting operations resolve by that order: the one replayed
// first wins, and the other is then judged against its effect. Two stewards
// removing each other concurrently: the removal replayed first stands, and
// the other's signer is by then no longer a member (ErrNotMember). Among
// operations that follow the same heads the lower ID replays first.
//
// It fails with ErrNoCreate when the log holds no create operation.
func (l *Log) Roster() (*Roster, error) {
	order := l.order()
	p := newReplay(l, order)
	for _, id := range order {
		op := l.ops[id]
		if err := p.apply(id, op); err != nil {
			p.r.invalid = append(p.r.invalid, Rejected{OpID: id, Kind: op.Kind, Signer: op.Signer, Reason: err})
		}
		p.done[id] = true
	}
	if !p.r.created {
		return nil, ErrNoCreate
	}
	return p.r, nil
}

// replay is the state of one replay of a log.
type replay struct {
	log     *Log
	r       *Roster
	done    map[[32]byte]bool
	anc     *ancestry
	used    map[string]int        // invite ID -> valid admissions so far
	revoked map[string][][32]byte // invite ID -> valid revocations
	proofs  map[string]bool       // nonces of valid admissions
	admits  map[string][][32]byte // invite ID -> candidate admissions, ascending
}

func newReplay(l *Log, order [][32]byte) *replay {
	p := &replay{
		log:     l,
		r:       &Roster{space: l.space, members: map[string]*Member{}},
		done:    map[[32]byte]bool{},
		anc:     newAncestry(l, order),
		used:    map[string]int{},
		revoked: map[string][][32]byte{},
		proofs:  map[string]bool{},
	}
	p.admits = p.candidates()
	return p
}

// apply checks one operation against the roster so far and applies it.
func (p *replay) apply(id [32]byte, op *Op) error {
	switch {
	case op.Kind == KindCreate:
		return p.create(id, op)
	case !p.r.created:
		return ErrNoCreate
	case op.Kind == KindAdmit:
		return p.admit(id, op)
	case op.Kind == KindLeave:
		return p.leave(id, op)
	}
	if err := p.needSteward(op.Signer); err != nil {
		return err
	}
	switch op.Kind {
	case KindRole:
		return p.role(op)
	case KindRemove:
		return p.remove(id, op)
	case KindRotate:
		p.r.epochs = append(p.r.epochs, Epoch{ID: id, Recipients: op.Recipients})
	case KindRevokeInvite:
		p.revoked[op.InviteID] = append(p.revoked[op.InviteID], id)
	case KindSetRelays:
		p.r.relays = op.Relays
	case KindRename:
		p.r.name = op.SpaceName
	}
	return nil
}

// needSteward fails unless key is a current steward.
func (p *replay) needSteward(key ed25519.PublicKey) error {
	switch p.r.Role(key) {
	case RoleSteward:
		return nil
	case "":
		return ErrNotMember
	}
	return ErrNotSteward
}

// create founds the space: its name, its creator as steward, its first epoch.
func (p *replay) create(id [32]byte, op *Op) error {
	if p.r.created {
		return ErrDuplicateCreate
	}
	p.r.created = true
	p.r.name = op.SpaceName
	p.r.add(&Member{Key: op.Signer, Name: op.Name, Role: RoleSteward, X25519: op.X25519, OpID: id})
	p.r.epochs = append(p.r.epochs, Epoch{ID: id, Recipients: op.Recipients})
	return nil
}

// role changes a member's role; the last steward cannot be demoted.
func (p *replay) role(op *Op) error {
	m, ok := p.r.members[string(op.Target)]
	switch {
	case !ok:
		return fmt.Errorf("target: %w", ErrNotMember)
	case m.Role == op.Role:
		return ErrNoChange
	case m.Role == RoleSteward && p.r.stewards() == 1:
		return ErrLastSteward
	}
	m.Role = op.Role
	return nil
}

// remove ends another member's membership and records the cut.
func (p *replay) remove(id [32]byte, op *Op) error {
	m, ok := p.r.members[string(op.Target)]
	switch {
	case op.Target.Equal(op.Signer):
		return fmt.Errorf("remove oneself (leave instead): %w", ErrNoChange)
	case !ok:
		return fmt.Errorf("target: %w", ErrNotMember)
	case m.Role == RoleSteward && p.r.stewards() == 1:
		return ErrLastSteward
	}
	p.r.drop(op.Target)
	p.r.cuts = append(p.r.cuts, Cut{Member: op.Target, OpID: id, Docs: op.Cut})
	return nil
}

// leave ends the signer's own membership; the last steward cannot leave.
func (p *replay) leave(id [32]byte, op *Op) error {
	switch p.r.Role(op.Signer) {
	case "":
		return ErrNotMember
	case RoleSteward:
		if p.r.stewards() == 1 {
			return ErrLastSteward
		}
	}
	p.r.drop(op.Signer)
	if len(op.Cut) > 0 {
		p.r.cuts = append(p.r.cuts, Cut{Member: op.Signer, OpID: id, Docs: op.Cut})
	}
	return nil
}
