/* Layer streams: the stored blob is read once, hashed as stored (the layer
 * digest), decompressed when it is gzip or zstd (inflate.h), and hashed
 * again as uncompressed tar (the diff_id). Both digests and the blob size
 * are checked when the blob ends, before the final read returns 0. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "image/image_int.h"
#include "image/inflate.h"

#define LAYER_INPUT_BYTES (64 * 1024)

/* A compressed blob at least this large goes through the layer pipeline
 * (layer_pipe.c): read, inflated and hashed on threads of its own. */
#define PIPE_MIN_BLOB (16u << 20)

static uint64_t pipe_min_blob = PIPE_MIN_BLOB;

void st_layer_set_hash_thread_min(uint64_t bytes)
{
	pipe_min_blob = bytes;
}

static const unsigned char gzip_magic[] = {0x1f, 0x8b};
static const unsigned char zstd_magic[] = {0x28, 0xb5, 0x2f, 0xfd};

struct layer_type {
	const char *media_type;
	int compression;
};

/* Layer media types from the OCI image spec (media-types.md, v1.1) and
 * Docker's image manifest v2 schema 2. */
static const struct layer_type layer_types[] = {
	{"application/vnd.oci.image.layer.v1.tar", ST_COMPRESSION_NONE},
	{"application/vnd.oci.image.layer.v1.tar+gzip", ST_COMPRESSION_GZIP},
	{"application/vnd.oci.image.layer.v1.tar+zstd", ST_COMPRESSION_ZSTD},
	{"application/vnd.oci.image.layer.nondistributable.v1.tar", ST_COMPRESSION_NONE},
	{"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", ST_COMPRESSION_GZIP},
	{"application/vnd.oci.image.layer.nondistributable.v1.tar+zstd", ST_COMPRESSION_ZSTD},
	{"application/vnd.docker.image.rootfs.diff.tar", ST_COMPRESSION_NONE},
	{"application/vnd.docker.image.rootfs.diff.tar.gzip", ST_COMPRESSION_GZIP},
	{"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", ST_COMPRESSION_GZIP},
};

int st_layer_set_media_type(struct st_layer_info *layer, const char *media_type,
			    struct strata_error *err)
{
	char shown[ST_QUOTE_MAX];
	size_t i;

	if (media_type == NULL)
		return st_error_set(err, STRATA_ECORRUPT, "layer %s: descriptor has no mediaType",
				    layer->digest);
	for (i = 0; i < ST_ARRAY_LEN(layer_types); i++) {
		if (strcmp(layer_types[i].media_type, media_type) == 0) {
			layer->compression = layer_types[i].compression;
			return 0;
		}
	}
	st_image_quote(shown, sizeof(shown), media_type);
	return st_error_set(err, STRATA_EUNSUPPORTED,
			    "layer %s: media type '%s' is not a tar layer", layer->digest, shown);
}

void st_layer_sniff(struct st_layer_info *layer, const unsigned char *magic, size_t len)
{
	int c = st_layer_content_compression(magic, len);

	layer->compression = c >= 0 ? c : ST_COMPRESSION_NONE;
}

int st_tar_block_kind(const unsigned char *block)
{
	const size_t sum_at = 148;
	const size_t sum_len = 8;
	unsigned long long stored = 0;
	unsigned long long sum_unsigned = 0;
	long long sum_signed = 0;
	bool zero = true;
	bool digits = false;
	size_t i;

	for (i = 0; i < ST_TAR_BLOCK_BYTES; i++) {
		unsigned char c = i >= sum_at && i < sum_at + sum_len ? ' ' : block[i];

		zero = zero && block[i] == 0;
		sum_unsigned += c;
		sum_signed += (signed char)c;
	}
	if (zero)
		return ST_TAR_BLOCK_ZERO;
	for (i = sum_at; i < sum_at + sum_len; i++) {
		unsigned char c = block[i];

		if (c >= '0' && c <= '7') {
			stored = stored * 8 + (unsigned)(c - '0');
			digits = true;
		} else if (c != ' ' || digits) {
			break;
		}
	}
	if (digits && (stored == sum_unsigned || (long long)stored == sum_signed))
		return ST_TAR_BLOCK_HEADER;
	return ST_TAR_BLOCK_OTHER;
}

int st_layer_content_compression(const unsigned char *magic, size_t len)
{
	/* The magic field of a tar header: "ustar\0" (POSIX) or "ustar " (GNU). */
	static const unsigned char ustar[] = {'u', 's', 't', 'a', 'r'};
	const size_t ustar_at = 257;

	/* A tar header first: an entry name may start with a gzip magic. */
	if (len >= ST_TAR_BLOCK_BYTES && st_tar_block_kind(magic) == ST_TAR_BLOCK_HEADER &&
	    memcmp(magic + ustar_at, ustar, sizeof(ustar)) == 0 &&
	    (magic[ustar_at + sizeof(ustar)] == '\0' || magic[ustar_at + sizeof(ustar)] == ' '))
		return ST_COMPRESSION_NONE;
	/* gzip's magic and method 8, deflate, the only one RFC 1952 defines. */
	if (len >= 3 && memcmp(magic, gzip_magic, sizeof(gzip_magic)) == 0 && magic[2] == 8)
		return ST_COMPRESSION_GZIP;
	if (len >= sizeof(zstd_magic) && memcmp(magic, zstd_magic, sizeof(zstd_magic)) == 0)
		return ST_COMPRESSION_ZSTD;
	return -1;
}

struct layer_stream {
	struct st_stream base;
	struct st_stream *blob;
	struct st_layer_info *layer;
	const struct st_layer_source *src;
	const struct strata_limits *lim;
	struct st_sha256 blob_hash;
	struct st_sha256 diff_hash;
	struct st_inflate dec;
	bool dec_ready; /* dec is initialized: compressed layer */
	bool blob_eof;
	uint64_t blob_bytes;
	uint64_t out_bytes;
	int status;                /* 0 reading, 1 done, or the sticky error */
	struct strata_error error; /* the sticky error's detail */
	unsigned char in[LAYER_INPUT_BYTES];
};

/* Records error RC (already set in ERR) so that later reads repeat it. */
static ssize_t fail(struct layer_stream *s, int rc, struct strata_error *err)
{
	s->status = rc;
	if (err != NULL)
		s->error = *err;
	return rc;
}

/* Reads stored bytes into BUF, hashing them and checking the size. */
static ssize_t read_blob(struct layer_stream *s, void *buf, size_t len,
			 struct strata_error *err)
{
	ssize_t n = st_stream_read(s->blob, buf, len, err);

	if (n < 0)
		return st_error_prefix(err, "layer %s", s->layer->digest);
	if (n == 0) {
		s->blob_eof = true;
		return 0;
	}
	st_sha256_update(&s->blob_hash, buf, (size_t)n);
	s->blob_bytes += (uint64_t)n;
	if (s->layer->size_known && s->blob_bytes > s->layer->size)
		return st_error_set(err, STRATA_ECORRUPT,
				    "layer %s: blob is longer than the %llu bytes in its descriptor",
				    s->layer->digest, (unsigned long long)s->layer->size);
	return n;
}

int st_layer_check_output(const struct st_layer_info *layer, const struct strata_limits *lim,
			  uint64_t consumed, uint64_t out_bytes, bool compressed,
			  struct strata_error *err)
{
	uint64_t bound;

	if (out_bytes > lim->layer_bytes)
		return st_error_set(err, STRATA_ELIMIT,
				    "layer %s: more than %llu uncompressed bytes, over the "
				    "layer_bytes limit",
				    layer->digest, (unsigned long long)lim->layer_bytes);
	/* Real layers can be mostly zeros: deflate stores a lastlog file of
	 * a high UID at about 1:1030, over the default ratio, so the ratio
	 * applies only past ratio_min_bytes of output.
	 * NOTE: a lastlog over 1 GiB (UIDs above about 3.6 million) still
	 * trips the default limits; the error names them. */
	if (!compressed || out_bytes <= lim->ratio_min_bytes)
		return 0;
	if (__builtin_mul_overflow(consumed, (uint64_t)lim->compression_ratio, &bound))
		return 0;
	if (out_bytes > bound)
		return st_error_set(err, STRATA_ELIMIT,
				    "layer %s: %llu bytes inflate to more than %llu bytes, over the "
				    "compression_ratio limit of %u",
				    layer->digest, (unsigned long long)consumed,
				    (unsigned long long)out_bytes, lim->compression_ratio);
	return 0;
}

/* Hashes N uncompressed bytes and applies the limits. */
static int count_output(struct layer_stream *s, const void *buf, size_t n,
			struct strata_error *err)
{
	/* An uncompressed blob is its own tar stream: read_blob's hash is the
	 * diff_id too, and hashing the same bytes twice would double the
	 * cost of the largest step of such a scan. */
	if (s->dec_ready)
		st_sha256_update(&s->diff_hash, buf, n);
	s->out_bytes += n;
	return st_layer_check_output(s->layer, s->lim, s->blob_bytes - s->dec.avail_in,
				     s->out_bytes, s->dec_ready, err);
}

int st_layer_check_end(struct st_layer_info *l, const struct st_layer_source *src,
		       uint64_t blob_bytes, const char *blob_hex, const char *diff_hex,
		       struct strata_error *err)
{
	if (l->size_known && blob_bytes != l->size)
		return st_error_set(err, STRATA_ECORRUPT,
				    "layer %s: blob is %llu bytes, expected %llu from its descriptor", l->digest,
				    (unsigned long long)blob_bytes, (unsigned long long)l->size);
	if (src->digest_known && strcmp(blob_hex, l->digest + 7) != 0)
		return st_error_set(err, STRATA_ECORRUPT,
				    "layer %s: digest mismatch, blob content is sha256:%s", l->digest,
				    blob_hex);
	/* Without a stored digest (a docker-archive member not named by
	 * one), the layer's name is the config's diff_id, so the member is
	 * named too. */
	if (strcmp(diff_hex, l->diff_id + 7) != 0 && !src->digest_known && src->member != NULL)
		return st_error_set(err, STRATA_ECORRUPT,
				    "layer %s (member '%s'): diff_id mismatch, uncompressed content "
				    "is sha256:%s, expected %s from the config",
				    l->digest, src->member, diff_hex, l->diff_id);
	if (strcmp(diff_hex, l->diff_id + 7) != 0)
		return st_error_set(err, STRATA_ECORRUPT,
				    "layer %s: diff_id mismatch, uncompressed content is sha256:%s, "
				    "expected %s from the config",
				    l->digest, diff_hex, l->diff_id);
	/* A docker-archive names no stored digest. digest held a copy of the
	 * diff_id (same length) until the content was measured here. */
	if (!src->digest_known)
		memcpy(l->digest + 7, blob_hex, ST_SHA256_HEX_LEN);
	l->size = blob_bytes;
	return 0;
}

/* Checks size, digest and diff_id once the blob has ended. */
static int finish(struct layer_stream *s, struct strata_error *err)
{
	char blob_hex[ST_SHA256_HEX_LEN + 1];
	char diff_hex[ST_SHA256_HEX_LEN + 1];

	st_sha256_final(&s->blob_hash, blob_hex);
	if (s->dec_ready)
		st_sha256_final(&s->diff_hash, diff_hex);
	else
		memcpy(diff_hex, blob_hex, sizeof(diff_hex));
	return st_layer_check_end(s->layer, s->src, s->blob_bytes, blob_hex, diff_hex, err);
}

static ssize_t read_plain(struct layer_stream *s, void *buf, size_t len,
			  struct strata_error *err)
{
	ssize_t n = read_blob(s, buf, len, err);
	int rc;

	if (n <= 0)
		return n;
	rc = count_output(s, buf, (size_t)n, err);
	if (rc < 0)
		return rc;
	return n;
}

/* Decodes into BUF; returns the bytes produced, 0 at the end of the last
 * gzip member or zstd frame, or an error. Members and frames may follow
 * one another (RFC 1952 2.2, RFC 8878 3.1). */
static ssize_t read_compressed(struct layer_stream *s, void *buf, size_t len,
			       struct strata_error *err)
{
	for (;;) {
		size_t avail_in;
		ssize_t n;
		int rc;

		if (s->dec.avail_in == 0 && !s->blob_eof) {
			n = read_blob(s, s->in, sizeof(s->in), err);
			if (n < 0)
				return n;
			s->dec.next_in = s->in;
			s->dec.avail_in = (size_t)n;
		}

		avail_in = s->dec.avail_in;
		n = st_inflate_run(&s->dec, buf, len, err);
		if (n < 0)
			return n;
		if (n > 0) {
			rc = count_output(s, buf, (size_t)n, err);
			if (rc < 0)
				return rc;
			return n;
		}
		/* The blob has ended and the decoder wrote nothing with output
		 * room, so it has no output pending: the blob must end at a
		 * member or frame boundary. */
		if (s->dec.avail_in == 0 && s->blob_eof)
			return st_inflate_finish(&s->dec, err);
		/* The decoders consume input whenever they have output room;
		 * this guard keeps a decoder surprise from becoming a busy
		 * loop. */
		if (s->dec.avail_in > 0 && s->dec.avail_in == avail_in)
			return st_error_set(err, STRATA_ECORRUPT,
					    "layer %s: decompression made no progress",
					    s->layer->digest);
	}
}

static ssize_t layer_read(struct st_stream *base, void *buf, size_t len,
			  struct strata_error *err)
{
	struct layer_stream *s = (struct layer_stream *)base;
	ssize_t n;
	int rc;

	if (s->status < 0) {
		if (err != NULL)
			*err = s->error;
		return s->status;
	}
	if (s->status == 1)
		return 0;
	if (len == 0)
		return st_error_set(err, STRATA_EINVAL, "layer %s: read of 0 bytes",
				    s->layer->digest);
	if (len > SSIZE_MAX)
		len = SSIZE_MAX;

	if (s->dec_ready)
		n = read_compressed(s, buf, len, err);
	else
		n = read_plain(s, buf, len, err);
	if (n < 0)
		return fail(s, (int)n, err);
	if (n > 0)
		return n;
	rc = finish(s, err);
	if (rc < 0)
		return fail(s, rc, err);
	s->status = 1;
	return 0;
}

static int decoder_for(int compression)
{
	if (compression == ST_COMPRESSION_ZSTD)
		return ST_INFLATE_ZSTD;
	return st_inflate_gzip_default();
}

static void layer_close(struct st_stream *base)
{
	struct layer_stream *s = (struct layer_stream *)base;

	st_stream_close(s->blob);
	st_sha256_dispose(&s->blob_hash);
	st_sha256_dispose(&s->diff_hash);
	st_inflate_dispose(&s->dec);
	free(s);
}

static ssize_t empty_read(struct st_stream *s, void *buf, size_t len, struct strata_error *err)
{
	return 0;
}

static void empty_close(struct st_stream *s)
{
	free(s);
}

int st_image_open_layer(struct st_image *img, size_t index, struct st_stream **out,
			struct strata_error *err)
{
	struct st_image_impl *impl;
	struct st_layer_info *layer;
	struct layer_stream *s = NULL;
	uint64_t size = 0;
	int rc;

	*out = NULL;
	if (img == NULL || index >= img->layer_count)
		return st_error_set(err, STRATA_EINVAL, "layer index %zu out of range", index);
	if (img->form == ST_FORM_DIR)
		return st_error_set(err, STRATA_EUNSUPPORTED,
				    "%s: a root filesystem directory has no layer blobs", img->path);
	impl = st_image_impl(img);
	layer = &img->layers[index];
	/* A foreign layer whose blob the image does not carry was reported
	 * and warned about when the image was opened; it reads as empty. */
	if (layer->missing) {
		struct st_stream *empty = calloc(1, sizeof(*empty));

		if (empty == NULL)
			return st_error_set(err, STRATA_ENOMEM, "layer %s: out of memory",
					    layer->digest);
		empty->read = empty_read;
		empty->close = empty_close;
		*out = empty;
		return 0;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return st_error_set(err, STRATA_ENOMEM, "layer %s: out of memory", layer->digest);
	s->base.read = layer_read;
	s->base.close = layer_close;
	s->layer = layer;
	s->src = &impl->sources[index];
	s->lim = &impl->limits;
	rc = st_sha256_init(&s->blob_hash, err);
	if (rc < 0)
		goto out;
	rc = st_sha256_init(&s->diff_hash, err);
	if (rc < 0)
		goto out;
	if (layer->compression != ST_COMPRESSION_NONE) {
		rc = st_inflate_init(&s->dec, decoder_for(layer->compression), layer->digest,
				     err);
		if (rc < 0)
			goto out;
		s->dec_ready = true;
	}
	rc = st_store_open_member(&impl->store, s->src->member, &s->blob, &size, err);
	if (rc < 0) {
		st_error_prefix(err, "layer %s", layer->digest);
		goto out;
	}
	/* scan_threads=1 means no threads at all. */
	if (s->dec_ready && size >= pipe_min_blob && impl->limits.scan_threads != 1) {
		rc = st_layer_pipe_open(layer, s->src, &impl->limits,
					decoder_for(layer->compression), &s->blob, out, err);
		if (rc != 0) {
			if (rc > 0)
				rc = 0;
			goto out;
		}
	}
	*out = &s->base;
	s = NULL;

out:
	if (s != NULL)
		layer_close(&s->base);
	return rc;
}
