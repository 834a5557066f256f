package node

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/weftsync/weft/node/wire"
	"github.com/weftsync/weft/store"
)

// A document's total of stored ops is bounded, without refusing any change
// (decision 0070). Decision 0065 bounds each change's op counter, the
// longest chain of its history; concurrent chains under several actors
// each pass it, and a member with a modified client can make enough of
// them to kill any engine that loads their document. Refusing a change by
// the total this node holds would split replicas (nodes receiving
// concurrent changes in different orders would keep different sets), so
// past docTotalOpsLimit the node keeps storing the document's changes and
// serving them (raw chunks need no engine), but never opens the document
// in its engine again: the engine drops it and refuses every call naming
// it (engine.Bar), local edits and reads of it are refused with
// ErrInvalid, `weft status` lists it, and the log says so once.

// docTotalOpsLimit is the total of stored ops past which a document is
// not opened in the engine: store.MaxDocTotalOps (a variable for tests,
// set before the node opens).
var docTotalOpsLimit uint64 = store.MaxDocTotalOps

// overOps records the documents past docTotalOpsLimit and their totals.
type overOps struct {
	mu   sync.Mutex
	docs map[string]uint64
}

// DocOps is a document past the limit and its total of stored ops.
type DocOps struct {
	Doc string `json:"doc"`
	Ops uint64 `json:"ops"`
}

// overOpsOf reports whether doc is past the limit, and its total then.
func (n *Node) overOpsOf(doc string) (uint64, bool) {
	n.over.mu.Lock()
	defer n.over.mu.Unlock()
	t, ok := n.over.docs[doc]
	return t, ok
}

// barred reports whether doc is past the limit, barred from the engine.
func (n *Node) barred(doc string) bool {
	_, ok := n.overOpsOf(doc)
	return ok
}

// OverOpsDocs lists the documents this node no longer opens in its engine
// because their total of stored ops passed the limit, by ID.
func (n *Node) OverOpsDocs() []DocOps {
	n.over.mu.Lock()
	defer n.over.mu.Unlock()
	out := make([]DocOps, 0, len(n.over.docs))
	for d, t := range n.over.docs {
		out = append(out, DocOps{Doc: d, Ops: t})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Doc < out[j].Doc })
	return out
}

// barOverOps records doc as past the limit with total ops, says so in the
// log the first time, and bars it from the engine (dropping the engine's
// copy). It is called once the store holds the total: at open, or in the
// ingest that passes the limit, before the engine is given the batch.
func (n *Node) barOverOps(ctx context.Context, doc string, total uint64) error {
	n.over.mu.Lock()
	_, known := n.over.docs[doc]
	if n.over.docs == nil {
		n.over.docs = map[string]uint64{}
	}
	n.over.docs[doc] = total
	n.over.mu.Unlock()
	if !known {
		n.log.Warn("document past its total of operations: its changes are kept and passed on to peers, but it is not opened, read or edited here (decision 0070)",
			"doc", doc, "ops", total, "limit", docTotalOpsLimit)
	}
	if err := n.eng.Bar(ctx, doc); err != nil {
		return fmt.Errorf("node: drop %s from the engine: %w", doc, err)
	}
	return nil
}

// barStoredOverOps bars, at open, every stored document past the limit.
func (n *Node) barStoredOverOps(ctx context.Context) error {
	var docs []store.DocOps
	err := n.db.View(ctx, func(tx *store.Tx) (err error) {
		docs, err = tx.DocsOverOps(docTotalOpsLimit)
		return err
	})
	if err != nil {
		return storeErr(err)
	}
	for _, d := range docs {
		if err := n.barOverOps(ctx, d.Doc, d.Ops); err != nil {
			return err
		}
	}
	return nil
}

// overOpsErr is the error a local edit or read of a document past the
// limit gets, or nil when doc is not past it.
func (n *Node) overOpsErr(doc string) error {
	total, ok := n.overOpsOf(doc)
	if !ok {
		return nil
	}
	return fmt.Errorf("%w: document %s holds %d operations in all, past the %d this node opens: its history has concurrent branches no honest edit makes (a member's modified client?); its changes are kept and passed on to peers, but no member's node opens it, so it cannot be read or edited. Its history of who wrote what stays readable ('weft log'): start a new document for this work and tell the space's members",
		ErrInvalid, doc, total, docTotalOpsLimit)
}

// mayPassOps reports whether storing changes, the parsed changes of a
// batch of doc, may take doc's total of stored ops past the limit: the
// stored total plus every change's ops, counting those stored already
// (an upper bound, read from the transaction's manifest of doc).
func mayPassOps(tx *store.Tx, doc string, changes []*wire.Change) (bool, error) {
	total, err := tx.DocTotalOps(doc)
	if err != nil {
		return false, err
	}
	for _, c := range changes {
		if total += c.Ops; total > docTotalOpsLimit {
			return true, nil
		}
	}
	return false, nil
}

// storedPastOps runs after ingest stored added, in.doc's changes new to
// this node (fresh: its first): it reports whether the document's total
// of stored ops is now past the limit, or was already. The engine is then
// given nothing of the batch: what the transaction left for the engine of
// the document before it is applied first, a feed of it still running
// is waited for, and the document is barred (barOverOps). A document new
// to this node is recorded with the type and metadata its sender gave,
// which the engine cannot read from it.
func (n *Node) storedPastOps(ctx context.Context, tx *writeTx, in *incoming, added []store.Change, fresh bool) (bool, error) {
	before, known := n.overOpsOf(in.doc)
	total, err := tx.DocTotalOps(in.doc) // its manifest, just updated: no read
	if err != nil || total <= docTotalOpsLimit {
		return false, err
	}
	tx.keepBar(in.doc, before, known)
	if fresh {
		// The engine never opens it, so its type is the sender's word. A
		// sender that gives none has its frame refused (decision 0075):
		// every honest node sends the type of its document row with every
		// frame, bundle entry and gossip batch, so only a modified client
		// omits it, and the same changes come, typed, from any member who
		// holds them: every node still ends with the same changes. A row
		// without a type would be a kind of its own on every path that
		// reads rows, passed on untyped, and refuse the typed row later.
		if !in.hint.Valid() {
			return false, fmt.Errorf("%w: incoming document %s passes its total of operations and its sender gave no type", ErrInvalid, in.doc)
		}
		created := added[0].Time / 1000
		if created <= 0 {
			created = n.now().Unix()
		}
		if err := tx.PutDoc(store.DocRow{ID: in.doc, Space: in.space, Type: in.hint, Created: created, Meta: in.meta}); err != nil {
			return false, err
		}
	}
	if !known {
		// What the engine was given of the document, within the limit,
		// finishes first: a drop under a running feed would fail it and
		// blame its batch.
		if err := n.applyBefore(ctx, tx, in.doc); err != nil {
			return false, err
		}
		if err := n.joinHeld(ctx, tx, in.doc); err != nil {
			return false, err
		}
		if err := n.afterFeedOf(ctx, in.doc); err != nil {
			return false, err
		}
		if err := n.barOverOps(ctx, in.doc, total); err != nil {
			return false, err
		}
		// Never opened again, so never round-trip checked: its marks go
		// (and come back if tx rolls back).
		tx.keepUnchecked(&n.deferred, in.doc)
		n.deferred.clear(in.doc, n.deferred.peek(in.doc))
		n.deferred.unfresh(in.doc)
		if err := tx.ClearUnchecked(in.doc); err != nil {
			return false, err
		}
	} else {
		n.over.mu.Lock()
		n.over.docs[in.doc] = total
		n.over.mu.Unlock()
	}
	return true, nil
}

// barBefore is what the node knew of a document past its total before a
// transaction barred it: whether it was barred, and its total then.
type barBefore struct {
	barred bool
	total  uint64
}

// keepBar remembers what the node knew of doc before tx bars it, once per
// transaction.
func (tx *writeTx) keepBar(doc string, total uint64, barred bool) {
	if _, ok := tx.barredBefore[doc]; ok {
		return
	}
	if tx.barredBefore == nil {
		tx.barredBefore = map[string]barBefore{}
	}
	tx.barredBefore[doc] = barBefore{barred: barred, total: total}
}

// rollbackBars puts back, after tx rolled back, what the node knew of the
// documents tx barred: the store holds none of the changes that took them
// past the total, so a document not barred before is read and edited
// again, in an engine that loads it afresh, and one barred before keeps
// its total of then. The bar is set before the commit, not after, so that
// no read between the two can load the document whole into the engine.
func (n *Node) rollbackBars(tx *writeTx) {
	n.over.mu.Lock()
	defer n.over.mu.Unlock()
	for doc, b := range tx.barredBefore {
		if b.barred {
			n.over.docs[doc] = b.total
			continue
		}
		delete(n.over.docs, doc)
		n.eng.Unbar(doc)
		n.log.Info("document no longer barred: the transaction that took it past its total of operations rolled back", "doc", doc)
	}
	tx.barredBefore = nil
}

// localTotalOps refuses a local edit whose changes, stored in tx, take doc
// past the total of stored ops a node opens: the transaction fails, and
// the engine's copy, which holds the edit, is dropped with it. A local
// edit is this node's own, not a change two nodes may receive in
// different orders, so refusing it splits no replicas. It reads doc's
// manifest, which the store has just updated: no query.
func localTotalOps(tx *writeTx, doc string) error {
	total, err := tx.DocTotalOps(doc)
	if err != nil || total <= docTotalOpsLimit {
		return err
	}
	return fmt.Errorf("%w: this edit would take document %s to %d operations in all, past the %d a node opens (its history has many concurrent branches): copy what you need into a new document",
		ErrInvalid, doc, total, docTotalOpsLimit)
}
