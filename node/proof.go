package node

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"

	"github.com/weftsync/weft/node/member"
	"github.com/weftsync/weft/store"
)

// A member admitted where we did not see it (offline, with a welcome
// bundle carried on a USB stick) asks us for a space our roster does not
// list it in yet. We serve it nothing and say nothing, as to anyone we do
// not count as a member; it sees the space unserved and asks again with
// its membership log as a proof (replicate.PullProving). The proof is
// checked here: when it admits the member, it is stored (the member is
// readmitted to gossip, readmit.go) and the space is served in the same
// exchange (decisions/0027-claim-proof.md).

// errNotProved: a proof of membership that does not admit its sender.
var errNotProved = errors.New("node: the proof does not admit its sender")

// TakeProof checks the membership operations peer sent as a proof that it
// is a member of space: it adds them to our log in a transaction that is
// kept only when we hold the space and the log then lists peer as a
// member. It reports whether it did; a proof that does not admit peer, or
// a space we do not hold, is false with no error.
func (l syncLocal) TakeProof(ctx context.Context, space string, peer ed25519.PublicKey, ops [][]byte) (bool, error) {
	err := l.n.update(ctx, func(tx *writeTx) error {
		after, err := mergeOps(tx, l.n, space, ops)
		if err == nil && !after.IsMember(peer) {
			return errNotProved
		}
		return err
	})
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, errNotProved), errors.Is(err, store.ErrNotFound):
		return false, nil
	}
	return false, err
}

// mergeOps verifies membership operations of a space this node is in and
// adds them to its log and the store, all of them or, when one is invalid
// or the log they make does not replay, none (the caller's transaction
// fails). Members they admit are readmitted after the commit. It returns
// the roster they make.
func mergeOps(tx *writeTx, n *Node, space string, ops [][]byte) (*member.Roster, error) {
	if _, err := tx.Space(space); err != nil {
		return nil, err
	}
	log, err := n.spaceLog(tx.Tx, space)
	if err != nil {
		return nil, err
	}
	before, _ := log.Roster()
	for _, blob := range ops {
		if err := addOp(tx.Tx, log, space, blob); err != nil {
			return nil, err
		}
	}
	after, err := log.Roster()
	if err != nil {
		return nil, fmt.Errorf("%w: membership log with received operations: %w", ErrInvalid, err)
	}
	tx.admitted = append(tx.admitted, newMembers(before, after)...)
	return after, nil
}
