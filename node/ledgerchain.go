package node

import (
	"context"
	"errors"
	"fmt"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/store"
)

// LedgerChain says where a space's ledger stands after continuations
// (decision 0071). Every node resolves it alike from the ledgers' own
// markers: a continued ledger continues in the lowest of the IDs its
// markers name; the others are duplicate continuations, made concurrently
// by members who had not seen each other's.
type LedgerChain struct {
	Current string `json:"current"` // the ledger new entries go to
	// Previous are the ledgers Current continues, oldest first.
	Previous []string `json:"previous"`
	// Duplicates are continuations that lost to a lower ID: ledgers made
	// concurrently, whose entries past their opening balances are not in
	// Current (the member who made one re-records them).
	Duplicates []string `json:"duplicates"`
	// Waiting is set when Current is continued in a ledger this node has
	// not received yet: entries are refused until it arrives.
	Waiting string `json:"waiting,omitempty"`
}

// maxChain bounds how many continuations are followed: a hostile member
// could mark ledgers in a cycle.
const maxChain = 1000

// LedgerChain resolves where the space's ledger continues.
func (n *Node) LedgerChain(ctx context.Context, sp Space) (LedgerChain, error) {
	rec, err := n.resolveSpace(ctx, sp.ID)
	if err != nil {
		return LedgerChain{}, err
	}
	c, _, err := n.ledgerChain(ctx, rec)
	return c, err
}

// ledgerChain follows the continuation markers from the space's first
// ledger, returns the chain and the current ledger's root (currency and
// continuations, no entries: Engine.ViewRoot, whose cost does not grow
// with the ledgers), and records the current ledger in the space record
// when it moved.
func (n *Node) ledgerChain(ctx context.Context, rec spaceRecord) (LedgerChain, model.LedgerView, error) {
	c := LedgerChain{Current: rec.Ledger, Previous: []string{}, Duplicates: []string{}}
	seen := map[string]bool{rec.Ledger: true}
	v, err := n.viewRoot(ctx, rec.Ledger)
	if err != nil {
		return c, model.LedgerView{}, err
	}
	if v.Ledger == nil {
		return c, model.LedgerView{}, fmt.Errorf("%w: document %s is not a ledger", ErrCorrupt, rec.Ledger)
	}
	cur := *v.Ledger
	for len(cur.ContinuedIn) > 0 && len(seen) <= maxChain {
		next, nv, err := n.nextLedger(ctx, rec.ID, cur.ContinuedIn, seen)
		if err != nil {
			return c, cur, err
		}
		c.Duplicates = append(c.Duplicates, nv.others...)
		if nv.waiting != "" {
			c.Waiting = nv.waiting
			break
		}
		if next == "" {
			break // no marker names a ledger of this space: a modified client's
		}
		seen[next] = true
		c.Previous, c.Current, cur = append(c.Previous, c.Current), next, nv.view
	}
	if c.Current != orDefault(rec.Current, rec.Ledger) {
		err = n.setCurrentLedger(ctx, rec.ID, c.Current)
	}
	return c, cur, err
}

// candidate is what nextLedger found: the next ledger's root, or the ID
// it waits for, and the other markers' ledgers (duplicates).
type candidate struct {
	view    model.LedgerView
	waiting string
	others  []string
}

// nextLedger picks where a ledger continues among its markers' IDs,
// ascending: the first that names a ledger of the space. IDs naming
// another kind of document, a ledger of another space or one already in
// the chain are skipped (only a modified client writes them). An ID this
// node does not hold stops the search: it may be the winner, not yet
// received. The IDs after the one chosen that are not skipped are
// duplicates.
func (n *Node) nextLedger(ctx context.Context, space string, ids []string, seen map[string]bool) (string, candidate, error) {
	var next string
	var out candidate
	for _, id := range ids {
		if seen[id] {
			continue
		}
		held, ok, err := n.heldLedger(ctx, space, id)
		switch {
		case err != nil:
			return "", candidate{}, err
		case held && !ok:
			continue // not a ledger of this space
		case next != "" || out.waiting != "":
			out.others = append(out.others, id)
		case !held:
			out.waiting = id
		default:
			v, err := n.viewRoot(ctx, id)
			if err != nil {
				return "", candidate{}, err
			}
			if v.Ledger == nil {
				return "", candidate{}, fmt.Errorf("%w: document %s is not a ledger", ErrCorrupt, id)
			}
			next, out.view = id, *v.Ledger
		}
	}
	return next, out, nil
}

// heldLedger reports whether this node holds document id, and whether it
// is a ledger of space, from the store's document row.
func (n *Node) heldLedger(ctx context.Context, space, id string) (held, ok bool, err error) {
	err = n.db.View(ctx, func(tx *store.Tx) error {
		row, err := tx.Doc(id)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		held, ok = err == nil, row.Space == space && row.Type == model.Ledger
		return err
	})
	return held, ok, storeErr(err)
}

// setCurrentLedger records in the space record the ledger entries go to.
func (n *Node) setCurrentLedger(ctx context.Context, space, ledger string) error {
	return n.update(ctx, func(tx *writeTx) error { return putCurrentLedger(tx.Tx, space, ledger) })
}

func putCurrentLedger(tx *store.Tx, space, ledger string) error {
	rec, err := spaceRecordIn(tx, space)
	if err != nil {
		return err
	}
	rec.Current = ledger
	if ledger == rec.Ledger {
		rec.Current = ""
	}
	return putSpaceRecord(tx, rec)
}

// entryLedger returns the ledger a new entry of the space goes to. While
// no continuation is known it reads nothing; after one, it resolves the
// chain, so that a node whose own continuation lost to a concurrent one
// follows the one every node chose.
func (n *Node) entryLedger(ctx context.Context, rec spaceRecord) (string, error) {
	if rec.Current == "" {
		return rec.Ledger, nil
	}
	c, _, err := n.ledgerChain(ctx, rec)
	if err != nil {
		return "", err
	}
	return c.Current, c.waitingErr()
}

// waitingErr refuses entries while the ledger's continuation has not
// arrived.
func (c LedgerChain) waitingErr() error {
	if c.Waiting == "" {
		return nil
	}
	return fmt.Errorf("%w: ledger %s is continued in %s, which this node has not received yet: sync with a member, then record the entry",
		ErrInvalid, c.Current, c.Waiting)
}
