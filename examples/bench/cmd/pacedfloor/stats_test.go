package main

import (
	"testing"
	"time"
)

func TestSummarizeNearestRank(t *testing.T) {
	var samples []time.Duration
	for i := 100; i >= 1; i-- { // unsorted on purpose
		samples = append(samples, time.Duration(i)*time.Millisecond)
	}
	s := summarize("x", true, samples)
	want := Summary{Name: "x", InSum: true, N: 100, P50: 50 * time.Millisecond, P90: 90 * time.Millisecond,
		P99: 99 * time.Millisecond, Max: 100 * time.Millisecond}
	if s != want {
		t.Fatalf("summarize = %+v, want %+v", s, want)
	}
	if samples[0] != 100*time.Millisecond {
		t.Fatal("summarize sorted its caller's samples")
	}
	three := summarize("y", false, []time.Duration{3, 1, 2})
	if three.P50 != 2 || three.P90 != 3 || three.P99 != 3 || three.Max != 3 {
		t.Fatalf("three samples: %+v", three)
	}
	if none := summarize("z", false, nil); none.P50 != 0 || none.Max != 0 || none.N != 0 {
		t.Fatalf("no samples: %+v", none)
	}
}

func TestRoundSumsAddsOnlyMandatedPartsOfCompleteRounds(t *testing.T) {
	series := [][]time.Duration{
		{1, 2, 3},
		{10, 20, 30},
		{100, 200},               // in the sum, one round short: the third round is left out
		{1000, 2000, 3000, 4000}, // not in the sum
	}
	got := roundSums(series, []bool{true, true, true, false})
	want := []time.Duration{111, 222}
	if len(got) != len(want) {
		t.Fatalf("roundSums = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("roundSums = %v, want %v", got, want)
		}
	}
	if got := roundSums(series, []bool{false, false, false, false}); got != nil {
		t.Fatalf("nothing in the sum: %v", got)
	}
}
