package node

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/weftsync/weft/store"
)

// A member admitted where we did not see it (offline, with a welcome
// bundle carried on a USB stick) asks us for a space we hold while our
// roster does not list it yet. We answer it nothing, and ask it back for
// the space's membership operations alone (replicate.PullOps), so that
// the admission reaches us from the member it admitted: once stored, the
// new member is readmitted to gossip and pulled in full (readmit.go).

// claimEvery is how often one peer's claim on one space is followed up.
const claimEvery = 30 * time.Second

// claimTimeout bounds one ops-only pull.
const claimTimeout = 20 * time.Second

// claims remembers when each (peer, space) claim was last followed up.
type claims struct {
	mu   sync.Mutex
	last map[claimKey]time.Time
}

type claimKey struct {
	peer  peer.ID
	space string
}

// due reports whether the claim of p on space is to be followed up now,
// and if so marks it; it forgets entries older than claimEvery.
func (c *claims) due(p peer.ID, space string, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.last == nil {
		c.last = map[claimKey]time.Time{}
	}
	k := claimKey{p, space}
	if t, ok := c.last[k]; ok && now.Sub(t) < claimEvery {
		return false
	}
	for old, t := range c.last {
		if now.Sub(t) >= claimEvery {
			delete(c.last, old)
		}
	}
	c.last[k] = now
	return true
}

// claimed follows up a peer's request for a space whose roster, here, does
// not list it: when we hold the space, ask that peer for its membership
// operations.
func (s *netState) claimed(p peer.ID, space string) {
	if !s.claims.due(p, space, time.Now()) {
		return
	}
	s.goRun(func() {
		ctx, cancel := context.WithTimeout(s.ctx, claimTimeout)
		defer cancel()
		err := s.n.db.View(ctx, func(tx *store.Tx) error {
			_, err := tx.Space(space)
			return err
		})
		if errors.Is(err, store.ErrNotFound) {
			return // a space we are not in: nothing to learn
		}
		if err == nil {
			_, err = s.sync.PullOps(ctx, p, space)
		}
		if err != nil && s.ctx.Err() == nil {
			s.n.log.Info("ask a claimant for membership operations", "peer", p.String(), "err", err)
		}
	})
}
