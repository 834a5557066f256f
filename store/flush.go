package store

// Flush writes the rows and manifests the transaction has queued, as the
// commit does first. After it returns nil, the commit itself is what is
// left: a caller that must act once every write of the transaction has
// been accepted, and before it is durable (decision 0045), calls it last
// in its Update function. Calling it more than once writes nothing twice.
func (tx *Tx) Flush() error {
	if err := tx.writer(); err != nil {
		return err
	}
	return tx.flush()
}
