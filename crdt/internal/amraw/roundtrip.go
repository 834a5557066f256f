package amraw

/*
#include "weft_am.h" // automerge.h's declarations (see amraw.go)
#include "weft_error.h"

enum { weftTripStatusOK = 0 };

enum {
	weftTripOK = 0,
	weftTripNoSave = 1,    // AMsave failed or gave no bytes
	weftTripNoLoad = 2,    // AMload of the saved form failed
	weftTripHeads = 3,     // loaded, with other heads than want
	weftTripInternal = 4,  // no result, out of memory: not the document's fault
};

// weft_same_heads reports whether the heads of doc are exactly the n
// hashes in want (32 bytes each, no repeats), in any order. It returns
// 1 when they are, 0 when not, -1 when the heads could not be read.
static int weft_same_heads(struct AMdoc *doc, const uint8_t *want, size_t n, char **err) {
	struct AMresult *res = AMgetHeads(doc);
	if (res == NULL || AMresultStatus(res) != weftTripStatusOK) {
		weft_copy_error(res, "automerge returned no heads", err);
		if (res != NULL) AMresultFree(res);
		return -1;
	}
	AMitems items = AMresultItems(res);
	size_t got = AMitemsSize(&items);
	int same = got == n;
	for (struct AMitem *h = AMitemsNext(&items, 1); same && h != NULL; h = AMitemsNext(&items, 1)) {
		AMbyteSpan hash = {NULL, 0};
		if (!AMitemToChangeHash(h, &hash) || hash.count != 32) {
			same = 0;
			break;
		}
		int found = 0;
		for (size_t i = 0; i < n && !found; i++) found = memcmp(want + 32 * i, hash.src, 32) == 0;
		same = found;
	}
	AMresultFree(res);
	return same;
}

// weft_round_trip saves doc (AMsave), loads the saved form as a new
// document (AMload), compares that document's heads (AMgetHeads) with
// the n hashes in want, and frees the saved bytes and the loaded
// document before it returns: the round-trip check of crdt, in one call.
// It returns one of the weftTrip codes; *err (malloc'd) says why when it
// is not weftTripOK or weftTripHeads.
static int weft_round_trip(struct AMdoc *doc, const uint8_t *want, size_t n, char **err) {
	*err = NULL;
	struct AMresult *saved = AMsave(doc);
	if (saved == NULL) {
		weft_copy_error(NULL, "automerge returned no result", err);
		return weftTripInternal;
	}
	AMbyteSpan bytes = {NULL, 0};
	struct AMitem *item = AMresultStatus(saved) == weftTripStatusOK ? AMresultItem(saved) : NULL;
	if (item == NULL || !AMitemToBytes(item, &bytes) || bytes.count == 0) {
		weft_copy_error(saved, "the save gave no bytes", err);
		AMresultFree(saved);
		return weftTripNoSave;
	}
	struct AMresult *back = AMload(bytes.src, bytes.count);
	AMresultFree(saved);
	if (back == NULL) {
		weft_copy_error(NULL, "automerge returned no result", err);
		return weftTripInternal;
	}
	const struct AMdoc *bdoc = NULL;
	item = AMresultStatus(back) == weftTripStatusOK ? AMresultItem(back) : NULL;
	if (item == NULL || !AMitemToDoc(item, &bdoc) || bdoc == NULL) {
		weft_copy_error(back, "the saved form did not load as a document", err);
		AMresultFree(back);
		return weftTripNoLoad;
	}
	int same = weft_same_heads((struct AMdoc *)bdoc, want, n, err);
	AMresultFree(back);
	if (same < 0) return weftTripInternal;
	return same ? weftTripOK : weftTripHeads;
}
*/
import "C"

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"unsafe"

	am "github.com/automerge/automerge-go"
)

// ErrRoundTrip is wrapped by RoundTrip's error when the document's saved
// form did not load back with the heads wanted, or it could not be saved:
// the document's content is at fault, not the call.
var ErrRoundTrip = errors.New("amraw: saved form does not load back")

// RoundTrip checks that doc's saved form loads back with the heads want,
// as automerge-go's Save, then Load of the bytes, then Heads of the
// loaded copy would (decision 0044): the same core calls in the same
// order (AMsave, AMload, AMgetHeads), in one cgo call, with the saved
// bytes kept in C and the loaded copy freed before it returns, where the
// wrapper copies the bytes to Go and back and leaves the copy's C memory
// to a finalizer, after a later collection. want must hold distinct
// hashes (a document's heads). A failure of the document's content
// matches ErrRoundTrip; any other error (ErrUnavailable, a call that
// gave no result) does not.
func RoundTrip(doc *am.Doc, want [][32]byte) error {
	offs, ok := layout()
	if !ok {
		return ErrUnavailable
	}
	base := unsafe.Pointer(doc)
	cDoc := *(**C.struct_AMdoc)(unsafe.Add(base, offs[0]))
	mu := (*sync.Mutex)(unsafe.Add(base, offs[1]))

	var w *C.uint8_t
	if len(want) > 0 {
		// want is Go memory without pointers, read by C for the call only.
		w = (*C.uint8_t)(unsafe.Pointer(&want[0][0]))
	}
	var cerr *C.char
	mu.Lock()
	rc := C.weft_round_trip(cDoc, w, C.size_t(len(want)), &cerr)
	mu.Unlock()
	runtime.KeepAlive(doc)
	runtime.KeepAlive(want)
	msg := ""
	if cerr != nil {
		msg = C.GoString(cerr)
		C.free(unsafe.Pointer(cerr))
	}
	switch rc {
	case C.weftTripOK:
		return nil
	case C.weftTripHeads:
		return fmt.Errorf("%w: heads differ after load", ErrRoundTrip)
	case C.weftTripNoSave:
		return fmt.Errorf("%w: save: %s", ErrRoundTrip, msg)
	case C.weftTripNoLoad:
		return fmt.Errorf("%w: %s", ErrRoundTrip, msg)
	default:
		return fmt.Errorf("amraw: round trip: %s", msg)
	}
}
