package server

// growCounted is grow for changes that added ops operations to the open
// document id, as automerge counted them while applying (decision 0037):
// the same estimate as grow's, without parsing every change again to
// count them (wire.CountOps, about a tenth of the engine's time on a
// catch-up). ops below zero (not known) falls back to grow.
func (c *cache) growCounted(id string, chunks [][]byte, ops int64) {
	if ops < 0 {
		c.grow(id, chunks)
		return
	}
	c.growBy(id, max(int64(len(chunks))*bytesPerChange, ops*bytesPerOp)) // cache.go (decision 0041)
}
