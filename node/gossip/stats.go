package gossip

import "sync/atomic"

// Stats counts what gossip did since New.
type Stats struct {
	Published  uint64 `json:"published"`
	Announced  uint64 `json:"announced"`
	Validated  uint64 `json:"validated"` // envelopes from peers that reached the validator
	Accepted   uint64 `json:"accepted"`
	Ignored    uint64 `json:"ignored"`
	Rejected   uint64 `json:"rejected"`
	Applied    uint64 `json:"applied"`
	ApplyFails uint64 `json:"apply_fails"`
	Missing    uint64 `json:"missing"` // OnMissing calls
	// OverQuota counts envelopes ignored for a forwarder's or an author's
	// quota (they are counted in Ignored too).
	OverQuota uint64 `json:"over_quota"`
}

type counters struct {
	published, announced, validated, accepted, ignored, rejected atomic.Uint64
	applied, applyFails, missing, overQuota                      atomic.Uint64
}

// Stats returns the counters so far. Safe for concurrent use.
func (g *Gossip) Stats() Stats {
	c := &g.stats
	return Stats{Published: c.published.Load(), Announced: c.announced.Load(), Validated: c.validated.Load(),
		Accepted: c.accepted.Load(), Ignored: c.ignored.Load(), Rejected: c.rejected.Load(),
		Applied: c.applied.Load(), ApplyFails: c.applyFails.Load(), Missing: c.missing.Load(), OverQuota: c.overQuota.Load()}
}
