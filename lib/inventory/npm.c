/* The npm cataloger: one package per installed package manifest,
 * node_modules/NAME/package.json or node_modules/@SCOPE/NAME/package.json,
 * at any depth. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "inventory/inventory.h"
#include "inventory/lang.h"
#include "inventory/pkg_common.h"

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
	pkg->found_by = "npm";
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

/* The dev flag one lock file gives one install path, or one name and
 * version for locks without install paths (pnpm). */
struct npm_lock_row {
	const char *root;         /* project directory, "" for the image root */
	const char *install_path; /* "node_modules/a/node_modules/b", or
				   * "NAME@VERSION" in npm_state.name_rows */
	const char *version;      /* NULL when the lock gives none */
	bool dev;
	bool hidden;              /* from node_modules/.package-lock.json */
};

/* A yarn.lock kept until the finish step. */
struct npm_yarn_lock {
	const char *root;
	const char *path;
	struct st_slice text; /* copy in npm_state.arena */
};

/* A project's package.json, its dependency fields only. */
struct npm_project {
	const char *root;
	json_t *manifest;
};

/* Packages and lock rows gathered during the walk, added to the
 * inventory in the finish step once every lock file has been read. */
struct npm_state {
	struct st_arena arena;
	struct st_package *pkgs;
	size_t count;
	size_t cap;
	struct npm_lock_row *rows;
	size_t row_count;
	size_t row_cap;
	struct npm_lock_row *name_rows;
	size_t name_row_count;
	size_t name_row_cap;
	/* yarn.lock files, read in the finish step because computing their
	 * dev flags needs the project's package.json, which may come later
	 * in the walk. */
	struct npm_yarn_lock *yarn_locks;
	size_t yarn_count;
	size_t yarn_cap;
	/* Parsed PROJECT/package.json files that have devDependencies. */
	struct npm_project *projects;
	size_t project_count;
	size_t project_cap;
};

/* The offset of the first "node_modules" component of PATH, or LEN. */
static size_t first_node_modules(const char *path, size_t len)
{
	static const char dir[] = "node_modules/";
	const size_t n = sizeof(dir) - 1;
	size_t i;

	for (i = 0; i + n <= len; i++) {
		if ((i == 0 || path[i - 1] == '/') && memcmp(path + i, dir, n) == 0)
			return i;
	}
	return len;
}

enum lock_kind {
	LOCK_NONE,
	LOCK_NPM,
	LOCK_NPM_HIDDEN,
	LOCK_PNPM,
	LOCK_YARN,
	LOCK_PROJECT /* PROJECT/package.json, read for yarn.lock */
};

/* package-lock.json, pnpm-lock.yaml or yarn.lock of a project (not one
 * shipped inside node_modules), the project's package.json, or the hidden
 * lock file PROJECT/node_modules/.package-lock.json.
 * NOTE: every package.json outside node_modules is read, because a
 * yarn.lock beside it may come later in the walk; those without
 * devDependencies are dropped at once. */
static enum lock_kind lock_kind_of(const char *path, size_t len)
{
	static const char hidden_lock[] = "node_modules/.package-lock.json";
	size_t first = first_node_modules(path, len);

	if (st_lang_basename_is(path, len, "package-lock.json"))
		return first == len ? LOCK_NPM : LOCK_NONE;
	if (st_lang_basename_is(path, len, "pnpm-lock.yaml"))
		return first == len ? LOCK_PNPM : LOCK_NONE;
	if (st_lang_basename_is(path, len, "yarn.lock"))
		return first == len ? LOCK_YARN : LOCK_NONE;
	if (st_lang_basename_is(path, len, "package.json"))
		return first == len ? LOCK_PROJECT : LOCK_NONE;
	if (!st_lang_ends_with(path, len, hidden_lock))
		return LOCK_NONE;
	return first == len - (sizeof(hidden_lock) - 1) ? LOCK_NPM_HIDDEN : LOCK_NONE;
}

static bool npm_cataloger_wants(const char *path, size_t len)
{
	return npm_wants(path, len) || lock_kind_of(path, len) != LOCK_NONE;
}

/* Whether the path before its first node_modules component (PREFIX_LEN
 * bytes) is a global npm prefix's lib directory. Global packages sit in
 * PREFIX/lib/node_modules. PREFIX is /usr or /usr/local in distribution
 * and official Node.js images, /opt/NAME in vendor bundles, and
 * ~/.nvm/versions/node/VERSION under nvm. */
static bool is_global_prefix(const char *path, size_t prefix_len)
{
	static const char nvm[] = "/.nvm/versions/node/";
	const char *slash;

	if (prefix_len == 0 || path[prefix_len - 1] != '/')
		return false;
	prefix_len--;
	if ((prefix_len == 7 && memcmp(path, "usr/lib", 7) == 0) ||
	    (prefix_len == 13 && memcmp(path, "usr/local/lib", 13) == 0))
		return true;
	if (!st_lang_ends_with(path, prefix_len, "/lib"))
		return false;
	prefix_len -= 4;
	if (prefix_len > 4 && memcmp(path, "opt/", 4) == 0 &&
	    memchr(path + 4, '/', prefix_len - 4) == NULL)
		return true;
	slash = memrchr(path, '/', prefix_len);
	return slash != NULL &&
	       memmem(path, (size_t)(slash - path) + 1, nvm, sizeof(nvm) - 1) != NULL &&
	       st_lang_ends_with(path, (size_t)(slash - path) + 1, nvm);
}

static int npm_init(void **state, struct strata_error *err)
{
	struct npm_state *st = st_calloc(1, sizeof(*st));

	if (st == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	st_arena_init(&st->arena);
	*state = st;
	return 0;
}

static void npm_free(void *state)
{
	struct npm_state *st = state;

	if (st == NULL)
		return;
	free(st->pkgs);
	free(st->rows);
	free(st->name_rows);
	free(st->yarn_locks);
	for (size_t i = 0; i < st->project_count; i++)
		json_decref(st->projects[i].manifest);
	free(st->projects);
	st_arena_dispose(&st->arena);
	free(st);
}

struct lock_ctx {
	struct npm_state *st;
	const char *root;
	bool hidden;
};

static int keep_lock_row(void *ctx, const struct st_npm_lock_entry *e,
			 struct strata_error *err)
{
	struct lock_ctx *lc = ctx;
	struct npm_state *st = lc->st;
	bool by_name = e->install_path == NULL;
	struct npm_lock_row **rows = by_name ? &st->name_rows : &st->rows;
	size_t *count = by_name ? &st->name_row_count : &st->row_count;
	size_t *cap = by_name ? &st->name_row_cap : &st->row_cap;
	struct npm_lock_row *row;
	int rc;

	if (!e->dev)
		return 0; /* only dev flags are used */
	if (by_name && (e->name == NULL || e->version == NULL))
		return 0;
	rc = st_pkg_array_grow((void **)rows, cap, *count, sizeof(*row), "npm lock", err);
	if (rc < 0)
		return rc;
	row = &(*rows)[*count];
	row->root = lc->root;
	if (by_name)
		row->install_path = st_arena_printf(&st->arena, "%s@%s", e->name, e->version);
	else
		row->install_path = st_arena_strdup(&st->arena, e->install_path);
	row->version = e->version ? st_arena_strdup(&st->arena, e->version) : NULL;
	row->dev = e->dev;
	row->hidden = lc->hidden;
	if (row->install_path == NULL || (e->version != NULL && row->version == NULL))
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	(*count)++;
	return 0;
}

/* Keeps a yarn.lock, or the dependency fields of a project package.json
 * that has devDependencies, for npm_finish. */
static int keep_yarn_input(struct npm_state *st, const struct st_walk_file *f,
			   enum lock_kind kind, const char *root, const char *path,
			   struct st_catalog_ctx *ctx, struct strata_error *err)
{
	size_t max = ctx->limits->cataloged_file_bytes > SIZE_MAX
			     ? SIZE_MAX
			     : (size_t)ctx->limits->cataloged_file_bytes;
	struct strata_error perr;
	json_t *manifest = NULL;
	char *copy;
	int rc;

	if (kind == LOCK_YARN) {
		rc = st_pkg_array_grow((void **)&st->yarn_locks, &st->yarn_cap, st->yarn_count,
				       sizeof(*st->yarn_locks), "npm yarn.lock", err);
		if (rc < 0)
			return rc;
		copy = st_arena_strndup(&st->arena, f->data.ptr, f->data.len);
		if (copy == NULL)
			return st_error_set(err, STRATA_ENOMEM, "out of memory");
		st->yarn_locks[st->yarn_count].root = root;
		st->yarn_locks[st->yarn_count].path = path;
		st->yarn_locks[st->yarn_count].text = st_slice_make(copy, f->data.len);
		st->yarn_count++;
		return 0;
	}
	if (memmem(f->data.ptr, f->data.len, "\"devDependencies\"", 17) == NULL)
		return 0;
	rc = st_json_parse(&manifest, f->data, max, ctx->limits->json_depth, 0, path, &perr);
	if (rc == STRATA_ENOMEM)
		return st_error_set(err, rc, "out of memory");
	if (rc < 0 || !json_is_object(manifest)) {
		st_diag(ctx->diag, ST_DIAG_WARN, "%s: not a valid package.json, skipped", path);
		json_decref(manifest);
		return 0;
	}
	rc = st_pkg_array_grow((void **)&st->projects, &st->project_cap, st->project_count,
			       sizeof(*st->projects), "npm project", err);
	if (rc < 0) {
		json_decref(manifest);
		return rc;
	}
	st->projects[st->project_count].root = root;
	st->projects[st->project_count].manifest = manifest;
	st->project_count++;
	return 0;
}

static int read_lock(struct npm_state *st, const struct st_walk_file *f, enum lock_kind kind,
		     struct st_catalog_ctx *ctx, struct strata_error *err)
{
	struct lock_ctx lc = {st, NULL, kind == LOCK_NPM_HIDDEN};
	const char *file = kind == LOCK_NPM_HIDDEN ? "node_modules/.package-lock.json"
			   : kind == LOCK_PNPM	   ? "pnpm-lock.yaml"
			   : kind == LOCK_YARN	   ? "yarn.lock"
			   : kind == LOCK_PROJECT  ? "package.json"
						   : "package-lock.json";
	size_t root_len = f->path_len - strlen(file);
	struct strata_error perr;
	char *path;
	size_t rows = st->row_count;
	size_t name_rows = st->name_row_count;
	int rc;

	if (root_len > 0)
		root_len--; /* the '/' before the file or node_modules */
	path = st_arena_strndup(&st->arena, f->path, f->path_len);
	lc.root = st_arena_strndup(&st->arena, f->path, root_len);
	if (path == NULL || lc.root == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	strata_error_clear(&perr);
	if (kind == LOCK_YARN || kind == LOCK_PROJECT)
		return keep_yarn_input(st, f, kind, lc.root, path, ctx, err);
	if (kind == LOCK_PNPM)
		rc = st_pnpm_parse_lock(f->data, path, ctx->limits, ctx->diag, keep_lock_row, &lc,
					&perr);
	else
		rc = st_npm_parse_package_lock(f->data, path, ctx->limits, ctx->diag,
					       keep_lock_row, &lc, &perr);
	if (rc == STRATA_ECORRUPT || rc == STRATA_ELIMIT) {
		st_diag(ctx->diag, ST_DIAG_WARN, "%s, skipped", perr.msg);
		st->row_count = rows;
		st->name_row_count = name_rows;
		return 0;
	}
	if (rc < 0 && err != NULL)
		*err = perr;
	return rc;
}

static int read_manifest(struct npm_state *st, const struct st_walk_file *f,
			 struct st_catalog_ctx *ctx, struct strata_error *err)
{
	struct strata_error perr;
	struct st_package pkg;
	char *path;
	int rc;

	path = st_arena_strndup(&st->arena, f->path, f->path_len);
	if (path == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	strata_error_clear(&perr);
	rc = st_npm_parse_package_json(&pkg, f->data, path, ctx->limits, &st->arena, &perr);
	if (rc == STRATA_ECORRUPT || rc == STRATA_ELIMIT) {
		st_diag(ctx->diag, ST_DIAG_WARN, "%s, skipped", perr.msg);
		return 0;
	}
	if (rc < 0) {
		if (err != NULL)
			*err = perr;
		return rc;
	}
	pkg.layer = f->layer;
	pkg.found_by = "npm";
	if (is_global_prefix(f->path, first_node_modules(f->path, f->path_len)))
		pkg.flags |= ST_PKG_GLOBAL;
	rc = st_pkg_array_grow((void **)&st->pkgs, &st->cap, st->count, sizeof(pkg), "npm", err);
	if (rc < 0)
		return rc;
	st->pkgs[st->count++] = pkg;
	return 0;
}

static int npm_on_final_file(void *state, const struct st_walk_file *f,
			     struct st_catalog_ctx *ctx, struct strata_error *err)
{
	enum lock_kind kind;

	if (f->type != ST_FILE_REGULAR || f->summarized)
		return 0;
	if (npm_wants(f->path, f->path_len))
		return read_manifest(state, f, ctx, err);
	kind = lock_kind_of(f->path, f->path_len);
	if (kind != LOCK_NONE)
		return read_lock(state, f, kind, ctx, err);
	return 0;
}

static int compare_rows(const void *pa, const void *pb)
{
	const struct npm_lock_row *a = pa;
	const struct npm_lock_row *b = pb;
	int c = strcmp(a->root, b->root);

	if (c == 0)
		c = strcmp(a->install_path, b->install_path);
	if (c == 0)
		c = (int)b->hidden - (int)a->hidden;
	return c;
}

/* strcmp of the NUL-terminated S against the slice T. */
static int compare_to_slice(const char *s, struct st_slice t)
{
	int c = strncmp(s, t.ptr, t.len);

	if (c == 0 && s[t.len] != '\0')
		c = 1;
	return c;
}

static int compare_row_key(const struct npm_lock_row *r, struct st_slice root,
			   struct st_slice install_path)
{
	int c = compare_to_slice(r->root, root);

	return c != 0 ? c : compare_to_slice(r->install_path, install_path);
}

/* The first row for ROOT and INSTALL_PATH (a hidden lock's row when there
 * is one, because it follows node_modules as installed), or NULL. */
static const struct npm_lock_row *find_row(const struct npm_lock_row *rows, size_t count,
					   struct st_slice root, struct st_slice install_path)
{
	size_t lo = 0;
	size_t hi = count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (compare_row_key(&rows[mid], root, install_path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == count || compare_row_key(&rows[lo], root, install_path) != 0)
		return NULL;
	return &rows[lo];
}

/* Sets ST_PKG_DEV on PKG when a lock of its project marks the same
 * install path and version (package-lock.json), or the same name and
 * version (pnpm-lock.yaml, yarn.lock), as a development dependency. */
static int apply_lock(const struct npm_state *st, struct st_package *pkg,
		      struct strata_error *err)
{
	size_t len = strlen(pkg->path);
	size_t first = first_node_modules(pkg->path, len);
	const size_t manifest = sizeof("/package.json") - 1;
	const struct npm_lock_row *row;
	struct st_slice root;
	struct st_buf key;

	if (first == len || len - first <= manifest)
		return 0;
	root = st_slice_make(pkg->path, first > 0 ? first - 1 : 0);
	row = find_row(st->rows, st->row_count, root,
		       st_slice_make(pkg->path + first, len - first - manifest));
	if (row == NULL && st->name_row_count > 0) {
		st_buf_init(&key, SIZE_MAX);
		if (st_buf_printf(&key, err, "%s@%s", pkg->name, pkg->version) < 0)
			return STRATA_ENOMEM;
		row = find_row(st->name_rows, st->name_row_count, root,
			       st_slice_make(key.ptr, key.len));
		st_buf_dispose(&key);
	}
	if (row != NULL && row->dev &&
	    (row->version == NULL || strcmp(row->version, pkg->version) == 0))
		pkg->flags |= ST_PKG_DEV;
	return 0;
}

/* The package.json of the project at ROOT, or NULL. When a layer
 * replaced it, the last one read is the one in the final tree. */
static json_t *find_project(const struct npm_state *st, const char *root)
{
	size_t i = st->project_count;

	while (i-- > 0) {
		if (strcmp(st->projects[i].root, root) == 0)
			return st->projects[i].manifest;
	}
	return NULL;
}

/* Reads each kept yarn.lock into name rows, with dev flags computed from
 * its project's package.json. */
static int read_yarn_locks(struct npm_state *st, struct st_catalog_ctx *ctx,
			   struct strata_error *err)
{
	size_t i;
	int rc;

	for (i = 0; i < st->yarn_count; i++) {
		const struct npm_yarn_lock *y = &st->yarn_locks[i];
		struct lock_ctx lc = {st, y->root, false};
		size_t name_rows = st->name_row_count;
		struct strata_error perr;

		strata_error_clear(&perr);
		rc = st_yarn_parse_lock(y->text, y->path, find_project(st, y->root), ctx->limits,
					ctx->diag, keep_lock_row, &lc, &perr);
		if (rc == STRATA_ECORRUPT || rc == STRATA_ELIMIT) {
			st_diag(ctx->diag, ST_DIAG_WARN, "%s, skipped", perr.msg);
			st->name_row_count = name_rows;
			continue;
		}
		if (rc < 0) {
			if (err != NULL)
				*err = perr;
			return rc;
		}
	}
	return 0;
}

static int npm_finish(void *state, struct st_catalog_ctx *ctx, struct strata_error *err)
{
	struct npm_state *st = state;
	size_t i;
	int rc;

	rc = read_yarn_locks(st, ctx, err);
	if (rc < 0)
		return rc;

	if (st->row_count > 1)
		qsort(st->rows, st->row_count, sizeof(*st->rows), compare_rows);
	if (st->name_row_count > 1)
		qsort(st->name_rows, st->name_row_count, sizeof(*st->name_rows), compare_rows);
	for (i = 0; i < st->count; i++) {
		rc = apply_lock(st, &st->pkgs[i], err);
		if (rc == 0)
			rc = st_inventory_add(ctx->inv, &st->pkgs[i], err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

const struct st_cataloger st_cataloger_npm = {
	.name = "npm",
	.wants = npm_cataloger_wants,
	.init = npm_init,
	.on_final_file = npm_on_final_file,
	.finish = npm_finish,
	.free = npm_free,
};
