package node

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node/engine"
	"github.com/weftsync/weft/store"
)

// LedgerImport is what an import recorded: how many entries, and the IDs
// of the first and last (in the file's order). Both IDs are empty when the
// file held no entry.
type LedgerImport struct {
	Imported int    `json:"imported"`
	FirstID  string `json:"first_id"`
	LastID   string `json:"last_id"`
}

// ImportEntries records the entries of a ledger CSV file (ParseLedgerCSV:
// what weft ledger export writes, or a plain CSV with a header) in the
// space's ledger, as AddEntries does: all or nothing, one change each, in
// one transaction. An entry keeps the ID its file gives it, so that an
// exported ledger imported elsewhere holds the same entries (and its
// reversals still name what they reverse); an ID the ledger already holds
// refuses the whole file, which also stops a file from being imported
// twice. Errors name the line and column.
func (n *Node) ImportEntries(ctx context.Context, sp Space, r io.Reader) (LedgerImport, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxLedgerImport+1))
	if err != nil {
		return LedgerImport{}, fmt.Errorf("node: read ledger CSV: %w", err)
	}
	if len(data) > MaxLedgerImport {
		return LedgerImport{}, fmt.Errorf("%w: the file is larger than %d MiB: split it", ErrInvalid, MaxLedgerImport>>20)
	}
	rows, err := ParseLedgerCSV(bytes.NewReader(data))
	if err != nil {
		return LedgerImport{}, err
	}
	return n.recordEntries(ctx, sp, rows, "line")
}

// AddEntries records entries in the space's ledger, in order, each as its
// own change (as AddEntry makes one), but all through one engine call and
// in one store transaction: they are stored together or, when one is
// refused, not at all. An entry with an empty ID is given a new one; one
// with an ID keeps it, and must not be in the ledger yet. A reversal must
// follow the entry it reverses, and one that reverses an entry already in
// the ledger is allowed only to that entry's recorder or a steward, as for
// Reverse. A space whose join is pending is refused: its ledger has not
// arrived, and the import queue would replay entries one at a time.
func (n *Node) AddEntries(ctx context.Context, sp Space, entries []model.Entry) (LedgerImport, error) {
	rows := make([]ImportRow, len(entries))
	for i, e := range entries {
		rows[i] = ImportRow{Line: i + 1, Entry: e}
	}
	return n.recordEntries(ctx, sp, rows, "entry")
}

// importGroupBytes bounds the estimated size of the edits sent to the
// engine in one call, well within its frame limit; an import larger than
// that takes more than one call, still in one transaction.
const importGroupBytes = 32 << 20

// recordEntries checks rows, then records them; label names a row's Line
// in errors ("line" of a file, "entry" of a list). Rows that only reverse
// one another are checked among themselves, and the engine checks each
// against the ledger's index as it adds it: the node reads the whole
// ledger only when a row reverses an entry already recorded, or to name
// the row of a refusal (decision 0029).
func (n *Node) recordEntries(ctx context.Context, sp Space, rows []ImportRow, label string) (LedgerImport, error) {
	if len(rows) > MaxImportEntries {
		return LedgerImport{}, fmt.Errorf("%w: %d entries, at most %d at once: split them", ErrInvalid, len(rows), MaxImportEntries)
	}
	if err := n.refusePending(ctx, sp); err != nil {
		return LedgerImport{}, err
	}
	for i := range rows {
		if rows[i].Entry.ID == "" {
			rows[i].Entry.ID = model.NewItemID()
		}
	}
	// Rows that reverse only one another and pass among themselves need
	// no read of the ledger (see selfContained); others are checked
	// against it, which also names the row of a refusal precisely.
	checked := !selfContained(rows) || checkRows(nil, rows, label) != nil
	if checked {
		if err := n.checkImport(ctx, sp, rows, label); err != nil {
			return LedgerImport{}, err
		}
	}
	if len(rows) == 0 {
		return LedgerImport{}, nil
	}
	rec, err := n.resolveSpace(ctx, sp.ID)
	if err != nil {
		return LedgerImport{}, err
	}
	target, err := n.entryLedger(ctx, rec)
	if err != nil {
		return LedgerImport{}, err
	}
	edits := make([]model.Edit, len(rows))
	for i := range rows {
		edits[i] = model.Edit{AddEntry: &rows[i].Entry}
	}
	start := time.Now()
	record := func(t chainTarget) error {
		for i := range rows {
			rows[i].Entry.Unfollowed = t.unfollowed
		}
		err := n.update(ctx, func(tx *writeTx) error {
			n.imports.mark(t.doc) // its snapshot waits for the imports to pause (decision 0047)
			return n.editDocMany(ctx, tx, sp.ID, t.doc, edits)
		})
		if err != nil {
			n.imports.unmark(t.doc)
		}
		return err
	}
	// A refusal may be a continuation this node had not seen (decision
	// 0071): follow it, as AddEntry does. Nothing was recorded.
	err = followRefused(target, func() (chainTarget, error) { return n.ledgerTarget(ctx, rec) }, record)
	if err != nil && !checked && errors.Is(err, ErrInvalid) {
		// The engine refused an entry the ledger-free check let through
		// (an ID the ledger already holds): name its row as checkImport
		// does. Nothing was recorded.
		if cerr := n.checkImport(ctx, sp, rows, label); errors.Is(cerr, ErrInvalid) {
			return LedgerImport{}, cerr
		}
	}
	if err != nil {
		return LedgerImport{}, fmt.Errorf("node: import %d entries, none recorded: %w", len(rows), err)
	}
	n.log.Info("ledger entries imported", "space", sp.ID, "entries", len(rows), "took", time.Since(start).Round(time.Millisecond))
	return LedgerImport{Imported: len(rows), FirstID: rows[0].Entry.ID, LastID: rows[len(rows)-1].Entry.ID}, nil
}

// refusePending refuses a space this node waits to join.
func (n *Node) refusePending(ctx context.Context, sp Space) error {
	var st spaceState
	err := n.db.View(ctx, func(tx *store.Tx) (err error) {
		st, err = stateOf(tx, sp.ID)
		return err
	})
	if err != nil {
		return storeErr(err)
	}
	if st != spaceReady && st != spaceUnknown {
		return fmt.Errorf("%w: space %s is still being joined, and its ledger has not arrived: import once 'weft status' no longer shows the join pending",
			ErrInvalid, sp.ID)
	}
	return nil
}

// selfContained reports whether every reversal among rows reverses an
// entry of rows: then only an ID the ledger already holds can make the
// ledger refuse them, which the engine finds as it adds each entry
// (ledger.AddEntry checks against its index of the ledger), without the
// node reading the whole ledger first.
func selfContained(rows []ImportRow) bool {
	ids := make(map[string]bool, len(rows))
	for _, r := range rows {
		ids[r.Entry.ID] = true
	}
	for _, r := range rows {
		if r.Entry.Reverses != "" && !ids[r.Entry.Reverses] {
			return false
		}
	}
	return true
}

// checkImport refuses, naming the row, an ID the ledger or an earlier row
// holds, and a reversal the ledger would refuse or the rule of Reverse
// forbids. It reads the whole ledger: recordEntries runs it only when a
// row reverses an entry outside the rows, or to name the row the engine
// refused.
func (n *Node) checkImport(ctx context.Context, sp Space, rows []ImportRow, label string) error {
	_, v, err := n.ledgerView(ctx, sp)
	if err != nil {
		return err
	}
	if err := checkRows(v.Entries, rows, label); err != nil {
		return err
	}
	return n.mayReverseAll(ctx, sp, outsideTargets(rows), label)
}

// outsideTargets maps the entries rows reverse that are not among rows to
// the reversing row's line.
func outsideTargets(rows []ImportRow) map[string]int {
	inFile := make(map[string]bool, len(rows))
	for _, r := range rows {
		inFile[r.Entry.ID] = true
	}
	outside := map[string]int{}
	for _, r := range rows {
		if t := r.Entry.Reverses; t != "" && !inFile[t] {
			outside[t] = r.Line
		}
	}
	return outside
}

// checkRows refuses, naming the row, an ID ledger (the entries already
// recorded) or an earlier row holds, and a reversal the ledger would
// refuse.
func checkRows(ledger []model.Entry, rows []ImportRow, label string) error {
	reverses := make(map[string]string, len(ledger)+len(rows)) // entry ID -> the ID it reverses ("" when none)
	reversed := map[string]bool{}
	for _, e := range ledger {
		reverses[e.ID] = e.Reverses
		if e.Reverses != "" {
			reversed[e.Reverses] = true
		}
	}
	inFile := make(map[string]int, len(rows)) // entry ID -> its row's line
	for _, r := range rows {
		e, bad := r.Entry, func(field, format string, a ...any) error { return rowErr(label, r.Line, field, format, a...) }
		if first, ok := inFile[e.ID]; ok {
			return bad("id", "entry %s appears again (first on %s %d)", e.ID, label, first)
		}
		if _, ok := reverses[e.ID]; ok {
			return bad("id", "entry %s is already in this ledger: was this file imported before? Leave the id cell empty to record it as a new entry", e.ID)
		}
		if e.Reverses != "" {
			target, ok := reverses[e.Reverses]
			switch {
			case !ok:
				return bad("reverses", "no entry %s in the ledger or on an earlier %s", e.Reverses, label)
			case target != "":
				return bad("reverses", "entry %s is itself a reversal, which cannot be reversed", e.Reverses)
			case reversed[e.Reverses]:
				return bad("reverses", "entry %s is already reversed", e.Reverses)
			}
			reversed[e.Reverses] = true
		}
		reverses[e.ID], inFile[e.ID] = e.Reverses, r.Line
	}
	return nil
}

// rowErr refuses a row: an *ImportError for a file's line, else an error
// naming the entry's position in the list.
func rowErr(label string, line int, field, format string, a ...any) error {
	if label == "line" {
		return importErr(line, field, format, a...)
	}
	return fmt.Errorf("%w: %s %d, %s: %s", ErrInvalid, label, line, field, fmt.Sprintf(format, a...))
}

// mayReverseAll applies Reverse's rule to reversals of entries already in
// the ledger (entry ID -> the reversing row's line).
func (n *Node) mayReverseAll(ctx context.Context, sp Space, targets map[string]int, label string) error {
	if len(targets) == 0 {
		return nil
	}
	entries, err := n.Entries(ctx, sp)
	if err != nil {
		return err
	}
	for _, e := range entries {
		line, ok := targets[e.ID]
		if !ok {
			continue
		}
		if err := n.mayReverse(ctx, sp, e); err != nil {
			return fmt.Errorf("%s %d, reverses: %w", label, line, err)
		}
	}
	return nil
}

// editDocMany applies edits to doc in order, one change each, and stores
// the changes, as editDoc does for one edit. The edits go to the engine in
// groups (editGroups), pipelined: while the node stores one group's
// changes, the engine makes the next group's, and as soon as it has, the
// next group's parsing and signing start (attestPipe), so that the engine,
// the signatures and the store work at once rather than in turn.
func (n *Node) editDocMany(ctx context.Context, tx *writeTx, space, doc string, edits []model.Edit) error {
	if err := checkOpBudgetMany(tx, doc, edits); err != nil {
		return err
	}
	actor, err := n.startEdit(ctx, tx, doc)
	if err != nil {
		return err
	}
	groups := editGroups(edits)
	pr := n.localPreparer(tx) // forked by each group's workers
	chunks, err := n.engineEdit(ctx, tx, doc, actor, func() ([][]byte, error) {
		return n.eng.EditMany(ctx, doc, groups[0], n.now())
	})
	var pipe *attestPipe // the current group's, when started ahead
	defer func() {
		if pipe != nil {
			pipe.close()
		}
	}()
	for k := range groups {
		if err == nil && len(chunks) != len(groups[k]) {
			err = fmt.Errorf("node: the engine made %d change(s) for %d edit(s)", len(chunks), len(groups[k]))
		}
		if err != nil {
			return err
		}
		if k+1 == len(groups) {
			return localOpBudget(tx, n.storeLocalPiped(tx, space, doc, actor, chunks, pipe), doc, edits[0])
		}
		next := make(chan editResult, 1)
		go func(g []model.Edit, at time.Time) { // owned here: waited for below, whatever happens
			c, err := n.eng.EditMany(ctx, doc, g, at)
			var p *attestPipe
			if err == nil && len(c) == len(g) {
				p = n.startAttest(pr, space, doc, actor, c) // closed by editDocMany
			}
			next <- editResult{c, p, err}
		}(groups[k+1], n.now())
		// Let it send its request before this goroutine stores: otherwise,
		// with the other cores busy signing, it waits for a preemption
		// (12.5 ms in a timeline under load) while the engine idles.
		runtime.Gosched()
		err = localOpBudget(tx, n.storeLocalPiped(tx, space, doc, actor, chunks, pipe), doc, edits[0])
		r := <-next
		if pipe != nil {
			pipe.close()
		}
		pipe = r.pipe
		if err != nil {
			return err
		}
		chunks, err = r.chunks, r.err
		if errors.Is(err, engine.ErrNotLoaded) { // lost between calls: load what this transaction stored
			chunks, err = n.engineEdit(ctx, tx, doc, actor, func() ([][]byte, error) {
				return n.eng.EditMany(ctx, doc, groups[k+1], n.now())
			})
		} else if err != nil {
			err = engineErr(err)
		}
	}
	return nil
}

// editResult is the answer to one engine EditMany call, and the attestPipe
// started on its changes (nil when the call failed).
type editResult struct {
	chunks [][]byte
	pipe   *attestPipe
	err    error
}

// pipeEdits is how many edits of an import go to the engine in one call:
// small enough that the engine's work on one group overlaps the node's on
// the group before for most of an import, large enough that the cost of
// a call stays small beside that of its edits.
const pipeEdits = 250

// firstEdits is the size of an import's first group: nothing overlaps the
// engine's work on it, so it is small, and the groups after it double up
// to pipeEdits, each made by the engine while the node stores the one
// before (decision 0035).
const firstEdits = 32

// editGroups splits edits (at least one) into the groups editDocMany sends
// to the engine, in order.
func editGroups(edits []model.Edit) [][]model.Edit {
	var groups [][]model.Edit
	size := firstEdits
	for len(edits) > 0 {
		g := edits[:editGroup(edits, size)]
		groups, edits = append(groups, g), edits[len(g):]
		size = min(2*size, pipeEdits)
	}
	return groups
}

// editGroup returns how many of edits the next engine call takes: at most
// limit, and as many as fit importGroupBytes by a generous estimate, at
// least one.
func editGroup(edits []model.Edit, limit int) int {
	size := 0
	for i, e := range edits {
		if a := e.AddEntry; a != nil {
			size += 256 + len(a.Category) + len(a.Memo) + len(a.From) + len(a.To)
		}
		if i == limit || size > importGroupBytes && i > 0 {
			return i
		}
	}
	return len(edits)
}
