/* Fuzzes the layer decoders in lib/image/inflate.h. The first input byte
 * is a selector and the rest is the compressed blob. The selector's low two
 * bits pick the decoder: 0 gzip through the build's default backend, 1 gzip
 * through zlib, 2 zstd, 3 gzip through both backends with their outputs
 * compared. Its upper six bits pick how the blob is fed (see
 * pick_feed), so headers and trailers straddle input chunks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image/inflate.h"

/* Inputs beyond this size are ignored. */
#define MAX_INPUT (1u << 20)

/* A run stops once the output reaches the smallest of MAX_OUTPUT,
 * MAX_RATIO times the blob size (plus one) and, with a tiny output buffer,
 * MAX_OUTPUT_SMALL_BUFFER, which keeps each run fast. */
#define MAX_OUTPUT ((size_t)64 << 20)
#define MAX_OUTPUT_SMALL_BUFFER ((size_t)1 << 20)
#define MAX_RATIO 1024u

#define OUTPUT_BUFFER (64u << 10)

enum mode {
	MODE_GZIP_DEFAULT,
	MODE_GZIP_ZLIB,
	MODE_ZSTD,
	MODE_GZIP_COMPARE,
};

enum outcome {
	OUTCOME_REJECTED, /* the decoder or st_inflate_finish failed */
	OUTCOME_ACCEPTED, /* the blob decoded to its end within the budget */
	OUTCOME_BUDGET,   /* the output reached the budget first */
};

struct feed {
	size_t chunk;   /* input bytes handed over at a time */
	size_t out_cap; /* output buffer size */
	size_t budget;  /* output bytes hashed before the run stops */
};

struct result {
	int outcome; /* enum outcome */
	size_t total;
	char digest[ST_SHA256_HEX_LEN + 1];
};

/* Maps the selector's upper six bits (INDEX) to a feed. Index 0 and 63 hand
 * over the whole blob, and 1-31 feed that many bytes at a time. Index 32-62
 * feed chunks of 331 to 10261 bytes into an output buffer of 1-31 bytes, so
 * output stays pending across calls. */
static void pick_feed(struct feed *f, unsigned index, size_t len)
{
	size_t ratio_cap = len < MAX_OUTPUT / MAX_RATIO ? (len + 1) * MAX_RATIO : MAX_OUTPUT;

	f->chunk = len;
	f->out_cap = OUTPUT_BUFFER;
	f->budget = MAX_OUTPUT;
	if (index >= 1 && index <= 31) {
		f->chunk = index;
	} else if (index >= 32 && index <= 62) {
		f->chunk = (size_t)(index - 31) * 331;
		f->out_cap = index - 31;
		f->budget = MAX_OUTPUT_SMALL_BUFFER;
	}
	if (f->chunk == 0)
		f->chunk = 1;
	if (f->budget > ratio_cap)
		f->budget = ratio_cap;
}

/* Decodes BLOB with BACKEND, fed as F describes, hashing at most F->budget
 * output bytes into R. Aborts when a call neither consumes input nor
 * writes output while input remains, which st_inflate_run rules out and
 * which would make a real caller loop forever. */
static void decode(struct result *r, int backend, const uint8_t *blob, size_t len,
		   const struct feed *f)
{
	struct st_inflate z;
	struct st_sha256 hash = {NULL};
	struct strata_error err;
	unsigned char *out = NULL;
	size_t pos = 0;

	r->outcome = OUTCOME_REJECTED;
	r->total = 0;
	memset(r->digest, 0, sizeof(r->digest));
	memset(&z, 0, sizeof(z));
	/* The exact size lets ASan catch a write past the buffer. */
	out = malloc(f->out_cap);
	if (out == NULL || st_sha256_init(&hash, &err) < 0)
		goto out;
	if (st_inflate_init(&z, backend, "fuzz", &err) < 0)
		goto out;

	for (;;) {
		size_t before;
		size_t n;
		ssize_t got;

		if (z.avail_in == 0 && pos < len) {
			z.next_in = blob + pos;
			z.avail_in = len - pos < f->chunk ? len - pos : f->chunk;
			pos += z.avail_in;
		}
		before = z.avail_in;
		got = st_inflate_run(&z, out, f->out_cap, &err);
		if (got < 0)
			goto out;
		if ((size_t)got > f->out_cap)
			abort();
		if (got == 0 && before > 0 && z.avail_in == before)
			abort();
		if (got == 0 && z.avail_in == 0 && pos == len)
			break;

		n = (size_t)got;
		if (n > f->budget - r->total)
			n = f->budget - r->total;
		st_sha256_update(&hash, out, n);
		r->total += n;
		if (r->total == f->budget) {
			r->outcome = OUTCOME_BUDGET;
			break;
		}
	}
	if (r->outcome != OUTCOME_BUDGET && st_inflate_finish(&z, &err) == 0)
		r->outcome = OUTCOME_ACCEPTED;
	st_sha256_final(&hash, r->digest);

out:
	st_sha256_dispose(&hash);
	st_inflate_dispose(&z);
	free(out);
}

/* Runs both gzip backends and aborts when both accept the blob, or both
 * reach the budget, with different output. A blob that only one backend
 * accepts is not a failure here: igzip accepts some Huffman code sets
 * that zlib rejects (see lib/image/inflate_gzip.c). */
static void compare_gzip(const uint8_t *blob, size_t len, const struct feed *f)
{
	struct result def;
	struct result zlib;

	decode(&def, st_inflate_gzip_default(), blob, len, f);
	if (st_inflate_gzip_default() == ST_INFLATE_GZIP_ZLIB)
		return;
	decode(&zlib, ST_INFLATE_GZIP_ZLIB, blob, len, f);
	if (def.outcome != zlib.outcome || def.outcome == OUTCOME_REJECTED)
		return;
	if (def.total != zlib.total || memcmp(def.digest, zlib.digest, sizeof(def.digest)) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct feed f;
	struct result r;
	const uint8_t *blob;
	size_t len;

	if (size == 0 || size > MAX_INPUT)
		return 0;
	blob = data + 1;
	len = size - 1;
	pick_feed(&f, data[0] >> 2, len);

	switch (data[0] & 3) {
	case MODE_GZIP_DEFAULT:
		decode(&r, st_inflate_gzip_default(), blob, len, &f);
		break;
	case MODE_GZIP_ZLIB:
		decode(&r, ST_INFLATE_GZIP_ZLIB, blob, len, &f);
		break;
	case MODE_ZSTD:
		decode(&r, ST_INFLATE_ZSTD, blob, len, &f);
		break;
	default:
		compare_gzip(blob, len, &f);
		break;
	}
	return 0;
}
