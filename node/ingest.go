package node

import (
	"context"
	"errors"
	"fmt"

	"github.com/fxamacker/cbor/v2"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node/member"
	"github.com/weftsync/weft/node/seal"
	"github.com/weftsync/weft/node/wire"
	"github.com/weftsync/weft/store"
)

// IngestResult counts what ingesting changes from outside did: changes
// stored (held ones they released included), already held, kept apart until
// their dependencies arrive, and refused, with why.
type IngestResult struct {
	Stored    int `json:"stored"`
	Duplicate int `json:"duplicate"`
	Held      int `json:"held"`
	Refused   int `json:"refused"`
	// BadAttestations counts attestations refused: malformed, forged, of
	// a non-member, or for another space or document.
	BadAttestations int       `json:"bad_attestations,omitempty"`
	Equivocations   int       `json:"equivocations,omitempty"`
	Refusals        []Refusal `json:"refusals,omitempty"`
}

// Refusal is one change ingest refused: its hash (empty when it did not
// even parse) and the reason.
type Refusal struct {
	Change string `json:"change,omitempty"`
	Reason string `json:"reason"`
}

func (r *IngestResult) refuse(hash *[32]byte, reason string) {
	r.Refused++
	f := Refusal{Reason: reason}
	if hash != nil {
		f.Change = wire.HashHex(*hash)
	}
	r.Refusals = append(r.Refusals, f)
}

// badAttestation records an attestation refused.
func (r *IngestResult) badAttestation(hash *[32]byte, reason string) {
	r.BadAttestations++
	f := Refusal{Reason: "attestation: " + reason}
	if hash != nil {
		f.Change = wire.HashHex(*hash)
	}
	r.Refusals = append(r.Refusals, f)
}

func (r *IngestResult) add(o IngestResult) {
	r.Stored += o.Stored
	r.Duplicate += o.Duplicate
	r.Held += o.Held
	r.Refused += o.Refused
	r.BadAttestations += o.BadAttestations
	r.Equivocations += o.Equivocations
	r.Refusals = append(r.Refusals, o.Refusals...)
}

// incoming is one document's batch of changes from outside, as ingest
// works through it.
type incoming struct {
	space, doc  string
	hint        model.DocType // the type the sender says the document has, or ""
	meta        []byte        // the sender's document metadata, for a new document
	roster      *member.Roster
	changes     []*wire.Change
	parsed      parsedFrame                 // the chunks as parsed ahead (catchupparse.go), or nil
	attested    map[[32]byte][]byte         // change hash -> the member who attested it
	covered     map[[32]byte][]byte         // change hash -> the member whose attestation covers it
	quarantined map[string]bool             // author -> quarantined, read once per batch
	newest      map[string]seal.Attestation // actor -> the batch's attestation of its highest seq (equivocate.go)
	// quarantinedChanges holds the batch's quarantined changes, read once.
	quarantinedChanges map[[32]byte]bool
	// sigs holds signature checks made ahead of the transaction
	// (ingestpipe.go), nil when none were.
	sigs sigCache
	// row is the document's record as read ahead in this transaction
	// (DocsAmong), when rowRead: nil for a document not stored.
	row     *store.DocRow
	rowRead bool
	// feed, when set, may apply a large batch of a stored document in the
	// engine while the store takes it (ingestheld.go).
	feed *heldFeed
	res  IngestResult
}

// Ingest checks and stores changes of one document of a space that did not
// come from this node, with the attestations (seal.Attestation.Marshal)
// that cover them, and hands what it stored to the engine. Refused changes
// are counted, not errors. An error means nothing was stored, except when
// a large batch was stored and the engine then failed on it (decision
// 0043): what the result counts as stored is then what was kept, and the
// changes dropped are counted as refused. It is safe for concurrent use.
func (n *Node) Ingest(ctx context.Context, space, doc string, chunks [][]byte, atts [][]byte) (IngestResult, error) {
	var res IngestResult
	decoded := decodeAttestations(atts, &res)
	in := &incoming{space: space, doc: doc}
	err := n.ingestUpdate(tailClaim(ctx), func(tx *writeTx) error { // may follow a catch-up's tail (heldtail.go)
		_, err := n.ingest(ctx, tx, in, chunks, decoded)
		return err
	})
	in.res.keptOnly(err)
	res.add(in.res) // after the commit: what the engine made of a batch it took after it
	return res, err
}

// decodeAttestations decodes attestation blobs, refusing the malformed.
func decodeAttestations(blobs [][]byte, res *IngestResult) []seal.Attestation {
	out := make([]seal.Attestation, 0, len(blobs))
	for _, b := range blobs {
		a, err := seal.UnmarshalAttestation(b)
		if err != nil {
			res.badAttestation(nil, err.Error())
			continue
		}
		out = append(out, a)
	}
	return out
}

// ingest runs the path of changes from outside (DESIGN.md section 7, path
// 3) inside tx: parse, check attestations, store, apply in the engine,
// create the document record when the document is new.
func (n *Node) ingest(ctx context.Context, tx *writeTx, in *incoming, chunks [][]byte, atts []seal.Attestation) (IngestResult, error) {
	if in.feed == nil {
		in.feed = n.heldFeed(ctx)
	}
	defer in.feed.stop() // no engine call outlives the transaction
	w, err := n.ingestStore(ctx, tx, in, chunks, atts)
	if err != nil || w == nil {
		return in.res, err
	}
	return in.res, n.applyWork(ctx, tx, []*docWork{w})
}

// docWork is one document's part of an ingest once the store has taken
// its changes: what the engine is to apply.
type docWork struct {
	in    *incoming
	added []store.Change // stored in this transaction, in causal order
	isNew bool           // no record of the document before this transaction
	// late is set when the engine's feed of the batch finishes after the
	// ingest returned (a tail's, heldtail.go): a refusal then reports
	// an error and leaves the returned result as it was.
	late bool
}

// ingestStore runs the store's half of ingest: parse, check attestations,
// store. It returns nil when nothing was stored.
func (n *Node) ingestStore(ctx context.Context, tx *writeTx, in *incoming, chunks [][]byte, atts []seal.Attestation) (*docWork, error) {
	fresh, err := in.isNew(tx.Tx)
	if err != nil {
		return nil, err
	}
	if in.roster == nil {
		if in.roster, err = n.spaceRoster(tx.Tx, in.space); err != nil {
			return nil, err
		}
	}
	in.parse(chunks)
	if err := in.takeAttestations(tx.Tx, atts); err != nil {
		return nil, err
	}
	if err := in.cover(tx.Tx); err != nil {
		return nil, err
	}
	if err := in.feed.start(tx, in, fresh); err != nil {
		return nil, err
	}
	added, err := in.store(tx.Tx)
	if err == nil && in.res.Equivocations > 0 {
		tx.cutDoc(in.doc)
	}
	if err != nil || len(added) == 0 {
		return nil, err
	}
	tx.stored = append(tx.stored, storedNote{space: in.space, doc: in.doc, n: len(added)})
	if over, err := n.storedPastOps(ctx, tx, in, added, fresh); over || err != nil {
		return nil, err // stored, and not for the engine
	}
	return &docWork{in: in, added: added, isNew: fresh}, nil
}

// isNew reports whether the document is not stored yet, and refuses a
// document that belongs to another space: docIsNew, or the same over the
// record read ahead.
func (in *incoming) isNew(tx *store.Tx) (bool, error) {
	if !in.rowRead {
		return docIsNew(tx, in.space, in.doc)
	}
	if !model.ValidID(in.doc) {
		return false, fmt.Errorf("%w: document ID %q", ErrInvalid, in.doc)
	}
	if in.row == nil {
		return true, nil
	}
	return docIsNewRow(*in.row, nil, in.space, in.doc)
}

// docIsNew reports whether doc is not stored yet, and refuses a document
// that belongs to another space.
func docIsNew(tx *store.Tx, space, doc string) (bool, error) {
	if !model.ValidID(doc) {
		return false, fmt.Errorf("%w: document ID %q", ErrInvalid, doc)
	}
	row, err := tx.Doc(doc)
	return docIsNewRow(row, err, space, doc)
}

// docIsNewRow is docIsNew over the result of reading doc's record.
func docIsNewRow(row store.DocRow, err error, space, doc string) (bool, error) {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return true, nil
	case err != nil:
		return false, err
	case row.Space != space:
		return false, fmt.Errorf("%w: document %s belongs to another space", ErrInvalid, doc)
	}
	return false, nil
}

// parse parses every chunk, refusing what fails the checks; what was
// parsed ahead (in.parsed) is taken as it is.
func (in *incoming) parse(chunks [][]byte) {
	ahead := in.parsed
	if len(ahead) != len(chunks) {
		ahead = nil
	}
	in.parsed = nil
	if ahead == nil {
		parsedAtIngest.Add(int64(len(chunks)))
	}
	in.changes = make([]*wire.Change, 0, len(chunks))
	for i, raw := range chunks {
		var c *wire.Change
		var err error
		if ahead != nil {
			c, err = ahead[i].c, ahead[i].err
		} else {
			c, err = wire.ParseChange(raw)
		}
		if err != nil {
			in.res.refuse(nil, err.Error())
			continue
		}
		in.changes = append(in.changes, c)
	}
}

// takeAttestations verifies and stores the attestations for this space and
// document whose signer owns the actor and is a member. A proof of
// equivocation is kept: the store has cut the actor in the same
// transaction.
func (in *incoming) takeAttestations(tx *store.Tx, atts []seal.Attestation) error {
	in.attested = map[[32]byte][]byte{}
	for _, a := range atts {
		blob := a.Marshal()
		if err := in.checkAttestation(a, blob); err != nil {
			in.res.badAttestation(&a.Hash, err.Error())
			continue
		}
		_, err := tx.AddAttestation(store.AttestationRow{Doc: in.doc, Space: in.space, Actor: a.Actor,
			Seq: a.Seq, Hash: a.Hash, Signer: a.Signer, Blob: blob})
		switch {
		case errors.Is(err, store.ErrEquivocation):
			in.res.Equivocations++
			in.attested[a.Hash] = a.Signer // valid, and past the cut just made: it lets the fork be found below it
			in.noteAttestation(a)
			continue
		case errors.Is(err, store.ErrRefused):
			in.res.badAttestation(&a.Hash, err.Error())
			continue
		case err != nil:
			return err
		}
		in.attested[a.Hash] = a.Signer
		in.noteAttestation(a)
	}
	return nil
}

// checkAttestation accepts an attestation that binds this space and
// document, verifies, and whose signer owns the actor and is a member.
// blob is a.Marshal(). The membership check is made here, at ingest,
// always; the signature's may have been made ahead (in.sigs).
func (in *incoming) checkAttestation(a seal.Attestation, blob []byte) error {
	switch {
	case a.Space != in.space || a.Doc != in.doc:
		return errors.New("attestation for another space or document")
	case !seal.OwnsActor(a.Signer, a.Actor):
		return errors.New("attestation signer does not own the actor")
	case !in.roster.IsMember(a.Signer):
		return errors.New("attestation signer is not a member of the space")
	}
	return in.sigs.verify(a, blob)
}

// putIncomingDoc records a document first seen in incoming changes: its
// type read from the engine's view, which must name this space and agree
// with the type the sender gave.
func (n *Node) putIncomingDoc(ctx context.Context, tx *writeTx, in *incoming, added []store.Change) error {
	v, err := n.eng.View(ctx, in.doc)
	if err != nil {
		return ingestErr(in.doc, err)
	}
	return n.putIncomingView(tx, in, added, v)
}

// putIncomingView records a document first seen in incoming changes, of
// which the engine gave view v.
func (n *Node) putIncomingView(tx *writeTx, in *incoming, added []store.Change, v model.View) error {
	switch {
	case !v.Type.Valid():
		return fmt.Errorf("%w: incoming document %s has no known type", ErrInvalid, in.doc)
	case v.Space != in.space:
		return fmt.Errorf("%w: incoming document %s names another space", ErrInvalid, in.doc)
	case in.hint != "" && in.hint != v.Type:
		return fmt.Errorf("%w: incoming document %s is a %s, not a %s", ErrInvalid, in.doc, v.Type, in.hint)
	}
	created := added[0].Time / 1000
	if created <= 0 {
		created = n.now().Unix()
	}
	meta, err := incomingMeta(v, in.meta)
	if err != nil {
		return err
	}
	return tx.PutDoc(store.DocRow{ID: in.doc, Space: in.space, Type: v.Type, Created: created, Meta: meta})
}

// incomingMeta is the metadata to keep for a document first seen in
// incoming changes: a calendar's name comes from the document itself
// (its creator wrote it in the first change, which sync and gossip both
// carry), not from what the sender says beside it; other types keep the
// sender's metadata.
func incomingMeta(v model.View, sent []byte) ([]byte, error) {
	if v.Type != model.Calendar || v.Calendar == nil {
		return sent, nil
	}
	meta, err := cbor.Marshal(docMeta{Name: v.Calendar.Name})
	if err != nil {
		return nil, fmt.Errorf("node: encode calendar metadata: %w", err)
	}
	return meta, nil
}

// storedNote is what one ingest stored, told to Options.OnStored once the
// transaction commits.
type storedNote struct {
	space, doc string
	n          int
}

// notifyStored tells Options.OnStored what a committed transaction stored.
func (n *Node) notifyStored(notes []storedNote) {
	if n.opts.OnStored == nil {
		return
	}
	for _, s := range notes {
		n.opts.OnStored(s.space, s.doc, s.n)
	}
}
