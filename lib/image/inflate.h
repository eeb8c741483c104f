/* Internal: streaming decoders for compressed layer blobs. A decoder turns
 * the bytes at next_in into uncompressed bytes, one output buffer at a time,
 * across gzip members (RFC 1952) or zstd frames (RFC 8878) that follow one
 * another. It checks each member's or frame's own checksums; the caller
 * hashes, counts and limits the output. */
#ifndef STRATA_IMAGE_INFLATE_H
#define STRATA_IMAGE_INFLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/util.h"

/* Largest zstd window a frame may request, as a power of two: 2^27 bytes
 * (128 MiB). The decoder allocates the window, so without this bound one
 * frame header could make it allocate up to 2^31 bytes. zstd's own
 * streaming default is also 27 (ZSTD_WINDOWLOG_LIMIT_DEFAULT in zstd.h). */
#define ST_ZSTD_WINDOW_LOG_MAX 27

enum st_inflate_backend {
	ST_INFLATE_GZIP_ZLIB, /* gzip through zlib */
	ST_INFLATE_GZIP_ISAL, /* gzip through ISA-L's igzip (built with HAVE_ISAL) */
	ST_INFLATE_ZSTD,      /* zstd through libzstd */
};

struct st_inflate {
	int backend;         /* enum st_inflate_backend */
	const char *name;    /* borrowed: names the blob in error messages */
	const unsigned char *next_in;
	size_t avail_in;     /* bytes at next_in not yet consumed */
	bool boundary;       /* the last member or frame ended and was flushed */
	void *state;         /* backend state, owned */
};

/* Returns the gzip backend chosen at build time: ISA-L when the build found
 * libisal and -Dinflate is auto or isal, else zlib. */
int st_inflate_gzip_default(void);

/* Prepares Z for BACKEND. NAME (borrowed, e.g. the layer digest) prefixes
 * error messages. STRATA_ENOMEM when the backend state cannot be allocated,
 * STRATA_EUNSUPPORTED for ST_INFLATE_GZIP_ISAL in a build without ISA-L.
 * Z needs st_inflate_dispose even when this fails. */
int st_inflate_init(struct st_inflate *z, int backend, const char *name,
		    struct strata_error *err);

/* Decodes from next_in into OUT (CAP > 0 bytes, at most SSIZE_MAX used)
 * and returns the bytes written. Returns 0 when it needs more input, or when the input has ended
 * and nothing is pending. A new member or frame starts after the previous
 * one ended. Each call consumes input or writes output unless all input is
 * consumed. STRATA_ECORRUPT names NAME for invalid data or a checksum
 * mismatch, and STRATA_ELIMIT for a zstd window over
 * ST_ZSTD_WINDOW_LOG_MAX. */
ssize_t st_inflate_run(struct st_inflate *z, void *out, size_t cap,
		       struct strata_error *err);

/* Checks that the input ended where it may: after a complete member or
 * frame and with no output pending (call st_inflate_run with no input until
 * it returns 0 first). STRATA_ECORRUPT "truncated" otherwise, which covers
 * an empty input too. */
int st_inflate_finish(const struct st_inflate *z, struct strata_error *err);

/* Frees the backend state; Z may be zeroed or partly initialized. */
void st_inflate_dispose(struct st_inflate *z);

/* Backends, in inflate_gzip.c and inflate_zstd.c. */
int st_inflate_zlib_init(struct st_inflate *z, struct strata_error *err);
ssize_t st_inflate_zlib_run(struct st_inflate *z, void *out, size_t cap,
			    struct strata_error *err);
void st_inflate_zlib_dispose(struct st_inflate *z);
int st_inflate_isal_init(struct st_inflate *z, struct strata_error *err);
ssize_t st_inflate_isal_run(struct st_inflate *z, void *out, size_t cap,
			    struct strata_error *err);
void st_inflate_isal_dispose(struct st_inflate *z);
int st_inflate_zstd_init(struct st_inflate *z, struct strata_error *err);
ssize_t st_inflate_zstd_run(struct st_inflate *z, void *out, size_t cap,
			    struct strata_error *err);
void st_inflate_zstd_dispose(struct st_inflate *z);

#endif
