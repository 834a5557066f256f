-- 0001: the first schema. Every table is STRICT.
--
-- Columns named after an ID (doc, space, hash, dep, actor, epoch, signer, id,
-- peer) hold the sealer's Index of that ID (an HMAC), never the ID itself.
-- Columns named blob hold values sealed with associated data naming the
-- table, the row's key columns and the column, so a blob moved to another
-- row fails to open. Counters (seq, ops) are plain.

CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value BLOB NOT NULL
) STRICT;

-- The keyring is the only secret-bearing row that is not sealed by the data
-- key: it is what unlocks it.
CREATE TABLE keyring (
	id          INTEGER PRIMARY KEY CHECK (id = 1),
	kdf         TEXT NOT NULL,
	params      BLOB NOT NULL,
	wrapped_key BLOB NOT NULL,
	key_id      INTEGER NOT NULL,
	created     INTEGER NOT NULL
) STRICT;

CREATE TABLE identity (
	id   INTEGER PRIMARY KEY CHECK (id = 1),
	blob BLOB NOT NULL
) STRICT;

CREATE TABLE spaces (
	space BLOB PRIMARY KEY,
	blob  BLOB NOT NULL
) STRICT;

CREATE TABLE epoch_keys (
	n     INTEGER PRIMARY KEY,
	space BLOB NOT NULL,
	epoch BLOB NOT NULL,
	blob  BLOB NOT NULL,
	UNIQUE (space, epoch)
) STRICT;

CREATE TABLE docs (
	doc   BLOB PRIMARY KEY,
	space BLOB NOT NULL,
	blob  BLOB NOT NULL
) STRICT;
CREATE INDEX docs_space ON docs (space);

-- One row per document with stored changes: count and digest of its change
-- rows, sealed, rewritten in the transaction that adds a change.
CREATE TABLE manifests (
	doc  BLOB PRIMARY KEY,
	blob BLOB NOT NULL
) STRICT;

-- The truth: raw changes, never dropped. n is the insertion order, which is
-- a causal order.
CREATE TABLE changes (
	n                INTEGER PRIMARY KEY,
	doc              BLOB NOT NULL,
	hash             BLOB NOT NULL,
	actor            BLOB NOT NULL,
	seq              INTEGER NOT NULL CHECK (seq >= 1),
	start_op         INTEGER NOT NULL,
	max_op           INTEGER NOT NULL,
	max_op_reachable INTEGER NOT NULL,
	blob             BLOB NOT NULL,
	UNIQUE (doc, hash),
	UNIQUE (doc, actor, seq)
) STRICT;

CREATE TABLE change_deps (
	doc  BLOB NOT NULL,
	hash BLOB NOT NULL,
	dep  BLOB NOT NULL,
	PRIMARY KEY (doc, hash, dep)
) STRICT;
CREATE INDEX change_deps_dep ON change_deps (doc, dep);

-- The actors seen in each document, so version vectors need not open changes.
CREATE TABLE doc_actors (
	doc   BLOB NOT NULL,
	actor BLOB NOT NULL,
	blob  BLOB NOT NULL,
	PRIMARY KEY (doc, actor)
) STRICT;

-- Changes whose dependencies are not all stored yet.
CREATE TABLE held (
	n    INTEGER PRIMARY KEY,
	doc  BLOB NOT NULL,
	hash BLOB NOT NULL,
	blob BLOB NOT NULL,
	UNIQUE (doc, hash)
) STRICT;

CREATE TABLE held_deps (
	doc  BLOB NOT NULL,
	hash BLOB NOT NULL,
	dep  BLOB NOT NULL,
	PRIMARY KEY (doc, hash, dep)
) STRICT;
CREATE INDEX held_deps_dep ON held_deps (doc, dep);

CREATE TABLE attestations (
	n      INTEGER PRIMARY KEY,
	doc    BLOB NOT NULL,
	actor  BLOB NOT NULL,
	seq    INTEGER NOT NULL,
	signer BLOB NOT NULL,
	hash   BLOB NOT NULL,
	blob   BLOB NOT NULL,
	UNIQUE (doc, actor, seq, signer)
) STRICT;

CREATE TABLE equivocations (
	n      INTEGER PRIMARY KEY,
	doc    BLOB NOT NULL,
	actor  BLOB NOT NULL,
	seq    INTEGER NOT NULL,
	signer BLOB NOT NULL,
	blob   BLOB NOT NULL,
	UNIQUE (doc, actor, seq, signer)
) STRICT;

CREATE TABLE cuts (
	doc     BLOB NOT NULL,
	actor   BLOB NOT NULL,
	max_seq INTEGER NOT NULL,
	blob    BLOB NOT NULL,
	PRIMARY KEY (doc, actor)
) STRICT;

CREATE TABLE snapshots (
	n      INTEGER PRIMARY KEY,
	doc    BLOB NOT NULL,
	covers BLOB NOT NULL,
	blob   BLOB NOT NULL,
	UNIQUE (doc, covers)
) STRICT;

CREATE TABLE leases (
	n         INTEGER PRIMARY KEY,
	doc       BLOB NOT NULL,
	actor     BLOB NOT NULL UNIQUE,
	abandoned INTEGER NOT NULL DEFAULT 0,
	blob      BLOB NOT NULL
) STRICT;
CREATE INDEX leases_doc ON leases (doc, abandoned);

CREATE TABLE member_ops (
	n     INTEGER PRIMARY KEY,
	space BLOB NOT NULL,
	id    BLOB NOT NULL,
	blob  BLOB NOT NULL,
	UNIQUE (space, id)
) STRICT;

CREATE TABLE peers (
	peer BLOB PRIMARY KEY,
	blob BLOB NOT NULL
) STRICT;

CREATE TABLE outbox (
	n    INTEGER PRIMARY KEY,
	doc  BLOB NOT NULL,
	hash BLOB NOT NULL,
	blob BLOB NOT NULL,
	UNIQUE (doc, hash)
) STRICT;
