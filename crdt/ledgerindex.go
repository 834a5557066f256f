package crdt

import (
	"sync/atomic"

	"github.com/weftsync/weft/crdt/ledger"
)

// indexReads counts the ledger indexes read from every entry (tests see
// that a round trip keeps the index).
var indexReads atomic.Int64

// keptIndex is a ledger's entry index carried across a round trip
// (reload): the loaded copy holds the same entries when it has the same
// heads, so the index need not be read again from every entry (about 16
// µs an entry of a 4,000-entry ledger, on the next import after every
// snapshot; decision 0047).
type keptIndex struct {
	ix      *ledger.Index
	heads   [][32]byte
	hasList bool
}

// detachIndex takes the Doc's ledger index, when it is valid for heads
// (the document's current heads), and lets go of the entries list it
// holds, which belongs to the live copy about to be freed.
func (d *Doc) detachIndex(heads [][32]byte) keptIndex {
	if d.ix == nil || !sameHeads(heads, d.ixHeads) {
		return keptIndex{}
	}
	k := keptIndex{ix: d.ix, heads: d.ixHeads, hasList: d.ix.HasList()}
	d.ix.Detach()
	return k
}

// keepIndex gives the loaded copy (d.am, whose heads the caller checked
// are k.heads) the index detachIndex took, pointed at its entries list.
// An index that cannot be pointed there is dropped, and read again on
// the next AddEntry.
func (d *Doc) keepIndex(k keptIndex) {
	if k.ix == nil {
		return
	}
	if k.hasList && k.ix.Rebind(d.am) != nil {
		return
	}
	d.ix, d.ixHeads = k.ix, k.heads
}
