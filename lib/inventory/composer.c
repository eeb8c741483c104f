/* The PHP Composer cataloger: installed packages from
 * vendor/composer/installed.json, which Composer 1 writes as an array of
 * package objects and Composer 2 as {"packages": [...], "dev": bool,
 * "dev-package-names": [...]}. Each package object gives "name"
 * ("vendor/package"), "version" (as the user sees it, such as "v1.8.1"),
 * and "license" (an array of SPDX identifiers, any one of which applies,
 * or a string). "version_normalized" is not used. */
#include <jansson.h>
#include <string.h>

#include "inventory/lang.h"

/* Warnings per file before the rest of its problems go unreported. */
#define COMPOSER_MAX_WARNINGS 20

struct composer_parser {
	const char *path;
	struct st_diag *diag;
	unsigned warnings;
	json_t *dev_names; /* Composer 2 "dev-package-names", or NULL */
	st_lang_pkg_fn fn;
	void *ctx;
};

static bool composer_wants(const char *path, size_t len)
{
	static const char tail[] = "vendor/composer/installed.json";

	return st_lang_basename_is(path, len, "installed.json") &&
	       st_lang_ends_with(path, len, tail) &&
	       (len == sizeof(tail) - 1 || path[len - sizeof(tail)] == '/');
}

static bool is_dev(const struct composer_parser *p, struct st_slice name)
{
	struct st_slice item;
	json_t *v;
	size_t i;

	json_array_foreach(p->dev_names, i, v) {
		if (st_lang_json_text(v, &item) && item.len == name.len &&
		    memcmp(item.ptr, name.ptr, name.len) == 0)
			return true;
	}
	return false;
}

static void warn_record(struct composer_parser *p, size_t index, const char *what)
{
	if (++p->warnings > COMPOSER_MAX_WARNINGS)
		return;
	st_diag(p->diag, ST_DIAG_WARN, "%s: package %zu: %s, skipped", p->path, index, what);
}

/* Reports the package object V, number INDEX in the list. */
static int one_package(struct composer_parser *p, size_t index, json_t *v,
		       struct strata_error *err)
{
	struct st_slice name;
	struct st_slice version;
	struct st_arena arena;
	struct st_package pkg;
	const char *slash;
	char *vendor;
	int rc;

	if (!json_is_object(v)) {
		warn_record(p, index, "not an object");
		return 0;
	}
	if (!st_lang_json_text(json_object_get(v, "name"), &name) ||
	    !st_lang_is_token(name, ST_LANG_MAX_NAME)) {
		warn_record(p, index, "no valid \"name\"");
		return 0;
	}
	slash = memchr(name.ptr, '/', name.len);
	if (slash == NULL || slash == name.ptr || slash == name.ptr + name.len - 1) {
		warn_record(p, index, "\"name\" is not vendor/package");
		return 0;
	}
	if (!st_lang_json_text(json_object_get(v, "version"), &version) ||
	    !st_lang_is_token(version, ST_LANG_MAX_VERSION)) {
		warn_record(p, index, "no valid \"version\"");
		return 0;
	}

	memset(&pkg, 0, sizeof(pkg));
	st_arena_init(&arena);
	pkg.type = "composer";
	pkg.name = st_arena_strndup(&arena, name.ptr, name.len);
	pkg.version = st_arena_strndup(&arena, version.ptr, version.len);
	pkg.path = p->path;
	if (is_dev(p, name))
		pkg.flags |= ST_PKG_DEV;
	vendor = st_arena_strndup(&arena, name.ptr, (size_t)(slash - name.ptr));
	if (pkg.name == NULL || pkg.version == NULL || vendor == NULL ||
	    st_lang_json_licenses(json_object_get(v, "license"), &arena, &pkg.license) < 0) {
		rc = st_error_set(err, STRATA_ENOMEM, "%s: out of memory", p->path);
		goto out;
	}
	/* pkg:composer/VENDOR/NAME@VERSION: the vendor is the namespace. */
	pkg.purl = st_purl_build(&arena, "composer", vendor, pkg.name + (slash - name.ptr) + 1,
				 pkg.version, NULL, 0);
	if (pkg.purl == NULL) {
		rc = st_error_set(err, STRATA_ENOMEM, "%s: out of memory", p->path);
		goto out;
	}
	rc = p->fn(p->ctx, &pkg, err);

out:
	st_arena_dispose(&arena);
	return rc;
}

int st_composer_parse_installed(struct st_slice text, const char *path,
				const struct strata_limits *lim, struct st_diag *diag,
				st_lang_pkg_fn fn, void *ctx, struct strata_error *err)
{
	struct composer_parser p = {path, diag, 0, NULL, fn, ctx};
	size_t max = lim->cataloged_file_bytes > SIZE_MAX ? SIZE_MAX
							  : (size_t)lim->cataloged_file_bytes;
	json_t *root = NULL;
	json_t *list;
	json_t *v;
	size_t i;
	int rc;

	rc = st_json_parse(&root, text, max, lim->json_depth, 0, path, err);
	if (rc < 0)
		return rc;
	list = root;
	if (json_is_object(root)) {
		list = json_object_get(root, "packages");
		p.dev_names = json_object_get(root, "dev-package-names");
	}
	if (!json_is_array(list)) {
		rc = st_error_set(err, STRATA_ECORRUPT, "%s: no package list", path);
		goto out;
	}
	json_array_foreach(list, i, v) {
		rc = one_package(&p, i, v, err);
		if (rc < 0)
			goto out;
	}
	if (p.warnings > COMPOSER_MAX_WARNINGS)
		st_diag(diag, ST_DIAG_WARN, "%s: %u more invalid packages", path,
			p.warnings - COMPOSER_MAX_WARNINGS);

out:
	json_decref(root);
	return rc;
}

/* The cataloger ------------------------------------------------------------ */

static int composer_init(void **state, struct strata_error *err)
{
	*state = NULL;
	return 0;
}

static void composer_free(void *state)
{
}

static int composer_on_final_file(void *state, const struct st_walk_file *f,
				  struct st_catalog_ctx *ctx, struct strata_error *err)
{
	if (!composer_wants(f->path, f->path_len))
		return 0;
	return st_lang_catalog_file(f, ctx, "composer", st_composer_parse_installed, err);
}

static int composer_finish(void *state, struct st_catalog_ctx *ctx, struct strata_error *err)
{
	return 0;
}

const struct st_cataloger st_cataloger_composer = {
	.name = "composer",
	.wants = composer_wants,
	.init = composer_init,
	.on_final_file = composer_on_final_file,
	.finish = composer_finish,
	.free = composer_free,
};
