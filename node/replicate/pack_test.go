package replicate

import (
	"errors"
	"reflect"
	"testing"
)

// ch is a change of actor a, seq s, size n bytes, attested when att.
func ch(a byte, s uint64, n int, att bool) Change {
	c := Change{Raw: make([]byte, n), Actor: []byte{a}, Seq: s}
	c.Raw[0] = a
	if att {
		c.Attestation = []byte{'t', a, byte(s)}
	}
	return c
}

func TestCut(t *testing.T) {
	tests := []struct {
		name   string
		cs     []Change
		budget int
		want   int
	}{
		{"all attested, all fit", []Change{ch(1, 1, 10, true), ch(1, 2, 10, true)}, 100, 2},
		{"all attested, budget bounds", []Change{ch(1, 1, 40, true), ch(1, 2, 40, true), ch(1, 3, 40, true)}, 100, 2},
		{"ends only at an attested change", []Change{ch(1, 1, 10, true), ch(1, 2, 10, false), ch(1, 3, 10, true), ch(1, 4, 10, false)}, 100, 3},
		{"waits for every actor", []Change{ch(1, 1, 10, true), ch(2, 1, 10, false), ch(1, 2, 10, true), ch(2, 2, 10, true)}, 100, 4},
		{"an actor left open blocks the cut", []Change{ch(1, 1, 10, false), ch(2, 1, 10, true)}, 100, 0},
		{"shortest closed prefix over budget", []Change{ch(1, 1, 60, false), ch(1, 2, 60, true), ch(1, 3, 10, true)}, 100, 2},
		{"one large chunk alone", []Change{ch(1, 1, 500, true), ch(1, 2, 10, true)}, 100, 1},
		{"nothing closed within maxContent", []Change{ch(1, 1, maxContent, false), ch(1, 2, 10, true)}, 100, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cut(tt.cs, tt.budget); got != tt.want {
				t.Fatalf("cut = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestPackerFrames(t *testing.T) {
	cs := []Change{ch(1, 1, 100, true), ch(2, 1, 100, true), ch(1, 2, 100, false), ch(1, 3, 100, true),
		ch(2, 2, 100, true), ch(1, 4, 100, true), ch(3, 1, 100, false)}
	p := newPacker("s", "d", "ledger", 350)
	var frames []*Frame
	for len(cs) > 0 {
		b, n, err := p.next(cs)
		if errors.Is(err, errNoCut) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		f, err := DecodeFrame(b[lengthSize:])
		if err != nil {
			t.Fatal(err)
		}
		if len(f.Chunks) != n {
			t.Fatalf("frame of %d chunks for %d changes", len(f.Chunks), n)
		}
		frames = append(frames, f)
		cs = cs[n:]
	}
	var atts [][][]byte
	for _, f := range frames {
		atts = append(atts, f.Atts)
	}
	want := [][][]byte{
		{{'t', 1, 1}, {'t', 2, 1}},
		{{'t', 1, 3}, {'t', 2, 2}}, // not (1, 2): per actor, its newest change's only
		{{'t', 1, 4}},
	}
	if !reflect.DeepEqual(atts, want) || len(cs) != 1 {
		t.Fatalf("frames' attestations %v, want %v; %d changes left, want the unattested 1", atts, want, len(cs))
	}
}
