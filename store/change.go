package store

import (
	"encoding/hex"
	"fmt"
)

// Change is one raw Automerge change with the header fields the caller
// parsed from it. The store trusts the fields as given: it checks them
// against the document's stored history, not against Raw.
type Change struct {
	_       struct{} `cbor:",toarray"`
	Doc     string
	Hash    [32]byte
	Actor   []byte
	Seq     uint64
	StartOp uint64
	MaxOp   uint64 // StartOp + ops - 1 (StartOp - 1 for a change with no ops)
	Deps    [][32]byte
	Time    int64
	Message string
	Raw     []byte
}

// entry is a change with the indexes of its IDs, computed once.
type entry struct {
	Change
	doc, hash, actor []byte
	deps             [][]byte
	seqHolder        []byte // the hash stored at (actor, seq), once looked up
	seqLooked        bool
	prevIsDep        bool      // the actor's seq - 1 is a direct dependency
	sealed           []byte    // the row for table changes, sealed ahead (ChangePreparer), or nil
	digest           *[32]byte // its row digest with max_op_reachable = MaxOp, made ahead, or nil
}

// newEntry indexes c's IDs.
func (tx *Tx) newEntry(c Change) *entry {
	e := &entry{Change: c, doc: tx.index(c.Doc), hash: tx.hashIndex(c.Hash), actor: tx.indexOf(c.Actor)}
	for _, d := range c.Deps {
		e.deps = append(e.deps, tx.hashIndex(d))
	}
	return e
}

// HasChange reports whether a change is stored (held changes are not).
func (tx *Tx) HasChange(doc string, hash [32]byte) (bool, error) {
	if err := tx.unlocked(); err != nil {
		return false, err
	}
	ok, err := tx.exists("SELECT 1 FROM changes WHERE doc = ? AND hash = ?", tx.index(doc), tx.hashIndex(hash))
	if err != nil {
		return false, fmt.Errorf("store: has change: %w", err)
	}
	return ok, nil
}

// ChangeCount is the number of changes stored for doc, less those its
// cuts leave out (live.go).
func (tx *Tx) ChangeCount(doc string) (int, error) {
	if err := tx.unlocked(); err != nil {
		return 0, err
	}
	d := tx.index(doc)
	var n int
	if err := tx.one("SELECT count(*) FROM changes WHERE doc = ?", []any{d}, &n); err != nil {
		return 0, fmt.Errorf("store: change count: %w", err)
	}
	ex, err := tx.excluded(d)
	if err != nil {
		return 0, fmt.Errorf("store: change count: %w", err)
	}
	return n - len(ex), nil
}

// Change returns one stored change, or ErrNotFound.
func (tx *Tx) Change(doc string, hash [32]byte) (Change, error) {
	if err := tx.unlocked(); err != nil {
		return Change{}, err
	}
	d, h := tx.index(doc), tx.hashIndex(hash)
	var sealed []byte
	if err := tx.one("SELECT blob FROM changes WHERE doc = ? AND hash = ?", []any{d, h}, &sealed); err != nil {
		return Change{}, fmt.Errorf("store: change: %w", err)
	}
	return tx.openChange("changes", d, h, sealed)
}

// Changes returns the stored changes of doc in insertion order, which is a
// causal order: every change comes after its dependencies. The changes its
// cuts leave out are not returned (live.go): every load, history, bundle
// and sync answer reads through here.
func (tx *Tx) Changes(doc string) ([]Change, error) {
	return tx.changesIn("changes", doc)
}

// Held returns the changes of doc held until their dependencies arrive, in
// arrival order.
func (tx *Tx) Held(doc string) ([]Change, error) {
	return tx.changesIn("held", doc)
}

// changesIn reads every change of doc from table changes or held.
func (tx *Tx) changesIn(table, doc string) ([]Change, error) {
	if err := tx.unlocked(); err != nil {
		return nil, err
	}
	d := tx.index(doc)
	var ex map[string]bool
	if table == "changes" {
		var err error
		if ex, err = tx.excluded(d); err != nil {
			return nil, fmt.Errorf("store: %s: %w", table, err)
		}
	}
	var out []Change
	err := tx.each("SELECT hash, blob FROM "+table+" WHERE doc = ? ORDER BY n", []any{d},
		func(scan func(...any) error) error {
			var h, sealed []byte
			if err := scan(&h, &sealed); err != nil || ex[string(h)] {
				return err
			}
			c, err := tx.openChange(table, d, h, sealed)
			out = append(out, c)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", table, err)
	}
	return out, nil
}

// openChange opens a sealed change and checks it names its own row.
func (tx *Tx) openChange(table string, doc, hash, sealed []byte) (Change, error) {
	var c Change
	if err := tx.open(table, sealed, &c, doc, hash); err != nil {
		return Change{}, err
	}
	if string(tx.hashIndex(c.Hash)) != string(hash) || string(tx.index(c.Doc)) != string(doc) {
		return Change{}, corrupt(table, hash, nil)
	}
	return c, nil
}

// VersionVector returns, per actor (lowercase hex), the highest seq stored
// for doc, among the changes its cuts do not leave out. An actor's changes
// are totally ordered, so the vector describes the causally closed set of
// stored changes exactly.
func (tx *Tx) VersionVector(doc string) (map[string]uint64, error) {
	if err := tx.unlocked(); err != nil {
		return nil, err
	}
	d := tx.index(doc)
	ex, err := tx.excluded(d)
	if err != nil {
		return nil, fmt.Errorf("store: version vector: %w", err)
	}
	if ex != nil {
		vv, err := tx.liveVector(d, ex)
		if err != nil {
			return nil, fmt.Errorf("store: version vector: %w", err)
		}
		return vv, nil
	}
	vv := map[string]uint64{}
	// Each actor's highest seq by a subquery of its own, which reads one
	// entry of the (doc, actor, seq) index, rather than by grouping every
	// change of the document (decision 0033).
	err = tx.each(`SELECT actor, blob, seq FROM (SELECT a.actor AS actor, a.blob AS blob,
		(SELECT max(c.seq) FROM changes c WHERE c.doc = a.doc AND c.actor = a.actor) AS seq
		FROM doc_actors a WHERE a.doc = ?) WHERE seq IS NOT NULL`,
		[]any{d}, func(scan func(...any) error) error {
			var key, sealed []byte
			var seq uint64
			if err := scan(&key, &sealed, &seq); err != nil {
				return err
			}
			var actor []byte
			if err := tx.open("doc_actors", sealed, &actor, d, key); err != nil {
				return err
			}
			vv[hex.EncodeToString(actor)] = seq
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("store: version vector: %w", err)
	}
	return vv, nil
}

// MissingChanges returns how many changes doc has stored, and which of
// hashes are not among them, with one query whatever their number.
func (tx *Tx) MissingChanges(doc string, hashes [][32]byte) (stored int, missing [][32]byte, err error) {
	if err := tx.unlocked(); err != nil {
		return 0, nil, err
	}
	have := map[string]bool{}
	err = tx.each("SELECT hash FROM changes WHERE doc = ?", []any{tx.index(doc)}, func(scan func(...any) error) error {
		var h []byte
		err := scan(&h)
		have[string(h)] = true
		return err
	})
	if err != nil {
		return 0, nil, fmt.Errorf("store: missing changes: %w", err)
	}
	for _, h := range hashes {
		if !have[string(tx.hashIndex(h))] {
			missing = append(missing, h)
		}
	}
	return len(have), missing, nil
}
