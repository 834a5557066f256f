-- 0006: the outbox keyed by its change's row (decision 0052). An outbox
-- row's n is the n of its change in changes, so that the rows an import
-- queues are appended at the end of the table, as its change rows are,
-- and the table has no index by (doc, hash): that index was keyed by a
-- random hash index, and an import of 1,000 changes dirtied most of its
-- pages, a number that grew with the store. A change is queued at most
-- once (its n is the key), the outbox reads in the changes' order, which
-- is causal, and a row is deleted through the changes' own (doc, hash)
-- index. A row whose change is not stored (nothing could publish it) is
-- not carried over.

CREATE TABLE outbox_new (
	n    INTEGER PRIMARY KEY,
	doc  BLOB NOT NULL,
	hash BLOB NOT NULL,
	blob BLOB NOT NULL
) STRICT;
INSERT OR IGNORE INTO outbox_new (n, doc, hash, blob)
	SELECT c.n, o.doc, o.hash, o.blob FROM outbox o JOIN changes c ON c.doc = o.doc AND c.hash = o.hash;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
