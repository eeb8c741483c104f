/* Helpers shared by several unit-test programs; see testlib.h. */
#include <archive.h>
#include <archive_entry.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "testlib.h"
#include "vuln/vuln.h"

/* Vector files ------------------------------------------------------------ */

int st_test_lines_open(struct st_test_lines *l, const char *rel)
{
	struct strata_error err;
	int rc;

	st_buf_init(&l->buf, 1 << 20);
	l->pos = 0;
	l->lineno = 0;
	rc = st_read_file(st_test_data_path(rel), &l->buf, true, &err);
	if (rc < 0)
		fprintf(stderr, "# %s\n", err.msg);
	return rc;
}

/* Leading blanks are kept because some vectors start with a blank or a
 * TAB. */
bool st_test_lines_next(struct st_test_lines *l, struct st_slice *line)
{
	size_t start = l->pos;
	size_t end = start;

	if (l->pos >= l->buf.len)
		return false;
	while (end < l->buf.len && l->buf.ptr[end] != '\n')
		end++;
	l->pos = end < l->buf.len ? end + 1 : end;
	if (end > start && l->buf.ptr[end - 1] == '\r')
		end--;
	*line = st_slice_make(l->buf.ptr + start, end - start);
	l->lineno++;
	return true;
}

void st_test_lines_close(struct st_test_lines *l)
{
	st_buf_dispose(&l->buf);
}

/* The extracted vector files mark comments with '#', and the osv-scalibr
 * ones with '#' or '//'. */
bool st_test_is_comment(struct st_slice line)
{
	struct st_slice t = st_slice_trim(line);

	return t.len == 0 || st_slice_starts_with(t, "#") || st_slice_starts_with(t, "//");
}

bool st_test_copy_field(char *dst, size_t cap, struct st_slice s)
{
	if (s.len >= cap)
		return false;
	memcpy(dst, s.ptr, s.len);
	dst[s.len] = '\0';
	return true;
}

/* In-memory tar layers ---------------------------------------------------- */

struct mem_stream {
	struct st_stream base;
	char *data;
	size_t len;
	size_t pos;
};

static ssize_t mem_read(struct st_stream *s, void *buf, size_t len, struct strata_error *err)
{
	struct mem_stream *m = (struct mem_stream *)s;
	size_t n = m->len - m->pos;

	if (n > len)
		n = len;
	memcpy(buf, m->data + m->pos, n);
	m->pos += n;
	return (ssize_t)n;
}

static void mem_close(struct st_stream *s)
{
	struct mem_stream *m = (struct mem_stream *)s;

	free(m->data);
	free(m);
}

int st_test_open_layer(void *ctx, size_t index, struct st_stream **out,
		       struct strata_error *err)
{
	struct st_test_layers *tl = ctx;
	size_t cap = 1u << 20;
	struct mem_stream *m = calloc(1, sizeof(*m));
	struct archive *a = archive_write_new();
	size_t used = 0;
	size_t i;

	if (m == NULL || a == NULL || (m->data = malloc(cap)) == NULL)
		abort();
	archive_write_set_format_pax_restricted(a);
	archive_write_set_bytes_in_last_block(a, 1);
	if (archive_write_open_memory(a, m->data, cap, &used) != ARCHIVE_OK)
		abort();
	for (i = 0; i < tl->counts[index]; i++) {
		const struct st_test_tar_entry *e = &tl->entries[index][i];
		struct archive_entry *ae = archive_entry_new();

		archive_entry_set_pathname(ae, e->path);
		archive_entry_set_perm(ae, 0644);
		if (e->data != NULL) {
			archive_entry_set_filetype(ae, AE_IFREG);
			archive_entry_set_size(ae, (la_int64_t)strlen(e->data));
		} else {
			archive_entry_set_filetype(ae, AE_IFLNK);
			archive_entry_set_symlink(ae, e->target);
			archive_entry_set_size(ae, 0);
		}
		if (archive_write_header(a, ae) != ARCHIVE_OK)
			abort();
		if (e->data != NULL)
			archive_write_data(a, e->data, strlen(e->data));
		archive_entry_free(ae);
	}
	archive_write_close(a);
	archive_write_free(a);
	m->len = used;
	m->base.read = mem_read;
	m->base.close = mem_close;
	*out = &m->base;
	return 0;
}

struct st_walk_file st_test_walk_file(const char *path, const char *data, size_t layer)
{
	struct st_walk_file f;

	memset(&f, 0, sizeof(f));
	f.path = path;
	f.path_len = strlen(path);
	f.type = ST_FILE_REGULAR;
	f.data = st_slice_cstr(data);
	f.size = f.data.len;
	f.mode = 0644;
	f.layer = layer;
	return f;
}

const struct st_package *st_test_find_package(const struct st_inventory *inv, const char *type,
					      const char *name)
{
	size_t i;

	for (i = 0; i < inv->count; i++) {
		if (strcmp(inv->packages[i].type, type) == 0 &&
		    strcmp(inv->packages[i].name, name) == 0)
			return &inv->packages[i];
	}
	return NULL;
}

/* Temporary vulnerability store ------------------------------------------ */

static void store_log(void *ctx, int level, const char *msg)
{
	struct st_test_store *fx = ctx;
	size_t room = sizeof(fx->log) - fx->log_len;
	int n;

	if (level < fx->min_level)
		return;
	n = snprintf(fx->log + fx->log_len, room, "%s\n", msg);
	if (n > 0 && (size_t)n < room)
		fx->log_len += (size_t)n;
}

bool st_test_store_setup(struct st_test_store *fx, const char *tag, int min_level)
{
	struct strata_error err = {0};

	memset(fx, 0, sizeof(*fx));
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/strata-%.16s-test-XXXXXX", tag);
	if (mkdtemp(fx->dir) == NULL) {
		fprintf(stderr, "# mkdtemp %s failed\n", fx->dir);
		fx->dir[0] = '\0';
		return false;
	}
	snprintf(fx->db_path, sizeof(fx->db_path), "%s/vuln.db", fx->dir);
	strata_limits_default(&fx->lim);
	fx->min_level = min_level;
	fx->diag.fn = store_log;
	fx->diag.ctx = fx;
	if (st_db_open(&fx->db, fx->db_path, true, &err) < 0) {
		fprintf(stderr, "# %s\n", err.msg);
		return false;
	}
	return true;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void st_test_store_teardown(struct st_test_store *fx)
{
	st_db_close(fx->db);
	fx->db = NULL;
	if (fx->dir[0] != '\0')
		nftw(fx->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
