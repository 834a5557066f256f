package gossip

import (
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/weftsync/weft/node/latency"
)

// delivery is one accepted envelope waiting to be applied.
type delivery struct {
	space    string
	from     peer.ID
	batch    Batch
	verified [][]byte // attestations the validator verified (Delivered.Verified)
}

// read hands j's delivered envelopes from peers to the apply workers.
func (g *Gossip) read(j *joined) {
	defer close(j.done)
	for {
		msg, err := j.sub.Next(g.ctx)
		if err != nil {
			return
		}
		latency.Mark("recv.next")
		a, ok := msg.ValidatorData.(accepted)
		if msg.ReceivedFrom == g.h.ID() || !ok {
			continue
		}
		select {
		case g.apply <- delivery{space: j.ID, from: msg.ReceivedFrom, batch: a.batch, verified: a.verified}:
		case <-j.stop:
			return
		case <-g.ctx.Done():
			return
		}
	}
}

// maxGroup is the most deliveries one worker ingests in one transaction.
const maxGroup = 64

// work applies deliveries until Close: each one with those already
// waiting behind it, in one transaction, so that a receiver that fell
// behind catches up with one durable commit per group, not per envelope.
func (g *Gossip) work() {
	for {
		select {
		case <-g.ctx.Done():
			return
		case d := <-g.apply:
			latency.Mark("recv.work")
			g.applyGroup(g.drain(d))
		}
	}
}

// drain returns d and the deliveries waiting behind it, at most maxGroup.
func (g *Gossip) drain(d delivery) []delivery {
	group := []delivery{d}
	for len(group) < maxGroup {
		select {
		case more := <-g.apply:
			group = append(group, more)
		default:
			return group
		}
	}
	return group
}

// applyGroup ingests a group of deliveries in one transaction; when that
// fails, one at a time, so that one bad batch holds back no other.
// Announcements ask for a pull.
func (g *Gossip) applyGroup(group []delivery) {
	var changes []delivery
	for _, d := range group {
		if d.batch.IsAnnouncement() {
			g.reportMissing(d.space, d.from)
			continue
		}
		changes = append(changes, d)
	}
	if len(changes) <= 1 {
		for _, d := range changes {
			g.applyOne(d)
		}
		return
	}
	ds := make([]Delivered, len(changes))
	for i, d := range changes {
		ds[i] = Delivered{Space: d.space, Batch: d.batch, Verified: d.verified}
	}
	missing, err := g.local.IngestAll(g.ctx, ds)
	if err != nil || len(missing) != len(changes) {
		for _, d := range changes {
			g.applyOne(d)
		}
		return
	}
	g.stats.applied.Add(uint64(len(changes)))
	for i, m := range missing {
		if m {
			g.reportMissing(changes[i].space, changes[i].from)
		}
	}
}

// applyOne ingests one delivery, or, for an announcement, asks for a pull.
func (g *Gossip) applyOne(d delivery) {
	if d.batch.IsAnnouncement() {
		g.reportMissing(d.space, d.from)
		return
	}
	missing, err := g.local.Ingest(g.ctx, Delivered{Space: d.space, Batch: d.batch, Verified: d.verified})
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
