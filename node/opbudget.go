package node

import (
	"errors"
	"fmt"

	"github.com/fxamacker/cbor/v2"
	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/store"
)

// A document's op counter is bounded by store.MaxDocOps (decision 0065): the
// store refuses any change past it, local or received, so that no member can
// make a document the engine cannot hold. A local edit that would take its
// document past the bound is refused here, before the engine is asked.

// smallEditOps is the estimated size, in ops, under which an edit is not
// checked ahead: reading the document's op counter reads every change row
// of it, and a document at the bound plus a small edit is still far from
// the engine's limits. The store refuses such an edit's change all the same
// (after the engine made it; the engine's copy is then dropped).
const smallEditOps = 4096

// editOps is an upper bound of the ops an edit inserts: every character of
// text is one op, and every string of the edit takes at least its length in
// its encoding. Deleted characters are ops too and are not counted: the
// store's check covers them.
func editOps(e model.Edit) (uint64, error) {
	b, err := cbor.Marshal(e)
	if err != nil {
		return 0, fmt.Errorf("node: encode edit: %w", err)
	}
	return uint64(len(b)), nil
}

// checkOpBudget refuses edit e of doc when it would take the document past
// store.MaxDocOps, before the engine makes it.
func checkOpBudget(tx *writeTx, doc string, e model.Edit) error {
	return checkOpBudgetMany(tx, doc, []model.Edit{e})
}

// checkOpBudgetMany is checkOpBudget of edits made one after the other.
func checkOpBudgetMany(tx *writeTx, doc string, edits []model.Edit) error {
	var ops uint64
	for _, e := range edits {
		n, err := editOps(e)
		if err != nil {
			return err
		}
		ops += n
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
	if have+ops > store.MaxDocOps {
		return opBudgetError(doc, e, have, ops)
	}
	return nil
}

// opBudgetError says that doc holds have of its ops and an edit adding about
// adds would take it past them, and what to do instead.
func opBudgetError(doc string, e model.Edit, have, adds uint64) error {
	return fmt.Errorf("%w: document %s holds %d of its %d operations and this edit adds about %d: %s",
		ErrInvalid, doc, have, store.MaxDocOps, adds, splitAdvice(e))
}

// splitAdvice tells the user how to stay within a document's budget.
func splitAdvice(e model.Edit) string {
	switch {
	case e.PatchCase != nil || (e.Create != nil && e.Create.Case != nil):
		return "split the text into a new case study"
	case e.AddEntry != nil:
		return "start a new ledger for further entries"
	}
	return "split the content into a new document"
}

// localOpBudget maps the store's refusal of a local change past
// store.MaxDocOps (an edit the estimate let through) onto the error
// opBudgetError gives.
func localOpBudget(err error, doc string, e model.Edit) error {
	var refused *store.RefusedError
	if errors.As(err, &refused) && refused.Reason == store.ReasonOpBudget {
		return fmt.Errorf("%w: document %s would pass its %d operations: %s",
			ErrInvalid, doc, store.MaxDocOps, splitAdvice(e))
	}
	return err
}
