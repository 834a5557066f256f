package node

import (
	"context"

	"github.com/weftsync/weft/node/engine"
	"github.com/weftsync/weft/node/latency"
)

// The engine process starts with the network (decision 0059).
//
// The engine is a child process started at its first call. A member that
// comes back after missing many changes made that first call inside its
// first catch-up batch's transaction: the child's start (the binary's
// pages read from the disk, decision 0057; the runtime's start) then sat
// on the catch-up's path, between the first frame's inserts and the
// commit, 178 ms in a traced run at load 6. Started when the network
// starts, the child comes up while the node dials, asks and waits for the
// first frame.

// warmEngine starts the engine's process, unless it runs already, with a
// call that does nothing, and waits for the child to answer. It is not
// cancelled when the network stops (a cancelled call kills the child);
// the engine's own deadline bounds it. Errors are only logged: the first
// real call starts the engine again when this one failed.
func (s *netState) warmEngine() {
	if _, err := s.n.eng.Call(context.WithoutCancel(s.ctx), engine.Request{Op: engine.OpPing}); err != nil {
		s.n.log.Debug("start the engine with the network", "err", err)
	}
	latency.Mark("engine.warmed")
}
