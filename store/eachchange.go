package store

import "fmt"

// EachChange calls fn with each stored change of doc, in stored (causal)
// order, leaving out what a cut excludes, as Changes returns them, but
// without holding them all: a reader can hand the first ones on while it
// reads the rest (a sync responder streaming a large document, decision
// 0028). An error from fn stops the read and is returned.
func (tx *Tx) EachChange(doc string, fn func(Change) error) error {
	return tx.EachChangeIndexed(doc, func(c Change, _ []byte) error { return fn(c) })
}

// EachChangeIndexed is EachChange, also handing fn the keyed index of
// each change's hash as its row holds it (checked against the change),
// for a lookup by index (AttestationRefs.At) that need not compute it
// again. Each change's hash is indexed without being remembered for the
// transaction: a read of thousands of changes, each hash met once, would
// only fill and empty the transaction's memory of indexes (decision 0039).
func (tx *Tx) EachChangeIndexed(doc string, fn func(c Change, hashIndex []byte) error) error {
	if err := tx.unlocked(); err != nil {
		return err
	}
	d := tx.index(doc)
	ex, err := tx.excluded(d)
	if err != nil {
		return fmt.Errorf("store: changes: %w", err)
	}
	query, args, err := tx.eachChangeQuery(d)
	if err != nil || query == "" {
		return err
	}
	var stop error // fn's own error, returned as it is
	err = tx.each(query, args,
		func(scan func(...any) error) error {
			var h, sealed []byte
			if err := scan(&h, &sealed); err != nil || ex[string(h)] {
				return err
			}
			c, err := tx.openStreamed(d, h, sealed)
			if err != nil {
				return err
			}
			stop = fn(c, h)
			return stop
		})
	if stop != nil {
		return stop
	}
	if err != nil {
		return fmt.Errorf("store: changes: %w", err)
	}
	return nil
}

// openStreamed is openChange of a row of table changes, its hash indexed
// afresh rather than through the transaction's memory.
func (tx *Tx) openStreamed(doc, hash, sealed []byte) (Change, error) {
	var c Change
	if err := tx.open("changes", sealed, &c, doc, hash); err != nil {
		return Change{}, err
	}
	if string(tx.sealer.Index(c.Hash[:])) != string(hash) || string(tx.index(c.Doc)) != string(doc) {
		return Change{}, corrupt("changes", hash, nil)
	}
	return c, nil
}

// denseSpan is how many rows of the changes table, per change of the
// document, EachChange reads at most to take them in order without
// sorting them.
const denseSpan = 4

// eachChangeQuery is the query (and its arguments) that reads the changes
// of the document with index d, in stored order, or "" when it has none.
//
// The changes table has no index on (doc, n): read by its doc index, a
// document's rows come in hash order and SQLite sorts them all, blobs
// included, before the first row is returned (for a ledger of 10,000
// changes, about 50 ms before a sync responder could send anything, and
// 5 MB through a temporary B-tree; decision 0039). A document whose rows
// lie close together in the table, as a ledger's written entry by entry
// or caught up in one go do, is read instead by a range of the rowid n,
// in order, leaving the other documents' rows in the range out: no sort,
// and the first row at once. A document spread thinly over the table
// keeps the sort, which then costs less than reading every row between.
func (tx *Tx) eachChangeQuery(d []byte) (string, []any, error) {
	count, lo, hi, err := tx.docSpan("changes", d)
	switch {
	case err != nil:
		return "", nil, fmt.Errorf("store: changes: %w", err)
	case count == 0:
		return "", nil, nil
	case hi-lo < denseSpan*count:
		// NOT INDEXED: the rowid range, not the doc index and a sort.
		return "SELECT hash, blob FROM changes NOT INDEXED WHERE n BETWEEN ? AND ? AND doc = ? ORDER BY n",
			[]any{lo, hi, d}, nil
	}
	return "SELECT hash, blob FROM changes WHERE doc = ? ORDER BY n", []any{d}, nil
}

// docSpan counts the rows of table (changes or attestations, whose doc
// indexes hold the rowid n) of the document with index d, and finds their
// lowest and highest n, from the doc index alone.
func (tx *Tx) docSpan(table string, d []byte) (count, lo, hi int64, err error) {
	err = tx.one("SELECT count(*), coalesce(min(n), 0), coalesce(max(n), 0) FROM "+table+" WHERE doc = ?", []any{d},
		&count, &lo, &hi)
	return count, lo, hi, err
}
