package wire

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
)

// setOp is a valid one-op change: set root "a" = uint 7 (M3 without its pred).
func setOp() crafted {
	return crafted{actor: rep(0xaa, 16), seq: 1, startOp: 1, cols: []col{
		{colKeyStr, []byte{0x7f, 0x01, 'a'}}, {colInsert, []byte{0x01}}, {colAction, []byte{0x7f, 0x01}},
		{colValueMeta, []byte{0x7f, 0x13}}, {colValue, []byte{0x07}}, {colPredCount, []byte{0x7f, 0x00}},
	}}
}

// delOp is a valid one-op change: delete element 2@author of list 1@author.
func delOp() crafted {
	return crafted{actor: rep(0xaa, 16), seq: 2, startOp: 3, cols: []col{
		{colObjActor, []byte{0x7f, 0x00}}, {colObjCtr, []byte{0x7f, 0x01}},
		{colKeyActor, []byte{0x7f, 0x00}}, {colKeyCtr, []byte{0x7f, 0x02}},
		{colInsert, []byte{0x01}}, {colAction, []byte{0x7f, 0x03}}, {colValueMeta, []byte{0x7f, 0x00}},
		{colPredCount, []byte{0x7f, 0x01}}, {colPredActor, []byte{0x7f, 0x00}}, {colPredCtr, []byte{0x7f, 0x02}},
	}}
}

// with returns c with column spec set to data (nil: removed), in spec order.
func (c crafted) with(spec uint64, data []byte) crafted {
	cols := slices.DeleteFunc(slices.Clone(c.cols), func(k col) bool { return k.spec == spec })
	if data != nil {
		cols = append(cols, col{spec, data})
		slices.SortFunc(cols, func(a, b col) int { return int(a.spec) - int(b.spec) })
	}
	c.cols = cols
	return c
}

// patch replaces the n body bytes at off in chunk's body and re-frames it.
func patch(t testing.TB, chunk []byte, off, n int, b []byte) []byte {
	body := slices.Clone(body(t, chunk))
	return encodeChunk(1, slices.Concat(body[:off], b, body[off+n:]))
}

func TestParseChangeCrafted(t *testing.T) {
	set, del := setOp(), delOp()
	tests := []struct {
		name string
		in   []byte
		want error // nil: accepted
	}{
		{"set op valid", set.chunk(), nil},
		{"del op valid", del.chunk(), nil},
		{"startOp 2^31-1 valid", func() crafted { c := set; c.startOp = MaxStartOp; return c }().chunk(), nil},
		{"mark with name and expand valid", set.with(colAction, []byte{0x7f, 0x07}).
			with(colExpand, []byte{0x00, 0x01}).with(colMarkName, []byte{0x7f, 0x01, 'b'}).chunk(), nil},

		// envelope
		{"empty input", nil, ErrTruncated},
		{"part of the magic", []byte{0x85, 0x6f}, ErrTruncated},
		{"bad magic", append([]byte{0x85, 0x6f, 0x4a, 0x84}, set.chunk()[4:]...), ErrMagic},
		{"document chunk", encodeChunk(0, body(t, set.chunk())), ErrChunkType},
		{"compressed chunk", encodeChunk(2, body(t, set.chunk())), ErrChunkType},
		{"unknown chunk type", encodeChunk(7, body(t, set.chunk())), ErrChunkType},
		{"byte after the chunk", append(set.chunk(), 0), ErrMalformed},
		{"chunk length over the cap", slices.Concat(set.chunk()[:9], uleb(MaxChunkSize)), ErrTooLarge},
		{"input over the cap", make([]byte, MaxChunkSize+1), ErrTooLarge},
		{"overlong chunk length", slices.Concat(set.chunk()[:9], []byte{0x80 | set.chunk()[9], 0x00},
			set.chunk()[10:]), ErrNotCanonical},

		// header
		{"seq 0", func() crafted { c := set; c.seq = 0; return c }().chunk(), ErrMalformed},
		{"overlong seq", patch(t, set.chunk(), 18, 1, []byte{0x81, 0x00}), ErrNotCanonical},
		{"startOp 0", func() crafted { c := set; c.startOp = 0; return c }().chunk(), ErrMalformed},
		{"startOp 2^31", func() crafted { c := set; c.startOp = 1 << 31; return c }().chunk(), ErrStartOp},
		{"startOp 2^32-2", func() crafted { c := set; c.startOp = 1<<32 - 2; return c }().chunk(), ErrStartOp},
		{"startOp 2^33", func() crafted { c := set; c.startOp = 1 << 33; return c }().chunk(), ErrStartOp},
		{"empty actor", func() crafted { c := set; c.actor = nil; return c }().chunk(), ErrMalformed},
		{"65-byte actor", func() crafted { c := set; c.actor = rep(1, 65); return c }().chunk(), ErrTooLarge},
		{"deps descending", func() crafted { c := set; c.deps = [][]byte{rep(2, 32), rep(1, 32)}; return c }().chunk(), ErrNotCanonical},
		{"deps repeated", func() crafted { c := set; c.deps = [][]byte{rep(1, 32), rep(1, 32)}; return c }().chunk(), ErrNotCanonical},
		{"257 deps", func() crafted {
			c := set
			for i := range 257 {
				c.deps = append(c.deps, append(rep(0, 30), byte(i>>8), byte(i)))
			}
			return c
		}().chunk(), ErrTooLarge},
		{"deps past the end", patch(t, set.chunk(), 0, 1, []byte{0x08}), ErrTruncated},
		{"message not UTF-8", func() crafted { c := set; c.msg = "\xff"; return c }().chunk(), ErrMalformed},
		{"message over the cap", func() crafted { c := set; c.msg = strings.Repeat("m", MaxMessage+1); return c }().chunk(), ErrTooLarge},
		{"other actor is the author", func() crafted { c := set; c.others = [][]byte{c.actor}; return c }().chunk(), ErrNotCanonical},
		{"other actors descending", func() crafted { c := set; c.others = [][]byte{rep(2, 16), rep(1, 16)}; return c }().chunk(), ErrNotCanonical},
		{"unreferenced other actor", func() crafted { c := set; c.others = [][]byte{rep(1, 16)}; return c }().chunk(), ErrNotCanonical},
		{"other actor count past the end", patch(t, set.chunk(), 22, 1, []byte{0x7f}), ErrTruncated},

		// column metadata
		{"unknown column 178", set.with(178, []byte{0x7f, 0x00}).chunk(), ErrNotCanonical},
		{"duplicate column", func() crafted { c := set; c.cols = slices.Insert(slices.Clone(c.cols), 0, c.cols[0]); return c }().chunk(), ErrNotCanonical},
		{"columns descending", func() crafted {
			c := set
			c.cols = slices.Clone(c.cols)
			c.cols[0], c.cols[1] = c.cols[1], c.cols[0]
			return c
		}().chunk(), ErrMalformed},
		{"zero-length column", set.with(colKeyActor, []byte{}).chunk(), ErrNotCanonical},
		{"compressed column", set.with(colKeyStr, nil).with(colKeyStr|deflateBit, []byte{0x7f, 0x01, 'a'}).chunk(), ErrMalformed},
		{"column data past the end", patch(t, set.chunk(), 29, 1, []byte{0x04}), ErrTruncated},
		{"extra bytes after the columns", func() crafted { c := set; c.extra = []byte{1, 2}; return c }().chunk(), ErrNotCanonical},
		{"other actors without ops", crafted{actor: rep(0xaa, 16), seq: 1, startOp: 1,
			others: [][]byte{rep(0xbb, 16)}}.chunk(), ErrNotCanonical},
		{"empty change valid", crafted{actor: rep(0xaa, 16), seq: 1, startOp: 1}.chunk(), nil},
		{"columns without ops", set.with(colAction, nil).chunk(), ErrNotCanonical},
		{"pred column missing", set.with(colPredCount, nil).chunk(), ErrMalformed},
		{"insert column missing", set.with(colInsert, nil).chunk(), ErrMalformed},
		{"obj actor without counter", set.with(colObjActor, []byte{0x00, 0x01}).chunk(), ErrMalformed},
		{"pred actor without counter", del.with(colPredCtr, nil).chunk(), ErrMalformed},

		// action column and op count
		{"action as a run of 1", set.with(colAction, []byte{0x01, 0x01}).chunk(), ErrNotCanonical},
		{"action 9", set.with(colAction, []byte{0x7f, 0x09}).chunk(), ErrMalformed},
		{"null action", set.with(colAction, []byte{0x00, 0x01}).chunk(), ErrMalformed},
		{"trailing empty null run", set.with(colAction, []byte{0x7f, 0x01, 0x00, 0x00}).chunk(), ErrNotCanonical},
		{"overlong action", set.with(colAction, []byte{0x7f, 0x81, 0x00}).chunk(), ErrNotCanonical},
		{"run header -2^63", set.with(colAction, sleb(-1<<63)).chunk(), ErrMalformed},
		{"ops over the cap", set.with(colAction, slices.Concat(sleb(MaxOps+1), []byte{0x01})).chunk(), ErrTooLarge},
		{"2e7 ops", set.with(colAction, slices.Concat(sleb(20_000_000), []byte{0x01})).chunk(), ErrTooLarge},
		{"more actions than other rows", set.with(colAction, []byte{0x7e, 0x01, 0x00}).chunk(), ErrMalformed},

		// obj and key
		{"obj actor index out of range", set.with(colObjActor, []byte{0x7f, 0x01}).with(colObjCtr, []byte{0x7f, 0x01}).chunk(), ErrMalformed},
		{"obj counter 0", set.with(colObjActor, []byte{0x7f, 0x00}).with(colObjCtr, []byte{0x7f, 0x00}).chunk(), ErrMalformed},
		{"obj half null", del.with(colObjActor, []byte{0x00, 0x01}).chunk(), ErrMalformed},
		{"key counter 2^33", del.with(colKeyCtr, slices.Concat([]byte{0x7f}, sleb(1<<33))).chunk(), ErrMalformed},
		{"key counter negative", del.with(colKeyCtr, []byte{0x7f, 0x7e}).chunk(), ErrMalformed},
		{"HEAD written as actor 0", del.with(colKeyCtr, []byte{0x7f, 0x00}).chunk(), ErrMalformed},
		{"map key and element at once", del.with(colKeyStr, []byte{0x7f, 0x01, 'a'}).chunk(), ErrMalformed},
		{"all-null column written", set.with(colKeyActor, []byte{0x00, 0x01}).chunk(), ErrNotCanonical},
		{"key string not UTF-8", set.with(colKeyStr, []byte{0x7f, 0x01, 0xff}).chunk(), ErrMalformed},

		// values
		{"null with length 1", set.with(colValueMeta, []byte{0x7f, 0x10}).chunk(), ErrMalformed},
		{"null value metadata", set.with(colValueMeta, []byte{0x00, 0x01}).with(colValue, nil).chunk(), ErrMalformed},
		{"uint with a trailing byte", set.with(colValueMeta, []byte{0x7f, 0x23}).with(colValue, []byte{0x07, 0x00}).chunk(), ErrMalformed},
		{"overlong uint value", set.with(colValueMeta, []byte{0x7f, 0x23}).with(colValue, []byte{0x87, 0x00}).chunk(), ErrNotCanonical},
		{"float of 4 bytes", set.with(colValueMeta, []byte{0x7f, 0x45}).with(colValue, []byte{1, 2, 3, 4}).chunk(), ErrMalformed},
		{"string not UTF-8", set.with(colValueMeta, []byte{0x7f, 0x16}).with(colValue, []byte{0xff}).chunk(), ErrMalformed},
		{"value past the raw column", set.with(colValueMeta, []byte{0x7f, 0x26}).chunk(), ErrMalformed},
		{"raw bytes left over", set.with(colValue, []byte{0x07, 0x07}).chunk(), ErrMalformed},
		{"inc with uint", set.with(colAction, []byte{0x7f, 0x05}).chunk(), ErrMalformed},
		{"inc with counter", set.with(colAction, []byte{0x7f, 0x05}).with(colValueMeta, []byte{0x7f, 0x18}).chunk(), ErrMalformed},
		{"makeMap with a value", set.with(colAction, []byte{0x7f, 0x00}).chunk(), ErrNotCanonical},
		{"mark end with a value", set.with(colAction, []byte{0x7f, 0x07}).chunk(), ErrNotCanonical},

		// pred and del
		{"del with no pred", del.with(colPredCount, []byte{0x7f, 0x00}).with(colPredActor, nil).with(colPredCtr, nil).chunk(), ErrNotCanonical},
		{"del with insert", del.with(colInsert, []byte{0x00, 0x01}).chunk(), ErrNotCanonical},
		{"pred actor index 5", del.with(colPredActor, []byte{0x7f, 0x05}).chunk(), ErrMalformed},
		{"pred counter 0", del.with(colPredCtr, []byte{0x7f, 0x00}).chunk(), ErrMalformed},
		{"5e7 preds", del.with(colPredCount, slices.Concat([]byte{0x7f}, uleb(50_000_000))).
			with(colPredActor, slices.Concat(sleb(50_000_000), []byte{0x00})).
			with(colPredCtr, slices.Concat([]byte{0x7f, 0x02}, sleb(49_999_999), []byte{0x01})).chunk(), ErrTooLarge},
		{"preds not ascending", del.with(colPredCount, []byte{0x7f, 0x02}).with(colPredActor, []byte{0x02, 0x00}).
			with(colPredCtr, []byte{0x7e, 0x03, 0x7f}).chunk(), ErrNotCanonical},
		{"preds repeated", del.with(colPredCount, []byte{0x7f, 0x02}).with(colPredActor, []byte{0x02, 0x00}).
			with(colPredCtr, []byte{0x7e, 0x02, 0x00}).chunk(), ErrNotCanonical},
		{"pred entries left over", del.with(colPredActor, []byte{0x02, 0x00}).with(colPredCtr, []byte{0x7e, 0x02, 0x01}).chunk(), ErrMalformed},

		// RLE and boolean canonical form
		{"literal with equal neighbours", sets(2, []byte{0x7e, 0x01, 'a', 0x01, 'a'}).chunk(), ErrNotCanonical},
		{"repeat then the same value", sets(3, []byte{0x02, 0x01, 'a', 0x7f, 0x01, 'a'}).chunk(), ErrNotCanonical},
		{"literal then the same value repeated", sets(3, []byte{0x7f, 0x01, 'a', 0x02, 0x01, 'a'}).chunk(), ErrNotCanonical},
		{"two repeats of one value", sets(4, []byte{0x02, 0x01, 'a', 0x02, 0x01, 'a'}).chunk(), ErrNotCanonical},
		{"two literal runs", sets(2, []byte{0x7f, 0x01, 'a', 0x7f, 0x01, 'b'}).chunk(), ErrNotCanonical},
		{"two sets valid", sets(2, []byte{0x7e, 0x01, 'a', 0x01, 'b'}).chunk(), nil},
		{"repeat and literal valid", sets(4, []byte{0x02, 0x01, 'a', 0x7e, 0x01, 'b', 0x01, 'a'}).chunk(), nil},
		{"two null runs", sets(2, []byte{0x02, 0x01, 'a'}).with(colKeyActor, []byte{0x00, 0x01, 0x00, 0x01}).chunk(), ErrNotCanonical},
		{"empty later boolean run", sets(2, []byte{0x7e, 0x01, 'a', 0x01, 'b'}).with(colInsert, []byte{0x01, 0x00, 0x01}).chunk(), ErrNotCanonical},
		{"boolean run past the rows", set.with(colInsert, []byte{0x02}).chunk(), ErrMalformed},
		{"boolean column ran out", set.with(colInsert, []byte{0x00}).chunk(), ErrMalformed},
		{"expand all false", set.with(colExpand, []byte{0x01}).chunk(), ErrNotCanonical},
		{"expand on a set", set.with(colExpand, []byte{0x00, 0x01}).chunk(), ErrNotCanonical},
		{"mark name on a set", set.with(colMarkName, []byte{0x7f, 0x01, 'b'}).chunk(), ErrNotCanonical},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseChange(tt.in)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("ParseChange: %v", err)
				}
				if !bytes.Equal(c.Raw, tt.in) {
					t.Fatal("Raw differs from the input")
				}
				return
			}
			if !errors.Is(err, tt.want) || c != nil {
				t.Fatalf("ParseChange = %v; want %v", err, tt.want)
			}
		})
	}
}

// sets is an n-op change setting root keys to null, with the key string
// column given.
func sets(n int64, keys []byte) crafted {
	return crafted{actor: rep(0xaa, 16), seq: 1, startOp: 1, cols: []col{
		{colKeyStr, keys}, {colInsert, uleb(uint64(n))}, {colAction, slices.Concat(sleb(n), []byte{0x01})},
		{colValueMeta, slices.Concat(sleb(n), []byte{0x00})}, {colPredCount, slices.Concat(sleb(n), []byte{0x00})},
	}}
}
