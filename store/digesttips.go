package store

import (
	"encoding/hex"
	"fmt"
)

// Tip is an actor's newest stored change in a document: its seq and hash.
type Tip struct {
	Seq  uint64
	Hash [32]byte
}

// SpaceDigestTips returns what SpaceVersionVectors returns (every document
// of space, its record and its version vector) and, for every document
// that has no cut, each actor's newest change, keyed by document ID and
// lowercase hex actor: the hashes a sync request's fork tags are made of
// (decision 0040), which HashAt reads one query per clock. One query for
// the space reads each actor's newest change; its seq is the vector's. A
// document with a cut has its vector from VersionVector and no tips:
// which of its changes count is the cut's business, and HashAt answers it.
func (tx *Tx) SpaceDigestTips(space string) (map[string]DocRow, map[string]map[string]uint64, map[string]map[string]Tip, error) {
	rows, vvs, ids, err := tx.spaceDocs(space)
	if err != nil {
		return nil, nil, nil, err
	}
	tips := make(map[string]map[string]Tip, len(rows))
	cut, err := tx.docsWithCuts(space)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("store: space digest: %w", err)
	}
	// Each actor's newest change by a subquery on the (doc, actor, seq)
	// index, as SpaceVersionVectors reads its seq.
	err = tx.each(`SELECT c.doc, c.hash, c.blob FROM docs d JOIN doc_actors a ON a.doc = d.doc
		JOIN changes c ON c.n = (SELECT c2.n FROM changes c2 WHERE c2.doc = a.doc AND c2.actor = a.actor ORDER BY c2.seq DESC LIMIT 1)
		WHERE d.space = ?`,
		[]any{tx.index(space)}, func(scan func(...any) error) error {
			var doc, hash, sealed []byte
			if err := scan(&doc, &hash, &sealed); err != nil {
				return err
			}
			id, ok := ids[string(doc)]
			if !ok || cut[string(doc)] {
				return nil // added since Docs read (not in this snapshot), or read below
			}
			c, err := tx.openChange("changes", doc, hash, sealed)
			if err != nil {
				return err
			}
			a := hex.EncodeToString(c.Actor)
			vvs[id][a] = c.Seq
			if tips[id] == nil {
				tips[id] = map[string]Tip{}
			}
			tips[id][a] = Tip{Seq: c.Seq, Hash: c.Hash}
			return nil
		})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("store: space digest: %w", err)
	}
	for key := range cut {
		if id, ok := ids[key]; ok {
			if vvs[id], err = tx.VersionVector(id); err != nil {
				return nil, nil, nil, err
			}
		}
	}
	return rows, vvs, tips, nil
}
