/* Layer walk: streams each layer's tar once, applies OCI whiteouts, and
 * hands the files that a visitor requests to it, with the layer that last
 * wrote each one. The image is never extracted to disk. */
#ifndef STRATA_WALK_H
#define STRATA_WALK_H

#include <stdbool.h>
#include <stdint.h>

#include "image/image.h"
#include "util/util.h"

enum st_file_type {
	ST_FILE_REGULAR,
	ST_FILE_SYMLINK,
};

struct st_walk_observer;

/* One version of a wanted file. Paths are normalized: relative to the
 * image root, no leading "/" or "./", no "." or ".." components, no
 * trailing "/". data is valid only during the callback. */
struct st_walk_file {
	const char *path;
	size_t path_len;
	int type;                /* enum st_file_type */
	const char *link_target; /* ST_FILE_SYMLINK: target as stored */
	struct st_slice data;    /* ST_FILE_REGULAR: the whole content */
	uint64_t size;
	unsigned mode;           /* permission bits and setuid/setgid/sticky */
	size_t layer;            /* index of the layer that wrote this version */
	bool summarized;         /* data is the visitor's summary, not the content */
	/* on_layer_file only: layer LAYER removed this wanted file of a
	 * lower layer (a whiteout, an opaque directory, or an entry of
	 * another kind in its place); DATA is empty. */
	bool removed;
};

/* Per-layer counts gathered while streaming. */
struct st_walk_layer_stats {
	uint64_t entries;
	uint64_t regular_files;
	uint64_t whiteouts;
	uint64_t content_bytes;      /* regular file bytes */
	uint64_t uncompressed_bytes; /* tar stream bytes */
	uint64_t special_files;      /* device nodes, FIFOs, sockets: never captured */
};

struct st_walk_visitor {
	/* Returns true when the file at PATH should be captured; may lower
	 * *MAX_BYTES (preset to limits->cataloged_file_bytes). Called for
	 * regular files and symlinks. */
	bool (*wants)(void *ctx, const char *path, size_t len, uint64_t *max_bytes);
	/* Optional: called after layer L has been read, once for each wanted
	 * file of a lower layer that layer L removed (f->removed), then once
	 * for each wanted file that layer L wrote (the last entry wins when a
	 * layer has the same path twice), each time in path order. Lets a
	 * cataloger follow a file's history across layers, such as dpkg's
	 * status file. */
	int (*on_layer_file)(void *ctx, const struct st_walk_file *f, struct strata_error *err);
	/* Called after the last layer for each wanted file in the final view,
	 * in path order. */
	int (*on_final_file)(void *ctx, const struct st_walk_file *f, struct strata_error *err);
	void *ctx;
	/* Optional: for large files that are read as a stream rather than
	 * captured whole (archives, executables). Called for each regular
	 * file that wants() declined, with its size and mode bits; returns
	 * true to have summarize() read it. */
	bool (*wants_summary)(void *ctx, const char *path, size_t len, uint64_t size,
			      unsigned mode);
	/* Reads CONTENT, the bytes of the file META describes (META->data is
	 * empty), and appends a compact summary to OUT, at most
	 * limits->summary_bytes. The walk keeps the summary in place of the
	 * content: on_layer_file and on_final_file later see it as f->data
	 * with f->summarized set. It may run on several threads at once (one
	 * per layer) and must touch nothing but its arguments and DIAG (which
	 * is thread-safe). A damaged file is a warning on DIAG and an empty or
	 * partial summary; a negative return (ENOMEM) stops the scan. */
	int (*summarize)(void *ctx, const struct st_walk_file *meta, struct st_stream *content,
			 struct st_buf *out, struct st_diag *diag, struct strata_error *err);
	/* Optional: receives every entry of every layer (st_walk_observer). */
	const struct st_walk_observer *observer;
};

struct archive_entry;
struct st_view;

/* Hooks that see every tar entry, not only the wanted files: the layer
 * analysis of `strata layers` (layers.c) uses them to read each layer
 * once, together with the scan. */
struct st_walk_observer {
	/* Called on the worker that reads layer LAYER, for each entry in tar
	 * order after its name was normalized into PATH (LEN bytes, never the
	 * root). KIND is an enum st_walk_kind. The hook must not read E's
	 * content, and may run on several threads at once (one per layer). */
	int (*on_entry)(void *ctx, size_t layer, const char *path, size_t len, int kind,
			struct archive_entry *e, struct strata_error *err);
	/* Called on the calling thread in layer order, once layer LAYER has
	 * been read and its on_layer_file calls made. FILES contains the
	 * wanted files that the layer wrote. */
	int (*on_layer_end)(void *ctx, size_t layer, struct st_view *files,
			    struct strata_error *err);
	void *ctx;
};

/* With limits->scan_threads other than 1, layers are read on worker
 * threads: wants(), wants_summary() and summarize() may then run on
 * several threads at once, while on_layer_file() and on_final_file() run
 * on the calling thread, in layer order. */
struct st_walk_options {
	const struct strata_limits *limits; /* required */
	struct st_diag *diag;               /* may be NULL */
};

/* Walks every layer of IMG, lowest first. Returns the first error of a
 * layer stream (corrupt tar, digest mismatch, limit) naming the layer, or
 * a visitor callback's error. STATS, when not NULL, receives
 * img->layer_count entries. A wanted file over its max_bytes is skipped
 * with a warning on the diag sink. */
int st_walk_image(struct st_image *img, const struct st_walk_visitor *v,
		  const struct st_walk_options *opts, struct st_walk_layer_stats *stats,
		  struct strata_error *err);

/* Opens layer INDEX as an uncompressed tar stream (see st_image_open_layer). */
typedef int (*st_layer_opener)(void *ctx, size_t index, struct st_stream **out,
			       struct strata_error *err);

/* The walk itself, over COUNT layers opened through OPEN; NAMES[i] (may be
 * NULL) names layer i in errors, such as its digest. st_walk_image is this
 * with st_image_open_layer; tests pass in-memory tar streams. */
int st_walk_layers(size_t count, st_layer_opener open, void *open_ctx,
		   const char *const *names, const struct st_walk_visitor *v,
		   const struct st_walk_options *opts, struct st_walk_layer_stats *stats,
		   struct strata_error *err);

/* The same, with worker threads taking the layers in ORDER (a permutation
 * of 0 .. COUNT-1; NULL = index order), for example largest first so that
 * the longest layer does not start last. Merging and every callback still
 * follow layer order, so the result does not depend on ORDER. */
int st_walk_layers_ordered(size_t count, st_layer_opener open, void *open_ctx,
			   const char *const *names, const size_t *order,
			   const struct st_walk_visitor *v, const struct st_walk_options *opts,
			   struct st_walk_layer_stats *stats, struct strata_error *err);

/* Normalizes an archive entry name into OUT (cap OUT_CAP bytes) as
 * container runtimes place it under the root. It drops leading "/", so an
 * absolute name is read inside the root, collapses "//" and ".", and
 * removes each ".." with the component before it. A ".." that would climb
 * above the root gives STRATA_ECORRUPT, a path over the limits
 * STRATA_ELIMIT. An empty result (the root itself) returns 0 with
 * *OUT_LEN == 0. */
int st_path_normalize(const char *name, char *out, size_t out_cap, size_t *out_len,
		      const struct strata_limits *lim, struct strata_error *err);

#endif
