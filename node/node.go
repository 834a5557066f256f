package node

import (
	"context"
	"crypto/ecdh"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/weftsync/weft/node/engine"
	"github.com/weftsync/weft/node/replicate"
	"github.com/weftsync/weft/node/seal"
	"github.com/weftsync/weft/store"
)

// Options configure a Node. Home is required; the rest have defaults.
type Options struct {
	// Home is the folder holding the store and the lock.
	Home string
	// Passphrase returns the passphrase when the store needs one. It is
	// called at most once per Open or Init.
	Passphrase func() ([]byte, error)
	// NoPassphrase, for Init only, leaves the data key unsealed.
	NoPassphrase bool
	// KDF overrides the Argon2id parameters for Init (tests use cheap ones).
	KDF *seal.KDFParams
	// LockWait is how long Open waits for another process to release the
	// home (default 5s) before failing with ErrBusy.
	LockWait time.Duration
	// Engine configures the engine process.
	Engine engine.Config
	// Logger receives the node's logs (default: discarded).
	Logger *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
	// OnStored, when set, is called after each committed transaction that
	// stored changes received from outside (sync, gossip, bundle), once
	// per document with how many changes it stored. It runs on the
	// committing goroutine with the node's write lock held: it must return
	// quickly and must not call the node. The benchmark harness uses it to
	// see when a change is durable.
	OnStored func(space, doc string, stored int)
}

func (o *Options) defaults() {
	if o.LockWait <= 0 {
		o.LockWait = 5 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Engine.Logger == nil {
		o.Engine.Logger = o.Logger
	}
}

// Node is one running weft node over one home folder.
type Node struct {
	opts   Options
	lock   *homeLock
	db     *store.DB
	keys   *seal.Keys
	id     *seal.Identity
	x25519 *ecdh.PrivateKey
	name   string
	eng    *engine.Engine
	log    *slog.Logger
	mu     sync.Mutex // serialises local edits, so each document has one writer

	// docOps is the op budget local changes are judged by, store.MaxDocOps
	// unless a test sets a smaller one (opreserve.go); nearBudget the
	// documents whose local changes passed 90 % of it.
	docOps     uint64
	nearBudget nearBudget
	netMu      sync.Mutex // guards net
	net        *netState  // the running network, nil until Start
	// failAfterEngine, set only by tests, fails a local edit between the
	// engine's commit and the store's.
	failAfterEngine func(doc string) error
	// syncOptions, set only by tests, adjusts the sync protocol's options
	// when the network starts (a frame budget, a cut after some frames).
	syncOptions func(*replicate.Options)
	snaps       snapshots      // snapshot work left for after a transaction
	tips        tipCache       // change hashes by (doc, actor, seq), for sync tags (syncforks.go)
	watchers    watchers       // subscribers to document changes (notify.go)
	rosters     rosterCache    // verified membership logs and rosters (rostercache.go)
	deferred    deferredChecks // documents with received changes not yet round-trip checked (roundtrip.go)
	imports     importSnaps    // snapshots postponed while a document's imports go on (importsnapshot.go)
	tails       tailState      // catch-up feeds finishing after their ingest returned (heldtail.go)
	// unclean is set while the last process to open the home did not
	// close it and the check after it (crashcheck.go) has not passed.
	unclean bool
	// poison holds documents whose actor leases must be abandoned before
	// their next edit (publishearly.go); n.mu guards it.
	poison poisoned
	// over: documents past their total of stored ops, barred from the
	// engine (opstotal.go).
	over  overOps
	close sync.Once
}

// storeFile is the store's file name inside the home folder.
const storeFile = "weft.db"

// Open opens an initialized home: it takes the home's lock, opens and
// unlocks the store, and checks its integrity.
func Open(ctx context.Context, opts Options) (*Node, error) {
	opts.defaults()
	if _, err := os.Stat(filepath.Join(opts.Home, storeFile)); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: no store in %s", ErrNotInitialized, opts.Home)
	}
	n, err := openLocked(ctx, opts)
	if err != nil {
		return nil, err
	}
	if err := n.unlock(ctx); err != nil {
		n.Close()
		return nil, err
	}
	if err := n.db.VerifyAll(ctx); err != nil {
		n.Close()
		return nil, fmt.Errorf("node: open %s: %w", opts.Home, storeErr(err))
	}
	if err := n.barStoredOverOps(ctx); err != nil { // before anything can load them (decision 0070)
		n.Close()
		return nil, err
	}
	var sound map[string]bool // documents the check after an unclean shutdown found sound
	if n.unclean {
		// Before anything can edit: a change published before a commit
		// the crash lost must not have its seq reused (decision 0045).
		if err := n.abandonAfterCrash(ctx); err != nil {
			n.Close()
			return nil, err
		}
		var err error
		if sound, err = n.checkAfterCrash(ctx); err != nil {
			n.log.Warn("check after an unclean shutdown; it runs again at the next open", "err", err)
		}
	}
	n.checkLeftUnchecked(ctx, sound) // new documents stored before their check (decision 0049)
	return n, nil
}

// openLocked takes the lock and opens the store file.
func openLocked(ctx context.Context, opts Options) (*Node, error) {
	lock, err := acquireLock(ctx, opts.Home, opts.LockWait)
	if err != nil {
		return nil, err
	}
	unclean, err := lock.markOpen()
	if err != nil {
		lock.release()
		return nil, err
	}
	db, err := store.Open(ctx, filepath.Join(opts.Home, storeFile))
	if err != nil {
		if !unclean {
			_ = lock.markClosed()
		}
		lock.release()
		return nil, fmt.Errorf("node: open store: %w", storeErr(err))
	}
	return &Node{opts: opts, lock: lock, db: db, log: opts.Logger, eng: engine.New(opts.Engine), unclean: unclean}, nil
}

// Verify checks the store as a whole: every manifest matches its change
// rows, every stored change's dependencies are stored, and SQLite's own
// integrity check passes.
func (n *Node) Verify(ctx context.Context) error {
	if err := n.db.VerifyAll(ctx); err != nil {
		return storeErr(err)
	}
	return storeErr(n.db.IntegrityCheck(ctx))
}

// PeerID is this node's libp2p peer ID, derived from its identity key.
func (n *Node) PeerID() string { return PeerID(n.id.Public) }

// Name is the display name given at init.
func (n *Node) Name() string { return n.name }

// Close stops the network (when started), the engine, closes the store and
// releases the home. It is idempotent.
func (n *Node) Close() error {
	var err error
	n.close.Do(func() {
		owed := n.imports.stop() // snapshots postponed after imports (importsnapshot.go)
		err = n.stopNet()
		n.waitTails() // heldtail.go
		// Changes applied unchecked are checked before the engine goes:
		// which they are is not kept across a restart.
		if cerr := n.checkUnchecked(context.Background(), 0); cerr != nil {
			n.log.Warn("deferred round-trip check at close", "err", cerr)
		}
		n.writeOwed(owed)
		dbErr := n.db.Close()
		err = errors.Join(err, n.eng.Close(), dbErr)
		if dbErr == nil && !n.unclean && !n.poisonedLeft() { // crashcheck.go, publishearly.go
			err = errors.Join(err, n.lock.markClosed())
		}
		n.lock.release()
	})
	return err
}

// now is the node's clock, truncated to milliseconds as changes store it.
func (n *Node) now() time.Time { return n.opts.Now().Truncate(time.Millisecond) }

// storeErr maps store errors onto the node's.
func storeErr(err error) error {
	switch {
	case errors.Is(err, store.ErrBusy):
		return fmt.Errorf("%w: %w", ErrBusy, err)
	case errors.Is(err, store.ErrCorrupt):
		return fmt.Errorf("%w: %w", ErrCorrupt, err)
	case errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	return err
}
