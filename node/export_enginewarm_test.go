package node

// EngineGeneration counts n's engine processes started so far.
func EngineGeneration(n *Node) uint64 { return n.eng.Generation() }
