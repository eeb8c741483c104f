/* Captured-file set of the layer walk: a treap keyed by path bytes.
 *
 * Every change is a split or a merge. A split divides a tree at a bound
 * of the form "P", or "P" followed by one byte. The keys with a given
 * prefix are contiguous in memcmp order. So the subtree "P/..." is the
 * range ["P/", "P0") because '0' follows '/' in ASCII, and the single key
 * "P" is the range ["P", "P\0") because paths contain no NUL byte.
 *
 * Node priorities come from a generator seeded from getrandom(2), so an
 * image cannot choose paths that line up with them. Paths that did would
 * turn the tree into a list, and its height, which is the recursion depth
 * here, would grow with the file count. */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "image/view.h"
#include "util/util.h"

/* The split point: the key PREFIX, followed by the byte EXTRA when
 * EXTRA >= 0. */
struct bound {
	const char *prefix;
	size_t len;
	int extra;
};

static uint32_t next_priority(struct st_view *view)
{
	uint32_t x = view->rng;

	/* xorshift32 */
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	view->rng = x;
	return x;
}

static bool is_before(const struct st_capture *c, const struct bound *b)
{
	size_t n = c->path_len < b->len ? c->path_len : b->len;
	int cmp = memcmp(c->path, b->prefix, n);

	if (cmp != 0)
		return cmp < 0;
	if (c->path_len < b->len)
		return true;
	if (c->path_len == b->len)
		return b->extra >= 0;
	return b->extra >= 0 && (unsigned char)c->path[b->len] < (unsigned)b->extra;
}

/* Splits T into *LO (keys before B) and *HI (the rest). */
static void split(struct st_capture *t, const struct bound *b, struct st_capture **lo,
		  struct st_capture **hi)
{
	if (t == NULL) {
		*lo = NULL;
		*hi = NULL;
		return;
	}
	if (is_before(t, b)) {
		split(t->right, b, &t->right, hi);
		*lo = t;
	} else {
		split(t->left, b, lo, &t->left);
		*hi = t;
	}
}

/* Joins two trees where every key of A sorts before every key of B. */
static struct st_capture *merge(struct st_capture *a, struct st_capture *b)
{
	if (a == NULL)
		return b;
	if (b == NULL)
		return a;
	if (a->priority >= b->priority) {
		a->right = merge(a->right, b);
		return a;
	}
	b->left = merge(a, b->left);
	return b;
}

static void release(struct st_view *view, struct st_capture *c)
{
	view->count--;
	view->data_bytes -= c->data_len;
	st_capture_free(c);
}

/* Frees the nodes of T for which HIDDEN returns true and returns a tree
 * of the others. A kept node keeps its place in the heap order because
 * its children can only lose nodes. */
static struct st_capture *filter(struct st_view *view, struct st_capture *t,
				 bool (*hidden)(const struct st_capture *c, void *ctx),
				 void *ctx)
{
	struct st_capture *left;
	struct st_capture *right;

	if (t == NULL)
		return NULL;
	left = filter(view, t->left, hidden, ctx);
	right = filter(view, t->right, hidden, ctx);
	if (!hidden(t, ctx)) {
		t->left = left;
		t->right = right;
		return t;
	}
	release(view, t);
	return merge(left, right);
}

static bool is_below(const struct st_capture *c, void *ctx)
{
	return c->layer < *(const size_t *)ctx;
}

/* Removes the keys in [FROM, TO) whose layer is below BELOW_LAYER; a NULL
 * FROM or TO leaves that end open. */
static void remove_range(struct st_view *view, const struct bound *from, const struct bound *to,
			 size_t below_layer)
{
	struct st_capture *lo = NULL;
	struct st_capture *mid = view->root;
	struct st_capture *hi = NULL;

	if (from != NULL)
		split(view->root, from, &lo, &mid);
	if (to != NULL)
		split(mid, to, &mid, &hi);
	mid = filter(view, mid, is_below, &below_layer);
	view->root = merge(merge(lo, mid), hi);
}

void st_view_init(struct st_view *view)
{
	uint32_t seed = 0;

	view->root = NULL;
	view->count = 0;
	view->data_bytes = 0;
	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != (ssize_t)sizeof(seed))
		seed = (uint32_t)(uintptr_t)view ^ (uint32_t)time(NULL);
	view->rng = seed != 0 ? seed : 0x9e3779b9u;
}

static void free_tree(struct st_capture *t)
{
	if (t == NULL)
		return;
	free_tree(t->left);
	free_tree(t->right);
	st_capture_free(t);
}

void st_view_dispose(struct st_view *view)
{
	free_tree(view->root);
	view->root = NULL;
	view->count = 0;
	view->data_bytes = 0;
}

struct st_capture *st_capture_new(const char *path, size_t len)
{
	struct st_capture *c;
	size_t size;

	if (!st_add_size(sizeof(*c), len, &size) || !st_add_size(size, 1, &size))
		return NULL;
	c = calloc(1, size);
	if (c == NULL)
		return NULL;
	memcpy(c->path, path, len);
	c->path[len] = '\0';
	c->path_len = len;
	return c;
}

void st_capture_free(struct st_capture *c)
{
	if (c == NULL)
		return;
	free(c->data);
	free(c->link_target);
	free(c->hardlink);
	free(c);
}

void st_view_insert(struct st_view *view, struct st_capture *node)
{
	struct bound at = {node->path, node->path_len, -1};
	struct bound after = {node->path, node->path_len, 0};
	struct st_capture *lo;
	struct st_capture *old;
	struct st_capture *hi;

	split(view->root, &at, &lo, &hi);
	split(hi, &after, &old, &hi);
	if (old != NULL)
		release(view, old);
	node->left = NULL;
	node->right = NULL;
	node->priority = next_priority(view);
	view->count++;
	view->data_bytes += node->data_len;
	view->root = merge(merge(lo, node), hi);
}

struct st_capture *st_view_find(struct st_view *view, const char *path, size_t len)
{
	struct st_capture *t = view->root;

	while (t != NULL) {
		size_t n = t->path_len < len ? t->path_len : len;
		int cmp = memcmp(t->path, path, n);

		if (cmp == 0 && t->path_len != len)
			cmp = t->path_len < len ? -1 : 1;
		if (cmp == 0)
			return t;
		t = cmp < 0 ? t->right : t->left;
	}
	return NULL;
}

void st_view_remove(struct st_view *view, const char *path, size_t len, size_t below_layer)
{
	struct bound at = {path, len, -1};
	struct bound after = {path, len, 0};

	if (st_view_find(view, path, len) == NULL)
		return;
	remove_range(view, &at, &after, below_layer);
}

/* Returns the first node at or after bound B, or NULL. */
static struct st_capture *first_from(struct st_capture *t, const struct bound *b)
{
	struct st_capture *found = NULL;

	while (t != NULL) {
		if (is_before(t, b)) {
			t = t->right;
		} else {
			found = t;
			t = t->left;
		}
	}
	return found;
}

void st_view_remove_under(struct st_view *view, const char *dir, size_t len,
			  size_t below_layer)
{
	struct bound from = {dir, len, '/'};
	struct bound to = {dir, len, '/' + 1};
	struct st_capture *first;

	if (view->root == NULL)
		return;
	if (len == 0) {
		remove_range(view, NULL, NULL, below_layer);
		return;
	}
	/* Most entries have nothing captured under them: look before
	 * reshaping the tree. */
	first = first_from(view->root, &from);
	if (first == NULL || !is_before(first, &to))
		return;
	remove_range(view, &from, &to, below_layer);
}

void st_view_remove_if(struct st_view *view,
		       bool (*hidden)(const struct st_capture *c, void *ctx), void *ctx)
{
	view->root = filter(view, view->root, hidden, ctx);
}

static void move_nodes(struct st_view *view, struct st_capture *t)
{
	struct st_capture *left;
	struct st_capture *right;

	if (t == NULL)
		return;
	left = t->left;
	right = t->right;
	move_nodes(view, left);
	st_view_insert(view, t);
	move_nodes(view, right);
}

void st_view_move_all(struct st_view *view, struct st_view *from)
{
	struct st_capture *root = from->root;

	from->root = NULL;
	from->count = 0;
	from->data_bytes = 0;
	move_nodes(view, root);
}

static int foreach_node(struct st_capture *t, int (*fn)(struct st_capture *c, void *ctx),
			void *ctx)
{
	int rc;

	if (t == NULL)
		return 0;
	rc = foreach_node(t->left, fn, ctx);
	if (rc != 0)
		return rc;
	rc = fn(t, ctx);
	if (rc != 0)
		return rc;
	return foreach_node(t->right, fn, ctx);
}

int st_view_foreach(struct st_view *view, int (*fn)(struct st_capture *c, void *ctx), void *ctx)
{
	return foreach_node(view->root, fn, ctx);
}
