/* Language-package catalogers (Python, RubyGems, PHP Composer, .NET and
 * the npm lock files): their registry entries, the parsers behind them
 * (shared with tests and fuzz targets) and the helpers they share.
 * Internal to lib/inventory. */
#ifndef STRATA_INVENTORY_LANG_H
#define STRATA_INVENTORY_LANG_H

#include <stdbool.h>
#include <stddef.h>

#include "inventory/inventory.h"

extern const struct st_cataloger st_cataloger_python;
extern const struct st_cataloger st_cataloger_gem;
extern const struct st_cataloger st_cataloger_composer;
extern const struct st_cataloger st_cataloger_dotnet;

/* Bounds on one field of a package record. No real package comes near
 * them: PyPI, RubyGems, Packagist and NuGet names are far shorter. A name
 * or version over its bound makes the record invalid; a longer license
 * is cut at a character boundary. */
#define ST_LANG_MAX_NAME 512
#define ST_LANG_MAX_VERSION 256
#define ST_LANG_MAX_LICENSE 4096

/* Called once per package a parser finds. PKG and its strings are valid
 * during the call only; pkg->layer and pkg->found_by are left for the
 * caller. A negative return stops the parser, which returns it. */
typedef int (*st_lang_pkg_fn)(void *ctx, const struct st_package *pkg,
			      struct strata_error *err);

/* The signature every parser below shares: TEXT read from PATH. A file
 * that is malformed as a whole returns STRATA_ECORRUPT naming PATH; one
 * bad record in a file of several is a warning on DIAG (may be NULL) and
 * is skipped. Returns 0, STRATA_ECORRUPT, STRATA_ELIMIT, STRATA_ENOMEM or
 * FN's error. */
typedef int (*st_lang_parse_fn)(struct st_slice text, const char *path,
				const struct strata_limits *lim, struct st_diag *diag,
				st_lang_pkg_fn fn, void *ctx, struct strata_error *err);

/* Python core metadata (METADATA, PKG-INFO, a single-file .egg-info):
 * one package of type "pypi". */
int st_python_parse_metadata(struct st_slice text, const char *path,
			     const struct strata_limits *lim, struct st_diag *diag,
			     st_lang_pkg_fn fn, void *ctx, struct strata_error *err);

/* A gemspec in the Ruby form that `gem install` writes under
 * specifications/: one package of type "gem". */
int st_gem_parse_gemspec(struct st_slice text, const char *path,
			 const struct strata_limits *lim, struct st_diag *diag,
			 st_lang_pkg_fn fn, void *ctx, struct strata_error *err);

/* vendor/composer/installed.json, Composer 1 (an array) or 2 (an object
 * with "packages"): packages of type "composer". Packages that Composer 2
 * lists in "dev-package-names" get ST_PKG_DEV. */
int st_composer_parse_installed(struct st_slice text, const char *path,
				const struct strata_limits *lim, struct st_diag *diag,
				st_lang_pkg_fn fn, void *ctx, struct strata_error *err);

/* A .NET NAME.deps.json: each library of type "package" as type "nuget". */
int st_dotnet_parse_deps(struct st_slice text, const char *path,
			 const struct strata_limits *lim, struct st_diag *diag,
			 st_lang_pkg_fn fn, void *ctx, struct strata_error *err);

/* A NuGet packages.lock.json: each resolved package once, whatever the
 * number of target frameworks that list it. */
int st_nuget_parse_lock(struct st_slice text, const char *path,
			const struct strata_limits *lim, struct st_diag *diag,
			st_lang_pkg_fn fn, void *ctx, struct strata_error *err);

/* A NAME.nuspec of the NuGet package cache: one package from the id,
 * version and license elements of <metadata>. */
int st_nuget_parse_nuspec(struct st_slice text, const char *path,
			  const struct strata_limits *lim, struct st_diag *diag,
			  st_lang_pkg_fn fn, void *ctx, struct strata_error *err);

/* A NuGet packages.config (.NET Framework projects): each <package id
 * version> as type "nuget", with ST_PKG_DEV when developmentDependency is
 * "true". */
int st_nuget_parse_packages_config(struct st_slice text, const char *path,
				   const struct strata_limits *lim, struct st_diag *diag,
				   st_lang_pkg_fn fn, void *ctx, struct strata_error *err);

/* npm lock files ---------------------------------------------------------- */

/* A lock file's entry for one installed package. */
struct st_npm_lock_entry {
	const char *install_path; /* "node_modules/a/node_modules/b", relative
				   * to the project; NULL in yarn.lock */
	const char *name;         /* NULL when the lock names only the path */
	const char *version;      /* resolved version; NULL when absent */
	bool dev;                 /* the lock marks it development-only */
};

typedef int (*st_npm_lock_fn)(void *ctx, const struct st_npm_lock_entry *e,
			      struct strata_error *err);

/* Parses package-lock.json or node_modules/.package-lock.json, lockfile
 * versions 1 (the nested "dependencies" tree) to 3 ("packages" keyed by
 * install path). Calls FN for each package entry; the root entry "" is
 * left out. Entries and strings are valid during the call only. */
int st_npm_parse_package_lock(struct st_slice text, const char *path,
			      const struct strata_limits *lim, struct st_diag *diag,
			      st_npm_lock_fn fn, void *ctx, struct strata_error *err);

/* Parses pnpm-lock.yaml, lockfile versions 5.x, 6.0 and 9.0. Calls FN
 * for each entry of "packages" with its name and version (install_path
 * NULL) and dev set from "dev: true", which version 9.0 no longer
 * writes. A malformed entry is a warning on DIAG and is skipped. Returns
 * STRATA_ECORRUPT for invalid YAML or a document without lockfileVersion,
 * STRATA_ELIMIT over lim->cataloged_file_bytes, over lim->json_depth or
 * over the YAML node limit; YAML aliases are rejected as corrupt. */
int st_pnpm_parse_lock(struct st_slice text, const char *path,
		       const struct strata_limits *lim, struct st_diag *diag,
		       st_npm_lock_fn fn, void *ctx, struct strata_error *err);

/* Parses yarn.lock, yarn 1 ("classic") or yarn 2 and later (YAML with a
 * "__metadata" key). Calls FN once for each name and version the lock
 * resolves (install_path NULL). dev is set when PROJECT (the project's
 * parsed package.json, may be NULL) reaches it through devDependencies
 * and not through dependencies or optionalDependencies; the walk follows
 * at most lim->json_depth levels. An entry without a valid name and
 * version is a warning on DIAG and is skipped. Returns STRATA_ECORRUPT
 * for a malformed file, STRATA_ELIMIT over lim->cataloged_file_bytes, the
 * YAML limits or ST_YAML_MAX_NODES entries. */
int st_yarn_parse_lock(struct st_slice text, const char *path, struct json_t *project,
		       const struct strata_limits *lim, struct st_diag *diag,
		       st_npm_lock_fn fn, void *ctx, struct strata_error *err);

/* Shared helpers ------------------------------------------------------------ */

/* Runs PARSE over the regular file F and adds each package it reports to
 * ctx->inv with F's layer and FOUND_BY. A file PARSE rejects as corrupt or
 * over a limit is a warning naming it, and the cataloger goes on. Returns
 * 0 or a fatal error (ENOMEM). */
int st_lang_catalog_file(const struct st_walk_file *f, struct st_catalog_ctx *ctx,
			 const char *found_by, st_lang_parse_fn parse,
			 struct strata_error *err);

/* Whether S is a usable name or version: 1 to MAX bytes, no control
 * bytes, no blanks. */
bool st_lang_is_token(struct st_slice s, size_t max);

/* Copies S into A with control bytes replaced by blanks and cut to
 * ST_LANG_MAX_LICENSE bytes (at a UTF-8 character boundary). Returns
 * NULL when out of memory. */
char *st_lang_license_dup(struct st_arena *a, struct st_slice s);

/* Whether the last component of PATH[0..LEN) is NAME. */
bool st_lang_basename_is(const char *path, size_t len, const char *name);

/* Whether PATH[0..LEN) ends with SUFFIX. */
bool st_lang_ends_with(const char *path, size_t len, const char *suffix);

/* The text of a JSON string value (without NULs or control bytes) in
 * *OUT; false for any other value. */
bool st_lang_json_text(struct json_t *v, struct st_slice *out);

/* Joins the license strings of the JSON value V (a string, or an array
 * of strings) with " OR " into A. *OUT is NULL when V holds none.
 * Returns 0 or -1 when out of memory. */
int st_lang_json_licenses(struct json_t *v, struct st_arena *a, const char **out);

#endif
