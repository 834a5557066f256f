package node

// ReadsOverBytes counts the group reads (MissingMany) that stopped at
// replicate.MaxReadBytes, in this process.
func ReadsOverBytes() int64 { return readsOverBytes.Load() }

// StreamedReads counts MissingStream's reads (one per document streamed,
// and one per resume of a paused read), in this process.
func StreamedReads() int64 { return streamedReads.Load() }
