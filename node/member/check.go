package member

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node/seal"
)

// sigOverhead bounds what a signature adds to an encoded operation.
const sigOverhead = 2 + 2 + 64

// check validates an operation's fields: the common ones, the kind's own,
// and that no field foreign to the kind is set.
func (op *Op) check() error {
	if err := op.checkCommon(); err != nil {
		return err
	}
	if err := op.checkKind(); err != nil {
		return fmt.Errorf("member: %s operation: %w", op.Kind, err)
	}
	if !bytes.Equal(encode(op.project()), op.unsigned()) {
		return fmt.Errorf("%w: %s operation carries foreign fields", ErrMalformed, op.Kind)
	}
	if len(op.unsigned())+sigOverhead > MaxOpSize {
		return fmt.Errorf("member: %s operation: %w", op.Kind, ErrTooLarge)
	}
	return nil
}

// checkCommon validates the fields every operation carries.
func (op *Op) checkCommon() error {
	switch {
	case op.Version != OpVersion:
		return fmt.Errorf("%w: operation version %d", ErrMalformed, op.Version)
	case !model.ValidID(op.Space):
		return fmt.Errorf("%w: space ID %q", ErrMalformed, op.Space)
	case !isKey(op.Signer) || op.Time <= 0:
		return fmt.Errorf("%w: signer or time", ErrMalformed)
	case len(op.Follows) > MaxFollows:
		return fmt.Errorf("member: %d follows: %w", len(op.Follows), ErrTooLarge)
	case (op.Kind == KindCreate) != (len(op.Follows) == 0):
		return fmt.Errorf("%w: create follows nothing, every other operation something", ErrMalformed)
	}
	for i := 1; i < len(op.Follows); i++ {
		if bytes.Compare(op.Follows[i-1][:], op.Follows[i][:]) >= 0 {
			return fmt.Errorf("%w: follows not strictly ascending", ErrMalformed)
		}
	}
	return nil
}

// checkKind validates the fields of op's kind.
func (op *Op) checkKind() error {
	switch op.Kind {
	case KindCreate:
		return op.checkCreate()
	case KindAdmit:
		return op.checkAdmit()
	case KindRole:
		return firstErr(checkKey(op.Target), checkRole(op.Role))
	case KindRemove:
		return firstErr(checkKey(op.Target), checkCut(op.Cut, op.Target))
	case KindRotate:
		return checkRecipients(op.Recipients)
	case KindRevokeInvite:
		return checkID(op.InviteID)
	case KindSetRelays:
		return checkRelays(op.Relays)
	case KindRename:
		return checkName(op.SpaceName)
	case KindLeave:
		return checkCut(op.Cut, op.Signer)
	}
	return fmt.Errorf("%w: unknown kind", ErrMalformed)
}

// checkCreate validates a create operation, including that the space ID is
// derived from the signer's key and the salt.
func (op *Op) checkCreate() error {
	if len(op.Salt) != SaltSize || op.Space != SpaceID(op.Signer, op.Salt) {
		return fmt.Errorf("%w: space ID not derived from creator and salt", ErrMalformed)
	}
	if len(op.X25519) != X25519Size {
		return fmt.Errorf("%w: x25519 key size", ErrMalformed)
	}
	return firstErr(checkName(op.SpaceName), checkName(op.Name), checkRecipients(op.Recipients))
}

// checkAdmit validates an admission's join, signatures included.
func (op *Op) checkAdmit() error {
	if op.Join == nil {
		return fmt.Errorf("%w: admission without join", ErrMalformed)
	}
	if err := op.Join.Verify(); err != nil {
		return err
	}
	if op.Join.Invite.Space != op.Space {
		return ErrWrongSpace
	}
	return nil
}

// project returns a copy of op holding only the fields its kind carries.
func (op *Op) project() *Op {
	p := &Op{Version: op.Version, Space: op.Space, Kind: op.Kind, Follows: op.Follows, Signer: op.Signer, Time: op.Time}
	switch op.Kind {
	case KindCreate:
		p.SpaceName, p.Salt, p.Name, p.X25519, p.Recipients = op.SpaceName, op.Salt, op.Name, op.X25519, op.Recipients
	case KindAdmit:
		p.Join = op.Join
	case KindRole:
		p.Target, p.Role = op.Target, op.Role
	case KindRemove:
		p.Target, p.Cut = op.Target, op.Cut
	case KindRotate:
		p.Recipients = op.Recipients
	case KindRevokeInvite:
		p.InviteID = op.InviteID
	case KindSetRelays:
		p.Relays = op.Relays
	case KindRename:
		p.SpaceName = op.SpaceName
	case KindLeave:
		p.Cut = op.Cut
	}
	return p
}

// checkName accepts a space or display name: 1 to MaxNameLen bytes of UTF-8
// with no control characters.
func checkName(s string) error {
	if s == "" || len(s) > MaxNameLen || !utf8.ValidString(s) || strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return fmt.Errorf("%w: name %q", ErrMalformed, s)
	}
	return nil
}

func checkKey(k []byte) error {
	if !isKey(k) {
		return fmt.Errorf("%w: key size", ErrMalformed)
	}
	return nil
}

func checkRole(r Role) error {
	if !r.Valid() {
		return fmt.Errorf("%w: role %q", ErrMalformed, r)
	}
	return nil
}

func checkID(id string) error {
	if !model.ValidID(id) {
		return fmt.Errorf("%w: ID %q", ErrMalformed, id)
	}
	return nil
}

// checkCut accepts a cut whose actors all belong to owner, each once per
// document.
func checkCut(cut map[string][]ActorCut, owner []byte) error {
	for doc, actors := range cut {
		if doc == "" || len(doc) > MaxDocIDLen || len(actors) == 0 {
			return fmt.Errorf("%w: cut document %q", ErrMalformed, doc)
		}
		seen := make(map[string]bool, len(actors))
		for _, a := range actors {
			if !seal.OwnsActor(owner, a.Actor) || seen[string(a.Actor)] {
				return fmt.Errorf("%w: cut actor %x", ErrMalformed, a.Actor)
			}
			seen[string(a.Actor)] = true
		}
	}
	return nil
}

// checkRecipients accepts 1 to MaxRecipients distinct members, each with a
// sealed key of 1 to MaxSealedKeySize bytes.
func checkRecipients(rs []Recipient) error {
	if len(rs) == 0 || len(rs) > MaxRecipients {
		return fmt.Errorf("%w: %d recipients", ErrMalformed, len(rs))
	}
	seen := make(map[string]bool, len(rs))
	for _, r := range rs {
		if !isKey(r.Member) || seen[string(r.Member)] || len(r.Sealed) == 0 || len(r.Sealed) > MaxSealedKeySize {
			return fmt.Errorf("%w: recipient %x", ErrMalformed, r.Member)
		}
		seen[string(r.Member)] = true
	}
	return nil
}

// checkRelays accepts up to MaxRelays multiaddrs: printable ASCII starting
// with "/", at most MaxRelayLen bytes each. set_relays with none clears them.
func checkRelays(rs []string) error {
	if len(rs) > MaxRelays {
		return fmt.Errorf("member: %d relays: %w", len(rs), ErrTooLarge)
	}
	for _, r := range rs {
		if len(r) < 2 || len(r) > MaxRelayLen || r[0] != '/' || strings.IndexFunc(r, notPrintableASCII) >= 0 {
			return fmt.Errorf("%w: relay %q", ErrMalformed, r)
		}
	}
	return nil
}

func notPrintableASCII(r rune) bool { return r < 0x21 || r > 0x7e }

// firstErr returns the first non-nil error.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
