package wire

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"fmt"
	"math"
)

// OpID names one operation: its counter and the actor that made it. The
// zero OpID stands for the root object (as Op.Obj) and for HEAD, the start
// of a list (as Op.Elem).
type OpID struct {
	Counter uint64
	Actor   []byte // aliases the change's bytes; nil in the zero OpID
}

// IsZero reports whether id is the zero OpID (root or HEAD).
func (id OpID) IsZero() bool { return id.Counter == 0 && len(id.Actor) == 0 }

// Compare orders op IDs as Automerge does, by counter and then by actor
// bytes: the greater of two concurrent writes wins.
func (id OpID) Compare(o OpID) int {
	if c := cmp.Compare(id.Counter, o.Counter); c != 0 {
		return c
	}
	return bytes.Compare(id.Actor, o.Actor)
}

// String formats id as Automerge does: counter@actor in hex.
func (id OpID) String() string { return fmt.Sprintf("%d@%x", id.Counter, id.Actor) }

// Action is what an op does (notes §6).
type Action uint8

// Actions, numbered as in the format.
const (
	MakeMap   Action = actMakeMap
	Set       Action = actSet
	MakeList  Action = actMakeList
	Del       Action = actDel
	MakeText  Action = actMakeText
	Inc       Action = actInc
	MakeTable Action = actMakeTable
	Mark      Action = actMark
)

// ValueKind is the type of an op's value (notes §7.5).
type ValueKind uint8

// Value kinds, numbered as the type nibble of the format; 10 to 15 are
// unknown types the core keeps opaque.
const (
	Null      ValueKind = valNull
	False     ValueKind = valFalse
	True      ValueKind = valTrue
	Uint      ValueKind = valUint
	Int       ValueKind = valInt
	Float     ValueKind = valFloat
	String    ValueKind = valString
	Bytes     ValueKind = valBytes
	Counter   ValueKind = valCounter
	Timestamp ValueKind = valTimestamp
)

// Value is an op's value. Only the field its Kind names is set: Int for
// Int, Counter and Timestamp (milliseconds), Uint, Float, Str, and Bytes for
// Bytes and the unknown kinds. False, True and Null carry nothing else.
type Value struct {
	Kind  ValueKind
	Int   int64
	Uint  uint64
	Float float64
	Str   string
	Bytes []byte // aliases the change's bytes
}

// Op is one decoded operation of a change.
type Op struct {
	ID     OpID // StartOp+i by the change's own actor
	Obj    OpID // the object it acts on; zero for the root map
	MapKey bool // Key addresses a map key; otherwise Elem a list element
	Key    string
	Elem   OpID // the list element; zero for HEAD
	Insert bool // insert a new element after Elem
	Action Action
	Value  Value  // for Set, Inc and marks; Null otherwise
	Pred   []OpID // the ops this one overwrites, deletes or increments
	// Expand and MarkName are set only on marks.
	Expand   bool
	MarkName string
}

// DecodeOps decodes c's operations, with every actor index resolved to the
// actor's bytes (index 0 is c.Actor, then c.OtherActors). It reparses
// c.Raw with every check ParseChange makes, so it fails, and never panics,
// on bytes ParseChange would refuse. The ops' byte slices alias a fresh
// copy of c.Raw. Safe for concurrent use.
func (c *Change) DecodeOps() ([]Op, error) {
	_, ops, err := parseChange(c.Raw, true, false)
	return ops, err
}

// ParseChangeOps is ParseChange followed by DecodeOps, in one pass over the
// columns.
func ParseChangeOps(b []byte) (*Change, []Op, error) {
	return parseChange(b, true, false)
}

// decodeValue decodes raw, which checkValue accepted as a value of type typ.
func decodeValue(typ uint64, raw []byte) Value {
	v := Value{Kind: ValueKind(typ)}
	r := reader{b: raw}
	switch typ {
	case valUint:
		v.Uint, _ = r.uleb()
	case valInt, valCounter, valTimestamp:
		v.Int, _ = r.sleb()
	case valFloat:
		v.Float = math.Float64frombits(binary.LittleEndian.Uint64(raw))
	case valString:
		v.Str = string(raw)
	case valNull, valFalse, valTrue:
	default:
		v.Bytes = raw
	}
	return v
}
