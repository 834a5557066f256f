package node

// ParsedAtIngest counts the chunks ingest parsed itself (not ahead) since
// the process began.
func ParsedAtIngest() int64 { return parsedAtIngest.Load() }
