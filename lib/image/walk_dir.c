/* Directory walk: reads a root filesystem tree on the host in place of an
 * image's layers. The tree is as hostile as a layer, so it is opened one
 * component at a time with openat and O_NOFOLLOW, and a symbolic link is
 * read with readlinkat and never followed: a link such as
 * etc/passwd-link -> /etc/passwd must not expose a host file. Wanted files
 * are collected first and handed to the visitor sorted by path, because a
 * depth-first walk does not visit "a/b" and "a-c" in bytewise order. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/walk_dir.h"
#include "image/walk_internal.h"

/* Bytes read from a regular file per read call. */
#define READ_CHUNK_BYTES (64 * 1024)

/* One wanted file, kept until the walk ends. */
struct dir_file {
	char *path;
	size_t path_len;
	int type;     /* enum st_file_type */
	char *target; /* ST_FILE_SYMLINK */
	char *data;   /* ST_FILE_REGULAR; NULL when empty */
	size_t data_len;
	uint64_t size;
	unsigned mode;
	bool summarized; /* DATA is the visitor's summary, not the content */
};

struct dir_walk {
	const char *root;
	const struct strata_limits *limits;
	struct st_diag *diag;
	const struct st_walk_visitor *visitor;
	struct st_walk_layer_stats *stats;
	char *path;      /* the current path, relative to ROOT */
	size_t path_len;
	struct dir_file *files;
	size_t count;
	size_t cap;
	uint64_t data_bytes; /* captured regular file bytes */
};

static const char *quote(char buf[ST_WALK_QUOTE_MAX + 8], const char *path)
{
	st_walk_quote(buf, ST_WALK_QUOTE_MAX + 8, path);
	return buf;
}

static void free_files(struct dir_walk *w)
{
	size_t i;

	for (i = 0; i < w->count; i++) {
		free(w->files[i].path);
		free(w->files[i].target);
		free(w->files[i].data);
	}
	free(w->files);
}

/* Appends "/NAME" (or NAME at the root) to w->path; returns the old
 * length, which the caller restores. */
static int path_push(struct dir_walk *w, const char *name, size_t *old_len,
		     struct strata_error *err)
{
	char quoted[ST_WALK_QUOTE_MAX + 8];
	size_t n = strlen(name);
	size_t sep = w->path_len == 0 ? 0 : 1;

	*old_len = w->path_len;
	if (w->path_len + sep + n > w->limits->path_bytes) {
		w->path[w->path_len] = '\0';
		return st_error_set(err, STRATA_ELIMIT,
				    "directory %s: a name under '%s' is over the path_bytes limit of %u",
				    w->root, quote(quoted, w->path), w->limits->path_bytes);
	}
	if (sep != 0)
		w->path[w->path_len++] = '/';
	memcpy(w->path + w->path_len, name, n + 1);
	w->path_len += n;
	return 0;
}

static int add_file(struct dir_walk *w, const struct dir_file *f, struct strata_error *err)
{
	struct dir_file *grown;

	if (w->count == w->cap) {
		size_t cap = w->cap == 0 ? 16 : w->cap * 2;

		grown = st_reallocarray(w->files, cap, sizeof(*grown));
		if (grown == NULL)
			return st_error_set(err, STRATA_ENOMEM, "out of memory for captured files");
		w->files = grown;
		w->cap = cap;
	}
	w->files[w->count] = *f;
	w->files[w->count].path = st_strndup(w->path, w->path_len);
	if (w->files[w->count].path == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory for captured files");
	w->files[w->count].path_len = w->path_len;
	w->count++;
	return 0;
}

/* Reads the open regular file FD into OUT, at most MAX bytes. Returns 1
 * when the file contains more than MAX bytes, such as after growing since
 * its fstat. */
static int read_content(struct dir_walk *w, int fd, uint64_t max, struct st_buf *out,
			struct strata_error *err)
{
	char quoted[ST_WALK_QUOTE_MAX + 8];
	char chunk[READ_CHUNK_BYTES];
	ssize_t n;
	int rc;

	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return st_error_sys(err, STRATA_EIO, "directory %s: cannot read '%s'",
					    w->root, quote(quoted, w->path));
		if (n == 0)
			return 0;
		if ((uint64_t)n > max - out->len)
			return 1;
		rc = st_buf_append(out, chunk, (size_t)n, err);
		if (rc < 0)
			return rc;
	}
}

static void warn_too_large(struct dir_walk *w, uint64_t size, uint64_t max)
{
	char quoted[ST_WALK_QUOTE_MAX + 8];

	st_diag(w->diag, ST_DIAG_WARN,
		"directory %s: skipping '%s': its %llu bytes exceed the %llu-byte limit for a cataloged file",
		w->root, quote(quoted, w->path), (unsigned long long)size,
		(unsigned long long)max);
}

/* Checks that SIZE more captured bytes stay within cataloged_total_bytes. */
static int check_budget(struct dir_walk *w, uint64_t size, struct strata_error *err)
{
	char quoted[ST_WALK_QUOTE_MAX + 8];
	uint64_t total = w->limits->cataloged_total_bytes;

	if (size <= total && w->data_bytes <= total - size)
		return 0;
	return st_error_set(err, STRATA_ELIMIT,
			    "directory %s: file '%s': captured files would exceed the cataloged_total_bytes limit of %llu bytes",
			    w->root, quote(quoted, w->path), (unsigned long long)total);
}

/* Opens the file NAME in DIRFD, which lstat found regular, without
 * following a link, and fstats it into ST. Returns 1 with *FD open, or an
 * error. Returns 0 when the file is skipped: permission denied (with a
 * warning), or replaced by a link or a non-regular file, or removed,
 * since the lstat. */
static int open_regular(struct dir_walk *w, int dirfd, const char *name, int *fd,
			struct stat *st, struct strata_error *err)
{
	char quoted[ST_WALK_QUOTE_MAX + 8];
	int rc;

	/* O_NONBLOCK: if NAME was swapped for a FIFO since the lstat, the
	 * open must not wait for a writer. */
	*fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (*fd < 0 && errno == EACCES) {
		st_diag(w->diag, ST_DIAG_WARN, "directory %s: skipping '%s': permission denied",
			w->root, quote(quoted, w->path));
		return 0;
	}
	if (*fd < 0 && (errno == ELOOP || errno == ENOENT))
		return 0; /* replaced by a link or removed since the lstat */
	if (*fd < 0)
		return st_error_sys(err, STRATA_EIO, "directory %s: cannot open '%s'", w->root,
				    quote(quoted, w->path));
	rc = 1;
	if (fstat(*fd, st) < 0)
		rc = st_error_sys(err, STRATA_EIO, "directory %s: cannot stat '%s'", w->root,
				  quote(quoted, w->path));
	else if (!S_ISREG(st->st_mode))
		rc = 0; /* replaced while walking: no longer a regular file */
	if (rc != 1) {
		close(*fd);
		*fd = -1;
	}
	return rc;
}

/* Captures the regular file NAME in DIRFD, which lstat found regular. */
static int capture_regular(struct dir_walk *w, int dirfd, const char *name, uint64_t max,
			   struct strata_error *err)
{
	struct dir_file f = {.type = ST_FILE_REGULAR};
	struct st_buf data;
	struct stat st;
	int fd = -1;
	int rc;

	st_buf_init(&data, max > SIZE_MAX ? SIZE_MAX : (size_t)max);
	rc = open_regular(w, dirfd, name, &fd, &st, err);
	if (rc <= 0)
		goto out;
	rc = 0;
	if ((uint64_t)st.st_size > max) {
		warn_too_large(w, (uint64_t)st.st_size, max);
		goto out;
	}
	rc = check_budget(w, (uint64_t)st.st_size, err);
	if (rc < 0)
		goto out;
	rc = read_content(w, fd, max, &data, err);
	if (rc == 1) {
		warn_too_large(w, (uint64_t)st.st_size, max);
		rc = 0;
		goto out;
	}
	if (rc < 0)
		goto out;
	rc = check_budget(w, data.len, err);
	if (rc < 0)
		goto out;
	f.data = data.ptr;
	f.data_len = data.len;
	f.size = data.len;
	f.mode = (unsigned)st.st_mode & 07777u;
	rc = add_file(w, &f, err);
	if (rc < 0)
		goto out;
	w->data_bytes += data.len;
	data.ptr = NULL;

out:
	st_buf_dispose(&data);
	if (fd >= 0)
		close(fd);
	return rc;
}

static int capture_symlink(struct dir_walk *w, int dirfd, const char *name,
			   const struct stat *st, struct strata_error *err)
{
	char quoted[ST_WALK_QUOTE_MAX + 8];
	struct dir_file f = {.type = ST_FILE_SYMLINK};
	size_t cap = (size_t)w->limits->path_bytes + 1;
	ssize_t n;
	int rc;

	f.target = malloc(cap);
	if (f.target == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory for a link target");
	n = readlinkat(dirfd, name, f.target, cap);
	if (n < 0) {
		rc = st_error_sys(err, STRATA_EIO, "directory %s: cannot read link '%s'", w->root,
				  quote(quoted, w->path));
		goto out;
	}
	if ((size_t)n >= cap) {
		rc = st_error_set(err, STRATA_ELIMIT,
				  "directory %s: link '%s': target over the path_bytes limit of %u",
				  w->root, quote(quoted, w->path), w->limits->path_bytes);
		goto out;
	}
	f.target[n] = '\0';
	f.mode = (unsigned)st->st_mode & 07777u;
	rc = add_file(w, &f, err);
	if (rc == 0)
		f.target = NULL;

out:
	free(f.target);
	return rc;
}

/* The content of a regular file being summarized, read through its open
 * descriptor and cut at the size fstat gave when it was opened, so that a
 * file growing meanwhile cannot make the summarizer read more. A file
 * that shrinks meanwhile makes the read return STRATA_ECORRUPT: a
 * summarizer that returns it gets the file skipped with a warning. Valid only
 * during the summarize() call. */
struct file_stream {
	struct st_stream base;
	struct dir_walk *walk;
	int fd;
	uint64_t left; /* content bytes not yet read */
	uint64_t size;
	bool failed;   /* a read error or an early end, kept in ERROR */
	bool io_error; /* FAILED by read(2) itself: the walk stops */
	struct strata_error error;
};

static ssize_t file_stream_read(struct st_stream *base, void *buf, size_t len,
				struct strata_error *err)
{
	struct file_stream *s = (struct file_stream *)base;
	char quoted[ST_WALK_QUOTE_MAX + 8];
	ssize_t n;

	if (s->failed) {
		if (err != NULL)
			*err = s->error;
		return s->error.code;
	}
	if (s->left == 0 || len == 0)
		return 0;
	if (len > s->left)
		len = (size_t)s->left;
	if (len > READ_CHUNK_BYTES * 16)
		len = READ_CHUNK_BYTES * 16;
	do {
		n = read(s->fd, buf, len);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		st_error_sys(&s->error, STRATA_EIO, "directory %s: cannot read '%s'",
			     s->walk->root, quote(quoted, s->walk->path));
		s->io_error = true;
	} else if (n == 0) {
		st_error_set(&s->error, STRATA_ECORRUPT,
			     "'%s' ends after %llu of %llu bytes: it shrank while being read",
			     quote(quoted, s->walk->path),
			     (unsigned long long)(s->size - s->left),
			     (unsigned long long)s->size);
	} else {
		s->left -= (uint64_t)n;
		return n;
	}
	s->failed = true;
	if (err != NULL)
		*err = s->error;
	return s->error.code;
}

/* The walk owns the descriptor: closing the stream is a no-op. */
static void file_stream_close(struct st_stream *base)
{
	(void)base;
}

/* Keeps SUMMARY (taken) as the content of the file at w->path. */
static int keep_summary(struct dir_walk *w, struct st_buf *summary, const struct stat *st,
			struct strata_error *err)
{
	struct dir_file f = {.type = ST_FILE_REGULAR, .summarized = true};
	int rc;

	rc = check_budget(w, summary->len, err);
	if (rc < 0)
		return rc;
	f.data = summary->ptr;
	f.data_len = summary->len;
	f.size = (uint64_t)st->st_size;
	f.mode = (unsigned)st->st_mode & 07777u;
	rc = add_file(w, &f, err);
	if (rc < 0)
		return rc;
	w->data_bytes += summary->len;
	summary->ptr = NULL;
	summary->len = 0;
	summary->cap = 0;
	return 0;
}

/* Runs the visitor's summarize() over the open regular file FD, whose
 * fstat is ST, and keeps the summary as the tar walk does (see
 * st_walk_judge_summary). */
static int run_summarize(struct dir_walk *w, int fd, const struct stat *st,
			 struct strata_error *err)
{
	const struct st_walk_visitor *v = w->visitor;
	struct st_walk_summary_source src = {"directory", w->root, w->limits, w->diag};
	uint64_t cap = w->limits->summary_bytes;
	struct file_stream content;
	struct st_walk_file meta;
	struct strata_error summary_err;
	struct st_buf summary;
	int rc;

	memset(&content, 0, sizeof(content));
	content.base.read = file_stream_read;
	content.base.close = file_stream_close;
	content.walk = w;
	content.fd = fd;
	content.left = (uint64_t)st->st_size;
	content.size = (uint64_t)st->st_size;
	memset(&meta, 0, sizeof(meta));
	meta.path = w->path;
	meta.path_len = w->path_len;
	meta.type = ST_FILE_REGULAR;
	meta.data = st_slice_make("", 0);
	meta.size = (uint64_t)st->st_size;
	meta.mode = (unsigned)st->st_mode & 07777u;
	meta.layer = 0;
	st_buf_init(&summary, cap > SIZE_MAX ? SIZE_MAX : (size_t)cap);
	strata_error_clear(&summary_err);

	rc = v->summarize(v->ctx, &meta, &content.base, &summary, w->diag, &summary_err);
	if (content.io_error) {
		if (err != NULL)
			*err = content.error;
		rc = content.error.code;
	} else {
		rc = st_walk_judge_summary(&src, w->path, rc, &summary_err, &summary, err);
		if (rc == 1)
			rc = keep_summary(w, &summary, st, err);
	}
	st_buf_dispose(&summary);
	return rc;
}

/* Offers the regular file NAME in DIRFD, which wants() declined and lstat
 * described as LST, to the visitor's wants_summary() and, when accepted,
 * keeps the summary that summarize() makes of its content. The question
 * is asked again when the open file's size or mode differ from LST, so
 * that summarize() gets the values wants_summary() accepted. */
static int summarize_regular(struct dir_walk *w, int dirfd, const char *name,
			     const struct stat *lst, struct strata_error *err)
{
	const struct st_walk_visitor *v = w->visitor;
	unsigned mode = (unsigned)lst->st_mode & 07777u;
	struct stat st;
	int fd = -1;
	int rc;

	if (v->wants_summary == NULL || v->summarize == NULL)
		return 0;
	if (!v->wants_summary(v->ctx, w->path, w->path_len, (uint64_t)lst->st_size, mode))
		return 0;
	rc = open_regular(w, dirfd, name, &fd, &st, err);
	if (rc <= 0)
		return rc;
	rc = 0;
	if ((st.st_size != lst->st_size || (st.st_mode & 07777u) != mode) &&
	    !v->wants_summary(v->ctx, w->path, w->path_len, (uint64_t)st.st_size,
			      (unsigned)st.st_mode & 07777u))
		goto out;
	rc = run_summarize(w, fd, &st, err);

out:
	close(fd);
	return rc;
}

static int walk_dir(struct dir_walk *w, int dirfd, unsigned depth, struct strata_error *err);

/* Opens subdirectory NAME of DIRFD without following a link and walks it. */
static int descend(struct dir_walk *w, int dirfd, const char *name, unsigned depth,
		   struct strata_error *err)
{
	char quoted[ST_WALK_QUOTE_MAX + 8];
	int fd;
	int rc;

	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == EACCES) {
		st_diag(w->diag, ST_DIAG_WARN, "directory %s: skipping '%s': permission denied",
			w->root, quote(quoted, w->path));
		return 0;
	}
	if (fd < 0 && (errno == ENOTDIR || errno == ELOOP || errno == ENOENT))
		return 0; /* replaced or removed since the lstat */
	if (fd < 0)
		return st_error_sys(err, STRATA_EIO, "directory %s: cannot open '%s'", w->root,
				    quote(quoted, w->path));
	rc = walk_dir(w, fd, depth + 1, err);
	close(fd);
	return rc;
}

/* Handles entry NAME of DIRFD; w->path already ends in NAME. */
static int visit_entry(struct dir_walk *w, int dirfd, const char *name, unsigned depth,
		       struct strata_error *err)
{
	char quoted[ST_WALK_QUOTE_MAX + 8];
	uint64_t max = w->limits->cataloged_file_bytes;
	struct stat st;

	/* DEPTH counts the components of the directory, so the entry has one
	 * more. */
	if (depth + 1 > w->limits->path_depth)
		return st_error_set(err, STRATA_ELIMIT,
				    "directory %s: '%s' is deeper than the path_depth limit of %u",
				    w->root, quote(quoted, w->path), w->limits->path_depth);

	if (w->stats->entries >= w->limits->entries_per_layer)
		return st_error_set(err, STRATA_ELIMIT,
				    "directory %s: more than the entries_per_layer limit of %llu entries",
				    w->root, (unsigned long long)w->limits->entries_per_layer);
	w->stats->entries++;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 0;
		return st_error_sys(err, STRATA_EIO, "directory %s: cannot stat '%s'", w->root,
				    quote(quoted, w->path));
	}
	if (S_ISDIR(st.st_mode))
		return descend(w, dirfd, name, depth, err);
	if (S_ISREG(st.st_mode)) {
		w->stats->regular_files++;
		w->stats->content_bytes += (uint64_t)st.st_size;
	} else if (!S_ISLNK(st.st_mode)) {
		w->stats->special_files++;
		/* A FIFO or device where a cataloger expects a file (a package
		 * database, a manifest) is never opened, but a warning names it. */
		if (w->visitor->wants(w->visitor->ctx, w->path, w->path_len, &max))
			st_diag(w->diag, ST_DIAG_WARN,
				"directory %s: skipping '%s', a %s: only regular files, directories "
				"and symbolic links are read",
				w->root, quote(quoted, w->path),
				S_ISFIFO(st.st_mode)   ? "FIFO"
				: S_ISSOCK(st.st_mode) ? "socket"
						       : "device");
		return 0;
	}
	if (!w->visitor->wants(w->visitor->ctx, w->path, w->path_len, &max)) {
		if (S_ISREG(st.st_mode))
			return summarize_regular(w, dirfd, name, &st, err);
		return 0;
	}
	if (S_ISLNK(st.st_mode))
		return capture_symlink(w, dirfd, name, &st, err);
	return capture_regular(w, dirfd, name, max, err);
}

static int name_cmp(const void *a, const void *b)
{
	const char *const *x = a;
	const char *const *y = b;

	return strcmp(*x, *y);
}

/* Reads the names in DIRFD (without "." and "..") into a sorted array. */
static int list_names(struct dir_walk *w, int dirfd, char ***out, size_t *count,
		      struct strata_error *err)
{
	char quoted[ST_WALK_QUOTE_MAX + 8];
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *d;
	DIR *dir = NULL;
	int fd;
	int rc = 0;

	fd = dup(dirfd);
	if (fd >= 0)
		dir = fdopendir(fd);
	if (dir == NULL) {
		if (fd >= 0)
			close(fd);
		return st_error_sys(err, STRATA_EIO, "directory %s: cannot list '%s'", w->root,
				    quote(quoted, w->path_len ? w->path : "."));
	}
	/* A dup shares the offset of DIRFD, which a parent may have read. */
	rewinddir(dir);
	for (;;) {
		errno = 0;
		d = readdir(dir);
		if (d == NULL)
			break;
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		if (n == cap) {
			char **grown;

			cap = cap == 0 ? 32 : cap * 2;
			grown = st_reallocarray(names, cap, sizeof(*names));
			if (grown == NULL) {
				rc = st_error_set(err, STRATA_ENOMEM, "out of memory listing a directory");
				goto out;
			}
			names = grown;
		}
		names[n] = st_strndup(d->d_name, strlen(d->d_name));
		if (names[n] == NULL) {
			rc = st_error_set(err, STRATA_ENOMEM, "out of memory listing a directory");
			goto out;
		}
		n++;
	}
	if (errno != 0) {
		rc = st_error_sys(err, STRATA_EIO, "directory %s: cannot list '%s'", w->root,
				  quote(quoted, w->path_len ? w->path : "."));
		goto out;
	}
	if (n > 1)
		qsort(names, n, sizeof(*names), name_cmp);

out:
	closedir(dir);
	if (rc < 0) {
		while (n > 0)
			free(names[--n]);
		free(names);
		return rc;
	}
	*out = names;
	*count = n;
	return 0;
}

static int walk_dir(struct dir_walk *w, int dirfd, unsigned depth, struct strata_error *err)
{
	char **names = NULL;
	size_t count = 0;
	size_t i;
	int rc;

	rc = list_names(w, dirfd, &names, &count, err);
	if (rc < 0)
		return rc;
	for (i = 0; i < count && rc == 0; i++) {
		size_t old_len;

		rc = path_push(w, names[i], &old_len, err);
		if (rc < 0)
			break;
		rc = visit_entry(w, dirfd, names[i], depth, err);
		w->path_len = old_len;
		w->path[old_len] = '\0';
	}
	for (i = 0; i < count; i++)
		free(names[i]);
	free(names);
	return rc;
}

static int file_cmp(const void *a, const void *b)
{
	const struct dir_file *x = a;
	const struct dir_file *y = b;
	size_t n = x->path_len < y->path_len ? x->path_len : y->path_len;
	int cmp = memcmp(x->path, y->path, n);

	if (cmp != 0)
		return cmp;
	return x->path_len < y->path_len ? -1 : x->path_len > y->path_len;
}

static void file_from_dir(struct st_walk_file *f, const struct dir_file *d)
{
	memset(f, 0, sizeof(*f));
	f->path = d->path;
	f->path_len = d->path_len;
	f->type = d->type;
	f->link_target = d->target;
	f->data = st_slice_make(d->data != NULL ? d->data : "", d->data_len);
	f->size = d->size;
	f->mode = d->mode;
	f->layer = 0;
	f->summarized = d->summarized;
}

/* Hands every collected file to FN (may be NULL), in path order. */
static int visit_all(struct dir_walk *w,
		     int (*fn)(void *, const struct st_walk_file *, struct strata_error *),
		     struct strata_error *err)
{
	struct st_walk_file f;
	size_t i;
	int rc;

	for (i = 0; fn != NULL && i < w->count; i++) {
		file_from_dir(&f, &w->files[i]);
		rc = fn(w->visitor->ctx, &f, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int st_walk_directory(const char *root, const struct st_walk_visitor *v,
		      const struct st_walk_options *opts, struct st_walk_layer_stats *stats,
		      struct strata_error *err)
{
	struct st_walk_layer_stats scratch;
	struct dir_walk w;
	int fd = -1;
	int rc;

	if (root == NULL || v == NULL || v->wants == NULL || opts == NULL || opts->limits == NULL)
		return st_error_set(err, STRATA_EINVAL,
				    "directory walk without a root, visitor or limits");
	memset(&w, 0, sizeof(w));
	w.root = root;
	w.limits = opts->limits;
	w.diag = opts->diag;
	w.visitor = v;
	w.stats = stats != NULL ? stats : &scratch;
	memset(w.stats, 0, sizeof(*w.stats));
	w.path = malloc((size_t)opts->limits->path_bytes + 1);
	if (w.path == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory for a path");
	w.path[0] = '\0';

	/* ROOT is the user's own path, so a link there is followed. */
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		rc = st_error_sys(err, errno == ENOENT ? STRATA_ENOTFOUND : STRATA_EIO,
				  "directory %s", root);
		goto out;
	}
	rc = walk_dir(&w, fd, 0, err);
	if (rc < 0)
		goto out;

	if (w.count > 1)
		qsort(w.files, w.count, sizeof(*w.files), file_cmp);
	rc = visit_all(&w, v->on_layer_file, err);
	if (rc < 0)
		goto out;
	rc = visit_all(&w, v->on_final_file, err);

out:
	if (fd >= 0)
		close(fd);
	free_files(&w);
	free(w.path);
	return rc;
}
