package node

import "time"

// walAhead is how much of the store's WAL a started network writes ahead
// (decision 0053, store.DB.PrepareWAL): about the WAL that 150 local or
// gossiped edits write (6.5 to 8.6 pages each), so that the commits after
// a start overwrite blocks already written, as a node's commits do once
// its WAL has been started again after its first checkpoint, instead of
// growing the file, which on ext4 makes each fdatasync commit the file
// system's journal too.
//
// Off (0) by default since the lead's quiet runs after the merge: with it
// on, 6 of 12 runs of `weftbench -full -only p` had a change that took 27
// to 174 ms (the chunks' syncs, with the one at the end or each under the
// writer's turn, stall a commit), against none over 15 ms in 3 runs with
// it off, for a p50 about 0.3 ms lower (docs/performance.md, "Where it
// stands, ninth session"). Tests set it (SetWALAhead) to keep the
// mechanism working for a next try that does not stall.
var walAhead int64

// walQuiet is the pause in the store's writes that each chunk written
// ahead waits for: a node storing without pause (a new member receiving
// its first documents, a catch-up) is not slowed by it; one change every
// 150 ms leaves pauses of about that.
const walQuiet = 100 * time.Millisecond

// prepareWAL writes the store's WAL ahead to walAhead bytes, on a
// goroutine the network owns (started by the publisher), in the store's
// pauses, off every commit's path but for a chunk's wait at most. A
// failure is logged and changes nothing: the WAL grows as before.
func (s *netState) prepareWAL() {
	if walAhead <= 0 {
		return
	}
	wrote, err := s.n.db.PrepareWAL(s.ctx, walAhead, walQuiet)
	if err != nil && s.ctx.Err() == nil {
		s.n.log.Warn("write the WAL ahead; commits grow it instead", "err", err)
		return
	}
	if wrote > 0 {
		s.n.log.Debug("wrote the WAL ahead", "bytes", wrote)
	}
}
