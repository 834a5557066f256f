// Command pacedfloor measures the floor of each part of the paced path
// (DESIGN.md section 12, scenario p: one change every 150 ms from A to B,
// durable on B) on this machine, each part alone and each after the same
// idle, and their sum (decision 0074):
//
//	go build -trimpath -o /tmp/pacedfloor ./examples/bench/cmd/pacedfloor
//	/tmp/pacedfloor                  # 200 rounds, about 4 minutes
//	/tmp/pacedfloor -json -n 50
//
// The parts the design mandates: A's engine edit (a pipe round trip to the
// engine process, asleep, and the Automerge edit), A's Ed25519 signature,
// one loopback TCP message to B's process, asleep, B's Ed25519 check, and
// B's durable commit of the change and its attestation (the real store:
// WAL, synchronous=FULL, the WAL written ahead). Beside them, for
// comparison: a bare pipe round trip, the engine's CPU for the edit, each
// round trip again at once (hot), and 8 KiB written and synced by
// fdatasync, over written blocks and appended. The store's files live in a
// temporary folder on the same file system as weftbench's homes (-dir to
// choose).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/weftsync/weft/node/engine/server"
)

func main() {
	server.Dispatch() // in the engine child this serves and never returns
	if len(os.Args) > 2 && os.Args[1] == childArg {
		if err := runChild(os.Args[2]); err != nil {
			fmt.Fprintln(os.Stderr, "pacedfloor child:", err)
			os.Exit(1)
		}
		return
	}
	n := flag.Int("n", 200, "rounds: each part is measured once a round")
	every := flag.Duration("every", 150*time.Millisecond, "idle before each measurement (the paced scenario's interval)")
	limit := flag.Duration("time", 6*time.Minute, "stop after this long, with the rounds done")
	dir := flag.String("dir", "", "folder for the store's and the syncs' files (default: a new temporary folder, as weftbench's homes, removed after)")
	asJSON := flag.Bool("json", false, "write the results as JSON instead of a table")
	paced := flag.Duration("paced-p50", 0, "weftbench -full -only p's measured p50, to print beside the sum")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := run(ctx, *n, *every, *limit, *dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "pacedfloor:", err)
		os.Exit(1)
	}
	res.PacedP50 = *paced
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			fmt.Fprintln(os.Stderr, "pacedfloor:", err)
			os.Exit(1)
		}
		return
	}
	res.print(os.Stdout)
}

// Results is one run's figures.
type Results struct {
	Started    time.Time     `json:"started"`
	Rounds     int           `json:"rounds"`
	Every      time.Duration `json:"every_ns"`
	Dir        string        `json:"dir"`
	FS         string        `json:"fs"`
	LoadBefore string        `json:"load_before"`
	LoadAfter  string        `json:"load_after"`
	Floors     []Summary     `json:"floors"`
	// Sum is the distribution of the per-round sums of the mandated parts.
	Sum      Summary       `json:"sum"`
	PacedP50 time.Duration `json:"paced_p50_ns,omitempty"`
}

// run sets every floor up, then measures them in turn, each after every of
// idle, for n rounds or until limit, and closes them.
func run(ctx context.Context, n int, every, limit time.Duration, dir string) (res Results, err error) {
	res = Results{Started: time.Now().UTC(), Every: every, LoadBefore: loadAverage()}
	if dir == "" {
		d, err := os.MkdirTemp("", "pacedfloor")
		if err != nil {
			return res, err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	res.Dir, res.FS = dir, fsType(dir)
	var floors []*floor
	defer func() {
		for _, f := range floors {
			if cerr := f.close(); cerr != nil && err == nil {
				err = cerr
			}
		}
	}()
	for _, mk := range []func() (*floor, error){
		pipeFloor,
		func() (*floor, error) { return engineFloor(ctx) },
		tcpFloor,
		func() (*floor, error) { return storeFloor(ctx, dir) },
		func() (*floor, error) { return syncFloor(dir, false) },
		func() (*floor, error) { return syncFloor(dir, true) },
		signFloor,
		verifyFloor,
	} {
		f, err := mk()
		if err != nil {
			return res, err
		}
		floors = append(floors, f)
	}
	var rows []row
	for _, f := range floors {
		rows = append(rows, f.rows...)
	}
	series := make([][]time.Duration, len(rows))
	const warmRounds = 3 // not kept: first calls, page faults
	deadline := time.Now().Add(limit)
	for r := range n + warmRounds {
		if r >= warmRounds && time.Now().After(deadline) {
			break
		}
		k := 0
		for _, f := range floors {
			select {
			case <-ctx.Done():
				return res, ctx.Err()
			case <-time.After(every):
			}
			vals, err := f.sample(ctx)
			if err != nil {
				return res, err
			}
			if r >= warmRounds {
				for i, v := range vals {
					series[k+i] = append(series[k+i], v)
				}
			}
			k += len(f.rows)
		}
		if r >= warmRounds {
			res.Rounds++
		}
	}
	inSum := make([]bool, len(rows))
	for i, rw := range rows {
		inSum[i] = rw.inSum
		res.Floors = append(res.Floors, summarize(rw.name, rw.inSum, series[i]))
	}
	res.Sum = summarize("sum of the mandated parts, round by round", true, roundSums(series, inSum))
	res.LoadAfter = loadAverage()
	return res, nil
}

// print writes res as a table, in milliseconds.
func (res Results) print(w io.Writer) {
	ms := func(d time.Duration) string { return fmt.Sprintf("%.3f", float64(d.Nanoseconds())/1e6) }
	fmt.Fprintf(w, "pacedfloor %s: %d rounds, each part after %v idle; %s (%s)\n", res.Started.Format(time.RFC3339),
		res.Rounds, res.Every, res.Dir, res.FS)
	fmt.Fprintf(w, "load average before %s, after %s\n\n", res.LoadBefore, res.LoadAfter)
	fmt.Fprintf(w, "| part | in sum | p50 ms | p90 ms | p99 ms | max ms |\n| --- | --- | --- | --- | --- | --- |\n")
	for _, s := range append(res.Floors, res.Sum) {
		mark := ""
		if s.InSum {
			mark = "yes"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", s.Name, mark, ms(s.P50), ms(s.P90), ms(s.P99), ms(s.Max))
	}
	var p50s time.Duration
	for _, s := range res.Floors {
		if s.InSum {
			p50s += s.P50
		}
	}
	fmt.Fprintf(w, "\nsum of the mandated parts' p50s: %s ms\n", ms(p50s))
	if res.PacedP50 > 0 {
		fmt.Fprintf(w, "weftbench's paced p50: %s ms, %s ms above the sum's p50\n", ms(res.PacedP50), ms(res.PacedP50-res.Sum.P50))
	}
}

// loadAverage returns the 1, 5 and 15 minute load averages.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// fsType names the file system dir is on.
func fsType(dir string) string {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return "unknown"
	}
	switch st.Type {
	case unix.EXT4_SUPER_MAGIC:
		return "ext4"
	case unix.XFS_SUPER_MAGIC:
		return "xfs"
	case unix.BTRFS_SUPER_MAGIC:
		return "btrfs"
	case unix.TMPFS_MAGIC:
		return "tmpfs"
	case unix.OVERLAYFS_SUPER_MAGIC:
		return "overlayfs"
	}
	return fmt.Sprintf("type %#x", st.Type)
}
