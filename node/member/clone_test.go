package member

import (
	"errors"
	"slices"
	"testing"
)

// TestClone: a clone holds what the log holds, waiting operations
// included, and adding to one changes neither the other's operations nor
// its waiting list.
func TestClone(t *testing.T) {
	f := newFixture(t)
	bob := f.admit("alice", "bob", RoleMember)
	// An operation whose follow the log lacks waits.
	ghost := [32]byte{1}
	late := f.sign("alice", &Op{Kind: KindRename, SpaceName: "Later", Follows: sortedIDs(bob, ghost)})
	f.add(late)
	c := f.log.Clone()
	if c.Len() != f.log.Len() || !c.Has(late.ID()) || len(c.Missing()) != 1 {
		t.Fatalf("clone: %d ops, has waiting %v, missing %x", c.Len(), c.Has(late.ID()), c.Missing())
	}
	next := f.sign("alice", &Op{Kind: KindRename, SpaceName: "Next"})
	if err := c.Add(next); err != nil {
		t.Fatal(err)
	}
	if f.log.Has(next.ID()) || f.log.Len() != c.Len()-1 {
		t.Fatal("adding to the clone changed the original")
	}
	other := f.sign("alice", &Op{Kind: KindRename, SpaceName: "Other", Follows: sortedIDs(ghost, [32]byte{2})})
	f.add(other)
	if c.Has(other.ID()) || len(c.Missing()) != 1 || len(f.log.Missing()) != 2 {
		t.Fatalf("waiting lists shared: clone misses %d, original %d", len(c.Missing()), len(f.log.Missing()))
	}
}

// TestAddEncoded: AddEncoded refuses what Decode refuses and another
// space's operation, and adds a good one as Add does.
func TestAddEncoded(t *testing.T) {
	f := newFixture(t)
	op := f.sign("alice", &Op{Kind: KindRename, SpaceName: "New"})
	b := op.Encode()
	bad := append([]byte(nil), b...)
	bad[len(bad)-1] ^= 1 // the signature's last byte
	if _, err := f.log.AddEncoded(bad); err == nil {
		t.Fatal("a damaged operation was added")
	}
	other := newFixture(t)
	if _, err := other.log.AddEncoded(b); !errors.Is(err, ErrWrongSpace) {
		t.Fatalf("another space's operation: %v", err)
	}
	got, err := f.log.AddEncoded(b)
	if err != nil || got.ID() != op.ID() || !f.log.Has(op.ID()) {
		t.Fatalf("add: %v", err)
	}
	r, err := f.log.Roster()
	if err != nil || r.Name() != "New" {
		t.Fatalf("roster after AddEncoded: %v, name %q", err, r.Name())
	}
}

// sortedIDs returns ids in ascending order, as follows must be.
func sortedIDs(ids ...[32]byte) [][32]byte {
	slices.SortFunc(ids, compareID)
	return ids
}
