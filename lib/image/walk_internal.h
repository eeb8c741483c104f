/* Internal to the layer walk: the tar reader over a layer stream and the
 * state shared by walk.c and walk_links.c. */
#ifndef STRATA_IMAGE_WALK_INTERNAL_H
#define STRATA_IMAGE_WALK_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "image/view.h"
#include "image/walk.h"

struct archive;
struct archive_entry;

/* Maximum length of a hostile name quoted in a message, in output bytes. */
#define ST_WALK_QUOTE_MAX 200

/* One pass over one layer: libarchive's tar reader pulls the bytes of the
 * layer stream through a callback. */
struct st_walk_tar {
	struct archive *archive;
	struct st_stream *stream;
	char *chunk;
	bool at_end;       /* the stream returned 0 */
	bool failed;       /* the stream returned an error, kept in stream_err */
	struct strata_error stream_err;
	uint64_t bytes;    /* bytes pulled from the stream */
};

/* Opens layer INDEX through OPEN and starts a tar reader on it. On
 * failure the reader is left closed; st_walk_tar_close is safe either way. */
int st_walk_tar_open(struct st_walk_tar *t, st_layer_opener open, void *open_ctx,
		     size_t index, struct strata_error *err);

/* Reads the next entry header into *ENTRY (owned by the reader). Returns 1
 * for an entry, 0 at the end of the archive, STRATA_ECORRUPT with
 * libarchive's message for a damaged archive, or the stream's own error
 * when the stream failed (then t->failed is set). */
int st_walk_tar_next(struct st_walk_tar *t, struct archive_entry **entry,
		     struct strata_error *err);

/* Reads the SIZE content bytes of the current entry into a new buffer
 * *OUT (NULL when SIZE is 0) that the caller frees. Errors as in
 * st_walk_tar_next; a short entry is STRATA_ECORRUPT. */
int st_walk_tar_read_data(struct st_walk_tar *t, char **out, uint64_t size,
			  struct strata_error *err);

/* Reads the stream to its end after the archive's end, so that the
 * stream's size and digest checks run, and returns the stream's error if
 * it failed at any point. */
int st_walk_tar_finish(struct st_walk_tar *t, struct strata_error *err);

void st_walk_tar_close(struct st_walk_tar *t);

enum st_walk_kind {
	ST_KIND_DIRECTORY,
	ST_KIND_REGULAR,
	ST_KIND_SYMLINK,
	ST_KIND_HARDLINK,
	ST_KIND_SPECIAL, /* device node, FIFO, socket, unknown type */
};

/* Returns the enum st_walk_kind of entry E. */
int st_walk_entry_kind(struct archive_entry *e);

#define ST_WALK_WHITEOUT_PREFIX ".wh."
#define ST_WALK_WHITEOUT_PREFIX_LEN 4

/* Returns the last component of the normalized PATH. */
const char *st_walk_base_name(const char *path);

/* Returns true when BASE, a last path component, names a whiteout marker:
 * per the OCI image spec no file of a view starts with ".wh.". */
bool st_walk_is_whiteout(const char *base);

/* Returns the entry's name, hard-link target or symlink target as stored
 * (libarchive's raw bytes, or its UTF-8 form when only that exists), or
 * NULL when the entry has none. */
const char *st_walk_entry_name(struct archive_entry *e);
const char *st_walk_entry_hardlink(struct archive_entry *e);
const char *st_walk_entry_symlink(struct archive_entry *e);

/* Writes S into BUF (CAP bytes, NUL-terminated) for a one-line message:
 * control bytes, non-ASCII bytes, quotes and backslashes are escaped as
 * \xNN, and text past ST_WALK_QUOTE_MAX bytes is cut and marked "...". */
void st_walk_quote(char *buf, size_t cap, const char *s);

/* A growable scratch string for normalized names. */
struct st_walk_name {
	char *ptr;
	size_t len;
	size_t cap;
};

/* Normalizes NAME (see st_path_normalize) into N, growing it as needed. */
int st_walk_name_set(struct st_walk_name *n, const char *name,
		     const struct strata_limits *lim, struct strata_error *err);

/* The state of one walk. */
struct st_walk {
	const struct strata_limits *limits;
	struct st_diag *diag;
	const struct st_walk_visitor *visitor;
	st_layer_opener open;
	void *open_ctx;
	struct st_view view;
	size_t layer;           /* index of the layer being read */
	const char *layer_name; /* names[layer], or layer_index */
	char layer_index[24];
	uint64_t entry;         /* index of the current entry in the layer */
	size_t pending_links;   /* hard links captured in this layer, unresolved */
	struct st_walk_name path;
	struct st_walk_name link;
};

/* Fills the content of the hard links captured in the current layer that
 * are still unresolved, reading the layer again as often as link chains
 * require. A link whose target is missing, not a file or too large is
 * dropped with a warning. */
int st_walk_resolve_links(struct st_walk *w, struct strata_error *err);

/* Checks that adding SIZE bytes keeps the captured data within
 * limits->cataloged_total_bytes; EXTRA counts bytes held outside the view. */
int st_walk_check_budget(struct st_walk *w, uint64_t size, uint64_t extra, const char *path,
			 struct strata_error *err);

#endif
