/* Growable buffers with a hard cap, and checked allocation helpers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

void *st_calloc(size_t n, size_t size)
{
	size_t total;

	if (!st_mul_size(n, size, &total))
		return NULL;
	return calloc(1, total ? total : 1);
}

void *st_reallocarray(void *p, size_t n, size_t size)
{
	size_t total;

	if (!st_mul_size(n, size, &total))
		return NULL;
	return realloc(p, total ? total : 1);
}

char *st_strndup(const char *s, size_t n)
{
	char *d;
	size_t total;

	if (!st_add_size(n, 1, &total))
		return NULL;
	d = malloc(total);
	if (d == NULL)
		return NULL;
	if (n)
		memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

void st_buf_init(struct st_buf *b, size_t max)
{
	b->ptr = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void st_buf_dispose(struct st_buf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = 0;
	b->cap = 0;
}

/* Grows the buffer to hold NEED bytes plus a NUL. */
static int buf_reserve(struct st_buf *b, size_t need, struct strata_error *err)
{
	size_t cap;
	char *p;

	if (need > b->max)
		return st_error_set(err, STRATA_ELIMIT, "more than %zu bytes", b->max);
	if (need < b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap <= need) {
		if (!st_mul_size(cap, 2, &cap))
			return st_error_set(err, STRATA_ENOMEM, "buffer size overflow");
	}
	p = realloc(b->ptr, cap);
	if (p == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory for a %zu-byte buffer", cap);
	b->ptr = p;
	b->cap = cap;
	return 0;
}

int st_buf_append(struct st_buf *b, const void *data, size_t n, struct strata_error *err)
{
	size_t need;
	int rc;

	if (!st_add_size(b->len, n, &need))
		return st_error_set(err, STRATA_ELIMIT, "buffer size overflow");
	rc = buf_reserve(b, need, err);
	if (rc < 0)
		return rc;
	if (n)
		memcpy(b->ptr + b->len, data, n);
	b->len = need;
	b->ptr[b->len] = '\0';
	return 0;
}

int st_buf_putc(struct st_buf *b, char c, struct strata_error *err)
{
	return st_buf_append(b, &c, 1, err);
}

int st_buf_printf(struct st_buf *b, struct strata_error *err, const char *fmt, ...)
{
	va_list ap;
	int n;
	int rc;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return st_error_set(err, STRATA_EINTERNAL, "invalid format string");
	rc = buf_reserve(b, b->len + (size_t)n, err);
	if (rc < 0)
		return rc;
	va_start(ap, fmt);
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

const char *st_buf_cstr(struct st_buf *b, struct strata_error *err)
{
	if (buf_reserve(b, b->len, err) < 0)
		return NULL;
	b->ptr[b->len] = '\0';
	return b->ptr;
}

size_t st_put_uvarint(unsigned char *out, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		out[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	out[n++] = (unsigned char)v;
	return n;
}
