package node

import (
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"sort"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node/member"
	"github.com/weftsync/weft/node/seal"
	"github.com/weftsync/weft/node/wire"
	"github.com/weftsync/weft/store"
)

// BundleReport counts what importing a bundle did.
type BundleReport struct {
	Space     string `json:"space"`
	Ops       int    `json:"membership_ops_added"`
	Docs      int    `json:"documents_added"`
	Added     int    `json:"added"`
	Duplicate int    `json:"duplicate"`
	Held      int    `json:"held"`
	Refused   int    `json:"refused"`
	// BadAttestations counts attestations refused (forged, of a
	// non-member, malformed).
	BadAttestations int       `json:"bad_attestations"`
	Refusals        []Refusal `json:"refusals,omitempty"`
}

func (rep *BundleReport) add(r IngestResult) {
	rep.Added += r.Stored
	rep.Duplicate += r.Duplicate
	rep.Held += r.Held
	rep.Refused += r.Refused
	rep.BadAttestations += r.BadAttestations
	rep.Refusals = append(rep.Refusals, r.Refusals...)
}

// ExportBundle writes one file carrying all of sp: its membership log,
// every document's type and stored changes in causal order, and their
// attestations, sealed with the space's current epoch key and signed by
// this node (wire's bundle format). Nothing in its plaintext names the
// space, its members or its content.
func (n *Node) ExportBundle(ctx context.Context, sp Space, w io.Writer) error {
	rec, err := n.resolveSpace(ctx, sp.ID)
	if err != nil {
		return err
	}
	return storeErr(n.db.View(ctx, func(tx *store.Tx) error {
		r, err := n.spaceRoster(tx, rec.ID)
		if err != nil {
			return err
		}
		return n.exportSpace(tx, rec, r, w)
	}))
}

// exportSpace writes rec's bundle from tx.
func (n *Node) exportSpace(tx *store.Tx, rec spaceRecord, r *member.Roster, w io.Writer) error {
	epoch := r.Epoch().ID
	key, err := epochKey(tx, rec.ID, epoch)
	if err != nil {
		return err
	}
	bw, err := wire.NewBundleWriter(w, key)
	if err != nil {
		return err
	}
	head := wire.BundleEntry{Kind: wire.EntrySpace, Space: rec.ID, Name: rec.Name, Created: rec.Created,
		Calendar: rec.Calendar, Ledger: rec.Ledger, Epoch: epoch[:], Signer: n.id.Public, Time: n.now().UnixMilli()}
	if err := writeEntry(bw, head); err != nil {
		return err
	}
	if err := n.exportOps(tx, rec.ID, bw); err != nil {
		return err
	}
	if err := exportDocs(tx, rec.ID, bw); err != nil {
		return err
	}
	d := bw.Digest()
	sig := wire.BundleEntry{Kind: wire.EntrySig, Signer: n.id.Public,
		Sig: seal.Sign(n.id.Private, seal.ContextBundle, []byte(rec.ID), d[:])}
	b, err := wire.EncodeBundleEntry(sig)
	if err != nil {
		return err
	}
	return bw.Close(b)
}

func writeEntry(bw *wire.BundleWriter, e wire.BundleEntry) error {
	b, err := wire.EncodeBundleEntry(e)
	if err != nil {
		return err
	}
	return bw.Write(b)
}

// exportOps writes the membership log in its replay order.
func (n *Node) exportOps(tx *store.Tx, space string, bw *wire.BundleWriter) error {
	log, err := n.spaceLog(tx, space)
	if err != nil {
		return err
	}
	for _, op := range log.Ops() {
		if err := writeEntry(bw, wire.BundleEntry{Kind: wire.EntryOp, Op: op.Encode()}); err != nil {
			return err
		}
	}
	return nil
}

// exportDocs writes every document: its record, then its changes in
// stored order and its attestations, in entries of at most MaxBundleEntry
// bytes of changes.
func exportDocs(tx *store.Tx, space string, bw *wire.BundleWriter) error {
	docs, err := tx.Docs(space)
	if err != nil {
		return err
	}
	sort.Slice(docs, func(i, j int) bool { return docs[i].ID < docs[j].ID })
	for _, d := range docs {
		if err := writeEntry(bw, wire.BundleEntry{Kind: wire.EntryDoc, Doc: d.ID, DocType: string(d.Type), Meta: d.Meta}); err != nil {
			return err
		}
		if err := exportChanges(tx, d.ID, bw); err != nil {
			return err
		}
	}
	return nil
}

func exportChanges(tx *store.Tx, doc string, bw *wire.BundleWriter) error {
	changes, err := tx.Changes(doc)
	if err != nil {
		return err
	}
	atts, err := tx.Attestations(doc)
	if err != nil {
		return err
	}
	ew := changesWriter{bw: bw, e: wire.BundleEntry{Kind: wire.EntryChanges, Doc: doc}}
	for _, c := range changes {
		if err := ew.chunk(c.Raw); err != nil {
			return err
		}
	}
	for _, a := range atts {
		if err := ew.att(a.Blob); err != nil {
			return err
		}
	}
	if err := ew.flush(); err != nil {
		return err
	}
	// The proofs of equivocation held, with both sides, after the changes
	// they build on: the importer finds the fork and cuts as we did. The
	// importer ingests all of a document's entries in one batch, so the
	// evidence may take as many entries as it needs.
	chunks, proofAtts, err := proofEvidence(tx, doc)
	if err != nil {
		return err
	}
	for _, c := range chunks {
		if err := ew.chunk(c); err != nil {
			return err
		}
	}
	for _, a := range proofAtts {
		if err := ew.att(a); err != nil {
			return err
		}
	}
	return ew.flush()
}

// changesWriter writes a document's chunks and attestations in entries of
// at most wire.MaxBundleEntry bytes.
type changesWriter struct {
	bw   *wire.BundleWriter
	e    wire.BundleEntry
	size int
}

func (w *changesWriter) chunk(c []byte) error {
	if err := w.room(len(c)); err != nil {
		return err
	}
	w.e.Chunks, w.size = append(w.e.Chunks, c), w.size+len(c)
	return nil
}

func (w *changesWriter) att(a []byte) error {
	if err := w.room(len(a)); err != nil {
		return err
	}
	w.e.Atts, w.size = append(w.e.Atts, a), w.size+len(a)
	return nil
}

// room writes the entry so far when n more bytes would take it past
// wire.MaxBundleEntry.
func (w *changesWriter) room(n int) error {
	if w.size > 0 && w.size+n > wire.MaxBundleEntry {
		return w.flush()
	}
	return nil
}

// flush writes the entry so far, if it holds anything.
func (w *changesWriter) flush() error {
	if len(w.e.Chunks)+len(w.e.Atts) == 0 {
		return nil
	}
	err := writeEntry(w.bw, w.e)
	w.e.Chunks, w.e.Atts, w.size = nil, nil, 0
	return err
}

// bundleKey is the key a bundle opens with and what it is for.
type bundleKey struct {
	space   string
	epoch   [32]byte
	key     []byte
	welcome bool // the bundle of a welcome: the space is new to this node
}

// ImportBundle reads a bundle made by ExportBundle for a space this node
// is in, and ingests it in one transaction: membership operations, then
// every document's changes and attestations through the same checks as
// any change from outside. A truncated, altered or foreign bundle fails
// with ErrInvalid and writes nothing. Importing a bundle twice adds
// nothing the second time.
func (n *Node) ImportBundle(ctx context.Context, r io.Reader) (BundleReport, error) {
	h, err := wire.ReadBundleHeader(r)
	if err != nil {
		return BundleReport{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	bk, err := n.findBundleKey(ctx, h)
	if err != nil {
		return BundleReport{}, err
	}
	return n.importSealed(ctx, r, h, bk)
}

// findBundleKey finds the space key whose tag the header carries.
func (n *Node) findBundleKey(ctx context.Context, h wire.BundleHeader) (bundleKey, error) {
	var bk bundleKey
	err := n.db.View(ctx, func(tx *store.Tx) error {
		spaces, err := tx.Spaces()
		if err != nil {
			return err
		}
		for _, sp := range spaces {
			keys, err := tx.EpochKeys(sp.ID)
			if err != nil {
				return err
			}
			for _, k := range keys {
				if h.Opens(k.Key) {
					bk = bundleKey{space: sp.ID, key: k.Key}
					return nil
				}
			}
		}
		return fmt.Errorf("%w: no space of this node opens this bundle: it is from a space this node is not in, or sealed under a key it does not hold", ErrInvalid)
	})
	return bk, storeErr(err)
}

// importBundle reads the header of a welcome's bundle and imports it.
func (n *Node) importBundle(ctx context.Context, r io.Reader, bk bundleKey) (BundleReport, error) {
	h, err := wire.ReadBundleHeader(r)
	if err != nil {
		return BundleReport{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if !h.Opens(bk.key) {
		return BundleReport{}, fmt.Errorf("%w: the bundle is not sealed under the welcome's key", ErrInvalid)
	}
	return n.importSealed(ctx, r, h, bk)
}

// importSealed opens and decodes every entry, then applies them in one
// transaction.
func (n *Node) importSealed(ctx context.Context, r io.Reader, h wire.BundleHeader, bk bundleKey) (BundleReport, error) {
	entries, digest, err := wire.ReadBundle(r, h, bk.key)
	if err != nil {
		return BundleReport{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	b, err := decodeBundle(entries, bk.space)
	if err != nil {
		return BundleReport{}, err
	}
	b.digest = digest
	rep := BundleReport{Space: bk.space}
	err = n.ingestUpdate(ctx, func(tx *writeTx) error {
		rep = BundleReport{Space: bk.space}
		b.imported = b.imported[:0]
		return n.applyBundle(ctx, tx, b, bk, &rep)
	})
	// Read after the commit: a batch the engine refused after it (decision
	// 0043) counts what was kept.
	for _, d := range b.imported {
		rep.add(d.in.res)
		if d.isNew && d.in.res.Stored > 0 {
			rep.Docs++
		}
	}
	return rep, err
}

// openedBundle is a bundle's decoded entries.
type openedBundle struct {
	head   wire.BundleEntry
	ops    [][]byte
	docs   []*bundleDoc
	sig    wire.BundleEntry
	digest [32]byte
	// imported holds each document ingested so far, for the report.
	imported []importedDoc
}

// importedDoc is a bundle's document as ingested: its ingest's state, whose
// result is read after the commit, and whether it was new to this node.
type importedDoc struct {
	in    *incoming
	isNew bool
}

type bundleDoc struct {
	id     string
	typ    model.DocType
	meta   []byte
	chunks [][]byte
	atts   [][]byte
}

// decodeBundle decodes the entries and checks their order: the space
// first (it must be space), the signature last, each document's changes
// after its record.
func decodeBundle(entries [][]byte, space string) (*openedBundle, error) {
	b := &openedBundle{}
	docs := map[string]*bundleDoc{}
	for i, raw := range entries {
		e, err := wire.DecodeBundleEntry(raw)
		if err != nil {
			return nil, fmt.Errorf("%w: bundle entry %d: %w", ErrInvalid, i, err)
		}
		if err := b.take(e, i, len(entries), docs); err != nil {
			return nil, err
		}
	}
	if b.head.Space != space {
		return nil, fmt.Errorf("%w: the bundle names another space than its key's", ErrInvalid)
	}
	return b, nil
}

// take places one entry, at index i of n.
func (b *openedBundle) take(e wire.BundleEntry, i, n int, docs map[string]*bundleDoc) error {
	bad := func(what string) error { return fmt.Errorf("%w: bundle entry %d: %s", ErrInvalid, i, what) }
	switch {
	case (i == 0) != (e.Kind == wire.EntrySpace):
		return bad("the space entry must come first, once")
	case (i == n-1) != (e.Kind == wire.EntrySig):
		return bad("the signature must come last, once")
	}
	switch e.Kind {
	case wire.EntrySpace:
		b.head = e
	case wire.EntrySig:
		b.sig = e
	case wire.EntryOp:
		b.ops = append(b.ops, e.Op)
	case wire.EntryDoc:
		if docs[e.Doc] != nil || !model.ValidID(e.Doc) {
			return bad("document listed twice, or a bad document ID")
		}
		docs[e.Doc] = &bundleDoc{id: e.Doc, typ: model.DocType(e.DocType), meta: e.Meta}
		b.docs = append(b.docs, docs[e.Doc])
	case wire.EntryChanges:
		d := docs[e.Doc]
		if d == nil {
			return bad("changes of a document not listed before them")
		}
		d.chunks, d.atts = append(d.chunks, e.Chunks...), append(d.atts, e.Atts...)
	}
	return nil
}

// applyBundle stores the bundle's membership operations, checks its
// signature against the roster they make, and ingests every document.
func (n *Node) applyBundle(ctx context.Context, tx *writeTx, b *openedBundle, bk bundleKey, rep *BundleReport) error {
	before, _ := n.spaceRoster(tx.Tx, bk.space) // nil for a space this welcome brings
	r, err := n.takeOps(tx.Tx, bk.space, b.ops, rep)
	if err != nil {
		return err
	}
	// Members the bundle admits whom we are connected to are readmitted to
	// gossip after the commit, as when the same operations come by sync.
	tx.admitted = append(tx.admitted, newMembers(before, r)...)
	if err := b.checkSig(r, bk.space); err != nil {
		return err
	}
	if bk.welcome {
		if err := n.takeWelcomeKey(tx.Tx, r, bk); err != nil {
			return err
		}
	}
	for _, d := range b.docs {
		if err := n.importDoc(ctx, tx, r, bk.space, d, b); err != nil {
			return err
		}
	}
	if bk.welcome {
		return putWelcomeSpace(tx.Tx, r, b.head)
	}
	return nil
}

// takeOps adds the bundle's membership operations to the space's log and
// returns the roster they make.
func (n *Node) takeOps(tx *store.Tx, space string, ops [][]byte, rep *BundleReport) (*member.Roster, error) {
	log, err := n.spaceLog(tx, space)
	if err != nil {
		return nil, err
	}
	for _, blob := range ops {
		op, err := log.AddEncoded(blob)
		if err != nil {
			return nil, fmt.Errorf("%w: bundle membership operation: %w", ErrInvalid, err)
		}
		added, err := tx.AddMemberOp(space, op.ID(), blob)
		if err != nil {
			return nil, err
		}
		if added {
			rep.Ops++
		}
	}
	r, err := log.Roster()
	if err != nil {
		return nil, fmt.Errorf("%w: the bundle's membership log: %w", ErrInvalid, err)
	}
	return r, nil
}

// checkSig verifies the exporter's signature over every entry, and that the
// exporter is a member.
func (b *openedBundle) checkSig(r *member.Roster, space string) error {
	signer := b.sig.Signer
	switch {
	case !r.IsMember(signer) || string(b.head.Signer) != string(signer):
		return fmt.Errorf("%w: the bundle was not signed by a member of the space", ErrInvalid)
	case !seal.Verify(signer, seal.ContextBundle, b.sig.Sig, []byte(space), b.digest[:]):
		return fmt.Errorf("%w: the bundle's signature does not verify", ErrInvalid)
	}
	return nil
}

// takeWelcomeKey stores the welcome's epoch key, once the log admits this
// node and names the epoch.
func (n *Node) takeWelcomeKey(tx *store.Tx, r *member.Roster, bk bundleKey) error {
	if !r.IsMember(n.id.Public) {
		return fmt.Errorf("%w: the welcome's membership log does not admit this node", ErrInvalid)
	}
	for _, e := range r.Epochs() {
		if e.ID == bk.epoch {
			return tx.PutEpochKey(bk.space, hex.EncodeToString(e.ID[:]), bk.key)
		}
	}
	return fmt.Errorf("%w: the welcome's key is of no epoch of the space", ErrInvalid)
}

// importDoc ingests one document of a bundle, and notes it in b.imported
// for the report.
func (n *Node) importDoc(ctx context.Context, tx *writeTx, r *member.Roster, space string, d *bundleDoc, b *openedBundle) error {
	isNew, err := docIsNew(tx.Tx, space, d.id)
	if err != nil {
		return err
	}
	in := &incoming{space: space, doc: d.id, hint: d.typ, meta: d.meta, roster: r}
	atts := decodeAttestations(d.atts, &in.res)
	b.imported = append(b.imported, importedDoc{in: in, isNew: isNew})
	_, err = n.ingest(ctx, tx, in, d.chunks, atts)
	return err
}

// putWelcomeSpace records a space joined by a welcome: its default
// calendar and its ledger as the bundle names them, once they are stored
// with the right types.
func putWelcomeSpace(tx *store.Tx, r *member.Roster, head wire.BundleEntry) error {
	if _, err := tx.Space(head.Space); err == nil {
		return nil
	}
	for id, t := range map[string]model.DocType{head.Calendar: model.Calendar, head.Ledger: model.Ledger} {
		row, err := tx.Doc(id)
		if err != nil || row.Type != t || row.Space != head.Space {
			return fmt.Errorf("%w: the welcome's bundle lacks the space's %s", ErrInvalid, t)
		}
	}
	rec := spaceRecord{ID: head.Space, Name: orDefault(r.Name(), head.Name), Created: head.Created,
		Calendar: head.Calendar, Ledger: head.Ledger}
	return putSpaceRecord(tx, rec)
}
