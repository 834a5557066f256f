package store

import (
	"encoding/binary"
	"fmt"
)

// Storing a change has two parts: what the store's state decides (its
// checks, the rows it writes) and what it does not (the keyed indexes of
// its IDs, and its row sealed). A ChangePreparer makes the second part
// ahead, on a goroutine of the caller's, while the transaction stores
// earlier changes (decision 0033): for a catch-up of thousands of changes
// it takes about a quarter of the store's CPU off the goroutine that
// writes. AddPrepared makes every check AddChange makes.

// PreparedChange is a change with its indexes and its sealed row made
// ahead (ChangePreparer.Prepare), for AddPrepared.
type PreparedChange struct {
	e *entry
}

// ChangePreparer prepares changes for one transaction. It uses nothing of
// the transaction but its sealer, so one goroutine may use it while
// another runs the transaction; it is not safe for concurrent use itself.
type ChangePreparer struct {
	sealer Sealer
	memo   map[string][]byte
}

// Preparer returns a ChangePreparer for changes this transaction will
// store.
func (tx *Tx) Preparer() (*ChangePreparer, error) {
	if err := tx.writer(); err != nil {
		return nil, err
	}
	return &ChangePreparer{sealer: tx.sealer, memo: map[string][]byte{}}, nil
}

// indexOf is the sealer's Index of id, remembered (as Tx.indexOf).
func (p *ChangePreparer) indexOf(id []byte) []byte {
	if x, ok := p.memo[string(id)]; ok {
		return x
	}
	x := p.sealer.Index(id)
	if len(p.memo) >= maxMemo {
		clear(p.memo)
	}
	p.memo[string(id)] = x
	return x
}

// Prepare indexes c's IDs and seals its row.
func (p *ChangePreparer) Prepare(c Change) (*PreparedChange, error) {
	e := &entry{Change: c, doc: p.indexOf([]byte(c.Doc)), hash: p.indexOf(c.Hash[:]), actor: p.indexOf(c.Actor)}
	for _, d := range c.Deps {
		e.deps = append(e.deps, p.indexOf(d[:]))
	}
	plain, err := marshalRow(e.Change) // encMode.Marshal, by hand for a Change (changecodec.go)
	if err != nil {
		return nil, fmt.Errorf("store: seal change: %w", err)
	}
	if e.sealed, err = p.sealer.Seal(ad("changes", "blob", e.doc, e.hash), plain); err != nil {
		return nil, fmt.Errorf("store: seal change: %w", err)
	}
	// The manifest's digest of the row, ahead too (decision 0038): its one
	// column the store's state decides, max_op_reachable, is MaxOp for
	// every change stored, since checkContext requires StartOp = 1 + the
	// deps' highest reachable op and checkStatic MaxOp >= StartOp - 1.
	// insert uses it only when the reachable it computed is MaxOp.
	d := rowDigest(e.hash, e.actor, c.Seq, c.StartOp, c.MaxOp, c.MaxOp, e.deps)
	e.digest = &d
	return &PreparedChange{e: e}, nil
}

// AddPrepared is AddChange of a change prepared for this transaction.
// A PreparedChange is used once.
func (tx *Tx) AddPrepared(p *PreparedChange) (Result, error) {
	if p == nil || p.e == nil {
		return Result{}, fmt.Errorf("store: add change: nothing prepared")
	}
	e := p.e
	p.e = nil
	return tx.addEntry(e)
}

// Fork returns a ChangePreparer with the same sealer and a memory of its
// own, for another goroutine: a ChangePreparer is not safe for concurrent
// use, but its forks may each run on a goroutine (decision 0036: each
// worker that signs a batch of local changes prepares their rows too).
func (p *ChangePreparer) Fork() *ChangePreparer {
	return &ChangePreparer{sealer: p.sealer, memo: map[string][]byte{}}
}

// PreparedAttestation is an attestation row with its key's indexes, its
// hash's index and its sealed blob made ahead (PrepareAttestation), for
// AddPreparedAttestations.
type PreparedAttestation struct {
	row    AttestationRow
	key    attKey
	hash   []byte
	sealed []byte
}

// PrepareAttestation indexes a's key and hash and seals its row, as
// AddAttestations does at insert. It refuses a row without an identity,
// as AddAttestations does.
func (p *ChangePreparer) PrepareAttestation(a AttestationRow) (*PreparedAttestation, error) {
	if a.Doc == "" || len(a.Actor) == 0 || len(a.Signer) == 0 || a.Seq == 0 {
		return nil, &RefusedError{Reason: ReasonEmptyIdentity}
	}
	k := attKey{p.indexOf([]byte(a.Doc)), p.indexOf(a.Actor), binary.BigEndian.AppendUint64(nil, a.Seq), p.indexOf(a.Signer)}
	plain, err := encMode.Marshal(a)
	if err != nil {
		return nil, fmt.Errorf("store: seal attestation: %w", err)
	}
	sealed, err := p.sealer.Seal(ad("attestations", "blob", k.doc, k.actor, k.seq, k.signer), plain)
	if err != nil {
		return nil, fmt.Errorf("store: seal attestation: %w", err)
	}
	return &PreparedAttestation{row: a, key: k, hash: p.indexOf(a.Hash[:]), sealed: sealed}, nil
}

// PreparedOutbox is an outbox row with its indexes and sealed blob made
// ahead (PrepareOutbox), for AddPreparedOutbox.
type PreparedOutbox struct {
	doc, hash, sealed []byte
}

// PrepareOutbox indexes and seals the outbox row of a stored change of
// doc, as AddOutboxMany does at insert.
func (p *ChangePreparer) PrepareOutbox(doc string, hash [32]byte) (*PreparedOutbox, error) {
	d, h := p.indexOf([]byte(doc)), p.indexOf(hash[:])
	plain, err := encMode.Marshal(OutboxRow{Doc: doc, Hash: hash})
	if err != nil {
		return nil, fmt.Errorf("store: seal outbox: %w", err)
	}
	sealed, err := p.sealer.Seal(ad("outbox", "blob", d, h), plain)
	if err != nil {
		return nil, fmt.Errorf("store: seal outbox: %w", err)
	}
	return &PreparedOutbox{doc: d, hash: h, sealed: sealed}, nil
}
