package ledgerhist

import (
	"reflect"
	"strings"
	"time"

	"github.com/weftsync/weft/node/wire"
)

// value is what automerge-go's Value.Interface returns for v: a scalar as
// its Go type (a counter as its current int64), a map as map[string]any, a
// list as []any and text as its string.
func value(v *valOp) any {
	if v.obj != nil {
		return objValue(v.obj)
	}
	switch x := v.value; x.Kind {
	case wire.False, wire.True:
		return x.Kind == wire.True
	case wire.Uint:
		return x.Uint
	case wire.Int:
		return x.Int
	case wire.Float:
		return x.Float
	case wire.String:
		return x.Str
	case wire.Bytes:
		return x.Bytes
	case wire.Counter:
		return x.Int + v.incSum
	case wire.Timestamp:
		return time.UnixMilli(x.Int)
	}
	return nil // null and unknown types
}

func objValue(o *object) any {
	switch o.kind {
	case wire.MakeText:
		return text(o)
	case wire.MakeList:
		out := []any{}
		for e := o.seq.head.next; e != nil; e = e.next {
			if w := e.slot.winner(); w != nil {
				out = append(out, value(w))
			}
		}
		return out
	}
	return fields(o)
}

// fields reads every field of a map with a visible value.
func fields(o *object) map[string]any {
	out := make(map[string]any, len(o.keys))
	for k, s := range o.keys {
		if w := s.winner(); w != nil {
			out[k] = value(w)
		}
	}
	return out
}

// text reads a text object: its visible characters in order, an object
// character of the replacement kind the core uses.
func text(o *object) string {
	var b strings.Builder
	for e := o.seq.head.next; e != nil; e = e.next {
		w := e.slot.winner()
		switch {
		case w == nil:
		case w.action == wire.Set && w.value.Kind == wire.String:
			b.WriteString(w.value.Str)
		default:
			b.WriteString("\ufffc")
		}
	}
	return b.String()
}

// str reads a map's field as crdt's Fields.Str does: a string or a text's
// content, else "".
func str(o *object, key string) string {
	s := o.keys[key]
	if s == nil {
		return ""
	}
	w := s.winner()
	switch {
	case w == nil:
		return ""
	case w.action == wire.Set && w.value.Kind == wire.String:
		return w.value.Str
	case w.action == wire.MakeText:
		return text(w.obj)
	}
	return ""
}

// equal compares two field values as crdt/ledger.History does.
func equal(a, b any) bool {
	switch av := a.(type) {
	case string:
		bv, ok := b.(string)
		return ok && av == bv
	case int64:
		bv, ok := b.(int64)
		return ok && av == bv
	}
	return reflect.DeepEqual(a, b)
}
