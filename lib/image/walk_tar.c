/* Tar reading for the layer walk: a libarchive reader fed from a layer
 * stream, entry names, and path normalization. Nothing is written to
 * disk. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/walk_internal.h"

/* Bytes requested from the layer stream per read. */
#define READ_CHUNK (64 * 1024)

/* Reads the next chunk of the layer stream: borrowed from the stream
 * when it lends its buffers, else read into t->chunk. Points t->data at
 * it and returns its size, or 0 at the end or after a failure (then
 * t->failed is set and t->stream_err contains the stream's error). */
static size_t pull(struct st_walk_tar *t)
{
	ssize_t n;

	if (t->at_end || t->failed)
		return 0;
	/* The tail is the stream's last bytes before the chunk about to be
	 * replaced: short chunks (a gzip member boundary) add to it. */
	if (!t->ended && t->data != NULL && t->data_len > 0) {
		const unsigned char *p = t->data;
		size_t cap = sizeof(t->tail);

		if (t->data_len >= cap) {
			memcpy(t->tail, p + t->data_len - cap, cap);
			t->tail_len = cap;
		} else {
			size_t old = t->tail_len + t->data_len > cap ? cap - t->data_len : t->tail_len;

			memmove(t->tail, t->tail + t->tail_len - old, old);
			memcpy(t->tail + old, p, t->data_len);
			t->tail_len = old + t->data_len;
		}
	}
	if (t->stream->borrow != NULL) {
		n = t->stream->borrow(t->stream, &t->data, &t->stream_err);
	} else {
		n = st_stream_read(t->stream, t->chunk, READ_CHUNK, &t->stream_err);
		t->data = t->chunk;
	}
	if (n > 0 && t->data == NULL) {
		st_error_set(&t->stream_err, STRATA_EINTERNAL,
			     "layer stream lent %zd bytes without a buffer", n);
		n = -1;
	} else if (t->stream->borrow == NULL && n > READ_CHUNK) {
		st_error_set(&t->stream_err, STRATA_EINTERNAL,
			     "layer stream returned %zd bytes for a %d-byte read", n, READ_CHUNK);
		n = -1;
	}
	if (n < 0) {
		if (t->stream_err.code == 0)
			t->stream_err.code = n < INT32_MIN ? STRATA_EINTERNAL : (int)n;
		t->failed = true;
		return 0;
	}
	if (n == 0) {
		t->at_end = true;
		return 0;
	}
	t->bytes += (uint64_t)n;
	t->data_len = (size_t)n;
	return (size_t)n;
}

/* Notes the first byte that is not zero among the LEN bytes at P, which
 * start at stream offset START, from stream offset FROM on. */
static void check_trailing(struct st_walk_tar *t, const unsigned char *p, size_t len,
			   uint64_t start, uint64_t from)
{
	size_t i;

	if (t->trailing_at != UINT64_MAX || p == NULL || from >= start + len)
		return;
	for (i = from > start ? (size_t)(from - start) : 0; i < len; i++) {
		if (p[i] != 0) {
			t->trailing_at = start + i;
			return;
		}
	}
}

static la_ssize_t read_cb(struct archive *a, void *ctx, const void **buf)
{
	struct st_walk_tar *t = ctx;
	size_t n = pull(t);

	if (t->failed) {
		archive_set_error(a, EIO, "%s", t->stream_err.msg);
		return -1;
	}
	*buf = t->data;
	return (la_ssize_t)n;
}

/* Turns a libarchive failure into the stream's error when the stream
 * failed, else into STRATA_ECORRUPT with libarchive's message. A tar that
 * does not parse is often a blob that does not match its digest, so the
 * rest of the stream is read first: its digest check then names the real
 * cause. */
static int archive_failure(struct st_walk_tar *t, const char *context, struct strata_error *err)
{
	const char *msg;

	while (!t->failed && !t->at_end)
		pull(t);
	if (t->failed) {
		if (err != NULL)
			*err = t->stream_err;
		return t->stream_err.code;
	}
	msg = archive_error_string(t->archive);
	return st_error_set(err, STRATA_ECORRUPT, "%s: %s", context,
			    msg != NULL ? msg : "unknown tar error");
}

int st_walk_tar_open(struct st_walk_tar *t, st_layer_opener open, void *open_ctx,
		     size_t index, struct strata_error *err)
{
	int rc;

	memset(t, 0, sizeof(*t));
	rc = open(open_ctx, index, &t->stream, err);
	if (rc < 0) {
		t->stream = NULL;
		return rc;
	}
	if (t->stream == NULL)
		return st_error_set(err, STRATA_EINTERNAL, "layer opener returned no stream");
	t->chunk = malloc(READ_CHUNK);
	t->archive = archive_read_new();
	if (t->chunk == NULL || t->archive == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory for a tar reader");

	/* The stream is already decompressed, so no filter but "none". The
	 * "empty" format accepts a zero-byte layer as a layer without
	 * entries. */
	if (archive_read_support_filter_none(t->archive) != ARCHIVE_OK ||
	    archive_read_support_format_tar(t->archive) != ARCHIVE_OK ||
	    archive_read_support_format_empty(t->archive) != ARCHIVE_OK)
		return st_error_set(err, STRATA_EINTERNAL, "cannot set up the tar reader: %s",
				    archive_error_string(t->archive));
	if (archive_read_open(t->archive, t, NULL, read_cb, NULL) != ARCHIVE_OK)
		return archive_failure(t, "not a tar archive", err);
	return 0;
}

int st_walk_tar_next(struct st_walk_tar *t, struct archive_entry **entry,
		     struct strata_error *err)
{
	int rc = archive_read_next_header(t->archive, entry);

	/* ARCHIVE_WARN covers names that do not convert to the current
	 * locale; libarchive still returns their raw bytes. */
	if (rc == ARCHIVE_OK || rc == ARCHIVE_WARN)
		return 1;
	if (rc == ARCHIVE_EOF) {
		la_int64_t end = archive_filter_bytes(t->archive, 0);

		/* The tar reader stopped at its end-of-archive marker. The
		 * bytes it already pulled past END are checked here (the end
		 * of the previous chunk and the last one), the rest of the
		 * stream by st_walk_tar_finish. */
		uint64_t start = t->bytes - t->data_len;

		t->ended = true;
		t->trailing_at = UINT64_MAX;
		if (end >= 0) {
			check_trailing(t, t->tail, t->tail_len, start - t->tail_len, (uint64_t)end);
			check_trailing(t, t->data, t->data_len, start, (uint64_t)end);
		}
		return 0;
	}
	return archive_failure(t, "invalid tar header", err);
}

int st_walk_tar_read_data(struct st_walk_tar *t, char **out, uint64_t size,
			  struct strata_error *err)
{
	char *data = NULL;
	size_t cap = 0;
	size_t got = 0;
	int rc = 0;

	*out = NULL;
	if (size == 0)
		return 0;
	if (size > SIZE_MAX)
		return st_error_set(err, STRATA_ELIMIT, "entry of %llu bytes",
				    (unsigned long long)size);

	/* Grow with the bytes that really arrive, so that a header claiming
	 * a huge size costs memory only once the data is there. */
	while (got < size) {
		size_t want;
		la_ssize_t n;

		if (got == cap) {
			size_t next = cap == 0 ? READ_CHUNK : cap * 2;
			char *p;

			if (next < cap || next > size)
				next = (size_t)size;
			p = realloc(data, next);
			if (p == NULL) {
				rc = st_error_set(err, STRATA_ENOMEM,
						  "out of memory for %zu bytes of content", next);
				goto out;
			}
			data = p;
			cap = next;
		}
		want = cap - got;
		n = archive_read_data(t->archive, data + got, want);
		if (n < 0) {
			rc = archive_failure(t, "cannot read content", err);
			goto out;
		}
		if (n == 0) {
			rc = st_error_set(err, STRATA_ECORRUPT,
					  "content ends after %zu of %llu bytes", got,
					  (unsigned long long)size);
			goto out;
		}
		got += (size_t)n;
	}
	*out = data;
	data = NULL;

out:
	free(data);
	return rc;
}

ssize_t st_walk_tar_read_some(struct st_walk_tar *t, void *buf, size_t len,
			      struct strata_error *err)
{
	la_ssize_t n;

	if (len > SSIZE_MAX)
		len = SSIZE_MAX;
	n = archive_read_data(t->archive, buf, len);
	if (n < 0)
		return archive_failure(t, "cannot read content", err);
	return (ssize_t)n;
}

int st_walk_tar_finish(struct st_walk_tar *t, struct strata_error *err)
{
	while (pull(t) > 0) {
		if (t->ended)
			check_trailing(t, t->data, t->data_len, t->bytes - t->data_len, 0);
	}
	if (t->failed) {
		if (err != NULL)
			*err = t->stream_err;
		return t->stream_err.code;
	}
	return 0;
}

void st_walk_tar_close(struct st_walk_tar *t)
{
	if (t->archive != NULL)
		archive_read_free(t->archive);
	if (t->stream != NULL)
		st_stream_close(t->stream);
	free(t->chunk);
	t->archive = NULL;
	t->stream = NULL;
	t->chunk = NULL;
}

int st_walk_entry_kind(struct archive_entry *e)
{
	if (archive_entry_hardlink(e) != NULL || archive_entry_hardlink_utf8(e) != NULL)
		return ST_KIND_HARDLINK;
	switch (archive_entry_filetype(e)) {
	case AE_IFREG:
		return ST_KIND_REGULAR;
	case AE_IFDIR:
		return ST_KIND_DIRECTORY;
	case AE_IFLNK:
		return ST_KIND_SYMLINK;
	default:
		return ST_KIND_SPECIAL;
	}
}

const char *st_walk_base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}

bool st_walk_is_whiteout(const char *base)
{
	return strncmp(base, ST_WALK_WHITEOUT_PREFIX, ST_WALK_WHITEOUT_PREFIX_LEN) == 0;
}

const char *st_walk_entry_name(struct archive_entry *e)
{
	const char *s = archive_entry_pathname(e);

	return s != NULL ? s : archive_entry_pathname_utf8(e);
}

const char *st_walk_entry_hardlink(struct archive_entry *e)
{
	const char *s = archive_entry_hardlink(e);

	return s != NULL ? s : archive_entry_hardlink_utf8(e);
}

const char *st_walk_entry_symlink(struct archive_entry *e)
{
	const char *s = archive_entry_symlink(e);

	return s != NULL ? s : archive_entry_symlink_utf8(e);
}

void st_walk_quote(char *buf, size_t cap, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;

	if (cap == 0)
		return;
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		bool plain = c >= 0x20 && c < 0x7f && c != '\'' && c != '\\' && c != '"';
		size_t need = plain ? 1 : 4;

		if (n + need + 4 > cap || n + need > ST_WALK_QUOTE_MAX) {
			if (n + 4 <= cap) {
				memcpy(buf + n, "...", 3);
				n += 3;
			}
			break;
		}
		if (plain) {
			buf[n++] = (char)c;
			continue;
		}
		buf[n++] = '\\';
		buf[n++] = 'x';
		buf[n++] = hex[c >> 4];
		buf[n++] = hex[c & 15];
	}
	buf[n] = '\0';
}

/* Sets ERR to "entry 'NAME': WHAT" with NAME quoted for a message. */
static int path_error(struct strata_error *err, int code, const char *name, const char *what)
{
	char quoted[ST_WALK_QUOTE_MAX + 8];

	st_walk_quote(quoted, sizeof(quoted), name);
	return st_error_set(err, code, "entry '%s': %s", quoted, what);
}

int st_path_normalize(const char *name, char *out, size_t out_cap, size_t *out_len,
		      const struct strata_limits *lim, struct strata_error *err)
{
	char what[96];
	const char *p = name;
	size_t len = 0;
	uint64_t depth = 0;

	*out_len = 0;
	if (out_cap == 0)
		return st_error_set(err, STRATA_EINVAL, "no room for a normalized path");
	out[0] = '\0';
	while (*p != '\0') {
		const char *start;
		size_t n;
		size_t need;

		while (*p == '/')
			p++;
		start = p;
		while (*p != '\0' && *p != '/')
			p++;
		n = (size_t)(p - start);
		if (n == 0 || (n == 1 && start[0] == '.'))
			continue;
		if (n == 2 && start[0] == '.' && start[1] == '.') {
			char *slash;

			if (len == 0)
				return path_error(err, STRATA_ECORRUPT, name,
						  "path climbs above the root through '..'");
			slash = memrchr(out, '/', len);
			len = slash != NULL ? (size_t)(slash - out) : 0;
			out[len] = '\0';
			depth--;
			continue;
		}

		/* No overflow: LEN + 1 + N never exceeds strlen(NAME). */
		need = len + (len != 0) + n;
		depth++;
		if (lim != NULL && need > lim->path_bytes) {
			snprintf(what, sizeof(what),
				 "path is longer than the path_bytes limit of %u bytes",
				 lim->path_bytes);
			return path_error(err, STRATA_ELIMIT, name, what);
		}
		if (lim != NULL && depth > lim->path_depth) {
			snprintf(what, sizeof(what),
				 "path has more than the path_depth limit of %u components",
				 lim->path_depth);
			return path_error(err, STRATA_ELIMIT, name, what);
		}
		if (need >= out_cap) {
			snprintf(what, sizeof(what), "path does not fit in %zu bytes",
				 out_cap - 1);
			return path_error(err, STRATA_ELIMIT, name, what);
		}
		if (len != 0)
			out[len++] = '/';
		memcpy(out + len, start, n);
		len += n;
		out[len] = '\0';
	}
	*out_len = len;
	return 0;
}

int st_walk_name_set(struct st_walk_name *n, const char *name,
		     const struct strata_limits *lim, struct strata_error *err)
{
	size_t need = strlen(name) + 1;

	/* The normalized name is never longer than the raw one. */
	if (need > n->cap) {
		char *p = realloc(n->ptr, need);

		if (p == NULL)
			return st_error_set(err, STRATA_ENOMEM,
					    "out of memory for a %zu-byte entry name", need);
		n->ptr = p;
		n->cap = need;
	}
	return st_path_normalize(name, n->ptr, n->cap, &n->len, lim, err);
}
