package node

// Crash stops n as a crash would leave its home: nothing applied
// unchecked is checked, and the home is not marked closed. The store and
// the engine are closed (SQLite is durable at each commit; what a crash
// loses is the node's memory), and the lock released.
func Crash(n *Node) {
	n.close.Do(func() {
		_ = n.stopNet()
		_ = n.eng.Close()
		_ = n.db.Close()
		n.lock.release()
	})
}
