package wire

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

const (
	actorA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	actorB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	actorC = "cccccccccccccccccccccccccccccccc"
)

// want is the expected parse of one vector.
type want struct {
	hash    string
	deps    []string
	actor   string
	seq     uint64
	startOp uint64
	ops     uint64
	time    int64
	msg     string
	others  []string
}

func TestParseChangeVectors(t *testing.T) {
	tests := []struct {
		name string
		hex  string
		want want
	}{
		{"V1 first change", hexV1, want{
			hash:  "94549cee90cdb084d07ba9b5645e20b40906db8c90be62d0bddc81ec9a6cdc0a",
			actor: actorA, seq: 1, startOp: 1, ops: 1, time: 1700000000000, msg: "init"}},
		{"V2 list with inserts", hexV2, want{
			hash:  "6594914ed609919c89213f912752437b4750f4fc16e7de8241bf658109f04618",
			deps:  []string{"94549cee90cdb084d07ba9b5645e20b40906db8c90be62d0bddc81ec9a6cdc0a"},
			actor: actorA, seq: 2, startOp: 2, ops: 3}},
		{"V3 other actor del and pred", hexV3, want{
			hash:  "2ee5f69f2d6673e824a892a020ea0cbf6f210cfcfe5b70c093d4fd3ac3433c7a",
			deps:  []string{"6594914ed609919c89213f912752437b4750f4fc16e7de8241bf658109f04618"},
			actor: actorB, seq: 1, startOp: 5, ops: 2, time: 1700000000500, others: []string{actorA}}},
		{"V4 make counter", hexV4, want{
			hash:  "1ac4ccea8494c087897c79a821a295a4286a8b464a80cebc43744c53aeefb65e",
			deps:  []string{"6594914ed609919c89213f912752437b4750f4fc16e7de8241bf658109f04618"},
			actor: actorA, seq: 3, startOp: 5, ops: 1}},
		{"V5 inc counter", hexV5, want{
			hash:  "361b1b62bb99a6b0d02497115398a140526116ccd7c6ea9bda161b49e7a5f8b1",
			deps:  []string{"1ac4ccea8494c087897c79a821a295a4286a8b464a80cebc43744c53aeefb65e"},
			actor: actorA, seq: 4, startOp: 6, ops: 1}},
		{"V6 merge with two deps", hexV6, want{
			hash: "35b2d2238cc628066deeb7d48a4f332da6fcd08d860179167e7cfb026d533702",
			deps: []string{"2ee5f69f2d6673e824a892a020ea0cbf6f210cfcfe5b70c093d4fd3ac3433c7a",
				"361b1b62bb99a6b0d02497115398a140526116ccd7c6ea9bda161b49e7a5f8b1"},
			actor: actorA, seq: 5, startOp: 7, ops: 1, time: 1700000001000, msg: "merge"}},
		{"V7 empty change", hexV7, want{
			hash:  "02ed6f20f117a8927d374e92a67bebaa6b37f81fd374f232dd66a02a2016b0ec",
			deps:  []string{"35b2d2238cc628066deeb7d48a4f332da6fcd08d860179167e7cfb026d533702"},
			actor: actorA, seq: 6, startOp: 8, ops: 0, msg: "empty"}},
		{"V8 delete 10k", hexV8, want{
			hash:  "9d0e0d2e799d9b718b009950dadda3823d8ea1ab7b7459b02654990b476348e3",
			deps:  []string{"a5c23b3f4dca4761218017217371dd51a0210c92d5bf49f2b8362fe9eb35fa7a"},
			actor: actorC, seq: 3, startOp: 10002, ops: 10000, time: 1700000002000, msg: "delete 10k"}},
		{"M3 without its pred", "856f4a83c5281b47012f0010" + actorA +
			"0101000000061503340142025602570170027f0161017f017f13077f00", want{
			hash:  "c5281b47",
			actor: actorA, seq: 1, startOp: 1, ops: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := unhex(t, tt.hex)
			c, err := ParseChange(raw)
			if err != nil {
				t.Fatalf("ParseChange: %v", err)
			}
			checkWant(t, c, tt.want)
			if !bytes.Equal(c.Raw, raw) {
				t.Errorf("Raw differs from the input")
			}
		})
	}
}

// checkWant compares every parsed field with w.
func checkWant(t *testing.T, c *Change, w want) {
	t.Helper()
	if h := HashHex(c.Hash); !strings.HasPrefix(h, w.hash) {
		t.Errorf("hash %s, want %s", h, w.hash)
	}
	var deps []string
	for _, d := range c.Deps {
		deps = append(deps, HashHex(d))
	}
	if strings.Join(deps, ",") != strings.Join(w.deps, ",") {
		t.Errorf("deps %v, want %v", deps, w.deps)
	}
	var others []string
	for _, a := range c.OtherActors {
		others = append(others, hexString(a))
	}
	if strings.Join(others, ",") != strings.Join(w.others, ",") {
		t.Errorf("other actors %v, want %v", others, w.others)
	}
	got := want{hash: w.hash, deps: w.deps, others: w.others, actor: hexString(c.Actor), seq: c.Seq,
		startOp: c.StartOp, ops: c.Ops, time: c.Time, msg: c.Message}
	if got.actor != w.actor || got.seq != w.seq || got.startOp != w.startOp || got.ops != w.ops ||
		got.time != w.time || got.msg != w.msg {
		t.Errorf("got %+v\nwant %+v", got, w)
	}
	if c.MaxOp() != w.startOp+w.ops-1 {
		t.Errorf("MaxOp %d, want %d", c.MaxOp(), w.startOp+w.ops-1)
	}
}

func TestParseChangeMalformedVectors(t *testing.T) {
	tests := []struct {
		name string
		hex  string
		want error
	}{
		{"M1 checksum mismatch", hexM1, ErrChecksum},
		{"M2 deflate bit on a column", hexM2, ErrMalformed},
		{"M3 pred actor index out of range", hexM3, ErrMalformed},
		{"M4 truncated", hexM4, ErrTruncated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseChange(unhex(t, tt.hex))
			if !errors.Is(err, tt.want) || c != nil {
				t.Fatalf("ParseChange = %v, %v; want %v", c, err, tt.want)
			}
		})
	}
}

func TestParseChangeOwnsItsBytes(t *testing.T) {
	in := unhex(t, hexV3)
	c, err := ParseChange(in)
	if err != nil {
		t.Fatal(err)
	}
	clear(in)
	if HashHex(c.Hash)[:8] != "2ee5f69f" || hexString(c.Actor) != actorB || hexString(c.OtherActors[0]) != actorA ||
		c.Raw[0] != 0x85 {
		t.Fatal("the change aliases its input")
	}
	if cap(c.Actor) != len(c.Actor) {
		t.Fatal("appending to Actor would overwrite Raw")
	}
}
