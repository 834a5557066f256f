package store

import "fmt"

// SeqTaken reports whether a stored change holds p's actor and seq in its
// document already (another change: an equivocation; the same one: a
// duplicate). It is the check AddPrepared makes first, made ahead so that
// a caller can act on a local change before its insert (decision 0053);
// the answer is kept in p, and AddPrepared does not ask the store again.
func (tx *Tx) SeqTaken(p *PreparedChange) (bool, error) {
	if err := tx.writer(); err != nil {
		return false, err
	}
	if p == nil || p.e == nil {
		return false, fmt.Errorf("store: seq taken: nothing prepared")
	}
	if err := tx.lookSeq(p.e); err != nil {
		return false, wrapAdd(err)
	}
	return p.e.seqHolder != nil, nil
}
