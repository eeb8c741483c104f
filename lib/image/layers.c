/* Layer analysis: see layers.h.
 *
 * Each layer is applied to a tree of path nodes with the shadowing rules
 * of the OCI image spec (image-spec layer.md, "Changeset over existing
 * files" and "Whiteouts"), as the layer walk applies them:
 * - An entry at P replaces what was at P, from a lower layer or earlier
 *   in the same layer. Two directories merge; a non-directory entry also
 *   removes everything under P.
 * - DIR/.wh.NAME removes DIR/NAME and everything under it, and
 *   DIR/.wh..wh..opq everything under DIR, but only files of lower layers.
 * - An overlayfs whiteout (a character device 0/0) removes P like a
 *   ".wh." marker and is no file itself.
 * - An entry below a path that is a file (lower "a", then "a/b") replaces
 *   that file with a directory, as unpacking the layer would.
 * Every node a layer changes is remembered with its state before the
 * layer, so the layer's added, modified and removed files are the
 * difference between the view below it and the view after it. */
#include <archive.h>
#include <archive_entry.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/layers.h"
#include "image/walk_internal.h"
#include "version/version.h"

#define NODE_NONE UINT32_MAX
#define ROOT_NODE 0u
#define OPAQUE_MARKER ".wh..wh..opq"

/* Slots of the first hash table; it doubles at 3/4 load. */
#define FIRST_SLOTS 1024u

enum node_state { NODE_ABSENT, NODE_DIR, NODE_FILE };

/* One path component. A node is never freed: a removed path keeps its
 * node (state NODE_ABSENT) with the bytes wasted there. */
struct node {
	const char *name; /* in the tree's arena, NUL-terminated */
	uint64_t size;    /* content bytes of the present version (NODE_FILE) */
	uint64_t prev_size;
	uint64_t wasted;
	uint32_t name_len;
	uint32_t parent;
	uint32_t first_child;
	uint32_t next_sibling;
	uint32_t layer;   /* layer that wrote the present version */
	uint32_t touched; /* 1 + the layer that last changed it; 0 = none */
	uint32_t db;      /* index in the database table, or NODE_NONE */
	uint8_t state;
	uint8_t prev_state; /* state before the layer in TOUCHED */
};

struct tree {
	struct st_arena names;
	struct node *nodes;
	size_t count;
	size_t cap;
	uint32_t *slots; /* node index, or NODE_NONE for an empty slot */
	size_t slot_count;
};

/* OS package databases ----------------------------------------------------- */

enum db_kind { DB_DEB, DB_APK, DB_RPM, DB_KINDS };

static const char *const db_types[DB_KINDS] = {"deb", "apk", "rpm"};

struct pkg_item {
	const char *name;
	const char *arch; /* "" when none */
	const char *version;
};

struct pkg_set {
	struct pkg_item *items;
	size_t count;
};

/* One database file of the image, as of the last layer that wrote it. */
struct db_file {
	uint32_t node;
	int kind;
	bool present;
	bool unknown; /* its present version could not be read */
	struct pkg_set set;
};

static const char *const rpm_db_dirs[] = {"var/lib/rpm/", "usr/lib/sysimage/rpm/"};
static const char *const rpm_db_files[] = {"rpmdb.sqlite", "Packages.db", "Packages"};

#define DPKG_STATUS "var/lib/dpkg/status"
#define DPKG_STATUS_D "var/lib/dpkg/status.d/"
#define APK_INSTALLED "lib/apk/db/installed"

static bool path_is(const char *path, size_t len, const char *name)
{
	return len == strlen(name) && memcmp(path, name, len) == 0;
}

static bool has_prefix(const char *path, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len > n && memcmp(path, prefix, n) == 0;
}

/* A distroless status.d record: a plain name, not hidden, not .md5sums. */
static bool is_status_d_record(const char *path, size_t len)
{
	static const char md5sums[] = ".md5sums";
	size_t dir = strlen(DPKG_STATUS_D);
	const char *name = path + dir;
	size_t name_len = len - dir;

	if (!has_prefix(path, len, DPKG_STATUS_D) || memchr(name, '/', name_len) != NULL)
		return false;
	if (name[0] == '.')
		return false;
	return !(name_len >= sizeof(md5sums) - 1 &&
		 memcmp(name + name_len - (sizeof(md5sums) - 1), md5sums, sizeof(md5sums) - 1) == 0);
}

/* Returns the enum db_kind of the database at PATH, or -1. The paths are
 * those the dpkg, apk and rpm catalogers read. */
static int db_kind_of(const char *path, size_t len)
{
	size_t d;
	size_t f;

	if (path_is(path, len, DPKG_STATUS) || is_status_d_record(path, len))
		return DB_DEB;
	if (path_is(path, len, APK_INSTALLED))
		return DB_APK;
	for (d = 0; d < ST_ARRAY_LEN(rpm_db_dirs); d++) {
		size_t n = strlen(rpm_db_dirs[d]);

		if (!has_prefix(path, len, rpm_db_dirs[d]))
			continue;
		for (f = 0; f < ST_ARRAY_LEN(rpm_db_files); f++) {
			if (path_is(path + n, len - n, rpm_db_files[f]))
				return DB_RPM;
		}
	}
	return -1;
}

/* Recorded entries of one layer, in chunks that are never moved. Each
 * entry is a byte with its kind and flags (RECORD_*), its path length, its
 * size (regular files) and its hard-link target's length (RECORD_LINK) as
 * LEB128 varints, then the path and the target, each NUL-terminated. */
#define RECORD_CHUNK_BYTES (256u * 1024)
#define RECORD_KIND_MASK 0x0fu
#define RECORD_OVERLAY 0x10u /* an overlayfs whiteout (character device 0/0) */
#define RECORD_LINK 0x20u    /* a hard link with a usable target */

struct record_chunk {
	struct record_chunk *next;
	size_t len;
	size_t cap;
	unsigned char data[];
};

struct record_list {
	struct record_chunk *head;
	struct record_chunk *tail;
};

/* Room for a layer index written as a name. */
#define LAYER_INDEX_MAX 24

/* The state of one analysis run. */
struct run {
	struct st_layers *l;
	const struct strata_limits *lim;
	struct st_diag *diag;
	struct tree tree;
	uint32_t layer;
	const char *layer_name;
	char layer_index[LAYER_INDEX_MAX];
	struct st_walk_name path;
	struct st_walk_name link; /* a hard link's normalized target */
	uint32_t *touched;
	size_t touched_count;
	size_t touched_cap;
	struct db_file *dbs;
	size_t db_count;
	size_t db_cap;
	struct pkg_set previous[DB_KINDS]; /* each kind's packages below the layer */
	bool kind_changed[DB_KINDS];
	bool kind_unknown[DB_KINDS];
	uint64_t dropped_links; /* hard links of the layer left out */
	/* Each layer's entries as on_entry recorded them, until on_layer_end
	 * applies them in layer order. */
	struct record_list *records;
	const char *const *names;
	struct st_walk_observer observer;
};

/* Path tree ------------------------------------------------------------------ */

static uint64_t hash_key(uint32_t parent, const char *name, size_t len)
{
	uint64_t h = 14695981039346656037ull ^ ((uint64_t)parent * 0x9e3779b97f4a7c15ull);
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)name[i];
		h *= 1099511628211ull;
	}
	return h ^ (h >> 31);
}

static int tree_rehash(struct tree *t, size_t slot_count, struct strata_error *err)
{
	uint32_t *slots = st_calloc(slot_count, sizeof(*slots));
	size_t i;

	if (slots == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory for %zu path slots",
				    slot_count);
	memset(slots, 0xff, slot_count * sizeof(*slots));
	for (i = 1; i < t->count; i++) {
		const struct node *n = &t->nodes[i];
		size_t s = hash_key(n->parent, n->name, n->name_len) & (slot_count - 1);

		while (slots[s] != NODE_NONE)
			s = (s + 1) & (slot_count - 1);
		slots[s] = (uint32_t)i;
	}
	free(t->slots);
	t->slots = slots;
	t->slot_count = slot_count;
	return 0;
}

static int tree_init(struct tree *t, struct strata_error *err)
{
	memset(t, 0, sizeof(*t));
	st_arena_init(&t->names);
	t->nodes = st_calloc(64, sizeof(*t->nodes));
	if (t->nodes == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory for the path tree");
	t->cap = 64;
	t->count = 1;
	t->nodes[ROOT_NODE].name = "";
	t->nodes[ROOT_NODE].parent = NODE_NONE;
	t->nodes[ROOT_NODE].first_child = NODE_NONE;
	t->nodes[ROOT_NODE].next_sibling = NODE_NONE;
	t->nodes[ROOT_NODE].db = NODE_NONE;
	t->nodes[ROOT_NODE].state = NODE_DIR;
	return tree_rehash(t, FIRST_SLOTS, err);
}

static void tree_dispose(struct tree *t)
{
	st_arena_dispose(&t->names);
	free(t->nodes);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

static uint32_t tree_find(const struct tree *t, uint32_t parent, const char *name, size_t len)
{
	size_t s = hash_key(parent, name, len) & (t->slot_count - 1);

	while (t->slots[s] != NODE_NONE) {
		const struct node *n = &t->nodes[t->slots[s]];

		if (n->parent == parent && n->name_len == len && memcmp(n->name, name, len) == 0)
			return t->slots[s];
		s = (s + 1) & (t->slot_count - 1);
	}
	return NODE_NONE;
}

/* Adds an absent child NAME under PARENT and returns its index through
 * *OUT. */
static int tree_add(struct tree *t, uint32_t parent, const char *name, size_t len, uint32_t *out,
		    struct strata_error *err)
{
	struct node *n;
	size_t s;
	int rc;

	if (t->count >= NODE_NONE - 1)
		return st_error_set(err, STRATA_ELIMIT, "more than %u distinct paths in the image",
				    NODE_NONE - 2);
	if ((t->count + 1) * 4 > t->slot_count * 3) {
		rc = tree_rehash(t, t->slot_count * 2, err);
		if (rc < 0)
			return rc;
	}
	if (t->count == t->cap) {
		size_t cap = t->cap * 2;
		struct node *nodes = st_reallocarray(t->nodes, cap, sizeof(*nodes));

		if (nodes == NULL)
			return st_error_set(err, STRATA_ENOMEM, "out of memory for %zu paths", cap);
		t->nodes = nodes;
		t->cap = cap;
	}
	n = &t->nodes[t->count];
	memset(n, 0, sizeof(*n));
	n->name = st_arena_strndup(&t->names, name, len);
	if (n->name == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory for path names");
	n->name_len = (uint32_t)len;
	n->parent = parent;
	n->next_sibling = t->nodes[parent].first_child;
	n->first_child = NODE_NONE;
	n->db = NODE_NONE;
	n->state = NODE_ABSENT;
	t->nodes[parent].first_child = (uint32_t)t->count;

	s = hash_key(parent, name, len) & (t->slot_count - 1);
	while (t->slots[s] != NODE_NONE)
		s = (s + 1) & (t->slot_count - 1);
	t->slots[s] = (uint32_t)t->count;
	*out = (uint32_t)t->count;
	t->count++;
	return 0;
}

/* Returns the next node after N in a pre-order walk of the subtree of
 * TOP (N itself included), or NODE_NONE at its end. */
static uint32_t subtree_next(const struct tree *t, uint32_t n, uint32_t top)
{
	if (t->nodes[n].first_child != NODE_NONE)
		return t->nodes[n].first_child;
	while (n != top) {
		if (t->nodes[n].next_sibling != NODE_NONE)
			return t->nodes[n].next_sibling;
		n = t->nodes[n].parent;
	}
	return NODE_NONE;
}

/* Changes to the view ------------------------------------------------------ */

/* Records node N's state before the current layer, once per layer. */
static int touch(struct run *r, uint32_t n, struct strata_error *err)
{
	struct node *node = &r->tree.nodes[n];

	if (node->touched == r->layer + 1)
		return 0;
	if (r->touched_count == r->touched_cap) {
		size_t cap = r->touched_cap ? r->touched_cap * 2 : 256;
		uint32_t *p = st_reallocarray(r->touched, cap, sizeof(*p));

		if (p == NULL)
			return st_error_set(err, STRATA_ENOMEM, "out of memory for %zu changed paths",
					    cap);
		r->touched = p;
		r->touched_cap = cap;
	}
	r->touched[r->touched_count++] = n;
	node->touched = r->layer + 1;
	node->prev_state = node->state;
	node->prev_size = node->size;
	return 0;
}

/* Drops the present version of node N: its bytes are wasted, counted for
 * the path and for the layer that wrote them. */
static int discard(struct run *r, uint32_t n, struct strata_error *err)
{
	struct node *node = &r->tree.nodes[n];
	int rc;

	if (node->state == NODE_ABSENT)
		return 0;
	rc = touch(r, n, err);
	if (rc < 0)
		return rc;
	if (node->state == NODE_FILE && node->size > 0) {
		node->wasted += node->size;
		r->l->layers[node->layer].wasted_bytes += node->size;
		r->l->wasted_bytes += node->size;
	}
	if (node->db != NODE_NONE) {
		struct db_file *db = &r->dbs[node->db];

		/* What the removal changes is unknown when the contents were. */
		if (db->present && db->unknown)
			r->kind_unknown[db->kind] = true;
		db->present = false;
		db->unknown = false;
		r->kind_changed[db->kind] = true;
	}
	node->state = NODE_ABSENT;
	node->size = 0;
	return 0;
}

/* Removes the subtree of TOP (TOP too when WITH_TOP). With LOWER_ONLY,
 * only what layers below the current one wrote. */
static int remove_subtree(struct run *r, uint32_t top, bool with_top, bool lower_only,
			  struct strata_error *err)
{
	uint32_t n = with_top ? top : subtree_next(&r->tree, top, top);
	int rc;

	if (!with_top && r->tree.nodes[top].first_child == NODE_NONE)
		return 0;
	for (; n != NODE_NONE; n = subtree_next(&r->tree, n, top)) {
		const struct node *node = &r->tree.nodes[n];

		if (node->state == NODE_ABSENT || (lower_only && node->layer >= r->layer))
			continue;
		rc = discard(r, n, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Makes node N a directory written by the current layer, replacing a file
 * that was there. */
static int make_dir(struct run *r, uint32_t n, struct strata_error *err)
{
	struct node *node = &r->tree.nodes[n];
	int rc;

	if (node->state == NODE_DIR)
		return 0;
	if (node->state == NODE_FILE) {
		rc = discard(r, n, err);
		if (rc < 0)
			return rc;
	}
	rc = touch(r, n, err);
	if (rc < 0)
		return rc;
	node = &r->tree.nodes[n];
	node->state = NODE_DIR;
	node->layer = r->layer;
	return 0;
}

/* Finds the node of the normalized PATH (LEN bytes). With CREATE, missing
 * nodes are added and every ancestor becomes a directory; without, a
 * missing path gives NODE_NONE. */
static int lookup(struct run *r, const char *path, size_t len, bool create, uint32_t *out,
		  struct strata_error *err)
{
	uint32_t n = ROOT_NODE;
	size_t pos = 0;
	int rc;

	*out = NODE_NONE;
	while (pos < len) {
		const char *slash = memchr(path + pos, '/', len - pos);
		size_t end = slash != NULL ? (size_t)(slash - path) : len;
		uint32_t child;

		if (create && n != ROOT_NODE) {
			rc = make_dir(r, n, err);
			if (rc < 0)
				return rc;
		}
		child = tree_find(&r->tree, n, path + pos, end - pos);
		if (child == NODE_NONE) {
			if (!create)
				return 0;
			rc = tree_add(&r->tree, n, path + pos, end - pos, &child, err);
			if (rc < 0)
				return rc;
		}
		n = child;
		pos = end + 1;
	}
	*out = n;
	return 0;
}

/* Package databases --------------------------------------------------------- */

struct collect {
	struct run *r;
	struct pkg_set set;
	size_t cap;
};

static int collect_add(struct collect *c, const struct st_package *pkg, struct strata_error *err)
{
	struct st_arena *a = &c->r->l->arena;
	struct pkg_item *item;

	if (c->set.count == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct pkg_item *p = st_reallocarray(c->set.items, cap, sizeof(*p));

		if (p == NULL)
			return st_error_set(err, STRATA_ENOMEM, "out of memory for %zu packages", cap);
		c->set.items = p;
		c->cap = cap;
	}
	item = &c->set.items[c->set.count];
	item->name = st_arena_strdup(a, pkg->name);
	item->arch = st_arena_strdup(a, pkg->arch != NULL ? pkg->arch : "");
	item->version = st_arena_strdup(a, pkg->version);
	if (item->name == NULL || item->arch == NULL || item->version == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory for package %s", pkg->name);
	c->set.count++;
	return 0;
}

static int collect_deb(void *ctx, const struct st_package *pkg, struct strata_error *err)
{
	return collect_add(ctx, pkg, err);
}

static int collect_apk(void *ctx, const struct st_apk_package *pkg, struct strata_error *err)
{
	return collect_add(ctx, &pkg->pkg, err);
}

static int collect_rpm(void *ctx, const struct st_rpm_package *pkg, struct strata_error *err)
{
	return collect_add(ctx, &pkg->pkg, err);
}

/* Parses database DATA of KIND at PATH into *SET (items malloc'd, strings
 * in the analysis arena). Problems inside the file are not reported here:
 * the scan reports those of the final file. */
static int parse_db(struct run *r, int kind, const char *path, struct st_slice data,
		    struct pkg_set *set, struct strata_error *err)
{
	struct collect c = {.r = r};
	int rc;

	if (kind == DB_DEB)
		rc = st_dpkg_parse_status(data, path, r->lim, NULL, collect_deb, &c, err);
	else if (kind == DB_APK)
		rc = st_apk_parse_installed(data, path, r->lim, NULL, collect_apk, &c, err);
	else
		rc = st_rpmdb_parse(data, path, r->lim, NULL, collect_rpm, &c, err);
	if (rc < 0) {
		free(c.set.items);
		return rc;
	}
	*set = c.set;
	return 0;
}

/* Returns the database entry of node N (of KIND), adding one if needed. */
static int db_of_node(struct run *r, uint32_t n, int kind, struct db_file **out,
		      struct strata_error *err)
{
	struct node *node = &r->tree.nodes[n];

	if (node->db == NODE_NONE) {
		if (r->db_count == r->db_cap) {
			size_t cap = r->db_cap ? r->db_cap * 2 : 8;
			struct db_file *p = st_reallocarray(r->dbs, cap, sizeof(*p));

			if (p == NULL)
				return st_error_set(err, STRATA_ENOMEM, "out of memory");
			r->dbs = p;
			r->db_cap = cap;
		}
		memset(&r->dbs[r->db_count], 0, sizeof(r->dbs[0]));
		r->dbs[r->db_count].node = n;
		r->dbs[r->db_count].kind = kind;
		node->db = (uint32_t)r->db_count++;
	}
	*out = &r->dbs[node->db];
	return 0;
}

/* Reads the database that the current entry (a regular file of SIZE
 * bytes at node N) holds, from FILES, the files the layer walk captured
 * for this layer. An unreadable one leaves this layer's changes of its
 * kind unknown, with a warning. */
static int read_db(struct run *r, struct st_view *files, uint32_t n, int kind, uint64_t size,
		   struct strata_error *err)
{
	char quoted[ST_WALK_QUOTE_MAX + 8];
	const struct st_capture *c;
	struct strata_error perr;
	struct pkg_set set = {NULL, 0};
	struct db_file *db = NULL;
	int rc;

	rc = db_of_node(r, n, kind, &db, err);
	if (rc < 0)
		return rc;
	st_walk_quote(quoted, sizeof(quoted), r->path.ptr);
	if (size > r->lim->cataloged_file_bytes) {
		st_diag(r->diag, ST_DIAG_WARN,
			"layer %s: package database '%s' is over the cataloged_file_bytes limit of %llu bytes; the layer's %s package changes are unknown",
			r->layer_name, quoted, (unsigned long long)r->lim->cataloged_file_bytes,
			db_types[kind]);
		r->kind_unknown[kind] = true;
		db->present = true;
		db->unknown = true;
		return 0;
	}
	/* The capture is the layer's last version of the path. A later entry
	 * that replaced or removed it is applied after this one anyway. */
	c = st_view_find(files, r->path.ptr, r->path.len);
	if (c == NULL || c->type != ST_FILE_REGULAR || c->summarized || c->hardlink != NULL) {
		st_diag(r->diag, ST_DIAG_WARN,
			"layer %s: package database '%s' was not captured by the layer walk; the layer's %s package changes are unknown",
			r->layer_name, quoted, db_types[kind]);
		r->kind_unknown[kind] = true;
		db->present = true;
		db->unknown = true;
		return 0;
	}
	strata_error_clear(&perr);
	rc = parse_db(r, kind, r->path.ptr,
		      st_slice_make(c->data != NULL ? c->data : "", c->data_len), &set, &perr);
	if (rc == STRATA_ENOMEM)
		return st_error_set(err, rc, "%s", perr.msg);
	if (rc < 0) {
		st_diag(r->diag, ST_DIAG_WARN,
			"layer %s: %s; the layer's %s package changes are unknown", r->layer_name,
			perr.msg, db_types[kind]);
		r->kind_unknown[kind] = true;
		/* The file is there, so its previous packages remain. */
		db->present = true;
		db->unknown = true;
		return 0;
	}
	free(db->set.items);
	db->set = set;
	db->present = true;
	db->unknown = false;
	r->kind_changed[kind] = true;
	return 0;
}

static int compare_item_key(const struct pkg_item *a, const struct pkg_item *b)
{
	int c = strcmp(a->name, b->name);

	return c != 0 ? c : strcmp(a->arch, b->arch);
}

static int compare_items(const void *pa, const void *pb)
{
	const struct pkg_item *a = pa;
	const struct pkg_item *b = pb;
	int c = compare_item_key(a, b);

	return c != 0 ? c : strcmp(a->version, b->version);
}

/* Orders two versions of TYPE; an invalid version orders by bytes and
 * sets *ORDERED to false. */
static int compare_versions(const char *type, const char *a, const char *b, bool *ordered)
{
	int cmp = 0;

	*ordered = st_version_compare(type, a, b, &cmp, NULL) == 0;
	if (!*ordered)
		cmp = strcmp(a, b);
	return cmp;
}

/* Builds the packages of KIND over every present database file: sorted
 * by name and architecture, one entry per pair. NOTE: where several
 * versions of one name and architecture coexist (rpm's install-only
 * kernels), the highest version represents them all. */
static int union_of_kind(struct run *r, int kind, struct pkg_set *out, struct strata_error *err)
{
	struct pkg_set s = {NULL, 0};
	size_t total = 0;
	size_t kept = 0;
	size_t i;

	for (i = 0; i < r->db_count; i++) {
		if (r->dbs[i].kind == kind && r->dbs[i].present &&
		    !st_add_size(total, r->dbs[i].set.count, &total))
			return st_error_set(err, STRATA_ENOMEM, "too many packages");
	}
	if (total > 0) {
		s.items = st_calloc(total, sizeof(*s.items));
		if (s.items == NULL)
			return st_error_set(err, STRATA_ENOMEM, "out of memory for %zu packages",
					    total);
	}
	for (i = 0; i < r->db_count; i++) {
		const struct db_file *db = &r->dbs[i];

		if (db->kind != kind || !db->present || db->set.count == 0)
			continue;
		memcpy(s.items + s.count, db->set.items, db->set.count * sizeof(*s.items));
		s.count += db->set.count;
	}
	if (s.count > 1)
		qsort(s.items, s.count, sizeof(*s.items), compare_items);
	for (i = 0; i < s.count; i++) {
		bool ordered;

		if (kept > 0 && compare_item_key(&s.items[kept - 1], &s.items[i]) == 0) {
			if (compare_versions(db_types[kind], s.items[kept - 1].version,
					     s.items[i].version, &ordered) < 0)
				s.items[kept - 1] = s.items[i];
			continue;
		}
		s.items[kept++] = s.items[i];
	}
	s.count = kept;
	*out = s;
	return 0;
}

static int add_change(struct st_layers *l, size_t layer, int kind, const char *type,
		      const struct pkg_item *old, const struct pkg_item *cur,
		      struct strata_error *err)
{
	const struct pkg_item *item = cur != NULL ? cur : old;
	struct st_pkg_change *c;

	if (l->change_count == l->change_cap) {
		size_t cap = l->change_cap ? l->change_cap * 2 : 64;
		struct st_pkg_change *p = st_reallocarray(l->changes, cap, sizeof(*p));

		if (p == NULL)
			return st_error_set(err, STRATA_ENOMEM, "out of memory for %zu package changes",
					    cap);
		l->changes = p;
		l->change_cap = cap;
	}
	c = &l->changes[l->change_count++];
	c->layer = layer;
	c->kind = kind;
	c->type = type;
	c->name = item->name;
	c->arch = item->arch[0] != '\0' ? item->arch : NULL;
	c->old_version = old != NULL ? old->version : NULL;
	c->new_version = cur != NULL ? cur->version : NULL;
	return 0;
}

/* Records the differences between the packages of KIND below the layer
 * and CUR, both sorted by name and architecture. */
static int diff_sets(struct run *r, int kind, const struct pkg_set *old,
		     const struct pkg_set *cur, struct strata_error *err)
{
	const char *type = db_types[kind];
	size_t i = 0;
	size_t j = 0;
	int rc = 0;

	while (rc == 0 && (i < old->count || j < cur->count)) {
		int c;
		bool ordered;

		if (i == old->count)
			c = 1;
		else if (j == cur->count)
			c = -1;
		else
			c = compare_item_key(&old->items[i], &cur->items[j]);
		if (c < 0) {
			rc = add_change(r->l, r->layer, ST_CHANGE_REMOVED, type, &old->items[i++],
					NULL, err);
		} else if (c > 0) {
			rc = add_change(r->l, r->layer, ST_CHANGE_ADDED, type, NULL, &cur->items[j++],
					err);
		} else {
			const struct pkg_item *a = &old->items[i++];
			const struct pkg_item *b = &cur->items[j++];
			int v;

			if (strcmp(a->version, b->version) == 0)
				continue;
			v = compare_versions(type, a->version, b->version, &ordered);
			if (ordered && v == 0)
				continue;
			rc = add_change(r->l, r->layer,
					!ordered ? ST_CHANGE_CHANGED
						 : (v < 0 ? ST_CHANGE_UPGRADED : ST_CHANGE_DOWNGRADED),
					type, a, b, err);
		}
	}
	return rc;
}

/* After a layer: the package changes of each database kind it touched. */
static int finish_packages(struct run *r, struct strata_error *err)
{
	int kind;
	int rc;

	for (kind = 0; kind < DB_KINDS; kind++) {
		struct pkg_set cur;

		if (r->kind_unknown[kind]) {
			r->l->layers[r->layer].packages_unknown = true;
			continue;
		}
		if (!r->kind_changed[kind])
			continue;
		rc = union_of_kind(r, kind, &cur, err);
		if (rc < 0)
			return rc;
		rc = diff_sets(r, kind, &r->previous[kind], &cur, err);
		free(r->previous[kind].items);
		r->previous[kind] = cur;
		if (rc < 0)
			return rc;
	}
	memset(r->kind_changed, 0, sizeof(r->kind_changed));
	memset(r->kind_unknown, 0, sizeof(r->kind_unknown));
	return 0;
}

/* Entries ---------------------------------------------------------------- */

/* Applies the whiteout marker at r->path, whose last component BASE
 * starts with ".wh.". */
static int apply_whiteout(struct run *r, const char *base, struct strata_error *err)
{
	const char *path = r->path.ptr;
	size_t dir_len = base == path ? 0 : (size_t)(base - path) - 1;
	const char *victim = base + ST_WALK_WHITEOUT_PREFIX_LEN;
	uint32_t dir;
	uint32_t n;
	int rc;

	rc = lookup(r, path, dir_len, false, &dir, err);
	if (rc < 0 || dir == NODE_NONE)
		return rc;
	if (strcmp(base, OPAQUE_MARKER) == 0)
		return remove_subtree(r, dir, false, true, err);
	/* The walk that records these entries has warned about it. */
	if (victim[0] == '\0' || strcmp(victim, ".") == 0 || strcmp(victim, "..") == 0)
		return 0;
	n = tree_find(&r->tree, dir, victim, strlen(victim));
	if (n == NODE_NONE)
		return 0;
	return remove_subtree(r, n, true, true, err);
}

/* Writes a file of SIZE content bytes at node N for the current layer. */
static int write_file(struct run *r, uint32_t n, uint64_t size, struct strata_error *err)
{
	struct node *node;
	int rc;

	rc = remove_subtree(r, n, false, false, err);
	if (rc == 0)
		rc = discard(r, n, err);
	if (rc == 0)
		rc = touch(r, n, err);
	if (rc < 0)
		return rc;
	node = &r->tree.nodes[n];
	node->state = NODE_FILE;
	node->size = size;
	node->layer = r->layer;
	return 0;
}

static bool is_overlay_whiteout(struct archive_entry *e)
{
	return archive_entry_filetype(e) == AE_IFCHR && archive_entry_rdev(e) == 0;
}

/* Returns 1 when a hard link to TARGET (as stored; may be NULL) names a
 * file or symlink that an earlier entry of this layer wrote, 0 when it
 * does not, or an error. The layer walk (walk_links.c) leaves out a link
 * that does not resolve, and so does the analysis. */
static int hard_link_resolves(struct run *r, const char *target, struct strata_error *err)
{
	const struct node *node;
	uint32_t n = NODE_NONE;
	int rc;

	if (target == NULL)
		return 0;
	rc = st_walk_name_set(&r->link, target, r->lim, err);
	if (rc == STRATA_ENOMEM)
		return rc;
	if (rc < 0 || r->link.len == 0) {
		strata_error_clear(err);
		return 0;
	}
	rc = lookup(r, r->link.ptr, r->link.len, false, &n, err);
	if (rc < 0)
		return rc;
	if (n == NODE_NONE)
		return 0;
	node = &r->tree.nodes[n];
	return node->state == NODE_FILE && node->layer == r->layer && node->touched == r->layer + 1;
}

/* After a layer: its file figures, from the state before and after of
 * every node it changed. */
static void finish_files(struct run *r, struct st_layer_figures *fig)
{
	size_t i;

	for (i = 0; i < r->touched_count; i++) {
		const struct node *n = &r->tree.nodes[r->touched[i]];
		bool was_file = n->prev_state == NODE_FILE;
		bool is_file = n->state == NODE_FILE;

		if (was_file && is_file) {
			fig->modified.files++;
			fig->modified.bytes += n->size;
		} else if (was_file) {
			fig->removed.files++;
			fig->removed.bytes += n->prev_size;
		} else if (is_file) {
			fig->added.files++;
			fig->added.bytes += n->size;
		}
	}
	r->touched_count = 0;
}

/* Warnings about hard links left out, for each layer; a line after the
 * layer counts the rest. */
#define LINK_WARNINGS 10

/* Warns that the hard link at r->path to TARGET (may be NULL) is left out. */
static void drop_link(struct run *r, const char *target)
{
	char path[ST_WALK_QUOTE_MAX + 8];
	char shown[ST_WALK_QUOTE_MAX + 8];

	if (++r->dropped_links > LINK_WARNINGS)
		return;
	st_walk_quote(path, sizeof(path), r->path.ptr);
	st_walk_quote(shown, sizeof(shown), target != NULL ? target : "");
	st_diag(r->diag, ST_DIAG_WARN,
		"layer %s: hard link '%s' to '%s' is not counted: its target is not a file that an earlier entry of this layer wrote",
		r->layer_name, path, shown);
}

/* One recorded entry, decoded. */
struct record_head {
	uint64_t size;     /* content bytes of a regular file */
	uint64_t path_len;
	uint64_t link_len;
	unsigned kind;     /* enum st_walk_kind */
	bool overlay;
	bool link;
};

/* Decodes a varint that st_put_uvarint wrote at *POS of C. */
static uint64_t get_varint(const struct record_chunk *c, size_t *pos)
{
	uint64_t v = 0;
	unsigned shift = 0;

	for (;;) {
		unsigned char b = c->data[(*pos)++];

		v |= (uint64_t)(b & 0x7f) << shift;
		if ((b & 0x80) == 0 || shift >= 63)
			return v;
		shift += 7;
	}
}

static void records_dispose(struct record_list *list)
{
	struct record_chunk *c = list->head;

	while (c != NULL) {
		struct record_chunk *next = c->next;

		free(c);
		c = next;
	}
	list->head = NULL;
	list->tail = NULL;
}

/* Returns room for N more bytes at the end of LIST, or NULL. */
static unsigned char *records_reserve(struct record_list *list, size_t n)
{
	struct record_chunk *c = list->tail;
	size_t cap;

	if (c != NULL && c->cap - c->len >= n)
		return c->data + c->len;
	cap = n > RECORD_CHUNK_BYTES ? n : RECORD_CHUNK_BYTES;
	c = malloc(sizeof(*c) + cap);
	if (c == NULL)
		return NULL;
	c->next = NULL;
	c->len = 0;
	c->cap = cap;
	if (list->tail != NULL)
		list->tail->next = c;
	else
		list->head = c;
	list->tail = c;
	return c->data;
}

/* Applies one recorded entry at r->path to the tree, reading a package
 * database from FILES. */
static int apply_entry(struct run *r, const struct record_head *h, const char *link,
		       struct st_view *files, struct st_layer_figures *fig,
		       struct strata_error *err)
{
	const char *base = st_walk_base_name(r->path.ptr);
	int kind = (int)h->kind;
	uint64_t size = 0;
	uint32_t n;
	int db_kind;
	int rc;

	if (st_walk_is_whiteout(base))
		return apply_whiteout(r, base, err);
	if (h->overlay) {
		rc = lookup(r, r->path.ptr, r->path.len, false, &n, err);
		if (rc < 0 || n == NODE_NONE)
			return rc;
		return remove_subtree(r, n, true, true, err);
	}

	if (kind == ST_KIND_HARDLINK) {
		rc = hard_link_resolves(r, h->link ? link : NULL, err);
		if (rc == 0)
			drop_link(r, h->link ? link : NULL);
		if (rc <= 0)
			return rc;
	}
	rc = lookup(r, r->path.ptr, r->path.len, true, &n, err);
	if (rc < 0)
		return rc;
	if (kind == ST_KIND_DIRECTORY)
		return make_dir(r, n, err);

	if (kind == ST_KIND_REGULAR) {
		size = h->size;
		fig->content_bytes += size;
		r->l->content_bytes += size;
	}
	rc = write_file(r, n, size, err);
	if (rc < 0)
		return rc;

	db_kind = db_kind_of(r->path.ptr, r->path.len);
	if (db_kind < 0)
		return 0;
	if (kind == ST_KIND_REGULAR)
		return read_db(r, files, n, db_kind, size, err);
	/* NOTE: a database written as a hard link or symlink is not read. */
	st_diag(r->diag, ST_DIAG_WARN,
		"layer %s: package database %s is not a regular file; the layer's %s package changes are unknown",
		r->layer_name, r->path.ptr, db_types[db_kind]);
	r->kind_unknown[db_kind] = true;
	return 0;
}

/* Returns the name of LAYER in messages, its index written into BUF when
 * it has none. The workers pass buffers of their own. */
static const char *layer_name(const struct run *r, size_t layer, char buf[LAYER_INDEX_MAX])
{
	if (r->names != NULL && r->names[layer] != NULL)
		return r->names[layer];
	snprintf(buf, LAYER_INDEX_MAX, "%zu", layer);
	return buf;
}

/* on_entry: records entry E of layer LAYER, on the worker that reads it. */
static int record_entry(void *ctx, size_t layer, const char *path, size_t len, int kind,
			struct archive_entry *e, struct strata_error *err)
{
	struct run *r = ctx;
	unsigned char head[1 + 3 * ST_UVARINT_MAX];
	char index[LAYER_INDEX_MAX];
	const char *link = NULL;
	size_t link_len = 0;
	uint64_t size = 0;
	size_t n = 1;
	unsigned char *out;

	if (layer >= r->l->layer_count)
		return st_error_set(err, STRATA_EINTERNAL, "layer analysis: no layer %zu", layer);
	head[0] = (unsigned char)(kind & RECORD_KIND_MASK);
	if (kind == ST_KIND_REGULAR) {
		int64_t declared = archive_entry_size(e);

		if (declared < 0)
			return st_error_set(err, STRATA_ECORRUPT,
					    "layer %s: tar entry '%s': negative size",
					    layer_name(r, layer, index), path);
		size = (uint64_t)declared;
	}
	if (kind == ST_KIND_SPECIAL && is_overlay_whiteout(e))
		head[0] |= RECORD_OVERLAY;
	if (kind == ST_KIND_HARDLINK) {
		link = st_walk_entry_hardlink(e);
		/* An empty target (from a GNU long-link entry) or a too long
		 * one never resolves, so it is not kept. */
		if (link != NULL && link[0] != '\0' && strlen(link) <= r->lim->path_bytes) {
			link_len = strlen(link);
			head[0] |= RECORD_LINK;
		}
	}
	n += st_put_uvarint(head + n, len);
	if (kind == ST_KIND_REGULAR)
		n += st_put_uvarint(head + n, size);
	if (head[0] & RECORD_LINK)
		n += st_put_uvarint(head + n, link_len);

	/* Bounded: LEN and LINK_LEN are at most limits->path_bytes. */
	out = records_reserve(&r->records[layer],
			      n + len + 1 + ((head[0] & RECORD_LINK) ? link_len + 1 : 0));
	if (out == NULL)
		return st_error_set(err, STRATA_ENOMEM, "layer %s: out of memory for its entries",
				    layer_name(r, layer, index));
	memcpy(out, head, n);
	memcpy(out + n, path, len);
	out[n + len] = '\0';
	n += len + 1;
	/* replay_layer reads a target exactly when RECORD_LINK is set. */
	if (head[0] & RECORD_LINK) {
		memcpy(out + n, link, link_len);
		out[n + link_len] = '\0';
		n += link_len + 1;
	}
	r->records[layer].tail->len += n;
	return 0;
}

/* on_layer_end: applies the entries of layer LAYER in order, then works
 * out its file figures and package changes. */
static int replay_layer(void *ctx, size_t layer, struct st_view *files,
			struct strata_error *err)
{
	struct run *r = ctx;
	struct record_list *list;
	struct st_layer_figures *fig;
	struct record_chunk *c;
	int rc = 0;

	if (layer >= r->l->layer_count)
		return st_error_set(err, STRATA_EINTERNAL, "layer analysis: no layer %zu", layer);
	r->layer = (uint32_t)layer;
	r->layer_name = layer_name(r, layer, r->layer_index);
	fig = &r->l->layers[layer];
	list = &r->records[layer];
	/* Each chunk is freed once applied, while the tree grows. */
	while (rc == 0 && (c = list->head) != NULL) {
		size_t pos = 0;

		while (rc == 0 && pos < c->len) {
			struct record_head h;
			const char *path;
			const char *link = NULL;

			memset(&h, 0, sizeof(h));
			h.kind = c->data[pos] & RECORD_KIND_MASK;
			h.overlay = (c->data[pos] & RECORD_OVERLAY) != 0;
			h.link = (c->data[pos] & RECORD_LINK) != 0;
			pos++;
			h.path_len = get_varint(c, &pos);
			if (h.kind == ST_KIND_REGULAR)
				h.size = get_varint(c, &pos);
			if (h.link)
				h.link_len = get_varint(c, &pos);
			path = (const char *)c->data + pos;
			pos += (size_t)h.path_len + 1;
			if (h.link) {
				link = (const char *)c->data + pos;
				pos += (size_t)h.link_len + 1;
			}
			rc = st_walk_name_set(&r->path, path, r->lim, err);
			if (rc == 0)
				rc = apply_entry(r, &h, link, files, fig, err);
		}
		list->head = c->next;
		if (list->head == NULL)
			list->tail = NULL;
		free(c);
	}
	records_dispose(list);
	if (rc == 0 && r->dropped_links > LINK_WARNINGS)
		st_diag(r->diag, ST_DIAG_WARN, "layer %s: %llu more hard links not counted",
			r->layer_name, (unsigned long long)(r->dropped_links - LINK_WARNINGS));
	r->dropped_links = 0;
	if (rc < 0)
		return rc;
	finish_files(r, fig);
	return finish_packages(r, err);
}

/* Wasted paths -------------------------------------------------------------- */

/* Writes the full path of node N into A. Returns NULL when out of memory. */
static const char *node_path(const struct tree *t, uint32_t n, struct st_arena *a)
{
	size_t len = 0;
	uint32_t i;
	char *path;
	size_t pos;

	for (i = n; i != ROOT_NODE; i = t->nodes[i].parent)
		len += t->nodes[i].name_len + 1;
	path = st_arena_alloc(a, len);
	if (path == NULL)
		return NULL;
	pos = len - 1;
	path[pos] = '\0';
	for (i = n; i != ROOT_NODE; i = t->nodes[i].parent) {
		const struct node *node = &t->nodes[i];

		pos -= node->name_len;
		memcpy(path + pos, node->name, node->name_len);
		if (pos > 0)
			path[--pos] = '/';
	}
	return path;
}

static int compare_wasted(const void *pa, const void *pb)
{
	const struct st_wasted_path *a = pa;
	const struct st_wasted_path *b = pb;

	if (a->bytes != b->bytes)
		return a->bytes > b->bytes ? -1 : 1;
	return strcmp(a->path, b->path);
}

/* Keeps the ST_LAYERS_TOP_WASTED paths with the most wasted bytes. Among
 * equal sizes at the cut, the paths seen first are kept. */
static int collect_wasted(struct run *r, struct strata_error *err)
{
	struct st_layers *l = r->l;
	uint32_t top[ST_LAYERS_TOP_WASTED];
	size_t count = 0;
	size_t i;
	size_t j;

	for (i = 1; i < r->tree.count; i++) {
		uint64_t w = r->tree.nodes[i].wasted;

		if (w == 0)
			continue;
		if (count == ST_LAYERS_TOP_WASTED && r->tree.nodes[top[count - 1]].wasted >= w)
			continue;
		j = count < ST_LAYERS_TOP_WASTED ? count++ : count - 1;
		while (j > 0 && r->tree.nodes[top[j - 1]].wasted < w) {
			top[j] = top[j - 1];
			j--;
		}
		top[j] = (uint32_t)i;
	}
	for (i = 0; i < count; i++) {
		l->wasted[i].path = node_path(&r->tree, top[i], &l->arena);
		l->wasted[i].bytes = r->tree.nodes[top[i]].wasted;
		if (l->wasted[i].path == NULL)
			return st_error_set(err, STRATA_ENOMEM, "out of memory for wasted paths");
	}
	l->wasted_count = count;
	qsort(l->wasted, count, sizeof(l->wasted[0]), compare_wasted);
	return 0;
}

/* Public functions ----------------------------------------------------------- */

int st_layers_init(struct st_layers *l, size_t count, const struct strata_limits *lim,
		   struct strata_error *err)
{
	size_t i;

	memset(l, 0, sizeof(*l));
	st_arena_init(&l->arena);
	if (count > lim->layers)
		return st_error_set(err, STRATA_ELIMIT,
				    "image has %zu layers, over the layers limit of %u", count,
				    lim->layers);
	l->layers = st_calloc(count ? count : 1, sizeof(*l->layers));
	if (l->layers == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory for %zu layers", count);
	l->layer_count = count;
	for (i = 0; i < count; i++)
		l->layers[i].history_index = SIZE_MAX;
	return 0;
}

void st_layers_dispose(struct st_layers *l)
{
	st_arena_dispose(&l->arena);
	free(l->layers);
	free(l->history);
	free(l->changes);
	memset(l, 0, sizeof(*l));
}

static void run_dispose(struct run *r)
{
	size_t i;

	for (i = 0; i < r->db_count; i++)
		free(r->dbs[i].set.items);
	for (i = 0; i < DB_KINDS; i++)
		free(r->previous[i].items);
	if (r->records != NULL) {
		for (i = 0; i < r->l->layer_count; i++)
			records_dispose(&r->records[i]);
	}
	free(r->records);
	free(r->dbs);
	free(r->touched);
	free(r->path.ptr);
	free(r->link.ptr);
	tree_dispose(&r->tree);
}

struct st_layers_observer {
	struct run run;
};

int st_layers_observer_new(struct st_layers_observer **out, struct st_layers *l,
			   const char *const *names, const struct st_layers_options *opts,
			   struct strata_error *err)
{
	struct st_layers_observer *o;
	struct run *r;
	int rc;

	*out = NULL;
	if (opts == NULL || opts->limits == NULL)
		return st_error_set(err, STRATA_EINVAL, "layer analysis without limits");
	o = calloc(1, sizeof(*o));
	if (o == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	r = &o->run;
	r->l = l;
	r->lim = opts->limits;
	r->diag = opts->diag;
	r->names = names;
	r->observer.on_entry = record_entry;
	r->observer.on_layer_end = replay_layer;
	r->observer.ctx = r;
	r->records = st_calloc(l->layer_count ? l->layer_count : 1, sizeof(*r->records));
	if (r->records == NULL) {
		free(o);
		return st_error_set(err, STRATA_ENOMEM, "out of memory for %zu layers",
				    l->layer_count);
	}
	rc = tree_init(&r->tree, err);
	if (rc < 0) {
		st_layers_observer_free(o);
		return rc;
	}
	*out = o;
	return 0;
}

const struct st_walk_observer *st_layers_observer_hooks(struct st_layers_observer *o)
{
	return &o->run.observer;
}

int st_layers_observer_finish(struct st_layers_observer *o,
			      const struct st_walk_layer_stats *stats, struct strata_error *err)
{
	struct run *r = &o->run;
	size_t i;

	for (i = 0; stats != NULL && i < r->l->layer_count; i++) {
		r->l->layers[i].entries = stats[i].entries;
		r->l->layers[i].uncompressed_bytes = stats[i].uncompressed_bytes;
	}
	r->l->distinct_paths = r->tree.count - 1;
	return collect_wasted(r, err);
}

void st_layers_observer_free(struct st_layers_observer *o)
{
	if (o == NULL)
		return;
	run_dispose(&o->run);
	free(o);
}

/* The walk of st_layers_scan captures the package databases only. */
static bool wants_db(void *ctx, const char *path, size_t len, uint64_t *max_bytes)
{
	return db_kind_of(path, len) >= 0;
}

static int ignore_file(void *ctx, const struct st_walk_file *f, struct strata_error *err)
{
	return 0;
}

int st_layers_scan(struct st_layers *l, st_layer_opener open, void *open_ctx,
		   const char *const *names, const struct st_layers_options *opts,
		   struct strata_error *err)
{
	struct st_layers_observer *o = NULL;
	struct st_walk_layer_stats *stats;
	struct st_walk_visitor v;
	struct st_walk_options wopts;
	int rc;

	if (open == NULL || opts == NULL || opts->limits == NULL)
		return st_error_set(err, STRATA_EINVAL, "layer analysis without an opener or limits");
	stats = st_calloc(l->layer_count ? l->layer_count : 1, sizeof(*stats));
	if (stats == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory for %zu layers",
				    l->layer_count);
	rc = st_layers_observer_new(&o, l, names, opts, err);
	if (rc < 0)
		goto out;
	memset(&v, 0, sizeof(v));
	v.wants = wants_db;
	v.on_final_file = ignore_file;
	v.observer = st_layers_observer_hooks(o);
	wopts.limits = opts->limits;
	wopts.diag = opts->diag;
	rc = st_walk_layers(l->layer_count, open, open_ctx, names, &v, &wopts, stats, err);
	if (rc == 0)
		rc = st_layers_observer_finish(o, stats, err);

out:
	st_layers_observer_free(o);
	free(stats);
	return rc;
}

/* History ----------------------------------------------------------------- */

/* Copies the string member KEY of entry H (absent or null gives NULL). */
static int history_string(const char **out, json_t *h, const char *key, struct st_arena *a,
			  const char *what, size_t index, struct strata_error *err)
{
	json_t *v = json_object_get(h, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return st_error_set(err, STRATA_ECORRUPT, "%s: history[%zu]: \"%s\" is not a string",
				    what, index, key);
	*out = st_arena_strndup(a, json_string_value(v), json_string_length(v));
	if (*out == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory for the history of %s", what);
	return 0;
}

/* Fills item I of L's history from entry H. */
static int history_item(struct st_layers *l, size_t i, json_t *h, const char *what,
			struct strata_error *err)
{
	struct st_history_item *item = &l->history[i];
	json_t *empty;
	int rc;

	if (!json_is_object(h))
		return st_error_set(err, STRATA_ECORRUPT, "%s: history[%zu] is not an object", what,
				    i);
	empty = json_object_get(h, "empty_layer");
	if (empty != NULL && !json_is_boolean(empty) && !json_is_null(empty))
		return st_error_set(err, STRATA_ECORRUPT,
				    "%s: history[%zu]: \"empty_layer\" is not a boolean", what, i);
	item->empty_layer = empty != NULL && json_is_true(empty);
	item->layer = SIZE_MAX;
	rc = history_string(&item->created_by, h, "created_by", &l->arena, what, i, err);
	if (rc == 0)
		rc = history_string(&item->created, h, "created", &l->arena, what, i, err);
	return rc;
}

/* Gives each layer, in order, the next history entry that made a layer.
 * A history that does not match the layer count is warned about once,
 * when the image is opened (source.c), so not here. */
static void align_history(struct st_layers *l)
{
	size_t layer = 0;
	size_t i;

	for (i = 0; i < l->history_count && layer < l->layer_count; i++) {
		struct st_history_item *item = &l->history[i];

		if (item->empty_layer)
			continue;
		item->layer = layer;
		l->layers[layer].history_index = i;
		l->layers[layer].created_by = item->created_by;
		l->layers[layer].created = item->created;
		layer++;
	}
}

int st_layers_read_history(struct st_layers *l, struct st_slice config, const char *what,
			   const struct st_layers_options *opts, struct strata_error *err)
{
	const struct strata_limits *lim = opts->limits;
	json_t *root = NULL;
	json_t *list;
	size_t i;
	int rc;

	rc = st_json_parse(&root, config, lim->config_bytes, lim->json_depth, 0, what, err);
	if (rc < 0)
		return rc;
	if (!json_is_object(root)) {
		rc = st_error_set(err, STRATA_ECORRUPT, "%s: not a JSON object", what);
		goto out;
	}
	list = json_object_get(root, "history");
	if (list == NULL || json_is_null(list))
		goto out;
	if (!json_is_array(list)) {
		rc = st_error_set(err, STRATA_ECORRUPT, "%s: \"history\" is not an array", what);
		goto out;
	}
	if (json_array_size(list) == 0)
		goto out;
	l->history = st_calloc(json_array_size(list), sizeof(*l->history));
	if (l->history == NULL) {
		rc = st_error_set(err, STRATA_ENOMEM, "out of memory for the history of %s", what);
		goto out;
	}
	for (i = 0; i < json_array_size(list); i++) {
		rc = history_item(l, i, json_array_get(list, i), what, err);
		if (rc < 0)
			goto out;
		l->history_count++;
	}
	align_history(l);

out:
	json_decref(root);
	return rc;
}

/* Language packages ------------------------------------------------------- */

static bool is_os_type(const char *type)
{
	size_t i;

	for (i = 0; i < DB_KINDS; i++) {
		if (strcmp(type, db_types[i]) == 0)
			return true;
	}
	return false;
}

int st_layers_add_packages(struct st_layers *l, const struct st_inventory *inv,
			   struct strata_error *err)
{
	size_t i;
	int rc;

	for (i = 0; i < inv->count; i++) {
		const struct st_package *p = &inv->packages[i];
		struct pkg_item item;

		if (p->type == NULL || is_os_type(p->type) || (p->flags & ST_PKG_REMOVED) ||
		    p->layer >= l->layer_count)
			continue;
		item.name = p->name;
		item.arch = p->arch != NULL ? p->arch : "";
		item.version = p->version;
		rc = add_change(l, p->layer, ST_CHANGE_ADDED, p->type, NULL, &item, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int compare_changes(const void *pa, const void *pb)
{
	const struct st_pkg_change *a = pa;
	const struct st_pkg_change *b = pb;
	int c;

	if (a->layer != b->layer)
		return a->layer < b->layer ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	c = strcmp(a->type, b->type);
	if (c == 0)
		c = strcmp(a->name, b->name);
	if (c == 0)
		c = strcmp(a->arch ? a->arch : "", b->arch ? b->arch : "");
	return c;
}

void st_layers_finish(struct st_layers *l)
{
	size_t i;

	if (l->change_count > 1)
		qsort(l->changes, l->change_count, sizeof(*l->changes), compare_changes);
	for (i = 0; i < l->layer_count; i++) {
		l->layers[i].change_first = 0;
		l->layers[i].change_count = 0;
	}
	for (i = l->change_count; i > 0; i--) {
		struct st_layer_figures *f = &l->layers[l->changes[i - 1].layer];

		f->change_first = i - 1;
		f->change_count++;
	}
}

double st_layers_efficiency(const struct st_layers *l)
{
	if (l->content_bytes == 0)
		return 1.0;
	return 1.0 - (double)l->wasted_bytes / (double)l->content_bytes;
}

const char *st_change_kind_name(int kind)
{
	switch (kind) {
	case ST_CHANGE_ADDED:
		return "added";
	case ST_CHANGE_UPGRADED:
		return "upgraded";
	case ST_CHANGE_DOWNGRADED:
		return "downgraded";
	case ST_CHANGE_REMOVED:
		return "removed";
	default:
		return "changed";
	}
}
