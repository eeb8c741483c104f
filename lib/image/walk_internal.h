/* Internal to the layer walk: the tar reader over a layer stream and the
 * state shared by walk.c and walk_links.c. */
#ifndef STRATA_IMAGE_WALK_INTERNAL_H
#define STRATA_IMAGE_WALK_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "image/view.h"
#include "image/walk.h"

struct archive;
struct archive_entry;

/* Maximum length of a hostile name quoted in a message, in output bytes. */
#define ST_WALK_QUOTE_MAX 200

/* One pass over one layer: libarchive's tar reader pulls the bytes of the
 * layer stream through a callback. */
/* Bytes kept from the end of each chunk of a layer, more than libarchive's
 * look-ahead past a tar's end-of-archive marker (one 512-byte block). */
#define ST_WALK_TAIL_BYTES 2048

struct st_walk_tar {
	struct archive *archive;
	struct st_stream *stream;
	char *chunk;
	const void *data;  /* the last chunk pulled: t->chunk or borrowed */
	bool at_end;       /* the stream returned 0 */
	bool failed;       /* the stream returned an error, kept in stream_err */
	struct strata_error stream_err;
	uint64_t bytes;    /* bytes pulled from the stream */
	size_t data_len;   /* bytes at data */
	/* After the tar's end-of-archive marker: the byte offset of the first
	 * byte that is not zero, or UINT64_MAX when all are zero (padding). */
	bool ended;
	uint64_t trailing_at;
	/* The stream's last bytes before the last chunk: libarchive may have
	 * read past the marker into later chunks, so the bytes between the
	 * marker and the last chunk are checked here. */
	unsigned char tail[ST_WALK_TAIL_BYTES];
	size_t tail_len;
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

/* Reads at most LEN content bytes of the current entry into BUF. Returns
 * the count (0 at the end of the entry's content, which libarchive never
 * reads past), or an error as in st_walk_tar_next. */
ssize_t st_walk_tar_read_some(struct st_walk_tar *t, void *buf, size_t len,
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

/* The set of paths one layer wrote, so that the merge can tell which
 * captures of lower layers the layer hides without keeping its entries.
 * A path is stored as two independent keyed 64-bit hashes plus flags;
 * see walk_paths.c for the collision bound. */
#define ST_PATH_PRESENT 1u  /* an entry, or a directory implied by one */
#define ST_PATH_NONDIR 2u   /* a non-directory entry: hides what is under it */
#define ST_PATH_WHITEOUT 4u /* whiteout target: hides it and what is under it */
#define ST_PATH_OPAQUE 8u   /* opaque directory: hides what is under it */
#define ST_PATH_FILE 16u    /* a regular file or hard link entry of the layer */

struct st_path_set {
	uint64_t *slots;    /* 2 words a slot; both zero when free */
	size_t cap;         /* slots, a power of two, or 0 */
	size_t count;       /* used slots */
	size_t max_count;   /* over it: STRATA_ELIMIT */
	uint64_t seed[2];
};

/* Prepares an empty set that stores at most MAX_COUNT paths. */
void st_path_set_init(struct st_path_set *set, size_t max_count);
void st_path_set_dispose(struct st_path_set *set);

/* Adds FLAGS to PATH (normalized, LEN > 0 bytes) and ST_PATH_PRESENT to
 * each of its proper ancestors. STRATA_ENOMEM, or STRATA_ELIMIT past
 * max_count, with ERR naming neither the layer nor the path. */
int st_path_set_add(struct st_path_set *set, const char *path, size_t len, unsigned flags,
		    struct strata_error *err);

/* Returns the flags of PATH itself, or 0 when the set lacks it. */
unsigned st_path_set_flags(const struct st_path_set *set, const char *path, size_t len);

/* Returns true when a file at PATH in a lower layer is hidden by the layer
 * the set describes: PATH itself is present or whited out, or one of its
 * proper ancestors is a non-directory, whited out or opaque. */
bool st_path_set_hides(const struct st_path_set *set, const char *path, size_t len);

/* A growable scratch string for normalized names. */
struct st_walk_name {
	char *ptr;
	size_t len;
	size_t cap;
};

/* Normalizes NAME (see st_path_normalize) into N, growing it as needed. */
int st_walk_name_set(struct st_walk_name *n, const char *name,
		     const struct strata_limits *lim, struct strata_error *err);

/* The reading of one layer. A worker fills VIEW with the layer's own
 * captures and PATHS with what can hide captures of lower layers; the
 * merge (walk_merge.c) applies both to the image's view in layer order. */
struct st_walk {
	const struct strata_limits *limits;
	struct st_diag *diag;   /* the caller's sink, or null_diag */
	struct st_diag null_diag;
	const struct st_walk_visitor *visitor;
	st_layer_opener open;
	void *open_ctx;
	struct st_view view;    /* captures of this layer only */
	struct st_path_set paths;
	bool record_paths;      /* false for the lowest layer: nothing is below */
	bool opaque_root;       /* a root opaque marker hides every lower file */
	size_t layer;           /* index of the layer being read */
	const char *layer_name; /* names[layer], or layer_index */
	char layer_index[24];
	uint64_t entry;         /* index of the current entry in the layer */
	size_t pending_links;   /* hard links captured in this layer, unresolved */
	uint64_t unsafe_names;  /* entries with absolute names or names above the root */
	struct st_walk_name path;
	struct st_walk_name link;
	/* Parent directory of the last entry whose ancestors were checked
	 * against VIEW, so that a run of entries in one directory costs one
	 * check (see hide_ancestors in walk.c). */
	struct st_walk_name last_parent;
	bool last_parent_valid; /* false again after each capture */
	/* Set by the merge when the walk stops: the worker gives up early. */
	const _Atomic int *cancel;
};

/* Reads layer W->layer once (and again for hard links) into W->view and
 * W->paths, filling ST. W's limits, diag, visitor, opener, layer, name,
 * record_paths and cancel must be set, everything else zero. */
int st_walk_read_layer(struct st_walk *w, struct st_walk_layer_stats *st,
		       struct strata_error *err);

/* Frees what st_walk_read_layer left in W. */
void st_walk_dispose(struct st_walk *w);

/* Allocates a capture of W->path for entry E of the current layer, with
 * its mode bits; sets ERR when out of memory. */
struct st_capture *st_walk_new_capture(struct st_walk *w, struct archive_entry *e,
				       struct strata_error *err);

/* Inserts C into W->view (which takes it). */
void st_walk_insert(struct st_walk *w, struct st_capture *c);

/* Offers the regular file entry E at W->path, which wants() declined, to
 * the visitor's wants_summary and, when accepted, captures the summary
 * that summarize() makes from the entry's content (walk_summary.c). */
int st_walk_summarize(struct st_walk *w, struct st_walk_tar *t, struct archive_entry *e,
		      struct strata_error *err);

/* The origin of a summarized file, for messages: KIND is "layer" or
 * "directory" and NAME the layer's digest or the directory's path. */
struct st_walk_summary_source {
	const char *kind;
	const char *name;
	const struct strata_limits *limits;
	struct st_diag *diag; /* may be NULL */
};

/* Turns what the visitor's summarize() returned (RC, SUMMARY_ERR) for the
 * file PATH into the walk's outcome. STRATA_ENOMEM stops the walk (ERR is
 * SUMMARY_ERR with SRC and PATH prepended). STRATA_ELIMIT keeps SUMMARY
 * cut at limits->summary_bytes, with a warning. Any other failure drops
 * the file with a warning. Returns 1 to keep the summary, 0 to drop it,
 * or STRATA_ENOMEM. Shared by the tar walk and the directory walk. */
int st_walk_judge_summary(const struct st_walk_summary_source *src, const char *path, int rc,
			  const struct strata_error *summary_err, const struct st_buf *summary,
			  struct strata_error *err);

/* Offers the hard link entry E at W->path, which wants() declined, to
 * wants_summary when its target is a summarized file of the same layer,
 * and captures a copy of the target's summary when accepted. */
int st_walk_summarize_link(struct st_walk *w, struct archive_entry *e,
			   struct strata_error *err);

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
