/* Bump allocator for strings that live as long as one scan. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

#define ARENA_CHUNK_BYTES (64 * 1024)

struct st_arena_chunk {
	struct st_arena_chunk *next;
	size_t used;
	size_t size;
	_Alignas(max_align_t) unsigned char data[];
};

void st_arena_init(struct st_arena *a)
{
	a->head = NULL;
	a->used = 0;
}

void st_arena_dispose(struct st_arena *a)
{
	struct st_arena_chunk *c = a->head;

	while (c != NULL) {
		struct st_arena_chunk *next = c->next;

		free(c);
		c = next;
	}
	a->head = NULL;
	a->used = 0;
}

void *st_arena_alloc(struct st_arena *a, size_t n)
{
	const size_t align = _Alignof(max_align_t);
	struct st_arena_chunk *c = a->head;
	size_t start;
	size_t size;
	size_t total;

	if (!st_add_size(n, align - 1, &n))
		return NULL;
	n &= ~(align - 1);
	if (n == 0)
		n = align;
	if (c != NULL && c->size - c->used >= n) {
		start = c->used;
		c->used += n;
		a->used += n;
		return c->data + start;
	}
	size = n > ARENA_CHUNK_BYTES ? n : ARENA_CHUNK_BYTES;
	if (!st_add_size(size, sizeof(*c), &total))
		return NULL;
	c = malloc(total);
	if (c == NULL)
		return NULL;
	c->size = size;
	c->used = n;
	/* A chunk made for one large block goes behind the head, so that
	 * the head's free space stays usable. */
	if (size > ARENA_CHUNK_BYTES && a->head != NULL) {
		c->next = a->head->next;
		a->head->next = c;
	} else {
		c->next = a->head;
		a->head = c;
	}
	a->used += n;
	return c->data;
}

char *st_arena_strndup(struct st_arena *a, const char *s, size_t n)
{
	size_t total;
	char *d;

	if (!st_add_size(n, 1, &total))
		return NULL;
	d = st_arena_alloc(a, total);
	if (d == NULL)
		return NULL;
	if (n)
		memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *st_arena_strdup(struct st_arena *a, const char *s)
{
	if (s == NULL)
		return NULL;
	return st_arena_strndup(a, s, strlen(s));
}

char *st_arena_printf(struct st_arena *a, const char *fmt, ...)
{
	va_list ap;
	char *d;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	d = st_arena_alloc(a, (size_t)n + 1);
	if (d == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(d, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return d;
}
