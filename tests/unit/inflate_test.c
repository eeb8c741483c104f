/* Layer decoder tests: the gzip backends (zlib, and ISA-L when the build
 * has it) and zstd, fed in memory with input and output split at many
 * sizes, then zstd layers read through images from make-images.sh. Every
 * gzip case runs on each backend, and both must give the same result. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>
#include <zstd.h>

#include "harness.h"
#include "image/image.h"
#include "image/inflate.h"

#define NAME "sha256:test"

/* Room for every decoded output in these tests. */
#define OUT_MAX (4u << 20)

static const int gzip_backends[] = {
	ST_INFLATE_GZIP_ZLIB,
#ifdef HAVE_ISAL
	ST_INFLATE_GZIP_ISAL,
#endif
};

/* Decoded bytes of the last decode() call. */
static unsigned char *decoded;
static size_t decoded_len;

/* Decodes IN with BACKEND the way a layer stream does: input arrives CHUNK
 * bytes at a time, output is taken at most OUT_STEP bytes at a time, and
 * the end of input is checked with st_inflate_finish. Returns 0 or the
 * decoder's error; -1000 when a call made no progress, -1001 when the
 * output would pass OUT_MAX. */
static int decode(int backend, const unsigned char *in, size_t len, size_t chunk,
		  size_t out_step, struct strata_error *err)
{
	struct st_inflate z;
	size_t pos = 0;
	int rc;

	if (decoded == NULL)
		decoded = malloc(OUT_MAX);
	if (decoded == NULL)
		return STRATA_ENOMEM;
	decoded_len = 0;
	strata_error_clear(err);
	rc = st_inflate_init(&z, backend, NAME, err);
	while (rc == 0) {
		size_t before;
		size_t room = OUT_MAX - decoded_len;
		ssize_t n;

		if (z.avail_in == 0 && pos < len) {
			z.next_in = in + pos;
			z.avail_in = len - pos < chunk ? len - pos : chunk;
			pos += z.avail_in;
		}
		if (room == 0) {
			rc = -1001;
			break;
		}
		before = z.avail_in;
		n = st_inflate_run(&z, decoded + decoded_len, room < out_step ? room : out_step, err);
		if (n < 0) {
			rc = (int)n;
			break;
		}
		decoded_len += (size_t)n;
		if (n > 0)
			continue;
		if (z.avail_in == 0 && pos == len) {
			rc = st_inflate_finish(&z, err);
			break;
		}
		if (z.avail_in > 0 && z.avail_in == before)
			rc = -1000;
	}
	st_inflate_dispose(&z);
	return rc;
}

static bool same_output(const void *want, size_t len)
{
	return decoded_len == len && (len == 0 || memcmp(decoded, want, len) == 0);
}

/* Fills BUF with text that compresses well but not trivially: words drawn
 * by a fixed linear congruential generator. */
static void make_text(unsigned char *buf, size_t len)
{
	static const char *words[] = {"layer ", "digest ", "sha256 ", "tar ", "usr/lib/ ",
				      "\n", "0123456789abcdef", "strata "};
	uint32_t x = 12345;
	size_t i = 0;

	while (i < len) {
		const char *w;
		size_t n;

		x = x * 1103515245u + 12345u;
		w = words[(x >> 16) % ST_ARRAY_LEN(words)];
		n = strlen(w);
		if (n > len - i)
			n = len - i;
		memcpy(buf + i, w, n);
		i += n;
		if ((x >> 8) % 7 == 0 && i < len)
			buf[i++] = (unsigned char)(x >> 24);
	}
}

/* Compresses IN with zlib into OUT (capacity *OUT_LEN, set to the length
 * written). WINDOW_BITS: 15 + 16 for gzip, 15 for zlib, -15 for raw. */
static int deflate_buf(unsigned char *out, size_t *out_len, const void *in, size_t len,
		       int window_bits)
{
	z_stream s;
	int zr;

	memset(&s, 0, sizeof(s));
	if (deflateInit2(&s, 6, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	s.next_in = (Bytef *)(uintptr_t)in;
	s.avail_in = (uInt)len;
	s.next_out = out;
	s.avail_out = (uInt)*out_len;
	zr = deflate(&s, Z_FINISH);
	*out_len = s.total_out;
	deflateEnd(&s);
	return zr == Z_STREAM_END ? 0 : -1;
}

static bool msg_has(const struct strata_error *err, const char *part)
{
	if (strstr(err->msg, part) != NULL)
		return true;
	fprintf(stderr, "# message \"%s\" lacks \"%s\"\n", err->msg, part);
	return false;
}

#define TEXT_LEN (300u * 1024)

static unsigned char text[TEXT_LEN];
static unsigned char packed[TEXT_LEN + 4096];

/* gzip ------------------------------------------------------------------ */

ST_TEST(inflate_gzip_default_backend)
{
#ifdef HAVE_ISAL
	ST_CHECK_INT(st_inflate_gzip_default(), ST_INFLATE_GZIP_ISAL);
#else
	ST_CHECK_INT(st_inflate_gzip_default(), ST_INFLATE_GZIP_ZLIB);
#endif
	return ST_TEST_PASS;
}

ST_TEST(inflate_gzip_any_split)
{
	static const size_t chunks[] = {1, 7, 4096, 65536, SIZE_MAX};
	static const size_t steps[] = {1, 13, 65536, OUT_MAX};
	struct strata_error err;
	size_t len = sizeof(packed);
	size_t b, c, o;

	make_text(text, TEXT_LEN);
	ST_CHECK_INT(deflate_buf(packed, &len, text, TEXT_LEN, 15 + 16), 0);
	for (b = 0; b < ST_ARRAY_LEN(gzip_backends); b++) {
		for (c = 0; c < ST_ARRAY_LEN(chunks); c++) {
			for (o = 0; o < ST_ARRAY_LEN(steps); o++) {
				/* One byte in and out at a time is slow and adds
				 * nothing over the other pairs. */
				if (chunks[c] == 1 && steps[o] == 1)
					continue;
				ST_CHECK_INT(decode(gzip_backends[b], packed, len, chunks[c],
						    steps[o], &err),
					     0);
				ST_CHECK(same_output(text, TEXT_LEN));
			}
		}
	}
	return ST_TEST_PASS;
}

/* pigz and appended layers write several members; an empty member is
 * valid too (RFC 1952 2.2). */
ST_TEST(inflate_gzip_concatenated_members)
{
	static const size_t cuts[] = {0, 1000, 1000, 150000, TEXT_LEN};
	static const size_t chunks[] = {1, 3, 65536, SIZE_MAX};
	struct strata_error err;
	size_t len = 0;
	size_t b, c, i;

	make_text(text, TEXT_LEN);
	for (i = 0; i + 1 < ST_ARRAY_LEN(cuts); i++) {
		size_t n = sizeof(packed) - len;

		ST_CHECK_INT(deflate_buf(packed + len, &n, text + cuts[i], cuts[i + 1] - cuts[i],
					 15 + 16),
			     0);
		len += n;
	}
	for (b = 0; b < ST_ARRAY_LEN(gzip_backends); b++) {
		for (c = 0; c < ST_ARRAY_LEN(chunks); c++) {
			ST_CHECK_INT(decode(gzip_backends[b], packed, len, chunks[c], 65536, &err),
				     0);
			ST_CHECK(same_output(text, TEXT_LEN));
		}
	}
	return ST_TEST_PASS;
}

/* Writes a gzip member with every optional header field (FEXTRA, FNAME,
 * FCOMMENT, FHCRC) around raw deflate data of DATA into OUT; returns its
 * length. */
static size_t gzip_with_fields(unsigned char *out, size_t cap, const void *data, size_t len)
{
	static const unsigned char head[] = {
		0x1f, 0x8b, 8, 0x1e, 0, 0, 0, 0, 0, 3,
		4, 0, 'a', 'b', 2, 0,               /* FEXTRA: XLEN 4, one subfield */
		'l', 'a', 'y', 'e', 'r', '.', 't', 'a', 'r', 0, /* FNAME */
		'n', 'o', 't', 'e', 0,              /* FCOMMENT */
	};
	uLong crc = crc32(0L, head, sizeof(head));
	size_t n;
	size_t pos;

	memcpy(out, head, sizeof(head));
	pos = sizeof(head);
	out[pos++] = (unsigned char)(crc & 0xff); /* FHCRC: low 16 bits */
	out[pos++] = (unsigned char)((crc >> 8) & 0xff);
	n = cap - pos - 8;
	if (deflate_buf(out + pos, &n, data, len, -15) != 0)
		return 0;
	pos += n;
	crc = crc32(0L, data, (uInt)len);
	for (n = 0; n < 4; n++)
		out[pos++] = (unsigned char)(crc >> (8 * n));
	for (n = 0; n < 4; n++)
		out[pos++] = (unsigned char)(len >> (8 * n));
	return pos;
}

ST_TEST(inflate_gzip_header_fields)
{
	struct strata_error err;
	size_t len;
	size_t b, chunk;

	make_text(text, TEXT_LEN);
	len = gzip_with_fields(packed, sizeof(packed), text, 5000);
	ST_CHECK(len > 0);
	for (b = 0; b < ST_ARRAY_LEN(gzip_backends); b++) {
		ST_CHECK_INT(decode(gzip_backends[b], packed, len, 1, 4096, &err), 0);
		ST_CHECK(same_output(text, 5000));
		ST_CHECK_INT(decode(gzip_backends[b], packed, len, SIZE_MAX, 4096, &err), 0);
		ST_CHECK(same_output(text, 5000));
	}

	/* A second member whose header is split at every offset. */
	memcpy(packed + len, packed, len);
	memcpy(text + 5000, text, 5000);
	for (b = 0; b < ST_ARRAY_LEN(gzip_backends); b++) {
		for (chunk = len - 60; chunk <= len + 2; chunk++) {
			ST_CHECK_INT(decode(gzip_backends[b], packed, 2 * len, chunk, 65536, &err),
				     0);
			ST_CHECK(same_output(text, 10000));
		}
	}
	return ST_TEST_PASS;
}

/* FHCRC is checked and reserved FLG bits are rejected (RFC 1952 2.3.1). */
ST_TEST(inflate_gzip_header_checked)
{
	struct strata_error err;
	size_t len;
	size_t b;

	make_text(text, TEXT_LEN);
	len = gzip_with_fields(packed, sizeof(packed), text, 5000);
	ST_CHECK(len > 0);
	for (b = 0; b < ST_ARRAY_LEN(gzip_backends); b++) {
		packed[31] ^= 0x01; /* the first FHCRC byte */
		ST_CHECK_INT(decode(gzip_backends[b], packed, len, 7, 4096, &err),
			     STRATA_ECORRUPT);
		ST_CHECK(msg_has(&err, "layer " NAME ": invalid gzip stream: header crc mismatch"));
		packed[31] ^= 0x01;
		packed[3] |= 0x20;
		ST_CHECK_INT(decode(gzip_backends[b], packed, len, 7, 4096, &err),
			     STRATA_ECORRUPT);
		ST_CHECK(msg_has(&err, "unknown header flags set"));
		packed[3] &= 0x1f;
		packed[2] = 7;
		ST_CHECK_INT(decode(gzip_backends[b], packed, len, 7, 4096, &err),
			     STRATA_ECORRUPT);
		ST_CHECK(msg_has(&err, "unknown compression method"));
		packed[2] = 8;
		packed[1] = 0x8c;
		ST_CHECK_INT(decode(gzip_backends[b], packed, len, 7, 4096, &err),
			     STRATA_ECORRUPT);
		ST_CHECK(msg_has(&err, "incorrect header check"));
		packed[1] = 0x8b;
		ST_CHECK_INT(decode(gzip_backends[b], packed, len, 7, 4096, &err), 0);
	}
	return ST_TEST_PASS;
}

/* The trailer's CRC-32 (bytes -8..-5) and ISIZE (-4..-1) are checked. */
ST_TEST(inflate_gzip_trailer_checked)
{
	static const size_t from_end[] = {8, 5, 4, 1};
	struct strata_error err;
	size_t len = sizeof(packed);
	size_t b, i;

	make_text(text, TEXT_LEN);
	ST_CHECK_INT(deflate_buf(packed, &len, text, 20000, 15 + 16), 0);
	for (b = 0; b < ST_ARRAY_LEN(gzip_backends); b++) {
		for (i = 0; i < ST_ARRAY_LEN(from_end); i++) {
			packed[len - from_end[i]] ^= 0x01;
			ST_CHECK_INT(decode(gzip_backends[b], packed, len, 65536, 65536, &err),
				     STRATA_ECORRUPT);
			ST_CHECK(msg_has(&err, "layer " NAME ": invalid gzip stream: incorrect"));
			packed[len - from_end[i]] ^= 0x01;
		}
	}
	return ST_TEST_PASS;
}

/* Every prefix of a member fails, with the same code on each backend. */
ST_TEST(inflate_gzip_truncated_everywhere)
{
	struct strata_error err;
	size_t len = sizeof(packed);
	size_t b, cut;

	make_text(text, TEXT_LEN);
	ST_CHECK_INT(deflate_buf(packed, &len, text, 3000, 15 + 16), 0);
	for (b = 0; b < ST_ARRAY_LEN(gzip_backends); b++) {
		for (cut = 0; cut < len; cut++) {
			ST_CHECK_INT(decode(gzip_backends[b], packed, cut, 64, 4096, &err),
				     STRATA_ECORRUPT);
			ST_CHECK(msg_has(&err, "invalid gzip stream: truncated"));
		}
	}
	return ST_TEST_PASS;
}

/* Flipping any one byte after the header fails on each backend: the
 * deflate decoder or the CRC-32 catches it. Bytes 4-9 (MTIME, XFL, OS)
 * are not checked by gzip itself. */
ST_TEST(inflate_gzip_corrupt_everywhere)
{
	struct strata_error err;
	size_t len = sizeof(packed);
	size_t b, i;

	make_text(text, TEXT_LEN);
	ST_CHECK_INT(deflate_buf(packed, &len, text, 3000, 15 + 16), 0);
	for (b = 0; b < ST_ARRAY_LEN(gzip_backends); b++) {
		for (i = 0; i < len; i++) {
			if (i >= 4 && i < 10)
				continue;
			packed[i] ^= 0xff;
			ST_CHECK_INT(decode(gzip_backends[b], packed, len, 512, 4096, &err),
				     STRATA_ECORRUPT);
			ST_CHECK(msg_has(&err, "layer " NAME ": invalid gzip stream: "));
			packed[i] ^= 0xff;
		}
	}
	return ST_TEST_PASS;
}

ST_TEST(inflate_gzip_rejects_other_input)
{
	static const unsigned char zeros[16];
	struct strata_error err;
	size_t len = sizeof(packed);
	size_t b;

	make_text(text, TEXT_LEN);
	ST_CHECK_INT(deflate_buf(packed, &len, text, 3000, 15), 0);
	for (b = 0; b < ST_ARRAY_LEN(gzip_backends); b++) {
		/* zlib format (RFC 1950) is not gzip. */
		ST_CHECK_INT(decode(gzip_backends[b], packed, len, 65536, 65536, &err),
			     STRATA_ECORRUPT);
		/* An empty blob has no member. */
		ST_CHECK_INT(decode(gzip_backends[b], packed, 0, 65536, 65536, &err),
			     STRATA_ECORRUPT);
		ST_CHECK(msg_has(&err, "truncated"));
	}

	/* Padding after the last member is not another member. */
	len = sizeof(packed) - sizeof(zeros);
	ST_CHECK_INT(deflate_buf(packed, &len, text, 3000, 15 + 16), 0);
	memcpy(packed + len, zeros, sizeof(zeros));
	for (b = 0; b < ST_ARRAY_LEN(gzip_backends); b++)
		ST_CHECK_INT(decode(gzip_backends[b], packed, len + sizeof(zeros), 65536, 65536,
				    &err),
			     STRATA_ECORRUPT);
	return ST_TEST_PASS;
}

/* A differential fuzz run found this member: 3000 zero bytes whose
 * distance code set zlib rejects and igzip accepts. Both backends must
 * agree on everything else, so this is the one known difference. */
ST_TEST(inflate_gzip_lenient_distance_codes)
{
	static const unsigned char member[] = {
		0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xed, 0xc1, 0x31,
		0x01, 0x00, 0x00, 0x00, 0xc2, 0xa0, 0xf5, 0x4f, 0x6d, 0x0d, 0x0f, 0xa4, 0x00,
		0x00, 0x80, 0x77, 0x03, 0x0d, 0x5b, 0x86, 0xda, 0xb8, 0x0b, 0x00, 0x00,
	};
	static const unsigned char zeros[3000];
	struct strata_error err;

	ST_CHECK_INT(decode(ST_INFLATE_GZIP_ZLIB, member, sizeof(member), 64, 4096, &err),
		     STRATA_ECORRUPT);
	ST_CHECK(msg_has(&err, "invalid distances set"));
#ifdef HAVE_ISAL
	ST_CHECK_INT(decode(ST_INFLATE_GZIP_ISAL, member, sizeof(member), 64, 4096, &err), 0);
	ST_CHECK(same_output(zeros, sizeof(zeros)));
#else
	(void)zeros;
#endif
	return ST_TEST_PASS;
}

ST_TEST(inflate_isal_unavailable)
{
#ifdef HAVE_ISAL
	return ST_TEST_SKIP;
#else
	struct strata_error err;

	ST_CHECK_INT(decode(ST_INFLATE_GZIP_ISAL, packed, 0, 1, 1, &err), STRATA_EUNSUPPORTED);
	return ST_TEST_PASS;
#endif
}

/* zstd ------------------------------------------------------------------ */

/* Compresses IN with libzstd at level 3 with a content checksum into OUT
 * (capacity *OUT_LEN, set to the length written). */
static int zstd_buf(unsigned char *out, size_t *out_len, const void *in, size_t len)
{
	ZSTD_CCtx *c = ZSTD_createCCtx();
	size_t r;

	if (c == NULL)
		return -1;
	ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, 3);
	ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
	r = ZSTD_compress2(c, out, *out_len, in, len);
	ZSTD_freeCCtx(c);
	if (ZSTD_isError(r))
		return -1;
	*out_len = r;
	return 0;
}

/* Appends a skippable frame (RFC 8878 3.1.2) of N payload bytes. */
static size_t put_skippable(unsigned char *out, size_t n)
{
	static const unsigned char magic[] = {0x5a, 0x2a, 0x4d, 0x18};
	size_t i;

	memcpy(out, magic, sizeof(magic));
	for (i = 0; i < 4; i++)
		out[4 + i] = (unsigned char)(n >> (8 * i));
	memset(out + 8, 0xee, n);
	return 8 + n;
}

ST_TEST(inflate_zstd_any_split)
{
	static const size_t chunks[] = {1, 7, 4096, 65536, SIZE_MAX};
	static const size_t steps[] = {1, 13, 65536, OUT_MAX};
	struct strata_error err;
	size_t len = sizeof(packed);
	size_t c, o;

	make_text(text, TEXT_LEN);
	ST_CHECK_INT(zstd_buf(packed, &len, text, TEXT_LEN), 0);
	for (c = 0; c < ST_ARRAY_LEN(chunks); c++) {
		for (o = 0; o < ST_ARRAY_LEN(steps); o++) {
			if (chunks[c] == 1 && steps[o] == 1)
				continue;
			ST_CHECK_INT(decode(ST_INFLATE_ZSTD, packed, len, chunks[c], steps[o],
					    &err),
				     0);
			ST_CHECK(same_output(text, TEXT_LEN));
		}
	}
	return ST_TEST_PASS;
}

ST_TEST(inflate_zstd_frames_and_skippable)
{
	static const size_t chunks[] = {1, 5, 65536, SIZE_MAX};
	struct strata_error err;
	size_t len = 0;
	size_t n;
	size_t c;

	make_text(text, TEXT_LEN);
	len += put_skippable(packed + len, 0);
	n = sizeof(packed) - len;
	ST_CHECK_INT(zstd_buf(packed + len, &n, text, 100000), 0);
	len += n;
	len += put_skippable(packed + len, 300);
	n = sizeof(packed) - len;
	ST_CHECK_INT(zstd_buf(packed + len, &n, text + 100000, 0), 0);
	len += n;
	n = sizeof(packed) - len;
	ST_CHECK_INT(zstd_buf(packed + len, &n, text + 100000, TEXT_LEN - 100000), 0);
	len += n;
	len += put_skippable(packed + len, 9);
	for (c = 0; c < ST_ARRAY_LEN(chunks); c++) {
		ST_CHECK_INT(decode(ST_INFLATE_ZSTD, packed, len, chunks[c], 65536, &err), 0);
		ST_CHECK(same_output(text, TEXT_LEN));
	}

	/* A cut inside the trailing skippable frame is truncation too. */
	ST_CHECK_INT(decode(ST_INFLATE_ZSTD, packed, len - 3, 65536, 65536, &err),
		     STRATA_ECORRUPT);
	return ST_TEST_PASS;
}

ST_TEST(inflate_zstd_truncated_everywhere)
{
	struct strata_error err;
	size_t len = sizeof(packed);
	size_t cut;

	make_text(text, TEXT_LEN);
	ST_CHECK_INT(zstd_buf(packed, &len, text, 3000), 0);
	for (cut = 0; cut < len; cut++) {
		ST_CHECK_INT(decode(ST_INFLATE_ZSTD, packed, cut, 64, 4096, &err),
			     STRATA_ECORRUPT);
		ST_CHECK(msg_has(&err, "layer " NAME ": invalid zstd stream: truncated"));
	}
	return ST_TEST_PASS;
}

/* The frame has a content checksum, so any flipped byte fails. */
ST_TEST(inflate_zstd_corrupt_everywhere)
{
	struct strata_error err;
	size_t len = sizeof(packed);
	size_t i;
	int rc;

	make_text(text, TEXT_LEN);
	ST_CHECK_INT(zstd_buf(packed, &len, text, 3000), 0);
	for (i = 0; i < len; i++) {
		packed[i] ^= 0xff;
		rc = decode(ST_INFLATE_ZSTD, packed, len, 512, 4096, &err);
		/* A flipped window descriptor may ask for a window over the
		 * limit, which is STRATA_ELIMIT. */
		ST_CHECK(rc == STRATA_ECORRUPT || rc == STRATA_ELIMIT);
		ST_CHECK(msg_has(&err, "layer " NAME ": "));
		packed[i] ^= 0xff;
	}
	return ST_TEST_PASS;
}

/* A frame header with a window of 2^LOG bytes (no content size, so the
 * window descriptor is present) and one raw block of one byte, 'x'. */
static size_t window_frame(unsigned char *out, unsigned log)
{
	static const unsigned char block[] = {0x09, 0x00, 0x00, 'x'}; /* last, raw, 1 */
	static const unsigned char magic[] = {0x28, 0xb5, 0x2f, 0xfd};

	memcpy(out, magic, 4);
	out[4] = 0x00;
	out[5] = (unsigned char)((log - 10) << 3);
	memcpy(out + 6, block, sizeof(block));
	return 6 + sizeof(block);
}

ST_TEST(inflate_zstd_window_limit)
{
	struct strata_error err;
	size_t len;

	len = window_frame(packed, ST_ZSTD_WINDOW_LOG_MAX);
	ST_CHECK_INT(decode(ST_INFLATE_ZSTD, packed, len, 65536, 65536, &err), 0);
	ST_CHECK(same_output("x", 1));

	len = window_frame(packed, ST_ZSTD_WINDOW_LOG_MAX + 1);
	ST_CHECK_INT(decode(ST_INFLATE_ZSTD, packed, len, 65536, 65536, &err), STRATA_ELIMIT);
	ST_CHECK(msg_has(&err, "layer " NAME ": zstd frame needs a window over 128 MiB"));
	return ST_TEST_PASS;
}

ST_TEST(inflate_zstd_rejects_other_input)
{
	static const unsigned char zeros[16];
	struct strata_error err;
	size_t len = sizeof(packed) - sizeof(zeros);

	ST_CHECK_INT(decode(ST_INFLATE_ZSTD, packed, 0, 1, 1, &err), STRATA_ECORRUPT);
	ST_CHECK(msg_has(&err, "truncated"));

	make_text(text, TEXT_LEN);
	ST_CHECK_INT(zstd_buf(packed, &len, text, 3000), 0);
	memcpy(packed + len, zeros, sizeof(zeros));
	ST_CHECK_INT(decode(ST_INFLATE_ZSTD, packed, len + sizeof(zeros), 65536, 65536, &err),
		     STRATA_ECORRUPT);
	ST_CHECK(msg_has(&err, "invalid zstd stream"));
	return ST_TEST_PASS;
}

/* zstd layers in images ---------------------------------------------------- */

/* Opens tests/data/images/REL and reads every layer to the end. Returns 0
 * or the first error. */
static int read_image(const char *rel, const struct strata_limits *lim, struct st_image **out,
		      struct strata_error *err)
{
	static char buf[65536];
	struct st_image_options opts = {.platform = NULL, .limits = lim, .diag = NULL};
	char path[256];
	size_t i;
	int rc;

	snprintf(path, sizeof(path), "images/%s", rel);
	strata_error_clear(err);
	rc = st_image_open(out, st_test_data_path(path), &opts, err);
	for (i = 0; rc == 0 && i < (*out)->layer_count; i++) {
		struct st_stream *s = NULL;
		ssize_t n;

		rc = st_image_open_layer(*out, i, &s, err);
		if (rc < 0)
			break;
		do
			n = st_stream_read(s, buf, sizeof(buf), err);
		while (n > 0);
		st_stream_close(s);
		rc = (int)n;
	}
	return rc;
}

/* zstd-oci has a skippable frame and two zstd frames in layer 0 and gzip
 * in layer 1. The diff_id is that of LAYER_A in make-images.sh. */
ST_TEST(inflate_image_zstd_layers)
{
	struct strata_limits lim;
	struct strata_error err;
	struct st_image *img = NULL;
	int rc;

	strata_limits_default(&lim);
	rc = read_image("zstd-oci", &lim, &img, &err);
	if (rc != 0)
		fprintf(stderr, "# %s\n", err.msg);
	ST_CHECK_INT(rc, 0);
	ST_CHECK_INT(img->layer_count, 2);
	ST_CHECK_INT(img->layers[0].compression, ST_COMPRESSION_ZSTD);
	ST_CHECK_INT(img->layers[1].compression, ST_COMPRESSION_GZIP);
	ST_CHECK_STR(img->layers[0].diff_id,
		     "sha256:98fe33638fe9f0431032481b03a40c7cfa71be8caa0d8964ac69045c5b22d4bb");
	st_image_free(img);
	return ST_TEST_PASS;
}

/* A docker-archive names no media type: zstd is found by its magic, and
 * the stored digest is measured while reading. */
ST_TEST(inflate_image_zstd_sniffed)
{
	struct strata_limits lim;
	struct strata_error err;
	struct st_image *img = NULL;
	int rc;

	strata_limits_default(&lim);
	rc = read_image("docker-zstd.tar", &lim, &img, &err);
	if (rc != 0)
		fprintf(stderr, "# %s\n", err.msg);
	ST_CHECK_INT(rc, 0);
	ST_CHECK_INT(img->layer_count, 1);
	ST_CHECK_INT(img->layers[0].compression, ST_COMPRESSION_ZSTD);
	ST_CHECK_STR(img->layers[0].diff_id,
		     "sha256:dc2036f7568d341582c70c4e1d72eb00d53bf7363b347bc407373314b3961e8c");
	ST_CHECK_STR(img->layers[0].digest,
		     "sha256:615348a2e1e4f25eed0333482d6986db03c7c05e6288a2b1845b0810a179ad5d");
	st_image_free(img);
	return ST_TEST_PASS;
}

struct zstd_bad_case {
	const char *rel;
	uint32_t ratio;       /* compression_ratio; 0 keeps the default */
	uint64_t layer_bytes; /* 0 keeps the default */
	uint64_t ratio_min;   /* ratio_min_bytes; 0 keeps the default */
	int code;
	const char *part;     /* the message contains this */
};

/* bad-zstd-bomb inflates 653 bytes to 4 MiB + 1 KiB, a ratio of about
 * 6400: under the default ratio_min_bytes, which lets a file of zeros
 * pass, and over the ratio from 1 MiB on. */
static const struct zstd_bad_case zstd_bad_cases[] = {
	{"bad-zstd-truncated", 0, 0, 0, STRATA_ECORRUPT, "invalid zstd stream: truncated"},
	{"zstd-layer", 0, 0, 0, STRATA_ECORRUPT, "invalid zstd stream"},
	{"bad-zstd-bomb", 0, 0, 0, 0, NULL},
	{"bad-zstd-bomb", 0, 0, 1u << 20, STRATA_ELIMIT, "compression_ratio limit of 1000"},
	{"bad-zstd-bomb", 6000, 0, 1u << 20, STRATA_ELIMIT, "compression_ratio limit of 6000"},
	{"bad-zstd-bomb", 7000, 0, 1u << 20, 0, NULL},
	{"bad-zstd-bomb", 7000, 1u << 20, 1u << 20, STRATA_ELIMIT, "layer_bytes limit"},
};

static int run_zstd_bad_case(const struct zstd_bad_case *c)
{
	struct strata_limits lim;
	struct strata_error err;
	struct st_image *img = NULL;
	int rc;

	strata_limits_default(&lim);
	if (c->ratio != 0)
		lim.compression_ratio = c->ratio;
	if (c->layer_bytes != 0)
		lim.layer_bytes = c->layer_bytes;
	if (c->ratio_min != 0)
		lim.ratio_min_bytes = c->ratio_min;
	rc = read_image(c->rel, &lim, &img, &err);
	ST_CHECK(img != NULL);
	if (rc != c->code)
		st_image_free(img);
	ST_CHECK_INT(rc, c->code);
	if (c->part != NULL) {
		bool named = msg_has(&err, c->part) && msg_has(&err, img->layers[0].digest);

		st_image_free(img);
		/* The message names the layer by its stored digest. */
		ST_CHECK(named);
		return ST_TEST_PASS;
	}
	st_image_free(img);
	return ST_TEST_PASS;
}

ST_TEST(inflate_image_zstd_bad)
{
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(zstd_bad_cases); i++) {
		if (run_zstd_bad_case(&zstd_bad_cases[i]) != ST_TEST_PASS) {
			fprintf(stderr, "# case %zu: %s\n", i, zstd_bad_cases[i].rel);
			return ST_TEST_FAIL;
		}
	}
	return ST_TEST_PASS;
}
