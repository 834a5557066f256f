package amraw

/*
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// Declarations of automerge-go's automerge.h, for the calls used here
// (see amraw.go).
struct AMdoc;
struct AMresult;
struct AMitem;
struct AMactorId;

enum { weftActorStatusOK = 0 };

struct AMresult *AMactorIdFromBytes(const uint8_t *src, size_t count);
struct AMresult *AMsetActorId(struct AMdoc *doc, const struct AMactorId *actor_id);
uint8_t AMresultStatus(const struct AMresult *result);
void AMresultFree(struct AMresult *result);
struct AMitem *AMresultItem(struct AMresult *result);
bool AMitemToActorId(const struct AMitem *item, const struct AMactorId **value);

// weft_set_actor makes an actor ID of the count bytes at src
// (AMactorIdFromBytes) and sets it as doc's actor (AMsetActorId), then
// frees both results. It returns 0, or -1 when either call failed.
static int weft_set_actor(struct AMdoc *doc, const uint8_t *src, size_t count) {
	struct AMresult *ares = AMactorIdFromBytes(src, count);
	if (ares == NULL) return -1;
	const struct AMactorId *id = NULL;
	struct AMitem *item = AMresultStatus(ares) == weftActorStatusOK ? AMresultItem(ares) : NULL;
	if (item == NULL || !AMitemToActorId(item, &id) || id == NULL) {
		AMresultFree(ares);
		return -1;
	}
	struct AMresult *sres = AMsetActorId(doc, id);
	int ok = sres != NULL && AMresultStatus(sres) == weftActorStatusOK;
	if (sres != NULL) AMresultFree(sres);
	AMresultFree(ares);
	return ok ? 0 : -1;
}
*/
import "C"

import (
	"errors"
	"runtime"
	"sync"
	"unsafe"

	am "github.com/automerge/automerge-go"
)

// SetActor sets doc's actor to the bytes actor, as automerge-go's
// SetActorID of their hex form does (the same core call, AMsetActorId,
// with the ID made from the bytes rather than parsed from hex), in one
// cgo call and without the wrapper's two results left to finalizers
// (decision 0044). actor must not be empty.
func SetActor(doc *am.Doc, actor []byte) error {
	offs, ok := layout()
	if !ok {
		return ErrUnavailable
	}
	if len(actor) == 0 {
		return errors.New("amraw: set actor: no actor")
	}
	base := unsafe.Pointer(doc)
	cDoc := *(**C.struct_AMdoc)(unsafe.Add(base, offs[0]))
	mu := (*sync.Mutex)(unsafe.Add(base, offs[1]))
	mu.Lock()
	// actor is Go memory without pointers, read by C for the call only.
	rc := C.weft_set_actor(cDoc, (*C.uint8_t)(unsafe.Pointer(&actor[0])), C.size_t(len(actor)))
	mu.Unlock()
	runtime.KeepAlive(doc)
	runtime.KeepAlive(actor)
	if rc != 0 {
		return errors.New("amraw: automerge refused the actor")
	}
	return nil
}
