/* Helpers shared by the OS package catalogers (dpkg, apk, rpm): the
 * layer history of a package database, lowercase arena copies and the
 * OS part of a purl. Internal to lib/inventory. */
#ifndef STRATA_INVENTORY_PKG_COMMON_H
#define STRATA_INVENTORY_PKG_COMMON_H

#include <stdbool.h>
#include <stddef.h>

#include "inventory/inventory.h"

/* The fields that identify one entry of a history. */
enum st_pkg_key {
	ST_PKG_KEY_NAME,              /* apk: one package per name */
	ST_PKG_KEY_NAME_ARCH,         /* dpkg: one per name and architecture */
	ST_PKG_KEY_NAME_ARCH_VERSION, /* rpm: several versions may coexist */
};

/* The layer that introduced one package version of a database file. */
struct st_pkg_history_entry {
	const char *name;
	const char *arch; /* "" when the package has none */
	const char *version;
	size_t since;      /* layer */
	size_t removed_in; /* entries of st_pkg_history.removed: the layer whose
			    * version of the file dropped the package (or
			    * removed the file) */
};

/* The packages of one database file as of some layer, with strings in
 * their own arena. The entries are sorted by the key once
 * st_pkg_history_update has stored the history. */
struct st_pkg_history {
	struct st_arena arena;
	struct st_pkg_history_entry *items;
	size_t count;
	size_t cap;
	enum st_pkg_key key;
	const char *kind; /* "dpkg", "apk" or "rpm", for error messages */
	size_t layer;     /* layer of the last st_pkg_history_add, or SIZE_MAX */
	/* Packages that an earlier version of the file listed and a later
	 * one dropped, with strings in REMOVED_ARENA. st_pkg_history_update
	 * carries them from one version to the next, and drops one again
	 * when a later version lists its name (and architecture) again. */
	struct st_arena removed_arena;
	struct st_pkg_history_entry *removed;
	size_t removed_count;
	size_t removed_cap;
	bool removed_incomplete; /* an allocation for the list failed */
};

/* Grows the array *ITEMS of *CAP elements of SIZE bytes so that it has
 * room for at least COUNT + 1. The caller frees *ITEMS, also on error.
 * Returns 0 or STRATA_ENOMEM, naming KIND packages in ERR. */
int st_pkg_array_grow(void **items, size_t *cap, size_t count, size_t size, const char *kind,
		      struct strata_error *err);

/* Initialises an empty history H keyed by KEY. KIND must be a static
 * string. Release H with st_pkg_history_dispose. */
void st_pkg_history_init(struct st_pkg_history *h, enum st_pkg_key key, const char *kind);

/* Frees the entries and strings of H and leaves it empty. H may be
 * zeroed or disposed already. */
void st_pkg_history_dispose(struct st_pkg_history *h);

/* Appends PKG (name, arch, version) to H with LAYER as its layer,
 * copying the strings into H's arena. Returns 0 or STRATA_ENOMEM. */
int st_pkg_history_add(struct st_pkg_history *h, const struct st_package *pkg, size_t layer,
		       struct strata_error *err);

/* Sorts NEXT, the packages of a database file as of LAYER (NEXT may be
 * empty: a version that lists no package, or a layer that removed the
 * file). Each
 * entry of NEXT whose key and version HIST[INDEX] already contains takes
 * the layer of that older entry. When HIST[INDEX] has no such entry, the
 * other COUNT - 1 histories of HIST are searched in order, so that a
 * package keeps its layer when the database moves to another path. The
 * packages of HIST[INDEX] that NEXT does not list by name (and by
 * architecture, unless the key is ST_PKG_KEY_NAME) join the removed list,
 * which moves to NEXT. Then NEXT replaces HIST[INDEX] (which is disposed),
 * and NEXT is left empty. When memory for the removed list runs out, the
 * list is marked incomplete and st_pkg_history_add_removed reports it. */
void st_pkg_history_update(struct st_pkg_history *hist, size_t count, size_t index,
			   struct st_pkg_history *next, size_t layer);

/* Returns the layer that introduced PKG's version according to H, or
 * LAYER when H has no entry with PKG's key and version. */
size_t st_pkg_history_layer(const struct st_pkg_history *h, const struct st_package *pkg,
			    size_t layer);

/* Adds the packages in H's removed list to ctx->inv when
 * ctx->inv->list_removed is set (the scan option all_layers), and does
 * nothing otherwise. Each gets TYPE, PATH (the database file), FOUND_BY,
 * flag ST_PKG_REMOVED, layer = the layer that installed it and removed_in;
 * BUILD_PURL (may be NULL) sets its purl, with strings in ARENA. The
 * matcher skips such packages. Returns 0, STRATA_ENOMEM or BUILD_PURL's
 * error. */
int st_pkg_history_add_removed(const struct st_pkg_history *h, const char *type,
			       const char *path, const char *found_by,
			       int (*build_purl)(struct st_package *pkg, const struct st_os *os,
						 struct st_arena *a, struct strata_error *err),
			       struct st_catalog_ctx *ctx, struct st_arena *arena,
			       struct strata_error *err);

/* Copies S into A with ASCII A-Z lowercased. Returns NULL when out of
 * memory or when S is NULL. */
char *st_pkg_lowercase(struct st_arena *a, const char *s);

/* Sets *NAMESPACE to the lowercased ID of OS, or to FALLBACK (may be
 * NULL) when OS has none, and *DISTRO to "ID-VERSION_ID", or to NULL
 * when either is missing, for the purl of PKG. Strings live in A.
 * Returns 0 or STRATA_ENOMEM, naming PKG in ERR. */
int st_pkg_os_qualifiers(const char **namespace, const char **distro, const struct st_os *os,
			 const char *fallback, const struct st_package *pkg, struct st_arena *a,
			 struct strata_error *err);

/* Returns ST_PKG_KERNEL_HEADERS when the package of TYPE ("deb", "apk",
 * "rpm") and NAME is a Linux kernel, its modules or its headers, whose
 * vulnerabilities concern the host kernel rather than the image; else 0. */
unsigned st_pkg_kernel_flags(const char *type, const char *name);

#endif
