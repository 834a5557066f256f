package node

import (
	"context"
	"fmt"
	"time"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node/ledgerhist"
	"github.com/weftsync/weft/node/wire"
	"github.com/weftsync/weft/store"
)

// ledgerHist is a ledger's current view with its replayed history.
type ledgerHist struct {
	view       model.LedgerView
	changes    []store.Change
	events     []ledgerhist.Event
	recordedIn map[string]int // entry ID -> index of the change that recorded it
	authors    *authorship
}

func (h *ledgerHist) author(i int) Member  { return h.authors.changeAuthor(h.changes[i]) }
func (h *ledgerHist) when(i int) time.Time { return changeTime(h.changes[i]) }

// ledgerHistory reads a space's ledger, its stored changes and attestations,
// and replays the changes' operations to see what each did to entries.
func (n *Node) ledgerHistory(ctx context.Context, sp Space) (*ledgerHist, error) {
	ledger, v, err := n.ledgerView(ctx, sp)
	if err != nil {
		return nil, err
	}
	h := &ledgerHist{view: v, recordedIn: map[string]int{}}
	if h.changes, h.authors, err = n.readHistory(ctx, sp.ID, ledger); err != nil {
		return nil, err
	}
	// Replayed in Go from the changes' decoded ops: O(ops), no engine.
	if h.events, err = ledgerhist.History(rawChanges(h.changes)); err != nil {
		return nil, fmt.Errorf("%w: ledger history: %w", ErrCorrupt, err)
	}
	for _, ev := range h.events {
		if _, seen := h.recordedIn[ev.EntryID]; !seen && ev.Action == ledgerhist.Recorded {
			h.recordedIn[ev.EntryID] = ev.Change
		}
	}
	return h, nil
}

// readHistory loads doc's stored changes and who made them.
func (n *Node) readHistory(ctx context.Context, space, doc string) (changes []store.Change, authors *authorship, err error) {
	err = n.db.View(ctx, func(tx *store.Tx) error {
		members, _, err := n.roster(tx, space)
		if err != nil {
			return err
		}
		changes, authors, err = docHistory(tx, doc, members)
		return err
	})
	return changes, authors, storeErr(err)
}

// docHistory reads doc's stored changes, in causal order, and the
// authorship its stored attestations establish among members.
func docHistory(tx *store.Tx, doc string, members []Member) ([]store.Change, *authorship, error) {
	changes, err := tx.Changes(doc)
	if err != nil {
		return nil, nil, err
	}
	rows, err := tx.Attestations(doc)
	if err != nil {
		return nil, nil, err
	}
	return changes, newAuthorship(rows, members), nil
}

func rawChanges(cs []store.Change) [][]byte {
	raw := make([][]byte, len(cs))
	for i, c := range cs {
		raw[i] = c.Raw
	}
	return raw
}

// Audit replays the ledger's history and reports every entry deleted or
// altered after it was recorded (with who did it), and every entry whose
// recording change no member's attestation covers.
func (n *Node) Audit(ctx context.Context, sp Space) ([]Finding, error) {
	h, err := n.ledgerHistory(ctx, sp)
	if err != nil {
		return nil, err
	}
	var out []Finding
	for _, ev := range h.events {
		if ev.Action == ledgerhist.Recorded {
			if _, ok := h.authors.author(h.changes[ev.Change].Actor, h.changes[ev.Change].Seq); !ok {
				out = append(out, h.finding(ev, "unattested"))
			}
			continue
		}
		out = append(out, h.finding(ev, ev.Action))
	}
	out = append(out, h.reversalFindings()...)
	openings, err := n.openingFindings(ctx, sp, h.view.Entries)
	if err != nil {
		return nil, err
	}
	for _, f := range openings {
		if f.EntryID != "" {
			f = h.entryFinding(f.EntryID, f.Problem)
		}
		out = append(out, f)
	}
	return out, nil
}

// reversalFindings checks every reversing entry against the ledger's rules:
// it names an existing entry that is not itself a reversal, no entry is
// reversed twice, and only the entry's recorder or a steward reverses it.
// weft's own commands never break these; a modified client can.
func (h *ledgerHist) reversalFindings() []Finding {
	byID := map[string]model.Entry{}
	for _, e := range h.view.Entries {
		byID[e.ID] = e
	}
	reversed := map[string]bool{}
	var out []Finding
	for _, e := range h.view.Entries {
		if e.Reverses == "" {
			continue
		}
		orig, ok := byID[e.Reverses]
		var problem string
		switch {
		case !ok:
			problem = "reverses an unknown entry"
		case orig.Reverses != "":
			problem = "reverses a reversal"
		case reversed[orig.ID]:
			problem = "reverses an entry already reversed"
		case !h.mayReverse(e.ID, orig.ID):
			problem = "reversed by neither its recorder nor a steward"
		}
		reversed[e.Reverses] = true
		if problem != "" {
			out = append(out, h.entryFinding(e.ID, problem))
		}
	}
	return out
}

// mayReverse reports whether the recorder of entry rev was the recorder of
// entry orig or a steward.
func (h *ledgerHist) mayReverse(rev, orig string) bool {
	ri, ok1 := h.recordedIn[rev]
	oi, ok2 := h.recordedIn[orig]
	if !ok1 || !ok2 {
		return false
	}
	by := h.author(ri)
	return by.PeerID != "" && (by.PeerID == h.author(oi).PeerID || by.Role == roleSteward)
}

// entryFinding is a finding about the change that recorded entry id.
func (h *ledgerHist) entryFinding(id, problem string) Finding {
	i, ok := h.recordedIn[id]
	if !ok {
		return Finding{EntryID: id, Problem: problem}
	}
	c := h.changes[i]
	return Finding{EntryID: id, Problem: problem, By: h.author(i).Name, When: changeTime(c), Change: wire.HashHex(c.Hash)}
}

func (h *ledgerHist) finding(ev ledgerhist.Event, problem string) Finding {
	c := h.changes[ev.Change]
	return Finding{EntryID: ev.EntryID, Problem: problem, Field: ev.Field, By: h.author(ev.Change).Name,
		When: changeTime(c), Change: wire.HashHex(c.Hash)}
}
