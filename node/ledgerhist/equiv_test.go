package ledgerhist_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/weftsync/weft/crdt/ledger"
	"github.com/weftsync/weft/node/ledgerhist"
	"github.com/weftsync/weft/node/wire"
)

// engineHistory runs crdt/ledger.History and converts its events.
func engineHistory(t testing.TB, changes [][]byte) ([]ledgerhist.Event, error) {
	t.Helper()
	evs, err := ledger.History(changes)
	if err != nil {
		return nil, err
	}
	out := make([]ledgerhist.Event, len(evs))
	for i, e := range evs {
		out[i] = ledgerhist.Event{Change: e.Change, EntryID: e.EntryID, Action: e.Action, Field: e.Field}
	}
	return out, nil
}

// orders are the orders a history is handed over in.
var orders = []struct {
	name  string
	order func(t testing.TB, rng *rand.Rand, chs [][]byte) [][]byte
}{
	{"causal", func(t testing.TB, rng *rand.Rand, chs [][]byte) [][]byte { return chs }},
	{"random causal", randomCausal},
	{"some before their deps", func(t testing.TB, rng *rand.Rand, chs [][]byte) [][]byte {
		out := append([][]byte(nil), chs...)
		for k := 0; k < len(out)/10; k++ {
			i, j := rng.IntN(len(out)), rng.IntN(len(out))
			out[i], out[j] = out[j], out[i]
		}
		return out
	}},
}

func TestHistoryMatchesEngine(t *testing.T) {
	counts := map[string]int{}
	for seed := uint64(1); seed <= 60; seed++ {
		s := newSim(t, seed, 2+int(seed%3))
		for range 40 + int(seed%5)*20 {
			s.step()
		}
		chs := s.changes()
		for _, o := range orders {
			t.Run(fmt.Sprintf("seed %d %s", seed, o.name), func(t *testing.T) {
				in := o.order(t, rand.New(rand.NewPCG(seed, 1)), chs)
				want, werr := engineHistory(t, in)
				got, gerr := ledgerhist.History(in)
				if (werr == nil) != (gerr == nil) {
					t.Fatalf("engine error %v, pure-Go error %v", werr, gerr)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("events differ:\n got %v\nwant %v", got, want)
				}
				for _, e := range want {
					counts[e.Action+" "+e.Field]++
				}
			})
		}
	}
	t.Logf("events compared: %v", counts)
	for _, k := range []string{"recorded ", "deleted ", "restored ", "altered memo", "altered amount_minor", "altered meta", "altered reverses", "altered n", "altered fee"} {
		if counts[k] == 0 {
			t.Errorf("no %q event in any history: the generator does not cover it", k)
		}
	}
}

// randomCausal returns chs in a random order that keeps every change after
// its dependencies.
func randomCausal(t testing.TB, rng *rand.Rand, chs [][]byte) [][]byte {
	deps := map[[32]byte][][32]byte{}
	hashes := make([][32]byte, len(chs))
	for i, raw := range chs {
		c, err := wire.ParseChange(raw)
		if err != nil {
			t.Fatal(err)
		}
		hashes[i], deps[c.Hash] = c.Hash, c.Deps
	}
	done := map[[32]byte]bool{}
	left := append([]int(nil), rangeN(len(chs))...)
	var out [][]byte
	for len(left) > 0 {
		var ready []int
		for k, i := range left {
			if allDone(done, deps[hashes[i]]) {
				ready = append(ready, k)
			}
		}
		k := ready[rng.IntN(len(ready))]
		i := left[k]
		left = append(left[:k], left[k+1:]...)
		done[hashes[i]] = true
		out = append(out, chs[i])
	}
	return out
}

func rangeN(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func allDone(done map[[32]byte]bool, deps [][32]byte) bool {
	for _, d := range deps {
		if !done[d] {
			return false
		}
	}
	return true
}
