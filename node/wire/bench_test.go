package wire

import "testing"

func BenchmarkParseChange(b *testing.B) {
	for _, bb := range []struct {
		name string
		hex  string
	}{{"V1 one op", hexV1}, {"V3 del and pred", hexV3}, {"V8 10k ops", hexV8}} {
		raw := unhex(b, bb.hex)
		b.Run(bb.name, func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ParseChange(raw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
