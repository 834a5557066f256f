package node

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/libp2p/go-libp2p/core/host"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node/gossip"
	"github.com/weftsync/weft/node/latency"
	"github.com/weftsync/weft/node/member"
	"github.com/weftsync/weft/node/seal"
	"github.com/weftsync/weft/store"
)

// gossipLocal is the node as gossip sees it (gossip.Local).
type gossipLocal struct{ n *Node }

var _ gossip.Local = gossipLocal{}

// Gossip starts weft's gossip on h, a host built from this node's
// identity, over this node's store. Set opts.OnMissing to pull by sync
// from a peer that gossip shows holds changes or membership operations we
// lack, and opts.Banned from the quarantine list; the logger defaults to
// the node's. The caller closes the Gossip before the node, and calls its
// Refresh after any change of membership or keys and Readmit when a
// connected peer is admitted.
func (n *Node) Gossip(ctx context.Context, h host.Host, opts gossip.Options) (*gossip.Gossip, error) {
	if opts.Logger == nil {
		opts.Logger = n.log
	}
	return gossip.New(ctx, h, gossipLocal{n}, opts)
}

// Spaces lists the spaces whose current epoch key this node holds and of
// which it is still a member.
func (l gossipLocal) Spaces(ctx context.Context) ([]gossip.SpaceKey, error) {
	var out []gossip.SpaceKey
	err := l.n.db.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Spaces()
		if err != nil {
			return err
		}
		for _, row := range rows {
			k, ok, err := l.n.currentKey(tx, row.ID)
			if err != nil {
				return err
			}
			if ok {
				out = append(out, k)
			}
		}
		return nil
	})
	return out, storeErr(err)
}

// currentKey is a space's current epoch and key, when this node is a
// member and holds that key, with the version of the roster it read.
func (n *Node) currentKey(tx *store.Tx, space string) (gossip.SpaceKey, bool, error) {
	e, err := n.rosters.get(tx, space)
	if err != nil {
		return gossip.SpaceKey{}, false, err
	}
	r, err := n.rosters.roster(e)
	if errors.Is(err, member.ErrNoCreate) {
		return gossip.SpaceKey{}, false, nil
	}
	if err != nil {
		return gossip.SpaceKey{}, false, fmt.Errorf("%w: membership log of %s: %w", ErrCorrupt, space, err)
	}
	if !r.IsMember(n.id.Public) {
		return gossip.SpaceKey{}, false, nil
	}
	epoch := r.Epoch().ID
	key, err := epochKey(tx, space, epoch)
	if errors.Is(err, ErrNotFound) {
		return gossip.SpaceKey{}, false, nil
	}
	return gossip.SpaceKey{ID: space, Epoch: epoch, Key: key, Roster: rosterVersion(e.v)}, err == nil, err
}

// rosterVersion names a membership log's version in 32 bytes.
func rosterVersion(v store.MemberOpsVersion) [32]byte {
	return sha256.Sum256(binary.BigEndian.AppendUint64(v.Digest[:], uint64(v.Count)))
}

// Known answers, in one read transaction, whether every one of hashes of
// doc is stored and which of signers are current members of space.
func (l gossipLocal) Known(ctx context.Context, space, doc string, hashes [][32]byte, signers [][]byte) (bool, map[string]bool, error) {
	held := true
	members := make(map[string]bool, len(signers))
	err := l.n.db.View(ctx, func(tx *store.Tx) error {
		for _, h := range hashes {
			ok, err := tx.HasChange(doc, h)
			if err != nil {
				return err
			}
			if !ok {
				held = false
				break
			}
		}
		if len(signers) == 0 {
			return nil
		}
		r, err := l.n.spaceRoster(tx, space)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		for _, s := range signers {
			members[string(s)] = r.IsMember(s)
		}
		return nil
	})
	return held, members, storeErr(err)
}

// IsMember reports whether peer is a current member of space by our roster.
func (l gossipLocal) IsMember(ctx context.Context, space string, peer ed25519.PublicKey) (bool, error) {
	var ok bool
	err := l.n.db.View(ctx, func(tx *store.Tx) error {
		r, err := l.n.spaceRoster(tx, space)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		ok = err == nil && r.IsMember(peer)
		return err
	})
	return ok, storeErr(err)
}

// Ingest stores a delivered batch (Node.Ingest with the sender's type and
// metadata for a new document, the engine's part after the commit when it
// can wait: ingestGossip) and reports whether changes were held for
// missing dependencies.
func (l gossipLocal) Ingest(ctx context.Context, d gossip.Delivered) (bool, error) {
	latency.Mark("ingest.start")
	space, b := d.Space, d.Batch
	var res IngestResult
	decoded := decodeAttestations(b.Atts, &res)
	err := l.n.ingestUpdate(ctx, func(tx *writeTx) error {
		in := &incoming{space: space, doc: b.Doc, hint: model.DocType(b.Type), meta: b.Meta, sigs: verifiedSigs(d.Verified)}
		r, err := l.n.ingestGossip(ctx, tx, in, b.Chunks, decoded)
		res.add(r)
		return err
	})
	if err == nil {
		l.n.learnAttested(space, b.Doc, decoded)
	}
	if err == nil && res.Refused+res.BadAttestations > 0 {
		l.n.log.Info("gossip: changes refused", "space", space, "doc", b.Doc, "refused", res.Refused,
			"bad_attestations", res.BadAttestations)
	}
	return res.Held > 0, err
}

// IngestAll stores several delivered batches in one transaction, each as
// Ingest does, and reports per batch whether changes were held. An error
// means nothing was stored (the transaction rolled back), or that a batch
// the engine was fed while it was stored failed after the commit (decision
// 0043) and was dropped from the change it failed on: what was kept stays
// stored. Either way no count is returned, and gossip ingests each batch
// again alone, which finds what was kept already stored.
func (l gossipLocal) IngestAll(ctx context.Context, ds []gossip.Delivered) ([]bool, error) {
	res := make([]IngestResult, len(ds))
	decoded := make([][]seal.Attestation, len(ds))
	for i, d := range ds {
		decoded[i] = decodeAttestations(d.Batch.Atts, &res[i])
	}
	err := l.n.ingestUpdate(ctx, func(tx *writeTx) error {
		for i, d := range ds {
			in := &incoming{space: d.Space, doc: d.Batch.Doc, hint: model.DocType(d.Batch.Type), meta: d.Batch.Meta,
				sigs: verifiedSigs(d.Verified)}
			r, err := l.n.ingestGossip(ctx, tx, in, d.Batch.Chunks, decoded[i])
			res[i].add(r)
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	missing := make([]bool, len(ds))
	for i, d := range ds {
		l.n.learnAttested(d.Space, d.Batch.Doc, decoded[i])
		if res[i].Refused+res[i].BadAttestations > 0 {
			l.n.log.Info("gossip: changes refused", "space", d.Space, "doc", d.Batch.Doc, "refused", res[i].Refused,
				"bad_attestations", res[i].BadAttestations)
		}
		missing[i] = res[i].Held > 0
	}
	return missing, nil
}

// verifiedSigs is a sigCache of the attestations gossip's validator
// verified (canonical encodings): their signatures are not verified again.
func verifiedSigs(verified [][]byte) sigCache {
	if len(verified) == 0 {
		return nil
	}
	c := make(sigCache, len(verified))
	for _, b := range verified {
		c[string(b)] = nil
	}
	return c
}

// outboxPage is how many outbox rows PublishOutbox reads at once.
const outboxPage = 1024

// outboxBatch is one envelope's worth of the outbox: the batch and the
// outbox rows it sends.
type outboxBatch struct {
	space string
	batch gossip.Batch
	rows  []store.OutboxRow
}

// PublishOutbox publishes the store's outbox on g, per document in batches
// that fit an envelope, each carrying the attestation of its actors' newest
// changes; a change too large to gossip is announced by its hash for sync
// to fetch. It deletes from the outbox what it published or announced, and
// keeps the rows of spaces g is not on (no current key yet). Published
// means handed to pubsub: a member not reached gets the change by sync.
func (n *Node) PublishOutbox(ctx context.Context, g *gossip.Gossip) error {
	_, err := n.publishOutbox(ctx, g)
	return ignoreKept(err)
}

// publishOutbox is PublishOutbox that returns the rows it published or
// announced, and errKept when it kept some.
func (n *Node) publishOutbox(ctx context.Context, g *gossip.Gossip) (map[store.OutboxRow]bool, error) {
	published := map[store.OutboxRow]bool{}
	for {
		rows, batches, keys, err := n.outboxBatches(ctx)
		if err != nil || len(rows) == 0 {
			return published, err
		}
		latency.Mark("pub.read")
		if topicsStale(g, keys) {
			// A commit changed a roster or a key since g last read them:
			// never publish under an epoch the store has moved past.
			if err := g.Refresh(ctx); err != nil {
				return published, err
			}
		}
		var done []store.OutboxRow
		for _, b := range batches {
			ok, err := n.publishBatch(ctx, g, b)
			if err != nil {
				return published, errors.Join(err, n.deleteOutbox(ctx, done))
			}
			if ok {
				done = append(done, b.rows...)
			}
		}
		latency.Mark("pub.sent")
		for _, r := range done {
			published[r] = true
		}
		if err := n.deleteOutbox(ctx, done); err != nil {
			return published, err
		}
		if len(done) < len(rows) {
			return published, errKept
		}
		if len(rows) < outboxPage {
			return published, nil
		}
	}
}

// publishBatch publishes b, or announces its heads when it is too large.
// It reports whether b's rows are done with; only a cancelled ctx is an
// error.
func (n *Node) publishBatch(ctx context.Context, g *gossip.Gossip, b outboxBatch) (bool, error) {
	err := g.Publish(ctx, b.space, b.batch)
	if errors.Is(err, gossip.ErrTooLarge) {
		err = g.Announce(ctx, b.space, b.batch.Doc, b.batch.Type, headsOf(b.rows))
	}
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, gossip.ErrNotJoined):
		return false, nil
	case ctx.Err() != nil:
		return false, ctx.Err()
	}
	n.log.Warn("gossip: publish", "space", b.space, "doc", b.batch.Doc, "err", err)
	return true, nil // sync carries what gossip could not
}

// headsOf lists the change hashes of rows, at most gossip.MaxHeads of the
// newest.
func headsOf(rows []store.OutboxRow) [][32]byte {
	if len(rows) > gossip.MaxHeads {
		rows = rows[len(rows)-gossip.MaxHeads:]
	}
	out := make([][32]byte, len(rows))
	for i, r := range rows {
		out[i] = r.Hash
	}
	return out
}

func (n *Node) deleteOutbox(ctx context.Context, rows []store.OutboxRow) error {
	if len(rows) == 0 {
		return nil
	}
	return storeErr(n.db.Update(ctx, func(tx *store.Tx) error { return tx.DeleteOutbox(rows...) }))
}

// outboxBatches reads a page of the outbox and packs it, per document in
// outbox (causal) order, into batches. It also reads, per space of those
// batches, the current epoch and key (ok false when we hold none).
func (n *Node) outboxBatches(ctx context.Context) ([]store.OutboxRow, []outboxBatch, map[string]spaceKeyOK, error) {
	var rows []store.OutboxRow
	var out []outboxBatch
	keys := map[string]spaceKeyOK{}
	err := n.db.View(ctx, func(tx *store.Tx) (err error) {
		if rows, err = tx.Outbox(outboxPage); err != nil {
			return err
		}
		docs, byDoc := groupOutbox(rows)
		for _, doc := range docs {
			bs, err := packDoc(tx, doc, byDoc[doc])
			if err != nil {
				return err
			}
			out = append(out, bs...)
		}
		for _, b := range out {
			if _, done := keys[b.space]; done {
				continue
			}
			k, ok, err := n.currentKey(tx, b.space)
			if err != nil {
				return err
			}
			keys[b.space] = spaceKeyOK{k, ok}
		}
		return nil
	})
	return rows, out, keys, storeErr(err)
}

// spaceKeyOK is a space's current epoch and key as the store has them, ok
// false when we hold none.
type spaceKeyOK struct {
	key gossip.SpaceKey
	ok  bool
}

// topicsStale reports whether g's joined topics differ, for one of keys'
// spaces, from the store's current epoch and key.
func topicsStale(g *gossip.Gossip, keys map[string]spaceKeyOK) bool {
	for space, want := range keys {
		have, joined := g.Current(space)
		if joined != want.ok || joined && (have.Epoch != want.key.Epoch || !bytes.Equal(have.Key, want.key.Key)) {
			return true
		}
	}
	return false
}

// groupOutbox groups rows by document, documents in order of first row.
func groupOutbox(rows []store.OutboxRow) ([]string, map[string][]store.OutboxRow) {
	var docs []string
	by := map[string][]store.OutboxRow{}
	for _, r := range rows {
		if _, ok := by[r.Doc]; !ok {
			docs = append(docs, r.Doc)
		}
		by[r.Doc] = append(by[r.Doc], r)
	}
	return docs, by
}

// packDoc packs one document's outbox rows into batches of at most
// gossip.ChunkBudget bytes of chunks; a larger change goes alone (and will
// be announced).
func packDoc(tx *store.Tx, doc string, rows []store.OutboxRow) ([]outboxBatch, error) {
	d, err := tx.Doc(doc)
	if err != nil {
		return nil, err
	}
	var out []outboxBatch
	var cur *packing
	for _, r := range rows {
		c, err := tx.Change(doc, r.Hash)
		if err != nil {
			return nil, err
		}
		if cur != nil && cur.size+len(c.Raw) > gossip.ChunkBudget {
			if out, err = cur.close(tx, out); err != nil {
				return nil, err
			}
			cur = nil
		}
		if cur == nil {
			cur = newPacking(d)
		}
		cur.add(r, c)
	}
	if cur == nil {
		return out, nil
	}
	return cur.close(tx, out)
}

// packing is a batch being filled.
type packing struct {
	b      outboxBatch
	size   int
	newest map[string]store.Change // per actor, its newest change in the batch
}

func newPacking(d store.DocRow) *packing {
	return &packing{b: outboxBatch{space: d.Space, batch: gossip.Batch{Doc: d.ID, Type: string(d.Type), Meta: d.Meta}},
		newest: map[string]store.Change{}}
}

func (p *packing) add(r store.OutboxRow, c store.Change) {
	p.b.rows = append(p.b.rows, r)
	p.b.batch.Chunks = append(p.b.batch.Chunks, c.Raw)
	p.size += len(c.Raw)
	if old, ok := p.newest[string(c.Actor)]; !ok || c.Seq > old.Seq {
		p.newest[string(c.Actor)] = c
	}
}

// close adds the attestations of each actor's newest change and appends
// the batch to out.
func (p *packing) close(tx *store.Tx, out []outboxBatch) ([]outboxBatch, error) {
	for _, c := range p.newest {
		a, err := tx.AttestationFor(c.Doc, c.Actor, c.Seq)
		if err != nil {
			return nil, err
		}
		p.b.batch.Atts = append(p.b.batch.Atts, a.Blob)
	}
	return append(out, p.b), nil
}
