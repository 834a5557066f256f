-- 0003: admission over the network (DESIGN.md section 8). A pending join is
-- an invite code this node will present to a member of its space; a queued
-- edit is a typed command made against a space whose documents have not
-- arrived yet, replayed once they do; self_addrs holds the addresses this
-- node last listened on, for invite codes made while no daemon runs.

CREATE TABLE pending_joins (
	space BLOB PRIMARY KEY,
	blob  BLOB NOT NULL
) STRICT;

CREATE TABLE queued_edits (
	n     INTEGER PRIMARY KEY,
	space BLOB NOT NULL,
	blob  BLOB NOT NULL
) STRICT;
CREATE INDEX queued_edits_space ON queued_edits (space);

CREATE TABLE self_addrs (
	id   INTEGER PRIMARY KEY CHECK (id = 1),
	blob BLOB NOT NULL
) STRICT;
