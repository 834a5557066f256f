-- 0005: a change whose one dependency is its own actor's previous change
-- (seq - 1), as every change of a single writer's linear history is, keeps
-- that dependency implicit (decision 0038): prev_dep = 1 and no
-- change_deps row. The dependency is the row at (doc, actor, seq - 1),
-- found through the unique index changes already has; a change_deps row
-- cost each such change a B-tree insert at a random place. Rows stored
-- before keep their change_deps rows (prev_dep = 0).

ALTER TABLE changes ADD COLUMN prev_dep INTEGER NOT NULL DEFAULT 0;
