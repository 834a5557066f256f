package ledgerhist_test

import (
	"fmt"
	"testing"

	"github.com/weftsync/weft/node/ledgerhist"
)

// oneEntryChanges returns a ledger's changes: the list, then n changes of
// one appended entry each.
func oneEntryChanges(b testing.TB, n int) [][]byte {
	s := newSim(b, 1, 1)
	d := s.docs[0]
	for range n {
		s.append(d)
		s.commit(d)
	}
	return s.changes()
}

func BenchmarkHistory(b *testing.B) {
	for _, tc := range []struct {
		name string
		n    int
		run  func(testing.TB, [][]byte) error
	}{
		{"pure/1000", 1000, pure},
		{"pure/10000", 10000, pure},
		// The engine takes about 17 s at 1,000 and grows as n²: 10,000 is
		// left out.
		{"engine/1000", 1000, engine},
	} {
		chs := oneEntryChanges(b, tc.n)
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				if err := tc.run(b, chs); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func pure(_ testing.TB, chs [][]byte) error {
	evs, err := ledgerhist.History(chs)
	if err == nil && len(evs) != len(chs)-1 {
		err = fmt.Errorf("%d events for %d changes", len(evs), len(chs))
	}
	return err
}

func engine(t testing.TB, chs [][]byte) error {
	_, err := engineHistory(t, chs)
	return err
}
