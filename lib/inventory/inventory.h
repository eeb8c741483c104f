/* Inventory: the OS and packages found in an image, and the cataloger
 * interface that fills it from the layer walk. */
#ifndef STRATA_INVENTORY_H
#define STRATA_INVENTORY_H

#include <stdbool.h>
#include <stddef.h>

#include "image/walk.h"
#include "util/util.h"

/* Fields of os-release(5); NULL when absent. */
struct st_os {
	const char *id;
	const char *id_like;
	const char *version_id;
	const char *version_codename;
	const char *pretty_name;
	const char *path;  /* the file that was read, after symlinks */
	size_t layer;
	bool found;
};

/* One package. Strings live in the inventory's arena. */
struct st_package {
	const char *type;           /* purl type: "deb", "npm" */
	const char *name;           /* npm: "@scope/name" for scoped packages */
	const char *version;
	const char *arch;           /* NULL when the ecosystem has none */
	const char *source_name;    /* deb: Source: name, else NULL (= name) */
	const char *source_version; /* deb: "(version)" of Source:, else NULL (= version) */
	const char *license;        /* SPDX expression or the declared text; may be NULL */
	const char *path;           /* the file it was read from */
	const char *purl;
	size_t layer;               /* layer that introduced it in its final form */
};

struct st_inventory {
	struct st_arena arena;
	struct st_os os;
	struct st_package *packages;
	size_t count;
	size_t cap;
};

void st_inventory_init(struct st_inventory *inv);
void st_inventory_dispose(struct st_inventory *inv);

/* Copies PKG (and every string it points to) into INV. */
int st_inventory_add(struct st_inventory *inv, const struct st_package *pkg,
		     struct strata_error *err);

/* Sorts packages by type, name, version, path. */
void st_inventory_sort(struct st_inventory *inv);

/* Context passed to a cataloger with each file. */
struct st_catalog_ctx {
	struct st_inventory *inv;
	struct st_diag *diag;
	const struct strata_limits *limits;
};

/* A cataloger: declares the files it wants and turns them into packages.
 * Catalogers run in registry order at each step, so the OS cataloger
 * finishes before package catalogers build purls. A malformed file is a
 * warning on ctx->diag and the cataloger goes on; callbacks return a
 * negative code only for failures that must stop the scan (ENOMEM). */
struct st_cataloger {
	const char *name;
	/* Returns true for paths (normalized, see walk.h) this cataloger reads. */
	bool (*wants)(const char *path, size_t len);
	int (*init)(void **state, struct strata_error *err);
	/* Optional; see st_walk_visitor.on_layer_file. */
	int (*on_layer_file)(void *state, const struct st_walk_file *f,
			     struct st_catalog_ctx *ctx, struct strata_error *err);
	int (*on_final_file)(void *state, const struct st_walk_file *f,
			     struct st_catalog_ctx *ctx, struct strata_error *err);
	/* Adds the packages to ctx->inv. */
	int (*finish)(void *state, struct st_catalog_ctx *ctx, struct strata_error *err);
	void (*free)(void *state);
};

extern const struct st_cataloger st_cataloger_os;
extern const struct st_cataloger st_cataloger_dpkg;
extern const struct st_cataloger st_cataloger_npm;

/* Runs the layer walk with every registered cataloger and fills INV. */
int st_catalog_image(struct st_image *img, struct st_inventory *inv,
		     const struct st_walk_options *opts, struct st_walk_layer_stats *stats,
		     struct strata_error *err);

/* The same over COUNT layers opened through OPEN (see st_walk_layers),
 * so that tests can catalog in-memory layers. */
int st_catalog_layers(size_t count, st_layer_opener open, void *open_ctx,
		      const char *const *names, struct st_inventory *inv,
		      const struct st_walk_options *opts, struct st_walk_layer_stats *stats,
		      struct strata_error *err);

/* Parsers shared by catalogers, tests and fuzz targets -------------------- */

/* Parses os-release TEXT into OS (strings in ARENA). Unknown keys are
 * ignored; quoting and escapes follow os-release(5). */
int st_osrelease_parse(struct st_os *os, struct st_slice text, struct st_arena *arena,
		       struct strata_error *err);

/* Parses a dpkg status file (or one status.d file) and calls FN for each
 * installed package, i.e. each stanza whose Status ends in installed,
 * triggers-pending, triggers-awaiting, half-configured or unpacked
 * (status.d stanzas without Status count as installed). PKG strings are
 * valid during the callback only. A malformed stanza is reported on DIAG
 * with its line number and skipped. */
int st_dpkg_parse_status(struct st_slice text, const char *path,
			 const struct strata_limits *lim, struct st_diag *diag,
			 int (*fn)(void *ctx, const struct st_package *pkg,
				   struct strata_error *err),
			 void *ctx, struct strata_error *err);

/* Parses a package.json at PATH; fills PKG (strings in ARENA). Returns
 * STRATA_ECORRUPT for invalid JSON or a missing name or version. */
int st_npm_parse_package_json(struct st_package *pkg, struct st_slice text, const char *path,
			      const struct strata_limits *lim, struct st_arena *arena,
			      struct strata_error *err);

/* Alpine apk ------------------------------------------------------------- */

/* The cataloger of lib/apk/db/installed (Alpine, Wolfi, Chainguard). */
extern const struct st_cataloger st_cataloger_apk;

/* One package of an apk installed database. */
struct st_apk_package {
	struct st_package pkg; /* type "apk"; source_name is the origin (o:) */
	/* The files it owns, "DIR/NAME" from its F: and R: lines, each
	 * ending in a NUL, back to back; FILE_COUNT of them. */
	const char *files;
	size_t file_count;
	bool files_complete; /* false when the stanza's line limit cut the list */
};

/* Parses lib/apk/db/installed TEXT, read from PATH, and calls FN for each
 * package stanza. PKG and its strings are valid during the callback only.
 * A malformed line or stanza is reported on DIAG with its line number and
 * skipped. lim->status_fields bounds the lines of one stanza: past it, a
 * package keeps its fields but no more files. Returns STRATA_ELIMIT when
 * TEXT exceeds lim->cataloged_file_bytes, else 0 or FN's error. */
int st_apk_parse_installed(struct st_slice text, const char *path,
			   const struct strata_limits *lim, struct st_diag *diag,
			   int (*fn)(void *ctx, const struct st_apk_package *pkg,
				     struct strata_error *err),
			   void *ctx, struct strata_error *err);

/* rpm -------------------------------------------------------------------- */

/* The cataloger of rpm's database: var/lib/rpm or usr/lib/sysimage/rpm,
 * as Packages (Berkeley DB), rpmdb.sqlite or Packages.db (NDB). */
extern const struct st_cataloger st_cataloger_rpm;

/* One package of an rpm database. pkg.version is [EPOCH:]VERSION-RELEASE,
 * with the epoch only when the header has one. pkg.source_name and
 * pkg.source_version come from the source rpm's file name. pkg.purl is
 * NULL because the cataloger builds it once the OS release is known. */
struct st_rpm_package {
	struct st_package pkg;       /* type "rpm" */
	const char *epoch;           /* decimal, or NULL without an epoch */
	const char *version_release; /* VERSION-RELEASE, the purl version */
	const char *vendor;          /* NULL when absent */
	const char *modularity_label; /* RHEL module stream, or NULL */
	size_t file_count;           /* installed files the header lists */
	bool files_valid;            /* false when its file list is inconsistent */
};

/* Parses the rpm database DB read from PATH, in any of the three formats
 * (recognized by content), and calls FN for each package. PKG and its
 * strings are valid during the callback only. A damaged page, record or
 * header is reported on DIAG naming PATH and the record, and skipped.
 * Returns STRATA_ELIMIT when DB exceeds lim->cataloged_file_bytes,
 * STRATA_EUNSUPPORTED or STRATA_ECORRUPT (naming PATH) when DB as a whole
 * is no readable rpm database, else 0 or FN's error. */
int st_rpmdb_parse(struct st_slice db, const char *path, const struct strata_limits *lim,
		   struct st_diag *diag,
		   int (*fn)(void *ctx, const struct st_rpm_package *pkg, struct strata_error *err),
		   void *ctx, struct strata_error *err);

/* purl ------------------------------------------------------------------- */

/* Builds a package URL per the purl specification into ARENA: type,
 * optional namespace, name, version, and qualifiers given as KEY/VALUE
 * pairs (NULL values skipped, keys sorted), percent-encoding each part.
 * Returns NULL on allocation failure. */
char *st_purl_build(struct st_arena *arena, const char *type, const char *namespace_,
		    const char *name, const char *version,
		    const char *const *qualifiers, size_t qualifier_count);

#endif
