/* Package URLs, built per the purl specification
 * (github.com/package-url/purl-spec, "How to build purl string from its
 * components"): pkg:TYPE/NAMESPACE/NAME@VERSION?QUALIFIERS. */
#include <stdlib.h>
#include <string.h>

#include "inventory/inventory.h"

/* No purl of ours comes near this; it only bounds the scratch buffer. */
#define PURL_MAX_BYTES (1u << 20)

struct qualifier {
	const char *key;
	const char *value;
};

/* The RFC 3986 unreserved set; every other byte is percent-encoded.
 * NOTE: ECMA-427 lets ':' stay unencoded, so "1:2.0-1" and "1%3A2.0-1"
 * name the same version. We encode it, as syft does, so that one package
 * always gets the same string. */
static bool is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' || c == '~';
}

static int put_encoded(struct st_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char triplet[3];

		if (is_unreserved(c)) {
			if (st_buf_putc(b, (char)c, NULL) < 0)
				return -1;
			continue;
		}
		triplet[0] = '%';
		triplet[1] = hex[c >> 4];
		triplet[2] = hex[c & 15];
		if (st_buf_append(b, triplet, sizeof(triplet), NULL) < 0)
			return -1;
	}
	return 0;
}

/* Appends NAMESPACE split on '/', each non-empty segment encoded, and a
 * trailing '/'. */
static int put_namespace(struct st_buf *b, const char *ns)
{
	struct st_slice rest = st_slice_cstr(ns);
	struct st_slice seg;

	while (rest.len > 0) {
		st_slice_split(&rest, '/', &seg);
		if (seg.len == 0)
			continue;
		if (put_encoded(b, seg.ptr, seg.len) < 0 || st_buf_putc(b, '/', NULL) < 0)
			return -1;
	}
	return 0;
}

static int compare_qualifiers(const void *a, const void *b)
{
	const struct qualifier *qa = a;
	const struct qualifier *qb = b;
	int c = strcmp(qa->key, qb->key);

	if (c != 0)
		return c;
	return strcmp(qa->value, qb->value);
}

/* Appends "?k=v&k=v" with keys lowercased and sorted; pairs whose value is
 * NULL or empty are left out. */
static int put_qualifiers(struct st_buf *b, struct st_arena *arena,
			  const char *const *pairs, size_t count)
{
	struct qualifier *q = NULL;
	size_t n = 0;
	size_t i;
	int rc = -1;

	if (count == 0)
		return 0;
	q = st_calloc(count, sizeof(*q));
	if (q == NULL)
		return -1;
	for (i = 0; i < count; i++) {
		const char *key = pairs[2 * i];
		const char *value = pairs[2 * i + 1];
		char *lower;
		size_t j;

		if (key == NULL || key[0] == '\0' || value == NULL || value[0] == '\0')
			continue;
		lower = st_arena_strdup(arena, key);
		if (lower == NULL)
			goto out;
		for (j = 0; lower[j] != '\0'; j++) {
			if (lower[j] >= 'A' && lower[j] <= 'Z')
				lower[j] = (char)(lower[j] - 'A' + 'a');
		}
		q[n].key = lower;
		q[n].value = value;
		n++;
	}
	qsort(q, n, sizeof(*q), compare_qualifiers);

	for (i = 0; i < n; i++) {
		if (st_buf_putc(b, i == 0 ? '?' : '&', NULL) < 0)
			goto out;
		if (put_encoded(b, q[i].key, strlen(q[i].key)) < 0)
			goto out;
		if (st_buf_putc(b, '=', NULL) < 0)
			goto out;
		if (put_encoded(b, q[i].value, strlen(q[i].value)) < 0)
			goto out;
	}
	rc = 0;

out:
	free(q);
	return rc;
}

/* QUALIFIERS contains QUALIFIER_COUNT pairs: KEY at [2i], VALUE at [2i+1].
 * Type-specific normalization (such as lowercasing deb and npm names) is
 * the caller's job. */
char *st_purl_build(struct st_arena *arena, const char *type, const char *namespace_,
		    const char *name, const char *version,
		    const char *const *qualifiers, size_t qualifier_count)
{
	struct st_slice bare;
	struct st_buf b;
	char *out = NULL;
	size_t i;

	if (type == NULL || type[0] == '\0' || name == NULL)
		return NULL;
	/* The name is stripped of leading and trailing '/' before encoding. */
	bare = st_slice_cstr(name);
	while (bare.len > 0 && bare.ptr[0] == '/') {
		bare.ptr++;
		bare.len--;
	}
	while (bare.len > 0 && bare.ptr[bare.len - 1] == '/')
		bare.len--;
	if (bare.len == 0)
		return NULL;

	st_buf_init(&b, PURL_MAX_BYTES);
	if (st_buf_append(&b, "pkg:", 4, NULL) < 0)
		goto out;
	for (i = 0; type[i] != '\0'; i++) {
		char c = type[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (st_buf_putc(&b, c, NULL) < 0)
			goto out;
	}
	if (st_buf_putc(&b, '/', NULL) < 0)
		goto out;
	if (namespace_ != NULL && put_namespace(&b, namespace_) < 0)
		goto out;
	if (put_encoded(&b, bare.ptr, bare.len) < 0)
		goto out;
	if (version != NULL && version[0] != '\0') {
		if (st_buf_putc(&b, '@', NULL) < 0 ||
		    put_encoded(&b, version, strlen(version)) < 0)
			goto out;
	}
	if (put_qualifiers(&b, arena, qualifiers, qualifier_count) < 0)
		goto out;
	out = st_arena_strndup(arena, b.ptr, b.len);

out:
	st_buf_dispose(&b);
	return out;
}
