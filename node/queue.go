package node

import (
	"context"
	"errors"
	"fmt"

	"github.com/fxamacker/cbor/v2"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/store"
)

// Edits made before admission (DESIGN.md section 8): until a space's
// documents arrive this node holds nothing to apply an edit to, so the
// edit is kept as a typed command, sealed in the store, and replayed
// through the engine once the first sync has delivered the space's default
// calendar and ledger. The command keeps the ID it was given when queued.

// Kinds of queued edits.
const (
	queuedEvent = "event"
	queuedCase  = "case"
	queuedEntry = "entry"
)

// queuedEdit is one typed command, as stored.
type queuedEdit struct {
	Kind     string           `cbor:"1,keyasint"`
	Calendar string           `cbor:"2,keyasint,omitempty"` // event: the calendar argument ("" for the default)
	Event    *model.Event     `cbor:"3,keyasint,omitempty"`
	Case     *model.CaseStudy `cbor:"4,keyasint,omitempty"`
	Entry    *model.Entry     `cbor:"5,keyasint,omitempty"`
	Queued   int64            `cbor:"6,keyasint"` // unix ms
}

// queueIfPending queues q when sp is a space this node waits to join or
// whose documents have not arrived, and reports whether it did. For any
// other space it does nothing: the caller applies the edit.
func (n *Node) queueIfPending(ctx context.Context, sp Space, q queuedEdit) (bool, error) {
	q.Queued = n.now().UnixMilli()
	b, err := cbor.Marshal(q)
	if err != nil {
		return false, fmt.Errorf("node: encode queued edit: %w", err)
	}
	var st spaceState
	err = n.db.View(ctx, func(tx *store.Tx) (err error) {
		st, err = stateOf(tx, sp.ID)
		return err
	})
	if err != nil || st == spaceReady || st == spaceUnknown {
		return false, storeErr(err)
	}
	queued := false
	err = n.db.Update(ctx, func(tx *store.Tx) error {
		st, err := stateOf(tx, sp.ID)
		if err != nil || st == spaceReady || st == spaceUnknown {
			return err
		}
		queued = true
		return tx.QueueEdit(sp.ID, b)
	})
	if err != nil {
		return false, fmt.Errorf("node: queue edit: %w", storeErr(err))
	}
	return queued, nil
}

// queuedCount counts space's queued edits.
func (n *Node) queuedCount(ctx context.Context, space string) (int, error) {
	var c int
	err := n.db.View(ctx, func(tx *store.Tx) (err error) {
		c, err = tx.CountQueuedEdits(space)
		return err
	})
	return c, storeErr(err)
}

// replayQueued replays the queued edits of every space whose documents
// have arrived, in the order they were queued. An edit that fails is
// dropped and logged (with its kind and ID, never its content): it will
// not succeed later either.
func (n *Node) replayQueued(ctx context.Context) {
	recs, err := n.spaceRecords(ctx)
	if err != nil {
		n.log.Warn("replay queued edits: list spaces", "err", err)
		return
	}
	for _, rec := range recs {
		edits, err := n.readyQueue(ctx, rec.ID)
		if err != nil {
			n.log.Warn("replay queued edits: read the queue", "space", rec.ID, "err", err)
			continue
		}
		for _, e := range edits {
			if ctx.Err() != nil {
				return
			}
			n.replayOne(ctx, rec, e)
		}
	}
}

// readyQueue returns space's queue once the space is ready, else nothing.
func (n *Node) readyQueue(ctx context.Context, space string) ([]store.QueuedEdit, error) {
	var edits []store.QueuedEdit
	err := n.db.View(ctx, func(tx *store.Tx) error {
		st, err := stateOf(tx, space)
		if err != nil || st != spaceReady {
			return err
		}
		edits, err = tx.QueuedEdits(space)
		return err
	})
	return edits, storeErr(err)
}

// errReplayed aborts the replay of an edit another replay took.
var errReplayed = errors.New("node: queued edit already replayed")

// replayOne applies one queued edit and removes it from the queue in one
// transaction; a failed edit is removed alone, and logged.
func (n *Node) replayOne(ctx context.Context, rec spaceRecord, e store.QueuedEdit) {
	var q queuedEdit
	err := cbor.Unmarshal(e.Blob, &q)
	if err == nil {
		err = n.applyQueued(ctx, rec, e.N, q)
	}
	switch {
	case err == nil:
		n.log.Info("queued edit replayed", "space", rec.ID, "kind", q.Kind, "id", q.id())
		return
	case errors.Is(err, errReplayed) || ctx.Err() != nil:
		return
	}
	n.log.Warn("queued edit failed and was dropped", "space", rec.ID, "kind", q.Kind, "id", q.id(), "err", err)
	derr := n.db.Update(ctx, func(tx *store.Tx) error { _, err := tx.DeleteQueuedEdit(e.N); return err })
	if derr != nil {
		n.log.Warn("drop a failed queued edit", "space", rec.ID, "err", derr)
	}
}

// id is the ID the queued edit was given.
func (q queuedEdit) id() string {
	switch {
	case q.Event != nil:
		return q.Event.ID
	case q.Case != nil:
		return q.Case.ID
	case q.Entry != nil:
		return q.Entry.ID
	}
	return ""
}

// applyQueued applies q and deletes queue row num in one transaction. An
// entry goes where AddEntry's would: the space's current ledger.
func (n *Node) applyQueued(ctx context.Context, rec spaceRecord, num int64, q queuedEdit) error {
	sp := rec.space()
	take := func(tx *writeTx) error {
		ok, err := tx.DeleteQueuedEdit(num)
		if err == nil && !ok {
			err = errReplayed
		}
		return err
	}
	var apply func(tx *writeTx) error
	switch {
	case q.Kind == queuedEvent && q.Event != nil:
		cal, unfollowed, err := n.calendarTarget(ctx, sp, q.Calendar)
		if err != nil {
			return err
		}
		apply = func(tx *writeTx) error {
			return n.editDoc(ctx, tx, sp.ID, cal.ID, model.Edit{AddEvent: q.Event, Unfollowed: unfollowed})
		}
	case q.Kind == queuedCase && q.Case != nil:
		apply = func(tx *writeTx) error { return n.createCase(ctx, tx, sp, *q.Case) }
	case q.Kind == queuedEntry && q.Entry != nil:
		return n.recordEntry(ctx, rec, q.Entry, take)
	default:
		return fmt.Errorf("%w: queued edit of kind %q", ErrCorrupt, q.Kind)
	}
	return n.update(ctx, func(tx *writeTx) error {
		if err := take(tx); err != nil {
			return err
		}
		return apply(tx)
	})
}
