// Package ratelimit holds token buckets keyed by peer or member: the
// quotas of gossip and of the sync protocol. It does no I/O and reads no
// clock: callers pass the time.
package ratelimit

import (
	"sync"
	"time"
)

// MaxKeys bounds the buckets one Limiter keeps: past it, buckets that have
// refilled (keys quiet long enough) are forgotten.
const MaxKeys = 4096

// Limiter is a token bucket per key, refilled at a rate per second up to a
// burst. It is safe for concurrent use.
type Limiter[K comparable] struct {
	rate, burst float64 // rate < 0: no bound

	mu      sync.Mutex
	buckets map[K]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// New returns a Limiter that refills rate tokens a second up to burst (at
// least rate). A negative rate bounds nothing.
func New[K comparable](rate, burst float64) *Limiter[K] {
	return &Limiter[K]{rate: rate, burst: max(burst, rate), buckets: map[K]*bucket{}}
}

// Take takes n tokens from key's bucket at now and reports whether there
// were enough; when there were not, nothing is taken.
func (l *Limiter[K]) Take(key K, n float64, now time.Time) bool {
	if l.rate < 0 {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= MaxKeys {
			l.forgetFull(now)
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	if now.After(b.last) {
		b.tokens = min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
		b.last = now
	}
	if b.tokens < n {
		return false
	}
	b.tokens -= n
	return true
}

// forgetFull drops the buckets that have refilled by now. Called with l.mu
// held.
func (l *Limiter[K]) forgetFull(now time.Time) {
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
}
