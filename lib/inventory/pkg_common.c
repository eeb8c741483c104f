/* Helpers shared by the OS package catalogers: see pkg_common.h. */
#include <stdlib.h>
#include <string.h>

#include "inventory/pkg_common.h"

int st_pkg_array_grow(void **items, size_t *cap, size_t count, size_t size, const char *kind,
		      struct strata_error *err)
{
	size_t n;
	void *p;

	if (count < *cap)
		return 0;
	n = *cap ? *cap : 32;
	if (*cap && !st_mul_size(*cap, 2, &n))
		return st_error_set(err, STRATA_ENOMEM, "too many %s packages", kind);
	p = st_reallocarray(*items, n, size);
	if (p == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory for %zu %s packages", n, kind);
	*items = p;
	*cap = n;
	return 0;
}

/* Layer history ------------------------------------------------------------ */

static int compare_name(const void *pa, const void *pb)
{
	const struct st_pkg_history_entry *a = pa;
	const struct st_pkg_history_entry *b = pb;

	return strcmp(a->name, b->name);
}

static int compare_name_arch(const void *pa, const void *pb)
{
	const struct st_pkg_history_entry *a = pa;
	const struct st_pkg_history_entry *b = pb;
	int c = strcmp(a->name, b->name);

	return c != 0 ? c : strcmp(a->arch, b->arch);
}

static int compare_name_arch_version(const void *pa, const void *pb)
{
	const struct st_pkg_history_entry *a = pa;
	const struct st_pkg_history_entry *b = pb;
	int c = compare_name_arch(a, b);

	return c != 0 ? c : strcmp(a->version, b->version);
}

static int (*key_compare(enum st_pkg_key key))(const void *, const void *)
{
	switch (key) {
	case ST_PKG_KEY_NAME:
		return compare_name;
	case ST_PKG_KEY_NAME_ARCH:
		return compare_name_arch;
	case ST_PKG_KEY_NAME_ARCH_VERSION:
		break;
	}
	return compare_name_arch_version;
}

void st_pkg_history_init(struct st_pkg_history *h, enum st_pkg_key key, const char *kind)
{
	memset(h, 0, sizeof(*h));
	st_arena_init(&h->arena);
	st_arena_init(&h->removed_arena);
	h->key = key;
	h->kind = kind;
	h->layer = SIZE_MAX;
}

void st_pkg_history_dispose(struct st_pkg_history *h)
{
	enum st_pkg_key key = h->key;
	const char *kind = h->kind;

	st_arena_dispose(&h->arena);
	st_arena_dispose(&h->removed_arena);
	free(h->items);
	free(h->removed);
	st_pkg_history_init(h, key, kind);
}

int st_pkg_history_add(struct st_pkg_history *h, const struct st_package *pkg, size_t layer,
		       struct strata_error *err)
{
	struct st_pkg_history_entry *e;
	int rc;

	rc = st_pkg_array_grow((void **)&h->items, &h->cap, h->count, sizeof(*h->items), h->kind,
			       err);
	if (rc < 0)
		return rc;
	e = &h->items[h->count];
	e->name = st_arena_strdup(&h->arena, pkg->name);
	e->arch = st_arena_strdup(&h->arena, pkg->arch ? pkg->arch : "");
	e->version = st_arena_strdup(&h->arena, pkg->version);
	e->since = layer;
	e->removed_in = SIZE_MAX;
	if (e->name == NULL || e->arch == NULL || e->version == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory for package %s", pkg->name);
	h->count++;
	h->layer = layer;
	return 0;
}

/* The entry of H with the key of NAME, ARCH (NULL for none) and VERSION,
 * when it has that version too, or NULL. */
static const struct st_pkg_history_entry *history_find(const struct st_pkg_history *h,
							const char *name, const char *arch,
							const char *version)
{
	struct st_pkg_history_entry key = {
		.name = name,
		.arch = arch ? arch : "",
		.version = version,
	};
	const struct st_pkg_history_entry *e;

	if (h->count == 0)
		return NULL;
	e = bsearch(&key, h->items, h->count, sizeof(*h->items), key_compare(h->key));
	if (e == NULL || strcmp(e->version, version) != 0)
		return NULL;
	return e;
}

/* Whether H, sorted by its key, lists a package with E's name, and with
 * E's architecture too unless H is keyed by name alone. */
static bool history_lists(const struct st_pkg_history *h, const struct st_pkg_history_entry *e)
{
	int (*compare)(const void *, const void *) =
		h->key == ST_PKG_KEY_NAME ? compare_name : compare_name_arch;

	if (h->count == 0)
		return false;
	return bsearch(e, h->items, h->count, sizeof(*h->items), compare) != NULL;
}

/* Appends a copy of E, removed in layer REMOVED_IN, to H's removed list. */
static bool removed_append(struct st_pkg_history *h, const struct st_pkg_history_entry *e,
			   size_t removed_in)
{
	struct st_pkg_history_entry *r;

	if (st_pkg_array_grow((void **)&h->removed, &h->removed_cap, h->removed_count,
			      sizeof(*h->removed), h->kind, NULL) < 0)
		return false;
	r = &h->removed[h->removed_count];
	r->name = st_arena_strdup(&h->removed_arena, e->name);
	r->arch = st_arena_strdup(&h->removed_arena, e->arch);
	r->version = st_arena_strdup(&h->removed_arena, e->version);
	r->since = e->since;
	r->removed_in = removed_in;
	if (r->name == NULL || r->arch == NULL || r->version == NULL)
		return false;
	h->removed_count++;
	return true;
}

/* Moves OLD's removed list to NEXT (sorted), drops from it the packages
 * that NEXT lists again, and adds the packages of OLD that NEXT dropped,
 * as removed in NEXT's layer. */
static void track_removed(struct st_pkg_history *old, struct st_pkg_history *next)
{
	size_t kept = 0;
	size_t i;

	next->removed_arena = old->removed_arena;
	next->removed = old->removed;
	next->removed_count = old->removed_count;
	next->removed_cap = old->removed_cap;
	next->removed_incomplete = old->removed_incomplete;
	st_arena_init(&old->removed_arena);
	old->removed = NULL;
	old->removed_count = 0;
	old->removed_cap = 0;

	for (i = 0; i < next->removed_count; i++) {
		if (!history_lists(next, &next->removed[i]))
			next->removed[kept++] = next->removed[i];
	}
	next->removed_count = kept;

	for (i = 0; i < old->count && !next->removed_incomplete; i++) {
		if (history_lists(next, &old->items[i]))
			continue;
		if (!removed_append(next, &old->items[i], next->layer))
			next->removed_incomplete = true;
	}
}

void st_pkg_history_update(struct st_pkg_history *hist, size_t count, size_t index,
			   struct st_pkg_history *next, size_t layer)
{
	size_t i;
	size_t j;

	next->layer = layer;
	if (next->count > 1)
		qsort(next->items, next->count, sizeof(*next->items), key_compare(next->key));
	track_removed(&hist[index], next);
	for (i = 0; i < next->count; i++) {
		struct st_pkg_history_entry *e = &next->items[i];
		const struct st_pkg_history_entry *prev;

		prev = history_find(&hist[index], e->name, e->arch, e->version);
		for (j = 0; j < count && prev == NULL; j++) {
			if (j != index)
				prev = history_find(&hist[j], e->name, e->arch, e->version);
		}
		if (prev != NULL)
			e->since = prev->since;
	}
	st_pkg_history_dispose(&hist[index]);
	hist[index] = *next;
	st_pkg_history_init(next, hist[index].key, hist[index].kind);
}

size_t st_pkg_history_layer(const struct st_pkg_history *h, const struct st_package *pkg,
			    size_t layer)
{
	const struct st_pkg_history_entry *e = history_find(h, pkg->name, pkg->arch, pkg->version);

	return e != NULL ? e->since : layer;
}

int st_pkg_history_add_removed(const struct st_pkg_history *h, const char *type,
			       const char *path, const char *found_by,
			       int (*build_purl)(struct st_package *pkg, const struct st_os *os,
						 struct st_arena *a, struct strata_error *err),
			       struct st_catalog_ctx *ctx, struct st_arena *arena,
			       struct strata_error *err)
{
	struct st_inventory *inv = ctx->inv;
	size_t i;
	int rc;

	if (!inv->list_removed)
		return 0;
	if (h->removed_incomplete)
		return st_error_set(err, STRATA_ENOMEM, "out of memory for the removed %s packages",
				    h->kind);
	for (i = 0; i < h->removed_count; i++) {
		const struct st_pkg_history_entry *r = &h->removed[i];
		struct st_package pkg;
		struct st_package *added;

		memset(&pkg, 0, sizeof(pkg));
		pkg.type = type;
		pkg.name = r->name;
		pkg.version = r->version;
		pkg.arch = r->arch[0] != '\0' ? r->arch : NULL;
		pkg.path = path;
		pkg.layer = r->since;
		pkg.found_by = found_by;
		pkg.flags = ST_PKG_REMOVED;
		pkg.removed_in = r->removed_in;
		if (build_purl != NULL) {
			rc = build_purl(&pkg, &inv->os, arena, err);
			if (rc < 0)
				return rc;
		}
		rc = st_inventory_add(inv, &pkg, err);
		if (rc < 0)
			return rc;
		/* Set again after the copy, so that the removal marks do not
		 * depend on which fields st_inventory_add copies. */
		added = &inv->packages[inv->count - 1];
		added->found_by = found_by;
		added->flags = ST_PKG_REMOVED;
		added->owner = NULL;
		added->removed_in = r->removed_in;
	}
	return 0;
}

/* Purl parts ---------------------------------------------------------------- */

char *st_pkg_lowercase(struct st_arena *a, const char *s)
{
	char *d = st_arena_strdup(a, s);
	size_t i;

	for (i = 0; d != NULL && d[i] != '\0'; i++) {
		if (d[i] >= 'A' && d[i] <= 'Z')
			d[i] = (char)(d[i] - 'A' + 'a');
	}
	return d;
}

int st_pkg_os_qualifiers(const char **namespace, const char **distro, const struct st_os *os,
			 const char *fallback, const struct st_package *pkg, struct st_arena *a,
			 struct strata_error *err)
{
	*namespace = fallback;
	*distro = NULL;
	if (!os->found || os->id == NULL || os->id[0] == '\0')
		return 0;

	*namespace = st_pkg_lowercase(a, os->id);
	if (*namespace == NULL)
		goto nomem;
	if (os->version_id == NULL || os->version_id[0] == '\0')
		return 0;
	*distro = st_arena_printf(a, "%s-%s", *namespace, os->version_id);
	if (*distro == NULL)
		goto nomem;
	return 0;

nomem:
	return st_error_set(err, STRATA_ENOMEM, "out of memory for package %s", pkg->name);
}

/* Kernel packages ------------------------------------------------------------ */

/* Package names of Linux kernels, their modules and headers, per type. A
 * pattern ending in '*' matches that prefix. Kernel userland tools
 * (kernel-tools, linux-tools-*) and firmware are not kernels. */
static const struct {
	const char *type;
	const char *pattern;
} kernel_names[] = {
	{"deb", "linux-libc-dev"},    {"deb", "linux-headers-*"},   {"deb", "linux-image-*"},
	{"deb", "linux-modules-*"},   {"deb", "linux-kbuild-*"},
	{"rpm", "kernel"},            {"rpm", "kernel-core"},       {"rpm", "kernel-headers"},
	{"rpm", "kernel-devel"},      {"rpm", "kernel-devel-*"},    {"rpm", "kernel-modules"},
	{"rpm", "kernel-modules-*"},  {"rpm", "kernel-uek*"},       {"rpm", "kernel-default*"},
	{"rpm", "kernel-rt*"},        {"rpm", "kernel-64k*"},       {"rpm", "kernel-debug*"},
	{"rpm", "kernel-syms"},       {"rpm", "kernel-source"},     {"rpm", "kernel-azure*"},
	{"apk", "linux-headers"},     {"apk", "linux-lts*"},        {"apk", "linux-virt*"},
	{"apk", "linux-edge*"},       {"apk", "linux-stable*"},     {"apk", "linux-rpi*"},
};

unsigned st_pkg_kernel_flags(const char *type, const char *name)
{
	size_t i;

	if (type == NULL || name == NULL)
		return 0;
	for (i = 0; i < ST_ARRAY_LEN(kernel_names); i++) {
		const char *p = kernel_names[i].pattern;
		size_t n = strlen(p);

		if (strcmp(kernel_names[i].type, type) != 0)
			continue;
		if (p[n - 1] == '*' ? strncmp(name, p, n - 1) == 0 : strcmp(name, p) == 0)
			return ST_PKG_KERNEL_HEADERS;
	}
	return 0;
}
