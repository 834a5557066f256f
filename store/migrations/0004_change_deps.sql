-- 0004: a cheaper change log write (decision 0023). change_deps keeps only
-- its primary key, without a rowid, and loses change_deps_dep: a change's
-- dependency rows cost one B-tree insert each instead of three. The one
-- reader of that index, DropChanges' search for a dropped change's
-- children, reads the document's dependency rows once instead.

CREATE TABLE change_deps_new (
	doc  BLOB NOT NULL,
	hash BLOB NOT NULL,
	dep  BLOB NOT NULL,
	PRIMARY KEY (doc, hash, dep)
) STRICT, WITHOUT ROWID;
INSERT INTO change_deps_new (doc, hash, dep) SELECT doc, hash, dep FROM change_deps;
DROP TABLE change_deps;
ALTER TABLE change_deps_new RENAME TO change_deps;
