package node_test

import (
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/replicate"
)

// BenchmarkOpenerDigest times what an opener reads to build its request
// for a space of 1,000 case studies (decision 0040): Digest and then Tips
// over every clock, as before, and DigestTips; the tip cache is emptied
// each time, as on a node's first pull since it opened. It reports the
// process's CPU time per op (cpu-ms/op) beside the wall time: on a shared
// machine the CPU time is the figure to compare.
// `go test -run XXX -bench BenchmarkOpenerDigest -benchtime 20x ./node/`
func BenchmarkOpenerDigest(b *testing.B) {
	ctx := b.Context()
	n, err := node.Init(ctx, node.Options{Home: b.TempDir(), NoPassphrase: true}, "Xia")
	if err != nil {
		b.Fatal(err)
	}
	defer n.Close()
	sp, err := n.CreateSpace(ctx, "Tenants Union")
	if err != nil {
		b.Fatal(err)
	}
	for i := range 1000 {
		if _, err := n.AddCase(ctx, sp, model.CaseStudy{Titles: map[string]string{"en": fmt.Sprint("Case ", i)}}); err != nil {
			b.Fatal(err)
		}
	}
	local := n.SyncLocal()
	b.Run("digest+tips", func(b *testing.B) {
		defer reportCPU(b)()
		for b.Loop() {
			node.ForgetTips(n)
			digest, err := local.Digest(ctx, sp.ID)
			if err != nil {
				b.Fatal(err)
			}
			at := map[string]map[string]uint64{}
			for doc, d := range digest {
				at[doc] = d.VV
			}
			if _, err := local.(replicate.Forks).Tips(ctx, sp.ID, at); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("digesttips", func(b *testing.B) {
		defer reportCPU(b)()
		for b.Loop() {
			node.ForgetTips(n)
			if _, _, err := local.(replicate.TipsDigest).DigestTips(ctx, sp.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// reportCPU starts counting the process's CPU time; the function it
// returns reports it per op as cpu-ms/op.
func reportCPU(b *testing.B) func() {
	start := processCPU()
	return func() {
		b.ReportMetric(float64(processCPU()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
	}
}

// processCPU is the CPU time (user and system) this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
