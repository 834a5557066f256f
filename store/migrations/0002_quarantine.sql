-- 0002: changes that killed or broke the engine twice, replayed alone
-- (DESIGN.md section 5), by change hash and by the member whose attestation
-- covered them (never the peer that forwarded them).

CREATE TABLE quarantine (
	n      INTEGER PRIMARY KEY,
	doc    BLOB NOT NULL,
	hash   BLOB NOT NULL,
	author BLOB NOT NULL,
	blob   BLOB NOT NULL,
	UNIQUE (doc, hash)
) STRICT;
CREATE INDEX quarantine_hash ON quarantine (hash);
CREATE INDEX quarantine_author ON quarantine (author);
