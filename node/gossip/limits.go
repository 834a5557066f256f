package gossip

import "time"

// Limits of the format, checked before anything is decoded.
const (
	// MaxEnvelope is the largest envelope published or accepted, in bytes.
	MaxEnvelope = 256 << 10
	// MaxChunks is the most change chunks one envelope carries.
	MaxChunks = 4096
	// MaxAtts is the most attestations one envelope carries.
	MaxAtts = 256
	// MaxHeads is the most heads one announcement carries.
	MaxHeads = 256
	// MaxMeta is the largest document metadata one envelope carries.
	MaxMeta = 4 << 10
	// maxIDLen bounds document IDs and type names.
	maxIDLen = 128
)

// Defaults of Options.
const (
	// SeenTTL is how long a message ID is remembered: a replay within it is
	// dropped before validation.
	SeenTTL = time.Hour
	// DefaultValidateTimeout bounds one validation.
	DefaultValidateTimeout = 10 * time.Second
	// DefaultQueue is how many delivered envelopes wait to be applied.
	DefaultQueue = 256
	// DefaultWorkers is how many envelopes are applied at once.
	DefaultWorkers = 2
	// DefaultRefresh is how often the topics and memberships are re-read
	// from Local even when nobody calls Refresh.
	DefaultRefresh = time.Minute
	// missingEvery is the least time between two OnMissing calls for one
	// space and peer.
	missingEvery = time.Second
)

// ChunkBudget is the most bytes of chunks a publisher should put in one
// batch: what is left of MaxEnvelope for attestations, metadata and
// framing. A single chunk larger than this is announced, not sent.
const ChunkBudget = MaxEnvelope - 16<<10
