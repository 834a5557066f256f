package wire

import (
	"fmt"

	"github.com/fxamacker/cbor/v2"
)

// Kinds of bundle entries. A bundle holds one EntrySpace first, then
// membership operations, then per document one EntryDoc and its
// EntryChanges, and ends with one EntrySig.
const (
	EntrySpace   = 1 // the space: ID, name, default calendar, ledger, epoch, exporter, time
	EntryOp      = 2 // one encoded membership operation
	EntryDoc     = 3 // a document: ID, type, metadata
	EntryChanges = 4 // raw change chunks of a document in causal order, with attestations
	EntrySig     = 5 // the exporter's signature over every entry before it
)

// BundleEntry is one entry of a bundle's sealed payload; Kind says which
// fields it carries.
type BundleEntry struct {
	Kind     uint8    `cbor:"0,keyasint"`
	Space    string   `cbor:"1,keyasint,omitempty"`
	Name     string   `cbor:"2,keyasint,omitempty"`
	Created  int64    `cbor:"3,keyasint,omitempty"`
	Calendar string   `cbor:"4,keyasint,omitempty"`
	Ledger   string   `cbor:"5,keyasint,omitempty"`
	Epoch    []byte   `cbor:"6,keyasint,omitempty"`
	Op       []byte   `cbor:"7,keyasint,omitempty"`
	Doc      string   `cbor:"8,keyasint,omitempty"`
	DocType  string   `cbor:"9,keyasint,omitempty"`
	Meta     []byte   `cbor:"10,keyasint,omitempty"`
	Chunks   [][]byte `cbor:"11,keyasint,omitempty"`
	Atts     [][]byte `cbor:"12,keyasint,omitempty"`
	Signer   []byte   `cbor:"13,keyasint,omitempty"`
	Sig      []byte   `cbor:"14,keyasint,omitempty"`
	Time     int64    `cbor:"15,keyasint,omitempty"`
}

// maxEntryItems bounds the chunks or attestations of one entry.
const maxEntryItems = 1 << 16

var (
	entryEnc = func() cbor.EncMode {
		m, err := cbor.CoreDetEncOptions().EncMode()
		if err != nil {
			panic(err) // static options: cannot fail
		}
		return m
	}()
	entryDec = func() cbor.DecMode {
		m, err := cbor.DecOptions{
			DupMapKey:         cbor.DupMapKeyEnforcedAPF,
			IndefLength:       cbor.IndefLengthForbidden,
			TagsMd:            cbor.TagsForbidden,
			MaxNestedLevels:   4,
			MaxArrayElements:  maxEntryItems,
			MaxMapPairs:       32,
			ExtraReturnErrors: cbor.ExtraDecErrorUnknownField,
		}.DecMode()
		if err != nil {
			panic(err) // static options: cannot fail
		}
		return m
	}()
)

// EncodeBundleEntry encodes e deterministically.
func EncodeBundleEntry(e BundleEntry) ([]byte, error) {
	b, err := entryEnc.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("wire: encode bundle entry: %w", err)
	}
	return b, nil
}

// DecodeBundleEntry decodes one opened entry, refusing unknown kinds and
// fields, and sizes over the limits.
func DecodeBundleEntry(b []byte) (BundleEntry, error) {
	var e BundleEntry
	if len(b) > MaxBundleEntry+bundleEntrySlack {
		return e, fmt.Errorf("%w: bundle entry of %d bytes", ErrTooLarge, len(b))
	}
	if err := entryDec.Unmarshal(b, &e); err != nil {
		return BundleEntry{}, fmt.Errorf("%w: entry: %v", ErrBundle, err)
	}
	if e.Kind < EntrySpace || e.Kind > EntrySig {
		return BundleEntry{}, fmt.Errorf("%w: entry kind %d", ErrBundle, e.Kind)
	}
	return e, nil
}
