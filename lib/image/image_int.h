/* Internal: state shared by the image source files. The store reads named
 * members of an image: files of an OCI layout directory, or members of an
 * outer tar (docker-archive, oci-archive) read in place through libarchive.
 * Nothing is extracted to disk. */
#ifndef STRATA_IMAGE_INT_H
#define STRATA_IMAGE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "image/image.h"
#include "util/util.h"

struct st_descriptor;
struct st_index;
struct st_config;

/* Room for a quoted value in an error message, see st_image_quote. */
#define ST_QUOTE_MAX 96

/* "blobs/sha256/" + 64 hex digits + NUL. */
#define ST_BLOB_NAME_MAX 78

/* Allocates N zeroed elements of SIZE bytes in arena A; NULL when the
 * size overflows or memory runs out. */
void *st_arena_array(struct st_arena *a, size_t n, size_t size);

/* Copies SRC into DST for an error message: bytes outside printable ASCII
 * become '?', and a value longer than CAP - 1 is cut and ends in "...". */
void st_image_quote(char *dst, size_t cap, const char *src);

/* Store ---------------------------------------------------------------- */

/* The byte offset of a regular member's first header in the outer tar. */
struct st_member_offset {
	char *name;
	int64_t offset;
};

struct st_store {
	int form;         /* enum st_image_form */
	const char *path; /* borrowed: the tar file or the layout directory */
	int dirfd;        /* ST_FORM_OCI_DIR: the layout directory; else -1 */
	int fd;           /* a tar read from this open file (standard input
			   * spooled to disk) instead of PATH; else -1 */
	/* Offsets of the tar members that st_store_find found, where opening
	 * one starts reading. Only st_store_find writes them, before workers. */
	struct st_member_offset *offsets;
	size_t offset_count;
	size_t offset_cap;
};

/* Bytes of a tar block, such as a header. */
#define ST_TAR_BLOCK_BYTES 512

/* Bytes kept from the start of a member: a gzip or zstd magic number, or
 * a whole tar header block. */
#define ST_MEMBER_MAGIC_BYTES ST_TAR_BLOCK_BYTES

enum st_tar_block {
	ST_TAR_BLOCK_OTHER,  /* neither of the two below */
	ST_TAR_BLOCK_ZERO,   /* all zero: an end-of-archive block */
	ST_TAR_BLOCK_HEADER, /* a header whose checksum matches */
};

/* Tells what the ST_TAR_BLOCK_BYTES bytes at BLOCK are. The checksum may be
 * the POSIX unsigned sum or the older signed one. */
int st_tar_block_kind(const unsigned char *block);

/* One member looked up by st_store_find. */
struct st_member {
	const char *name;           /* in: normalized name, see st_member_name_check */
	bool found;                 /* out */
	const char *resolved;       /* out: the regular file after following links */
	uint64_t size;              /* out: its size in bytes */
	unsigned char magic[ST_MEMBER_MAGIC_BYTES]; /* out: its first bytes */
	size_t magic_len;
};

/* Opens the store of FORM at PATH (borrowed until st_store_dispose). */
int st_store_open(struct st_store *s, int form, const char *path, struct strata_error *err);
/* Opens the store of tar form FORM over the open file FD, which it owns
 * from then on, even on failure; PATH names the file in messages. The
 * file is read with pread, so several member streams can be open at
 * once. */
int st_store_open_fd(struct st_store *s, int form, int fd, const char *path,
		     struct strata_error *err);
void st_store_dispose(struct st_store *s);

/* Looks up COUNT members, in one pass over a tar or with one open per
 * member in a directory. In a tar, symbolic and hard links are followed by
 * name, with one more pass per level, and must stay inside the tar. In a
 * directory, a symbolic link is rejected. An absent member gets found ==
 * false. A member listed twice in the tar, a link leaving the tar or a
 * member that is not a regular file is STRATA_ECORRUPT. Resolved names are
 * allocated in ARENA. */
int st_store_find(struct st_store *s, struct st_member *members, size_t count,
		  struct st_arena *arena, struct strata_error *err);

/* Opens regular member NAME (already resolved) as a stream of its stored
 * bytes, and sets *SIZE to its size. STRATA_ENOTFOUND when absent or when
 * NAME is NULL (a missing foreign layer). The caller closes *OUT. */
int st_store_open_member(struct st_store *s, const char *name, struct st_stream **out,
			 uint64_t *size, struct strata_error *err);

/* Reads member NAME into OUT (initialized here), rejecting more than MAX
 * bytes with STRATA_ELIMIT naming LIMIT_NAME. */
int st_store_read_member(struct st_store *s, const char *name, uint64_t max,
			 const char *limit_name, struct st_buf *out, struct strata_error *err);

/* Reads the blob of descriptor D into OUT (initialized here) and checks
 * its size and digest: STRATA_ENOTFOUND when absent, STRATA_ECORRUPT on a
 * mismatch, STRATA_ELIMIT over MAX bytes (LIMIT_NAME). WHAT is the kind of
 * blob ("manifest", "config"), and every message names the digest. */
int st_store_read_blob(struct st_store *s, const struct st_descriptor *d, uint64_t max,
		       const char *limit_name, const char *what, struct st_buf *out,
		       struct strata_error *err);

/* Writes "blobs/sha256/<hex>" for a digest that passed st_digest_is_valid. */
void st_blob_name(char out[ST_BLOB_NAME_MAX], const char *digest);

/* Checks a member name taken from a manifest: relative, no "." or ".."
 * components, no empty component, at most lim->path_bytes; a leading "./"
 * is dropped. Sets *OUT (arena) to the normalized name. WHAT names the
 * document in errors. */
int st_member_name_check(const char **out, const char *name, const struct strata_limits *lim,
			 struct st_arena *arena, const char *what, struct strata_error *err);

/* Image --------------------------------------------------------------- */

/* The location of layer i's bytes and what is known about them. */
struct st_layer_source {
	const char *member;  /* resolved member name in the store; NULL for a
			      * foreign layer without a blob (layers[i].missing) */
	bool digest_known;   /* layers[i].digest is the stored digest, to check */
};

struct st_image_impl {
	struct st_arena arena; /* every string of the image */
	struct st_store store;
	struct strata_limits limits;
	struct st_diag *diag;
	struct st_layer_source *sources; /* layer_count entries */
};

static inline struct st_image_impl *st_image_impl(const struct st_image *img)
{
	return img->impl;
}

/* The name of standard input in messages and as the image's path. */
#define ST_STDIN_NAME "standard input"

/* Returns how the user names IMG's file in a reference: "-" for
 * standard input, else its path. */
const char *st_image_ref_path(const struct st_image *img);

/* Size of a comma-separated list of choices or urls in a message. */
#define ST_CHOICES_MAX 256

/* Appends TEXT, quoted, to the comma-separated list in BUF (of
 * ST_CHOICES_MAX bytes), ending it with "..." once it is full. */
void st_image_add_choice(char *buf, const char *text);

/* Marks layer L, a foreign layer whose blob the image lacks, as missing,
 * and warns with its digest and urls: the scan goes on without its files. */
void st_image_skip_missing_layer(struct st_image *img, struct st_layer_info *l);

/* Lists in IMG the attestations and artifacts that describe the image
 * (their subject is its manifest, or unknown) from the LEVEL_COUNT
 * indexes LEVELS that led to it. Needs img->manifest_digest. NOTE: an
 * artifact entry without artifactType in its descriptor is recognized
 * only when it was read while selecting, and a referrer's subject is
 * known only from a BuildKit annotation or such a read. */
int st_image_list_referrers(struct st_image *img, const struct st_index *levels,
			    size_t level_count, struct strata_error *err);

/* Fills the image's os, architecture, variant and layers (diff_id and
 * history) from config C, with LAYER_COUNT layers whose digest, size and
 * media type the caller sets afterwards. STRATA_ECORRUPT when the count of
 * diff_ids differs from LAYER_COUNT. */
int st_image_apply_config(struct st_image *img, const struct st_config *c, size_t layer_count,
			  struct strata_error *err);

/* Sets a layer's compression from its media type: STRATA_EUNSUPPORTED for
 * a media type that is not a tar layer, STRATA_ECORRUPT for none (NULL). */
int st_layer_set_media_type(struct st_layer_info *layer, const char *media_type,
			    struct strata_error *err);

/* Sets a layer's compression from its first bytes (gzip, zstd or none). */
void st_layer_sniff(struct st_layer_info *layer, const unsigned char *magic, size_t len);

/* Returns the compression of a blob that starts with MAGIC: none for a tar
 * header (valid checksum, POSIX or GNU magic), else gzip (with deflate) or
 * zstd by magic number, or -1 for neither. */
int st_layer_content_compression(const unsigned char *magic, size_t len);

/* Sets the compressed blob size from which a layer goes through the layer
 * pipeline (layer_pipe.c: read, inflated and hashed on three threads; 16
 * MiB by default). Tests lower it to run that path on small images. Not
 * thread-safe: call before opening layers. */
void st_layer_set_hash_thread_min(uint64_t bytes);

/* Applies limits->layer_bytes and, for a COMPRESSED layer, the
 * compression_ratio limit to OUT_BYTES produced from CONSUMED stored bytes.
 * STRATA_ELIMIT naming the layer when one is exceeded. */
int st_layer_check_output(const struct st_layer_info *layer, const struct strata_limits *lim,
			  uint64_t consumed, uint64_t out_bytes, bool compressed,
			  struct strata_error *err);

/* Checks a layer that has been read to its end: BLOB_BYTES against the
 * descriptor's size, BLOB_HEX against the digest (when SRC has one to
 * check) and DIFF_HEX against the diff_id. Then records the measured
 * digest and size. STRATA_ECORRUPT naming the layer on a mismatch. */
int st_layer_check_end(struct st_layer_info *layer, const struct st_layer_source *src,
		       uint64_t blob_bytes, const char *blob_hex, const char *diff_hex,
		       struct strata_error *err);

/* Opens the layer pipeline on *BLOB with DECODER (enum st_inflate_backend).
 * Returns 1 with *OUT set and *BLOB taken, 0 when memory or threads for it
 * are missing (the caller keeps *BLOB and reads in line), or an error. */
int st_layer_pipe_open(struct st_layer_info *layer, const struct st_layer_source *src,
		       const struct strata_limits *lim, int decoder, struct st_stream **blob,
		       struct st_stream **out, struct strata_error *err);

/* Checks that IMG's config is for PLATFORM ("os/arch[/variant]"; NULL
 * accepts any): STRATA_EINVAL for a malformed PLATFORM, STRATA_ENOTFOUND
 * for another platform. */
int st_image_check_platform(const struct st_image *img, const char *platform,
			    struct strata_error *err);

/* Loads the image of an OCI layout (directory or tar) into IMG, whose
 * store is open. TAG or DIGEST (either may be NULL) selects an entry of
 * index.json; PLATFORM (NULL for the default) resolves indexes. */
int st_oci_load(struct st_image *img, const char *tag, const char *digest,
		const char *platform, struct strata_error *err);

/* Loads the image of a docker-archive into IMG, whose store is open.
 * SELECTOR (may be NULL) is a RepoTags entry or "@N", the N-th image of
 * manifest.json counted from 0. */
int st_docker_load(struct st_image *img, const char *selector, struct strata_error *err);

#endif
