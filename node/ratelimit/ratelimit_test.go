package ratelimit

import (
	"fmt"
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	l := New[string](10, 30)
	for i := range 30 {
		if !l.Take("p", 1, now) {
			t.Fatalf("burst: refused at %d of 30", i)
		}
	}
	if l.Take("p", 1, now) {
		t.Fatal("took past the burst")
	}
	if !l.Take("q", 1, now) {
		t.Fatal("another key shares p's bucket")
	}
	now = now.Add(500 * time.Millisecond) // 5 tokens back
	for i := range 5 {
		if !l.Take("p", 1, now) {
			t.Fatalf("refill: refused at %d of 5", i)
		}
	}
	if l.Take("p", 1, now) {
		t.Fatal("took past the refill")
	}
	if !l.Take("p", 30, now.Add(time.Hour)) || l.Take("p", 31, now.Add(2*time.Hour)) {
		t.Fatal("a bucket refills to its burst and no further")
	}
	if off := New[string](-1, 0); !off.Take("p", 1e9, now) {
		t.Fatal("a negative rate bounds nothing")
	}
}

func TestLimiterForgetsRefilledKeys(t *testing.T) {
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	l := New[string](1, 2)
	for i := range MaxKeys {
		l.Take(fmt.Sprint(i), 1, now)
	}
	if !l.Take("drained", 2, now) || l.Take("drained", 1, now) {
		t.Fatal("a new key starts with its burst")
	}
	later := now.Add(time.Minute) // every earlier bucket has refilled
	l.Take("new", 1, later)
	if n := len(l.buckets); n > 2 {
		t.Fatalf("%d buckets kept past MaxKeys, want the refilled ones forgotten", n)
	}
}
