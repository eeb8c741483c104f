/* The npm cataloger: one package per installed package manifest,
 * node_modules/NAME/package.json or node_modules/@SCOPE/NAME/package.json,
 * at any depth. */
#include <jansson.h>
#include <string.h>

#include "inventory/inventory.h"

/* The component of PATH[0..*END) before *END, moving *END to the '/' in
 * front of it (or to 0). */
static struct st_slice prev_component(const char *path, size_t *end)
{
	size_t stop = *end;
	size_t start = stop;

	while (start > 0 && path[start - 1] != '/')
		start--;
	*end = start > 0 ? start - 1 : 0;
	return st_slice_make(path + start, stop - start);
}

/* npm names never start with '.' (node_modules/.bin, .cache), and
 * "@scope" alone is a folder of packages. */
static bool is_package_dir(struct st_slice s)
{
	return s.len > 0 && s.ptr[0] != '.' && s.ptr[0] != '@' &&
	       !st_slice_eq_cstr(s, "node_modules");
}

static bool npm_wants(const char *path, size_t len)
{
	static const char manifest[] = "package.json";
	const size_t mlen = sizeof(manifest) - 1;
	struct st_slice name;
	struct st_slice parent;
	size_t end;

	/* The cheapest test first: this runs on every path of every layer. */
	if (len < mlen || memcmp(path + len - mlen, manifest, mlen) != 0)
		return false;
	if (len == mlen || path[len - mlen - 1] != '/')
		return false;
	end = len - mlen - 1;
	name = prev_component(path, &end);
	if (!is_package_dir(name) || end == 0)
		return false;
	parent = prev_component(path, &end);
	if (st_slice_eq_cstr(parent, "node_modules"))
		return true;
	if (parent.len < 2 || parent.ptr[0] != '@' || end == 0)
		return false;
	return st_slice_eq_cstr(prev_component(path, &end), "node_modules");
}

/* A string of printable text, without the NUL that jansson allows. */
static bool json_text(json_t *v, struct st_slice *out)
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
	return n > 0;
}

/* A name or version: printable and without blanks. */
static bool json_token(json_t *v, struct st_slice *out)
{
	if (!json_text(v, out))
		return false;
	return memchr(out->ptr, ' ', out->len) == NULL;
}

/* One license value: "MIT", or the legacy {"type": "MIT", "url": ...}. */
static bool license_value(json_t *v, struct st_slice *out)
{
	if (json_is_object(v))
		v = json_object_get(v, "type");
	return json_text(v, out);
}

/* Reads "license", or the legacy "licenses" array joined with " OR ".
 * *OUT stays NULL when neither gives text. */
static int parse_license(json_t *root, struct st_arena *arena, const char **out)
{
	struct st_slice one;
	struct st_buf joined;
	json_t *list;
	json_t *item;
	size_t i;
	int rc = 0;

	*out = NULL;
	if (license_value(json_object_get(root, "license"), &one)) {
		*out = st_arena_strndup(arena, one.ptr, one.len);
		return *out ? 0 : -1;
	}
	list = json_object_get(root, "licenses");
	if (!json_is_array(list))
		return 0;
	st_buf_init(&joined, SIZE_MAX);
	json_array_foreach(list, i, item) {
		if (!license_value(item, &one))
			continue;
		if (joined.len > 0)
			rc = st_buf_append(&joined, " OR ", 4, NULL);
		if (rc == 0)
			rc = st_buf_append(&joined, one.ptr, one.len, NULL);
		if (rc < 0)
			break;
	}
	if (rc == 0 && joined.len > 0) {
		*out = st_arena_strndup(arena, joined.ptr, joined.len);
		if (*out == NULL)
			rc = -1;
	}
	st_buf_dispose(&joined);
	return rc < 0 ? -1 : 0;
}

static char *lowercase_slice(struct st_arena *a, struct st_slice s)
{
	char *d = st_arena_strndup(a, s.ptr, s.len);
	size_t i;

	for (i = 0; d != NULL && i < s.len; i++) {
		if (d[i] >= 'A' && d[i] <= 'Z')
			d[i] = (char)(d[i] - 'A' + 'a');
	}
	return d;
}

/* pkg:npm/%40scope/name@version or pkg:npm/name@version: the scope with its
 * '@' is the namespace, and the purl spec wants both lowercased. */
static char *npm_purl(struct st_arena *a, const char *name, const char *version)
{
	struct st_slice full = st_slice_cstr(name);
	const char *slash = memchr(full.ptr, '/', full.len);
	char *scope = NULL;
	char *bare;

	if (full.ptr[0] == '@' && slash != NULL) {
		scope = lowercase_slice(a, st_slice_make(full.ptr, (size_t)(slash - full.ptr)));
		if (scope == NULL)
			return NULL;
		full.len -= (size_t)(slash + 1 - full.ptr);
		full.ptr = slash + 1;
	}
	bare = lowercase_slice(a, full);
	if (bare == NULL)
		return NULL;
	return st_purl_build(a, "npm", scope, bare, version, NULL, 0);
}

int st_npm_parse_package_json(struct st_package *pkg, struct st_slice text, const char *path,
			      const struct strata_limits *lim, struct st_arena *arena,
			      struct strata_error *err)
{
	json_t *root = NULL;
	struct st_slice name;
	struct st_slice version;
	size_t max = lim->cataloged_file_bytes > SIZE_MAX ? SIZE_MAX
							  : (size_t)lim->cataloged_file_bytes;
	int rc;

	memset(pkg, 0, sizeof(*pkg));
	/* npm itself reads manifests with repeated keys (the last wins), so
	 * this is not ST_JSON_STRICT. */
	rc = st_json_parse(&root, text, max, lim->json_depth, 0, path, err);
	if (rc < 0)
		return rc;
	if (!json_is_object(root)) {
		rc = st_error_set(err, STRATA_ECORRUPT, "%s: not a JSON object", path);
		goto out;
	}
	if (!json_token(json_object_get(root, "name"), &name)) {
		rc = st_error_set(err, STRATA_ECORRUPT, "%s: no valid \"name\"", path);
		goto out;
	}
	if (!json_token(json_object_get(root, "version"), &version)) {
		rc = st_error_set(err, STRATA_ECORRUPT, "%s: no valid \"version\"", path);
		goto out;
	}

	pkg->type = "npm";
	pkg->name = st_arena_strndup(arena, name.ptr, name.len);
	pkg->version = st_arena_strndup(arena, version.ptr, version.len);
	pkg->path = st_arena_strdup(arena, path);
	if (pkg->name == NULL || pkg->version == NULL || pkg->path == NULL ||
	    parse_license(root, arena, &pkg->license) < 0) {
		rc = st_error_set(err, STRATA_ENOMEM, "%s: out of memory", path);
		goto out;
	}
	pkg->purl = npm_purl(arena, pkg->name, pkg->version);
	if (pkg->purl == NULL)
		rc = st_error_set(err, STRATA_ENOMEM, "%s: out of memory", path);

out:
	json_decref(root);
	return rc;
}

/* The cataloger ------------------------------------------------------------ */

static int npm_init(void **state, struct strata_error *err)
{
	*state = NULL;
	return 0;
}

static void npm_free(void *state)
{
}

/* Adds the package right away: an npm purl does not depend on the OS
 * release, and the parsed JSON and its scratch arena are freed at once. */
static int npm_on_final_file(void *state, const struct st_walk_file *f,
			     struct st_catalog_ctx *ctx, struct strata_error *err)
{
	struct st_arena scratch;
	struct strata_error perr;
	struct st_package pkg;
	char *path;
	int rc;

	if (f->type != ST_FILE_REGULAR || !npm_wants(f->path, f->path_len))
		return 0;
	st_arena_init(&scratch);
	path = st_arena_strndup(&scratch, f->path, f->path_len);
	if (path == NULL) {
		rc = st_error_set(err, STRATA_ENOMEM, "out of memory");
		goto out;
	}
	strata_error_clear(&perr);
	rc = st_npm_parse_package_json(&pkg, f->data, path, ctx->limits, &scratch, &perr);
	if (rc == STRATA_ECORRUPT || rc == STRATA_ELIMIT) {
		st_diag(ctx->diag, ST_DIAG_WARN, "%s, skipped", perr.msg);
		rc = 0;
		goto out;
	}
	if (rc < 0) {
		if (err != NULL)
			*err = perr;
		goto out;
	}
	pkg.layer = f->layer;
	pkg.found_by = "npm";
	rc = st_inventory_add(ctx->inv, &pkg, err);

out:
	st_arena_dispose(&scratch);
	return rc;
}

static int npm_finish(void *state, struct st_catalog_ctx *ctx, struct strata_error *err)
{
	return 0;
}

const struct st_cataloger st_cataloger_npm = {
	.name = "npm",
	.wants = npm_wants,
	.init = npm_init,
	.on_final_file = npm_on_final_file,
	.finish = npm_finish,
	.free = npm_free,
};
