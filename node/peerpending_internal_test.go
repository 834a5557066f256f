package node

import (
	"reflect"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/weftsync/weft/node/member"
	"github.com/weftsync/weft/node/replicate"
)

// TestPendingCounts: what is pending either way is counted change by
// change from the two version vectors, documents either side lacks
// included.
func TestPendingCounts(t *testing.T) {
	ours := ourSpace{log: member.NewLog("s"), digest: map[string]replicate.DocDigest{
		"d1": {Type: "ledger", VV: map[string]uint64{"aa": 3, "bb": 2}}, // they lack bb 1 and 2
		"d2": {Type: "case", VV: map[string]uint64{"cc": 4}},            // they lack it all
	}}
	theirs := &knownSpace{docs: map[string]knownDoc{
		"d1": {vv: map[string]uint64{"aa": 5}},                  // we lack aa 4 and 5
		"d3": {typ: "calendar", vv: map[string]uint64{"dd": 1}}, // we lack it all
	}}
	var ps PeerSpace
	ps.fill(theirs, ours)
	if !ps.Known || ps.PendingOut != 2+4 || ps.PendingIn != 2+1 || ps.OpsOut != 0 || ps.OpsIn != 0 {
		t.Fatalf("counts %+v", ps)
	}
	got := map[string][3]int{}
	for _, d := range ps.Docs {
		got[d.Doc] = [3]int{d.Changes, d.PendingOut, d.PendingIn}
	}
	want := map[string][3]int{"d1": {5, 2, 2}, "d2": {0, 4, 0}, "d3": {1, 0, 1}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("per document (held, out, in) %v, want %v", got, want)
	}
	if !ps.Pending() {
		t.Fatal("Pending() false with changes pending")
	}
}

// TestKnownOnlyGrows: what is learnt of a peer is merged by maximum, and
// attestations raise only spaces already known.
func TestKnownOnlyGrows(t *testing.T) {
	var k peerKnown
	const p = "12D3KooWKQYazpoeMDVpH2suBsRtmbPDoeMp9jcQA6h7Uu3oBUH2"
	id, err := peer.Decode(p)
	if err != nil {
		t.Fatal(err)
	}
	k.learn(id, []replicate.SpaceState{{Space: "s", Docs: []replicate.DocState{{Doc: "d", VV: []replicate.Clock{{Actor: []byte{0xaa}, Seq: 5}}}}}}, true, time.Time{})
	k.learn(id, []replicate.SpaceState{{Space: "s", Docs: []replicate.DocState{{Doc: "d", VV: []replicate.Clock{{Actor: []byte{0xaa}, Seq: 3}}}}}}, false, time.Time{})
	if got := k.snapshot(p).spaces["s"].docs["d"].vv["aa"]; got != 5 {
		t.Fatalf("after learning 5 then 3: %d", got)
	}
}
