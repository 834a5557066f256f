package daemon

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
)

// FuzzReadFrame feeds arbitrary bytes to the request decoder: it never
// panics, and what it accepts encodes back to a frame that decodes the
// same.
func FuzzReadFrame(f *testing.F) {
	for _, args := range [][]any{nil, {"Coalition"}, {node.Space{ID: "x", Name: "y"}, "", model.Event{Title: "t"}}} {
		req, err := encodeRequest("AddEvent", args)
		if err != nil {
			f.Fatal(err)
		}
		var buf bytes.Buffer
		if err := writeFrame(&buf, req); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	f.Add([]byte{0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, data []byte) {
		var req request
		if err := readFrame(bytes.NewReader(data), &req); err != nil {
			return
		}
		var buf bytes.Buffer
		if err := writeFrame(&buf, req); err != nil {
			t.Fatalf("accepted request does not encode: %v", err)
		}
		var again request
		if err := readFrame(&buf, &again); err != nil || !reflect.DeepEqual(normal(req), normal(again)) {
			t.Fatalf("round trip: %+v, then %+v, %v", req, again, err)
		}
	})
}

// normal drops the difference between no arguments and an empty list.
func normal(r request) request {
	if len(r.Args) == 0 {
		r.Args = nil
	}
	return r
}
