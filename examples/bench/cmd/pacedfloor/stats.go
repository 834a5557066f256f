package main

import (
	"slices"
	"time"
)

// Summary is one floor's distribution: nearest-rank percentiles, as
// weftbench reports its latencies (harness.Percentile).
type Summary struct {
	Name string `json:"name"`
	// InSum says whether the floor is a part of the mandated path, added
	// into the sum; the others are for comparison.
	InSum bool          `json:"in_sum"`
	N     int           `json:"n"`
	P50   time.Duration `json:"p50_ns"`
	P90   time.Duration `json:"p90_ns"`
	P99   time.Duration `json:"p99_ns"`
	Max   time.Duration `json:"max_ns"`
}

// percentile returns the nearest-rank p-th percentile of sorted (0 for
// none): the smallest value with at least p percent of them at or below it.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p/100+0.999999) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// summarize returns the distribution of samples.
func summarize(name string, inSum bool, samples []time.Duration) Summary {
	s := slices.Clone(samples)
	slices.Sort(s)
	return Summary{Name: name, InSum: inSum, N: len(s),
		P50: percentile(s, 50), P90: percentile(s, 90), P99: percentile(s, 99), Max: percentile(s, 100)}
}

// roundSums adds, round by round, the samples of the series whose inSum is
// set: the mandated path's floor as one change would meet it. Only rounds
// every such series reached are summed.
func roundSums(series [][]time.Duration, inSum []bool) []time.Duration {
	n := -1
	for i, s := range series {
		if inSum[i] && (n < 0 || len(s) < n) {
			n = len(s)
		}
	}
	if n <= 0 {
		return nil
	}
	out := make([]time.Duration, n)
	for i, s := range series {
		if !inSum[i] {
			continue
		}
		for r := range n {
			out[r] += s[r]
		}
	}
	return out
}
