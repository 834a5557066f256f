package node

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"sort"
	"time"

	"github.com/weftsync/weft/node/member"
	"github.com/weftsync/weft/node/seal"
	"github.com/weftsync/weft/store"
)

// CutReport is one member's history cut in one document because it signed
// two histories (an equivocation, DESIGN.md section 5): every change of the
// cut actor past KeptUpTo, and every change built on one of them, is left
// out of what this node reads, loads and serves. Changes other members
// built on the cut ones are left out with them; they are listed, so that
// their authors can make them again.
type CutReport struct {
	Space    string `json:"space"`
	Doc      string `json:"doc"`
	Type     string `json:"type"`
	Member   string `json:"member"` // peer ID of the member whose actor is cut, "" when no member owns it
	Name     string `json:"name,omitempty"`
	Actor    string `json:"actor"`
	KeptUpTo uint64 `json:"kept_up_to_seq"`
	// LeftOut counts the stored changes the document's cuts leave out,
	// the cut actor's and the others' together.
	LeftOut int `json:"left_out"`
	// Others lists, per member, the changes left out that another
	// member made: honest edits that built on the cut history.
	Others []LeftOutEdits `json:"others,omitempty"`
}

// LeftOutEdits is what one member made that a cut leaves out of one
// document.
type LeftOutEdits struct {
	Member  string    `json:"member"` // peer ID, "" when no member owns the actor
	Name    string    `json:"name,omitempty"`
	Changes int       `json:"changes"`
	First   time.Time `json:"first"` // the earliest change's own time (its author's clock)
	Last    time.Time `json:"last"`
}

// Cuts lists every cut in the documents of every space, by space and
// document. It reads only the store.
func (n *Node) Cuts(ctx context.Context) ([]CutReport, error) {
	var out []CutReport
	err := n.db.View(ctx, func(tx *store.Tx) error {
		if cut, err := tx.AnyCuts(); err != nil || !cut {
			return err // the common case: no document to look at
		}
		spaces, err := tx.Spaces()
		if err != nil {
			return err
		}
		for _, sp := range spaces {
			r, err := n.spaceRoster(tx, sp.ID)
			if err != nil {
				return err
			}
			docs, err := tx.Docs(sp.ID)
			if err != nil {
				return err
			}
			for _, d := range docs {
				reps, err := docCuts(tx, r, sp.ID, d)
				if err != nil {
					return err
				}
				out = append(out, reps...)
			}
		}
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Space != out[j].Space {
			return out[i].Space < out[j].Space
		}
		return out[i].Doc < out[j].Doc
	})
	return out, storeErr(err)
}

// docCuts reports the cuts of one document, each with the changes left
// out that other members made.
func docCuts(tx *store.Tx, r *member.Roster, space string, d store.DocRow) ([]CutReport, error) {
	cuts, err := tx.Cuts(d.ID)
	if err != nil || len(cuts) == 0 {
		return nil, err
	}
	excluded, err := tx.Excluded(d.ID)
	if err != nil {
		return nil, err
	}
	cutActors := map[string]bool{}
	for _, c := range cuts {
		cutActors[string(c.Actor)] = true
	}
	others := map[string]*LeftOutEdits{}
	for _, h := range excluded {
		c, err := tx.Change(d.ID, h)
		if err != nil {
			return nil, err
		}
		if cutActors[string(c.Actor)] {
			continue
		}
		who, name := actorOwner(r, c.Actor)
		e := others[who]
		if e == nil {
			e = &LeftOutEdits{Member: who, Name: name}
			others[who] = e
		}
		at := time.UnixMilli(c.Time)
		if e.Changes == 0 || at.Before(e.First) {
			e.First = at
		}
		if at.After(e.Last) {
			e.Last = at
		}
		e.Changes++
	}
	var list []LeftOutEdits
	for _, e := range others {
		list = append(list, *e)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Member < list[j].Member })
	out := make([]CutReport, 0, len(cuts))
	for _, c := range cuts {
		who, name := actorOwner(r, c.Actor)
		out = append(out, CutReport{Space: space, Doc: d.ID, Type: string(d.Type), Member: who, Name: name,
			Actor: hex.EncodeToString(c.Actor), KeptUpTo: c.MaxSeq, LeftOut: len(excluded), Others: list})
	}
	return out, nil
}

// actorOwner returns the peer ID and name of the member of r who owns
// actor, or "" when none does.
func actorOwner(r *member.Roster, actor []byte) (peerID, name string) {
	for _, m := range r.Members() {
		if seal.OwnsActor(m.Key, actor) {
			return PeerID(ed25519.PublicKey(m.Key)), m.Name
		}
	}
	return "", ""
}
