package amdoc

import (
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/weftsync/weft/crdt/model"
)

// Limits on values. A large text is committed in pieces (see Writer).
const (
	MaxString = 64 << 10 // bytes in one scalar string field
	MaxItems  = 256      // items in one list or map field
	// MaxText is the most bytes of one Text field. automerge holds text as
	// one op per code point, about 600 bytes of engine memory each.
	// Measured in the engine (RLIMIT_AS margin 768 MiB): a body of 1 MiB of
	// ASCII is created in 3 s at 620 MB resident, but rewriting half of it
	// then kills the engine; 512 KiB is created at 330 MB and rewritten at
	// 470 MB. 1 MiB of four-byte characters costs a quarter of that.
	// So the limit is 256 KiB: a body that size (a long report, about 40,000
	// words) is created and rewritten whole at about 160 MB.
	MaxText = 256 << 10
)

// Str refuses s unless it is valid UTF-8 of at most MaxString bytes.
func Str(schema, field, s string) error {
	if !utf8.ValidString(s) {
		return Invalid(schema, field, "not valid UTF-8")
	}
	if len(s) > MaxString {
		return tooLong(schema, field, len(s), MaxString)
	}
	return nil
}

// Text refuses s unless it is valid UTF-8 of at most MaxText bytes.
func Text(schema, field, s string) error {
	if !utf8.ValidString(s) {
		return Invalid(schema, field, "not valid UTF-8")
	}
	if len(s) > MaxText {
		return tooLong(schema, field, len(s), MaxText)
	}
	return nil
}

// tooLong refuses a value of n bytes, naming the limit it passed so that
// the message a person reads says how much would fit.
func tooLong(schema, field string, n, limit int) error {
	return Invalid(schema, field, "%d bytes, more than the limit of %s", n, sizeName(limit))
}

// sizeName writes a byte count as a person reads it: "1 MiB (1048576 bytes)".
func sizeName(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB (%d bytes)", n>>20, n)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB (%d bytes)", n>>10, n)
	}
	return fmt.Sprintf("%d bytes", n)
}

// Strs checks a list field: at most MaxItems items, each one passing Str.
func Strs(schema, field string, ss []string) error {
	if len(ss) > MaxItems {
		return Invalid(schema, field, "%d items, more than %d", len(ss), MaxItems)
	}
	for _, s := range ss {
		if err := Str(schema, field, s); err != nil {
			return err
		}
	}
	return nil
}

// ID refuses s unless it has the shape of a weft ID.
func ID(schema, field, s string) error {
	if !model.ValidID(s) {
		return Invalid(schema, field, "%q is not a weft ID", clip(s))
	}
	return nil
}

// OneOf refuses s unless it is one of allowed.
func OneOf(schema, field, s string, allowed []string) error {
	if !slices.Contains(allowed, s) {
		return Invalid(schema, field, "%q is not one of %v", clip(s), allowed)
	}
	return nil
}

// Currency refuses s unless it is three uppercase ASCII letters (ISO 4217 shape).
func Currency(schema, field, s string) error {
	ok := len(s) == 3
	for i := 0; ok && i < len(s); i++ {
		ok = s[i] >= 'A' && s[i] <= 'Z'
	}
	if !ok {
		return Invalid(schema, field, "%q is not three uppercase letters", clip(s))
	}
	return nil
}

// Lang refuses s unless it has the shape of a BCP 47 tag: subtags of 1 to 8
// ASCII letters or digits joined by hyphens, the first of letters only.
func Lang(schema, field, s string) error {
	if !validLang(s) {
		return Invalid(schema, field, "%q is not a language tag", clip(s))
	}
	return nil
}

func validLang(s string) bool {
	if len(s) == 0 || len(s) > 35 {
		return false
	}
	n := 0 // length of the current subtag
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '-' && n > 0 && i < len(s)-1:
			n = 0
			continue
		case isLetter(c), isDigit(c) && i >= n+1:
		default:
			return false
		}
		if n++; n > 8 {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

// clip shortens s for an error message.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
