package node

import (
	"bytes"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/weftsync/weft/node/seal"
	"github.com/weftsync/weft/node/wire"
	"github.com/weftsync/weft/store"
)

// maxAttestWorkers bounds the goroutines that parse and attest one batch
// of local changes.
const maxAttestWorkers = 4

// localChange is one change the engine made for a local edit, made ready
// to store: parsed, checked, and its attestation signed.
type localChange struct {
	c   *wire.Change
	att store.AttestationRow
	// The store's rows of the change, its attestation and its outbox
	// entry, indexed and sealed on the worker (decision 0036); nil when
	// the pipe had no preparer, and the transaction makes them.
	pc  *store.PreparedChange
	pa  *store.PreparedAttestation
	po  *store.PreparedOutbox
	err error
}

// attestPipe parses and attests a batch of local changes on the other
// cores while the transaction's goroutine stores them in order: signing
// (an Ed25519 signature per change) and parsing overlap the SQLite writes
// instead of adding to them. Its owner calls next for each change in turn
// and close once done, which stops and waits for the workers.
type attestPipe struct {
	out   []localChange
	ready []chan struct{}
	taken atomic.Int64 // the next index a worker takes
	stop  atomic.Bool
	wg    sync.WaitGroup
}

// attestBatch is how many changes a worker parses and signs at once:
// seal.AttestMany encodes a batch's signature points with one field
// inversion instead of one each (decision 0035).
const attestBatch = 16

// startAttest starts the workers for chunks, made by the engine under
// actor in doc of space. With a preparer (from the transaction that will
// store them), each worker also prepares the changes' store rows on a
// fork of its own (decision 0036); nil leaves that to the transaction.
func (n *Node) startAttest(pr *store.ChangePreparer, space, doc string, actor []byte, chunks [][]byte) *attestPipe {
	p := &attestPipe{out: make([]localChange, len(chunks)), ready: make([]chan struct{}, len(chunks))}
	for i := range p.ready {
		p.ready[i] = make(chan struct{})
	}
	workers := min(max(1, runtime.GOMAXPROCS(0)-1), maxAttestWorkers, len(chunks))
	p.wg.Add(workers)
	for range workers {
		var wp *store.ChangePreparer
		if pr != nil {
			wp = pr.Fork()
		}
		go func() { // ends when every chunk is taken or close stops it
			defer p.wg.Done()
			for !p.stop.Load() {
				from := int(p.taken.Add(attestBatch) - attestBatch)
				if from >= len(chunks) {
					return
				}
				to := min(from+attestBatch, len(chunks))
				n.prepareLocal(wp, space, doc, actor, chunks[from:to], p.out[from:to])
				for i := from; i < to; i++ {
					close(p.ready[i])
				}
			}
		}()
	}
	return p
}

// next waits for change i, which the caller takes in order.
func (p *attestPipe) next(i int) localChange {
	<-p.ready[i]
	return p.out[i]
}

// close stops the workers and waits for them.
func (p *attestPipe) close() {
	p.stop.Store(true)
	p.wg.Wait()
}

// prepareLocal parses each of chunks, checks that the engine made it under
// actor, and signs its attestation, into out (one per chunk): the
// signatures of a batch are made together (seal.AttestMany), each exactly
// the one seal.Attest makes. With a preparer it also prepares each
// change's store rows (change, attestation, outbox), which the transaction
// then only checks and inserts.
func (n *Node) prepareLocal(pr *store.ChangePreparer, space, doc string, actor []byte, chunks [][]byte, out []localChange) {
	atts := make([]seal.Attestation, 0, len(chunks))
	for i, chunk := range chunks {
		c, err := wire.ParseChange(chunk)
		switch {
		case err != nil:
			out[i] = localChange{err: fmt.Errorf("node: engine made a change that fails the checks: %w", err)}
			continue
		case !bytes.Equal(c.Actor, actor):
			out[i] = localChange{err: fmt.Errorf("node: engine committed under another actor")}
			continue
		}
		out[i] = localChange{c: c}
		atts = append(atts, seal.Attestation{Space: space, Doc: doc, Actor: c.Actor, Seq: c.Seq, Hash: c.Hash})
	}
	seal.AttestMany(n.id, atts)
	k := 0
	for i := range out {
		if out[i].err != nil {
			continue
		}
		a, c := atts[k], out[i].c
		k++
		out[i].att = store.AttestationRow{Doc: doc, Space: space, Actor: c.Actor, Seq: c.Seq,
			Hash: c.Hash, Signer: a.Signer, Blob: a.Marshal()}
		if pr != nil {
			out[i] = prepareRows(pr, doc, out[i])
		}
	}
}

// prepareRows prepares lc's store rows with pr; a failure is lc's error.
func prepareRows(pr *store.ChangePreparer, doc string, lc localChange) localChange {
	var err error
	if lc.pc, err = pr.Prepare(storeChange(doc, lc.c)); err != nil {
		return localChange{err: err}
	}
	if lc.pa, err = pr.PrepareAttestation(lc.att); err != nil {
		return localChange{err: err}
	}
	if lc.po, err = pr.PrepareOutbox(doc, lc.c.Hash); err != nil {
		return localChange{err: err}
	}
	preparedLocal.Add(1)
	return lc
}

// storeLocal parses, checks, attests and stores the changes the engine
// made for a local edit, with an outbox row for each. Parsing and signing
// run on the other cores (attestPipe) while the changes are stored in
// order; their attestations and outbox rows follow, several rows a
// statement.
func (n *Node) storeLocal(tx *writeTx, space, doc string, actor []byte, chunks [][]byte) error {
	return n.storeLocalPiped(tx, space, doc, actor, chunks, nil)
}

// storeLocalPiped is storeLocal with the chunks' attestPipe started ahead
// by the caller, who closes it (decision 0035); nil starts one here.
func (n *Node) storeLocalPiped(tx *writeTx, space, doc string, actor []byte, chunks [][]byte, p *attestPipe) error {
	if n.failAfterEngine != nil {
		if err := n.failAfterEngine(doc); err != nil {
			return err
		}
	}
	if len(chunks) == 0 {
		return nil
	}
	if p == nil {
		p = n.startAttest(n.localPreparer(tx), space, doc, actor, chunks)
		defer p.close()
	}
	atts := make([]store.AttestationRow, len(chunks))
	hashes := make([][32]byte, len(chunks))
	patts := make([]*store.PreparedAttestation, len(chunks))
	pouts := make([]*store.PreparedOutbox, len(chunks))
	prepared := true // every change's rows prepared on the workers
	for i := range chunks {
		lc := p.next(i)
		if lc.err != nil {
			return lc.err
		}
		if err := n.checkLocalOps(tx, doc, lc.c.MaxOp()); err != nil {
			return err
		}
		var res store.Result
		var err error
		if lc.pc != nil {
			res, err = tx.AddPrepared(lc.pc) // every check AddChange makes, at insert
		} else {
			res, err = tx.AddChange(storeChange(doc, lc.c))
		}
		if err != nil {
			return err
		}
		if res.Outcome != store.Stored {
			return fmt.Errorf("node: local change was %s, not stored", res.Outcome)
		}
		atts[i], hashes[i], patts[i], pouts[i] = lc.att, lc.c.Hash, lc.pa, lc.po
		prepared = prepared && lc.pa != nil && lc.po != nil
		if err := n.noteFresh(tx, space, doc, lc); err != nil {
			return err
		}
	}
	if err := localTotalOps(tx, doc); err != nil {
		return err
	}
	// The attestations and outbox rows go in with a statement per group
	// of rows, not per change (decision 0035), in the same transaction,
	// sealed ahead on the workers when they could be (decision 0036).
	if prepared {
		if err := tx.AddPreparedAttestations(patts); err != nil {
			return err
		}
		return tx.AddPreparedOutbox(pouts)
	}
	if err := tx.AddAttestations(atts); err != nil {
		return err
	}
	return tx.AddOutboxMany(doc, hashes)
}

// preparedLocal counts the local changes whose store rows were prepared
// on the signing workers (tests see the path taken).
var preparedLocal atomic.Int64

// localPreparer returns a preparer for tx's local changes, nil when
// localPrepareOff is set or tx cannot give one (then the transaction
// makes the rows itself, and meets the error again at insert).
func (n *Node) localPreparer(tx *writeTx) *store.ChangePreparer {
	if localPrepareOff.Load() {
		return nil
	}
	pr, err := tx.Preparer()
	if err != nil {
		return nil
	}
	return pr
}

// localPrepareOff turns off preparing local store rows on the workers
// (tests and benchmarks compare both paths).
var localPrepareOff atomic.Bool
