package crdt

// SetPieceBytes makes d cut large edits into pieces of about n estimated
// bytes, so tests can exercise the cutting without megabytes of text.
func SetPieceBytes(d *Doc, n int) { d.piece = n }
