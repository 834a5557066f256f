package node

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/fxamacker/cbor/v2"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/store"
)

// spaceRecord is what the store keeps of a space, sealed.
type spaceRecord struct {
	ID       string `cbor:"1,keyasint"`
	Name     string `cbor:"2,keyasint"`
	Created  int64  `cbor:"3,keyasint"`
	Calendar string `cbor:"4,keyasint"` // the default calendar document
	Ledger   string `cbor:"5,keyasint"` // the space's first ledger
	// Current is the ledger that continues Ledger, as this node last
	// resolved it (decision 0071), or Ledger itself while its only markers
	// name ledgers this node does not hold; "" while no marker is known.
	Current string `cbor:"6,keyasint,omitempty"`
}

// docMeta is what the store keeps beside a document, sealed.
type docMeta struct {
	Name string `cbor:"1,keyasint,omitempty"`
}

// defaultCurrency is a new ledger's currency until someone records another.
const defaultCurrency = "EUR"

// CreateSpace makes a new space with this node as its steward: the
// membership log's create operation, the first epoch key, a default
// calendar and a ledger, all in one transaction.
func (n *Node) CreateSpace(ctx context.Context, name string) (Space, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return Space{}, fmt.Errorf("%w: a space needs a name", ErrInvalid)
	}
	now := n.now()
	op, key, err := n.newSpaceOp(name, now)
	if err != nil {
		return Space{}, fmt.Errorf("node: create space: %w", err)
	}
	rec := spaceRecord{ID: op.Space, Name: name, Created: now.Unix(), Calendar: model.NewID(), Ledger: model.NewID()}
	err = n.update(ctx, func(tx *writeTx) error {
		if err := putCreateOp(tx.Tx, op, key); err != nil {
			return err
		}
		if err := putSpaceRecord(tx.Tx, rec); err != nil {
			return err
		}
		if err := n.createCalendar(ctx, tx, rec.ID, rec.Calendar, name); err != nil {
			return err
		}
		row := store.DocRow{ID: rec.Ledger, Space: rec.ID, Type: model.Ledger, Created: now.Unix()}
		return n.createDoc(ctx, tx, row, model.Create{Type: model.Ledger, Space: rec.ID, Currency: defaultCurrency})
	})
	if err != nil {
		return Space{}, fmt.Errorf("node: create space: %w", err)
	}
	return rec.space(), nil
}

// spaceRecordIn reads one space's record in tx.
func spaceRecordIn(tx *store.Tx, space string) (spaceRecord, error) {
	var rec spaceRecord
	b, err := tx.Space(space)
	if err != nil {
		return rec, err
	}
	if err := cbor.Unmarshal(b, &rec); err != nil {
		return rec, fmt.Errorf("%w: space record: %w", ErrCorrupt, err)
	}
	return rec, nil
}

func putSpaceRecord(tx *store.Tx, rec spaceRecord) error {
	b, err := cbor.Marshal(rec)
	if err != nil {
		return err
	}
	return tx.PutSpace(rec.ID, b)
}

func (r spaceRecord) space() Space {
	return Space{ID: r.ID, Name: r.Name, Created: time.Unix(r.Created, 0)}
}

// spaceRecords lists every space this node holds.
func (n *Node) spaceRecords(ctx context.Context) ([]spaceRecord, error) {
	var recs []spaceRecord
	err := n.db.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Spaces()
		if err != nil {
			return err
		}
		for _, r := range rows {
			var rec spaceRecord
			if err := cbor.Unmarshal(r.Blob, &rec); err != nil {
				return fmt.Errorf("%w: space record: %w", ErrCorrupt, err)
			}
			recs = append(recs, rec)
		}
		return nil
	})
	sort.Slice(recs, func(i, j int) bool { return recs[i].Name < recs[j].Name })
	return recs, storeErr(err)
}

// Spaces lists the spaces this node belongs to, by name, then those it
// waits to join (pending.go).
func (n *Node) Spaces(ctx context.Context) ([]Space, error) {
	return n.withPending(ctx)
}

// ResolveSpace finds a space by exact ID, then exact name (an error if two
// share it), then an ID prefix of at least 6 characters (DESIGN.md §10).
// A space this node waits to join resolves too, marked pending.
func (n *Node) ResolveSpace(ctx context.Context, arg string) (Space, error) {
	all, err := n.withPending(ctx)
	if err != nil {
		return Space{}, err
	}
	return resolve(all, arg, "space", func(s Space) (string, string) { return s.ID, s.Name })
}

func (n *Node) resolveSpace(ctx context.Context, arg string) (spaceRecord, error) {
	// An exact ID wins over names and prefixes (resolve): look it up alone
	// first, as every local edit does, rather than decode every record.
	var rec spaceRecord
	err := n.db.View(ctx, func(tx *store.Tx) error {
		b, err := tx.Space(arg)
		if err != nil {
			return err
		}
		if err := cbor.Unmarshal(b, &rec); err != nil {
			return fmt.Errorf("%w: space record: %w", ErrCorrupt, err)
		}
		return nil
	})
	switch {
	case err == nil && rec.ID == arg:
		return rec, nil
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return spaceRecord{}, storeErr(err)
	}
	recs, err := n.spaceRecords(ctx)
	if err != nil {
		return spaceRecord{}, err
	}
	return resolve(recs, arg, "space", func(r spaceRecord) (string, string) { return r.ID, r.Name })
}

// minPrefix is the shortest ID prefix accepted in place of an ID.
const minPrefix = 6

// resolve picks the one item whose ID is arg, else whose name is arg, else
// whose ID starts with arg.
func resolve[T any](items []T, arg, what string, key func(T) (id, name string)) (T, error) {
	var zero T
	var byName, byPrefix []T
	for _, it := range items {
		id, name := key(it)
		switch {
		case id == arg:
			return it, nil
		case name == arg:
			byName = append(byName, it)
		case len(arg) >= minPrefix && strings.HasPrefix(id, arg):
			byPrefix = append(byPrefix, it)
		}
	}
	for _, set := range [][]T{byName, byPrefix} {
		if len(set) == 1 {
			return set[0], nil
		}
		if len(set) > 1 {
			return zero, fmt.Errorf("%w: %d %ss match %q", ErrAmbiguous, len(set), what, arg)
		}
	}
	return zero, fmt.Errorf("%w: no %s %q", ErrNotFound, what, arg)
}

// SpaceDetail returns a space with its members and documents.
func (n *Node) SpaceDetail(ctx context.Context, sp Space) (SpaceDetail, error) {
	d := SpaceDetail{Space: sp}
	err := n.db.View(ctx, func(tx *store.Tx) error {
		members, name, err := n.roster(tx, sp.ID)
		if err != nil {
			return err
		}
		d.Members, d.Name = members, orDefault(name, sp.Name)
		rows, err := tx.Docs(sp.ID)
		if err != nil {
			return err
		}
		if rec, err := spaceRecordIn(tx, sp.ID); err == nil {
			d.Ledger = orDefault(rec.Current, rec.Ledger) // where its continuations lead, as last resolved
		}
		for _, r := range rows {
			switch r.Type {
			case model.Calendar:
				d.Calendars = append(d.Calendars, docRef(r))
			case model.Ledger:
				if d.Ledger == "" {
					d.Ledger = r.ID
				}
			case model.Case:
				d.Cases++
			}
		}
		return nil
	})
	return d, storeErr(err)
}

func docRef(r store.DocRow) DocRef {
	var m docMeta
	_ = cbor.Unmarshal(r.Meta, &m) // a missing name is shown as none
	return DocRef{ID: r.ID, Type: r.Type, Name: m.Name}
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
