package node

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/store"
)

// A document's op counter is bounded by store.MaxDocOps (decision 0065): the
// store refuses any change past it, local or received, so that no member can
// make a document the engine cannot hold. A local edit that would take its
// document past the bound is refused here, before the engine is asked.
//
// A local edit meets three op checks, in this order, each where the figure
// it needs is at hand: the estimate here, before the engine
// (checkOpBudget); each change's op counter from its parsed header, after
// the engine, against the reserve kept for a continuation (checkLocalOps,
// opreserve.go, decision 0071); the document's total of stored ops from
// its manifest, once stored (localTotalOps, opstotal.go, decision 0070).
// The first two judge by the node's budget, tx.opBudget (Node.opBudget:
// store.MaxDocOps but under the test knob SetDocOps), less the reserve
// (writeTx.localLimit), and their messages say that limit (budgetText).

// smallEditOps is the estimated size, in ops, under which an edit is not
// checked ahead: reading the document's op counter reads every change row
// of it, and a document at the bound plus a small edit is still far from
// the engine's limits. The store refuses such an edit's change all the same
// (after the engine made it; the engine's copy is then dropped).
const smallEditOps = 4096

// fieldOps estimates the ops of an edit's fields other than text: a scalar
// is one op whatever its length, a map or a list one more. A ledger entry
// is 10 (decision 0065), so that an import's estimate stays close to what
// the engine makes; an edit with more fields is under-estimated by a few
// ops, which the store's check covers.
const fieldOps = 12

// editOps estimates the ops an edit inserts: one per character of the text
// it writes (case bodies, event descriptions: Automerge Text holds an op a
// character), one per list item, and fieldOps for the rest. Deleted
// characters are ops too and are not counted: the store's check covers them.
func editOps(e model.Edit) uint64 {
	var runes, items int
	if e.Create != nil && e.Create.Case != nil {
		for _, b := range e.Create.Case.Bodies {
			runes += utf8.RuneCountInString(b)
		}
		items += len(e.Create.Case.Tags) + len(e.Create.Case.Sources)
	}
	if p := e.PatchCase; p != nil {
		if p.Body != nil {
			runes += utf8.RuneCountInString(*p.Body)
		}
		if p.Tags != nil {
			items += len(*p.Tags)
		}
		if p.Sources != nil {
			items += len(*p.Sources)
		}
	}
	if e.AddEvent != nil {
		runes += utf8.RuneCountInString(e.AddEvent.Description)
	}
	if e.PatchEvent != nil && e.PatchEvent.Description != nil {
		runes += utf8.RuneCountInString(*e.PatchEvent.Description)
	}
	return uint64(runes+items) + fieldOps
}

// checkOpBudget refuses edit e of doc when it would take the document past
// the op counter local edits may reach, before the engine makes it.
func checkOpBudget(tx *writeTx, doc string, e model.Edit) error {
	return checkOpBudgetMany(tx, doc, []model.Edit{e})
}

// checkOpBudgetMany is checkOpBudget of edits made one after the other.
func checkOpBudgetMany(tx *writeTx, doc string, edits []model.Edit) error {
	var ops uint64
	for _, e := range edits {
		ops += editOps(e)
	}
	if ops < smallEditOps {
		return nil
	}
	e := edits[0]
	var have uint64
	var err error
	if e.Create == nil {
		if have, err = tx.DocMaxOp(doc); err != nil {
			return err
		}
	}
	if have+ops > tx.localLimit() {
		return opBudgetError(tx, doc, e, have, ops)
	}
	return nil
}

// opBudgetError says that doc holds have ops and an edit adding about adds
// would take it past the limit of tx's local edits, and what to do instead.
func opBudgetError(tx *writeTx, doc string, e model.Edit, have, adds uint64) error {
	return fmt.Errorf("%w: document %s holds %d operations and this edit adds about %d, past %s: %s",
		ErrInvalid, doc, have, adds, tx.budgetText(), splitAdvice(e))
}

// splitAdvice tells the user how to stay within a document's budget.
func splitAdvice(e model.Edit) string {
	switch {
	case e.Create != nil && e.Create.Case != nil:
		return "split the text into a new case study"
	case e.PatchCase != nil:
		return "split the text into a new case study: `weft case continue SPACE CASE` carries it into one"
	case e.AddEvent != nil || e.PatchEvent != nil:
		return "run `weft calendar continue SPACE CALENDAR` to carry its events into a new calendar"
	case e.AddEntry != nil:
		return "run `weft ledger continue SPACE` to carry its balances into a new ledger"
	}
	return "split the content into a new document"
}

// localOpBudget maps the refusal of a local change of tx past its limit
// (an edit the estimate let through) onto an error like opBudgetError's,
// saying the limit that refused: the node's (checkLocalOps), or the
// store's store.MaxDocOps, reached first only when the test knob sets the
// node's budget above it.
func localOpBudget(tx *writeTx, err error, doc string, e model.Edit) error {
	var refused *store.RefusedError
	switch {
	case errors.Is(err, errOpReserve):
		return fmt.Errorf("%w: document %s would pass %s: %s", ErrInvalid, doc, tx.budgetText(), splitAdvice(e))
	case errors.As(err, &refused) && refused.Reason == store.ReasonOpBudget:
		return fmt.Errorf("%w: document %s would pass its %d operations: %s", ErrInvalid, doc, store.MaxDocOps, splitAdvice(e))
	}
	return err
}
