package node

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node/member"
	"github.com/weftsync/weft/node/replicate"
	"github.com/weftsync/weft/store"
)

// SyncLocal returns the node's side of the sync protocol: replicate.Local
// over its store. It is safe for concurrent use.
func (n *Node) SyncLocal() replicate.Local { return syncLocal{n} }

// syncLocal implements replicate.Local over a node's store.
type syncLocal struct{ n *Node }

var _ replicate.Local = syncLocal{}

// view runs fn in a read transaction.
func (l syncLocal) view(ctx context.Context, fn func(tx *store.Tx) error) error {
	return storeErr(l.n.db.View(ctx, fn))
}

// Spaces lists the spaces of this node in which peer is a member by its
// roster.
func (l syncLocal) Spaces(ctx context.Context, peer ed25519.PublicKey) ([]string, error) {
	var out []string
	err := l.view(ctx, func(tx *store.Tx) error {
		spaces, err := tx.Spaces()
		if err != nil {
			return err
		}
		for _, sp := range spaces {
			r, err := l.n.spaceRoster(tx, sp.ID)
			if err != nil {
				return err
			}
			if r.IsMember(peer) {
				out = append(out, sp.ID)
			}
		}
		return nil
	})
	return out, err
}

// OpHeads returns the heads of a space's membership log.
func (l syncLocal) OpHeads(ctx context.Context, space string) ([][32]byte, error) {
	var heads [][32]byte
	err := l.view(ctx, func(tx *store.Tx) error {
		log, err := l.n.spaceLog(tx, space)
		if err == nil {
			heads = log.Heads()
		}
		return err
	})
	return heads, err
}

// OpsSince returns, in replay order, the membership operations a log with
// heads known lacks.
func (l syncLocal) OpsSince(ctx context.Context, space string, known [][32]byte) ([][]byte, error) {
	var out [][]byte
	err := l.view(ctx, func(tx *store.Tx) error {
		log, err := l.n.spaceLog(tx, space)
		if err != nil {
			return err
		}
		for _, op := range log.Since(known) {
			out = append(out, op.Encode())
		}
		return nil
	})
	return out, err
}

// AddOps verifies and stores membership operations of a space this node
// is in, as a bundle's are imported: all of them or, when one is invalid
// or the log they make does not replay, none.
func (l syncLocal) AddOps(ctx context.Context, space string, ops [][]byte) error {
	return l.n.update(ctx, func(tx *writeTx) error {
		_, err := mergeOps(tx, l.n, space, ops)
		return err
	})
}

// addOp verifies one membership operation, adds it to log and stores it.
func addOp(tx *store.Tx, log *member.Log, space string, blob []byte) error {
	op, err := log.AddEncoded(blob)
	if err != nil {
		return fmt.Errorf("%w: membership operation: %w", ErrInvalid, err)
	}
	_, err = tx.AddMemberOp(space, op.ID(), blob)
	return err
}

// Digest returns, per document of a space, its type and version vector:
// DigestTips without the tips (digestshared.go).
func (l syncLocal) Digest(ctx context.Context, space string) (map[string]replicate.DocDigest, error) {
	out, _, err := l.digestShared(ctx, space, false)
	return out, err
}

var _ replicate.TipsDigest = syncLocal{}

// DigestTips is Digest and, per document, our change's hash at each clock
// of its vector (what Tips answers for those clocks): the vectors and the
// tips of the documents without a cut from one read for the space, shared
// with the other reads of it at the same write generation
// (store.SpaceDigestTipsShared, decision 0050), the others' tips through
// hashAt as Tips reads them (decision 0040).
func (l syncLocal) DigestTips(ctx context.Context, space string) (map[string]replicate.DocDigest, map[string]map[string][32]byte, error) {
	return l.digestShared(ctx, space, true)
}

var _ replicate.ManyLocal = syncLocal{}

// readsOverBytes counts the group reads that stopped at
// replicate.MaxReadBytes (tests).
var readsOverBytes atomic.Int64

// MissingMany is Missing for many documents of a space, in one read
// transaction with one query per table for each store.MaxManyDocs of
// them. A read that finds them holding more than replicate.MaxReadBytes
// stops and fails with replicate.ErrReadOverBytes (the responder streams
// them).
func (l syncLocal) MissingMany(ctx context.Context, space string, want []replicate.DocWant) ([][]replicate.Change, error) {
	out := make([][]replicate.Change, len(want))
	err := l.view(ctx, func(tx *store.Tx) error {
		for from := 0; from < len(want); from += store.MaxManyDocs {
			group := want[from:min(len(want), from+store.MaxManyDocs)]
			ids := make([]string, len(group))
			for i, w := range group {
				ids[i] = w.Doc
			}
			got, err := tx.ManyChangesWithin(space, ids, replicate.MaxReadBytes)
			if errors.Is(err, store.ErrOverBytes) {
				readsOverBytes.Add(1)
				return fmt.Errorf("%w: %w", replicate.ErrReadOverBytes, err)
			}
			if err != nil {
				return err
			}
			for i, w := range group {
				dc, ok := got[w.Doc]
				if !ok {
					return fmt.Errorf("%w: document %s of space %s", ErrNotFound, w.Doc, space)
				}
				out[from+i] = missingOf(dc.Changes, firstAttestations(dc.Attestations), w.VV)
			}
		}
		return nil
	})
	return out, err
}

// Missing returns the stored changes of doc that a replica with vector vv
// lacks, in stored (causal) order, each with the attestation of exactly
// that change when one is stored.
func (l syncLocal) Missing(ctx context.Context, space, doc string, vv map[string]uint64) ([]replicate.Change, error) {
	var out []replicate.Change
	err := l.view(ctx, func(tx *store.Tx) error {
		if row, err := tx.Doc(doc); err != nil || row.Space != space {
			return fmt.Errorf("%w: document %s of space %s: %v", ErrNotFound, doc, space, err)
		}
		changes, err := tx.Changes(doc)
		if err != nil {
			return err
		}
		rows, err := tx.Attestations(doc)
		if err != nil {
			return err
		}
		out = missingOf(changes, firstAttestations(rows), vv)
		return nil
	})
	return out, err
}

// missingOf returns the changes of changes that a replica with vector vv
// lacks, in their order, each with its attestation in atts.
func missingOf(changes []store.Change, atts map[[32]byte][]byte, vv map[string]uint64) []replicate.Change {
	var out []replicate.Change
	for _, c := range changes {
		if c.Seq > vv[hex.EncodeToString(c.Actor)] {
			out = append(out, replicate.Change{Raw: c.Raw, Actor: c.Actor, Seq: c.Seq, Attestation: atts[c.Hash]})
		}
	}
	return out
}

// firstAttestations maps each attested change hash to the first
// attestation stored for it (rows in arrival order).
func firstAttestations(rows []store.AttestationRow) map[[32]byte][]byte {
	out := make(map[[32]byte][]byte, len(rows))
	for _, a := range rows {
		if _, ok := out[a.Hash]; !ok {
			out[a.Hash] = a.Blob
		}
	}
	return out
}

// Ingest checks and stores one frame of changes of doc through the same
// path as a bundle's (Ingest's checks; a document new to this node is
// recorded with the type its first change gives, which must be typ).
func (l syncLocal) Ingest(ctx context.Context, space, doc, typ string, chunks, atts [][]byte) (replicate.Ingested, error) {
	return l.ingestFrame(ctx, space, doc, typ, chunks, atts, nil, nil)
}

// ingestFrame is Ingest with the signatures verified ahead in sigs and
// the chunks parsed ahead in parsed (FrameIn.Parsed, or nil).
func (l syncLocal) ingestFrame(ctx context.Context, space, doc, typ string, chunks, atts [][]byte, sigs sigCache, parsed any) (replicate.Ingested, error) {
	in := &incoming{space: space, doc: doc, hint: model.DocType(typ), sigs: sigs, parsed: parsedOf(parsed, len(chunks))}
	err := l.n.ingestUpdate(tailClaim(ctx), func(tx *writeTx) error { // may follow a catch-up's tail (heldtail.go)
		if _, err := tx.Space(space); err != nil {
			return err
		}
		decoded := decodeAttestations(atts, &in.res)
		_, err := l.n.ingest(ctx, tx, in, chunks, decoded)
		return err
	})
	in.res.keptOnly(err)
	return ingested(in.res), err // read after the commit (decision 0043)
}
