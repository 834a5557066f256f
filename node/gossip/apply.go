package gossip

import (
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
)

// delivery is one accepted envelope waiting to be applied.
type delivery struct {
	space string
	from  peer.ID
	batch Batch
}

// read hands j's delivered envelopes from peers to the apply workers.
func (g *Gossip) read(j *joined) {
	defer close(j.done)
	for {
		msg, err := j.sub.Next(g.ctx)
		if err != nil {
			return
		}
		b, ok := msg.ValidatorData.(Batch)
		if msg.ReceivedFrom == g.h.ID() || !ok {
			continue
		}
		select {
		case g.apply <- delivery{space: j.ID, from: msg.ReceivedFrom, batch: b}:
		case <-j.stop:
			return
		case <-g.ctx.Done():
			return
		}
	}
}

// work applies deliveries until Close.
func (g *Gossip) work() {
	for {
		select {
		case <-g.ctx.Done():
			return
		case d := <-g.apply:
			g.applyOne(d)
		}
	}
}

// applyOne ingests one delivery, or, for an announcement, asks for a pull.
func (g *Gossip) applyOne(d delivery) {
	if d.batch.IsAnnouncement() {
		g.reportMissing(d.space, d.from)
		return
	}
	missing, err := g.local.Ingest(g.ctx, d.space, d.batch)
	if err != nil {
		g.stats.applyFails.Add(1)
		if g.ctx.Err() == nil {
			g.log.Warn("gossip: apply", "space", d.space, "doc", d.batch.Doc, "from", d.from, "err", err)
		}
		return
	}
	g.stats.applied.Add(1)
	if missing {
		g.reportMissing(d.space, d.from)
	}
}

// reportMissing calls OnMissing, at most once a second per space and peer.
func (g *Gossip) reportMissing(space string, p peer.ID) {
	if p == "" || p == g.h.ID() || !g.missing.allow(space, p, time.Now()) {
		return
	}
	g.stats.missing.Add(1)
	g.opts.OnMissing(space, p)
}

// missingLimiter spaces out OnMissing calls per space and peer.
type missingLimiter struct {
	mu   sync.Mutex
	last map[string]time.Time
}

func newMissingLimiter() *missingLimiter { return &missingLimiter{last: map[string]time.Time{}} }

func (l *missingLimiter) allow(space string, p peer.ID, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	key := space + "\x00" + string(p)
	if now.Sub(l.last[key]) < missingEvery {
		return false
	}
	if len(l.last) > 4096 {
		clear(l.last)
	}
	l.last[key] = now
	return true
}
