/* Byte stream helpers and bounded file reads. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/util.h"

void st_stream_close(struct st_stream *s)
{
	if (s != NULL && s->close != NULL)
		s->close(s);
}

int st_stream_read_all(struct st_stream *s, struct st_buf *b, struct strata_error *err)
{
	char chunk[16384];

	for (;;) {
		ssize_t n = st_stream_read(s, chunk, sizeof(chunk), err);
		int rc;

		if (n < 0)
			return (int)n;
		if (n == 0)
			return 0;
		rc = st_buf_append(b, chunk, (size_t)n, err);
		if (rc < 0)
			return rc;
	}
}

int st_read_file(const char *path, struct st_buf *b, bool nofollow, struct strata_error *err)
{
	char chunk[65536];
	struct stat st;
	int flags = O_RDONLY | O_CLOEXEC;
	int fd;
	int rc = 0;

	if (nofollow)
		flags |= O_NOFOLLOW;
	fd = open(path, flags);
	if (fd < 0) {
		if (errno == ENOENT)
			return st_error_sys(err, STRATA_ENOTFOUND, "%s", path);
		if (errno == ELOOP)
			return st_error_set(err, STRATA_ECORRUPT, "%s: is a symbolic link", path);
		return st_error_sys(err, STRATA_EIO, "%s", path);
	}
	if (fstat(fd, &st) < 0) {
		rc = st_error_sys(err, STRATA_EIO, "%s", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = st_error_set(err, STRATA_ECORRUPT, "%s: not a regular file", path);
		goto out;
	}
	if ((uint64_t)st.st_size > b->max) {
		rc = st_error_set(err, STRATA_ELIMIT, "%s: %lld bytes, over the limit of %zu",
				  path, (long long)st.st_size, b->max);
		goto out;
	}
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = st_error_sys(err, STRATA_EIO, "%s", path);
			goto out;
		}
		if (n == 0)
			break;
		rc = st_buf_append(b, chunk, (size_t)n, err);
		if (rc < 0) {
			st_error_prefix(err, "%s", path);
			goto out;
		}
	}

out:
	close(fd);
	return rc;
}
