package node

import (
	"context"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/store"
)

// Status is a truthful account of this node: what it stores, what is
// waiting, and (while it serves) its network. Nothing here says "synced":
// what each peer holds is in Peers.
type Status struct {
	PeerID    string   `json:"peer_id"`
	Name      string   `json:"name"`
	Home      string   `json:"home"`
	Daemon    bool     `json:"daemon"`
	Listen    []string `json:"listen"`
	Connected []string `json:"connected"` // peer IDs connected now
	// Reached says, per connected peer ID, how it is reached now: "lan",
	// "direct", "hole_punched" or "relayed".
	Reached     map[string]string `json:"reached"`
	Spaces      []SpaceStatus     `json:"spaces"`
	Quarantined int               `json:"quarantined"`
	Unsent      int               `json:"unsent"` // local changes not yet announced to peers
	// PendingJoins are the spaces this node waits to be admitted to.
	PendingJoins []PendingJoin `json:"pending_joins"`
	// OverOps are the documents whose total of stored operations passed
	// the limit (decision 0070): kept and passed on, never opened here.
	OverOps []DocOps `json:"over_ops"`
}

// SpaceStatus counts what one space holds on this node.
type SpaceStatus struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Members   int    `json:"members"`
	Documents int    `json:"documents"`
	Changes   int    `json:"changes"`
	Held      int    `json:"held"` // received changes waiting for their dependencies
	// While serving, from what each member is known to hold (Peers has
	// the detail): PendingOut sums, over the members, the changes we hold
	// that each lacks; PendingIn counts the changes some member holds that
	// we lack; Unknown counts the members of whom nothing is known yet.
	PendingOut int `json:"pending_out"`
	PendingIn  int `json:"pending_in"`
	Unknown    int `json:"unknown"`
	// NearBudget lists the documents past 90 % of their op budget, with
	// the command that continues them (decision 0071).
	NearBudget []NearDoc `json:"near_budget,omitempty"`
	// Ledger is set once the space's ledger was continued: where it
	// continues, and any duplicate continuations.
	Ledger *LedgerChain `json:"ledger,omitempty"`
	// Continued lists the space's calendars continued in others (decision
	// 0076), one chain from each calendar that starts one. Case studies are
	// not read for it: a space holds thousands, and status would load each
	// into the engine; their chains show where they are read (case show,
	// case list).
	Continued []ContinuedDoc `json:"continued,omitempty"`
}

// ContinuedDoc is a chain of continuations of a case study or calendar.
type ContinuedDoc struct {
	Type  model.DocType `json:"type"`
	Chain DocChain      `json:"chain"`
}

// Status reports the stored state. The daemon adds its network.
func (n *Node) Status(ctx context.Context) (Status, error) {
	st := Status{PeerID: n.PeerID(), Name: n.name, Home: n.opts.Home, Listen: []string{}, Spaces: []SpaceStatus{},
		Connected: []string{}, Reached: map[string]string{}, OverOps: n.OverOpsDocs()}
	if addrs := n.Addrs(); addrs != nil { // serving: this is the daemon's node
		st.Daemon, st.Listen = true, addrs
		st.Connected = append(st.Connected, n.ConnectedPeers()...)
		for _, id := range st.Connected {
			st.Reached[id] = orDefault(n.PeerPath(id), "direct")
		}
	}
	recs, err := n.spaceRecords(ctx)
	if err != nil {
		return st, err
	}
	if st.PendingJoins, err = n.PendingJoins(ctx); err != nil {
		return st, err
	}
	err = n.db.View(ctx, func(tx *store.Tx) error {
		for _, r := range recs {
			ss, err := n.spaceStatus(tx, r)
			if err != nil {
				return err
			}
			st.Spaces = append(st.Spaces, ss)
		}
		q, err := tx.QuarantineList()
		st.Quarantined = len(q)
		if err != nil {
			return err
		}
		st.Unsent, err = tx.OutboxLen()
		return err
	})
	if err == nil {
		err = n.ledgerStatus(ctx, recs, st.Spaces)
	}
	if err == nil {
		err = n.continuedStatus(ctx, st.Spaces)
	}
	if err != nil || !st.Daemon {
		return st, storeErr(err)
	}
	return st, n.pendingTotals(ctx, st.Spaces)
}

// pendingTotals adds to each space what is pending with its members.
func (n *Node) pendingTotals(ctx context.Context, spaces []SpaceStatus) error {
	peers, err := n.Peers(ctx)
	if err != nil {
		return err
	}
	for i := range spaces {
		ss := &spaces[i]
		digest, err := n.SyncLocal().Digest(ctx, ss.ID)
		if err != nil {
			return err
		}
		theirs := map[string]map[string]uint64{} // doc -> actor -> highest seq any member holds
		for _, p := range peers {
			for _, ps := range p.State {
				if ps.Space != ss.ID {
					continue
				}
				if !ps.Known {
					ss.Unknown++
					continue
				}
				ss.PendingOut += ps.PendingOut
				maxVV(theirs, ps.Docs)
			}
		}
		for doc, vv := range theirs {
			ss.PendingIn += vvDiff(vv, digest[doc].VV)
		}
	}
	return nil
}

// maxVV raises into m each document's version vector in docs.
func maxVV(m map[string]map[string]uint64, docs []PeerDoc) {
	for _, d := range docs {
		if m[d.Doc] == nil {
			m[d.Doc] = map[string]uint64{}
		}
		for a, seq := range d.VV {
			m[d.Doc][a] = max(m[d.Doc][a], seq)
		}
	}
}

func (n *Node) spaceStatus(tx *store.Tx, r spaceRecord) (SpaceStatus, error) {
	ss := SpaceStatus{ID: r.ID, Name: r.Name}
	members, name, err := n.roster(tx, r.ID)
	if err != nil {
		return ss, err
	}
	ss.Members, ss.Name = len(members), orDefault(name, r.Name)
	docs, err := tx.Docs(r.ID)
	if err != nil {
		return ss, err
	}
	ss.Documents = len(docs)
	for _, d := range docs {
		c, err := tx.ChangeCount(d.ID)
		if err != nil {
			return ss, err
		}
		held, err := tx.Held(d.ID)
		if err != nil {
			return ss, err
		}
		ss.Changes += c
		ss.Held += len(held)
	}
	ss.NearBudget, err = n.nearBudgetIn(tx, r.ID)
	return ss, err
}

// ledgerStatus adds to each space whose ledger this node knows continued
// where it continues.
func (n *Node) ledgerStatus(ctx context.Context, recs []spaceRecord, spaces []SpaceStatus) error {
	for i, r := range recs {
		if r.Current == "" || i >= len(spaces) {
			continue
		}
		c, _, err := n.ledgerChain(ctx, r)
		if err != nil {
			return err
		}
		spaces[i].Ledger = &c
	}
	return nil
}

// continuedStatus adds to each space its continued calendars (a space has
// a few): it reads the root of each (the markers), and follows the chain
// from every continued calendar no other chain leads through. Case studies
// are left out (SpaceStatus.Continued says why).
func (n *Node) continuedStatus(ctx context.Context, spaces []SpaceStatus) error {
	for i := range spaces {
		ss := &spaces[i]
		refs, err := n.docsOf(ctx, ss.ID, model.Calendar)
		if err != nil {
			return err
		}
		var chains []DocChain
		inner := map[string]bool{}
		for _, r := range refs {
			if _, over := n.overOpsOf(r.ID); over {
				continue // not opened here: status lists it under over_ops
			}
			v, err := n.viewRoot(ctx, r.ID)
			if err != nil {
				return err
			}
			if marks, _ := continuedIn(v); len(marks) == 0 {
				continue
			}
			c, _, err := n.docChain(ctx, ss.ID, model.Calendar, r.ID)
			if err != nil {
				return err
			}
			for _, p := range c.Previous[min(1, len(c.Previous)):] {
				inner[p] = true
			}
			chains = append(chains, c)
		}
		for _, c := range chains {
			start := c.Current
			if len(c.Previous) > 0 {
				start = c.Previous[0]
			}
			if !inner[start] {
				ss.Continued = append(ss.Continued, ContinuedDoc{Type: model.Calendar, Chain: c})
			}
		}
	}
	return nil
}
