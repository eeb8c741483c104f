/* The inventory: packages and the OS release of one image, with every
 * string in one arena that lives as long as the scan. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inventory/inventory.h"

void st_inventory_init(struct st_inventory *inv)
{
	memset(inv, 0, sizeof(*inv));
	st_arena_init(&inv->arena);
}

static void owned_free(struct st_owned_files *o);

void st_inventory_dispose(struct st_inventory *inv)
{
	owned_free(inv->owned);
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
	copy.flags = pkg->flags;
	copy.removed_in = pkg->removed_in;
	if (!copy_string(a, &copy.type, pkg->type) ||
	    !copy_string(a, &copy.name, pkg->name) ||
	    !copy_string(a, &copy.version, pkg->version) ||
	    !copy_string(a, &copy.arch, pkg->arch) ||
	    !copy_string(a, &copy.source_name, pkg->source_name) ||
	    !copy_string(a, &copy.source_version, pkg->source_version) ||
	    !copy_string(a, &copy.license, pkg->license) ||
	    !copy_string(a, &copy.path, pkg->path) ||
	    !copy_string(a, &copy.purl, pkg->purl) ||
	    !copy_string(a, &copy.found_by, pkg->found_by) ||
	    !copy_string(a, &copy.owner, pkg->owner))
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

/* File ownership ------------------------------------------------------------ */

/* An open-addressing hash set of paths. Paths and owner names live in the
 * set's arena; the slot array doubles when it is half full. */
struct owned_slot {
	const char *path; /* NULL: empty slot */
	size_t len;
	uint64_t hash;
	const char *owner;
};

struct owned_table {
	struct owned_slot *slots;
	size_t cap; /* a power of two, or 0 */
	size_t count;
};

/* FILES contains every recorded path, DIRS the parent directory of each,
 * with the owner of the first file recorded in it. */
struct st_owned_files {
	struct st_arena arena;
	struct owned_table files;
	struct owned_table dirs;
	const char *last_owner; /* the arena copy of the last owner name */
};

static void owned_free(struct st_owned_files *o)
{
	if (o == NULL)
		return;
	free(o->files.slots);
	free(o->dirs.slots);
	st_arena_dispose(&o->arena);
	free(o);
}

/* FNV-1a, 64 bits. */
static uint64_t path_hash(const char *p, size_t len)
{
	uint64_t h = 0xcbf29ce484222325u;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)p[i];
		h *= 0x100000001b3u;
	}
	return h;
}

/* Drops a leading "/" or "./" and trailing "/": dpkg lists "/usr/bin/x"
 * and rpm "/usr/bin/" + "x", while walk paths have neither. */
static struct st_slice normalize(const char *path, size_t len)
{
	while (len > 0 && path[0] == '/') {
		path++;
		len--;
	}
	while (len >= 2 && path[0] == '.' && path[1] == '/') {
		path += 2;
		len -= 2;
		while (len > 0 && path[0] == '/') {
			path++;
			len--;
		}
	}
	while (len > 0 && path[len - 1] == '/')
		len--;
	if (len == 1 && path[0] == '.')
		len = 0;
	return st_slice_make(path, len);
}

static struct owned_slot *table_find(const struct owned_table *t, struct st_slice p,
				     uint64_t hash)
{
	size_t i;

	if (t->cap == 0)
		return NULL;
	for (i = (size_t)hash & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
		struct owned_slot *s = &t->slots[i];

		if (s->path == NULL)
			return s;
		if (s->hash == hash && s->len == p.len && memcmp(s->path, p.ptr, p.len) == 0)
			return s;
	}
}

static int table_grow(struct owned_table *t, struct strata_error *err)
{
	struct owned_table bigger = {NULL, 0, t->count};
	size_t i;

	if (t->cap != 0 && !st_mul_size(t->cap, 2, &bigger.cap))
		return st_error_set(err, STRATA_ENOMEM, "too many owned files");
	if (t->cap == 0)
		bigger.cap = 1024;
	bigger.slots = st_calloc(bigger.cap, sizeof(*bigger.slots));
	if (bigger.slots == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory for %zu owned files",
				    bigger.cap / 2);
	for (i = 0; i < t->cap; i++) {
		const struct owned_slot *s = &t->slots[i];

		if (s->path != NULL)
			*table_find(&bigger, st_slice_make(s->path, s->len), s->hash) = *s;
	}
	free(t->slots);
	*t = bigger;
	return 0;
}

/* Adds P to T with OWNER unless T has it already. */
static int table_add(struct st_owned_files *o, struct owned_table *t, struct st_slice p,
		     const char *owner, struct strata_error *err)
{
	uint64_t hash = path_hash(p.ptr, p.len);
	struct owned_slot *s;
	char *copy;
	int rc;

	if (t->count + 1 > t->cap / 2) {
		rc = table_grow(t, err);
		if (rc < 0)
			return rc;
	}
	s = table_find(t, p, hash);
	if (s->path != NULL)
		return 0;
	copy = st_arena_strndup(&o->arena, p.ptr, p.len);
	if (copy == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory for owned file %.*s",
				    (int)(p.len > 200 ? 200 : p.len), p.ptr);
	s->path = copy;
	s->len = p.len;
	s->hash = hash;
	s->owner = owner;
	t->count++;
	return 0;
}

int st_inventory_own_file(struct st_inventory *inv, const char *path, size_t len,
			  const char *owner, struct strata_error *err)
{
	struct st_owned_files *o = inv->owned;
	struct st_slice p = normalize(path, len);
	const char *slash;
	int rc;

	if (p.len == 0 || owner == NULL)
		return 0;
	if (o == NULL) {
		o = st_calloc(1, sizeof(*o));
		if (o == NULL)
			return st_error_set(err, STRATA_ENOMEM, "out of memory for owned files");
		st_arena_init(&o->arena);
		inv->owned = o;
	}
	/* Catalogers record one package's files in a row: one arena copy of
	 * the owner name serves them all. */
	if (o->last_owner == NULL || strcmp(o->last_owner, owner) != 0) {
		o->last_owner = st_arena_strdup(&o->arena, owner);
		if (o->last_owner == NULL)
			return st_error_set(err, STRATA_ENOMEM, "out of memory for owner %s", owner);
	}
	rc = table_add(o, &o->files, p, o->last_owner, err);
	if (rc < 0)
		return rc;
	slash = memrchr(p.ptr, '/', p.len);
	if (slash == NULL)
		return 0;
	return table_add(o, &o->dirs, st_slice_make(p.ptr, (size_t)(slash - p.ptr)),
			 o->last_owner, err);
}

static const char *lookup(const struct owned_table *t, struct st_slice p)
{
	const struct owned_slot *s;

	if (p.len == 0)
		return NULL;
	s = table_find(t, p, path_hash(p.ptr, p.len));
	return s != NULL && s->path != NULL ? s->owner : NULL;
}

/* Package databases may still list files under the old path of a merged
 * directory (dpkg lists /bin/bash). */
const char *const st_merged_usr_dirs[ST_MERGED_USR_DIR_COUNT] = {
	"bin/", "sbin/", "lib/", "lib32/", "lib64/", "libx32/",
};

/* Writes into BUF the other name of P under merged /usr ("usr/bin/x" for
 * "bin/x" and the reverse) and returns it, or an empty slice. */
static struct st_slice merged_usr_alias(struct st_slice p, char *buf, size_t cap)
{
	struct st_slice none = {NULL, 0};
	bool under_usr = p.len > 4 && memcmp(p.ptr, "usr/", 4) == 0;
	struct st_slice rest = under_usr ? st_slice_make(p.ptr + 4, p.len - 4) : p;
	size_t i;

	for (i = 0; i < ST_MERGED_USR_DIR_COUNT; i++) {
		size_t n = strlen(st_merged_usr_dirs[i]);

		if (rest.len <= n || memcmp(rest.ptr, st_merged_usr_dirs[i], n) != 0)
			continue;
		if (under_usr)
			return rest;
		if (p.len + 4 > cap)
			return none;
		memcpy(buf, "usr/", 4);
		memcpy(buf + 4, p.ptr, p.len);
		return st_slice_make(buf, p.len + 4);
	}
	return none;
}

const char *st_inventory_file_owner(const struct st_inventory *inv, const char *path,
				    size_t len)
{
	struct st_slice p;
	struct st_slice alias;
	const char *owner;
	char buf[512];

	if (inv->owned == NULL || path == NULL)
		return NULL;
	p = normalize(path, len);
	owner = lookup(&inv->owned->files, p);
	if (owner != NULL)
		return owner;
	/* NOTE: the alias is tried on every image, merged or not, because
	 * the walk keeps no map of the image's links. So on an unmerged image
	 * a file at usr/bin/x can take the owner of bin/x. */
	alias = merged_usr_alias(p, buf, sizeof(buf));
	if (alias.len == 0)
		return NULL;
	return lookup(&inv->owned->files, alias);
}

static bool is_os_type(const char *type)
{
	return type != NULL && (strcmp(type, "deb") == 0 || strcmp(type, "apk") == 0 ||
				strcmp(type, "rpm") == 0);
}

static bool ends_with(struct st_slice s, const char *suffix)
{
	size_t n = strlen(suffix);

	return s.len >= n && memcmp(s.ptr + s.len - n, suffix, n) == 0;
}

/* The directory that holds only PATH's package, when PATH is a metadata
 * file of a per-package directory: "X.dist-info/METADATA",
 * "X.egg-info/PKG-INFO" or "node_modules/X/package.json". Shared
 * directories (site-packages for an "X.egg-info" file, gem
 * specifications) give an empty slice, because an OS package owning some
 * other file there does not make it own this one. */
static struct st_slice package_dir(struct st_slice p)
{
	const char *slash = memrchr(p.ptr, '/', p.len);
	struct st_slice dir;
	struct st_slice base;

	if (slash == NULL)
		return st_slice_make(p.ptr, 0);
	dir = st_slice_make(p.ptr, (size_t)(slash - p.ptr));
	base = st_slice_make(slash + 1, p.len - dir.len - 1);
	if (ends_with(dir, ".dist-info") || ends_with(dir, ".egg-info") ||
	    st_slice_eq_cstr(base, "package.json"))
		return dir;
	return st_slice_make(p.ptr, 0);
}

void st_inventory_mark_owned(struct st_inventory *inv)
{
	size_t i;

	if (inv->owned == NULL)
		return;
	for (i = 0; i < inv->count; i++) {
		struct st_package *pkg = &inv->packages[i];
		struct st_slice p;
		const char *owner;

		if (is_os_type(pkg->type) || pkg->path == NULL)
			continue;
		p = normalize(pkg->path, strlen(pkg->path));
		owner = lookup(&inv->owned->files, p);
		if (owner == NULL)
			owner = lookup(&inv->owned->dirs, package_dir(p));
		if (owner == NULL)
			continue;
		pkg->flags |= ST_PKG_OS_OWNED;
		pkg->owner = owner;
	}
}
