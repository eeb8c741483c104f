/* npm's lock files, package-lock.json and the hidden lock file
 * node_modules/.package-lock.json that npm 7 and later keep in step with
 * node_modules (docs.npmjs.com, "package-lock.json"). The npm cataloger
 * reads them only to learn what the lock states about packages it found
 * installed: a lock never adds a package.
 *   lockfileVersion 1: "dependencies" maps each name to {"version", "dev",
 *     "dependencies": {...}}, nested as node_modules is.
 *   lockfileVersion 2: both forms; "packages" is read.
 *   lockfileVersion 3: "packages" maps each install path
 *     ("node_modules/a/node_modules/b"; "" is the project itself) to
 *     {"version", "dev", "name" (for aliases), ...}. */
#include <jansson.h>
#include <string.h>

#include "inventory/lang.h"

struct lock_walk {
	const char *path;
	st_npm_lock_fn fn;
	void *ctx;
	struct st_buf install_path;
};

/* The version of lock entry V, or NULL when it has none usable. */
static const char *entry_version(json_t *v)
{
	struct st_slice s;

	if (!st_lang_json_text(json_object_get(v, "version"), &s) ||
	    !st_lang_is_token(s, ST_LANG_MAX_VERSION))
		return NULL;
	return s.ptr;
}

static int walk_packages(struct lock_walk *w, json_t *packages, struct strata_error *err)
{
	const char *key;
	json_t *v;
	int rc;

	json_object_foreach(packages, key, v) {
		struct st_npm_lock_entry e;
		struct st_slice name;

		if (key[0] == '\0' || !json_is_object(v))
			continue;
		memset(&e, 0, sizeof(e));
		e.install_path = key;
		e.version = entry_version(v);
		e.dev = json_is_true(json_object_get(v, "dev"));
		if (st_lang_json_text(json_object_get(v, "name"), &name) &&
		    st_lang_is_token(name, ST_LANG_MAX_NAME))
			e.name = name.ptr;
		rc = w->fn(w->ctx, &e, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Walks a version 1 "dependencies" map whose install paths start with
 * w->install_path. A path over the buffer's cap (the path limit) names no
 * file of the image, so that subtree is skipped. */
static int walk_dependencies(struct lock_walk *w, json_t *deps, struct strata_error *err)
{
	size_t base = w->install_path.len;
	const char *key;
	json_t *v;
	int rc;

	json_object_foreach(deps, key, v) {
		struct st_npm_lock_entry e;

		w->install_path.len = base;
		if (!json_is_object(v) || !st_lang_is_token(st_slice_cstr(key), ST_LANG_MAX_NAME))
			continue;
		if ((base > 0 && st_buf_putc(&w->install_path, '/', NULL) < 0) ||
		    st_buf_append(&w->install_path, "node_modules/", 13, NULL) < 0 ||
		    st_buf_append(&w->install_path, key, strlen(key), NULL) < 0 ||
		    st_buf_cstr(&w->install_path, NULL) == NULL)
			continue;
		memset(&e, 0, sizeof(e));
		e.install_path = w->install_path.ptr;
		e.name = key;
		e.version = entry_version(v);
		e.dev = json_is_true(json_object_get(v, "dev"));
		rc = w->fn(w->ctx, &e, err);
		if (rc == 0 && json_is_object(json_object_get(v, "dependencies")))
			rc = walk_dependencies(w, json_object_get(v, "dependencies"), err);
		if (rc < 0)
			return rc;
	}
	w->install_path.len = base;
	return 0;
}

int st_npm_parse_package_lock(struct st_slice text, const char *path,
			      const struct strata_limits *lim, struct st_diag *diag,
			      st_npm_lock_fn fn, void *ctx, struct strata_error *err)
{
	struct lock_walk w = {path, fn, ctx, {0}};
	size_t max = lim->cataloged_file_bytes > SIZE_MAX ? SIZE_MAX
							  : (size_t)lim->cataloged_file_bytes;
	json_t *root = NULL;
	json_t *packages;
	json_t *deps;
	int rc;

	rc = st_json_parse(&root, text, max, lim->json_depth, 0, path, err);
	if (rc < 0)
		return rc;
	packages = json_object_get(root, "packages");
	deps = json_object_get(root, "dependencies");
	st_buf_init(&w.install_path, lim->path_bytes);
	if (json_is_object(packages))
		rc = walk_packages(&w, packages, err);
	else if (json_is_object(deps))
		rc = walk_dependencies(&w, deps, err);
	else if (json_is_object(root) && json_object_get(root, "lockfileVersion") != NULL)
		rc = 0; /* a project without dependencies */
	else
		rc = st_error_set(err, STRATA_ECORRUPT, "%s: not an npm lock file", path);
	st_buf_dispose(&w.install_path);
	json_decref(root);
	return rc;
}
