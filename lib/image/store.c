/* The store: named members of an OCI layout directory, or of an outer tar
 * read in place with libarchive. A tar is scanned from the start for
 * every lookup (libarchive seeks over the data of members that do not
 * match, so a scan costs one header read per member). A member that a
 * lookup found is opened at its recorded offset, so reading N layers
 * does not cost N scans of the whole tar. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "image/image_int.h"
#include "image/image_json.h"

#define TAR_BLOCK_BYTES (64 * 1024)

/* The archive_errno of "Unrecognized archive format". archive.h does not
 * export ARCHIVE_ERRNO_FILE_FORMAT; libarchive 3.x sets it to EFTYPE where
 * the system has one and to EILSEQ elsewhere, such as on Linux. */
#ifdef EFTYPE
#define FORMAT_ERRNO EFTYPE
#else
#define FORMAT_ERRNO EILSEQ
#endif

/* Links inside an outer tar followed for one lookup. `docker save` up to
 * Docker 24 links a layer saved twice to its first copy, and skopeo links
 * each <id>/layer.tar to <diff_id>.tar: one level each. */
#define MAX_LINK_HOPS 8

/* Maximum length of a member name opened in a layout directory, where
 * the names are "oci-layout", "index.json" and "blobs/sha256/<hex>". */
#define DIR_NAME_MAX 128

void st_image_quote(char *dst, size_t cap, const char *src)
{
	size_t i;

	if (cap == 0)
		return;
	for (i = 0; src != NULL && src[i] != '\0' && i + 1 < cap; i++) {
		unsigned char c = (unsigned char)src[i];

		dst[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	dst[i] = '\0';
	if (src != NULL && src[i] != '\0' && cap > 4)
		memcpy(dst + cap - 4, "...", 4);
}

void st_blob_name(char out[ST_BLOB_NAME_MAX], const char *digest)
{
	snprintf(out, ST_BLOB_NAME_MAX, "blobs/sha256/%s", digest + 7);
}

/* Names ---------------------------------------------------------------- */

static const char *skip_dot_slash(const char *name)
{
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	return name;
}

int st_member_name_check(const char **out, const char *name, const struct strata_limits *lim,
			 struct st_arena *arena, const char *what, struct strata_error *err)
{
	char shown[ST_QUOTE_MAX];
	const char *p = skip_dot_slash(name);
	const char *c = p;

	st_image_quote(shown, sizeof(shown), name);
	if (strlen(p) > lim->path_bytes)
		return st_error_set(err, STRATA_ELIMIT, "%s: path '%s' is over the path_bytes limit",
				    what, shown);
	if (p[0] == '/')
		return st_error_set(err, STRATA_ECORRUPT, "%s: path '%s' is absolute", what, shown);
	for (;;) {
		size_t n = strcspn(c, "/");

		if (n == 0 || (n == 1 && c[0] == '.'))
			return st_error_set(err, STRATA_ECORRUPT,
					    "%s: path '%s' has an empty or '.' component", what,
					    shown);
		if (n == 2 && c[0] == '.' && c[1] == '.')
			return st_error_set(err, STRATA_ECORRUPT,
					    "%s: path '%s' points outside the image", what, shown);
		if (c[n] == '\0')
			break;
		c += n + 1;
	}
	*out = st_arena_strdup(arena, p);
	if (*out == NULL)
		return st_error_set(err, STRATA_ENOMEM, "%s: out of memory", what);
	return 0;
}

/* Resolves the link at MEMBER to TARGET by name, inside the tar: a hard
 * link's target is relative to the root, a symbolic link's to MEMBER's
 * directory. "." and ".." are applied; climbing above the root fails. */
static int resolve_link(const char **out, const char *member, const char *target, bool hard,
			struct st_arena *arena, const char *path, struct strata_error *err)
{
	char shown[ST_QUOTE_MAX];
	const char *slash = strrchr(member, '/');
	size_t dir_len = (hard || slash == NULL) ? 0 : (size_t)(slash - member) + 1;
	size_t total;
	char *buf;
	char *w;
	const char *r;

	st_image_quote(shown, sizeof(shown), member);
	if (target == NULL || target[0] == '\0' || target[0] == '/')
		return st_error_set(err, STRATA_ECORRUPT,
				    "%s: member '%s' links outside the archive", path, shown);
	if (!st_add_size(dir_len, strlen(target), &total) || !st_add_size(total, 1, &total))
		return st_error_set(err, STRATA_ELIMIT, "%s: link name too long", path);
	buf = st_arena_alloc(arena, total);
	if (buf == NULL)
		return st_error_set(err, STRATA_ENOMEM, "%s: out of memory", path);
	memcpy(buf, member, dir_len);
	memcpy(buf + dir_len, target, total - dir_len);

	/* Rewrite in place: W never passes R, so each component read is
	 * still intact when it is copied. */
	w = buf;
	r = buf;
	while (*r != '\0') {
		size_t n = strcspn(r, "/");
		const char *c = r;

		r += n;
		if (*r == '/')
			r++;
		if (n == 0 || (n == 1 && c[0] == '.'))
			continue;
		if (n == 2 && c[0] == '.' && c[1] == '.') {
			if (w == buf)
				return st_error_set(err, STRATA_ECORRUPT,
						    "%s: member '%s' links outside the archive",
						    path, shown);
			while (w > buf && w[-1] != '/')
				w--;
			if (w > buf)
				w--;
			continue;
		}
		if (w != buf)
			*w++ = '/';
		memmove(w, c, n);
		w += n;
	}
	*w = '\0';
	if (w == buf)
		return st_error_set(err, STRATA_ECORRUPT, "%s: member '%s' links to the root",
				    path, shown);
	*out = buf;
	return 0;
}

/* Tar access ----------------------------------------------------------- */

/* A tar read from an open file with pread at a private offset, so that
 * readers of the same file do not move each other's offset. */
struct fd_reader {
	int fd;
	bool owns_fd; /* closed with the reader */
	int64_t offset;
	char block[TAR_BLOCK_BYTES];
};

static la_ssize_t fd_reader_read(struct archive *a, void *ctx, const void **buf)
{
	struct fd_reader *r = ctx;
	ssize_t n;

	do {
		n = pread(r->fd, r->block, sizeof(r->block), (off_t)r->offset);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		archive_set_error(a, errno, "read failed");
		return -1;
	}
	r->offset += n;
	*buf = r->block;
	return n;
}

/* Skipping past the end is harmless: the next read returns 0 and the tar
 * reader reports the archive as truncated. */
static la_int64_t fd_reader_skip(struct archive *a, void *ctx, la_int64_t request)
{
	struct fd_reader *r = ctx;

	(void)a;
	if (request <= 0 || request > INT64_MAX - r->offset)
		return 0;
	r->offset += request;
	return request;
}

static int fd_reader_close(struct archive *a, void *ctx)
{
	struct fd_reader *r = ctx;

	(void)a;
	if (r->owns_fd)
		close(r->fd);
	free(r);
	return ARCHIVE_OK;
}

/* Starts libarchive on the store's file at byte OFFSET: by name, or over
 * s->fd. */
static int tar_open(struct archive *a, const struct st_store *s, int64_t offset)
{
	struct fd_reader *r;
	int fd = s->fd;

	if (fd < 0 && offset == 0)
		return archive_read_open_filename(a, s->path, TAR_BLOCK_BYTES);
	if (fd < 0) {
		fd = open(s->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			archive_set_error(a, errno, "open failed");
			return ARCHIVE_FATAL;
		}
	}
	r = calloc(1, sizeof(*r));
	if (r == NULL) {
		if (fd != s->fd)
			close(fd);
		archive_set_error(a, ENOMEM, "out of memory");
		return ARCHIVE_FATAL;
	}
	r->fd = fd;
	r->owns_fd = fd != s->fd;
	r->offset = offset;
	/* From here on libarchive frees R through fd_reader_close. */
	return archive_read_open2(a, r, NULL, fd_reader_read, fd_reader_skip, fd_reader_close);
}

static int tar_begin_at(struct archive **out, const struct st_store *s, int64_t offset,
			struct strata_error *err)
{
	struct archive *a = archive_read_new();
	const char *path = s->path;
	int rc;

	*out = NULL;
	if (a == NULL)
		return st_error_set(err, STRATA_ENOMEM, "%s: out of memory", path);
	/* NOTE: no decompression filter is enabled, so a compressed outer tar
	 * (docker save | gzip) is rejected as "not a tar archive". */
	archive_read_support_format_tar(a);
	/* libarchive already reads the first block here to pick the format. */
	if (tar_open(a, s, offset) != ARCHIVE_OK) {
		if (archive_errno(a) == FORMAT_ERRNO) {
			rc = st_error_set(err, STRATA_EUNSUPPORTED, "%s: not a tar archive: %s",
					  path, archive_error_string(a));
		} else {
			errno = archive_errno(a);
			rc = st_error_sys(err, errno == ENOENT ? STRATA_ENOTFOUND : STRATA_EIO,
					  "%s", path);
		}
		archive_read_free(a);
		return rc;
	}
	*out = a;
	return 0;
}

static int tar_begin(struct archive **out, const struct st_store *s, struct strata_error *err)
{
	return tar_begin_at(out, s, 0, err);
}

/* Reads the next header: 1 with an entry, 0 at the end of the archive, or
 * an error. A failure on the first header means the file is no tar. */
static int tar_next(struct archive *a, struct archive_entry **entry, bool first,
		    const char *path, struct strata_error *err)
{
	char prev[ST_QUOTE_MAX] = "";
	int r;

	/* Name the member whose data ends early: the header read fails
	 * while skipping past it. */
	if (!first && *entry != NULL && archive_entry_pathname(*entry) != NULL)
		st_image_quote(prev, sizeof(prev), archive_entry_pathname(*entry));
	r = archive_read_next_header(a, entry);
	if (r == ARCHIVE_EOF)
		return 0;
	/* ARCHIVE_WARN marks a usable entry, such as a name that does not
	 * convert to the current locale. */
	if (r == ARCHIVE_OK || r == ARCHIVE_WARN)
		return 1;
	if (first)
		return st_error_set(err, STRATA_EUNSUPPORTED, "%s: not a tar archive: %s", path,
				    archive_error_string(a));
	return st_error_set(err, STRATA_ECORRUPT,
			    "%s: damaged or truncated after member '%s': %s; export the image "
			    "again",
			    path, prev, archive_error_string(a));
}

static const char *entry_name(struct archive_entry *e)
{
	const char *name = archive_entry_pathname(e);

	return name == NULL ? NULL : skip_dot_slash(name);
}

/* Reads up to 4 bytes of the current entry's data. */
static int tar_magic(struct archive *a, struct st_member *m, const char *path,
		     struct strata_error *err)
{
	m->magic_len = 0;
	while (m->magic_len < sizeof(m->magic)) {
		la_ssize_t n = archive_read_data(a, m->magic + m->magic_len,
						 sizeof(m->magic) - m->magic_len);

		if (n < 0)
			return st_error_set(err, STRATA_ECORRUPT, "%s: %s", path,
					    archive_error_string(a));
		if (n == 0)
			break;
		m->magic_len += (size_t)n;
	}
	return 0;
}

/* A name being looked up in one pass over the tar. */
struct lookup {
	const char *cur;  /* the name looked for in this pass */
	const char *next; /* a link's target, looked for in the next pass */
	size_t index;     /* into the caller's members */
	bool seen;
};

static int lookup_cmp(const void *a, const void *b)
{
	const struct lookup *x = a;
	const struct lookup *y = b;

	return strcmp(x->cur, y->cur);
}

static int lookup_key_cmp(const void *key, const void *elem)
{
	const struct lookup *y = elem;

	return strcmp(key, y->cur);
}

/* Returns the recorded offset of regular member NAME, or -1. */
static int64_t offset_find(const struct st_store *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->offset_count; i++) {
		if (strcmp(s->offsets[i].name, name) == 0)
			return s->offsets[i].offset;
	}
	return -1;
}

/* Records that the headers of regular member NAME begin at OFFSET. */
static int offset_add(struct st_store *s, const char *name, int64_t offset,
		      struct strata_error *err)
{
	struct st_member_offset *grown;
	size_t cap;

	if (offset < 0 || offset_find(s, name) >= 0)
		return 0;
	if (s->offset_count == s->offset_cap) {
		cap = s->offset_cap == 0 ? 16 : s->offset_cap * 2;
		grown = st_reallocarray(s->offsets, cap, sizeof(*grown));
		if (grown == NULL)
			return st_error_set(err, STRATA_ENOMEM, "%s: out of memory", s->path);
		s->offsets = grown;
		s->offset_cap = cap;
	}
	s->offsets[s->offset_count].name = st_strndup(name, strlen(name));
	if (s->offsets[s->offset_count].name == NULL)
		return st_error_set(err, STRATA_ENOMEM, "%s: out of memory", s->path);
	s->offsets[s->offset_count].offset = offset;
	s->offset_count++;
	return 0;
}

/* Records the current entry for the lookup L, which matched it. */
static int tar_record(struct st_store *s, struct archive *a, struct archive_entry *e,
		      struct lookup *l, struct st_member *m, struct st_arena *arena,
		      struct strata_error *err)
{
	const char *path = s->path;
	int rc;

	char shown[ST_QUOTE_MAX];
	unsigned type = archive_entry_filetype(e);
	const char *hard = archive_entry_hardlink(e);

	st_image_quote(shown, sizeof(shown), l->cur);
	if (l->seen)
		return st_error_set(err, STRATA_ECORRUPT, "%s: member '%s' appears twice", path,
				    shown);
	l->seen = true;
	if (hard != NULL)
		return resolve_link(&l->next, l->cur, hard, true, arena, path, err);
	if (type == AE_IFLNK)
		return resolve_link(&l->next, l->cur, archive_entry_symlink(e), false, arena,
				    path, err);
	if (type != AE_IFREG)
		return st_error_set(err, STRATA_ECORRUPT, "%s: member '%s' is not a regular file",
				    path, shown);
	m->found = true;
	m->resolved = l->cur;
	m->size = archive_entry_size_is_set(e) ? (uint64_t)archive_entry_size(e) : 0;
	rc = offset_add(s, l->cur, archive_read_header_position(a), err);
	if (rc < 0)
		return rc;
	return tar_magic(a, m, path, err);
}

/* One pass over the tar for the COUNT lookups in L, sorted by name. */
static int tar_pass(struct st_store *s, struct lookup *l, size_t count,
		    struct st_member *members, struct st_arena *arena, struct strata_error *err)
{
	struct archive *a = NULL;
	struct archive_entry *e = NULL;
	bool first = true;
	int rc;

	rc = tar_begin(&a, s, err);
	if (rc < 0)
		return rc;
	for (;;) {
		struct lookup *hit;
		struct lookup *lead;
		const char *name;

		rc = tar_next(a, &e, first, s->path, err);
		if (rc <= 0)
			break;
		first = false;
		name = entry_name(e);
		hit = name == NULL ? NULL : bsearch(name, l, count, sizeof(*l), lookup_key_cmp);
		if (hit == NULL)
			continue;
		while (hit > l && strcmp(hit[-1].cur, name) == 0)
			hit--;
		lead = hit;
		rc = tar_record(s, a, e, lead, &members[lead->index], arena, err);
		if (rc < 0)
			goto out;
		/* Several layers may name the same member: the entry is read
		 * once, for the first of them, and the others share it. */
		for (hit++; hit < l + count && strcmp(hit->cur, name) == 0; hit++) {
			struct st_member *m = &members[hit->index];
			const char *requested = m->name;

			hit->seen = true;
			hit->next = lead->next;
			*m = members[lead->index];
			m->name = requested;
		}
	}

out:
	archive_read_free(a);
	return rc;
}

static int tar_find(struct st_store *s, struct st_member *members, size_t count,
		    struct st_arena *arena, struct strata_error *err)
{
	struct lookup *l = st_calloc(count, sizeof(*l));
	size_t pending = count;
	size_t hops = 0;
	size_t i;
	int rc = 0;

	if (l == NULL)
		return st_error_set(err, STRATA_ENOMEM, "%s: out of memory", s->path);
	for (i = 0; i < count; i++) {
		members[i].found = false;
		l[i].cur = members[i].name;
		l[i].index = i;
	}
	while (pending > 0) {
		size_t relinked = 0;

		if (hops++ > MAX_LINK_HOPS) {
			char shown[ST_QUOTE_MAX];

			st_image_quote(shown, sizeof(shown), members[l[0].index].name);
			rc = st_error_set(err, STRATA_ECORRUPT,
					  "%s: member '%s': too many levels of links", s->path,
					  shown);
			goto out;
		}
		qsort(l, pending, sizeof(*l), lookup_cmp);
		for (i = 0; i < pending; i++) {
			l[i].seen = false;
			l[i].next = NULL;
		}
		rc = tar_pass(s, l, pending, members, arena, err);
		if (rc < 0)
			goto out;
		/* Keep the lookups that hit a link, now aimed at its target. */
		for (i = 0; i < pending; i++) {
			if (l[i].next == NULL)
				continue;
			l[relinked] = l[i];
			l[relinked].cur = l[i].next;
			relinked++;
		}
		pending = relinked;
	}

out:
	free(l);
	return rc;
}

/* Member streams ------------------------------------------------------- */

struct member_stream {
	struct st_stream base;
	struct archive *archive; /* tar store */
	int fd;                  /* directory store */
	const char *path;        /* the store's path, borrowed */
	char *name;
};

static ssize_t member_read(struct st_stream *base, void *buf, size_t len,
			   struct strata_error *err)
{
	struct member_stream *s = (struct member_stream *)base;
	char shown[ST_QUOTE_MAX];
	ssize_t n;

	if (s->archive != NULL) {
		n = archive_read_data(s->archive, buf, len);
		if (n >= 0)
			return n;
		st_image_quote(shown, sizeof(shown), s->name);
		return st_error_set(err, STRATA_ECORRUPT, "%s: member '%s': %s", s->path, shown,
				    archive_error_string(s->archive));
	}
	for (;;) {
		n = read(s->fd, buf, len);
		if (n >= 0)
			return n;
		if (errno != EINTR)
			return st_error_sys(err, STRATA_EIO, "%s: %s", s->path, s->name);
	}
}

static void member_close(struct st_stream *base)
{
	struct member_stream *s = (struct member_stream *)base;

	if (s->archive != NULL)
		archive_read_free(s->archive);
	if (s->fd >= 0)
		close(s->fd);
	free(s->name);
	free(s);
}

static int member_stream_new(struct member_stream **out, const char *path, const char *name,
			     struct strata_error *err)
{
	struct member_stream *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (s != NULL)
		s->name = st_strndup(name, strlen(name));
	if (s == NULL || s->name == NULL) {
		free(s);
		return st_error_set(err, STRATA_ENOMEM, "%s: out of memory", path);
	}
	s->base.read = member_read;
	s->base.close = member_close;
	s->fd = -1;
	s->path = path;
	*out = s;
	return 0;
}

/* Opens the tar at the recorded offset of member NAME. Returns 1 with *OUT
 * at that member, 0 when the caller must scan from the start, or an error. */
static int tar_seek_member(struct st_store *st, const char *name, struct archive **out,
			   struct archive_entry **e, struct strata_error *err)
{
	int64_t offset = offset_find(st, name);
	struct archive *a = NULL;
	const char *n;
	int rc;

	*out = NULL;
	if (offset < 0)
		return 0;
	rc = tar_begin_at(&a, st, offset, err);
	if (rc < 0)
		return rc;
	rc = tar_next(a, e, true, st->path, err);
	n = rc > 0 ? entry_name(*e) : NULL;
	if (n == NULL || strcmp(n, name) != 0) {
		archive_read_free(a);
		strata_error_clear(err);
		return 0;
	}
	*out = a;
	return 1;
}

static int tar_open_member(struct st_store *st, const char *name, struct st_stream **out,
			   uint64_t *size, struct strata_error *err)
{
	char shown[ST_QUOTE_MAX];
	struct member_stream *s = NULL;
	struct archive *a = NULL;
	struct archive_entry *e = NULL;
	bool first = true;
	int rc;

	st_image_quote(shown, sizeof(shown), name);
	rc = tar_seek_member(st, name, &a, &e, err);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		rc = tar_begin(&a, st, err);
		if (rc < 0)
			return rc;
		for (;;) {
			const char *n;

			rc = tar_next(a, &e, first, st->path, err);
			if (rc < 0)
				goto out;
			if (rc == 0) {
				rc = st_error_set(err, STRATA_ENOTFOUND,
						  "%s: member '%s' not found", st->path, shown);
				goto out;
			}
			first = false;
			n = entry_name(e);
			if (n != NULL && strcmp(n, name) == 0)
				break;
		}
	}
	if (archive_entry_filetype(e) != AE_IFREG || archive_entry_hardlink(e) != NULL) {
		rc = st_error_set(err, STRATA_ECORRUPT, "%s: member '%s' is not a regular file",
				  st->path, shown);
		goto out;
	}
	rc = member_stream_new(&s, st->path, name, err);
	if (rc < 0)
		goto out;
	*size = archive_entry_size_is_set(e) ? (uint64_t)archive_entry_size(e) : 0;
	s->archive = a;
	a = NULL;
	*out = &s->base;

out:
	if (a != NULL)
		archive_read_free(a);
	return rc;
}

/* Directory access ----------------------------------------------------- */

/* Explains why openat of COMP (below DIRFD) failed with errno E. */
static int dir_open_error(int dirfd, const char *comp, int e, const char *path, const char *name,
			  struct strata_error *err)
{
	struct stat st;

	if (e == ENOENT)
		return st_error_set(err, STRATA_ENOTFOUND, "%s: %s not found", path, name);
	if ((e == ELOOP || e == ENOTDIR) && fstatat(dirfd, comp, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISLNK(st.st_mode))
			return st_error_set(err, STRATA_ECORRUPT,
					    "%s: %s: '%s' is a symbolic link", path, name, comp);
		return st_error_set(err, STRATA_ECORRUPT, "%s: %s: '%s' is not a directory",
				    path, name, comp);
	}
	errno = e;
	return st_error_sys(err, STRATA_EIO, "%s: %s", path, name);
}

/* Opens NAME below the layout directory one component at a time, never
 * following a symbolic link, and checks that it is a regular file. */
static int dir_open(struct st_store *s, const char *name, int *fd_out, uint64_t *size,
		    struct strata_error *err)
{
	char buf[DIR_NAME_MAX];
	struct stat st;
	int dirfd = s->dirfd;
	char *comp = buf;
	int fd = -1;
	int rc = 0;

	*fd_out = -1;
	if (strlen(name) >= sizeof(buf))
		return st_error_set(err, STRATA_EINTERNAL, "%s: member name too long", s->path);
	memcpy(buf, name, strlen(name) + 1);
	for (;;) {
		char *slash = strchr(comp, '/');
		int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC;

		if (slash != NULL) {
			*slash = '\0';
			flags |= O_DIRECTORY;
		} else {
			/* O_NONBLOCK: opening a FIFO must not wait for a writer. */
			flags |= O_NONBLOCK;
		}
		fd = openat(dirfd, comp, flags);
		if (fd < 0)
			rc = dir_open_error(dirfd, comp, errno, s->path, name, err);
		if (dirfd != s->dirfd)
			close(dirfd);
		if (fd < 0)
			return rc;
		if (slash == NULL)
			break;
		dirfd = fd;
		comp = slash + 1;
	}
	if (fstat(fd, &st) < 0) {
		rc = st_error_sys(err, STRATA_EIO, "%s: %s", s->path, name);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = st_error_set(err, STRATA_ECORRUPT, "%s: %s is not a regular file", s->path,
				  name);
		goto out;
	}
	*size = (uint64_t)st.st_size;
	*fd_out = fd;
	fd = -1;

out:
	if (fd >= 0)
		close(fd);
	return rc;
}

static int dir_find(struct st_store *s, struct st_member *m, struct strata_error *err)
{
	int fd = -1;
	ssize_t n;
	int rc;

	m->found = false;
	rc = dir_open(s, m->name, &fd, &m->size, err);
	if (rc == STRATA_ENOTFOUND)
		return 0;
	if (rc < 0)
		return rc;
	n = pread(fd, m->magic, sizeof(m->magic), 0);
	if (n < 0)
		rc = st_error_sys(err, STRATA_EIO, "%s: %s", s->path, m->name);
	m->magic_len = n < 0 ? 0 : (size_t)n;
	m->found = rc == 0;
	m->resolved = m->name;
	close(fd);
	return rc;
}

/* Public store functions ----------------------------------------------- */

int st_store_open(struct st_store *s, int form, const char *path, struct strata_error *err)
{
	memset(s, 0, sizeof(*s));
	s->form = form;
	s->path = path;
	s->dirfd = -1;
	s->fd = -1;
	if (form != ST_FORM_OCI_DIR)
		return 0;
	s->dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->dirfd >= 0)
		return 0;
	if (errno == ENOENT)
		return st_error_sys(err, STRATA_ENOTFOUND, "%s", path);
	if (errno == ENOTDIR)
		return st_error_set(err, STRATA_EINVAL, "%s: not a directory", path);
	return st_error_sys(err, STRATA_EIO, "%s", path);
}

int st_store_open_fd(struct st_store *s, int form, int fd, const char *path,
		     struct strata_error *err)
{
	memset(s, 0, sizeof(*s));
	s->form = form;
	s->path = path;
	s->dirfd = -1;
	s->fd = fd;
	if (form == ST_FORM_DOCKER_ARCHIVE || form == ST_FORM_OCI_ARCHIVE)
		return 0;
	return st_error_set(err, STRATA_EINTERNAL, "%s: a %s image is not read from a tar",
			    path, st_image_form_name(form));
}

void st_store_dispose(struct st_store *s)
{
	size_t i;

	for (i = 0; i < s->offset_count; i++)
		free(s->offsets[i].name);
	free(s->offsets);
	s->offsets = NULL;
	s->offset_count = 0;
	s->offset_cap = 0;
	if (s->dirfd >= 0)
		close(s->dirfd);
	s->dirfd = -1;
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

/* A root filesystem directory (ST_FORM_DIR) has no members: its files are
 * read by st_walk_directory. */
static int no_members(const struct st_store *s, struct strata_error *err)
{
	return st_error_set(err, STRATA_EUNSUPPORTED,
			    "%s: a root filesystem directory has no image members or layer blobs",
			    s->path);
}

int st_store_find(struct st_store *s, struct st_member *members, size_t count,
		  struct st_arena *arena, struct strata_error *err)
{
	size_t i;
	int rc;

	if (count == 0)
		return 0;
	if (s->form == ST_FORM_DIR)
		return no_members(s, err);
	if (s->form != ST_FORM_OCI_DIR)
		return tar_find(s, members, count, arena, err);
	for (i = 0; i < count; i++) {
		rc = dir_find(s, &members[i], err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int st_store_open_member(struct st_store *s, const char *name, struct st_stream **out,
			 uint64_t *size, struct strata_error *err)
{
	struct member_stream *ms = NULL;
	int fd = -1;
	int rc;

	*out = NULL;
	*size = 0;
	if (s->form == ST_FORM_DIR)
		return no_members(s, err);
	/* A foreign layer whose blob is absent has no member name. */
	if (name == NULL)
		return st_error_set(err, STRATA_ENOTFOUND, "%s: the blob is absent", s->path);
	if (s->form != ST_FORM_OCI_DIR)
		return tar_open_member(s, name, out, size, err);
	rc = dir_open(s, name, &fd, size, err);
	if (rc < 0)
		return rc;
	rc = member_stream_new(&ms, s->path, name, err);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	ms->fd = fd;
	*out = &ms->base;
	return 0;
}

int st_store_read_member(struct st_store *s, const char *name, uint64_t max,
			 const char *limit_name, struct st_buf *out, struct strata_error *err)
{
	struct st_stream *in = NULL;
	uint64_t size = 0;
	int rc;

	st_buf_init(out, max > SIZE_MAX ? SIZE_MAX : (size_t)max);
	rc = st_store_open_member(s, name, &in, &size, err);
	if (rc < 0)
		return rc;
	if (size > max) {
		rc = st_error_set(err, STRATA_ELIMIT, "%s: %s: %llu bytes, over the %s limit of %llu",
				  s->path, name, (unsigned long long)size, limit_name,
				  (unsigned long long)max);
		goto out;
	}
	rc = st_stream_read_all(in, out, err);
	if (rc == STRATA_ELIMIT)
		st_error_set(err, STRATA_ELIMIT, "%s: %s: over the %s limit of %llu", s->path, name,
			     limit_name, (unsigned long long)max);

out:
	st_stream_close(in);
	return rc;
}

int st_store_read_blob(struct st_store *s, const struct st_descriptor *d, uint64_t max,
		       const char *limit_name, const char *what, struct st_buf *out,
		       struct strata_error *err)
{
	char name[ST_BLOB_NAME_MAX];
	char hex[ST_SHA256_HEX_LEN + 1];
	int rc;

	st_buf_init(out, 0);
	if (d->has_size && d->size > max)
		return st_error_set(err, STRATA_ELIMIT,
				    "%s: %s %s: %llu bytes, over the %s limit of %llu", s->path,
				    what, d->digest, (unsigned long long)d->size, limit_name,
				    (unsigned long long)max);
	st_blob_name(name, d->digest);
	rc = st_store_read_member(s, name, max, limit_name, out, err);
	if (rc == STRATA_ENOTFOUND)
		return st_error_set(err, STRATA_ENOTFOUND, "%s: %s %s: blob not found", s->path,
				    what, d->digest);
	if (rc < 0)
		return st_error_prefix(err, "%s %s", what, d->digest);
	if (d->has_size && out->len != d->size)
		return st_error_set(err, STRATA_ECORRUPT,
				    "%s: %s %s: blob is %zu bytes, expected %llu from its descriptor",
				    s->path, what, d->digest, out->len,
				    (unsigned long long)d->size);
	st_sha256_hex(out->ptr, out->len, hex);
	if (strcmp(hex, d->digest + 7) != 0)
		return st_error_set(err, STRATA_ECORRUPT,
				    "%s: %s %s: digest mismatch, content is sha256:%s", s->path,
				    what, d->digest, hex);
	return 0;
}
