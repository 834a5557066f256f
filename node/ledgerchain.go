package node

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/store"
)

// DocChain says where a document stands after continuations (decisions
// 0071 and 0076). Every node resolves it alike from the documents' own
// markers: a continued document continues in the lowest of the IDs its
// markers name that the node holds as a document of the same space and
// type; the others are duplicate continuations, made concurrently by
// members who had not seen each other's.
type DocChain struct {
	Current string `json:"current"` // the document new edits go to
	// Previous are the documents Current continues, oldest first.
	Previous []string `json:"previous"`
	// Duplicates are continuations that lost to a lower ID: documents made
	// concurrently, whose edits past the move are not in Current (the
	// member who made one makes them again).
	Duplicates []string `json:"duplicates"`
	// Announced are continuations the chain's markers name that this node
	// does not hold: not received yet (syncing with a member brings them),
	// or forged by a modified client. They route no edits: edits go to
	// Current until a continuation arrives.
	Announced []string `json:"announced"`
}

// LedgerChain says where a space's ledger stands after continuations
// (decision 0071).
type LedgerChain = DocChain

// maxChain bounds how many continuations are followed: a hostile member
// could mark documents in a cycle.
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
	c, v, err := n.docChain(ctx, rec.ID, model.Ledger, rec.Ledger)
	if err != nil {
		return c, model.LedgerView{}, err
	}
	cur := *v.Ledger
	want := c.Current
	if want == rec.Ledger && len(cur.ContinuedIn) == 0 {
		want = "" // as never continued: entries read nothing more
	}
	if rec.Current != want {
		err = n.setCurrentLedger(ctx, rec.ID, want)
	}
	return c, cur, err
}

// docChain follows the continuation markers from document start, of type
// typ in space, and returns the chain and the current document's root
// view (Engine.ViewRoot: its markers, not its content).
func (n *Node) docChain(ctx context.Context, space string, typ model.DocType, start string) (DocChain, model.View, error) {
	c := DocChain{Current: start, Previous: []string{}, Duplicates: []string{}, Announced: []string{}}
	seen := map[string]bool{start: true}
	cur, err := n.rootOf(ctx, start, typ)
	if err != nil {
		return c, model.View{}, err
	}
	for marks, _ := continuedIn(cur); len(marks) > 0 && len(seen) <= maxChain; marks, _ = continuedIn(cur) {
		next, nv, err := n.nextDoc(ctx, space, typ, marks, seen)
		if err != nil {
			return c, cur, err
		}
		c.Duplicates = append(c.Duplicates, nv.others...)
		c.Announced = append(c.Announced, nv.unheld...)
		if next == "" {
			break // no marker names a held document of this space and type
		}
		seen[next] = true
		c.Previous, c.Current, cur = append(c.Previous, c.Current), next, nv.view
	}
	return c, cur, nil
}

// rootOf is the root view of doc, which must be of type typ.
func (n *Node) rootOf(ctx context.Context, doc string, typ model.DocType) (model.View, error) {
	v, err := n.viewRoot(ctx, doc)
	if err != nil {
		return v, err
	}
	if _, ok := continuedIn(v); v.Type != typ || !ok {
		return v, fmt.Errorf("%w: document %s is not a %s", ErrCorrupt, doc, typ)
	}
	return v, nil
}

// continuedIn lists the documents v's markers name, ascending, and
// whether v has its typed part.
func continuedIn(v model.View) ([]string, bool) {
	switch {
	case v.Ledger != nil:
		return v.Ledger.ContinuedIn, true
	case v.Case != nil:
		return v.Case.ContinuedIn, true
	case v.Calendar != nil:
		return v.Calendar.ContinuedIn, true
	}
	return nil, false
}

// candidate is what nextDoc found: the next document's root, the other
// markers' documents (duplicates) and the IDs this node does not hold.
type candidate struct {
	view   model.View
	others []string
	unheld []string
}

// nextDoc picks where a document continues among its markers' IDs,
// ascending: the first that names a document of the space and type this
// node holds. IDs naming another kind of document, a document of another
// space or one already in the chain are skipped (only a modified client
// writes them). An ID this node does not hold is reported and skipped: it
// may be an honest continuation not received yet, or one a modified client
// forged, which nobody will ever hold; waiting for it would let that client
// stop every member's edits for good. A document barred past its total of
// ops (decision 0070) is skipped too: no node opens it again, and following
// it would stop every edit and continuation of it. The held documents after
// the one chosen are duplicates.
func (n *Node) nextDoc(ctx context.Context, space string, typ model.DocType, ids []string, seen map[string]bool) (string, candidate, error) {
	var next string
	var out candidate
	for _, id := range ids {
		if seen[id] {
			continue
		}
		held, ok, err := n.heldDoc(ctx, space, typ, id)
		switch {
		case err != nil:
			return "", candidate{}, err
		case !held:
			out.unheld = append(out.unheld, id)
		case !ok:
			continue // not a document of this space and type
		case n.barred(id):
			continue // past its total of ops: never opened again (decision 0075)
		case next != "":
			out.others = append(out.others, id)
		default:
			v, err := n.rootOf(ctx, id, typ)
			if err != nil {
				return "", candidate{}, err
			}
			next, out.view = id, v
		}
	}
	return next, out, nil
}

// heldDoc reports whether this node holds document id, and whether it is
// a document of space and type typ, from the store's document row.
func (n *Node) heldDoc(ctx context.Context, space string, typ model.DocType, id string) (held, ok bool, err error) {
	err = n.db.View(ctx, func(tx *store.Tx) error {
		row, err := tx.Doc(id)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		held, ok = err == nil, row.Space == space && row.Type == typ
		return err
	})
	return held, ok, storeErr(err)
}

// setCurrentLedger records in the space record the ledger entries go to:
// "" while the first ledger carries no marker, so that entries and status
// resolve no chain; the first ledger's ID once it carries markers this node
// does not follow.
func (n *Node) setCurrentLedger(ctx context.Context, space, ledger string) error {
	return n.update(ctx, func(tx *writeTx) error { return putCurrentLedger(tx.Tx, space, ledger) })
}

func putCurrentLedger(tx *store.Tx, space, ledger string) error {
	rec, err := spaceRecordIn(tx, space)
	if err != nil {
		return err
	}
	rec.Current = ledger
	return putSpaceRecord(tx, rec)
}

// chainTarget is where an edit of a document that may be continued goes:
// the document, and the markers of it the node checked and does not follow
// (model.Entry's and model.Edit's Unfollowed).
type chainTarget struct {
	doc        string
	unfollowed []string
}

// followRefused makes edit at t. When the engine refuses it (ErrInvalid:
// the document may carry a marker this node had not seen, decisions 0071
// and 0076), it resolves where the edit goes now and retries once there;
// when that is t again, the refusal stands.
func followRefused(t chainTarget, resolve func() (chainTarget, error), edit func(chainTarget) error) error {
	err := edit(t)
	if !errors.Is(err, ErrInvalid) {
		return err
	}
	nt, rerr := resolve()
	switch {
	case rerr != nil:
		return rerr
	case nt.doc == t.doc && slices.Equal(nt.unfollowed, t.unfollowed):
		return err
	}
	return edit(nt)
}

// entryLedger returns where a new entry of the space goes. While no
// continuation is known it reads nothing; after one, it resolves the
// chain, so that a node whose own continuation lost to a concurrent one
// follows the one every node chose.
func (n *Node) entryLedger(ctx context.Context, rec spaceRecord) (chainTarget, error) {
	if rec.Current == "" {
		return chainTarget{doc: rec.Ledger}, nil
	}
	return n.ledgerTarget(ctx, rec)
}

// ledgerTarget resolves the ledger's chain and returns where entries go
// now: followRefused's resolve after the engine refused an entry.
func (n *Node) ledgerTarget(ctx context.Context, rec spaceRecord) (chainTarget, error) {
	c, cur, err := n.ledgerChain(ctx, rec)
	if err != nil {
		return chainTarget{}, err
	}
	return targetOf(c, cur), nil
}

// targetOf is where entries go by chain c, whose current ledger's root is
// cur: every marker cur carries is one the chain did not follow.
func targetOf(c LedgerChain, cur model.LedgerView) chainTarget {
	return chainTarget{doc: c.Current, unfollowed: cur.ContinuedIn}
}
