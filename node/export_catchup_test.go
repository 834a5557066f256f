package node

// ParsedAtIngest counts the chunks ingest parsed itself (not ahead) since
// the process began.
func ParsedAtIngest() int64 { return parsedAtIngest.Load() }

// PreparedAhead counts the changes ingest prepared ahead of storing them
// since the process began.
func PreparedAhead() int64 { return preparedAhead.Load() }
