// weft_error.h: the error copy shared by amraw's C functions. Include it
// after weft_am.h, which declares AMbyteSpan, struct AMresult and
// AMresultError.
#ifndef WEFT_ERROR_H
#define WEFT_ERROR_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

// weft_copy_error sets *err to a malloc'd, NUL-terminated copy of the
// error res carries, or of msg when res is NULL or carries none (msg may
// be NULL: an empty string). *err is NULL when malloc fails.
static void weft_copy_error(struct AMresult *res, const char *msg, char **err) {
	const uint8_t *src = (const uint8_t *)msg;
	size_t n = msg ? strlen(msg) : 0;
	if (res != NULL) {
		AMbyteSpan e = AMresultError(res);
		if (e.count > 0) {
			src = e.src;
			n = e.count;
		}
	}
	*err = malloc(n + 1);
	if (*err != NULL) {
		if (n > 0) memcpy(*err, src, n);
		(*err)[n] = 0;
	}
}

#endif
