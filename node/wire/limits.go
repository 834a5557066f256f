package wire

// Limits applied before anything is allocated or decoded
// (notes/automerge-chunk-format.md §13.3, DESIGN.md section 7).
const (
	// MaxChunkSize is the largest chunk accepted, header included.
	MaxChunkSize = 4 << 20
	// MaxDeps is the most dependencies one change may list.
	MaxDeps = 256
	// MaxActorLen is the longest actor ID, in bytes; actors are at least 1 byte.
	MaxActorLen = 64
	// MaxOtherActors is the most other actors one change may list.
	MaxOtherActors = 256
	// MaxMessage is the longest commit message, in bytes.
	MaxMessage = 64 << 10
	// MaxOps is the most ops one change may carry.
	MaxOps = 100_000
	// MaxPredsPerOp is the most predecessors one op may list.
	MaxPredsPerOp = 1024
	// MaxPredsPerChange is the most predecessors all ops of a change may list.
	MaxPredsPerChange = 400_000
	// MaxColumns is the most op columns a change chunk may carry: every
	// known column once.
	MaxColumns = 14
	// MaxStartOp is the largest startOp accepted (2^31-1). Larger values are
	// accepted by the core and later abort it at the next local commit.
	MaxStartOp = 1<<31 - 1
	// MaxOpCounter is the largest op counter the format allows (2^32-1).
	MaxOpCounter = 1<<32 - 1
)
