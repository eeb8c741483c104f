/* Domain-free helpers: errors, slices, buffers, arenas, checked sizes,
 * diagnostics, byte streams, hashing and bounded JSON parsing. */
#ifndef STRATA_UTIL_H
#define STRATA_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <strata/error.h>
#include <strata/limits.h>

#define ST_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Errors ------------------------------------------------------------- */

/* Sets ERR (may be NULL) to CODE and a formatted message; returns CODE so
 * that callers can write `return st_error_set(err, ...)`. */
int st_error_set(struct strata_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like st_error_set, and records errno as sys_errno and appends strerror. */
int st_error_sys(struct strata_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prepends "CONTEXT: " to the message already in ERR; keeps the code. */
int st_error_prefix(struct strata_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Diagnostics ---------------------------------------------------------- */

enum st_diag_level { ST_DIAG_DEBUG, ST_DIAG_INFO, ST_DIAG_WARN, ST_DIAG_ERROR };

/* A caller-supplied sink: the library never prints. fn may be NULL. */
struct st_diag {
	void (*fn)(void *ctx, int level, const char *msg);
	void *ctx;
	unsigned warnings; /* count of ST_DIAG_WARN and above sent */
};

void st_diag(struct st_diag *d, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Slices ----------------------------------------------------------------- */

/* A non-owning view of bytes; never relies on a terminating NUL. */
struct st_slice {
	const char *ptr;
	size_t len;
};

static inline struct st_slice st_slice_make(const char *p, size_t n)
{
	struct st_slice s = {p, n};
	return s;
}

struct st_slice st_slice_cstr(const char *s);
bool st_slice_eq_cstr(struct st_slice s, const char *c);
bool st_slice_starts_with(struct st_slice s, const char *prefix);
struct st_slice st_slice_trim(struct st_slice s);
/* Splits off the text before the first SEP into *HEAD and advances S past
 * SEP. Without SEP, *HEAD is all of S and S becomes empty. */
void st_slice_split(struct st_slice *s, char sep, struct st_slice *head);
/* Parses an unsigned decimal number; false on empty, non-digit or overflow. */
bool st_slice_to_u64(struct st_slice s, uint64_t *out);

/* Checked size arithmetic ------------------------------------------------ */

static inline bool st_add_size(size_t a, size_t b, size_t *out)
{
	return !__builtin_add_overflow(a, b, out);
}

static inline bool st_mul_size(size_t a, size_t b, size_t *out)
{
	return !__builtin_mul_overflow(a, b, out);
}

/* Allocation helpers that check the multiplication; return NULL on
 * overflow or exhaustion. */
void *st_calloc(size_t n, size_t size);
void *st_reallocarray(void *p, size_t n, size_t size);
char *st_strndup(const char *s, size_t n);

/* Writes V as an unsigned LEB128 varint (as Go's encoding/binary
 * PutUvarint does) at OUT, which has room for ST_UVARINT_MAX bytes, and
 * returns the count of bytes written. */
#define ST_UVARINT_MAX 10
size_t st_put_uvarint(unsigned char *out, uint64_t v);

/* Growable buffer with a hard cap --------------------------------------- */

struct st_buf {
	char *ptr;
	size_t len;
	size_t cap;
	size_t max; /* appends beyond this fail with STRATA_ELIMIT */
};

void st_buf_init(struct st_buf *b, size_t max);
void st_buf_dispose(struct st_buf *b);
int st_buf_append(struct st_buf *b, const void *data, size_t n, struct strata_error *err);
int st_buf_putc(struct st_buf *b, char c, struct strata_error *err);
int st_buf_printf(struct st_buf *b, struct strata_error *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Ensures a NUL after the content (not counted in len) and returns ptr. */
const char *st_buf_cstr(struct st_buf *b, struct strata_error *err);

/* Arena: per-scan string storage, freed all at once -------------------- */

struct st_arena_chunk;
struct st_arena {
	struct st_arena_chunk *head;
	size_t used;  /* bytes handed out, for limits and reports */
};

void st_arena_init(struct st_arena *a);
void st_arena_dispose(struct st_arena *a);
void *st_arena_alloc(struct st_arena *a, size_t n);
/* Copies N bytes and a NUL; NULL on exhaustion. */
char *st_arena_strndup(struct st_arena *a, const char *s, size_t n);
char *st_arena_strdup(struct st_arena *a, const char *s);
char *st_arena_printf(struct st_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Byte streams ----------------------------------------------------------- */

/* A pull stream. read returns the count of bytes stored (> 0), 0 at the end
 * of the stream, or a negative STRATA_E* code with ERR set. A stream that
 * verifies digests reports a mismatch from the read that reaches the end. */
struct st_stream {
	ssize_t (*read)(struct st_stream *s, void *buf, size_t len, struct strata_error *err);
	void (*close)(struct st_stream *s);
	/* Optional (NULL when absent): lends the next bytes in a buffer that
	 * the stream owns, valid until the next call on the stream, and
	 * returns their count like read. A stream offers it when handing out
	 * its own buffer saves a copy; a reader uses either read or borrow on
	 * one stream, never both. */
	ssize_t (*borrow)(struct st_stream *s, const void **data, struct strata_error *err);
};

static inline ssize_t st_stream_read(struct st_stream *s, void *buf, size_t len,
				     struct strata_error *err)
{
	return s->read(s, buf, len, err);
}

void st_stream_close(struct st_stream *s);

/* Reads the whole stream into B (bounded by B's max). */
int st_stream_read_all(struct st_stream *s, struct st_buf *b, struct strata_error *err);

/* Reads a whole regular file into B (bounded by B's max); does not follow a
 * symlink when NOFOLLOW. */
int st_read_file(const char *path, struct st_buf *b, bool nofollow, struct strata_error *err);

/* SHA-256 ---------------------------------------------------------------- */

#define ST_SHA256_HEX_LEN 64

struct st_sha256 {
	void *md; /* EVP_MD_CTX */
};

int st_sha256_init(struct st_sha256 *h, struct strata_error *err);
void st_sha256_update(struct st_sha256 *h, const void *data, size_t n);
/* Writes 64 lowercase hex digits and a NUL to HEX, and frees the state. */
void st_sha256_final(struct st_sha256 *h, char hex[ST_SHA256_HEX_LEN + 1]);
void st_sha256_dispose(struct st_sha256 *h);
void st_sha256_hex(const void *data, size_t n, char hex[ST_SHA256_HEX_LEN + 1]);

/* Checks that DIGEST is "sha256:" followed by 64 lowercase hex digits. */
bool st_digest_is_valid(const char *digest);

/* JSON ------------------------------------------------------------------- */

/* jansson's json_t, without including jansson.h in every file. */
struct json_t;

/* With ST_JSON_STRICT, an object with a repeated key is rejected: image
 * manifests and configs must not be read two ways. */
#define ST_JSON_STRICT 1u

/* Parses TEXT as one JSON value after checking its size against MAX_BYTES
 * and its nesting against MAX_DEPTH. WHAT names the object in errors.
 * The caller owns *OUT (json_decref). */
int st_json_parse(struct json_t **out, struct st_slice text, size_t max_bytes,
		  unsigned max_depth, unsigned flags, const char *what,
		  struct strata_error *err);

/* Converts a YAML document to a JSON tree in *OUT (the caller decrefs it):
 * mappings become objects, sequences arrays, and scalars strings, except
 * plain null, ~, true and false. Aliases are rejected, so an anchor cannot
 * multiply the document, and nesting is limited to lim->json_depth and
 * nodes to ST_YAML_MAX_NODES. Returns STRATA_ECORRUPT with the line for
 * invalid YAML, STRATA_ELIMIT, or STRATA_ENOMEM. */
int st_yaml_to_json(struct json_t **out, struct st_slice text, const struct strata_limits *lim,
		    struct strata_error *err);
#define ST_YAML_MAX_NODES 1000000

/* Returns the nesting depth of TEXT, or UINT32_MAX when it exceeds MAX. */
unsigned st_json_depth(struct st_slice text, unsigned max);

#endif
