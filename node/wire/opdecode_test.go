package wire

import (
	"encoding/hex"
	"reflect"
	"testing"
	"time"

	am "github.com/automerge/automerge-go"
)

// opStep is one commit made with automerge-go and the ops it must decode to.
type opStep struct {
	name  string
	actor string // "" keeps the document's actor
	edit  func(t testing.TB, d *am.Doc)
	want  []Op
}

func TestDecodeOpsReal(t *testing.T) {
	a, b := actorBytes(t, actorA), actorBytes(t, actorB)
	id := func(ctr uint64, actor []byte) OpID { return OpID{Counter: ctr, Actor: actor} }
	str := func(s string) Value { return Value{Kind: String, Str: s} }
	root := OpID{}
	d := am.New()
	must(t, d.SetActorID(actorA))
	for _, st := range opSteps(a, b, id, str, root) {
		t.Run(st.name, func(t *testing.T) {
			if st.actor != "" {
				must(t, d.SetActorID(st.actor))
			}
			st.edit(t, d)
			commit(t, d, st.name)
			heads := d.Heads()
			ch, err := d.Change(heads[0])
			must(t, err)
			c := parseReal(t, ch)
			got, err := c.DecodeOps()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, st.want) {
				t.Errorf("ops:\n got %+v\nwant %+v", got, st.want)
			}
			if uint64(len(got)) != c.Ops {
				t.Errorf("%d ops, Ops says %d", len(got), c.Ops)
			}
		})
	}
}

// opSteps is the table of TestDecodeOpsReal: each step's ops continue the
// counters of the step before.
func opSteps(a, b []byte, id func(uint64, []byte) OpID, str func(string) Value, root OpID) []opStep {
	entries := func(t testing.TB, d *am.Doc) *am.List {
		v, err := d.RootMap().Get("entries")
		must(t, err)
		return v.List()
	}
	entry := func(t testing.TB, d *am.Doc) *am.Map {
		v, err := entries(t, d).Get(0)
		must(t, err)
		return v.Map()
	}
	null := Value{}
	return []opStep{
		{name: "make list, set, counter", edit: func(t testing.TB, d *am.Doc) {
			must(t, d.RootMap().Set("entries", am.NewList()))
			must(t, d.RootMap().Set("n", int64(5)))
			must(t, d.RootMap().Set("c", am.NewCounter(3)))
		}, want: []Op{
			{ID: id(1, a), Obj: root, MapKey: true, Key: "entries", Action: MakeList, Value: null},
			{ID: id(2, a), Obj: root, MapKey: true, Key: "n", Action: Set, Value: Value{Kind: Int, Int: 5}},
			{ID: id(3, a), Obj: root, MapKey: true, Key: "c", Action: Set, Value: Value{Kind: Counter, Int: 3}},
		}},
		{name: "insert map and scalar into list", edit: func(t testing.TB, d *am.Doc) {
			must(t, entries(t, d).Append(am.NewMap()))
			must(t, entry(t, d).Set("id", "e1"))
			must(t, entry(t, d).Set("amount_minor", int64(-7)))
			must(t, entries(t, d).Append("x"))
		}, want: []Op{
			{ID: id(4, a), Obj: id(1, a), Insert: true, Action: MakeMap, Value: null},
			{ID: id(5, a), Obj: id(4, a), MapKey: true, Key: "id", Action: Set, Value: str("e1")},
			{ID: id(6, a), Obj: id(4, a), MapKey: true, Key: "amount_minor", Action: Set, Value: Value{Kind: Int, Int: -7}},
			{ID: id(7, a), Obj: id(1, a), Elem: id(4, a), Insert: true, Action: Set, Value: str("x")},
		}},
		{name: "overwrite, delete element, inc", edit: func(t testing.TB, d *am.Doc) {
			must(t, d.RootMap().Set("n", int64(6)))
			must(t, entries(t, d).Delete(1))
			c, err := d.RootMap().Get("c")
			must(t, err)
			must(t, c.Counter().Inc(2))
		}, want: []Op{
			{ID: id(8, a), Obj: root, MapKey: true, Key: "n", Action: Set, Value: Value{Kind: Int, Int: 6}, Pred: []OpID{id(2, a)}},
			{ID: id(9, a), Obj: id(1, a), Elem: id(7, a), Action: Del, Value: null, Pred: []OpID{id(7, a)}},
			{ID: id(10, a), Obj: root, MapKey: true, Key: "c", Action: Inc, Value: Value{Kind: Int, Int: 2}, Pred: []OpID{id(3, a)}},
		}},
		{name: "other actor alters an entry field", actor: actorB, edit: func(t testing.TB, d *am.Doc) {
			must(t, entry(t, d).Set("id", "e2"))
		}, want: []Op{
			{ID: id(11, b), Obj: id(4, a), MapKey: true, Key: "id", Action: Set, Value: str("e2"), Pred: []OpID{id(5, a)}},
		}},
		{name: "every value type", actor: actorA, edit: func(t testing.TB, d *am.Doc) {
			m := d.RootMap()
			must(t, m.Set("b", true))
			must(t, m.Set("by", []byte{1, 2}))
			must(t, m.Set("f", 1.5))
			must(t, m.Set("nil", nil))
			must(t, m.Set("t", time.UnixMilli(1234)))
			must(t, m.Set("u", uint64(9)))
		}, want: []Op{
			{ID: id(12, a), Obj: root, MapKey: true, Key: "b", Action: Set, Value: Value{Kind: True}},
			{ID: id(13, a), Obj: root, MapKey: true, Key: "by", Action: Set, Value: Value{Kind: Bytes, Bytes: []byte{1, 2}}},
			{ID: id(14, a), Obj: root, MapKey: true, Key: "f", Action: Set, Value: Value{Kind: Float, Float: 1.5}},
			{ID: id(15, a), Obj: root, MapKey: true, Key: "nil", Action: Set, Value: null},
			{ID: id(16, a), Obj: root, MapKey: true, Key: "t", Action: Set, Value: Value{Kind: Timestamp, Int: 1234}},
			{ID: id(17, a), Obj: root, MapKey: true, Key: "u", Action: Set, Value: Value{Kind: Uint, Uint: 9}},
		}},
		{name: "text splice", edit: func(t testing.TB, d *am.Doc) {
			must(t, d.RootMap().Set("memo", am.NewText("hi")))
		}, want: []Op{
			{ID: id(18, a), Obj: root, MapKey: true, Key: "memo", Action: MakeText, Value: null},
			{ID: id(19, a), Obj: id(18, a), Insert: true, Action: Set, Value: str("h")},
			{ID: id(20, a), Obj: id(18, a), Elem: id(19, a), Insert: true, Action: Set, Value: str("i")},
		}},
	}
}

func actorBytes(t testing.TB, s string) []byte {
	b, err := hex.DecodeString(s)
	must(t, err)
	return b
}

// TestDecodeOpsVectors decodes the note's vectors and checks what their
// ops must be: V3 deletes 2@a (a list element) with a pred, V5 increments a
// counter by -2, V8 deletes 10,000 characters in one change.
func TestDecodeOpsVectors(t *testing.T) {
	a, b := actorBytes(t, actorA), actorBytes(t, actorB)
	tests := []struct {
		name  string
		hex   string
		check func(t *testing.T, ops []Op)
	}{
		{"V1 one set", hexV1, func(t *testing.T, ops []Op) {
			if op := ops[0]; op.Action != Set || !op.MapKey || op.Key != "title" || !reflect.DeepEqual(op.Value, Value{Kind: String, Str: "hello"}) {
				t.Errorf("op %+v", op)
			}
		}},
		{"V3 other actor deletes", hexV3, func(t *testing.T, ops []Op) {
			for _, op := range ops {
				if op.ID.Compare(OpID{Counter: op.ID.Counter, Actor: b}) != 0 {
					t.Errorf("op ID %s not by b", op.ID)
				}
				if op.Action == Del && (len(op.Pred) != 1 || op.Pred[0].Compare(op.Elem) != 0 || op.Elem.Compare(OpID{Counter: op.Elem.Counter, Actor: a}) != 0) {
					t.Errorf("del %+v: pred is not its element by a", op)
				}
			}
		}},
		{"V5 inc", hexV5, func(t *testing.T, ops []Op) {
			if op := ops[0]; op.Action != Inc || !reflect.DeepEqual(op.Value, Value{Kind: Int, Int: -2}) || len(op.Pred) != 1 {
				t.Errorf("op %+v", op)
			}
		}},
		{"V7 empty", hexV7, func(t *testing.T, ops []Op) {}},
		{"V8 big delete", hexV8, func(t *testing.T, ops []Op) {
			for _, op := range ops {
				if op.Action != Del || len(op.Pred) != 1 || op.Pred[0].Compare(op.Elem) != 0 {
					t.Fatalf("op %+v", op)
				}
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := unhex(t, tt.hex)
			c, err := ParseChange(raw)
			must(t, err)
			ops, err := c.DecodeOps()
			if err != nil || uint64(len(ops)) != c.Ops {
				t.Fatalf("%d ops, err %v; want %d", len(ops), err, c.Ops)
			}
			for i, op := range ops {
				if op.ID.Counter != c.StartOp+uint64(i) {
					t.Errorf("op %d has counter %d, want %d", i, op.ID.Counter, c.StartOp+uint64(i))
				}
			}
			_, ops2, err := ParseChangeOps(raw)
			if err != nil || !reflect.DeepEqual(ops, ops2) {
				t.Errorf("ParseChangeOps differs: %v", err)
			}
			tt.check(t, ops)
		})
	}
}

// FuzzDecodeOps checks DecodeOps succeeds, with one op per counted op, on
// everything ParseChange accepts, and ParseChangeOps fails exactly when
// ParseChange does.
func FuzzDecodeOps(f *testing.F) {
	for _, h := range []string{hexV1, hexV2, hexV3, hexV5, hexV6, hexV8} {
		f.Add(unhex(f, h))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		c, err := ParseChange(in)
		c2, ops, err2 := ParseChangeOps(in)
		if (err == nil) != (err2 == nil) {
			t.Fatalf("ParseChange %v, ParseChangeOps %v", err, err2)
		}
		if err != nil {
			return
		}
		if uint64(len(ops)) != c.Ops || !reflect.DeepEqual(c, c2) {
			t.Fatalf("%d ops, want %d", len(ops), c.Ops)
		}
	})
}
