package node

// SetFailAfterEngine makes every local edit of n fail after the engine has
// committed and before the store transaction commits, while fail returns
// an error. For tests of that window only.
func SetFailAfterEngine(n *Node, fail func(doc string) error) { n.failAfterEngine = fail }
