package replicate

import (
	"errors"
	"fmt"
	"testing"
)

// TestPackReadsOnlyCarriedAttestations: changes whose attestations are
// read on demand (Change.Attest, decision 0033) are packed into the same
// frames as changes that carry theirs, and only the attestations the
// frames carry (each actor's newest in a frame) are read; a failed read
// fails the frame.
func TestPackReadsOnlyCarriedAttestations(t *testing.T) {
	const n = 400
	eager := make([]Change, n)
	lazy := make([]Change, n)
	reads := map[int]int{}
	for i := range n {
		raw := []byte(fmt.Sprintf("change %03d of actor 1, padded to look like a ledger entry", i))
		att := []byte(fmt.Sprintf("attestation of change %03d", i))
		eager[i] = Change{Raw: raw, Actor: []byte{1}, Seq: uint64(i + 1), Attestation: att}
		lazy[i] = Change{Raw: raw, Actor: []byte{1}, Seq: uint64(i + 1), AttestSize: len(att),
			Attest: func() ([]byte, error) { reads[i]++; return att, nil }}
	}
	pack := func(cs []Change) ([]*Frame, error) {
		p := newPacker("s", "d", "ledger", 2000)
		var out []*Frame
		for len(cs) > 0 {
			b, k, err := p.next(cs)
			if err != nil {
				return nil, err
			}
			f, err := DecodeFrame(b[lengthSize:])
			if err != nil {
				return nil, err
			}
			out = append(out, f)
			cs = cs[k:]
		}
		return out, nil
	}
	want, err := pack(eager)
	if err != nil {
		t.Fatal(err)
	}
	got, err := pack(lazy)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) || len(want) < 3 {
		t.Fatalf("%d frames read on demand, %d with the attestations at hand; want the same, several", len(got), len(want))
	}
	for i := range want {
		if fmt.Sprint(got[i].Chunks) != fmt.Sprint(want[i].Chunks) || fmt.Sprint(got[i].Atts) != fmt.Sprint(want[i].Atts) {
			t.Fatalf("frame %d differs", i)
		}
	}
	total := 0
	for _, r := range reads {
		total += r
	}
	if len(reads) != len(got) || total != len(got) {
		t.Fatalf("%d attestations read (%d reads) for %d frames; want one each", len(reads), total, len(got))
	}

	lazy[n-1].Attest = func() ([]byte, error) { return nil, errors.New("gone") }
	if _, err := pack(lazy); err == nil {
		t.Fatal("a frame whose attestation could not be read was sent")
	}
}
