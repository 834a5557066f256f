package node

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/weftsync/weft/node/engine"
	"github.com/weftsync/weft/node/seal"
	"github.com/weftsync/weft/node/wire"
	"github.com/weftsync/weft/store"
)

// ErrQuarantined matches the error of an ingest whose changes killed or
// broke the engine twice: they were quarantined, refused and rolled back.
var ErrQuarantined = errors.New("node: changes quarantined")

// quarantineError carries the changes to quarantine out of the rolled-back
// transaction, to be recorded in one of their own.
type quarantineError struct {
	rows []store.Quarantined
	why  error
}

func (e *quarantineError) Error() string {
	return fmt.Sprintf("node: %d change(s) of document %s quarantined (attested by %s): the engine failed on them twice, alone: %v",
		len(e.rows), e.rows[0].Doc, PeerID(e.rows[0].Author), e.why)
}

func (e *quarantineError) Is(target error) bool {
	return target == ErrQuarantined || target == ErrInvalid
}

// ingestUpdate runs fn in one transaction like update, and when fn
// quarantined changes, records them once the transaction has rolled back.
// It also returns what the engine said, after the commit, of the batches
// it was still applying (heldcommit.go).
func (n *Node) ingestUpdate(ctx context.Context, fn func(tx *writeTx) error) error {
	var held *heldAfter
	err := n.update(ctx, func(tx *writeTx) error {
		held = &tx.held
		return fn(tx)
	})
	var refused error // a tail's, whose lock the update took over (heldtail.go)
	switch {
	case held == nil:
	case err == nil:
		err = held.err
	default:
		refused = held.claimed
	}
	n.denyIfQuarantined() // a deferred round-trip check quarantined an author
	return afterRefusal(refused, n.recordQuarantine(ctx, err))
}

// recordQuarantine records, when err is a quarantineError, the changes it
// carries, in a transaction of their own (the ingest's rolled back).
func (n *Node) recordQuarantine(ctx context.Context, err error) error {
	var qe *quarantineError
	if !errors.As(err, &qe) {
		return err
	}
	qerr := n.db.Update(context.WithoutCancel(ctx), func(tx *store.Tx) error {
		for _, q := range qe.rows {
			if err := tx.Quarantine(q); err != nil {
				return err
			}
		}
		return nil
	})
	if qerr == nil {
		n.denyNow()
	}
	return errors.Join(err, storeErr(qerr))
}

// Quarantined lists the changes this node quarantined, oldest first.
func (n *Node) Quarantined(ctx context.Context) ([]store.Quarantined, error) {
	var out []store.Quarantined
	err := n.db.View(ctx, func(tx *store.Tx) (err error) {
		out, err = tx.QuarantineList()
		return err
	})
	return out, storeErr(err)
}

// applyIncoming hands the engine the changes ingest stored, checking that
// the document still saves and loads, now when it is small and later
// otherwise (roundtrip.go). When the engine dies or refuses them, the same input is replayed alone in a fresh engine; when that fails
// too, the change that fails is quarantined. A kill by deadline is
// reported, never quarantined: a slow machine says nothing of the author.
func (n *Node) applyIncoming(ctx context.Context, tx *writeTx, in *incoming, added []store.Change, isNew bool) error {
	tx.touched[in.doc] = true
	err := n.applyOnce(ctx, tx, in.doc, added, isNew)
	if err == nil || !blameable(ctx, err) {
		return ingestErr(in.doc, err)
	}
	n.log.Warn("engine failed on incoming changes; replaying them alone", "err", err)
	if err = n.applyOnce(ctx, tx, in.doc, added, true); err == nil || !blameable(ctx, err) {
		return ingestErr(in.doc, err)
	}
	return n.quarantine(ctx, tx, in, added, err)
}

// applyOnce applies added to the engine's copy of doc, loading the stored
// document without them first when the engine does not hold it (or fresh
// is set), after the document's earlier unchecked changes are checked. A
// new document is checked at once; changes added to a stored one are
// checked as applyLazy checks them (decision 0024).
func (n *Node) applyOnce(ctx context.Context, tx *writeTx, doc string, added []store.Change, fresh bool) error {
	if !fresh {
		err := n.applyLazy(ctx, tx, doc, added)
		if !errors.Is(err, engine.ErrNotLoaded) {
			return err
		}
	}
	if n.deferred.peek(doc) > 0 {
		// The base below holds changes never checked: check them first,
		// without added, so that what they break is not blamed on added.
		if err := n.eng.Drop(ctx, doc); err != nil {
			return err
		}
		dropped, err := n.checkDoc(ctx, tx, doc, hashSet(added))
		if err != nil {
			return err
		}
		if added = unlessDropped(added, dropped); len(added) == 0 {
			return nil
		}
	}
	raw := rawChanges(added)
	base, err := baseChanges(tx.Tx, doc, added)
	if err != nil {
		return err
	}
	actor, err := n.readActor(tx.Tx, doc)
	if err != nil {
		return err
	}
	if len(base) == 0 { // a new document: load it from the new changes, then check
		if _, err := n.eng.Load(ctx, doc, raw, actor); err != nil {
			return err
		}
		_, err = n.eng.Apply(ctx, doc, nil, true)
		return err
	}
	if _, err := n.eng.Load(ctx, doc, base, actor); err != nil {
		// The stored document does not open without added: repair it
		// (repair.go), then apply what is left of added to what is left.
		if !engineBroken(ctx, err) {
			return &baseError{err}
		}
		dropped, rerr := n.repairStored(ctx, tx, doc, hashSet(added), err)
		if rerr != nil {
			return &baseError{errors.Join(err, rerr)}
		}
		if added = unlessDropped(added, dropped); len(added) == 0 {
			return nil
		}
		if base, err = baseChanges(tx.Tx, doc, added); err != nil {
			return err
		}
		if _, err := n.eng.Load(ctx, doc, base, actor); err != nil {
			return &baseError{err}
		}
	}
	return n.applyLazy(ctx, tx, doc, added)
}

// hashSet is the set of the hashes of added.
func hashSet(added []store.Change) map[[32]byte]bool {
	out := make(map[[32]byte]bool, len(added))
	for _, c := range added {
		out[c.Hash] = true
	}
	return out
}

// unlessDropped is added without the changes in dropped (which depended
// on a change that broke the document).
func unlessDropped(added []store.Change, dropped map[[32]byte]bool) []store.Change {
	if len(dropped) == 0 {
		return added
	}
	var out []store.Change
	for _, c := range added {
		if !dropped[c.Hash] {
			out = append(out, c)
		}
	}
	return out
}

// baseError is a failure to open the stored document without the new
// changes: the document is reported, nothing quarantined.
type baseError struct{ err error }

func (e *baseError) Error() string { return "the stored document does not open: " + e.err.Error() }
func (e *baseError) Unwrap() error { return e.err }

// baseChanges is doc's stored history without the changes just added.
func baseChanges(tx *store.Tx, doc string, added []store.Change) ([][]byte, error) {
	all, err := tx.Changes(doc)
	if err != nil {
		return nil, err
	}
	skip := make(map[[32]byte]bool, len(added))
	for _, c := range added {
		skip[c.Hash] = true
	}
	var out [][]byte
	for _, c := range all {
		if !skip[c.Hash] {
			out = append(out, c.Raw)
		}
	}
	return out, nil
}

// readActor is doc's leased actor, or a fresh one for a read-only copy (the
// first local edit leases an actor and reloads).
func (n *Node) readActor(tx *store.Tx, doc string) ([]byte, error) {
	actor, ok, err := tx.Lease(doc)
	if err != nil || ok {
		return actor, err
	}
	return seal.NewActor(n.id.Public), nil
}

// blameable reports whether an engine failure may be the input's fault:
// the engine died or refused it, not a deadline, a cancellation or a
// document that does not open on its own.
func blameable(ctx context.Context, err error) bool {
	var be *baseError
	switch {
	case ctx.Err() != nil, errors.As(err, &be), errors.Is(err, engine.ErrDeadline), errors.Is(err, engine.ErrClosed),
		errors.Is(err, engine.ErrBarred): // refused unsent: nothing of the input was tried (opstotal.go)
		return false
	}
	return true
}

func ingestErr(doc string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, engine.ErrDeadline):
		return fmt.Errorf("node: applying changes to %s ran past the engine's deadline (reported, not quarantined): %w", doc, err)
	}
	return fmt.Errorf("node: apply changes to %s: %w", doc, err)
}

// quarantine finds the first change that fails alone (the whole batch when
// none does on its own) and returns the error that rolls the ingest back
// and records them.
func (n *Node) quarantine(ctx context.Context, tx *writeTx, in *incoming, added []store.Change, why error) error {
	i, ok := n.culprit(ctx, tx, in.doc, added)
	if !ok {
		// No change fails alone: blaming the whole batch could catch honest
		// authors. Refuse it this time and quarantine nobody.
		return fmt.Errorf("node: the engine failed twice on %d change(s) of document %s, but on none alone; nothing was quarantined: %w",
			len(added), in.doc, why)
	}
	qe := &quarantineError{why: why}
	for _, c := range added[i : i+1] {
		qe.rows = append(qe.rows, store.Quarantined{Doc: in.doc, Hash: c.Hash, Author: in.author(tx.Tx, c),
			Reason: why.Error(), Time: n.now().Unix()})
		in.res.refuse(&c.Hash, "quarantined: the engine failed on it twice")
	}
	return qe
}

// culprit loads a fresh copy of doc and applies added one at a time, and
// returns the index of the first change the engine fails on.
func (n *Node) culprit(ctx context.Context, tx *writeTx, doc string, added []store.Change) (int, bool) {
	base, err := baseChanges(tx.Tx, doc, added)
	if err != nil {
		return 0, false
	}
	actor, err := n.readActor(tx.Tx, doc)
	if err != nil {
		return 0, false
	}
	start := 0
	if len(base) == 0 { // a new document starts from its first change
		base, start = [][]byte{added[0].Raw}, 1
	}
	if _, err := n.eng.Load(ctx, doc, base, actor); err != nil {
		return 0, start == 1 && blameable(ctx, err)
	}
	for i := start; i < len(added); i++ {
		if _, err := n.eng.Apply(ctx, doc, [][]byte{added[i].Raw}, true); err != nil {
			return i, blameable(ctx, err)
		}
	}
	return 0, false
}

// author is the member whose attestation covers c: from this batch, else
// from the stored attestations of its actor at or after its seq.
func (in *incoming) author(tx *store.Tx, c store.Change) []byte {
	if a, ok := in.covered[c.Hash]; ok {
		return a
	}
	return authorOf(tx, in.doc, c)
}

// QuarantineEntry is one quarantined change as commands show it.
type QuarantineEntry struct {
	Doc    string `json:"doc"`
	Change string `json:"change"` // hex change hash
	// Author is the peer ID of the member whose attestation covered the
	// change, or "unattested".
	Author string    `json:"author"`
	Reason string    `json:"reason"`
	Time   time.Time `json:"time"`
}

// Quarantine lists the quarantined changes, oldest first.
func (n *Node) Quarantine(ctx context.Context) ([]QuarantineEntry, error) {
	qs, err := n.Quarantined(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]QuarantineEntry, 0, len(qs))
	for _, q := range qs {
		author := "unattested"
		if len(q.Author) == ed25519.PublicKeySize {
			author = PeerID(q.Author)
		}
		out = append(out, QuarantineEntry{Doc: q.Doc, Change: wire.HashHex(q.Hash), Author: author,
			Reason: q.Reason, Time: time.Unix(q.Time, 0)})
	}
	return out, nil
}

// LiftQuarantine lifts the quarantine of one change (what is its hash, 64
// hex digits) or of every change of one author (what is a member's peer
// ID), and returns how many entries it removed. The changes are accepted
// again when they next arrive; the network lets the author's peer back in
// at once. Lifting is local to this node.
func (n *Node) LiftQuarantine(ctx context.Context, what string) (int, error) {
	var lift func(tx *store.Tx) (int, error)
	if raw, err := hex.DecodeString(what); err == nil && len(raw) == 32 {
		lift = func(tx *store.Tx) (int, error) { return tx.LiftQuarantine([32]byte(raw)) }
	} else if key, err := PeerKey(what); err == nil {
		lift = func(tx *store.Tx) (int, error) { return tx.LiftAuthorQuarantine(key) }
	} else {
		return 0, fmt.Errorf("%w: %q is neither a change hash (64 hex digits) nor a peer ID: give one of those that 'weft quarantine list' shows",
			ErrInvalid, what)
	}
	var lifted int
	err := n.db.Update(ctx, func(tx *store.Tx) (err error) {
		lifted, err = lift(tx)
		return err
	})
	if err != nil {
		return 0, storeErr(err)
	}
	if s, err := n.running(); err == nil {
		if err := s.deny.refresh(ctx, n); err != nil {
			return lifted, err
		}
	}
	return lifted, nil
}
