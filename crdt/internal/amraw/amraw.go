// Package amraw makes many small commits on an automerge document in one
// cgo call (decision 0035). automerge-go crosses into C once per write,
// allocates a Go wrapper and sets a finalizer on every result; for a
// ledger entry (an appended map of ten fields and a commit) that cost
// about half the engine's time per entry. AppendMaps makes a run of
// such commits through the same automerge C API the wrapper calls, with
// the same ops in the same order, so the changes are the bytes the
// wrapper would have made.
//
// The C document is read from automerge-go's Doc, whose fields are not
// exported: Available reports whether the layout matches what this
// package was written against (checked once by reflection); callers fall
// back to the wrapper when it does not.
package amraw

/*
#include "weft_am.h" // automerge.h's declarations, for the calls used here
#include "weft_error.h"

enum { weftStatusOK = 0, weftObjTypeList = 1, weftObjTypeMap = 2 };
enum { weftValTypeObjType = (1 << 12) };

typedef struct {
	const uint8_t *p;
	const uint8_t *end;
	int bad;
} weftReader;

static uint32_t weft_u32(weftReader *r) {
	if (r->end - r->p < 4) { r->bad = 1; return 0; }
	uint32_t v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 | (uint32_t)r->p[3] << 24;
	r->p += 4;
	return v;
}

static int64_t weft_i64(weftReader *r) {
	if (r->end - r->p < 8) { r->bad = 1; return 0; }
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--) v = v << 8 | r->p[i];
	r->p += 8;
	return (int64_t)v;
}

static AMbyteSpan weft_span(weftReader *r) {
	AMbyteSpan s = {NULL, 0};
	uint32_t n = weft_u32(r);
	if (r->bad || (size_t)(r->end - r->p) < n) { r->bad = 1; return s; }
	s.src = r->p;
	s.count = n;
	r->p += n;
	return s;
}

// weft_fail records the error of res (or msg when res is NULL or carries
// none), frees res and returns -1.
static int weft_fail(struct AMresult *res, const char *msg, char **err) {
	weft_copy_error(res, msg, err);
	if (res != NULL) AMresultFree(res);
	return -1;
}

// weft_ok frees res and reports whether it succeeded; on failure it
// records the error.
static int weft_ok(struct AMresult *res, char **err) {
	if (res == NULL) return weft_fail(NULL, "automerge returned no result", err) + 1;
	if (AMresultStatus(res) != weftStatusOK) return weft_fail(res, NULL, err) + 1;
	AMresultFree(res);
	return 1;
}

typedef struct {
	uint8_t *data;
	size_t len, cap;
} weftOut;

static int weft_put(weftOut *o, const uint8_t *src, size_t n) {
	if (o->len + 4 + n > o->cap) {
		size_t c = o->cap ? o->cap : 4096;
		while (c < o->len + 4 + n) c *= 2;
		uint8_t *d = realloc(o->data, c);
		if (d == NULL) return 0;
		o->data = d;
		o->cap = c;
	}
	uint8_t *p = o->data + o->len;
	p[0] = n; p[1] = n >> 8; p[2] = n >> 16; p[3] = n >> 24;
	if (n > 0) memcpy(p + 4, src, n);
	o->len += 4 + n;
	return 1;
}

// weft_append_maps appends one new map per record of in to the list at
// the root key list, sets its fields in order and commits it with the
// record's message, then copies the change made into *out (its length as
// 4 bytes little-endian, then its bytes). It returns how many records it
// committed; on an error it returns -1 and sets *err (malloc'd), and the
// records before the failing one stay committed. ts is NULL for no
// timestamp.
static long weft_append_maps(struct AMdoc *doc, AMbyteSpan list, const uint8_t *in, size_t inlen,
		const int64_t *ts, uint8_t **out, size_t *outlen, char **err) {
	weftReader r = {in, in + inlen, 0};
	weftOut o = {NULL, 0, 0};
	long done = 0;
	*out = NULL;
	*outlen = 0;
	*err = NULL;

	struct AMresult *lres = AMmapGet(doc, NULL, list, NULL);
	if (lres == NULL || AMresultStatus(lres) != weftStatusOK) return weft_fail(lres, "automerge returned no result", err);
	struct AMitem *litem = AMresultItem(lres);
	const struct AMobjId *lid = litem ? AMitemObjId(litem) : NULL;
	if (litem == NULL || AMitemValType(litem) != weftValTypeObjType || lid == NULL || AMobjObjType(doc, lid) != weftObjTypeList) {
		AMresultFree(lres);
		return weft_fail(NULL, "the root key does not hold a list", err);
	}

	uint32_t n = weft_u32(&r);
	for (uint32_t i = 0; i < n && !r.bad; i++) {
		uint32_t nf = weft_u32(&r);
		AMbyteSpan msg = weft_span(&r);
		if (r.bad) break;

		struct AMresult *mres = AMlistPutObject(doc, lid, SIZE_MAX, true, weftObjTypeMap);
		if (mres == NULL || AMresultStatus(mres) != weftStatusOK) { AMresultFree(lres); free(o.data); return weft_fail(mres, "automerge returned no result", err); }
		struct AMitem *mitem = AMresultItem(mres);
		const struct AMobjId *mid = mitem ? AMitemObjId(mitem) : NULL;
		if (mid == NULL) { AMresultFree(mres); AMresultFree(lres); free(o.data); return weft_fail(NULL, "no new map", err); }

		for (uint32_t f = 0; f < nf && !r.bad; f++) {
			AMbyteSpan key = weft_span(&r);
			uint32_t kind = weft_u32(&r);
			if (r.bad) break;
			int ok;
			if (kind == 0) {
				AMbyteSpan v = weft_span(&r);
				if (r.bad) break;
				ok = weft_ok(AMmapPutStr(doc, mid, key, v), err);
			} else {
				int64_t v = weft_i64(&r);
				if (r.bad) break;
				ok = weft_ok(AMmapPutInt(doc, mid, key, v), err);
			}
			if (!ok) { AMresultFree(mres); AMresultFree(lres); free(o.data); return -1; }
		}
		AMresultFree(mres);
		if (r.bad) break;

		struct AMresult *cres = AMcommit(doc, msg, ts);
		if (cres == NULL || AMresultStatus(cres) != weftStatusOK) { AMresultFree(lres); free(o.data); return weft_fail(cres, "automerge returned no result", err); }
		AMbyteSpan hash = {NULL, 0};
		struct AMitem *citem = AMresultItem(cres);
		if (citem == NULL || !AMitemToChangeHash(citem, &hash)) { AMresultFree(cres); AMresultFree(lres); free(o.data); return weft_fail(NULL, "the commit made no change", err); }
		struct AMresult *gres = AMgetChangeByHash(doc, hash.src, hash.count);
		AMresultFree(cres);
		if (gres == NULL || AMresultStatus(gres) != weftStatusOK) { AMresultFree(lres); free(o.data); return weft_fail(gres, "automerge returned no result", err); }
		struct AMchange *ch = NULL;
		struct AMitem *gitem = AMresultItem(gres);
		if (gitem == NULL || !AMitemToChange(gitem, &ch) || ch == NULL) { AMresultFree(gres); AMresultFree(lres); free(o.data); return weft_fail(NULL, "the change made is missing", err); }
		AMbyteSpan raw = AMchangeRawBytes(ch);
		int put = weft_put(&o, raw.src, raw.count);
		AMresultFree(gres);
		if (!put) { AMresultFree(lres); free(o.data); return weft_fail(NULL, "out of memory", err); }
		done++;
	}
	AMresultFree(lres);
	*out = o.data;
	*outlen = o.len;
	if (r.bad) {
		weft_fail(NULL, "malformed request", err);
		return -1;
	}
	return done;
}
*/
import "C"

import (
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"sync"
	"time"
	"unsafe"

	am "github.com/automerge/automerge-go"
)

// Field is one field of a map AppendMaps writes: a string, or an integer
// when Int is set.
type Field struct {
	Key   string
	Str   string
	Int   int64
	IsInt bool
}

// Map is one map AppendMaps appends and commits on its own: its fields in
// the order they are written, and the commit's message.
type Map struct {
	Msg    string
	Fields []Field
}

// ErrUnavailable is returned when automerge-go's Doc does not have the
// layout this package reads (see Available).
var ErrUnavailable = errors.New("amraw: automerge-go's Doc layout is not the one this package knows")

// layout is where the C document and the mutex sit in an am.Doc.
var layout = sync.OnceValues(func() (offsets [2]uintptr, ok bool) {
	t := reflect.TypeFor[am.Doc]()
	if t.NumField() != 3 {
		return offsets, false
	}
	c, m := t.Field(1), t.Field(2)
	if c.Name != "cDoc" || c.Type.Kind() != reflect.Pointer || m.Name != "m" || m.Type != reflect.TypeFor[sync.Mutex]() {
		return offsets, false
	}
	return [2]uintptr{c.Offset, m.Offset}, true
})

// Available reports whether AppendMaps can reach automerge-go's C document.
func Available() bool {
	_, ok := layout()
	return ok
}

// AppendMaps appends one new map per element of maps to the list held at
// the root key list of doc, in order, each with its fields set in order
// and committed as its own change with its message, at time at (no
// timestamp when at is zero), and returns the raw chunks of the changes
// made, in order. The ops are the ones automerge-go's List.Append of a new
// Map, Map.Set of each field and Doc.Commit would make.
//
// On an error the maps before the failing one stay committed, and the
// failing one may be partly written and not committed: the caller must
// treat the document as unusable. The chunks returned with an error may
// be fewer than the changes committed.
func AppendMaps(doc *am.Doc, list string, maps []Map, at time.Time) ([][]byte, error) {
	offs, ok := layout()
	if !ok {
		return nil, ErrUnavailable
	}
	if len(maps) == 0 {
		return nil, nil
	}
	return appendEncoded(doc, offs, list, encode(maps), len(maps), at)
}

// appendEncoded runs weft_append_maps on a request already encoded (in),
// which should make want changes. Tests hand it malformed requests.
func appendEncoded(doc *am.Doc, offs [2]uintptr, list string, in []byte, want int, at time.Time) ([][]byte, error) {
	base := unsafe.Pointer(doc)
	cDoc := *(**C.struct_AMdoc)(unsafe.Add(base, offs[0]))
	mu := (*sync.Mutex)(unsafe.Add(base, offs[1]))

	var ts *C.int64_t
	if !at.IsZero() {
		ts = (*C.int64_t)(C.malloc(8))
		defer C.free(unsafe.Pointer(ts))
		*ts = C.int64_t(at.UnixMilli())
	}
	key := C.CBytes([]byte(list))
	defer C.free(key)
	cin := C.CBytes(in)
	defer C.free(cin)

	var out *C.uint8_t
	var outLen C.size_t
	var cerr *C.char
	mu.Lock()
	done := C.weft_append_maps(cDoc, C.AMbyteSpan{src: (*C.uint8_t)(key), count: C.size_t(len(list))},
		(*C.uint8_t)(cin), C.size_t(len(in)), ts, &out, &outLen, &cerr)
	mu.Unlock()
	runtime.KeepAlive(doc)
	var raw []byte
	if out != nil {
		raw = C.GoBytes(unsafe.Pointer(out), C.int(outLen))
		C.free(unsafe.Pointer(out))
	}
	var err error
	if done < 0 {
		msg := "unknown error"
		if cerr != nil {
			msg = C.GoString(cerr)
			C.free(unsafe.Pointer(cerr))
		}
		err = fmt.Errorf("amraw: automerge: %s", msg)
	}
	chunks, perr := decode(raw)
	if err == nil && perr != nil {
		err = perr
	}
	if err == nil && len(chunks) != want {
		err = fmt.Errorf("amraw: %d changes made for %d maps", len(chunks), want)
	}
	return chunks, err
}

// encode packs maps for weft_append_maps: a count, then per map its
// field count, its message and its fields (key, kind 0 and a string or
// kind 1 and an integer), lengths and integers little-endian.
func encode(maps []Map) []byte {
	n := 4
	for _, m := range maps {
		n += 8 + len(m.Msg)
		for _, f := range m.Fields {
			n += 16 + len(f.Key) + len(f.Str)
		}
	}
	b := make([]byte, 0, n)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(maps)))
	for _, m := range maps {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(m.Fields)))
		b = appendStr(b, m.Msg)
		for _, f := range m.Fields {
			b = appendStr(b, f.Key)
			if f.IsInt {
				b = binary.LittleEndian.AppendUint32(b, 1)
				b = binary.LittleEndian.AppendUint64(b, uint64(f.Int))
				continue
			}
			b = binary.LittleEndian.AppendUint32(b, 0)
			b = appendStr(b, f.Str)
		}
	}
	return b
}

func appendStr(b []byte, s string) []byte {
	b = binary.LittleEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// decode splits weft_append_maps' output into chunks.
func decode(raw []byte) ([][]byte, error) {
	var chunks [][]byte
	for len(raw) > 0 {
		if len(raw) < 4 {
			return chunks, errors.New("amraw: truncated output")
		}
		n := int(binary.LittleEndian.Uint32(raw))
		if len(raw)-4 < n {
			return chunks, errors.New("amraw: truncated output")
		}
		chunks = append(chunks, raw[4:4+n:4+n])
		raw = raw[4+n:]
	}
	return chunks, nil
}
