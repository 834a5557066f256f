package wire

import (
	"bytes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io"

	"golang.org/x/crypto/chacha20poly1305"
)

// A bundle is one file carrying a space's changes between machines that
// never meet on a network (DESIGN.md section 7, path 3):
//
//	header   "weftbndl" | version (1) | nonce (24) | tag (16)
//	entries  length (4, big endian) | XChaCha20-Poly1305 sealed entry, ...
//
// The tag is HMAC(epoch key, nonce) truncated: it lets the importer find
// the key among its spaces' keys, and links nothing across bundles. Each
// entry is sealed under a key derived from the epoch key, with a nonce
// derived from the header's nonce and the entry's index, and the header,
// the index and a final flag as associated data: entries cannot be
// reordered, dropped, moved between bundles or cut off after the last.
// Nothing outside the sealed entries names the space, its members or its
// content.

// Bundle limits, checked before anything is allocated.
const (
	// BundleVersion is the format version this package writes and reads.
	BundleVersion = 1
	// MaxBundleEntry bounds the change bytes in one entry: a change chunk
	// of MaxChunkSize fits alone. An entry's encoding may add
	// bundleEntrySlack for its other fields.
	MaxBundleEntry = 4 << 20
	// MaxBundleSize bounds a whole bundle file.
	MaxBundleSize = 256 << 20
	// BundleHeaderSize is the size of the plain header.
	BundleHeaderSize = len(bundleMagic) + 1 + chacha20poly1305.NonceSizeX + BundleTagSize
	// BundleTagSize is the size of the key tag in the header.
	BundleTagSize = 16

	bundleMagic      = "weftbndl"
	bundleEntrySlack = 64 << 10
	maxSealedEntry   = MaxBundleEntry + bundleEntrySlack + chacha20poly1305.Overhead
	bundleKeyInfo    = "weft/bundle-key/v1"
	bundleTagInfo    = "weft/bundle-tag/v1"
)

// ErrBundle: a bundle that is truncated, altered, sealed under another key
// or breaks the format.
var ErrBundle = errors.New("wire: bad bundle")

// BundleHeader is a bundle's plain header.
type BundleHeader struct {
	Nonce [chacha20poly1305.NonceSizeX]byte
	Tag   [BundleTagSize]byte
}

func (h BundleHeader) bytes() []byte {
	b := append([]byte(bundleMagic), BundleVersion)
	b = append(b, h.Nonce[:]...)
	return append(b, h.Tag[:]...)
}

// BundleTag is the tag a bundle sealed under key carries with nonce.
func BundleTag(key []byte, nonce [chacha20poly1305.NonceSizeX]byte) [BundleTagSize]byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(bundleTagInfo))
	m.Write(nonce[:])
	var t [BundleTagSize]byte
	copy(t[:], m.Sum(nil))
	return t
}

// Opens reports whether a bundle with header h was sealed under key.
func (h BundleHeader) Opens(key []byte) bool {
	t := BundleTag(key, h.Nonce)
	return hmac.Equal(t[:], h.Tag[:])
}

func bundleAEAD(key []byte) (cipher.AEAD, error) {
	k, err := hkdf.Key(sha256.New, key, nil, bundleKeyInfo, chacha20poly1305.KeySize)
	if err != nil {
		return nil, fmt.Errorf("wire: bundle key: %w", err)
	}
	return chacha20poly1305.NewX(k)
}

// entryNonce is the header's nonce with the entry index folded into its
// last 8 bytes.
func entryNonce(h BundleHeader, i uint64) []byte {
	n := h.Nonce
	x := binary.BigEndian.Uint64(n[16:]) ^ i
	binary.BigEndian.PutUint64(n[16:], x)
	return n[:]
}

func entryAD(header []byte, i uint64, final bool) []byte {
	ad := binary.BigEndian.AppendUint64(bytes.Clone(header), i)
	if final {
		return append(ad, 1)
	}
	return append(ad, 0)
}

// digestEntry adds one entry to a running digest, length first.
func digestEntry(d hash.Hash, entry []byte) {
	d.Write(binary.BigEndian.AppendUint64(nil, uint64(len(entry))))
	d.Write(entry)
}

// BundleWriter seals entries into a bundle. It is not safe for concurrent
// use.
type BundleWriter struct {
	w      io.Writer
	aead   cipher.AEAD
	h      BundleHeader
	header []byte
	n      uint64
	size   int
	digest hash.Hash
}

// NewBundleWriter writes a header for a bundle sealed under key (32 bytes)
// with a random nonce, and returns the writer of its entries.
func NewBundleWriter(w io.Writer, key []byte) (*BundleWriter, error) {
	aead, err := bundleAEAD(key)
	if err != nil {
		return nil, err
	}
	var h BundleHeader
	_, _ = rand.Read(h.Nonce[:]) // crypto/rand.Read never fails (Go 1.24+).
	h.Tag = BundleTag(key, h.Nonce)
	bw := &BundleWriter{w: w, aead: aead, h: h, header: h.bytes(), digest: sha256.New()}
	if _, err := w.Write(bw.header); err != nil {
		return nil, fmt.Errorf("wire: write bundle: %w", err)
	}
	bw.size = len(bw.header)
	return bw, nil
}

// Write seals one entry.
func (bw *BundleWriter) Write(entry []byte) error {
	digestEntry(bw.digest, entry)
	return bw.seal(entry, false)
}

// Digest is the SHA-256 of every entry written so far, each preceded by
// its length: what the exporter signs.
func (bw *BundleWriter) Digest() [32]byte {
	var d [32]byte
	copy(d[:], bw.digest.Sum(nil))
	return d
}

// Close seals the final entry (the signature over Digest) and ends the
// bundle.
func (bw *BundleWriter) Close(last []byte) error { return bw.seal(last, true) }

func (bw *BundleWriter) seal(entry []byte, final bool) error {
	if len(entry) > MaxBundleEntry+bundleEntrySlack {
		return fmt.Errorf("%w: entry of %d bytes", ErrTooLarge, len(entry))
	}
	sealed := bw.aead.Seal(nil, entryNonce(bw.h, bw.n), entry, entryAD(bw.header, bw.n, final))
	bw.n++
	bw.size += 4 + len(sealed)
	if bw.size > MaxBundleSize {
		return fmt.Errorf("%w: bundle over %d bytes", ErrTooLarge, MaxBundleSize)
	}
	if _, err := bw.w.Write(binary.BigEndian.AppendUint32(nil, uint32(len(sealed)))); err != nil {
		return fmt.Errorf("wire: write bundle: %w", err)
	}
	if _, err := bw.w.Write(sealed); err != nil {
		return fmt.Errorf("wire: write bundle: %w", err)
	}
	return nil
}

// ReadBundleHeader reads and checks a bundle's header.
func ReadBundleHeader(r io.Reader) (BundleHeader, error) {
	var h BundleHeader
	b := make([]byte, BundleHeaderSize)
	if _, err := io.ReadFull(r, b); err != nil {
		return h, fmt.Errorf("%w: header: %v", ErrBundle, err)
	}
	if string(b[:len(bundleMagic)]) != bundleMagic {
		return h, fmt.Errorf("%w: not a weft bundle", ErrBundle)
	}
	if v := b[len(bundleMagic)]; v != BundleVersion {
		return h, fmt.Errorf("%w: version %d, this program reads %d", ErrBundle, v, BundleVersion)
	}
	off := len(bundleMagic) + 1
	copy(h.Nonce[:], b[off:])
	copy(h.Tag[:], b[off+len(h.Nonce):])
	return h, nil
}

// ReadBundle reads and opens every entry of the bundle after its header h
// with key. It returns the entries, the final one last, and the digest of
// every entry but the final one. A truncated, altered or over-long bundle
// fails with ErrBundle or ErrTooLarge; nothing is returned then.
func ReadBundle(r io.Reader, h BundleHeader, key []byte) (entries [][]byte, digest [32]byte, err error) {
	aead, err := bundleAEAD(key)
	if err != nil {
		return nil, digest, err
	}
	br := &bundleReader{r: io.LimitReader(r, int64(MaxBundleSize-BundleHeaderSize)+1), aead: aead, h: h,
		header: h.bytes(), digest: sha256.New()}
	for {
		entry, final, err := br.next()
		if err != nil {
			return nil, digest, err
		}
		entries = append(entries, entry)
		if final {
			break
		}
		digestEntry(br.digest, entry)
	}
	if n, _ := br.r.Read(make([]byte, 1)); n > 0 {
		return nil, digest, fmt.Errorf("%w: data after the final entry", ErrBundle)
	}
	copy(digest[:], br.digest.Sum(nil))
	return entries, digest, nil
}

type bundleReader struct {
	r      io.Reader
	aead   cipher.AEAD
	h      BundleHeader
	header []byte
	n      uint64
	digest hash.Hash
}

// next reads and opens one entry, trying it as non-final, then final.
func (br *bundleReader) next() ([]byte, bool, error) {
	var l [4]byte
	if _, err := io.ReadFull(br.r, l[:]); err != nil {
		return nil, false, fmt.Errorf("%w: truncated after %d entries", ErrBundle, br.n)
	}
	size := binary.BigEndian.Uint32(l[:])
	if size > maxSealedEntry {
		return nil, false, fmt.Errorf("%w: entry %d of %d bytes", ErrTooLarge, br.n, size)
	}
	sealed := make([]byte, size)
	if _, err := io.ReadFull(br.r, sealed); err != nil {
		return nil, false, fmt.Errorf("%w: truncated in entry %d", ErrBundle, br.n)
	}
	i := br.n
	br.n++
	nonce := entryNonce(br.h, i)
	if pt, err := br.aead.Open(nil, nonce, sealed, entryAD(br.header, i, false)); err == nil {
		return pt, false, nil
	}
	if pt, err := br.aead.Open(nil, nonce, sealed, entryAD(br.header, i, true)); err == nil {
		return pt, true, nil
	}
	return nil, false, fmt.Errorf("%w: entry %d does not open: altered, or sealed under another key", ErrBundle, i)
}
