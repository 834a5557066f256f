package store

// writerPragmas are set on each of the writer pool's connections when it
// opens (the writer driver's connect hook), beside automatic checkpoints
// off (decision 0033).
//
// temp_store = MEMORY keeps the writer's statement journals in memory
// (decision 0052). A statement that may fail after it has changed some
// rows, as every multi-row INSERT of decisions 0035 and 0038 may, records
// the pages it changes in a statement journal, so that its failure undoes
// it alone; SQLite keeps that journal in memory up to 64 KiB and then in
// a temporary file. An import of 1,000 ledger entries wrote about 10 MB
// a statement at a time into such files (write calls of the committing
// goroutine, for a file deleted at once), as much as its WAL frames and
// checkpoints together. In memory the journal of one statement is a few
// pages (a group of at most 64 rows) and is dropped when the statement
// ends. Durability does not change: the statement journal only ever
// serves to undo a statement inside its transaction, never a crash.
const writerPragmas = "PRAGMA wal_autocheckpoint = 0; PRAGMA temp_store = MEMORY"
