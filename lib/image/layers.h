/* Layer analysis for `strata layers`. It receives every entry of every
 * layer from the layer walk (st_walk_observer) and keeps the full path set
 * of the image. From it, it works out per layer the files added, modified
 * and removed, the OS package changes, and the bytes that later layers
 * made useless (wasted).
 *
 * Unlike the layer walk, this pass needs every path of every layer, so its
 * memory grows with the number of distinct paths: each path component is
 * one fixed-size node in an array, its name is stored once in an arena,
 * and an open-addressing hash table on (parent, name) finds it. */
#ifndef STRATA_IMAGE_LAYERS_H
#define STRATA_IMAGE_LAYERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image/walk.h"
#include "inventory/inventory.h"
#include "util/util.h"

/* How many of the paths with the most wasted bytes are kept. */
#define ST_LAYERS_TOP_WASTED 20

/* st_pkg_change.kind */
enum st_change_kind {
	ST_CHANGE_ADDED,
	ST_CHANGE_UPGRADED,
	ST_CHANGE_DOWNGRADED,
	ST_CHANGE_REMOVED,
	ST_CHANGE_CHANGED, /* another version that the ecosystem cannot order */
};

/* One package change of one layer. Strings live in the analysis arena. */
struct st_pkg_change {
	size_t layer;
	int kind;                /* enum st_change_kind */
	const char *type;        /* purl type: "deb", "apk", "rpm", "npm", ... */
	const char *name;
	const char *arch;        /* NULL when the package has none */
	const char *old_version; /* NULL for ST_CHANGE_ADDED */
	const char *new_version; /* NULL for ST_CHANGE_REMOVED */
};

/* Files and content bytes of one kind of change. */
struct st_file_counts {
	uint64_t files;
	uint64_t bytes;
};

/* Figures of one layer. A "file" is any entry but a directory or a
 * whiteout marker: regular files, symlinks, hard links, device nodes.
 * Bytes are the content bytes stored in the tar: a regular file's size,
 * 0 for the other kinds (a hard link stores no content of its own). */
struct st_layer_figures {
	size_t history_index;        /* in st_layers.history; SIZE_MAX: none */
	const char *created_by;      /* of that history entry; may be NULL */
	const char *created;         /* may be NULL */
	uint64_t entries;            /* tar entries, markers included */
	uint64_t uncompressed_bytes; /* tar stream bytes */
	uint64_t content_bytes;      /* regular file bytes, every entry counted */
	/* A path this layer wrote that was no file in the view below it. */
	struct st_file_counts added;
	/* A path this layer wrote that was a file in the view below it. */
	struct st_file_counts modified;
	/* Files of the view below that this layer removed: by a whiteout, an
	 * opaque directory, or an entry that replaced a path or its parent
	 * directory. Counted as those lower files, with their sizes. */
	struct st_file_counts removed;
	/* Content bytes that this layer wrote and that a later entry, in
	 * this layer or a later one, replaced or removed. */
	uint64_t wasted_bytes;
	size_t change_first; /* this layer's entries of st_layers.changes */
	size_t change_count;
	bool packages_unknown; /* a package database of this layer was unreadable */
};

/* One entry of the config's history. */
struct st_history_item {
	const char *created_by; /* may be NULL */
	const char *created;    /* may be NULL */
	bool empty_layer;
	size_t layer;           /* the layer it made; SIZE_MAX for none */
};

struct st_wasted_path {
	const char *path;
	uint64_t bytes;
};

/* The result of one analysis. Release with st_layers_dispose. */
struct st_layers {
	struct st_arena arena;
	size_t layer_count;
	struct st_layer_figures *layers;
	struct st_history_item *history;
	size_t history_count;
	struct st_pkg_change *changes; /* sorted by layer by st_layers_finish */
	size_t change_count;
	size_t change_cap;
	uint64_t content_bytes; /* over all layers */
	uint64_t wasted_bytes;
	uint64_t distinct_paths;
	/* Paths with the most wasted bytes, largest first (ties by path). */
	struct st_wasted_path wasted[ST_LAYERS_TOP_WASTED];
	size_t wasted_count;
};

struct st_layers_options {
	const struct strata_limits *limits; /* required */
	struct st_diag *diag;               /* may be NULL */
};

/* Prepares L for COUNT layers (at most limits->layers). Returns 0,
 * STRATA_ELIMIT or STRATA_ENOMEM; L must be disposed either way. */
int st_layers_init(struct st_layers *l, size_t count, const struct strata_limits *lim,
		   struct strata_error *err);

void st_layers_dispose(struct st_layers *l);

/* Reads the "history" array of the image config CONFIG and matches it to
 * the layers in order: entries with "empty_layer": true made no layer;
 * the others make layer 0, 1, ... A history with fewer such entries than
 * layers leaves the last layers without one, a longer one leaves the
 * extra entries without a layer; both warn on DIAG. A config without
 * history is no error. WHAT names the config in messages. Returns 0,
 * STRATA_ECORRUPT (invalid JSON, a history entry that is not an object, a
 * non-string created_by), STRATA_ELIMIT or STRATA_ENOMEM. */
int st_layers_read_history(struct st_layers *l, struct st_slice config, const char *what,
			   const struct st_layers_options *opts, struct strata_error *err);

/* Reads the COUNT layers opened through OPEN with a layer walk of its own
 * (NAMES[i], may be NULL, names layer i in messages) and fills the file
 * figures, wasted bytes and
 * OS package changes (dpkg, apk, rpm databases compared with the previous
 * version of the same database). Errors name the layer: a corrupt tar
 * (STRATA_ECORRUPT), a limit (entries_per_layer, path_bytes, path_depth:
 * STRATA_ELIMIT), the stream's own error, or STRATA_ENOMEM. */
int st_layers_scan(struct st_layers *l, st_layer_opener open, void *open_ctx,
		   const char *const *names, const struct st_layers_options *opts,
		   struct strata_error *err);

/* The same analysis as an observer of the scan's own layer walk
 * (st_walk_observer), so that each layer is read once. To use it, set the
 * visitor's observer to st_layers_observer_hooks(O), and have the visitor
 * capture the package databases (the dpkg, apk and rpm catalogers do). Each
 * layer's entries are recorded while it is read, a few bytes and the path
 * for each, and applied once it is merged, in layer order. After
 * the walk, st_layers_observer_finish takes the entry and byte counts
 * from the walk's STATS and works out the wasted paths. */
struct st_layers_observer;

int st_layers_observer_new(struct st_layers_observer **out, struct st_layers *l,
			   const char *const *names, const struct st_layers_options *opts,
			   struct strata_error *err);
const struct st_walk_observer *st_layers_observer_hooks(struct st_layers_observer *o);
int st_layers_observer_finish(struct st_layers_observer *o,
			      const struct st_walk_layer_stats *stats, struct strata_error *err);
void st_layers_observer_free(struct st_layers_observer *o);

/* Adds each language package of INV (not deb, apk or rpm; not flagged
 * removed) as added by the layer its final version came from. */
int st_layers_add_packages(struct st_layers *l, const struct st_inventory *inv,
			   struct strata_error *err);

/* Sorts the changes by layer, kind, type and name and sets each layer's
 * change_first and change_count. */
void st_layers_finish(struct st_layers *l);

/* Returns 1 - wasted / content bytes, or 1 when no layer has content. */
double st_layers_efficiency(const struct st_layers *l);

/* Returns the name of a change kind: "added", "upgraded", ... */
const char *st_change_kind_name(int kind);

#endif
