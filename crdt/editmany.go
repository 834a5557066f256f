package crdt

import (
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/crdt/internal/amdoc"
	"github.com/weftsync/weft/crdt/internal/amraw"
	"github.com/weftsync/weft/crdt/ledger"
	"github.com/weftsync/weft/crdt/model"
)

// EditMany makes edits in order, each as Edit makes it (validated against
// the document as the edits before it left it, one commit each, or several
// for a large text), and returns the raw change chunks of all of them, in
// order. The changes are read by the hashes their commits returned
// (chunksOf), never by walking the history, and a run of AddEntry edits
// reads the ledger's index and its entries list once and is written in one
// call into automerge's C API (appendEntries; commitEntry when amraw
// cannot reach it).
//
// On an error the edits before the failing one stay committed in the Doc:
// the caller drops it and reloads from what it stored. The error is the
// failing edit's, as Edit returns it (check ErrPoisoned first), prefixed
// with its position.
func (d *Doc) EditMany(edits []model.Edit, at time.Time) ([][]byte, error) {
	if d.poison != nil {
		return nil, d.poison
	}
	var out [][]byte         // the changes made, in order, once read
	var made []am.ChangeHash // the commits made since, in order, not read yet
	var ix *ledger.Index     // the ledger's index while only entries were added
	for i := 0; i < len(edits); {
		if run := entryRun(d, edits[i:]); run > 0 && rawEntries() {
			chunks, err := d.chunksOf("edit", made)
			if err != nil {
				return nil, err
			}
			out, made = append(out, chunks...), made[:0]
			var n int
			out, n, err = d.appendEntries(edits[i:i+run], at, &ix, out)
			if err != nil {
				return nil, fmt.Errorf("edit %d of %d: %w", i+n+1, len(edits), err)
			}
			i += run
			continue
		}
		var err error
		e := edits[i]
		if e.AddEntry != nil && d.typ == model.Ledger && countSet(e) == 1 {
			made, err = d.commitEntry(*e.AddEntry, at, &ix, made)
		} else {
			ix = nil
			made, err = d.commitEdit(e, at, made)
		}
		if err != nil {
			return nil, fmt.Errorf("edit %d of %d: %w", i+1, len(edits), err)
		}
		i++
	}
	if ix != nil {
		d.ixHeads = d.Heads() // the entries added updated the index themselves
	}
	chunks, err := d.chunksOf("edit", made)
	if err != nil {
		return nil, err
	}
	return append(out, chunks...), nil
}

// rawOff turns the amraw path off (tests, to compare it with the
// wrapper's path it replaces).
var rawOff atomic.Bool

// rawEntries reports whether ledger entries go through amraw.
func rawEntries() bool { return !rawOff.Load() && amraw.Available() }

// entryRun returns how many edits at the start of edits are AddEntry edits
// of this ledger (none unless d is a ledger).
func entryRun(d *Doc, edits []model.Edit) int {
	if d.typ != model.Ledger {
		return 0
	}
	n := 0
	for n < len(edits) && edits[n].AddEntry != nil && countSet(edits[n]) == 1 {
		n++
	}
	return n
}

// appendEntries makes a run of AddEntry edits as commitEntry would, one
// change each with the same ops and message, but writes them all in one
// call into automerge's C API (amraw.AppendMaps, decision 0035) instead of
// a cgo call, a Go wrapper and a finalizer per field: each entry is
// checked first (ledger.Admit, against *ix kept up to date as commitEntry
// keeps it), then the entries admitted are written and committed. It
// appends their chunks to out and returns how many edits it made; on an
// error that many edits stay committed and the error is the next one's
// (an ErrInvalid one writes nothing of it; any other poisons the Doc).
func (d *Doc) appendEntries(edits []model.Edit, at time.Time, ix **ledger.Index, out [][]byte) ([][]byte, int, error) {
	if *ix == nil {
		cur, err := d.ledgerIndex()
		if err != nil {
			return out, 0, err // as commitEntry: a read, nothing written
		}
		*ix = cur
	}
	maps := make([]amraw.Map, 0, len(edits))
	var refused error
	for _, e := range edits {
		if !(*ix).HasList() {
			// No entries list: the Writer's path names the error.
			refused = d.noEntriesList(*e.AddEntry, at, *ix)
			break
		}
		msg, err := ledger.Admit(*e.AddEntry, *ix)
		if err != nil {
			refused = wrapEdit("edit", err, d)
			break
		}
		maps = append(maps, amraw.Map{Msg: msg, Fields: ledger.Fields(*e.AddEntry)})
	}
	chunks, err := amraw.AppendMaps(d.am, ledger.EntriesKey, maps, at)
	if err != nil {
		return out, len(chunks), d.poisoned("edit", err)
	}
	for _, c := range chunks {
		if len(c) > MaxChangeBytes {
			return out, len(maps), d.poisoned("edit", fmt.Errorf("%w: %d bytes", ErrTooLarge, len(c)))
		}
	}
	return append(out, chunks...), len(maps), refused
}

// noEntriesList is commitEntry's error for an entry of a ledger without an
// entries list: the Writer's path refuses it before writing.
func (d *Doc) noEntriesList(e model.Entry, at time.Time, ix *ledger.Index) error {
	_, err := d.commitWrite("edit", at, func(w *amdoc.Writer) (string, error) {
		return ledger.AddEntry(w, e, ix)
	}, nil)
	if err == nil {
		return d.poisoned("edit", errors.New("an entry was added to a ledger without an entries list"))
	}
	return err
}

// wrapEdit returns what commitWrite returns for an error of a write
// function that wrote nothing.
func wrapEdit(op string, err error, d *Doc) error {
	if errors.Is(err, ErrInvalid) {
		return fmt.Errorf("crdt: %s: %w", op, err)
	}
	return d.poisoned(op, err)
}

// commitEntry is commitEdit of an AddEntry in a run of them: *ix is the
// ledger's index, checked against the document's heads (ledgerIndex) for
// the first entry of the run and kept up to date by each, so that the
// entries after the first read neither the heads nor the document's root
// (the index holds the entries list). The caller records the heads the
// index matches once the run ends.
func (d *Doc) commitEntry(e model.Entry, at time.Time, ix **ledger.Index, made []am.ChangeHash) ([]am.ChangeHash, error) {
	if *ix == nil {
		cur, err := d.ledgerIndex()
		if err != nil {
			return made, err
		}
		*ix = cur
	}
	return d.commitWrite("edit", at, func(w *amdoc.Writer) (string, error) {
		return ledger.AddEntry(w, e, *ix)
	}, made)
}

// commitEdit is Edit without reading the changes it made: it appends the
// hashes of its commits to made.
func (d *Doc) commitEdit(e model.Edit, at time.Time, made []am.ChangeHash) ([]am.ChangeHash, error) {
	fn, err := d.dispatch(e)
	if err != nil {
		return made, err
	}
	before := len(made)
	made, err = d.commitWrite("edit", at, fn, made)
	if err != nil || len(made) == before {
		return made, err
	}
	if e.AddEntry != nil {
		d.ixHeads = d.Heads() // AddEntry updated the index itself
	}
	return made, nil
}
