package node

import (
	"errors"
	"strings"
	"testing"
)

// TestSyncVerdict: the one rule weft sync and POST /api/sync share says
// current only when a member is connected, every pull completed, and
// nothing is pending either way in the space asked about.
func TestSyncVerdict(t *testing.T) {
	done, partial := &PullInfo{Complete: true}, &PullInfo{}
	synced := func(space string) PeerSpace { return PeerSpace{Space: space, Name: space, Known: true} }
	peer := func(pull *PullInfo, states ...PeerSpace) PeerInfo {
		return PeerInfo{PeerID: "p", Name: "Bo", Connected: true, LastPull: pull, State: states}
	}
	tests := []struct {
		name    string
		peers   []PeerInfo
		space   string
		pullErr error
		want    bool
		says    string
	}{
		{"nothing pending", []PeerInfo{peer(done, synced("s"))}, "", nil, true, ""},
		{"nothing pending in the space", []PeerInfo{peer(done, synced("s"))}, "s", nil, true, ""},
		{"changes pending out", []PeerInfo{peer(done, PeerSpace{Space: "s", Name: "s", Known: true, PendingOut: 3})}, "", nil, false, "lacks 3 change(s)"},
		{"operations pending in", []PeerInfo{peer(done, PeerSpace{Space: "s", Name: "s", Known: true, OpsIn: 1})}, "s", nil, false, "1 head(s)"},
		{"state not known yet", []PeerInfo{peer(done, PeerSpace{Space: "s", Name: "s"})}, "", nil, false, "not known yet"},
		{"last pull incomplete", []PeerInfo{peer(partial, synced("s"))}, "s", nil, false, "did not complete"},
		{"never pulled", []PeerInfo{peer(nil, synced("s"))}, "", nil, false, "did not complete"},
		{"a pull failed", []PeerInfo{peer(done, synced("s"))}, "s", errors.New("pull from x: reset"), false, "reset"},
		{"nobody connected", []PeerInfo{{Name: "Bo", LastPull: done, State: []PeerSpace{synced("s")}}}, "", nil, false, "no member is connected"},
		{"connected, in no space", []PeerInfo{peer(done)}, "", nil, false, "no member of the space"},
		{"only members of another space", []PeerInfo{peer(partial, synced("other"))}, "s", nil, false, "no member of the space"},
		{"another space pending, not asked about", []PeerInfo{peer(done, synced("s"), PeerSpace{Space: "o", Name: "o", Known: true, PendingIn: 2}),
			peer(partial, synced("o"))}, "s", nil, true, ""},
		{"another space pending, all asked about", []PeerInfo{peer(done, synced("s"), PeerSpace{Space: "o", Name: "o", Known: true, PendingIn: 2})}, "", nil, false, "we lack 2"},
	}
	for _, tt := range tests {
		rep := syncVerdict(tt.peers, tt.space, tt.pullErr)
		if rep.Complete != tt.want || !strings.Contains(rep.Message, tt.says) || (!tt.want && len(rep.Missing) == 0) || rep.Peers == nil {
			t.Errorf("%s: complete %v, message %q, missing %q; want %v saying %q", tt.name, rep.Complete, rep.Message, rep.Missing, tt.want, tt.says)
		}
	}
}
