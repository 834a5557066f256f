package node

import (
	"bytes"
	"context"

	"github.com/weftsync/weft/node/seal"
	"github.com/weftsync/weft/node/wire"
	"github.com/weftsync/weft/store"
)

// Equivocation (DESIGN.md section 5, decision 0018). The store finds it
// from attestations (two of one (actor, seq) with different hashes,
// store.AddAttestation); ingest finds it from chunks too: a change refused
// because another change of its actor is stored at its seq, while both are
// covered by attestations of the actor's owner, shows that the member
// signed two histories that part at that seq. Either way the actor is cut
// at seq - 1, the store's reads leave out the cut changes and what was
// built on them, and the document is reloaded without them.

// noteAttestation remembers the batch's attestation of each actor's
// highest seq: the evidence kept when a fork is found below it.
func (in *incoming) noteAttestation(a seal.Attestation) {
	if in.newest == nil {
		in.newest = map[string]seal.Attestation{}
	}
	if old, ok := in.newest[string(a.Actor)]; !ok || a.Seq > old.Seq {
		in.newest[string(a.Actor)] = a
	}
}

// forked records the equivocation that c, refused because another change
// of its actor is stored at its seq, proves: c passed admissible, so an
// attestation of the actor's owner covers it, as one covered the stored
// change. The proof kept is that attestation and the chunks of c's side
// from c up to the attested change, to show other nodes.
func (in *incoming) forked(tx *store.Tx, c *wire.Change) error {
	signer, ok := in.covered[c.Hash]
	a, has := in.newest[string(c.Actor)]
	if !ok || !has || a.Seq < c.Seq || !bytes.Equal(a.Signer, signer) {
		return nil // covered by a stored attestation alone: the store found it already
	}
	var chunks [][]byte
	for _, x := range in.changes {
		if bytes.Equal(x.Actor, c.Actor) && x.Seq >= c.Seq && x.Seq <= a.Seq {
			chunks = append(chunks, x.Raw)
		}
	}
	if err := tx.AddEquivocation(in.doc, c.Actor, c.Seq, signer, a.Marshal(), chunks); err != nil {
		return err
	}
	in.res.Equivocations++
	return nil
}

// cutDoc notes that an equivocation cut doc in this transaction.
func (tx *writeTx) cutDoc(doc string) {
	if tx.cut == nil {
		tx.cut = map[string]bool{}
	}
	tx.cut[doc] = true
	tx.touched[doc] = true // views are told, snapshots kept after the commit
}

// reloadCut runs after a transaction that cut docs commits: the engine's
// copies may hold the cut changes, so they are dropped (Engine.Drop; the
// next read reloads them from the store, which leaves the cut changes
// out) and the documents' actor leases abandoned (our own changes built
// on a cut change are left out too, and the engine would otherwise commit
// again under their seqs). Their snapshots are dropped after.
func (n *Node) reloadCut(ctx context.Context, docs map[string]bool) {
	if len(docs) == 0 {
		return
	}
	for doc := range docs {
		n.snaps.markStale(doc)
		n.log.Warn("a member equivocated: document reloaded without the cut changes", "doc", doc)
	}
	n.discard(context.WithoutCancel(ctx), docs)
}
