/* Helpers shared by the language-package catalogers. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "inventory/lang.h"

struct add_ctx {
	struct st_catalog_ctx *cctx;
	const char *found_by;
	size_t layer;
};

static int add_package(void *ctx, const struct st_package *pkg, struct strata_error *err)
{
	struct add_ctx *a = ctx;
	struct st_package copy = *pkg;

	copy.layer = a->layer;
	copy.found_by = a->found_by;
	return st_inventory_add(a->cctx->inv, &copy, err);
}

int st_lang_catalog_file(const struct st_walk_file *f, struct st_catalog_ctx *ctx,
			 const char *found_by, st_lang_parse_fn parse,
			 struct strata_error *err)
{
	struct add_ctx a = {ctx, found_by, f->layer};
	struct strata_error perr;
	char *path = NULL;
	int rc;

	if (f->type != ST_FILE_REGULAR || f->summarized)
		return 0;
	path = st_strndup(f->path, f->path_len);
	if (path == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");

	strata_error_clear(&perr);
	rc = parse(f->data, path, ctx->limits, ctx->diag, add_package, &a, &perr);
	if (rc == STRATA_ECORRUPT || rc == STRATA_ELIMIT) {
		st_diag(ctx->diag, ST_DIAG_WARN, "%s, skipped", perr.msg);
		rc = 0;
	} else if (rc < 0 && err != NULL) {
		*err = perr;
	}
	free(path);
	return rc;
}

bool st_lang_is_token(struct st_slice s, size_t max)
{
	size_t i;

	if (s.len == 0 || s.len > max)
		return false;
	for (i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.ptr[i];

		if (c <= 0x20 || c == 0x7f)
			return false;
	}
	return true;
}

char *st_lang_license_dup(struct st_arena *a, struct st_slice s)
{
	size_t n = s.len;
	char *out;
	size_t i;

	if (n > ST_LANG_MAX_LICENSE) {
		n = ST_LANG_MAX_LICENSE;
		/* Back up over UTF-8 continuation bytes so that the cut does
		 * not split a character. */
		while (n > 0 && ((unsigned char)s.ptr[n] & 0xc0) == 0x80)
			n--;
	}
	out = st_arena_strndup(a, s.ptr, n);
	for (i = 0; out != NULL && i < n; i++) {
		unsigned char c = (unsigned char)out[i];

		if (c < 0x20 || c == 0x7f)
			out[i] = ' ';
	}
	return out;
}

bool st_lang_ends_with(const char *path, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && memcmp(path + len - n, suffix, n) == 0;
}

bool st_lang_basename_is(const char *path, size_t len, const char *name)
{
	size_t n = strlen(name);

	if (!st_lang_ends_with(path, len, name))
		return false;
	return len == n || path[len - n - 1] == '/';
}

bool st_lang_json_text(json_t *v, struct st_slice *out)
{
	const char *s;
	size_t n;
	size_t i;

	if (!json_is_string(v))
		return false;
	s = json_string_value(v);
	n = json_string_length(v);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			return false;
	}
	*out = st_slice_make(s, n);
	return true;
}

int st_lang_json_licenses(json_t *v, struct st_arena *a, const char **out)
{
	struct st_slice one;
	struct st_buf joined;
	json_t *item;
	size_t i;
	int rc = 0;

	*out = NULL;
	if (st_lang_json_text(v, &one)) {
		if (one.len == 0)
			return 0;
		*out = st_lang_license_dup(a, one);
		return *out != NULL ? 0 : -1;
	}
	if (!json_is_array(v))
		return 0;
	st_buf_init(&joined, ST_LANG_MAX_LICENSE * 2);
	json_array_foreach(v, i, item) {
		if (!st_lang_json_text(item, &one) || one.len == 0)
			continue;
		if (joined.len > 0)
			rc = st_buf_append(&joined, " OR ", 4, NULL);
		if (rc == 0)
			rc = st_buf_append(&joined, one.ptr, one.len, NULL);
		if (rc < 0)
			break;
	}
	/* Over the buffer's cap the list is cut, as licenses are. */
	if (rc == STRATA_ELIMIT)
		rc = 0;
	if (rc == 0 && joined.len > 0) {
		*out = st_lang_license_dup(a, st_slice_make(joined.ptr, joined.len));
		if (*out == NULL)
			rc = -1;
	}
	st_buf_dispose(&joined);
	return rc < 0 ? -1 : 0;
}
