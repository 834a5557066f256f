package amraw

/*
#include "weft_am.h" // automerge.h's declarations (see amraw.go)

enum { weftKeyStatusOK = 0 };
enum { weftValVoid = 1 << 0, weftValInt = 1 << 9, weftValStr = 1 << 13 };

enum { weftKeyAbsent = 0, weftKeyStr = 1, weftKeyInt = 2, weftKeyOther = 3 };

// weft_root_scalar reads the root map's key (AMmapGet, as automerge-go's
// Map.Get does) and returns weftKeyAbsent when it is not set, weftKeyStr
// with the string copied into buf (*n bytes) when it is a string of at
// most cap bytes, weftKeyInt with *i when it is a signed integer, and
// weftKeyOther for anything else (another kind, a longer string, an
// error): the caller then reads it through the wrapper.
static int weft_root_scalar(struct AMdoc *doc, AMbyteSpan key, int64_t *i, uint8_t *buf, size_t cap, size_t *n) {
	*i = 0;
	*n = 0;
	struct AMresult *res = AMmapGet(doc, NULL, key, NULL);
	if (res == NULL) return weftKeyOther;
	if (AMresultStatus(res) != weftKeyStatusOK) {
		AMresultFree(res);
		return weftKeyOther;
	}
	struct AMitem *item = AMresultItem(res);
	int kind = weftKeyOther;
	if (item == NULL) {
		kind = weftKeyOther;
	} else if (AMitemValType(item) == weftValVoid) {
		kind = weftKeyAbsent;
	} else if (AMitemValType(item) == weftValInt) {
		if (AMitemToInt(item, i)) kind = weftKeyInt;
	} else if (AMitemValType(item) == weftValStr) {
		AMbyteSpan s = {NULL, 0};
		if (AMitemToStr(item, &s) && s.count <= cap) {
			if (s.count > 0) memcpy(buf, s.src, s.count);
			*n = s.count;
			kind = weftKeyStr;
		}
	}
	AMresultFree(res);
	return kind;
}
*/
import "C"

import (
	"runtime"
	"sync"
	"unsafe"

	am "github.com/automerge/automerge-go"
)

// Scalars holds keys of a document's root read by RootScalars: each a
// string or a signed integer, or not set.
type Scalars struct {
	keys []string
	strs []string
	ints []int64
	is   []int // the kind each key was read as: a weftKey value
}

// Str is the string at key ("" when it is not set, not read, or not a
// string), as amdoc.Fields.Str reads a scalar string.
func (s Scalars) Str(key string) string {
	for j, k := range s.keys {
		if k == key && s.is[j] == C.weftKeyStr {
			return s.strs[j]
		}
	}
	return ""
}

// Int is the integer at key (0 when it is not set, not read, or not a
// signed integer), as amdoc.Fields.Int reads a signed integer.
func (s Scalars) Int(key string) int64 {
	for j, k := range s.keys {
		if k == key && s.is[j] == C.weftKeyInt {
			return s.ints[j]
		}
	}
	return 0
}

// maxScalar is the longest string RootScalars copies; a longer one sends
// the caller to the wrapper.
const maxScalar = 256

// RootScalars reads keys of doc's root map with the core call
// automerge-go's Map.Get makes (AMmapGet), a cgo call per key without
// the wrapper's Go value and finalizer per result (decision 0044). ok
// is false when a key holds anything but a string of at most 256 bytes
// or a signed integer, or could not be read: the caller then reads the
// keys through the wrapper (amdoc.ReadKeys), which knows every kind
// (Text, floats, unsigned integers and counters read as strings and
// integers there). A key not set reads as not set, as there.
func RootScalars(doc *am.Doc, keys ...string) (s Scalars, ok bool) {
	offs, avail := layout()
	if !avail {
		return Scalars{}, false
	}
	base := unsafe.Pointer(doc)
	cDoc := *(**C.struct_AMdoc)(unsafe.Add(base, offs[0]))
	mu := (*sync.Mutex)(unsafe.Add(base, offs[1]))

	s = Scalars{keys: keys, strs: make([]string, len(keys)), ints: make([]int64, len(keys)), is: make([]int, len(keys))}
	var buf [maxScalar]byte
	mu.Lock()
	defer mu.Unlock()
	for j, k := range keys {
		var i C.int64_t
		var n C.size_t
		kb := unsafe.StringData(k)
		// k and buf are Go memory without pointers, read and written by C
		// for the call only.
		kind := C.weft_root_scalar(cDoc, C.AMbyteSpan{src: (*C.uint8_t)(unsafe.Pointer(kb)), count: C.size_t(len(k))},
			&i, (*C.uint8_t)(unsafe.Pointer(&buf[0])), C.size_t(len(buf)), &n)
		runtime.KeepAlive(k)
		switch kind {
		case C.weftKeyAbsent:
		case C.weftKeyStr:
			s.strs[j] = string(buf[:n])
		case C.weftKeyInt:
			s.ints[j] = int64(i)
		default:
			return Scalars{}, false
		}
		s.is[j] = int(kind)
	}
	runtime.KeepAlive(doc)
	return s, true
}
