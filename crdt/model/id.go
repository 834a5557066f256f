package model

import (
	"crypto/rand"
	"encoding/base32"
	"strings"
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

// ValidID reports whether s has the shape of an ID made by NewID.
func ValidID(s string) bool {
	if len(s) != IDLen || strings.ToLower(s) != s {
		return false
	}
	b, err := idEncoding.DecodeString(s)
	return err == nil && len(b) == 16
}
