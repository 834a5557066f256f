package latency

import "testing"

// TestMark: marks are kept, in order, only while tracing is on; Take
// returns them once.
func TestMark(t *testing.T) {
	Disable()
	Take()
	Mark("off")
	Enable()
	defer Disable()
	Mark("a")
	Mark("b")
	got := Take()
	if len(got) != 2 || got[0].Step != "a" || got[1].Step != "b" || got[1].At.Before(got[0].At) {
		t.Fatalf("events %+v, want a then b", got)
	}
	if again := Take(); len(again) != 0 {
		t.Fatalf("second Take returned %d events", len(again))
	}
	for range maxEvents + 10 {
		Mark("x")
	}
	if n := len(Take()); n != maxEvents {
		t.Fatalf("kept %d events, want at most %d", n, maxEvents)
	}
}
