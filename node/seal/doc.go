// Package seal holds weft's cryptography: sealing values at rest, the
// passphrase that unlocks the data key, member identities, context-bound
// signatures, attestations of authorship and HPKE for handing epoch keys to
// new members.
//
// Everything here is pure: no I/O beyond crypto/rand, no clock, no logging.
// Every function and method is safe for concurrent use.
//
// At rest (DESIGN.md section 4), one random data key seals every value:
//
//	dataKey := seal.NewDataKey()
//	wrapped, err := seal.WrapDataKey(pass, seal.DefaultKDFParams(), dataKey)
//	...
//	keys, err := seal.NewKeys(dataKey, 1)
//	sealed, err := keys.Seal(ad, value) // ad: table, key columns, column, schema version
//	value, err = keys.Open(ad, sealed)  // errors.Is(err, seal.ErrOpen) when moved or altered
//	idx := keys.Index(docID)            // HMAC for indexed columns
//
// Signatures of every kind go through Sign and Verify with one of the
// Context constants, so nothing signed for one purpose verifies for another.
package seal
