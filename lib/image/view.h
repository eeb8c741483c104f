/* Internal to the layer walk: the set of captured files of the view being
 * built, ordered by path. Whiteouts and shadowing entries remove one path
 * or a whole subtree with a prefix search. Memory grows only with the
 * captured (wanted) files, never with the layer's entry count. */
#ifndef STRATA_IMAGE_VIEW_H
#define STRATA_IMAGE_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One captured version of a wanted file. The node, its path, data,
 * link_target and hardlink strings are owned by the view. */
struct st_capture {
	struct st_capture *left;
	struct st_capture *right;
	uint32_t priority; /* treap heap key */
	size_t layer;      /* index of the layer that wrote this version */
	uint64_t entry;    /* index of that entry in its layer */
	int type;          /* enum st_file_type */
	unsigned mode;
	uint64_t size;
	char *data;        /* ST_FILE_REGULAR content, data_len bytes */
	bool summarized;   /* data is the visitor's summary of the content */
	size_t data_len;
	char *link_target; /* ST_FILE_SYMLINK target as stored */
	/* A hard link whose content comes from a later pass over the layer:
	 * HARDLINK is the normalized target name, LINK_ENTRY the index of the
	 * link entry in its layer, MAX_BYTES the visitor's size cap. */
	char *hardlink;
	uint64_t link_entry;
	uint64_t max_bytes;
	size_t path_len;
	char path[]; /* NUL-terminated */
};

/* A treap keyed by path bytes (memcmp order). Code that changes the
 * data_len of a node already inserted adjusts data_bytes to match. */
struct st_view {
	struct st_capture *root;
	size_t count;
	uint64_t data_bytes; /* data_len of every node, summed */
	uint32_t rng;
};

/* Passed as BELOW_LAYER to remove nodes of every layer. */
#define ST_VIEW_ANY_LAYER SIZE_MAX

void st_view_init(struct st_view *view);
void st_view_dispose(struct st_view *view);

/* Allocates a node for PATH (LEN bytes) with every other field zero. The
 * caller fills it and hands it to st_view_insert, or frees it with
 * st_capture_free. Returns NULL when out of memory. */
struct st_capture *st_capture_new(const char *path, size_t len);
void st_capture_free(struct st_capture *c);

/* Inserts NODE, freeing a node already stored at the same path. The view
 * takes ownership of NODE. */
void st_view_insert(struct st_view *view, struct st_capture *node);

/* Returns the node at PATH, or NULL; the view keeps ownership. */
struct st_capture *st_view_find(struct st_view *view, const char *path, size_t len);

/* Removes the node at PATH if its layer is below BELOW_LAYER. */
void st_view_remove(struct st_view *view, const char *path, size_t len,
		    size_t below_layer);

/* Removes the nodes under directory DIR (paths starting with "DIR/"; every
 * node when LEN is 0) whose layer is below BELOW_LAYER. */
void st_view_remove_under(struct st_view *view, const char *dir, size_t len,
			  size_t below_layer);

/* Removes every node for which HIDDEN returns true. */
void st_view_remove_if(struct st_view *view,
		       bool (*hidden)(const struct st_capture *c, void *ctx), void *ctx);

/* Moves every node of FROM into VIEW, as st_view_insert does one by one,
 * and leaves FROM empty. */
void st_view_move_all(struct st_view *view, struct st_view *from);

/* Calls FN for each node in path order; stops at and returns the first
 * nonzero result. FN must not change the view. */
int st_view_foreach(struct st_view *view, int (*fn)(struct st_capture *c, void *ctx),
		    void *ctx);

#endif
