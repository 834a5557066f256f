package member

import "errors"

// Sentinel errors. Decode, Add and the reasons in Roster.Invalid wrap
// exactly one of them; match them with errors.Is.
var (
	// ErrMalformed: bytes or fields that break the operation format.
	ErrMalformed = errors.New("member: malformed")
	// ErrTooLarge: an operation or invite over one of the limits.
	ErrTooLarge = errors.New("member: too large")
	// ErrBadSignature: a signature (operation, invite or join proof) does
	// not verify.
	ErrBadSignature = errors.New("member: bad signature")
	// ErrWrongSpace: an operation or invite of another space.
	ErrWrongSpace = errors.New("member: wrong space")
	// ErrTooManyPending: too many operations wait for the ones they follow.
	ErrTooManyPending = errors.New("member: too many pending operations")
	// ErrNoCreate: the log holds no valid create operation.
	ErrNoCreate = errors.New("member: no create operation")

	// Reasons an operation is invalid in the replay (Roster.Invalid).

	// ErrDuplicateCreate: a second create operation for the same space.
	ErrDuplicateCreate = errors.New("member: space already created")
	// ErrNotMember: the signer (or the target) is not a member at that point.
	ErrNotMember = errors.New("member: not a member")
	// ErrNotSteward: the signer (or an invite's signer) is not a steward at
	// that point.
	ErrNotSteward = errors.New("member: not a steward")
	// ErrLastSteward: the operation would leave the space with no steward.
	ErrLastSteward = errors.New("member: last steward")
	// ErrNoChange: a role change to the role held, or a removal of oneself.
	ErrNoChange = errors.New("member: operation changes nothing")
	// ErrAlreadyMember: an admission of a current member.
	ErrAlreadyMember = errors.New("member: already a member")
	// ErrInviteExpired: the admitter's signed time is after the invite's expiry.
	ErrInviteExpired = errors.New("member: invite expired")
	// ErrTimeTooEarly: the admitter's signed time is more than MaxClockSkew
	// before the latest time signed in the operations it follows.
	ErrTimeTooEarly = errors.New("member: admission time too early")
	// ErrInviteOverused: the invite was already used as often as it allows.
	ErrInviteOverused = errors.New("member: invite used up")
	// ErrInviteRevoked: the invite was revoked before this admission.
	ErrInviteRevoked = errors.New("member: invite revoked")
	// ErrInviteNotFor: the invite is bound to another key.
	ErrInviteNotFor = errors.New("member: invite is for another key")
	// ErrProofReplayed: a join proof already used in an admission.
	ErrProofReplayed = errors.New("member: join proof replayed")
)
