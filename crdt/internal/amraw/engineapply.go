package amraw

/*
#include "weft_am.h" // automerge.h's declarations (see amraw.go)
#include "weft_error.h"

enum { weftApplyStatusOK = 0 };

// weft_apply_fail records the error of res (or msg when res is NULL or
// says nothing), frees res and returns -1.
static int weft_apply_fail(struct AMresult *res, const char *msg, char **err) {
	weft_copy_error(res, msg, err);
	if (res != NULL) AMresultFree(res);
	return -1;
}

// weft_load_incremental loads the change chunks in src into doc
// (AMloadIncremental), then reads its heads (AMgetHeads): *ops is the
// number of operations the load added, *heads (malloc'd, 32 bytes a
// head) and *nheads the document's heads after it. It returns 0, or -1
// with *err set (malloc'd).
static int weft_load_incremental(struct AMdoc *doc, const uint8_t *src, size_t count,
		uint64_t *ops, uint8_t **heads, size_t *nheads, char **err) {
	*ops = 0;
	*heads = NULL;
	*nheads = 0;
	*err = NULL;
	struct AMresult *res = AMloadIncremental(doc, src, count);
	if (res == NULL || AMresultStatus(res) != weftApplyStatusOK) return weft_apply_fail(res, "automerge returned no result", err);
	struct AMitem *item = AMresultItem(res);
	if (item == NULL || !AMitemToUint(item, ops)) return weft_apply_fail(res, "automerge's load gave no count of operations", err);
	AMresultFree(res);

	res = AMgetHeads(doc);
	if (res == NULL || AMresultStatus(res) != weftApplyStatusOK) return weft_apply_fail(res, "automerge returned no heads", err);
	AMitems items = AMresultItems(res);
	size_t n = AMitemsSize(&items);
	uint8_t *out = malloc(n > 0 ? 32 * n : 1);
	if (out == NULL) return weft_apply_fail(res, "out of memory", err);
	size_t i = 0;
	for (struct AMitem *h = AMitemsNext(&items, 1); h != NULL && i < n; h = AMitemsNext(&items, 1), i++) {
		AMbyteSpan hash = {NULL, 0};
		if (!AMitemToChangeHash(h, &hash) || hash.count != 32) {
			free(out);
			return weft_apply_fail(res, "a head is not a change hash", err);
		}
		memcpy(out + 32 * i, hash.src, 32);
	}
	AMresultFree(res);
	*heads = out;
	*nheads = i;
	return 0;
}
*/
import "C"

import (
	"fmt"
	"runtime"
	"sync"
	"unsafe"

	am "github.com/automerge/automerge-go"
)

// LoadIncremental loads raw, change chunks one after another, into doc as
// automerge-go's Doc.LoadIncremental does, and returns how many
// operations the load added and the document's heads after it, in one
// cgo call (decision 0037): the wrapper copies raw into C memory, sets a
// finalizer on each result and makes a Go object per head, and drops the
// count of operations, which the engine's cache otherwise works out by
// parsing every change again. A change the document held already adds no
// operation. raw must not be empty.
//
// An error leaves doc as LoadIncremental's would: changes before the
// failing one may be applied.
func LoadIncremental(doc *am.Doc, raw []byte) (ops uint64, heads []am.ChangeHash, err error) {
	offs, ok := layout()
	if !ok {
		return 0, nil, ErrUnavailable
	}
	if len(raw) == 0 {
		return 0, nil, fmt.Errorf("amraw: load: nothing to load")
	}
	base := unsafe.Pointer(doc)
	cDoc := *(**C.struct_AMdoc)(unsafe.Add(base, offs[0]))
	mu := (*sync.Mutex)(unsafe.Add(base, offs[1]))

	var cops C.uint64_t
	var out *C.uint8_t
	var n C.size_t
	var cerr *C.char
	mu.Lock()
	// raw is Go memory without pointers, read by C for the call only.
	rc := C.weft_load_incremental(cDoc, (*C.uint8_t)(unsafe.Pointer(unsafe.SliceData(raw))), C.size_t(len(raw)),
		&cops, &out, &n, &cerr)
	mu.Unlock()
	runtime.KeepAlive(doc)
	runtime.KeepAlive(raw)
	if rc != 0 {
		msg := "unknown error"
		if cerr != nil {
			msg = C.GoString(cerr)
			C.free(unsafe.Pointer(cerr))
		}
		return 0, nil, fmt.Errorf("amraw: automerge: %s", msg)
	}
	defer C.free(unsafe.Pointer(out))
	heads = make([]am.ChangeHash, int(n))
	if n > 0 {
		copy(unsafe.Slice((*byte)(unsafe.Pointer(&heads[0])), 32*len(heads)), unsafe.Slice((*byte)(unsafe.Pointer(out)), 32*int(n)))
	}
	return uint64(cops), heads, nil
}
