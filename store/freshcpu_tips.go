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

// SpaceTips returns, for every document of space that has no cut, each
// actor's newest change (keyed by document ID, then lowercase hex actor),
// with one query for the whole space: the hashes a sync request's fork tags
// are made of (decision 0040), which HashAt reads one query per clock. A
// document with a cut is absent: which of its changes count is the cut's
// business, and HashAt answers it.
func (tx *Tx) SpaceTips(space string) (map[string]map[string]Tip, error) {
	if err := tx.unlocked(); err != nil {
		return nil, err
	}
	cut, err := tx.docsWithCuts(space)
	if err != nil {
		return nil, fmt.Errorf("store: space tips: %w", err)
	}
	out := map[string]map[string]Tip{}
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
			if cut[string(doc)] {
				return nil
			}
			c, err := tx.openChange("changes", doc, hash, sealed)
			if err != nil {
				return err
			}
			if out[c.Doc] == nil {
				out[c.Doc] = map[string]Tip{}
			}
			out[c.Doc][hex.EncodeToString(c.Actor)] = Tip{Seq: c.Seq, Hash: c.Hash}
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("store: space tips: %w", err)
	}
	return out, nil
}
