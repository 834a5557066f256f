-- 0007: documents stored before their round-trip check (decision 0049).
-- A document new to this node is committed once the engine has loaded its
-- changes; the check that its saved form loads back runs after the commit.
-- Until it passes, the document has a row here, written in the
-- transaction that stores the document and deleted in the one that finds
-- it sound, so that a crash or a close that could not check it leaves it
-- to be checked at the next Open. doc is the document's index, as in docs.

CREATE TABLE IF NOT EXISTS unchecked_docs (
	doc BLOB PRIMARY KEY
) STRICT, WITHOUT ROWID;
