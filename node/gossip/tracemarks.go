package gossip

import (
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"

	"github.com/weftsync/weft/node/latency"
)

// hopMarks is a pubsub tracer that marks (node/latency) the steps of a
// published envelope inside pubsub: handed to a peer's queue
// (ps.sendrpc), written to its stream (ps.written), read by the
// receiver's event loop (ps.recvrpc) and taken by its validation
// pipeline (ps.validate). New installs it only when tracing is on.
type hopMarks struct{ self peer.ID }

func (hopMarks) OnNewOutboundStream(peer.ID, protocol.ID) {}
func (hopMarks) OnClosedOutboundStream(peer.ID)           {}
func (hopMarks) Join(string)                              {}
func (hopMarks) Leave(string)                             {}
func (hopMarks) Graft(peer.ID, string)                    {}
func (hopMarks) Prune(peer.ID, string)                    {}
func (hopMarks) RejectMessage(*pubsub.Message, string)    {}
func (hopMarks) DuplicateMessage(*pubsub.Message)         {}
func (hopMarks) ThrottlePeer(peer.ID)                     {}
func (hopMarks) DropRPC(*pubsub.RPC, peer.ID)             {}
func (hopMarks) UndeliverableMessage(*pubsub.Message)     {}
func (hopMarks) DeliverMessage(*pubsub.Message)           {}
func (t hopMarks) ValidateMessage(m *pubsub.Message) {
	if m.ReceivedFrom != t.self {
		latency.Mark("ps.validate")
	}
}
func (hopMarks) RecvRPC(rpc *pubsub.RPC)            { markRPC(rpc, "ps.recvrpc") }
func (hopMarks) SendRPC(rpc *pubsub.RPC, _ peer.ID) { markRPC(rpc, "ps.sendrpc") }
func (hopMarks) SendRPCCompleted(rpc *pubsub.RPC, _ peer.ID, _ time.Duration) {
	markRPC(rpc, "ps.written")
}

// markRPC marks step for an RPC that carries messages (not control only).
func markRPC(rpc *pubsub.RPC, step string) {
	if len(rpc.GetPublish()) > 0 {
		latency.Mark(step)
	}
}
