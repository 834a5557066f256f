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
	v, err := n.ledgerDoc(ctx, rec.Ledger)
	for err == nil && len(v.ContinuedIn) > 0 && len(seen) <= maxChain {
		next := v.ContinuedIn[0]
		c.Duplicates = append(c.Duplicates, v.ContinuedIn[1:]...)
		if seen[next] {
			break // a cycle: stay at the last ledger reached
		}
		nv, nerr := n.ledgerDoc(ctx, next)
		if errors.Is(nerr, ErrNotFound) {
			c.Waiting = next
			break
		}
		if nerr != nil {
			return c, v, nerr
		}
		seen[next] = true
		c.Previous, c.Current, v = append(c.Previous, c.Current), next, nv
	}
	if err != nil {
		return c, v, err
	}
	if c.Current != orDefault(rec.Current, rec.Ledger) {
		err = n.setCurrentLedger(ctx, rec.ID, c.Current)
	}
	return c, v, err
}

// ledgerDoc views the root of doc, which must be a ledger. A document
// this node does not hold (yet) is ErrNotFound.
func (n *Node) ledgerDoc(ctx context.Context, doc string) (model.LedgerView, error) {
	v, err := n.viewRoot(ctx, doc)
	if err != nil {
		return model.LedgerView{}, err
	}
	if v.Ledger == nil {
		return model.LedgerView{}, fmt.Errorf("%w: document %s is not a ledger", ErrNotFound, doc)
	}
	return *v.Ledger, nil
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
