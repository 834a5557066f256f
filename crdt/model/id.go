package model

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/binary"
	"strings"
	"sync"
)

// idEncoding is lowercase base32 without padding: 128 bits make 26 characters.
var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// IDLen is the length in characters of every weft ID.
const IDLen = 26

// NewID returns a random 128-bit ID in lowercase base32.
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+).
	return idEncoding.EncodeToString(b[:])
}

// NewItemID returns an ID for an item inside a document (a ledger entry,
// an event): 128 bits, like NewID, made of a random 80-bit prefix drawn
// once per process and a 48-bit counter from a random start. Items are
// unique within their document as surely as with NewID (two processes
// share a prefix with probability 2^-80), and a sync frame or bundle
// carrying many items made by one process compresses their IDs to a few
// bytes each instead of 16 (decision 0022). The prefix says no more than
// the change's actor and attestation already do: that one process made
// them.
func NewItemID() string {
	itemIDs.mu.Lock()
	defer itemIDs.mu.Unlock()
	if !itemIDs.ready || itemIDs.next >= 1<<48 {
		_, _ = rand.Read(itemIDs.prefix[:])
		var start [8]byte
		_, _ = rand.Read(start[:])
		itemIDs.next = binary.BigEndian.Uint64(start[:]) >> 24 // below 2^40: room to count
		itemIDs.ready = true
	}
	var b [16]byte
	copy(b[:10], itemIDs.prefix[:])
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], itemIDs.next)
	copy(b[10:], n[2:])
	itemIDs.next++
	return idEncoding.EncodeToString(b[:])
}

// itemIDs is NewItemID's state.
var itemIDs struct {
	mu     sync.Mutex
	ready  bool
	prefix [10]byte
	next   uint64
}

// ValidID reports whether s has the shape of an ID made by NewID or
// NewItemID.
func ValidID(s string) bool {
	if len(s) != IDLen || strings.ToLower(s) != s {
		return false
	}
	b, err := idEncoding.DecodeString(s)
	return err == nil && len(b) == 16
}
