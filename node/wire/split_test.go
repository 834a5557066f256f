package wire

import (
	"bytes"
	"errors"
	"slices"
	"testing"
)

func TestSplitChunks(t *testing.T) {
	v1, v2, v8 := unhex(t, hexV1), unhex(t, hexV2), unhex(t, hexV8)
	all := slices.Concat(v1, v2, v8)
	tests := []struct {
		name string
		in   []byte
		want [][]byte
		err  error
	}{
		{"empty", nil, nil, nil},
		{"one", v1, [][]byte{v1}, nil},
		{"three", all, [][]byte{v1, v2, v8}, nil},
		{"bad checksum is split", unhex(t, hexM1), [][]byte{unhex(t, hexM1)}, nil},
		{"document chunk is split", encodeChunk(0, []byte{1, 2}), [][]byte{encodeChunk(0, []byte{1, 2})}, nil},
		{"last truncated", all[:len(all)-1], nil, ErrTruncated},
		{"trailing garbage", append(slices.Clone(all), 0x00), nil, ErrMagic},
		{"trailing magic", append(slices.Clone(all), magic...), nil, ErrTruncated},
		{"length past the buffer", slices.Concat(v1, v1[:9], uleb(1<<20)), nil, ErrTruncated},
		{"length over the cap", slices.Concat(v1[:9], uleb(1<<62)), nil, ErrTooLarge},
		{"length of 2^64-1", slices.Concat(v1[:9], unhex(t, "ffffffffffffffffff01")), nil, ErrTooLarge},
		{"overlong length", slices.Concat(v1[:9], []byte{0xc0, 0x00}, v1[10:]), nil, ErrNotCanonical},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := SplitChunks(tt.in)
			if tt.err != nil {
				if !errors.Is(err, tt.err) || got != nil {
					t.Fatalf("SplitChunks = %d chunks, %v; want %v", len(got), err, tt.err)
				}
				return
			}
			if err != nil || len(got) != len(tt.want) {
				t.Fatalf("SplitChunks = %d chunks, %v; want %d", len(got), err, len(tt.want))
			}
			for i := range got {
				if !bytes.Equal(got[i], tt.want[i]) {
					t.Errorf("chunk %d differs", i)
				}
				if cap(got[i]) != len(got[i]) {
					t.Errorf("chunk %d: capacity %d reaches past it", i, cap(got[i]))
				}
			}
		})
	}
}
