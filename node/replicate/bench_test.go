package replicate

import (
	"testing"
)

// BenchmarkFrameLedger2000 encodes and decodes one frame of a ledger's
// 2,000 entries (testdata/ledger-2000.zst, one change each, with its
// create), reporting the frame's size and the time per change.
func BenchmarkFrameLedger2000(b *testing.B) {
	cs := ledger(b)
	f := &Frame{Version: Version, Kind: KindChanges, Space: "s", Doc: "d", Type: "ledger", Chunks: cs, Atts: [][]byte{make([]byte, 100)}}
	enc, err := EncodeFrame(f)
	if err != nil {
		b.Fatal(err)
	}
	n := float64(len(cs))
	report := func(b *testing.B) {
		b.ReportMetric(float64(len(enc))/n, "B/change")
		b.ReportMetric(float64(contentSize(changesOf(cs)))/n, "rawB/change")
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/n, "µs/change")
	}
	b.Run("encode", func(b *testing.B) {
		for b.Loop() {
			if _, err := EncodeFrame(f); err != nil {
				b.Fatal(err)
			}
		}
		report(b)
	})
	b.Run("decode", func(b *testing.B) {
		for b.Loop() {
			if _, err := DecodeFrame(enc[lengthSize:]); err != nil {
				b.Fatal(err)
			}
		}
		report(b)
	})
}
