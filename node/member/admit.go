package member

import (
	"fmt"
	"slices"
)

// admit checks an admission against the roster so far and admits the
// joiner. Any member may admit; the invite's signer must be a steward at
// this point of the replay (a signing time cannot be proven from the log,
// and a removed steward could otherwise back-date fresh invites).
func (p *replay) admit(id [32]byte, op *Op) error {
	j, inv := op.Join, op.Join.Invite
	if err := p.admitTimes(op); err != nil {
		return err
	}
	switch {
	case !p.r.IsMember(op.Signer):
		return ErrNotMember
	case p.r.Role(inv.Signer) != RoleSteward:
		return fmt.Errorf("invite signer: %w", ErrNotSteward)
	case p.revokedBefore(id, inv.InviteID):
		return ErrInviteRevoked
	case p.r.IsMember(j.Joiner):
		return ErrAlreadyMember
	case p.proofs[string(j.Nonce)]:
		return ErrProofReplayed
	case p.overused(id, inv):
		return ErrInviteOverused
	}
	p.used[inv.InviteID]++
	p.proofs[string(j.Nonce)] = true
	p.r.add(&Member{Key: j.Joiner, Name: j.Name, Role: inv.Role, X25519: j.X25519, AdmittedBy: op.Signer, OpID: id})
	return nil
}

// admitTimes checks the admitter's signed time: at or before the invite's
// expiry, and no more than MaxClockSkew before the latest time signed in
// the operations the admission follows. It depends on the log alone.
func (p *replay) admitTimes(op *Op) error {
	if op.Time > op.Join.Invite.Expires {
		return ErrInviteExpired
	}
	var latest int64
	for _, f := range op.Follows {
		latest = max(latest, p.log.ops[f].Time)
	}
	if op.Time < latest-MaxClockSkew {
		return ErrTimeTooEarly
	}
	return nil
}

// candidates returns, per invite ID and in ascending ID order, the
// admissions whose times are valid: those that may consume a use.
func (p *replay) candidates() map[string][][32]byte {
	out := map[string][][32]byte{}
	for id, op := range p.log.ops {
		if op.Kind == KindAdmit && p.admitTimes(op) == nil {
			out[op.Join.Invite.InviteID] = append(out[op.Join.Invite.InviteID], id)
		}
	}
	for _, ids := range out {
		slices.SortFunc(ids, compareID)
	}
	return out
}

// overused reports whether admission id would use inv once too often.
// Over-use is resolved by lowest operation ID: uses go first to the valid
// admissions already replayed, then id must also leave room for the joiners
// of every candidate with a lower ID that is concurrent with it and not yet
// replayed (counting each joiner once, and not id's own joiner nor current
// members, whose admissions will fail). So of concurrent admissions the
// lowest IDs win, whatever the replay order; the losers are listed with
// ErrInviteOverused. A use is never granted twice: every admission also
// counts the uses already granted.
func (p *replay) overused(id [32]byte, inv *Invite) bool {
	joiner := p.log.ops[id].Join.Joiner
	ahead := map[string]bool{}
	for _, b := range p.admits[inv.InviteID] {
		if compareID(b, id) >= 0 {
			break
		}
		bj := p.log.ops[b].Join.Joiner
		if !p.done[b] && !p.anc.has(b, id) && !bj.Equal(joiner) && !p.r.IsMember(bj) {
			ahead[string(bj)] = true
		}
	}
	return p.used[inv.InviteID]+len(ahead) >= inv.Uses
}

// revokedBefore reports whether a valid revocation of inviteID precedes
// admission id causally (a concurrent revocation does not stop it).
func (p *replay) revokedBefore(id [32]byte, inviteID string) bool {
	for _, r := range p.revoked[inviteID] {
		if p.anc.has(id, r) {
			return true
		}
	}
	return false
}
