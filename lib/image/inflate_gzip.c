/* gzip decoding (RFC 1952) through zlib or ISA-L's igzip, and the dispatch
 * of the st_inflate interface to its backends. Both gzip backends accept
 * gzip members only (no zlib or raw deflate), check each member's CRC-32
 * and ISIZE trailer, and start a new member after one ends. */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>

#define ZLIB_CONST
#include <zlib.h>

#ifdef HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

#include "image/inflate.h"

/* Window bits for inflateInit2: a 15-bit window, + 16 to accept a gzip
 * header and trailer only (zlib.h). */
#define GZIP_WINDOW_BITS (15 + 16)

static int corrupt(const struct st_inflate *z, const char *reason, struct strata_error *err)
{
	return st_error_set(err, STRATA_ECORRUPT, "layer %s: invalid gzip stream: %s", z->name,
			    reason);
}

static int out_of_memory(const struct st_inflate *z, const char *what,
			 struct strata_error *err)
{
	return st_error_set(err, STRATA_ENOMEM, "layer %s: out of memory for %s", z->name,
			    what);
}

/* zlib ---------------------------------------------------------------- */

struct zlib_state {
	z_stream strm;
	bool ready; /* inflateInit2 succeeded, inflateEnd is due */
};

int st_inflate_zlib_init(struct st_inflate *z, struct strata_error *err)
{
	struct zlib_state *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return out_of_memory(z, "zlib", err);
	z->state = s;
	if (inflateInit2(&s->strm, GZIP_WINDOW_BITS) != Z_OK)
		return out_of_memory(z, "zlib", err);
	s->ready = true;
	return 0;
}

ssize_t st_inflate_zlib_run(struct st_inflate *z, void *out, size_t cap,
			    struct strata_error *err)
{
	struct zlib_state *s = z->state;
	uInt room = cap > UINT_MAX ? UINT_MAX : (uInt)cap;
	uInt chunk = z->avail_in > UINT_MAX ? UINT_MAX : (uInt)z->avail_in;
	int zr;

	if (z->boundary && z->avail_in == 0)
		return 0;
	/* NOTE: bytes after a gzip member must start another member, so
	 * trailing padding such as zeros is rejected as invalid gzip. */
	if (z->boundary) {
		if (inflateReset(&s->strm) != Z_OK)
			return corrupt(z, "reset failed", err);
		z->boundary = false;
	}

	s->strm.next_in = z->next_in;
	s->strm.avail_in = chunk;
	s->strm.next_out = out;
	s->strm.avail_out = room;
	zr = inflate(&s->strm, Z_NO_FLUSH);
	/* next_in is NULL when the blob was empty; adding 0 to it is still
	 * undefined behaviour in C. */
	if (chunk != s->strm.avail_in) {
		z->next_in += chunk - s->strm.avail_in;
		z->avail_in -= chunk - s->strm.avail_in;
	}

	if (zr == Z_STREAM_END)
		z->boundary = true;
	else if (zr != Z_OK && zr != Z_BUF_ERROR)
		return corrupt(z, s->strm.msg != NULL ? s->strm.msg : "inflate failed", err);
	return (ssize_t)(room - s->strm.avail_out);
}

void st_inflate_zlib_dispose(struct st_inflate *z)
{
	struct zlib_state *s = z->state;

	if (s != NULL && s->ready)
		inflateEnd(&s->strm);
	free(s);
	z->state = NULL;
}

/* ISA-L ---------------------------------------------------------------- */

#ifdef HAVE_ISAL

/* isal_inflate can parse the gzip header itself (ISAL_GZIP), but only when
 * the whole header arrives in one call. With the header split across calls,
 * ISA-L 2.30 rejects a valid FHCRC (tested here with one-byte input), and
 * its maintainers require whole headers. A second member's header can
 * straddle two reads of the blob, so the header is parsed here, one byte at
 * a time, and isal_inflate decodes the deflate data and checks the trailer
 * (ISAL_GZIP_NO_HDR_VER).
 *
 * NOTE: igzip accepts some Huffman code sets that zlib rejects ("invalid
 * distances set"), so a member can fail only on the zlib backend. The
 * output still has to match the trailer's CRC-32 and ISIZE. */

/* gzip header flags (RFC 1952 2.3.1). */
#define FLAG_HCRC 0x02
#define FLAG_EXTRA 0x04
#define FLAG_NAME 0x08
#define FLAG_COMMENT 0x10
#define FLAG_RESERVED 0xe0

/* Header fields in their order in the member. */
enum header_step {
	STEP_FIXED,   /* ID1 ID2 CM FLG MTIME XFL OS: 10 bytes */
	STEP_XLEN,    /* FEXTRA: 2-byte length */
	STEP_EXTRA,   /* FEXTRA: XLEN bytes */
	STEP_NAME,    /* FNAME: up to a zero byte */
	STEP_COMMENT, /* FCOMMENT: up to a zero byte */
	STEP_HCRC,    /* FHCRC: 2 bytes, the low half of the header's CRC-32 */
	STEP_DATA,    /* the header has been read */
};

struct isal_gzip {
	struct inflate_state st;
	int step;                /* enum header_step */
	unsigned char field[10]; /* bytes of a fixed-size field read so far */
	size_t have;             /* count of them */
	unsigned flags;          /* FLG */
	size_t extra_left;       /* FEXTRA bytes still to skip */
	uLong header_crc;        /* CRC-32 of the header bytes read so far */
};

/* Returns the step after AFTER, skipping the fields FLAGS leaves out. */
static int next_step(unsigned flags, int after)
{
	int step = after + 1;

	if (step == STEP_XLEN && !(flags & FLAG_EXTRA))
		step = STEP_NAME;
	if (step == STEP_EXTRA)
		step = STEP_NAME;
	if (step == STEP_NAME && !(flags & FLAG_NAME))
		step = STEP_COMMENT;
	if (step == STEP_COMMENT && !(flags & FLAG_COMMENT))
		step = STEP_HCRC;
	if (step == STEP_HCRC && !(flags & FLAG_HCRC))
		step = STEP_DATA;
	return step;
}

/* Takes byte C of a fixed-size header field. The messages are zlib's. */
static int take_fixed(struct st_inflate *z, struct isal_gzip *s, unsigned char c,
		      struct strata_error *err)
{
	s->field[s->have++] = c;
	if ((s->have == 1 && c != 0x1f) || (s->have == 2 && c != 0x8b))
		return corrupt(z, "incorrect header check", err);
	if (s->have == 3 && c != 8)
		return corrupt(z, "unknown compression method", err);
	if (s->have == 4 && (c & FLAG_RESERVED))
		return corrupt(z, "unknown header flags set", err);
	if (s->have < 10)
		return 0;
	s->flags = s->field[3];
	s->have = 0;
	s->step = next_step(s->flags, STEP_FIXED);
	return 0;
}

/* Takes byte C of the header when it is in FEXTRA, FNAME, FCOMMENT or
 * FHCRC. */
static int take_optional(struct st_inflate *z, struct isal_gzip *s, unsigned char c,
			 struct strata_error *err)
{
	switch (s->step) {
	case STEP_XLEN:
		s->field[s->have++] = c;
		if (s->have < 2)
			return 0;
		s->extra_left = (size_t)s->field[0] | (size_t)s->field[1] << 8;
		s->have = 0;
		s->step = s->extra_left > 0 ? STEP_EXTRA : next_step(s->flags, STEP_EXTRA);
		return 0;
	case STEP_EXTRA:
		if (--s->extra_left == 0)
			s->step = next_step(s->flags, STEP_EXTRA);
		return 0;
	case STEP_NAME:
	case STEP_COMMENT:
		if (c == 0)
			s->step = next_step(s->flags, s->step);
		return 0;
	default:
		s->field[s->have++] = c;
		if (s->have < 2)
			return 0;
		if (((unsigned)s->field[0] | (unsigned)s->field[1] << 8) != (s->header_crc & 0xffff))
			return corrupt(z, "header crc mismatch", err);
		s->have = 0;
		s->step = STEP_DATA;
		return 0;
	}
}

/* Consumes header bytes (RFC 1952 2.3) from Z's input until the header
 * ends or the input runs out. */
static int read_header(struct st_inflate *z, struct isal_gzip *s, struct strata_error *err)
{
	while (s->step != STEP_DATA && z->avail_in > 0) {
		unsigned char c = *z->next_in;
		int rc;

		z->next_in++;
		z->avail_in--;
		/* FHCRC covers every header byte before it. */
		if (s->step != STEP_HCRC)
			s->header_crc = crc32(s->header_crc, &c, 1);
		if (s->step == STEP_FIXED)
			rc = take_fixed(z, s, c, err);
		else
			rc = take_optional(z, s, c, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Prepares S for the member that starts at the next input byte. */
static void start_member(struct isal_gzip *s)
{
	isal_inflate_reset(&s->st);
	/* Raw deflate data, then the trailer's CRC-32 and ISIZE, which
	 * isal_inflate checks against the output (igzip_lib.h). */
	s->st.crc_flag = ISAL_GZIP_NO_HDR_VER;
	s->step = STEP_FIXED;
	s->have = 0;
	s->flags = 0;
	s->extra_left = 0;
	s->header_crc = crc32(0L, Z_NULL, 0);
}

/* The reason for an isal_inflate error code, in the words zlib uses for
 * the same fault where it has one. */
static const char *isal_reason(int rc)
{
	switch (rc) {
	case ISAL_INVALID_BLOCK:
		return "invalid block";
	case ISAL_INVALID_SYMBOL:
		return "invalid code";
	case ISAL_INVALID_LOOKBACK:
		return "invalid distance too far back";
	case ISAL_INCORRECT_CHECKSUM:
		return "incorrect data check (CRC-32 or length)";
	default:
		return "inflate failed";
	}
}

int st_inflate_isal_init(struct st_inflate *z, struct strata_error *err)
{
	struct isal_gzip *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return out_of_memory(z, "igzip", err);
	z->state = s;
	isal_inflate_init(&s->st);
	start_member(s);
	return 0;
}

ssize_t st_inflate_isal_run(struct st_inflate *z, void *out, size_t cap,
			    struct strata_error *err)
{
	struct isal_gzip *s = z->state;
	uint32_t room = cap > UINT32_MAX ? UINT32_MAX : (uint32_t)cap;
	uint32_t chunk;
	int rc;

	if (z->boundary && z->avail_in == 0)
		return 0;
	if (z->boundary) {
		start_member(s);
		z->boundary = false;
	}
	if (s->step != STEP_DATA) {
		rc = read_header(z, s, err);
		if (rc < 0)
			return rc;
		if (s->step != STEP_DATA)
			return 0;
	}

	chunk = z->avail_in > UINT32_MAX ? UINT32_MAX : (uint32_t)z->avail_in;
	/* isal_inflate only reads through next_in; its field is not const. */
	s->st.next_in = (uint8_t *)(uintptr_t)z->next_in;
	s->st.avail_in = chunk;
	s->st.next_out = out;
	s->st.avail_out = room;
	rc = isal_inflate(&s->st);
	/* With ISAL_GZIP_NO_HDR_VER, next_in ends right after the trailer
	 * when the member ends, even though isal_inflate reads ahead. */
	if (chunk != s->st.avail_in) {
		z->next_in += chunk - s->st.avail_in;
		z->avail_in -= chunk - s->st.avail_in;
	}

	if (rc < 0)
		return corrupt(z, isal_reason(rc), err);
	if (s->st.block_state == ISAL_BLOCK_FINISH)
		z->boundary = true;
	return (ssize_t)(room - s->st.avail_out);
}

void st_inflate_isal_dispose(struct st_inflate *z)
{
	free(z->state);
	z->state = NULL;
}

#else

int st_inflate_isal_init(struct st_inflate *z, struct strata_error *err)
{
	return st_error_set(err, STRATA_EUNSUPPORTED,
			    "layer %s: this build has no ISA-L gzip decoder", z->name);
}

ssize_t st_inflate_isal_run(struct st_inflate *z, void *out, size_t cap,
			    struct strata_error *err)
{
	return st_error_set(err, STRATA_EINTERNAL, "layer %s: no ISA-L gzip decoder",
			    z->name);
}

void st_inflate_isal_dispose(struct st_inflate *z)
{
	z->state = NULL;
}

#endif

/* Dispatch -------------------------------------------------------------- */

int st_inflate_gzip_default(void)
{
#ifdef HAVE_ISAL
	return ST_INFLATE_GZIP_ISAL;
#else
	return ST_INFLATE_GZIP_ZLIB;
#endif
}

int st_inflate_init(struct st_inflate *z, int backend, const char *name,
		    struct strata_error *err)
{
	z->backend = backend;
	z->name = name;
	z->next_in = NULL;
	z->avail_in = 0;
	z->boundary = false;
	z->state = NULL;
	switch (backend) {
	case ST_INFLATE_GZIP_ZLIB:
		return st_inflate_zlib_init(z, err);
	case ST_INFLATE_GZIP_ISAL:
		return st_inflate_isal_init(z, err);
	case ST_INFLATE_ZSTD:
		return st_inflate_zstd_init(z, err);
	default:
		return st_error_set(err, STRATA_EINTERNAL, "layer %s: unknown decoder %d", name,
				    backend);
	}
}

ssize_t st_inflate_run(struct st_inflate *z, void *out, size_t cap,
		       struct strata_error *err)
{
	if (cap == 0)
		return st_error_set(err, STRATA_EINTERNAL, "layer %s: decode into 0 bytes",
				    z->name);
	if (cap > SSIZE_MAX)
		cap = SSIZE_MAX;
	switch (z->backend) {
	case ST_INFLATE_GZIP_ZLIB:
		return st_inflate_zlib_run(z, out, cap, err);
	case ST_INFLATE_GZIP_ISAL:
		return st_inflate_isal_run(z, out, cap, err);
	default:
		return st_inflate_zstd_run(z, out, cap, err);
	}
}

int st_inflate_finish(const struct st_inflate *z, struct strata_error *err)
{
	if (z->boundary && z->avail_in == 0)
		return 0;
	if (z->backend == ST_INFLATE_ZSTD)
		return st_error_set(err, STRATA_ECORRUPT,
				    "layer %s: invalid zstd stream: truncated", z->name);
	return corrupt(z, "truncated", err);
}

void st_inflate_dispose(struct st_inflate *z)
{
	if (z->state == NULL)
		return;
	switch (z->backend) {
	case ST_INFLATE_GZIP_ZLIB:
		st_inflate_zlib_dispose(z);
		break;
	case ST_INFLATE_GZIP_ISAL:
		st_inflate_isal_dispose(z);
		break;
	default:
		st_inflate_zstd_dispose(z);
		break;
	}
}
