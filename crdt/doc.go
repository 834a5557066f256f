// Package crdt is weft's typed wrapper over automerge-go: it creates, loads
// and edits the three document types (calendar, case, ledger; DESIGN.md
// section 3) and hands back the raw change chunks each edit made.
//
// Every automerge call runs only in the engine child process (DESIGN.md
// section 5): the engine's server calls Enable once at start, and Create,
// Load and LedgerHistory return ErrNotEngine without it. A *Doc can only be
// had from them, so its methods need no check of their own.
//
// The traps of automerge-go 2023-09 are handled here, once: changes are
// applied with LoadIncremental (never Doc.Apply) and every change handed in
// is checked to be present afterwards, since LoadIncremental says nothing
// about garbage; Changes(since) is only called with heads checked to be
// known; every edit is validated before anything is written, committed as
// one change with an explicit time and message, and a write that fails half
// way poisons the Doc (there is no rollback), so the caller reloads it from
// its store under a fresh actor.
//
// Usage, in the engine:
//
//	crdt.Enable()
//	d, chunks, err := crdt.Create(model.Create{Type: model.Ledger, Space: space, Currency: "EUR"}, actor, now, "")
//	chunks, err = d.Edit(model.Edit{AddEntry: &entry}, now)
//	v, err := d.View()
package crdt
