package engine

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/fxamacker/cbor/v2"

	"github.com/weftsync/weft/crdt/model"
)

// MaxFrame bounds one RPC frame in either direction. A whole document's
// history travels in one Load frame, so it is generous.
const MaxFrame = 256 << 20

// Operations the engine serves.
const (
	OpPing   = "ping"
	OpCreate = "create"
	OpLoad   = "load"
	OpEdit   = "edit"
	OpView   = "view"
	OpApply  = "apply"
	OpDrop   = "drop"
	OpStats  = "stats"
	// OpSave returns a loaded document's saved form, once it has loaded
	// back with the same heads, and the hashes of the changes it holds.
	OpSave = "save"
	// OpCheck checks that a loaded document still saves and loads back
	// with the same heads (the round trip an Apply with Check makes, run
	// later for changes applied without it). A document that fails is
	// dropped, as after a failed Apply. With Request.Keep it also answers
	// with the saved form that passed and what it covers, as OpSave does.
	OpCheck = "check"
)

// Error codes carried in a Response.
const (
	CodeNotLoaded = "not_loaded"
	CodeInvalid   = "invalid"
	CodePoisoned  = "poisoned"
	CodeFailed    = "failed"
)

// Request is one call to the engine.
type Request struct {
	Op      string        `cbor:"op"`
	Doc     string        `cbor:"doc,omitempty"`
	Actor   []byte        `cbor:"actor,omitempty"`
	Time    int64         `cbor:"time,omitempty"` // unix milliseconds
	Create  *model.Create `cbor:"create,omitempty"`
	Edit    *model.Edit   `cbor:"edit,omitempty"`
	Changes [][]byte      `cbor:"changes,omitempty"`
	// Check asks Apply to verify that the document still saves and loads.
	Check bool `cbor:"check,omitempty"`
	// CheckUpTo, when not zero, limits Check to documents whose estimated
	// size in the engine (after the apply) is at most this many bytes; a
	// larger one is left unchecked and the response says so (Unchecked).
	CheckUpTo int64 `cbor:"check_up_to,omitempty"`
	// Snapshot, for Load, is a saved form to start from; Changes are then
	// the stored changes it does not cover, and Covers the ones it does.
	Snapshot []byte     `cbor:"snapshot,omitempty"`
	Covers   [][32]byte `cbor:"covers,omitempty"`
	// Keep, for OpCheck, asks for the saved form that passed the check
	// and the hashes of the changes it holds (Response.Snapshot and
	// Covers): a document checked when a snapshot of it is due is saved
	// and loaded once, not once for the check and again for the snapshot.
	Keep bool `cbor:"keep,omitempty"`
	// Batch, for OpApplyMany, is one entry per document.
	Batch []DocApply `cbor:"batch,omitempty"`
	// Edits, for OpEditMany, are the typed edits to apply in order.
	Edits []model.Edit `cbor:"edits,omitempty"`
	// RootOnly, for OpView, reads the root's fields alone: a ledger's
	// currency and continuations, not its entries (decision 0071).
	RootOnly bool `cbor:"root_only,omitempty"`
}

// Response is the engine's answer to one Request.
type Response struct {
	Code    string     `cbor:"code,omitempty"`
	Err     string     `cbor:"err,omitempty"`
	Changes [][]byte   `cbor:"changes,omitempty"`
	Heads   [][32]byte `cbor:"heads,omitempty"`
	// Unchecked, answering Apply with Check and CheckUpTo, says that the
	// document was too large to check now: the caller checks it later
	// (OpCheck).
	Unchecked bool        `cbor:"unchecked,omitempty"`
	View      *model.View `cbor:"view,omitempty"`
	Docs      int         `cbor:"docs,omitempty"`
	RSS       int64       `cbor:"rss,omitempty"`
	// Snapshot and Covers answer Save, and Check with Keep: the saved
	// form and the hashes of every change in it.
	Snapshot []byte     `cbor:"snapshot,omitempty"`
	Covers   [][32]byte `cbor:"covers,omitempty"`
	// SnapshotLoads, in Stats, counts the loads this engine process made
	// from a snapshot.
	SnapshotLoads int `cbor:"snapshot_loads,omitempty"`
	// RoundTrips, in Stats, counts the documents this engine process saved
	// and loaded back: round-trip checks and checked saves.
	RoundTrips int `cbor:"round_trips,omitempty"`
	// Batch answers OpApplyMany: one entry per document asked for.
	Batch []DocResult `cbor:"batch,omitempty"`
}

var (
	encMode, _ = cbor.CoreDetEncOptions().EncMode()
	decMode, _ = cbor.DecOptions{
		MaxArrayElements: 1 << 20,
		MaxMapPairs:      1 << 20,
		MaxNestedLevels:  32,
	}.DecMode()
)

// WriteFrame writes v as one length-prefixed CBOR frame.
func WriteFrame(w io.Writer, v any) error {
	f, err := encodeFrame(v)
	if err != nil {
		return err
	}
	return writeEncoded(w, f)
}

// encodeFrame encodes v as a frame, length prefix included.
func encodeFrame(v any) ([]byte, error) {
	b, err := encMode.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("engine: encode frame: %w", err)
	}
	if len(b) > MaxFrame {
		return nil, fmt.Errorf("engine: frame of %d bytes: %w", len(b), ErrTooLarge)
	}
	return append(binary.BigEndian.AppendUint32(make([]byte, 0, 4+len(b)), uint32(len(b))), b...), nil
}

func writeEncoded(w io.Writer, f []byte) error {
	if _, err := w.Write(f); err != nil {
		return fmt.Errorf("engine: write frame: %w", err)
	}
	return nil
}

// ReadFrame reads one length-prefixed CBOR frame into v. It returns io.EOF
// when the stream ends cleanly between frames.
func ReadFrame(r io.Reader, v any) error {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("engine: read frame header: %w", err)
		}
		return err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if n > MaxFrame {
		return fmt.Errorf("engine: frame of %d bytes: %w", n, ErrTooLarge)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return fmt.Errorf("engine: read frame: %w", err)
	}
	if err := decMode.Unmarshal(b, v); err != nil {
		return fmt.Errorf("engine: decode frame: %w", err)
	}
	return nil
}
