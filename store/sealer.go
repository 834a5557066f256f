package store

import (
	"encoding/binary"

	"github.com/fxamacker/cbor/v2"
)

// Sealer seals and indexes values with keys derived from the data key
// (node/seal provides one). Implementations must be safe for concurrent use.
type Sealer interface {
	// Seal encrypts and authenticates plaintext, binding ad.
	Seal(ad, plaintext []byte) ([]byte, error)
	// Open reverses Seal; it fails when sealed or ad differ in any byte.
	Open(ad, sealed []byte) ([]byte, error)
	// Index returns a keyed hash (an HMAC) of id, the same for the same id.
	Index(id []byte) []byte
}

// sealVersion is the version of the sealed row formats, bound into every
// associated data. It changes only when a row's sealed format does, not
// with every additive migration.
const sealVersion = 1

// ad builds the associated data of one sealed column: table, the row's
// stable key columns, column name and format version, each length-prefixed.
func ad(table, column string, keys ...[]byte) []byte {
	size := len(table) + len(column) + 4*binary.MaxVarintLen16 // room enough: one allocation, not one per doubling
	for _, k := range keys {
		size += len(k) + binary.MaxVarintLen16
	}
	b := binary.AppendUvarint(make([]byte, 0, size), uint64(len(table)))
	b = append(b, table...)
	for _, k := range keys {
		b = binary.AppendUvarint(b, uint64(len(k)))
		b = append(b, k...)
	}
	b = binary.AppendUvarint(b, uint64(len(column)))
	b = append(b, column...)
	return binary.AppendUvarint(b, sealVersion)
}

// index is the Index of a string ID.
func (tx *Tx) index(id string) []byte { return tx.indexOf([]byte(id)) }

// hashIndex is the Index of a change hash.
func (tx *Tx) hashIndex(h [32]byte) []byte { return tx.indexOf(h[:]) }

// maxMemo bounds the indexes a transaction remembers.
const maxMemo = 1 << 14

// indexOf is the sealer's Index of id, remembered for the rest of the
// transaction: a batch of changes names the same document and actor in
// every change, and each change's hash again as the next one's
// dependency, and an HMAC costs more than a map lookup. Callers must not
// modify the returned slice.
func (tx *Tx) indexOf(id []byte) []byte {
	if x, ok := tx.memo[string(id)]; ok {
		return x
	}
	x := tx.sealer.Index(id)
	if tx.memo == nil || len(tx.memo) >= maxMemo {
		tx.memo = make(map[string][]byte)
	}
	tx.memo[string(id)] = x
	return x
}

// seal encodes v in CBOR and seals it for column "blob" of the keyed row.
func (tx *Tx) seal(table string, v any, keys ...[]byte) ([]byte, error) {
	plain, err := marshalRow(v) // encMode.Marshal; by hand for a Change (changecodec.go)
	if err != nil {
		return nil, err
	}
	return tx.sealer.Seal(ad(table, "blob", keys...), plain)
}

// open opens column "blob" of the keyed row into v; any failure is ErrCorrupt.
func (tx *Tx) open(table string, sealed []byte, v any, keys ...[]byte) error {
	plain, err := tx.sealer.Open(ad(table, "blob", keys...), sealed)
	if err != nil {
		return corrupt(table, firstKey(keys), err)
	}
	if err := unmarshalRow(plain, v); err != nil { // cbor.Unmarshal; by hand for a Change
		return corrupt(table, firstKey(keys), err)
	}
	return nil
}

// firstKey names a row in errors.
func firstKey(keys [][]byte) []byte {
	if len(keys) == 0 {
		return nil
	}
	return keys[0]
}

// encMode is deterministic CBOR.
var encMode = func() cbor.EncMode {
	m, err := cbor.CoreDetEncOptions().EncMode()
	if err != nil {
		panic(err) // static options: cannot fail
	}
	return m
}()
