package replicate

import (
	"errors"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/weftsync/weft/node/ratelimit"
)

// ErrQuota: a peer gave or asked for more than its quota allows in the
// interval. What arrived before is committed; the next pull resumes from
// there once the quota has refilled.
var ErrQuota = errors.New("replicate: peer over its quota")

// Quota bounds, per peer, what the sync protocol serves to it and takes
// from it. Each bound is a token bucket: a rate per second and a burst
// (what a peer may use at once after a quiet spell). A zero field takes
// its default (DefaultQuota); a negative one turns that bound off.
type Quota struct {
	// ServePulls bounds the pulls served to one peer (default 4/s,
	// burst 120). A pull over it is answered "busy".
	ServePulls, ServePullsBurst float64
	// ServeBytes bounds the frame bytes written to one peer (default
	// 4 MiB/s, burst 64 MiB). An answer over it ends early, "busy", after
	// whole frames: what was sent is a causally closed prefix.
	ServeBytes, ServeBytesBurst float64
	// PullChanges bounds the changes taken from one peer (default
	// 5,000/s, burst 200,000). A pull over it stops with ErrQuota.
	PullChanges, PullChangesBurst float64
	// PullBytes bounds the frame bytes taken from one peer (default
	// 4 MiB/s, burst 64 MiB). A pull over it stops with ErrQuota.
	PullBytes, PullBytesBurst float64
}

// DefaultQuota is the quota a Syncer applies unless Options.Quota says
// otherwise. The bursts let an honest first sync of a large space through
// in one pull; the rates bound what a flooding member costs afterwards.
var DefaultQuota = Quota{
	ServePulls: 4, ServePullsBurst: 120,
	ServeBytes: 4 << 20, ServeBytesBurst: 64 << 20,
	PullChanges: 5000, PullChangesBurst: 200000,
	PullBytes: 4 << 20, PullBytesBurst: 64 << 20,
}

func (q *Quota) defaults() {
	d := DefaultQuota
	for _, f := range []struct{ v, def *float64 }{
		{&q.ServePulls, &d.ServePulls}, {&q.ServePullsBurst, &d.ServePullsBurst},
		{&q.ServeBytes, &d.ServeBytes}, {&q.ServeBytesBurst, &d.ServeBytesBurst},
		{&q.PullChanges, &d.PullChanges}, {&q.PullChangesBurst, &d.PullChangesBurst},
		{&q.PullBytes, &d.PullBytes}, {&q.PullBytesBurst, &d.PullBytesBurst},
	} {
		if *f.v == 0 {
			*f.v = *f.def
		}
	}
}

// quotas are a Syncer's limiters.
type quotas struct {
	servePulls, serveBytes, pullChanges, pullBytes *ratelimit.Limiter[peer.ID]
}

func newQuotas(q Quota) *quotas {
	q.defaults()
	return &quotas{
		servePulls:  ratelimit.New[peer.ID](q.ServePulls, q.ServePullsBurst),
		serveBytes:  ratelimit.New[peer.ID](q.ServeBytes, q.ServeBytesBurst),
		pullChanges: ratelimit.New[peer.ID](q.PullChanges, q.PullChangesBurst),
		pullBytes:   ratelimit.New[peer.ID](q.PullBytes, q.PullBytesBurst),
	}
}

// pullFrame takes a received frame's changes and bytes from p's quota.
func (q *quotas) pullFrame(p peer.ID, changes int, size int64) bool {
	now := time.Now()
	return q.pullChanges.Take(p, float64(changes), now) && q.pullBytes.Take(p, float64(size), now)
}

// errServeQuota ends an answer early: the opener is told "busy".
var errServeQuota = errors.New("replicate: answer cut at the peer's quota")
