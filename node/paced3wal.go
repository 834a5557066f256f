package node

import "time"

// walAhead is how much of the store's WAL a started network writes ahead
// (decision 0053, store.DB.PrepareWAL): about the WAL that 150 local or
// gossiped edits write (6.5 to 8.6 pages each), so that the commits after
// a start overwrite blocks already written, as a node's commits do once
// its WAL has been started again after its first checkpoint, instead of
// growing the file, which on ext4 makes each fdatasync commit the file
// system's journal too. A variable for tests.
var walAhead int64 = 4 << 20

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
