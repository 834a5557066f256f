package node

import (
	"context"
	"errors"
	"sort"

	"github.com/fxamacker/cbor/v2"

	"github.com/weftsync/weft/store"
)

// spaceState is where a space stands on this node.
type spaceState int

const (
	spaceUnknown spaceState = iota // neither joined nor pending
	spacePending                   // a pending join: not admitted yet
	spaceWaiting                   // admitted, its default documents not arrived yet
	spaceReady                     // admitted, with its default calendar and ledger
)

// stateOf tells where space stands.
func stateOf(tx *store.Tx, space string) (spaceState, error) {
	b, err := tx.Space(space)
	if errors.Is(err, store.ErrNotFound) {
		return pendingState(tx, space)
	}
	if err != nil {
		return spaceUnknown, err
	}
	var rec spaceRecord
	if err := cbor.Unmarshal(b, &rec); err != nil {
		return spaceUnknown, err
	}
	for _, doc := range []string{rec.Calendar, rec.Ledger} {
		if _, err := tx.Doc(doc); errors.Is(err, store.ErrNotFound) {
			return spaceWaiting, nil
		} else if err != nil {
			return spaceUnknown, err
		}
	}
	return spaceReady, nil
}

func pendingState(tx *store.Tx, space string) (spaceState, error) {
	rows, err := tx.PendingJoins()
	if err != nil {
		return spaceUnknown, err
	}
	for _, r := range rows {
		if r.Space == space {
			return spacePending, nil
		}
	}
	return spaceUnknown, nil
}

// withPending lists the joined spaces by name, each marked pending while
// its documents have not arrived, then the pending joins by ID.
func (n *Node) withPending(ctx context.Context) ([]Space, error) {
	recs, err := n.spaceRecords(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Space, 0, len(recs))
	err = n.db.View(ctx, func(tx *store.Tx) error {
		for _, r := range recs {
			st, err := stateOf(tx, r.ID)
			if err != nil {
				return err
			}
			sp := r.space()
			sp.Pending = st != spaceReady
			out = append(out, sp)
		}
		rows, err := tx.PendingJoins()
		sort.Slice(rows, func(i, j int) bool { return rows[i].Space < rows[j].Space })
		for _, r := range rows {
			out = append(out, Space{ID: r.Space, Pending: true})
		}
		return err
	})
	return out, storeErr(err)
}
