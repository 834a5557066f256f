package harness

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	marks "github.com/weftsync/weft/node/latency"
)

// stepEvent is one node/latency mark of a peer, in Unix nanoseconds of
// the machine's clock (which every peer shares).
type stepEvent struct {
	Step string `json:"s"`
	Ns   int64  `json:"t"`
}

// takeSteps answers op "steps": the marks since the last call, as JSON in
// Response.Blob. Marks are recorded only in a peer started with
// marks.Env set (weftbench -steps).
func takeSteps() (Response, error) {
	evs := marks.Take()
	out := make([]stepEvent, len(evs))
	for i, e := range evs {
		out[i] = stepEvent{Step: e.Step, Ns: e.At.UnixNano()}
	}
	b, err := json.Marshal(out)
	return Response{Blob: b}, err
}

// hopSteps is the chain of marks one paced change takes from A's sealed
// envelope to B's commit, each name prefixed with the peer that marks it.
var hopSteps = []string{"a:pub.sealed", "a:pub.published", "a:ps.sendrpc", "a:ps.written", "b:ps.recvrpc",
	"b:ps.validate", "b:val.start", "b:val.held", "b:val.done", "b:recv.next", "b:ingest.start",
	"b:update.locked", "b:update.fn", "b:update.committed"}

// steps reads the marks of a and b (op "steps") and returns them merged,
// each step prefixed "a:" or "b:", in time order.
func steps(a, b *proc) ([]stepEvent, error) {
	var all []stepEvent
	for _, p := range []struct {
		prefix string
		proc   *proc
	}{{"a:", a}, {"b:", b}} {
		r, err := p.proc.call(Request{Op: "steps"})
		if err != nil {
			return nil, err
		}
		var evs []stepEvent
		if err := json.Unmarshal(r.Blob, &evs); err != nil {
			return nil, fmt.Errorf("harness: steps: %w", err)
		}
		for _, e := range evs {
			all = append(all, stepEvent{Step: p.prefix + e.Step, Ns: e.Ns})
		}
	}
	slices.SortStableFunc(all, func(x, y stepEvent) int { return int(x.Ns - y.Ns) })
	return all, nil
}

// logSteps logs, for each step of hopSteps, the median and mean time from
// the step before and the median from the first step, over every change
// whose chain was found whole.
func logSteps(log io.Writer, evs []stepEvent) {
	per := make([][]time.Duration, len(hopSteps))
	cum := make([][]time.Duration, len(hopSteps)) // from the first step
	for i, e := range evs {
		if e.Step != hopSteps[0] {
			continue
		}
		at := make([]int64, len(hopSteps))
		at[0] = e.Ns
		k, j := 1, i+1
		for ; k < len(hopSteps) && j < len(evs); j++ {
			if evs[j].Step == hopSteps[0] {
				break // the next change
			}
			if evs[j].Step == hopSteps[k] {
				at[k] = evs[j].Ns
				k++
			}
		}
		if k < len(hopSteps) {
			continue
		}
		for k := 1; k < len(hopSteps); k++ {
			per[k] = append(per[k], time.Duration(at[k]-at[k-1]))
			cum[k] = append(cum[k], time.Duration(at[k]-at[0]))
		}
	}
	var sb strings.Builder
	var sum time.Duration
	for k := 1; k < len(hopSteps); k++ {
		ds := per[k]
		if len(ds) == 0 {
			continue
		}
		var total time.Duration
		for _, d := range ds {
			total += d
		}
		slices.Sort(ds)
		slices.Sort(cum[k])
		sum += ds[len(ds)/2]
		fmt.Fprintf(&sb, "\n  %-20s n %3d  p50 %7.3f ms  mean %7.3f ms  from the first p50 %7.3f ms", hopSteps[k], len(ds),
			ds[len(ds)/2].Seconds()*1000, total.Seconds()*1000/float64(len(ds)), cum[k][len(ds)/2].Seconds()*1000)
	}
	logf(log, "p: steps from A's sealed envelope to B's commit (sum of medians %.3f ms):%s", sum.Seconds()*1000, sb.String())
}

// logTimeline logs scenario b's marks of both peers, each as milliseconds
// from B's start, with the commits OnStored counted (w.Times) among them:
// where the catch-up's time goes, one run.
func logTimeline(log io.Writer, start int64, w Response, evs []stepEvent) {
	for i := 0; i < len(w.Times); {
		j := i
		for j < len(w.Times) && w.Times[j] == w.Times[i] {
			j++
		}
		evs = append(evs, stepEvent{Step: fmt.Sprintf("b:stored %d (%d in all)", j-i, j), Ns: w.Times[i]})
		i = j
	}
	slices.SortStableFunc(evs, func(x, y stepEvent) int { return int(x.Ns - y.Ns) })
	var b strings.Builder
	for _, e := range evs {
		fmt.Fprintf(&b, "%9.2f ms  %s\n", float64(e.Ns-start)/1e6, e.Step)
	}
	fmt.Fprintf(log, "b timeline (ms from B's start):\n%s", b.String())
}
