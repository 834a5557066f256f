package store

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
)

// Reads over many documents of a space at once (decision 0025): a sync
// answer to a fresh member asks, for every document of a space, its
// version vector, its changes and their attestations, and one query per
// document cost more than the rows themselves. These answer a space, or a
// group of its documents, with one query per table. They read the same
// rows and leave out the same changes as VersionVector, Changes and
// Attestations (a document with a cut goes through those).

// spaceDocs reads a space's documents for a digest: their records by ID,
// an empty version vector for each, and their IDs by index.
func (tx *Tx) spaceDocs(space string) (rows map[string]DocRow, vvs map[string]map[string]uint64, ids map[string]string, err error) {
	docs, err := tx.Docs(space)
	if err != nil {
		return nil, nil, nil, err
	}
	rows = make(map[string]DocRow, len(docs))
	vvs = make(map[string]map[string]uint64, len(docs))
	ids = make(map[string]string, len(docs)) // doc index -> ID
	for _, d := range docs {
		rows[d.ID] = d
		vvs[d.ID] = map[string]uint64{}
		ids[string(tx.index(d.ID))] = d.ID
	}
	return rows, vvs, ids, nil
}

// SpaceVersionVectors returns, for every document of space, its record
// and its version vector (VersionVector's), keyed by document ID.
func (tx *Tx) SpaceVersionVectors(space string) (map[string]DocRow, map[string]map[string]uint64, error) {
	rows, vvs, ids, err := tx.spaceDocs(space)
	if err != nil {
		return nil, nil, err
	}
	cut, err := tx.docsWithCuts(space)
	if err != nil {
		return nil, nil, fmt.Errorf("store: space version vectors: %w", err)
	}
	// Each actor's highest seq by a subquery of its own, which reads one
	// entry of the (doc, actor, seq) index, rather than by grouping every
	// change of the space (decision 0033).
	err = tx.each(`SELECT doc, actor, blob, seq FROM (SELECT a.doc AS doc, a.actor AS actor, a.blob AS blob,
		(SELECT max(c.seq) FROM changes c WHERE c.doc = a.doc AND c.actor = a.actor) AS seq
		FROM docs d JOIN doc_actors a ON a.doc = d.doc WHERE d.space = ?) WHERE seq IS NOT NULL`,
		[]any{tx.index(space)}, func(scan func(...any) error) error {
			var doc, key, sealed []byte
			var seq uint64
			if err := scan(&doc, &key, &sealed, &seq); err != nil {
				return err
			}
			id, ok := ids[string(doc)]
			if !ok || cut[string(doc)] {
				return nil // added since Docs read (not in this snapshot), or read below
			}
			var actor []byte
			if err := tx.open("doc_actors", sealed, &actor, doc, key); err != nil {
				return err
			}
			vvs[id][hex.EncodeToString(actor)] = seq
			return nil
		})
	if err != nil {
		return nil, nil, fmt.Errorf("store: space version vectors: %w", err)
	}
	for key := range cut {
		if id, ok := ids[key]; ok {
			if vvs[id], err = tx.VersionVector(id); err != nil {
				return nil, nil, err
			}
		}
	}
	return rows, vvs, nil
}

// docsWithCuts returns the indexes of space's documents that have a cut
// (none, without a query, when the store holds no cut).
func (tx *Tx) docsWithCuts(space string) (map[string]bool, error) {
	if none, err := tx.noCuts(); none || err != nil {
		return nil, err
	}
	out := map[string]bool{}
	err := tx.each(`SELECT DISTINCT c.doc FROM cuts c JOIN docs d ON d.doc = c.doc WHERE d.space = ?`,
		[]any{tx.index(space)}, func(scan func(...any) error) error {
			var doc []byte
			err := scan(&doc)
			out[string(doc)] = true
			return err
		})
	return out, err
}

// DocChanges is what ManyChanges returns of one document.
type DocChanges struct {
	// Changes are the document's stored changes as Changes returns them:
	// in insertion (causal) order, those its cuts leave out left out.
	Changes []Change
	// Attestations are the document's attestations in arrival order, as
	// Attestations returns them.
	Attestations []AttestationRow
}

// MaxManyDocs bounds the documents of one ManyChanges call.
const MaxManyDocs = 256

// ManyChanges returns the changes and attestations of each of docs (at
// most MaxManyDocs) that is a document of space, with one query per
// table; a document of another space or not stored is absent from the
// result.
func (tx *Tx) ManyChanges(space string, docs []string) (map[string]*DocChanges, error) {
	return tx.ManyChangesWithin(space, docs, 0)
}

// ManyChangesWithin is ManyChanges bounded by bytes: once the blobs of the
// change and attestation rows it has read (cut changes included, sealed:
// about their raw bytes) pass maxBytes, when positive, it stops and fails
// with ErrOverBytes. A document's rows are read whole, so what documents
// hold, not what a reader lacks of them, decides.
func (tx *Tx) ManyChangesWithin(space string, docs []string, maxBytes int64) (map[string]*DocChanges, error) {
	if err := tx.unlocked(); err != nil {
		return nil, err
	}
	if len(docs) > MaxManyDocs {
		return nil, fmt.Errorf("store: many changes: %d documents, over %d", len(docs), MaxManyDocs)
	}
	out := map[string]*DocChanges{}
	if len(docs) == 0 {
		return out, nil
	}
	ids := make(map[string]string, len(docs)) // doc index -> ID
	args := make([]any, 0, len(docs)+1)
	args = append(args, tx.index(space))
	for _, id := range docs {
		key := tx.index(id)
		if _, dup := ids[string(key)]; dup {
			continue
		}
		ids[string(key)] = id
		args = append(args, key)
	}
	in := "(?" + strings.Repeat(",?", len(args)-2) + ")"
	// The documents of space among docs: the plain space column says so
	// (openDoc checks it against the sealed record wherever one is read).
	err := tx.each("SELECT doc FROM docs WHERE space = ? AND doc IN "+in, args, func(scan func(...any) error) error {
		var key []byte
		if err := scan(&key); err != nil {
			return err
		}
		if id, ok := ids[string(key)]; ok {
			out[id] = &DocChanges{}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: many changes: %w", err)
	}
	ex := map[string]map[string]bool{}
	if none, err := tx.noCuts(); err != nil {
		return nil, fmt.Errorf("store: many changes: %w", err)
	} else if !none {
		for key := range ids {
			if ex[key], err = tx.excluded([]byte(key)); err != nil {
				return nil, fmt.Errorf("store: many changes: %w", err)
			}
		}
	}
	var read int64
	over := func(sealed []byte) error {
		if read += int64(len(sealed)); maxBytes > 0 && read > maxBytes {
			return fmt.Errorf("%w: %d bytes read of documents of space %s, bound %d", ErrOverBytes, read, space, maxBytes)
		}
		return nil
	}
	err = tx.each("SELECT doc, hash, blob FROM changes WHERE doc IN "+in+" ORDER BY n", args[1:],
		func(scan func(...any) error) error {
			var d, h, sealed []byte
			if err := scan(&d, &h, &sealed); err != nil {
				return err
			}
			if err := over(sealed); err != nil {
				return err
			}
			dc := out[ids[string(d)]]
			if dc == nil || ex[string(d)][string(h)] {
				return nil
			}
			c, err := tx.openChange("changes", d, h, sealed)
			dc.Changes = append(dc.Changes, c)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("store: many changes: %w", err)
	}
	err = tx.each("SELECT doc, actor, seq, signer, blob FROM attestations WHERE doc IN "+in+" ORDER BY n", args[1:],
		func(scan func(...any) error) error {
			var d, actor, signer, sealed []byte
			var seq uint64
			if err := scan(&d, &actor, &seq, &signer, &sealed); err != nil {
				return err
			}
			if err := over(sealed); err != nil {
				return err
			}
			dc := out[ids[string(d)]]
			if dc == nil {
				return nil
			}
			var a AttestationRow
			err := tx.open("attestations", sealed, &a, d, actor, binary.BigEndian.AppendUint64(nil, seq), signer)
			dc.Attestations = append(dc.Attestations, a)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("store: many changes: %w", err)
	}
	return out, nil
}

// DocsAmong returns the records of those of ids that are stored, keyed by
// ID, with one query per MaxManyDocs of them (Doc's, for many documents).
// It also reads ahead, with two more queries, what storing a change of
// each of them would otherwise read one document at a time (readAhead):
// an ingest of many documents calls it first.
func (tx *Tx) DocsAmong(ids []string) (map[string]DocRow, error) {
	if err := tx.unlocked(); err != nil {
		return nil, err
	}
	out := make(map[string]DocRow, len(ids))
	for from := 0; from < len(ids); from += MaxManyDocs {
		group := ids[from:min(len(ids), from+MaxManyDocs)]
		args := make([]any, len(group))
		for i, id := range group {
			args[i] = tx.index(id)
		}
		err := tx.each("SELECT doc, space, blob FROM docs WHERE doc IN (?"+strings.Repeat(",?", len(args)-1)+")", args,
			func(scan func(...any) error) error {
				var key, sp, sealed []byte
				if err := scan(&key, &sp, &sealed); err != nil {
					return err
				}
				d, err := tx.openDoc(key, sp, sealed)
				out[d.ID] = d
				return err
			})
		if err != nil {
			return nil, fmt.Errorf("store: docs among: %w", err)
		}
		c := tx.cached()
		if c.noDoc == nil {
			c.noDoc = map[string]bool{}
		}
		for i, id := range group {
			if _, ok := out[id]; !ok {
				c.noDoc[string(args[i].([]byte))] = true // PutDoc need not read it again
			}
		}
		if err := tx.readAhead(args); err != nil {
			return nil, fmt.Errorf("store: docs among: %w", err)
		}
	}
	return out, nil
}

// readAhead puts in the transaction's cache, for the documents of keys
// (their indexes), what AddChange reads of each document before storing
// its first change in the transaction: its manifest or its absence
// (loadManifest, which tells a document new to the store) and whether any
// change may be held for it (mayHold). Two queries for all of them
// instead of two per document; what the transaction has read or changed
// already is kept.
func (tx *Tx) readAhead(keys []any) error {
	if len(keys) == 0 {
		return nil
	}
	in := "(?" + strings.Repeat(",?", len(keys)-1) + ")"
	found := make(map[string]manifest, len(keys))
	err := tx.each("SELECT doc, blob, ops FROM manifests WHERE doc IN "+in, keys, func(scan func(...any) error) error {
		var doc, sealed []byte
		var ops uint64
		if err := scan(&doc, &sealed, &ops); err != nil {
			return err
		}
		var m manifest
		if err := tx.open("manifests", sealed, &m, doc); err != nil {
			return err
		}
		m.Ops = ops
		found[string(doc)] = m
		return nil
	})
	if err != nil {
		return err
	}
	held := map[string]bool{}
	err = tx.each("SELECT DISTINCT doc FROM held WHERE doc IN "+in, keys, func(scan func(...any) error) error {
		var doc []byte
		err := scan(&doc)
		held[string(doc)] = true
		return err
	})
	if err != nil {
		return err
	}
	c := tx.cached()
	for _, k := range keys {
		key := string(k.([]byte))
		_, read := c.loaded[key]
		_, dirty := c.manifests[key]
		if !read && !dirty {
			m, ok := found[key]
			c.loaded[key] = loaded{m: m, found: ok}
		}
		if _, ok := c.held[key]; !ok {
			c.held[key] = held[key]
		}
	}
	return nil
}

// LeasesAmong returns the actor currently leased (Lease's) for each of ids
// that has one, keyed by ID, with one query per MaxManyDocs of them: only
// each document's newest lease is opened, and one abandoned leaves it out.
func (tx *Tx) LeasesAmong(ids []string) (map[string][]byte, error) {
	if err := tx.unlocked(); err != nil {
		return nil, err
	}
	out := make(map[string][]byte)
	for from := 0; from < len(ids); from += MaxManyDocs {
		group := ids[from:min(len(ids), from+MaxManyDocs)]
		args := make([]any, len(group))
		byKey := make(map[string]string, len(group)) // doc index -> ID
		for i, id := range group {
			key := tx.index(id)
			args[i] = key
			byKey[string(key)] = id
		}
		type row struct{ key, sealed []byte }
		newest := map[string]row{} // doc index -> its newest lease
		err := tx.each("SELECT doc, actor, blob FROM leases WHERE doc IN (?"+strings.Repeat(",?", len(args)-1)+") ORDER BY n", args,
			func(scan func(...any) error) error {
				var doc, key, sealed []byte
				if err := scan(&doc, &key, &sealed); err != nil {
					return err
				}
				newest[string(doc)] = row{key, sealed}
				return nil
			})
		if err != nil {
			return nil, fmt.Errorf("store: leases among: %w", err)
		}
		for doc, r := range newest {
			var l lease
			if err := tx.open("leases", r.sealed, &l, []byte(doc), r.key); err != nil {
				return nil, fmt.Errorf("store: leases among: %w", err)
			}
			if !l.Abandoned {
				out[byKey[doc]] = l.Actor
			}
		}
	}
	return out, nil
}
