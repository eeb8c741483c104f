/* The inventory: packages and the OS release of one image, with every
 * string in one arena that lives as long as the scan. */
#include <stdlib.h>
#include <string.h>

#include "inventory/inventory.h"

void st_inventory_init(struct st_inventory *inv)
{
	memset(inv, 0, sizeof(*inv));
	st_arena_init(&inv->arena);
}

void st_inventory_dispose(struct st_inventory *inv)
{
	free(inv->packages);
	st_arena_dispose(&inv->arena);
	memset(inv, 0, sizeof(*inv));
}

/* Copies S into the arena; NULL stays NULL. Returns false on exhaustion. */
static bool copy_string(struct st_arena *arena, const char **dst, const char *s)
{
	if (s == NULL) {
		*dst = NULL;
		return true;
	}
	*dst = st_arena_strdup(arena, s);
	return *dst != NULL;
}

static int grow(struct st_inventory *inv, struct strata_error *err)
{
	struct st_package *p;
	size_t cap;

	if (inv->count < inv->cap)
		return 0;
	cap = inv->cap ? inv->cap : 64;
	if (inv->cap && !st_mul_size(inv->cap, 2, &cap))
		return st_error_set(err, STRATA_ENOMEM, "too many packages");
	p = st_reallocarray(inv->packages, cap, sizeof(*p));
	if (p == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory for %zu packages", cap);
	inv->packages = p;
	inv->cap = cap;
	return 0;
}

int st_inventory_add(struct st_inventory *inv, const struct st_package *pkg,
		     struct strata_error *err)
{
	struct st_package copy;
	struct st_arena *a = &inv->arena;
	int rc;

	rc = grow(inv, err);
	if (rc < 0)
		return rc;

	copy.layer = pkg->layer;
	if (!copy_string(a, &copy.type, pkg->type) ||
	    !copy_string(a, &copy.name, pkg->name) ||
	    !copy_string(a, &copy.version, pkg->version) ||
	    !copy_string(a, &copy.arch, pkg->arch) ||
	    !copy_string(a, &copy.source_name, pkg->source_name) ||
	    !copy_string(a, &copy.source_version, pkg->source_version) ||
	    !copy_string(a, &copy.license, pkg->license) ||
	    !copy_string(a, &copy.path, pkg->path) ||
	    !copy_string(a, &copy.purl, pkg->purl))
		return st_error_set(err, STRATA_ENOMEM, "out of memory for package %s",
				    pkg->name ? pkg->name : "(unnamed)");
	inv->packages[inv->count++] = copy;
	return 0;
}

/* strcmp with NULL sorting before every string. */
static int compare_nullable(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int compare_packages(const void *pa, const void *pb)
{
	const struct st_package *a = pa;
	const struct st_package *b = pb;
	int c;

	c = compare_nullable(a->type, b->type);
	if (c == 0)
		c = compare_nullable(a->name, b->name);
	if (c == 0)
		c = compare_nullable(a->version, b->version);
	if (c == 0)
		c = compare_nullable(a->path, b->path);
	/* The rest only makes the order total, so that output is stable. */
	if (c == 0)
		c = compare_nullable(a->arch, b->arch);
	if (c == 0)
		c = (a->layer > b->layer) - (a->layer < b->layer);
	return c;
}

void st_inventory_sort(struct st_inventory *inv)
{
	if (inv->count > 1)
		qsort(inv->packages, inv->count, sizeof(*inv->packages), compare_packages);
}
