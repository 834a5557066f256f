package crdt

// IndexReads counts the ledger indexes read from every entry.
func IndexReads() int64 { return indexReads.Load() }
