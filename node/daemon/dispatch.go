package daemon

import (
	"bytes"
	"context"
	"fmt"

	"github.com/fxamacker/cbor/v2"

	"github.com/weftsync/weft/node"
)

// handler runs one method on the node with the request's arguments.
type handler func(ctx context.Context, n *node.Node, args []cbor.RawMessage) (any, error)

// dispatch is the table of every method the daemon serves. Nothing outside
// it can be called.
func dispatch() map[string]handler {
	return map[string]handler{
		mHello:          hello,
		mCreateSpace:    fn1((*node.Node).CreateSpace),
		mSpaces:         fn0((*node.Node).Spaces),
		mResolveSpace:   fn1((*node.Node).ResolveSpace),
		mSpaceDetail:    fn1((*node.Node).SpaceDetail),
		mCreateCalendar: fn2((*node.Node).CreateCalendar),
		mCalendars:      fn1((*node.Node).Calendars),
		mAddEvent:       fn3((*node.Node).AddEvent),
		mEvents:         fn2((*node.Node).Events),
		mEvent:          fn2((*node.Node).Event),
		mPatchEvent:     fn2e((*node.Node).PatchEvent),
		mImportICS:      importICS,
		mExportICS:      exportICS,
		mAddCase:        fn2((*node.Node).AddCase),
		mCases:          fn1((*node.Node).Cases),
		mCase:           fn2((*node.Node).Case),
		mPatchCase:      fn3e((*node.Node).PatchCase),
		mSearchCases:    fn2((*node.Node).SearchCases),
		mAddEntry:       fn2((*node.Node).AddEntry),
		mEntries:        fn1((*node.Node).Entries),
		mBalances:       fn1((*node.Node).Balances),
		mAudit:          fn1((*node.Node).Audit),
		mReverse:        fn3((*node.Node).Reverse),
		mLog:            fn3((*node.Node).Log),
		mInvite:         fn2((*node.Node).Invite),
		mJoinRequest:    joinRequest,
		mAdmit:          fn1((*node.Node).Admit),
		mAcceptWelcome:  fn1((*node.Node).AcceptWelcome),
		mExportBundle:   exportBundle,
		mImportBundle:   importBundle,
		mStatus:         fn0((*node.Node).Status),
		mPeers:          fn0((*node.Node).Peers),
		mQuarantine:     fn0((*node.Node).Quarantine),
		mLiftQuarantine: fn1((*node.Node).LiftQuarantine),
		mDoctor:         fn0((*node.Node).Doctor),
		mRelays:         fn1((*node.Node).Relays),
		mSetRelays:      fn2((*node.Node).SetRelays),
		mJoin:           fn1((*node.Node).Join),
		mRevokeInvite:   fn2e((*node.Node).RevokeInvite),
		mCancelJoin:     fn1((*node.Node).CancelJoin),
		mImportEntries:  importEntries,
		mSyncUntil:      fn2((*node.Node).SyncUntilCurrent),
		mCuts:           fn0((*node.Node).Cuts),
		mContinueLedger: fn1((*node.Node).ContinueLedger),
		mLedgerChain:    fn1((*node.Node).LedgerChain),

		mContinueCase:     fn2((*node.Node).ContinueCase),
		mCaseChain:        fn2((*node.Node).CaseChain),
		mContinueCalendar: fn2((*node.Node).ContinueCalendar),
		mCalendarChain:    fn2((*node.Node).CalendarChain),
		mNearOpBudget:     fn1((*node.Node).NearOpBudget),
	}
}

// decodeArgs decodes exactly len(into) arguments into the pointers given.
func decodeArgs(args []cbor.RawMessage, into ...any) error {
	if len(args) != len(into) {
		return fmt.Errorf("%w: daemon: %d argument(s), want %d", node.ErrInvalid, len(args), len(into))
	}
	for i, a := range args {
		if err := decMode.Unmarshal(a, into[i]); err != nil {
			return fmt.Errorf("%w: daemon: argument %d: %w", node.ErrInvalid, i+1, err)
		}
	}
	return nil
}

func fn0[R any](f func(*node.Node, context.Context) (R, error)) handler {
	return func(ctx context.Context, n *node.Node, args []cbor.RawMessage) (any, error) {
		if err := decodeArgs(args); err != nil {
			return nil, err
		}
		return f(n, ctx)
	}
}

func fn1[A, R any](f func(*node.Node, context.Context, A) (R, error)) handler {
	return func(ctx context.Context, n *node.Node, args []cbor.RawMessage) (any, error) {
		var a A
		if err := decodeArgs(args, &a); err != nil {
			return nil, err
		}
		return f(n, ctx, a)
	}
}

func fn2[A, B, R any](f func(*node.Node, context.Context, A, B) (R, error)) handler {
	return func(ctx context.Context, n *node.Node, args []cbor.RawMessage) (any, error) {
		var a A
		var b B
		if err := decodeArgs(args, &a, &b); err != nil {
			return nil, err
		}
		return f(n, ctx, a, b)
	}
}

func fn3[A, B, C, R any](f func(*node.Node, context.Context, A, B, C) (R, error)) handler {
	return func(ctx context.Context, n *node.Node, args []cbor.RawMessage) (any, error) {
		var a A
		var b B
		var c C
		if err := decodeArgs(args, &a, &b, &c); err != nil {
			return nil, err
		}
		return f(n, ctx, a, b, c)
	}
}

func fn2e[A, B any](f func(*node.Node, context.Context, A, B) error) handler {
	return fn2(func(n *node.Node, ctx context.Context, a A, b B) (any, error) { return nil, f(n, ctx, a, b) })
}

func fn3e[A, B, C any](f func(*node.Node, context.Context, A, B, C) error) handler {
	return fn3(func(n *node.Node, ctx context.Context, a A, b B, c C) (any, error) { return nil, f(n, ctx, a, b, c) })
}

func hello(_ context.Context, n *node.Node, args []cbor.RawMessage) (any, error) {
	if err := decodeArgs(args); err != nil {
		return nil, err
	}
	return Hello{PeerID: n.PeerID(), Name: n.Name()}, nil
}

// importICS takes the file's bytes in place of the node's reader.
func importICS(ctx context.Context, n *node.Node, args []cbor.RawMessage) (any, error) {
	var sp node.Space
	var cal string
	var data []byte
	if err := decodeArgs(args, &sp, &cal, &data); err != nil {
		return nil, err
	}
	return n.ImportICS(ctx, sp, cal, bytes.NewReader(data))
}

// exportICS returns the file's bytes in place of writing to a writer.
func exportICS(ctx context.Context, n *node.Node, args []cbor.RawMessage) (any, error) {
	var sp node.Space
	var cal string
	if err := decodeArgs(args, &sp, &cal); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := n.ExportICS(ctx, sp, cal, &buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func joinRequest(ctx context.Context, n *node.Node, args []cbor.RawMessage) (any, error) {
	var code string
	if err := decodeArgs(args, &code); err != nil {
		return nil, err
	}
	req, space, err := n.JoinRequest(ctx, code)
	return joinReply{Request: req, Space: space}, err
}

func exportBundle(ctx context.Context, n *node.Node, args []cbor.RawMessage) (any, error) {
	var sp node.Space
	if err := decodeArgs(args, &sp); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := n.ExportBundle(ctx, sp, &buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func importBundle(ctx context.Context, n *node.Node, args []cbor.RawMessage) (any, error) {
	var data []byte
	if err := decodeArgs(args, &data); err != nil {
		return nil, err
	}
	return n.ImportBundle(ctx, bytes.NewReader(data))
}

// importEntries takes the CSV file's bytes in place of the node's reader.
func importEntries(ctx context.Context, n *node.Node, args []cbor.RawMessage) (any, error) {
	var sp node.Space
	var data []byte
	if err := decodeArgs(args, &sp, &data); err != nil {
		return nil, err
	}
	return n.ImportEntries(ctx, sp, bytes.NewReader(data))
}
