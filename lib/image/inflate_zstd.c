/* zstd decoding (RFC 8878) through libzstd's streaming decoder. Frames may
 * follow one another, and skippable frames are passed over. libzstd checks
 * a frame's content checksum when the frame has one. */
#include <zstd.h>
#include <zstd_errors.h>

#include "image/inflate.h"

int st_inflate_zstd_init(struct st_inflate *z, struct strata_error *err)
{
	ZSTD_DCtx *dctx = ZSTD_createDCtx();
	size_t r;

	if (dctx == NULL)
		return st_error_set(err, STRATA_ENOMEM, "layer %s: out of memory for zstd",
				    z->name);
	z->state = dctx;
	r = ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax, ST_ZSTD_WINDOW_LOG_MAX);
	if (ZSTD_isError(r))
		return st_error_set(err, STRATA_EINTERNAL,
				    "layer %s: cannot set the zstd window limit: %s", z->name,
				    ZSTD_getErrorName(r));
	return 0;
}

ssize_t st_inflate_zstd_run(struct st_inflate *z, void *out, size_t cap,
			    struct strata_error *err)
{
	ZSTD_inBuffer in = {z->next_in, z->avail_in, 0};
	ZSTD_outBuffer o = {out, cap, 0};
	size_t r;

	if (z->boundary && z->avail_in == 0)
		return 0;
	r = ZSTD_decompressStream(z->state, &o, &in);
	/* next_in is NULL for an empty blob, and NULL + 0 is undefined. */
	if (in.pos != 0) {
		z->next_in += in.pos;
		z->avail_in -= in.pos;
	}
	if (ZSTD_getErrorCode(r) == ZSTD_error_frameParameter_windowTooLarge)
		return st_error_set(err, STRATA_ELIMIT,
				    "layer %s: zstd frame needs a window over %u MiB, the "
				    "limit of 2^%d bytes",
				    z->name, 1u << (ST_ZSTD_WINDOW_LOG_MAX - 20),
				    ST_ZSTD_WINDOW_LOG_MAX);
	if (ZSTD_isError(r))
		return st_error_set(err, STRATA_ECORRUPT, "layer %s: invalid zstd stream: %s",
				    z->name, ZSTD_getErrorName(r));
	/* 0: a frame (or skippable frame) ended and all its output is
	 * written. Otherwise a frame is in progress or output is pending. */
	z->boundary = r == 0;
	return (ssize_t)o.pos;
}

void st_inflate_zstd_dispose(struct st_inflate *z)
{
	ZSTD_freeDCtx(z->state);
	z->state = NULL;
}
