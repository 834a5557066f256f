package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"
)

// Writing the WAL ahead (decision 0053).
//
// A commit is durable when its WAL frames are synced (synchronous=FULL).
// On ext4, an fdatasync that extends the file must also commit the file
// system's journal (the new size and blocks); one that overwrites blocks
// already written syncs only the data. Measured here (docs/performance.md,
// decision 0045): appending two pages and syncing took a median of 1.2 ms,
// overwriting two pages 0.7 ms. SQLite's WAL grows until a checkpoint has
// copied all of it and a writer starts it again from its beginning; it is
// then overwritten in place and never shrinks (journal_size_limit is not
// set). So a node pays the append price on every commit from its Open
// until its first restart of the WAL (several MiB written; about forty
// seconds of one change every 150 ms) and the overwrite price after.
//
// PrepareWAL writes zeros to the WAL up to a size while no write
// transaction runs, so that the commits after Open overwrite. SQLite reads
// a WAL's frames only up to the last valid one (each frame carries the
// header's random salts and a running checksum), and a WAL it has started
// again holds stale frames past its end in the same way: zeros past the
// end are nothing new to it. Durability does not change.

// walAheadChunk is how many bytes PrepareWAL writes under one turn of the
// writer: a write transaction waits for one chunk at most.
const walAheadChunk = 256 << 10

// walQuietWait bounds how long PrepareWAL waits for a pause in the
// writes before it gives up, writing nothing more.
const walQuietWait = 5 * time.Minute

// PrepareWAL makes the store's WAL file at least size bytes long, written
// with zeros past its end and synced, and returns how many bytes it wrote.
// It writes a chunk at a time under the writer's turn (no write
// transaction of this process writes the WAL meanwhile), each past the
// file's end as it is then, and syncs each chunk before the turn ends, so
// that no commit's sync carries a chunk's pages or the file's new size
// (a sync once at the end left that to the first commits after each
// chunk: the paced p99 rose). Before each chunk it waits until no write
// transaction has committed for quiet (0: not at all), so that a store busy writing (a catch-up, a new
// member's first documents) does not share its disk with this; it gives
// up after walQuietWait without such a pause. It does nothing when the
// WAL file does not exist (SQLite made none yet) or is long enough
// already.
func (db *DB) PrepareWAL(ctx context.Context, size int64, quiet time.Duration) (int64, error) {
	f, err := os.OpenFile(db.path+"-wal", os.O_WRONLY, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: write the WAL ahead: %w", err)
	}
	defer f.Close()
	zeros := make([]byte, walAheadChunk)
	var wrote int64
	for {
		if err := db.waitQuiet(ctx, quiet); err != nil {
			return wrote, err
		}
		n, err := db.walChunk(ctx, f, size, zeros)
		wrote += n
		if err != nil {
			return wrote, err
		}
		if n == 0 {
			return wrote, nil
		}
	}
}

// walChunk writes one chunk of zeros at the end of the WAL file f, up to
// size at most, and syncs it, under the writer's turn, and returns how many bytes it
// wrote (0 once the file is size bytes long).
func (db *DB) walChunk(ctx context.Context, f *os.File, size int64, zeros []byte) (int64, error) {
	if err := db.takeWriteTurn(ctx); err != nil {
		return 0, err
	}
	defer func() { <-db.writeTurn }()
	fi, err := f.Stat()
	if err != nil {
		return 0, fmt.Errorf("store: write the WAL ahead: %w", err)
	}
	at := fi.Size()
	if at >= size {
		return 0, nil
	}
	n := min(int64(len(zeros)), size-at)
	if _, err := f.WriteAt(zeros[:n], at); err != nil {
		return 0, fmt.Errorf("store: write the WAL ahead (free disk space if it is full): %w", err)
	}
	if err := f.Sync(); err != nil {
		return 0, fmt.Errorf("store: write the WAL ahead: sync: %w", err)
	}
	return n, nil
}

// errNoPause is PrepareWAL's error when the writes never paused.
var errNoPause = errors.New("store: write the WAL ahead: no pause in the writes")

// waitQuiet returns once no write transaction has committed for quiet
// (the checkpointer counts what each commit wrote), or fails with ctx's
// error, or errNoPause after walQuietWait.
func (db *DB) waitQuiet(ctx context.Context, quiet time.Duration) error {
	if quiet <= 0 || db.ckpt == nil {
		return nil
	}
	t := time.NewTicker(quiet)
	defer t.Stop()
	giveUp := time.After(walQuietWait)
	last := db.ckpt.written.Load()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-giveUp:
			return errNoPause
		case <-t.C:
		}
		now := db.ckpt.written.Load()
		if now == last {
			return nil
		}
		last = now
	}
}
