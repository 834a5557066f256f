package replicate

import (
	"bytes"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
)

// TestReaderBoundsDecodedBytes: a hostile responder sends frames that
// compress to almost nothing and decode to megabytes each. The opener's
// reader, while nothing is taken, stops reading once what it holds decoded
// reaches maxAheadDecoded (plus the message that crossed it), though the
// wire bytes stay far under maxAheadBytes; every frame still arrives once
// they are taken.
func TestReaderBoundsDecodedBytes(t *testing.T) {
	const frames = 12
	const proto = "/weft/test/readahead"
	a, b := pair(t)
	chunk := bytes.Repeat([]byte{0}, 3<<20)
	b.SetStreamHandler(proto, func(st network.Stream) {
		defer st.Close()
		c := &conn{s: st, idle: 10 * time.Second}
		for range frames {
			f := &Frame{Version: Version, Kind: KindChanges, Space: testSpace, Doc: "doc1", Type: "ledger",
				Chunks: [][]byte{chunk, chunk}, Atts: [][]byte{{1}}}
			if err := (&Syncer{}).writeFrame(c, f); err != nil {
				return
			}
		}
		(&Syncer{}).writeFrame(c, &Frame{Version: Version, Kind: KindEnd, Summary: &Summary{}})
	})
	st, err := a.NewStream(t.Context(), b.ID(), proto)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Reset()
	r := startReader(&conn{s: st, idle: 10 * time.Second}, 0, frameWork{})
	defer r.stop()
	select {
	case <-r.waiting:
	case <-r.done: // it read everything: the bound did not hold
	}
	if held, most := r.decoded.Load(), int64(maxAheadDecoded+MaxDecompressed); held > most {
		t.Fatalf("the reader held %d decoded bytes ahead (%d on the wire); want at most %d", held, r.ahead.Load(), most)
	}
	if r.ahead.Load() > maxAheadBytes/8 {
		t.Fatalf("premise: %d wire bytes ahead; the frames should compress to almost nothing", r.ahead.Load())
	}
	for n := 0; ; n++ {
		got := r.next(t.Context())
		if got.err != nil {
			t.Fatalf("frame %d: %v", n, got.err)
		}
		if got.f.Kind == KindEnd {
			if n != frames {
				t.Fatalf("%d frames before the end, want %d", n, frames)
			}
			return
		}
	}
}
