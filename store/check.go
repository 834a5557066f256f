package store

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// opLimit is the first op counter refused: the core aborts on counters near
// 2^32, and no honest document comes near 2^31 ops.
const opLimit = 1 << 31

// MaxDocOps is the highest op counter a change may reach: its max_op, which
// checkContext makes the longest chain of ops in its causal history
// (startOp is 1 + the highest op its dependencies reach). The engine holds
// about 490 bytes of memory per op of text and 620 per op of a ledger
// (decision 0065), so a document at the limit costs it about 180 MiB: within
// its document budget and far from its 768 MiB address-space margin (about
// 1.4 million characters of text killed it). A 10,000-entry ledger reaches
// 100,000. The refusal depends on the change alone (its header and op
// count), so every node decides it alike, whatever else it holds.
const MaxDocOps = 300_000

// checkStatic applies the checks that need no ancestor: header shape, op
// range, (actor, seq) reuse and cuts.
func (tx *Tx) checkStatic(e *entry) error {
	refuse := func(r Reason) error { return &RefusedError{Hash: e.Hash, Reason: r} }
	if e.Seq == 0 || len(e.Actor) == 0 || e.MaxOp+1 < e.StartOp || !distinctDeps(e) {
		return refuse(ReasonHeader)
	}
	if e.StartOp >= opLimit || e.MaxOp >= opLimit || e.Seq >= opLimit {
		return refuse(ReasonStartOpRange)
	}
	if e.MaxOp > MaxDocOps {
		return refuse(ReasonOpBudget)
	}
	if err := tx.lookSeq(e); err != nil {
		return err
	}
	if e.seqHolder != nil {
		return refuse(ReasonSeqReused) // the same hash is a duplicate, caught before
	}
	cut, ok, err := tx.cutFor(e.doc, e.actor)
	if err != nil {
		return err
	}
	if ok && e.Seq > cut {
		return refuse(ReasonCut)
	}
	return nil
}

// lookSeq finds the hash stored at e's (actor, seq), once: the same hash
// makes e a duplicate, another one a reuse. A change's hash determines its
// header, so no other row can hold e's hash.
func (tx *Tx) lookSeq(e *entry) error {
	if e.seqLooked {
		return nil
	}
	s, err := tx.actorSeqs(e.doc, e.actor)
	if err != nil {
		return err
	}
	if e.Seq > s.max { // beyond every stored seq of the actor: nothing holds it
		e.seqHolder, e.seqLooked = nil, true
		return nil
	}
	if h, ok := s.added[e.Seq]; ok {
		e.seqHolder, e.seqLooked = h, true
		return nil
	}
	err = tx.one("SELECT hash FROM changes WHERE doc = ? AND actor = ? AND seq = ?",
		[]any{e.doc, e.actor, e.Seq}, &e.seqHolder)
	if errors.Is(err, ErrNotFound) {
		err = nil
	}
	e.seqLooked = err == nil
	return err
}

// distinctDeps reports whether e's dependencies are distinct and not e.
func distinctDeps(e *entry) bool {
	if len(e.Deps) <= 8 { // nearly every change: compared pairwise, no map made
		for i, d := range e.Deps {
			if d == e.Hash || slices.Contains(e.Deps[:i], d) {
				return false
			}
		}
		return true
	}
	seen := map[[32]byte]bool{e.Hash: true}
	for _, d := range e.Deps {
		if seen[d] {
			return false
		}
		seen[d] = true
	}
	return true
}

// depsReachable returns the highest max_op_reachable among e's stored
// dependencies (0 with none), and whether any dependency is not stored. It
// notes when the actor's previous change is a direct dependency.
func (tx *Tx) depsReachable(e *entry) (depMax uint64, missing bool, err error) {
	c := tx.cached()
	for _, d := range e.deps {
		if row, ok := c.rows[string(c.key(e.doc, d))]; ok { // inserted in this transaction
			depMax = max(depMax, row.reachable)
			e.prevIsDep = e.prevIsDep || (row.seq+1 == e.Seq && string(row.actor) == string(e.actor))
			continue
		}
		var r, seq uint64
		var actor []byte
		err := tx.one("SELECT max_op_reachable, actor, seq FROM changes WHERE doc = ? AND hash = ?",
			[]any{e.doc, d}, &r, &actor, &seq)
		switch {
		case errors.Is(err, ErrNotFound):
			missing = true
		case err != nil:
			return 0, false, err
		default:
			depMax = max(depMax, r)
			e.prevIsDep = e.prevIsDep || (seq+1 == e.Seq && string(actor) == string(e.actor))
		}
	}
	return depMax, missing, nil
}

// checkContext applies the checks that need e's ancestors, all stored:
// startOp follows the highest op reachable, and the actor's previous change
// is an ancestor.
func (tx *Tx) checkContext(e *entry, depMax uint64) error {
	if e.StartOp != depMax+1 {
		return &RefusedError{Hash: e.Hash, Reason: ReasonStartOp}
	}
	if e.Seq == 1 || e.prevIsDep {
		return nil
	}
	var prev []byte
	var prevMax uint64
	err := tx.one("SELECT hash, max_op FROM changes WHERE doc = ? AND actor = ? AND seq = ?",
		[]any{e.doc, e.actor, e.Seq - 1}, &prev, &prevMax)
	if errors.Is(err, ErrNotFound) {
		return &RefusedError{Hash: e.Hash, Reason: ReasonSeqGap}
	}
	if err != nil {
		return err
	}
	ok, err := tx.isAncestor(e.doc, e.deps, prev, prevMax)
	if err != nil || ok {
		return err
	}
	return &RefusedError{Hash: e.Hash, Reason: ReasonSeqGap}
}

// isAncestor walks back from deps looking for target, in one recursive
// query. A change whose max_op_reachable is below target's max_op cannot
// have target among its ancestors (nor be it), so the walk skips it: it
// covers roughly the changes made since target. A change's dependencies
// are its change_deps rows or, when prev_dep is set (migration 0005), its
// actor's change at seq - 1; the walk carries each change's actor, seq and
// prev_dep, so that an implicit dependency costs one index lookup.
func (tx *Tx) isAncestor(doc []byte, deps [][]byte, target []byte, targetMax uint64) (bool, error) {
	if len(deps) == 0 {
		return false, nil
	}
	seeds := strings.Repeat("?,", len(deps))
	query := `WITH RECURSIVE anc(h, actor, seq, pd) AS (
		SELECT hash, actor, seq, prev_dep FROM changes WHERE doc = ? AND hash IN (` + seeds[:len(seeds)-1] + `)
		UNION SELECT c.hash, c.actor, c.seq, c.prev_dep FROM anc CROSS JOIN change_deps d ON anc.pd = 0 AND d.doc = ? AND d.hash = anc.h
		CROSS JOIN changes c ON c.doc = d.doc AND c.hash = d.dep WHERE c.max_op_reachable >= ?
		UNION SELECT p.hash, p.actor, p.seq, p.prev_dep FROM anc CROSS JOIN changes p
		ON anc.pd = 1 AND p.doc = ? AND p.actor = anc.actor AND p.seq = anc.seq - 1 WHERE p.max_op_reachable >= ?)
		SELECT 1 FROM anc WHERE h = ? LIMIT 1`
	args := make([]any, 0, len(deps)+6)
	args = append(args, doc)
	for _, d := range deps {
		args = append(args, d)
	}
	ok, err := tx.exists(query, append(args, doc, targetMax, doc, targetMax, target)...)
	if err != nil {
		return false, fmt.Errorf("store: ancestors: %w", err)
	}
	return ok, nil
}
