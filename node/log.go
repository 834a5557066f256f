package node

import (
	"context"
	"sort"
	"time"

	"github.com/weftsync/weft/node/wire"
	"github.com/weftsync/weft/store"
)

// Log returns a space's history, newest first: every stored change since
// since (zero: all), at most limit of them (0: no limit), each with the
// member whose attestation covers it.
func (n *Node) Log(ctx context.Context, sp Space, since time.Time, limit int) ([]LogEntry, error) {
	var out []LogEntry
	err := n.db.View(ctx, func(tx *store.Tx) error {
		members, _, err := n.roster(tx, sp.ID)
		if err != nil {
			return err
		}
		docs, err := tx.Docs(sp.ID)
		if err != nil {
			return err
		}
		for _, d := range docs {
			entries, err := docLog(tx, d, members, since)
			if err != nil {
				return err
			}
			out = append(out, entries...)
		}
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].When.After(out[j].When) })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, storeErr(err)
}

func docLog(tx *store.Tx, d store.DocRow, members []Member, since time.Time) ([]LogEntry, error) {
	changes, authors, err := docHistory(tx, d.ID, members)
	if err != nil {
		return nil, err
	}
	var out []LogEntry
	for _, c := range changes {
		when := changeTime(c)
		if !since.IsZero() && when.Before(since) {
			continue
		}
		m := authors.changeAuthor(c)
		out = append(out, LogEntry{When: when, Member: m.Name, PeerID: m.PeerID, Doc: d.ID, DocType: d.Type,
			What: c.Message, Change: wire.HashHex(c.Hash)})
	}
	return out, nil
}
