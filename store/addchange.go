package store

import (
	"errors"
	"fmt"
)

// Outcome is what AddChange did with the change it was given.
type Outcome int

// The outcomes of AddChange.
const (
	Stored    Outcome = iota + 1 // checked and stored
	Held                         // a dependency is missing: kept apart, sealed, until it arrives
	Duplicate                    // the same hash is already stored: nothing done
)

// String names the outcome.
func (o Outcome) String() string {
	switch o {
	case Stored:
		return "stored"
	case Held:
		return "held"
	case Duplicate:
		return "duplicate"
	}
	return fmt.Sprintf("outcome(%d)", int(o))
}

// Result reports an AddChange: its outcome, every change it stored in
// causal order (the given one first, then held changes it released), and
// the held changes that were released but then refused and dropped.
type Result struct {
	Outcome Outcome
	Stored  [][32]byte
	Refused []*RefusedError
}

// MaxHeldPerDoc bounds the changes held for one document.
const MaxHeldPerDoc = 10000

// AddChange checks c against doc's stored history (DESIGN.md section 5) and
// stores it, holds it apart until its dependencies are stored, or reports it
// a duplicate. A change that fails a check gives a *RefusedError (errors.Is
// ErrRefused) and nothing is written for it. When c is stored, held changes
// whose dependencies are now all stored are checked and stored too, in
// causal order, in this transaction; held ones that fail are dropped and
// listed in Result.Refused. The document's manifest is updated with every
// stored change.
//
// Checks: seq >= 1 and a well-formed header; startOp and maxOp below 2^31;
// no other change stored with the same (actor, seq); seq not beyond a cut of
// its actor; startOp = 1 + the highest max_op_reachable of its deps (1 with
// none); seq 1, or the actor's change with seq - 1 is an ancestor. When all
// of a change's dependencies are stored, all its ancestors are, so a missing
// seq - 1 is then refused rather than held: it can never become an ancestor.
func (tx *Tx) AddChange(c Change) (Result, error) {
	if err := tx.writer(); err != nil {
		return Result{}, err
	}
	return tx.addEntry(tx.newEntry(c))
}

// addEntry is AddChange of an indexed change.
func (tx *Tx) addEntry(e *entry) (Result, error) {
	if err := tx.writer(); err != nil {
		return Result{}, err
	}
	if err := tx.lookSeq(e); err != nil {
		return Result{}, wrapAdd(err)
	}
	if string(e.seqHolder) == string(e.hash) {
		return Result{Outcome: Duplicate}, nil
	}
	if err := tx.unhold(e); err != nil {
		return Result{}, wrapAdd(err)
	}
	held, err := tx.place(e)
	if err != nil || held {
		return Result{Outcome: Held}, wrapAdd(err)
	}
	res := Result{Outcome: Stored, Stored: [][32]byte{e.Hash}}
	return res, wrapAdd(tx.release(e, &res))
}

// place checks e and stores it, or holds it when a dependency is missing.
func (tx *Tx) place(e *entry) (held bool, err error) {
	if err := tx.checkStatic(e); err != nil {
		return false, err
	}
	depMax, missing, err := tx.depsReachable(e)
	if err != nil {
		return false, err
	}
	if missing {
		return true, tx.hold(e)
	}
	if err := tx.checkContext(e, depMax); err != nil {
		return false, err
	}
	return false, tx.insert(e, max(depMax, e.MaxOp))
}

// release stores the held changes that first's arrival made ready, and the
// ones those make ready in turn, breadth first: each after its dependencies.
func (tx *Tx) release(first *entry, res *Result) error {
	queue := [][]byte{first.hash}
	for len(queue) > 0 {
		ready, err := tx.readyHeld(first.doc, queue[0])
		if err != nil {
			return err
		}
		queue = queue[1:]
		for _, e := range ready {
			stored, err := tx.promote(e, res)
			if err != nil {
				return err
			}
			if stored {
				queue = append(queue, e.hash)
			}
		}
	}
	return nil
}

// promote stores one released change, recording a refusal in res instead
// of failing.
func (tx *Tx) promote(e *entry, res *Result) (stored bool, err error) {
	held, err := tx.place(e)
	var refused *RefusedError
	switch {
	case errors.As(err, &refused):
		res.Refused = append(res.Refused, refused)
		return false, nil
	case err != nil:
		return false, err
	case held: // cannot happen: every dependency is stored
		return false, fmt.Errorf("store: released change still missing a dependency")
	}
	res.Stored = append(res.Stored, e.Hash)
	return true, nil
}

// wrapAdd prefixes errors that are not refusals, which speak for themselves.
func wrapAdd(err error) error {
	if err == nil || errors.Is(err, ErrRefused) || errors.Is(err, ErrLocked) {
		return err
	}
	return fmt.Errorf("store: add change: %w", err)
}
