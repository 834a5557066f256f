package node

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/weftsync/weft/store"
)

// opReserve is how many ops below a document's budget local edits stop
// (decision 0071), so that a ledger's continuation marker (one op) always
// fits, as do the markers of members who continue it concurrently: the
// op counter follows the longest causal chain, so concurrent markers do
// not add up. 1,000 is 0.3 % of the budget and a few hundred entries'
// worth, left for the move. Received changes are judged by the budget
// alone (decision 0065): what a peer accepts stays a function of the change.
const opReserve = 1000

// errOpReserve refuses a local change that would reach into the reserve.
var errOpReserve = errors.New("node: local change reaches the ops kept for a continuation")

// opBudget returns the op budget local changes are judged by.
func (n *Node) opBudget() uint64 {
	if n.docOps != 0 {
		return n.docOps
	}
	return store.MaxDocOps
}

// localLimit is the highest op counter a local change of tx may reach.
func (tx *writeTx) localLimit() uint64 {
	if tx.intoReserve || tx.opBudget < 2*opReserve {
		return tx.opBudget
	}
	return tx.opBudget - opReserve
}

// budgetText says the limit of tx's local changes, for an error: the
// document's budget, and the reserve when the limit keeps one.
func (tx *writeTx) budgetText() string {
	if l := tx.localLimit(); l < tx.opBudget {
		return fmt.Sprintf("the %d operations local edits may reach (its budget of %d less %d kept to continue it)", l, tx.opBudget, tx.opBudget-l)
	}
	return fmt.Sprintf("its budget of %d operations", tx.opBudget)
}

// checkLocalOps refuses a local change of doc whose op counter reaches
// into the reserve, and notes a document past 90 % of its budget. It reads
// only the change's header, already parsed: nothing more per edit.
func (n *Node) checkLocalOps(tx *writeTx, doc string, maxOp uint64) error {
	if maxOp*10 >= tx.opBudget*9 {
		n.nearBudget.note(doc, maxOp)
	}
	if maxOp > tx.localLimit() {
		return fmt.Errorf("%w: document %s at op %d, limit %d", errOpReserve, doc, maxOp, tx.localLimit())
	}
	return nil
}

// NearDoc is one document near its op budget (decision 0071).
type NearDoc struct {
	Doc    string `json:"doc"`
	Space  string `json:"space"`
	Type   string `json:"type"`
	Ops    uint64 `json:"ops"`
	Budget uint64 `json:"budget"`
	Advice string `json:"advice"`
}

// nearBudget remembers the documents whose local changes passed 90 % of
// their budget, for the advice an edit command prints. Safe for
// concurrent use.
type nearBudget struct {
	mu   sync.Mutex
	docs map[string]uint64
}

func (b *nearBudget) note(doc string, maxOp uint64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.docs == nil {
		b.docs = map[string]uint64{}
	}
	b.docs[doc] = max(b.docs[doc], maxOp)
}

func (b *nearBudget) snapshot() map[string]uint64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make(map[string]uint64, len(b.docs))
	for k, v := range b.docs {
		out[k] = v
	}
	return out
}

// NearOpBudget lists the space's documents that local edits took past 90 %
// of their op budget, with what to do: an edit command prints it after the
// edit. It reads nothing from the store unless such a document exists.
func (n *Node) NearOpBudget(ctx context.Context, sp Space) ([]NearDoc, error) {
	near := n.nearBudget.snapshot()
	out := []NearDoc{}
	if len(near) == 0 {
		return out, nil
	}
	err := n.db.View(ctx, func(tx *store.Tx) error {
		for doc, ops := range near {
			row, err := tx.Doc(doc)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			if row.Space == sp.ID {
				out = append(out, n.nearDoc(row, ops))
			}
		}
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Doc < out[j].Doc })
	return out, storeErr(err)
}

// nearDoc describes a document near its budget.
func (n *Node) nearDoc(row store.DocRow, ops uint64) NearDoc {
	d := NearDoc{Doc: row.ID, Space: row.Space, Type: string(row.Type), Ops: ops, Budget: n.opBudget()}
	switch string(row.Type) {
	case "ledger":
		d.Advice = "weft ledger continue " + row.Space
	case "case":
		d.Advice = "weft case continue " + row.Space + " " + row.ID
	case "calendar":
		d.Advice = "weft calendar continue " + row.Space + " " + row.ID
	default:
		d.Advice = "move further content into a new document"
	}
	return d
}

// nearBudgetIn lists every document of tx past 90 % of its budget, for
// weft status: one read of each document's op counter.
func (n *Node) nearBudgetIn(tx *store.Tx, space string) ([]NearDoc, error) {
	rows, err := tx.Docs(space)
	if err != nil {
		return nil, err
	}
	var out []NearDoc
	for _, r := range rows {
		ops, err := tx.DocMaxOp(r.ID)
		if err != nil {
			return nil, err
		}
		if ops*10 >= n.opBudget()*9 {
			out = append(out, n.nearDoc(r, ops))
		}
	}
	return out, nil
}
