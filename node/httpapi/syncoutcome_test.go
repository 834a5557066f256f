package httpapi

import (
	"testing"

	"github.com/weftsync/weft/node"
)

// TestSyncOutcome: POST /api/sync says complete only when every pull
// completed and nothing is pending either way, or unknown, with a
// connected member.
func TestSyncOutcome(t *testing.T) {
	done := &node.PullInfo{Complete: true}
	synced := node.PeerSpace{Space: "s", Known: true}
	tests := []struct {
		name  string
		peers []node.PeerInfo
		want  bool
	}{
		{"nothing pending", []node.PeerInfo{{Connected: true, LastPull: done, State: []node.PeerSpace{synced}}}, true},
		{"changes pending out", []node.PeerInfo{{Connected: true, LastPull: done,
			State: []node.PeerSpace{{Space: "s", Known: true, PendingOut: 3}}}}, false},
		{"operations pending in", []node.PeerInfo{{Connected: true, LastPull: done,
			State: []node.PeerSpace{{Space: "s", Known: true, OpsIn: 1}}}}, false},
		{"state not known yet", []node.PeerInfo{{Connected: true, LastPull: done, State: []node.PeerSpace{{Space: "s"}}}}, false},
		{"pull incomplete", []node.PeerInfo{{Connected: true, LastPull: &node.PullInfo{}, State: []node.PeerSpace{synced}}}, false},
		{"nobody connected", []node.PeerInfo{{State: []node.PeerSpace{synced}}}, false},
	}
	for _, tt := range tests {
		res := syncOutcome(tt.peers, nil)
		if res.Complete != tt.want || (!tt.want && res.Message == "" && len(res.Peers) > 0 && tt.peers[0].LastPull.Complete) {
			t.Errorf("%s: complete %v (message %q), want %v", tt.name, res.Complete, res.Message, tt.want)
		}
	}
}
