package store

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
)

// Reads for many documents at once: a sync digest or a fresh member's
// catch-up touches every document of a space, and a query per document
// costs more than the rows it reads. Each method gives what its
// per-document counterpart gives, document by document.

// DocVersion is one document of a space with its version vector.
type DocVersion struct {
	Doc DocRow
	VV  map[string]uint64 // as VersionVector gives it
}

// SpaceVersions returns every document of space with its version vector:
// what Docs and then VersionVector for each document give, in two queries
// whatever the number of documents (a document with a cut costs
// VersionVector's own reads).
func (tx *Tx) SpaceVersions(space string) ([]DocVersion, error) {
	docs, err := tx.Docs(space)
	if err != nil {
		return nil, err
	}
	cut, err := tx.docsWithCuts()
	if err != nil {
		return nil, fmt.Errorf("store: space versions: %w", err)
	}
	vvs := map[string]map[string]uint64{} // by doc index
	err = tx.each(`SELECT a.doc, a.actor, a.blob, max(c.seq) FROM docs d
		JOIN doc_actors a ON a.doc = d.doc
		JOIN changes c ON c.doc = a.doc AND c.actor = a.actor
		WHERE d.space = ? GROUP BY a.doc, a.actor`,
		[]any{tx.index(space)}, func(scan func(...any) error) error {
			var doc, key, sealed []byte
			var seq uint64
			if err := scan(&doc, &key, &sealed, &seq); err != nil {
				return err
			}
			if cut[string(doc)] {
				return nil
			}
			var actor []byte
			if err := tx.open("doc_actors", sealed, &actor, doc, key); err != nil {
				return err
			}
			vv := vvs[string(doc)]
			if vv == nil {
				vv = map[string]uint64{}
				vvs[string(doc)] = vv
			}
			vv[hex.EncodeToString(actor)] = seq
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("store: space versions: %w", err)
	}
	out := make([]DocVersion, 0, len(docs))
	for _, d := range docs {
		key := tx.index(d.ID)
		vv := vvs[string(key)]
		if cut[string(key)] {
			if vv, err = tx.VersionVector(d.ID); err != nil {
				return nil, err
			}
		}
		if vv == nil {
			vv = map[string]uint64{}
		}
		out = append(out, DocVersion{Doc: d, VV: vv})
	}
	return out, nil
}

// docsWithCuts returns the indexes of the documents that have a cut (none
// read when the store holds no cut).
func (tx *Tx) docsWithCuts() (map[string]bool, error) {
	if none, err := tx.noCuts(); none || err != nil {
		return nil, err
	}
	out := map[string]bool{}
	err := tx.each("SELECT DISTINCT doc FROM cuts", nil, func(scan func(...any) error) error {
		var doc []byte
		err := scan(&doc)
		out[string(doc)] = true
		return err
	})
	return out, err
}

// maxInList bounds the documents one query names (SQLite binds at most
// 32,766 parameters).
const maxInList = 500

// ChangesOfDocs returns the stored changes of each of docs, as Changes
// gives them (in stored, causal order, without those their cuts leave
// out), in one query per 500 documents. A document with no stored change
// has no entry.
func (tx *Tx) ChangesOfDocs(docs []string) (map[string][]Change, error) {
	if err := tx.unlocked(); err != nil {
		return nil, err
	}
	cut, err := tx.docsWithCuts()
	if err != nil {
		return nil, fmt.Errorf("store: changes: %w", err)
	}
	out := map[string][]Change{}
	ids, keys := tx.docKeys(docs)
	err = tx.eachIn(keys, "SELECT doc, hash, blob FROM changes WHERE doc IN (%s) ORDER BY n",
		func(scan func(...any) error) error {
			var doc, h, sealed []byte
			if err := scan(&doc, &h, &sealed); err != nil {
				return err
			}
			if cut[string(doc)] {
				return nil // read below, through Changes
			}
			c, err := tx.openChange("changes", doc, h, sealed)
			out[ids[string(doc)]] = append(out[ids[string(doc)]], c)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("store: changes: %w", err)
	}
	for _, id := range docs {
		if !cut[string(tx.index(id))] {
			continue
		}
		cs, err := tx.Changes(id)
		if err != nil {
			return nil, err
		}
		if len(cs) > 0 {
			out[id] = cs
		}
	}
	return out, nil
}

// AttestationsOfDocs returns the attestations stored for each of docs, as
// Attestations gives them (in stored order), in one query per 500
// documents. A document with none has no entry.
func (tx *Tx) AttestationsOfDocs(docs []string) (map[string][]AttestationRow, error) {
	if err := tx.unlocked(); err != nil {
		return nil, err
	}
	out := map[string][]AttestationRow{}
	ids, keys := tx.docKeys(docs)
	err := tx.eachIn(keys, "SELECT doc, actor, seq, signer, blob FROM attestations WHERE doc IN (%s) ORDER BY n",
		func(scan func(...any) error) error {
			var doc, actor, signer, sealed []byte
			var seq uint64
			if err := scan(&doc, &actor, &seq, &signer, &sealed); err != nil {
				return err
			}
			var a AttestationRow
			err := tx.open("attestations", sealed, &a, doc, actor, binary.BigEndian.AppendUint64(nil, seq), signer)
			out[ids[string(doc)]] = append(out[ids[string(doc)]], a)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("store: attestations: %w", err)
	}
	return out, nil
}

// docKeys maps the index of each of docs to its ID, and lists the
// distinct indexes as query arguments.
func (tx *Tx) docKeys(docs []string) (map[string]string, []any) {
	ids := map[string]string{}
	var keys []any
	for _, id := range docs {
		k := tx.index(id)
		if _, ok := ids[string(k)]; ok {
			continue
		}
		ids[string(k)] = id
		keys = append(keys, k)
	}
	return ids, keys
}

// eachIn runs query, whose %s stands for a list of placeholders, for keys
// in groups of at most maxInList, calling fn for every row.
func (tx *Tx) eachIn(keys []any, query string, fn func(scan func(...any) error) error) error {
	for len(keys) > 0 {
		n := min(len(keys), maxInList)
		q := fmt.Sprintf(query, strings.TrimSuffix(strings.Repeat("?, ", n), ", "))
		if err := tx.each(q, keys[:n], fn); err != nil {
			return err
		}
		keys = keys[n:]
	}
	return nil
}
