package crdt

import (
	"errors"
	"fmt"

	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/crdt/internal/amdoc"
)

// LoadSnapshot makes a Doc from a snapshot (a document saved by Snapshot)
// and the raw change chunks stored since (every stored change it does not
// cover, dependencies first), and sets its actor as Load does. It fails with
// ErrRejected when the snapshot is empty or does not load, when a change in
// covers is not in it, or when one of changes is not applied: the caller
// then loads from the changes alone.
func LoadSnapshot(snapshot []byte, covers [][32]byte, changes [][]byte, actor []byte) (*Doc, error) {
	if err := amdoc.Check(); err != nil {
		return nil, err
	}
	if len(snapshot) == 0 { // automerge loads nothing as an empty document
		return nil, fmt.Errorf("crdt: load snapshot: %w: empty snapshot", ErrRejected)
	}
	hashes, err := chunkHashes(changes)
	if err != nil {
		return nil, fmt.Errorf("crdt: load snapshot: %w", err)
	}
	d, err := openSnapshot(snapshot, covers, actor)
	if err != nil {
		return nil, fmt.Errorf("crdt: load snapshot: %w", err)
	}
	if len(changes) > 0 {
		if err := d.loadChunks(changes, hashes); err != nil {
			return nil, fmt.Errorf("crdt: load snapshot: %w", err)
		}
	}
	d.am.SaveIncremental() // the first one after a load returns everything: drop it
	if err := d.readRoot(); err != nil {
		return nil, fmt.Errorf("crdt: load snapshot: %w", err)
	}
	return d, nil
}

// openSnapshot loads snapshot under actor and checks that it holds every
// change in covers.
func openSnapshot(snapshot []byte, covers [][32]byte, actor []byte) (*Doc, error) {
	doc, err := am.Load(snapshot)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrRejected, err)
	}
	d := &Doc{am: doc, piece: amdoc.PieceBytes}
	if err := d.setActor(actor); err != nil {
		return nil, err
	}
	held, err := changeSet(doc)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrRejected, err)
	}
	for i, h := range covers {
		if !held[h] {
			return nil, fmt.Errorf("%w: covered change %d (%x) is not in the snapshot", ErrRejected, i, h)
		}
	}
	return d, nil
}

// changeSet returns the hashes of every change doc holds: one call, where
// asking for each change by hash costs a call and an object per change.
func changeSet(doc *am.Doc) (map[[32]byte]bool, error) {
	changes, err := doc.Changes()
	if err != nil {
		return nil, err
	}
	held := make(map[[32]byte]bool, len(changes))
	for _, c := range changes {
		held[c.Hash()] = true
	}
	return held, nil
}

// Snapshot returns the document saved in automerge's compact form, for
// LoadSnapshot, and the hashes of every change the saved form holds. It
// fails unless the saved form loads back with the same heads: accepted
// changes can leave a document whose Save() no longer loads, and such a
// snapshot must never be kept.
func (d *Doc) Snapshot() (data []byte, covers [][32]byte, err error) {
	if d.poison != nil {
		return nil, nil, d.poison
	}
	data = d.am.Save()
	back, err := am.Load(data)
	if err != nil {
		return nil, nil, fmt.Errorf("crdt: snapshot: round trip: %w", err)
	}
	if !sameHeads(heads(back), d.Heads()) {
		return nil, nil, fmt.Errorf("crdt: snapshot: round trip: heads differ after load")
	}
	changes, err := back.Changes()
	if err != nil {
		return nil, nil, fmt.Errorf("crdt: snapshot: %w", err)
	}
	covers = make([][32]byte, len(changes))
	for i, c := range changes {
		covers[i] = c.Hash()
	}
	return data, covers, nil
}

// SnapshotReload is Snapshot that then carries on with the copy it
// loaded back, to hold one copy of the document at a time: it lets go
// of the live copy after saving it and calls release (when not nil)
// before loading, so that the caller can free the live copy's memory
// first (automerge-go frees a document only through a finalizer, at a
// Go collection). It fails as Snapshot does, and a failure leaves the
// Doc unusable (Err): reload it.
func (d *Doc) SnapshotReload(release func()) (data []byte, covers [][32]byte, err error) {
	data, back, err := d.reload("snapshot: round trip", release)
	if err != nil {
		return nil, nil, err
	}
	changes, err := back.Changes()
	if err != nil {
		return nil, nil, d.unusable("snapshot", err)
	}
	covers = make([][32]byte, len(changes))
	for i, c := range changes {
		covers[i] = c.Hash()
	}
	return data, covers, nil
}

// CheckReload is CheckRoundTrip that carries on with the copy it
// loaded back, holding one copy at a time, as SnapshotReload does. A
// failure leaves the Doc unusable (Err): reload it.
func (d *Doc) CheckReload(release func()) error {
	_, _, err := d.reload("round trip", release)
	return err
}

// reload saves the document, lets go of the live copy, calls release,
// loads the saved form back under the same actor and, when it has the
// same heads, makes it the Doc's copy. The ledger index is kept across
// it (keptIndex, decision 0047): it lets go of the live copy's entries
// list before release and takes the loaded copy's after the heads match.
func (d *Doc) reload(op string, release func()) ([]byte, *am.Doc, error) {
	if d.poison != nil {
		return nil, nil, d.poison
	}
	want := d.Heads()
	actor := d.am.ActorID()
	data := d.am.Save()
	keep := d.detachIndex(want)
	d.am, d.ix, d.ixHeads = nil, nil, nil
	if release != nil {
		release()
	}
	back, err := am.Load(data)
	if err != nil {
		return nil, nil, d.unusable(op, err)
	}
	if !sameHeads(heads(back), want) {
		return nil, nil, d.unusable(op, errors.New("heads differ after load"))
	}
	if err := back.SetActorID(actor); err != nil {
		return nil, nil, d.unusable(op, err)
	}
	d.am = back
	d.keepIndex(keep)
	return data, back, nil
}

// unusable poisons the Doc after a failed reload and returns the error
// to report, "crdt: op: cause", which (unlike a failed write's) does not
// match ErrPoisoned: the document was not written to.
func (d *Doc) unusable(op string, cause error) error {
	d.poisoned(op, cause)
	return fmt.Errorf("crdt: %s: %w", op, cause)
}
