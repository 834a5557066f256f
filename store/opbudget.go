package store

import "fmt"

// DocMaxOp returns the highest op counter among doc's stored changes (0
// when it has none): what the next change's startOp follows, and what
// MaxDocOps bounds. It reads every change row of doc: callers ask it for
// large edits only.
func (tx *Tx) DocMaxOp(id string) (uint64, error) {
	if err := tx.unlocked(); err != nil {
		return 0, err
	}
	var n uint64
	err := tx.one("SELECT COALESCE(MAX(max_op), 0) FROM changes WHERE doc = ?", []any{tx.index(id)}, &n)
	if err != nil {
		return 0, fmt.Errorf("store: doc max op: %w", err)
	}
	return n, nil
}

// MaxDocTotalOps bounds a document's total of stored ops (DocTotalOps):
// the ops of all its changes, concurrent chains each counted in full,
// which MaxDocOps does not bound (decision 0070). It refuses nothing: a
// node stores and serves every change of a document past it, as every
// other node does, but opens the document in its engine no more. A
// document at the bound loads in a fresh engine with the default margin
// (TestDocumentAtOpBudgetLoadsInFreshEngine).
const MaxDocTotalOps = 2 * MaxDocOps

// DocTotalOps returns the total of doc's stored ops: the sum over its
// stored changes of max_op - start_op + 1 (0 when it has none), this
// transaction's included. It reads one row, or none when the transaction
// has read or written doc's manifest already.
func (tx *Tx) DocTotalOps(id string) (uint64, error) {
	if err := tx.unlocked(); err != nil {
		return 0, err
	}
	m, _, err := tx.loadManifest(tx.index(id))
	if err != nil {
		return 0, fmt.Errorf("store: doc total ops: %w", err)
	}
	return m.Ops, nil
}

// DocOps is a document and its total of stored ops.
type DocOps struct {
	Doc string
	Ops uint64
}

// DocsOverOps lists the documents, with a record, whose total of stored
// ops (DocTotalOps) is over limit, as committed, in no particular order.
// It reads every manifest row.
func (tx *Tx) DocsOverOps(limit uint64) ([]DocOps, error) {
	if err := tx.unlocked(); err != nil {
		return nil, err
	}
	var out []DocOps
	err := tx.each("SELECT d.doc, d.space, d.blob, m.ops FROM manifests m JOIN docs d ON d.doc = m.doc WHERE m.ops > ?", []any{limit},
		func(scan func(...any) error) error {
			var key, sp, sealed []byte
			var ops uint64
			if err := scan(&key, &sp, &sealed, &ops); err != nil {
				return err
			}
			d, err := tx.openDoc(key, sp, sealed)
			out = append(out, DocOps{Doc: d.ID, Ops: ops})
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("store: documents over %d ops: %w", limit, err)
	}
	return out, nil
}
