-- 0008: each document's total of stored ops (decision 0070). ops is the
-- sum over the document's stored changes of max_op - start_op + 1, kept
-- beside its manifest and rewritten in the same statement, in the
-- transaction that stores or drops a change. Concurrent chains are counted
-- each in full, which the op counter of a change (decision 0065) does not
-- do. Backfilled here for a store made before it.

ALTER TABLE manifests ADD COLUMN ops INTEGER NOT NULL DEFAULT 0;

UPDATE manifests SET ops = (
	SELECT COALESCE(SUM(c.max_op - c.start_op + 1), 0) FROM changes c WHERE c.doc = manifests.doc
);
