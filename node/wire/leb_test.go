package wire

import (
	"errors"
	"testing"
)

func TestULEB(t *testing.T) {
	tests := []struct {
		name string
		hex  string
		want uint64
		err  error
	}{
		{"zero", "00", 0, nil},
		{"127", "7f", 127, nil},
		{"128", "8001", 128, nil},
		{"16383", "ff7f", 16383, nil},
		{"624485", "e58e26", 624485, nil},
		{"max", "ffffffffffffffffff01", 1<<64 - 1, nil},
		{"overlong 1", "8100", 0, ErrNotCanonical},
		{"overlong 0", "8000", 0, ErrNotCanonical},
		{"too large", "ffffffffffffffffff02", 0, ErrMalformed},
		{"overlong tenth byte", "ffffffffffffffffff00", 0, ErrNotCanonical},
		{"too many bytes", "818181818181818181818181", 0, ErrMalformed},
		{"truncated", "ff", 0, ErrTruncated},
		{"empty", "", 0, ErrTruncated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := reader{b: unhex(t, tt.hex)}
			got, err := r.uleb()
			checkLEB(t, uint64(got), err, tt.want, tt.err, r.left())
		})
	}
}

func TestSLEB(t *testing.T) {
	tests := []struct {
		name string
		hex  string
		want int64
		err  error
	}{
		{"zero", "00", 0, nil},
		{"-1", "7f", -1, nil},
		{"63", "3f", 63, nil},
		{"-64", "40", -64, nil},
		{"128", "8001", 128, nil},
		{"8191", "ff3f", 8191, nil},
		{"-8192", "8040", -8192, nil},
		{"-123456", "c0bb78", -123456, nil},
		{"max", "ffffffffffffffffff00", 1<<63 - 1, nil},
		{"min", "8080808080808080807f", -1 << 63, nil},
		{"ms time", "80d095ffbc31", 1700000000000, nil},
		{"10000", "90ce00", 10000, nil},
		{"overlong bf00", "bf00", 0, ErrNotCanonical},
		{"overlong 81ff7f", "81ff7f", 0, ErrNotCanonical},
		{"overlong ff7f", "ff7f", 0, ErrNotCanonical},
		{"overlong ten bytes 00", "80808080808080808000", 0, ErrNotCanonical},
		{"overlong ten bytes 7f", "ffffffffffffffffff7f", 0, ErrNotCanonical},
		{"too large 01", "ffffffffffffffffff01", 0, ErrMalformed},
		{"too large 7e", "8080808080808080807e", 0, ErrMalformed},
		{"truncated", "90", 0, ErrTruncated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := reader{b: unhex(t, tt.hex)}
			got, err := r.sleb()
			checkLEB(t, uint64(got), err, uint64(tt.want), tt.err, r.left())
		})
	}
}

// checkLEB compares a decoded integer with the expected value or error; a
// successful decode must consume every byte.
func checkLEB(t *testing.T, got uint64, err error, want uint64, wantErr error, left int) {
	t.Helper()
	if wantErr != nil {
		if !errors.Is(err, wantErr) {
			t.Fatalf("error %v, want %v", err, wantErr)
		}
		return
	}
	if err != nil || got != want || left != 0 {
		t.Fatalf("got %d, %v (%d bytes left), want %d", got, err, left, want)
	}
}

func TestLEBRoundTrip(t *testing.T) {
	for _, v := range []int64{0, 1, -1, 63, 64, -64, -65, 1 << 40, -1 << 40, 1<<63 - 1, -1 << 63} {
		r := reader{b: sleb(v)}
		if got, err := r.sleb(); err != nil || got != v || r.left() != 0 {
			t.Errorf("sleb %d: got %d, %v", v, got, err)
		}
		r = reader{b: uleb(uint64(v))}
		if got, err := r.uleb(); err != nil || got != uint64(v) || r.left() != 0 {
			t.Errorf("uleb %d: got %d, %v", uint64(v), got, err)
		}
	}
}
