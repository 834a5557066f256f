package node

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// SyncReport is what SyncUntilCurrent found: whether this node is current
// with its connected members, what is still missing when it is not, and
// the connected peers with their last pull and state. weft sync prints it
// and POST /api/sync answers it.
type SyncReport struct {
	// Complete: every rule of SyncUntilCurrent held in the last round.
	Complete bool `json:"complete"`
	// Message says in one line why Complete is false ("" when it is true).
	Message string `json:"message,omitempty"`
	// Missing lists what is still missing, one item per failed pull or
	// peer and space, when Complete is false.
	Missing []string `json:"missing,omitempty"`
	// Peers are the connected peers as Peers reports them.
	Peers []PeerInfo `json:"peers"`
}

// syncRound is the pause between two rounds of SyncUntilCurrent.
const syncRound = 250 * time.Millisecond

// defaultSyncWait is how long SyncUntilCurrent waits when wait is not
// positive.
const defaultSyncWait = 30 * time.Second

// SyncUntilCurrent pulls from every connected peer, in rounds, until this
// node is current or wait has passed, and reports the last round. It is
// current (Complete) when all of these hold:
//
//   - at least one member of space (of any space we hold when space is
//     "") is connected;
//   - the round's pulls all succeeded, from every connected peer (a pull
//     that failed from anyone leaves the node not current);
//   - every connected peer considered (those with state in space, or all
//     connected peers when space is "") has a last pull that completed;
//   - with each of them, in space or in every space, nothing is pending
//     either way: what it holds is known, it lacks none of our changes or
//     membership operations, and we lack none of its.
//
// It returns ErrNotServing when the network does not run; every other
// shortfall is in the report, not an error.
func (n *Node) SyncUntilCurrent(ctx context.Context, space string, wait time.Duration) (SyncReport, error) {
	if wait <= 0 {
		wait = defaultSyncWait
	}
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	for {
		pullErr := n.SyncNow(ctx)
		if errors.Is(pullErr, ErrNotServing) {
			return SyncReport{}, pullErr
		}
		peers, err := n.Peers(context.WithoutCancel(ctx))
		if err != nil {
			return SyncReport{}, err
		}
		rep := syncVerdict(peers, space, pullErr)
		if rep.Complete || len(rep.Peers) == 0 || !pauseCtx(ctx, syncRound) {
			return rep, nil
		}
	}
}

// syncVerdict applies SyncUntilCurrent's rule to one round: the peers as
// Peers reported them after the round's pulls, which failed with pullErr
// (nil when every pull succeeded).
func syncVerdict(peers []PeerInfo, space string, pullErr error) SyncReport {
	rep := SyncReport{Peers: []PeerInfo{}}
	var missing []string
	if pullErr != nil {
		missing = append(missing, pullErr.Error())
	}
	states := 0
	for _, p := range peers {
		if !p.Connected {
			continue
		}
		rep.Peers = append(rep.Peers, p)
		who := orDefault(p.Name, p.PeerID)
		member := false
		for _, s := range p.State {
			if space != "" && s.Space != space {
				continue
			}
			member = true
			states++
			if s.Pending() {
				missing = append(missing, pendingText(who, s))
			}
		}
		if space != "" && !member {
			continue // not a member of space: its pulls are not this sync's
		}
		if p.LastPull == nil || !p.LastPull.Complete {
			missing = append(missing, fmt.Sprintf("the last pull from %s did not complete", who))
		}
	}
	switch {
	case len(rep.Peers) == 0:
		missing = append([]string{"no member is connected: nothing was synced"}, missing...)
	case states == 0:
		missing = append([]string{"no member of the space is connected: nothing was synced"}, missing...)
	}
	rep.Complete = len(missing) == 0
	if !rep.Complete {
		rep.Missing, rep.Message = missing, strings.Join(missing, "; ")
	}
	return rep
}

// pendingText says what is pending either way with one peer in one space.
func pendingText(who string, s PeerSpace) string {
	if !s.Known {
		return fmt.Sprintf("%s: what %s holds is not known yet", s.Name, who)
	}
	return fmt.Sprintf("%s: %s lacks %d change(s) and %d membership operation(s) of ours; we lack %d change(s) and %d head(s) of its",
		s.Name, who, s.PendingOut, s.OpsOut, s.PendingIn, s.OpsIn)
}

// pauseCtx waits d, or less if ctx ends first; it reports whether it
// waited all of d.
func pauseCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
