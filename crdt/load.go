package crdt

import (
	"bytes"
	"errors"
	"fmt"

	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/crdt/internal/amdoc"
	"github.com/weftsync/weft/crdt/internal/amraw"
	"github.com/weftsync/weft/crdt/model"
)

// Load makes a Doc from a document's raw change chunks (all of them, in any
// order that a store keeps: dependencies first is fastest) and sets its
// actor (ActorLen bytes; an actor leased for this load, never one used
// before a crash or a rollback). It fails with ErrRejected unless every
// chunk is a change chunk that automerge then holds, and when the root does
// not name a known document type: garbage never loads as an empty document.
func Load(changes [][]byte, actor []byte) (*Doc, error) {
	d, _, _, _, err := load(changes, actor, false)
	return d, err
}

// LoadRoot loads a document as Load does and returns, with it, what its
// root says of it (model.Root), read in the same pass over the root that
// Load makes for the type: for a document new to a node, which records
// only that, it saves reading and encoding a whole View.
func LoadRoot(changes [][]byte, actor []byte) (*Doc, model.Root, error) {
	d, fields, _, _, err := load(changes, actor, false, "schema")
	if err != nil {
		return nil, model.Root{}, err
	}
	r, err := d.root(fields)
	if err != nil {
		return nil, model.Root{}, err
	}
	return d, r, nil
}

// LoadNew is LoadRoot followed by CheckRoundTrip, for a document new to a
// node, and also returns the document's heads: the engine's whole work on
// a new document received (decision 0034). A document that loads but
// fails the check is refused with an error that matches ErrRoundTrip.
// It checks what the two check, and leaves out only the calls to the core
// whose answer is known already: the heads of the empty document before
// the load (none), the first SaveIncremental after the load (the check's
// Save marks everything loaded as saved, as that call would), and the
// heads asked again by the check and by the caller (the load's, read
// once). The check itself is CheckRoundTrip's: the saved form is loaded
// by automerge and must give the same heads.
func LoadNew(changes [][]byte, actor []byte) (*Doc, model.Root, [][32]byte, error) {
	d, r, hs, _, err := LoadNewCounted(changes, actor)
	return d, r, hs, err
}

// LoadNewCounted is LoadNew that also returns how many operations the
// document holds, as automerge counted them while loading it, or -1 when
// it could not say (automerge-go's wrapper drops the count): the engine's
// cache sizes the document by it instead of parsing every change again
// (decisions 0037 and 0044).
func LoadNewCounted(changes [][]byte, actor []byte) (*Doc, model.Root, [][32]byte, int64, error) {
	d, fields, hs, ops, err := load(changes, actor, true, "schema")
	if err != nil {
		return nil, model.Root{}, nil, -1, err
	}
	r, err := d.root(fields)
	if err != nil {
		return nil, model.Root{}, nil, -1, err
	}
	if err := d.checkRoundTrip(hs); err != nil {
		return nil, model.Root{}, nil, -1, err
	}
	return d, r, hs, ops, nil
}

// LoadRootCounted is LoadNewCounted without the round-trip check: the
// document loaded from its changes, its root, heads and operation count.
// The engine loads a small document new to the node this way when the
// node checks its round trip after the commit (decision 0049); the
// document is then held as one whose saved form is not known to load.
func LoadRootCounted(changes [][]byte, actor []byte) (*Doc, model.Root, [][32]byte, int64, error) {
	d, fields, hs, ops, err := load(changes, actor, false, "schema")
	if err != nil {
		return nil, model.Root{}, nil, -1, err
	}
	r, err := d.root(fields)
	if err != nil {
		return nil, model.Root{}, nil, -1, err
	}
	return d, r, hs, ops, nil
}

// root is what the root of a document just loaded says of it, from the
// fields its load read (schema among them).
func (d *Doc) root(fields rootKeys) (model.Root, error) {
	r := model.Root{Type: d.typ, Space: d.space, Schema: fields.Int("schema")}
	if d.typ == model.Calendar {
		name, err := amdoc.ReadKeys(d.am.RootMap(), "name")
		if err != nil {
			return model.Root{}, fmt.Errorf("crdt: load: %w", err)
		}
		r.Name = name.Str("name")
	}
	return r, nil
}

// load is Load, also returning the root's fields it read (type, space and
// more), the document's heads and the number of operations the load
// added (-1 when not known). With checked (LoadNew), a round-trip check
// follows at once, whose Save stands for the first SaveIncremental.
func load(changes [][]byte, actor []byte, checked bool, more ...string) (*Doc, rootKeys, [][32]byte, int64, error) {
	if err := amdoc.Check(); err != nil {
		return nil, nil, nil, -1, err
	}
	if len(changes) == 0 {
		return nil, nil, nil, -1, fmt.Errorf("crdt: load: %w: no changes", ErrRejected)
	}
	hashes, err := chunkHashes(changes)
	if err != nil {
		return nil, nil, nil, -1, fmt.Errorf("crdt: load: %w", err)
	}
	d := &Doc{am: am.New(), piece: amdoc.PieceBytes}
	if err := d.setActorRaw(actor); err != nil {
		return nil, nil, nil, -1, fmt.Errorf("crdt: load: %w", err)
	}
	after, ops, err := d.loadChunksAfter(nil, changes, hashes) // a new core document has no heads
	if err != nil {
		return nil, nil, nil, -1, fmt.Errorf("crdt: load: %w", err)
	}
	if !checked {
		d.am.SaveIncremental() // the first one after a load returns everything: drop it
	}
	fields, err := d.rootFields(more...)
	if err != nil {
		return nil, nil, nil, -1, fmt.Errorf("crdt: load: %w", err)
	}
	hs := make([][32]byte, len(after))
	for i, h := range after {
		hs[i] = h
	}
	return d, fields, hs, ops, nil
}

// Apply adds received raw change chunks to the document and returns its new
// heads. A chunk that is not a change chunk is refused before anything is
// applied (ErrRejected, the Doc still usable); a chunk automerge did not
// apply (bad content, or dependencies missing) poisons the Doc (ErrPoisoned
// and ErrRejected): the caller reloads it from its store without the batch.
func (d *Doc) Apply(chunks [][]byte) ([][32]byte, error) {
	heads, _, err := d.ApplyCounted(chunks)
	return heads, err
}

// loadChunks applies chunks with LoadIncremental, then checks that every
// one of them (named by hashes) is in the document: at once when the
// heads are those that applying all of them gives (allApplied), one by one
// otherwise.
func (d *Doc) loadChunks(chunks [][]byte, hashes []am.ChangeHash) error {
	_, _, err := d.loadChunksAfter(d.am.Heads(), chunks, hashes)
	return err
}

// loadChunksAfter is loadChunks on a document whose heads are before, and
// returns its heads after the load and the number of operations the load
// added (-1 when not known: see loadIncremental).
func (d *Doc) loadChunksAfter(before []am.ChangeHash, chunks [][]byte, hashes []am.ChangeHash) ([]am.ChangeHash, int64, error) {
	ops, after, err := d.loadIncremental(bytes.Join(chunks, nil))
	if err != nil {
		return nil, -1, fmt.Errorf("%w: %w", ErrRejected, err)
	}
	if allApplied(before, after, chunks, hashes) {
		return after, ops, nil
	}
	for i, h := range hashes {
		if _, err := d.am.Change(h); err != nil {
			return nil, -1, fmt.Errorf("%w: change %d (%s) was not applied", ErrRejected, i, h)
		}
	}
	return after, ops, nil
}

// allApplied reports whether after, the heads of a document whose heads
// were before, are exactly the heads that applying every one of chunks
// (named by hashes) gives: before and the new changes, less every change
// a new one depends on. Then each of them was applied: were some not, the
// newest of those (one that no other chunk depends on, as a change that
// depends on one not applied is not applied either) would be among those
// heads and not among after, which holds only applied changes. Asking
// automerge for each change by hash costs a call and an object per
// change (about 5 to 9 µs a change here, a fifth of applying it); when
// the heads differ (a chunk the document held already, one not applied),
// the caller asks.
func allApplied(before, after []am.ChangeHash, chunks [][]byte, hashes []am.ChangeHash) bool {
	want := make(map[am.ChangeHash]bool, len(before)+len(hashes))
	for _, h := range before {
		want[h] = true
	}
	for _, h := range hashes {
		want[h] = true
	}
	for _, c := range chunks {
		deps, err := amdoc.ChunkDeps(c)
		if err != nil {
			return false
		}
		for _, dep := range deps {
			delete(want, am.ChangeHash(dep))
		}
	}
	if len(want) != len(after) {
		return false
	}
	for _, h := range after {
		if !want[h] {
			return false
		}
	}
	return true
}

// chunkHashes checks that every chunk is one change chunk, in Go, and
// returns their hashes.
func chunkHashes(chunks [][]byte) ([]am.ChangeHash, error) {
	hashes := make([]am.ChangeHash, len(chunks))
	for i, c := range chunks {
		h, err := amdoc.ChunkHash(c)
		if err != nil {
			return nil, fmt.Errorf("%w: chunk %d: %w", ErrRejected, i, err)
		}
		hashes[i] = h
	}
	return hashes, nil
}

// readRoot reads the document's type and space from its root.
func (d *Doc) readRoot() error {
	_, err := d.rootFields()
	return err
}

// rootKeys is what rootFields read of a root: amdoc.Fields, or
// amraw.Scalars when every key read is a plain string or integer.
type rootKeys interface {
	Str(key string) string
	Int(key string) int64
}

// rootFields reads the document's type and space from its root, and
// returns them with the root's fields more: only those keys are read (a
// call each), not the whole root. Keys that all hold plain strings and
// integers (or nothing) are read in C without the wrapper's values
// (amraw.RootScalars, decision 0044); any other kind through the wrapper.
func (d *Doc) rootFields(more ...string) (rootKeys, error) {
	keys := append([]string{"type", "space"}, more...)
	var root rootKeys
	if rawNew() {
		if s, ok := amraw.RootScalars(d.am, keys...); ok {
			root = s
		}
	}
	if root == nil {
		f, err := amdoc.ReadKeys(d.am.RootMap(), keys...)
		if err != nil {
			return nil, err
		}
		root = f
	}
	d.typ, d.space = model.DocType(root.Str("type")), root.Str("space")
	if !d.typ.Valid() {
		return nil, fmt.Errorf("%w: root type %q is not a known document type", ErrRejected, d.typ)
	}
	return root, nil
}

// CheckRoundTrip checks that the document's saved form loads back with the
// same heads: accepted changes can leave a document whose Save() no longer
// loads, so no snapshot is kept before this passes.
func (d *Doc) CheckRoundTrip() error {
	if d.poison != nil {
		return d.poison
	}
	return d.checkRoundTrip(d.Heads())
}

// ErrRoundTrip is wrapped by the errors of CheckRoundTrip and LoadNew
// when the document loaded but its saved form did not load back with the
// same heads: the changes are to be refused and their author blamed.
var ErrRoundTrip = errors.New("saved form does not load back")

// checkRoundTrip is CheckRoundTrip on a document whose heads are want.
// The save, the load of the saved form and its heads are one call into
// the core when amraw can reach it (amraw.RoundTrip, decision 0044): the
// same calls, without copying the saved form to Go and back and with the
// loaded copy freed at once instead of by a finalizer.
func (d *Doc) checkRoundTrip(want [][32]byte) error {
	if rawNew() {
		err := amraw.RoundTrip(d.am, want)
		if errors.Is(err, amraw.ErrRoundTrip) {
			return fmt.Errorf("crdt: round trip: %w: %w", ErrRoundTrip, err)
		}
		if err != nil {
			return fmt.Errorf("crdt: round trip: %w", err)
		}
		return nil
	}
	saved := d.am.Save()
	back, err := am.Load(saved)
	if err != nil {
		return fmt.Errorf("crdt: round trip: %w: %w", ErrRoundTrip, err)
	}
	if !sameHeads(heads(back), want) {
		return fmt.Errorf("crdt: round trip: %w: heads differ after load", ErrRoundTrip)
	}
	return nil
}

func sameHeads(a, b [][32]byte) bool {
	if len(a) != len(b) {
		return false
	}
	seen := make(map[[32]byte]bool, len(a))
	for _, h := range a {
		seen[h] = true
	}
	for _, h := range b {
		if !seen[h] {
			return false
		}
	}
	return true
}
