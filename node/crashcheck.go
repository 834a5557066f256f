package node

import (
	"context"
	"errors"
	"time"

	"github.com/weftsync/weft/store"
)

// The check after an unclean shutdown (decision 0042).
//
// What a crash can leave stored without its checks, decision 0021's list
// of changes awaiting the round-trip check and decision 0032's apply
// after the commit, lives in memory. The lock file says whether the last
// process to open the home closed it (lock.go). When it did not, Open
// loads every stored document, checks that it saves and loads back, and
// repairs one that does not (repair.go) before anything else reads it.
// Until that pass ends without an error, the home stays marked as not
// closed cleanly, so an Open that fails first (a wrong passphrase) or a
// second crash does not skip it.

// checkAfterCrash loads and round-trip checks every stored document,
// repairing those that fail, and marks the shutdown handled when all
// passed or were repaired. It returns the documents that passed or were
// repaired: checkLeftUnchecked does not check them again.
func (n *Node) checkAfterCrash(ctx context.Context) (map[string]bool, error) {
	var docs []string
	err := n.db.View(ctx, func(tx *store.Tx) error {
		spaces, err := tx.Spaces()
		if err != nil {
			return err
		}
		for _, sp := range spaces {
			rows, err := tx.Docs(sp.ID)
			if err != nil {
				return err
			}
			for _, r := range rows {
				docs = append(docs, r.ID)
			}
		}
		return nil
	})
	if err != nil {
		return nil, storeErr(err)
	}
	n.log.Warn("weft did not close cleanly last time; checking that every stored document opens", "docs", len(docs))
	start := time.Now()
	var errs []error
	sound := make(map[string]bool, len(docs))
	for i, doc := range docs {
		if _, over := n.overOpsOf(doc); over { // never opened here (opstotal.go): nothing to check
			sound[doc] = true
			continue
		}
		if err := n.checkStored(ctx, doc); err != nil {
			errs = append(errs, err)
		} else {
			sound[doc] = true
		}
		if (i+1)%100 == 0 {
			n.log.Info("checking stored documents", "done", i+1, "of", len(docs))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return sound, err
	}
	n.unclean = false
	n.log.Info("every stored document opens", "docs", len(docs), "took", time.Since(start).Round(time.Millisecond))
	return sound, nil
}

// checkStored loads doc from the store and checks that it saves and loads
// back, repairing it when either fails, and leaves the engine without it.
func (n *Node) checkStored(ctx context.Context, doc string) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	err := n.db.View(ctx, func(tx *store.Tx) error {
		actor, err := n.readActor(tx, doc)
		if err != nil {
			return err
		}
		if err := n.loadDoc(ctx, tx, doc, actor); err != nil {
			return err
		}
		if _, err := n.eng.Check(ctx, doc); err != nil {
			return &loadError{err}
		}
		return nil
	})
	if storedBroken(ctx, err) {
		err = n.repairCommitted(ctx, doc, err)
	}
	if derr := n.eng.Drop(ctx, doc); derr != nil {
		err = errors.Join(err, derr)
	}
	return storeErr(err)
}
