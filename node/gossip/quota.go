package gossip

import (
	"math"
	"sync"
	"time"

	"github.com/weftsync/weft/node/ratelimit"
)

// Quota bounds what one forwarding peer and one attesting member may make
// this node validate and apply. Each bound is a token bucket: a rate per
// second and a burst. An envelope over a bound is ignored (pubsub drops
// it and does not count it against the forwarder's score): its changes,
// if honest, arrive by the next sync pull. A forwarder that keeps sending
// over its quota is abusive: its score falls (AbusePenalty) until it is
// graylisted. A zero field takes its value from DefaultQuota; a negative
// rate turns that bound off.
type Quota struct {
	// Forwarder bounds envelopes per second from one peer (default 50,
	// burst 500), counted before anything is decrypted.
	Forwarder, ForwarderBurst float64
	// ForwarderBytes bounds envelope bytes per second from one peer
	// (default 2 MiB/s, burst 32 MiB).
	ForwarderBytes, ForwarderBytesBurst float64
	// Author bounds envelopes per second carrying changes attested by one
	// member, whoever forwards them (default 20, burst 300), counted once
	// the attestations verify, so a forged attestation cannot spend
	// another member's quota.
	Author, AuthorBurst float64
	// AbuseAfter is how many envelopes over quota one forwarder may send
	// (the count halves every AbuseHalfLife) before its score falls
	// (default 200).
	AbuseAfter float64
	// AbuseHalfLife is how fast the count of over-quota envelopes decays
	// (default 30 s).
	AbuseHalfLife time.Duration
}

// DefaultQuota is the quota a Gossip applies unless Options.Quota says
// otherwise. A person publishes a few envelopes a second at most, but a
// script may commit a change every 10 ms (DESIGN.md section 12's latency
// budget is measured so): one author may sustain 200 envelopes a second,
// and a forwarder, which carries several authors, 400. The bursts let a
// member back from a day offline publish its outbox at once. A flood past
// these costs a node validation only, never an engine call.
var DefaultQuota = Quota{
	Forwarder: 400, ForwarderBurst: 4000,
	ForwarderBytes: 2 << 20, ForwarderBytesBurst: 32 << 20,
	Author: 200, AuthorBurst: 2000,
	AbuseAfter: 200, AbuseHalfLife: 30 * time.Second,
}

func (q *Quota) defaults() {
	d := DefaultQuota
	for _, f := range []struct{ v, def *float64 }{
		{&q.Forwarder, &d.Forwarder}, {&q.ForwarderBurst, &d.ForwarderBurst},
		{&q.ForwarderBytes, &d.ForwarderBytes}, {&q.ForwarderBytesBurst, &d.ForwarderBytesBurst},
		{&q.Author, &d.Author}, {&q.AuthorBurst, &d.AuthorBurst}, {&q.AbuseAfter, &d.AbuseAfter},
	} {
		if *f.v == 0 {
			*f.v = *f.def
		}
	}
	if q.AbuseHalfLife <= 0 {
		q.AbuseHalfLife = d.AbuseHalfLife
	}
}

// abuse counts envelopes over quota per forwarder, decaying by half every
// halfLife.
type abuse struct {
	halfLife time.Duration

	mu    sync.Mutex
	count map[string]*decaying
}

type decaying struct {
	v    float64
	last time.Time
}

func newAbuse(halfLife time.Duration) *abuse {
	return &abuse{halfLife: halfLife, count: map[string]*decaying{}}
}

// add counts one more envelope over quota from key.
func (a *abuse) add(key string, now time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	d := a.count[key]
	if d == nil {
		if len(a.count) >= ratelimit.MaxKeys {
			clear(a.count)
		}
		d = &decaying{last: now}
		a.count[key] = d
	}
	d.v = a.decayed(d, now) + 1
	d.last = now
}

// get is key's count at now.
func (a *abuse) get(key string, now time.Time) float64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	d := a.count[key]
	if d == nil {
		return 0
	}
	return a.decayed(d, now)
}

func (a *abuse) decayed(d *decaying, now time.Time) float64 {
	halves := now.Sub(d.last).Seconds() / a.halfLife.Seconds()
	if halves <= 0 {
		return d.v
	}
	return d.v / math.Exp2(halves)
}

// quotas are a Gossip's limiters.
type quotas struct {
	q                 Quota
	fwd, fwdBytes, by *ratelimit.Limiter[string]
	abuse             *abuse
}

func newQuotas(q Quota) *quotas {
	q.defaults()
	return &quotas{q: q,
		fwd:      ratelimit.New[string](q.Forwarder, q.ForwarderBurst),
		fwdBytes: ratelimit.New[string](q.ForwarderBytes, q.ForwarderBytesBurst),
		by:       ratelimit.New[string](q.Author, q.AuthorBurst),
		abuse:    newAbuse(q.AbuseHalfLife)}
}

// forwarder takes one envelope of size bytes from forwarder's quota; when
// over, it counts the envelope as abuse.
func (qs *quotas) forwarder(key string, size int, now time.Time) bool {
	if qs.fwd.Take(key, 1, now) && qs.fwdBytes.Take(key, float64(size), now) {
		return true
	}
	qs.abuse.add(key, now)
	return false
}

// authors takes one envelope from each signer's quota (all or none is not
// needed: a signer over quota makes the envelope wait for sync anyway).
func (qs *quotas) authors(signers [][]byte, now time.Time) bool {
	ok := true
	for _, s := range signers {
		if !qs.by.Take(string(s), 1, now) {
			ok = false
		}
	}
	return ok
}

// abusive reports how far past AbuseAfter forwarder's over-quota count is
// (0 when it is not).
func (qs *quotas) abusive(key string, now time.Time) float64 {
	return max(0, qs.abuse.get(key, now)-qs.q.AbuseAfter)
}
