package amdoc

import (
	"slices"

	am "github.com/automerge/automerge-go"
)

// PieceBytes is the most estimated change bytes one commit of a large edit
// holds before the Writer commits it as a piece. It is a quarter of the
// 4 MiB change cap, so estimation error never breaks the cap.
const PieceBytes = 1 << 20

// PieceOps is the most ops one commit of a large edit holds. automerge
// makes one op per inserted code point and one per deleted one, and a node
// refuses a change of more than 100,000 ops (node/wire's MaxOps), its own
// included; half of that leaves room for any miscount.
const PieceOps = 50_000

// Per-op cost estimates, in change bytes, used to cut large edits into
// pieces. Measured: about 1 byte per inserted character beyond its UTF-8,
// and a contiguous delete of 500,000 characters in 137 bytes; these leave a
// wide margin.
const (
	opCost     = 32
	insertCost = 4 // per inserted code point, on top of its UTF-8 bytes
	deleteCost = 8 // per deleted code point
)

// Writer makes the writes of one logical edit. It records whether anything
// was written and, for large text splices, commits what is pending through
// flush once it nears PieceBytes estimated bytes or PieceOps ops. A Writer
// belongs to one edit on one goroutine.
type Writer struct {
	doc        *am.Doc
	piece      int // estimated bytes per piece
	pieceOps   int // ops per piece
	flush      func() error
	pending    int // estimated bytes written since the last flush
	pendingOps int // ops written since the last flush
	wrote      bool
}

// NewWriter returns a Writer over doc that cuts edits into pieces of about
// piece estimated bytes (PieceBytes, or less in tests) and at most PieceOps
// ops. flush commits the pending ops as one piece; nil means the edit is
// never cut.
func NewWriter(doc *am.Doc, piece int, flush func() error) *Writer {
	return &Writer{doc: doc, piece: max(piece, 1024), pieceOps: PieceOps, flush: flush}
}

// Doc returns the document written.
func (w *Writer) Doc() *am.Doc { return w.doc }

// Wrote reports whether any op was written.
func (w *Writer) Wrote() bool { return w.wrote }

// spend accounts for ops ops of cost estimated bytes about to be written,
// committing a piece first when they would not fit. Callers never spend
// more than half a piece at once, so no piece passes either bound.
func (w *Writer) spend(cost, ops int) error {
	full := w.pending+cost > w.piece || w.pendingOps+ops > w.pieceOps
	if w.flush != nil && w.pending > 0 && full {
		if err := w.flush(); err != nil {
			return err
		}
		w.pending, w.pendingOps = 0, 0
	}
	w.pending += cost
	w.pendingOps += ops
	w.wrote = true
	return nil
}

// Set writes m[key] = v (a scalar, or a new *am.Map, *am.List or *am.Text).
func (w *Writer) Set(m *am.Map, key string, v any) error {
	cost := opCost + len(key)
	if s, ok := v.(string); ok {
		cost += len(s)
	}
	if err := w.spend(cost, 1); err != nil {
		return err
	}
	return m.Set(key, v)
}

// SetStr writes m[key] = s unless f (m's fields) already holds exactly s.
func (w *Writer) SetStr(m *am.Map, f Fields, key, s string) error {
	if v := f[key]; v != nil && v.Kind() == am.KindStr && v.Str() == s {
		return nil
	}
	return w.Set(m, key, s)
}

// SetStrs writes m[key] as a new list of ss unless it already holds ss.
func (w *Writer) SetStrs(m *am.Map, f Fields, key string, ss []string) error {
	if f.List(key) != nil && slices.Equal(f.Strs(key), ss) {
		return nil
	}
	l := am.NewList()
	if err := w.Set(m, key, l); err != nil {
		return err
	}
	for _, s := range ss {
		if err := w.spend(opCost+len(s), 1); err != nil {
			return err
		}
		if err := l.Append(s); err != nil {
			return err
		}
	}
	return nil
}

// NewMap writes m[key] as a new, empty map and returns it.
func (w *Writer) NewMap(m *am.Map, key string) (*am.Map, error) {
	n := am.NewMap()
	return n, w.Set(m, key, n)
}

// AppendMap appends a new, empty map to l and returns it.
func (w *Writer) AppendMap(l *am.List) (*am.Map, error) {
	if err := w.spend(opCost, 1); err != nil {
		return nil, err
	}
	n := am.NewMap()
	return n, l.Append(n)
}

// Delete removes m[key].
func (w *Writer) Delete(m *am.Map, key string) error {
	if err := w.spend(opCost, 1); err != nil {
		return err
	}
	return m.Delete(key)
}
