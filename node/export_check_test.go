package node

import "context"

// CheckBudget is how many changes a document may hold unchecked before
// the ingest that reaches it is followed by a round-trip check.
const CheckBudget = checkBudget

// Unchecked is how many changes of doc n holds applied but not yet
// round-trip checked.
func Unchecked(n *Node, doc string) int { return n.deferred.peek(doc) }

// EngineRoundTrips counts the documents n's current engine process saved
// and loaded back (round-trip checks and checked saves).
func EngineRoundTrips(n *Node) (int, error) { return n.eng.RoundTrips(context.Background()) }
