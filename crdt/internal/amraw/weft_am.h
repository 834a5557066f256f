// weft_am.h: the declarations of automerge-go's automerge.h (the
// automerge C API the pinned automerge-go links) for the calls amraw's C
// functions make. Each cgo preamble of the package includes it, then
// weft_error.h where it copies errors.
#ifndef WEFT_AM_H
#define WEFT_AM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct AMdoc;
struct AMobjId;
struct AMresult;
struct AMitem;
struct AMchange;
typedef struct AMbyteSpan {
	const uint8_t *src;
	size_t count;
} AMbyteSpan;
typedef struct AMitems {
	uint8_t detail[24];
} AMitems;

struct AMresult *AMmapGet(const struct AMdoc *doc, const struct AMobjId *obj_id, AMbyteSpan key, const struct AMitems *heads);
struct AMresult *AMlistPutObject(struct AMdoc *doc, const struct AMobjId *obj_id, size_t pos, bool insert, uint8_t obj_type);
struct AMresult *AMmapPutStr(struct AMdoc *doc, const struct AMobjId *obj_id, AMbyteSpan key, AMbyteSpan value);
struct AMresult *AMmapPutInt(struct AMdoc *doc, const struct AMobjId *obj_id, AMbyteSpan key, int64_t value);
struct AMresult *AMcommit(struct AMdoc *doc, AMbyteSpan message, const int64_t *timestamp);
struct AMresult *AMgetChangeByHash(struct AMdoc *doc, const uint8_t *src, size_t count);
struct AMresult *AMloadIncremental(struct AMdoc *doc, const uint8_t *src, size_t count);
struct AMresult *AMsave(struct AMdoc *doc);
struct AMresult *AMload(const uint8_t *src, size_t count);
struct AMresult *AMgetHeads(struct AMdoc *doc);
AMbyteSpan AMchangeRawBytes(const struct AMchange *change);
uint8_t AMresultStatus(const struct AMresult *result);
AMbyteSpan AMresultError(const struct AMresult *result);
void AMresultFree(struct AMresult *result);
struct AMitem *AMresultItem(struct AMresult *result);
struct AMitems AMresultItems(struct AMresult *result);
size_t AMitemsSize(const struct AMitems *items);
struct AMitem *AMitemsNext(struct AMitems *items, ptrdiff_t n);
const struct AMobjId *AMitemObjId(const struct AMitem *item);
uint32_t AMitemValType(const struct AMitem *item);
bool AMitemToUint(const struct AMitem *item, uint64_t *value);
bool AMitemToInt(const struct AMitem *item, int64_t *value);
bool AMitemToStr(const struct AMitem *item, AMbyteSpan *value);
bool AMitemToBytes(const struct AMitem *item, AMbyteSpan *value);
bool AMitemToDoc(struct AMitem *item, const struct AMdoc **value);
bool AMitemToChangeHash(const struct AMitem *item, AMbyteSpan *value);
bool AMitemToChange(struct AMitem *item, struct AMchange **value);
uint8_t AMobjObjType(const struct AMdoc *doc, const struct AMobjId *obj_id);

#endif
