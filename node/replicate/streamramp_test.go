package replicate

import "testing"

// TestStreamFramesGrowAtMostTwofold: a streamed document's frames grow
// from the small first one at most twofold each (packer.ramp), however
// well the frames compress, up to streamBudget, so that the opener parses
// each while it stores the one before (decision 0054); a packer without
// ramp adapts to the compression ratio at once, as before.
func TestStreamFramesGrowAtMostTwofold(t *testing.T) {
	cs := make([]Change, 6000)
	for i := range cs {
		cs[i] = Change{Raw: make([]byte, 500), Actor: []byte{1}, Seq: uint64(i + 1), Attestation: []byte{1}}
	}
	for _, ramp := range []bool{true, false} {
		p := newPacker("sp", "doc", "ledger", 0)
		p.limit, p.ramp, p.budget = streamBudget, ramp, firstStreamBudget
		var raws []int
		for rest := cs; len(rest) > 0; {
			_, n, err := p.next(rest)
			if err != nil {
				t.Fatal(err)
			}
			raws = append(raws, contentSize(rest[:n]))
			rest = rest[n:]
		}
		for i := 1; i < len(raws)-1; i++ { // the last frame takes what is left
			grew := raws[i] > 2*raws[i-1]+len(cs[0].Raw)+1
			if ramp && grew {
				t.Fatalf("ramp: frame %d took %d raw bytes after %d: more than twice", i, raws[i], raws[i-1])
			}
			if !ramp && i == 1 && !grew {
				t.Fatalf("no ramp: frame 1 took %d raw bytes after %d: it should adapt at once", raws[i], raws[i-1])
			}
			if raws[i] > streamBudget+len(cs[0].Raw)+1 {
				t.Fatalf("frame %d took %d raw bytes, over streamBudget", i, raws[i])
			}
		}
		if ramp && len(raws) < 4 {
			t.Fatalf("ramp: %d frames (%v); want the budget to climb in steps", len(raws), raws)
		}
	}
}
