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
	h->key = key;
	h->kind = kind;
}

void st_pkg_history_dispose(struct st_pkg_history *h)
{
	enum st_pkg_key key = h->key;
	const char *kind = h->kind;

	st_arena_dispose(&h->arena);
	free(h->items);
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
	if (e->name == NULL || e->arch == NULL || e->version == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory for package %s", pkg->name);
	h->count++;
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

void st_pkg_history_update(struct st_pkg_history *hist, size_t count, size_t index,
			   struct st_pkg_history *next)
{
	size_t i;
	size_t j;

	if (next->count > 1)
		qsort(next->items, next->count, sizeof(*next->items), key_compare(next->key));
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
