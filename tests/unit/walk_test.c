/* Tests of the layer walk: tar layers are built in memory with libarchive's
 * writer and fed through an opener that returns in-memory streams. Each
 * visitor call is logged as one line, so a test compares the whole view
 * (or the whole history) with one string. */
#include <archive.h>
#include <archive_entry.h>
#include <jansson.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "image/image.h"
#include "image/image_int.h"
#include "image/walk.h"

#define MAX_LAYERS 12
#define TAR_CAP (4u << 20)

/* Tar builder ------------------------------------------------------------ */

struct tar {
	struct archive *a;
	char *buf;
	size_t used;
};

static void tar_begin(struct tar *t)
{
	t->buf = malloc(TAR_CAP);
	t->used = 0;
	t->a = archive_write_new();
	archive_write_set_format_pax_restricted(t->a);
	archive_write_set_bytes_in_last_block(t->a, 1);
	archive_write_open_memory(t->a, t->buf, TAR_CAP, &t->used);
}

static void tar_add(struct tar *t, const char *path, int type, unsigned perm, const char *data,
		    size_t len, const char *symlink, const char *hardlink)
{
	struct archive_entry *e = archive_entry_new();

	archive_entry_set_pathname(e, path);
	archive_entry_set_filetype(e, (unsigned)type);
	archive_entry_set_perm(e, perm);
	archive_entry_set_size(e, (la_int64_t)len);
	if (symlink != NULL)
		archive_entry_set_symlink(e, symlink);
	if (hardlink != NULL) {
		archive_entry_set_hardlink(e, hardlink);
		archive_entry_set_size(e, 0);
	}
	if (type == AE_IFCHR)
		archive_entry_set_rdev(e, 0);
	archive_write_header(t->a, e);
	if (len != 0 && hardlink == NULL)
		archive_write_data(t->a, data, len);
	archive_entry_free(e);
}

static void tar_file(struct tar *t, const char *path, const char *data)
{
	tar_add(t, path, AE_IFREG, 0644, data, strlen(data), NULL, NULL);
}

static void tar_dir(struct tar *t, const char *path)
{
	tar_add(t, path, AE_IFDIR, 0755, NULL, 0, NULL, NULL);
}

static void tar_symlink(struct tar *t, const char *path, const char *target)
{
	tar_add(t, path, AE_IFLNK, 0777, NULL, 0, target, NULL);
}

static void tar_hardlink(struct tar *t, const char *path, const char *target)
{
	tar_add(t, path, AE_IFREG, 0644, NULL, 0, NULL, target);
}

static void tar_end(struct tar *t)
{
	archive_write_close(t->a);
	archive_write_free(t->a);
	t->a = NULL;
}

/* In-memory layers and their opener ---------------------------------------- */

struct layers {
	struct tar tar[MAX_LAYERS];
	size_t count;
	int opens[MAX_LAYERS];
	size_t chunk;       /* bytes per read; 0 = all */
	int fail_layer;     /* layer whose stream fails, or -1 */
	int fail_open;      /* only its Nth opening fails (from 1); 0 = all */
	size_t fail_offset; /* the failing read starts at this offset */
};

struct mem_stream {
	struct st_stream base;
	const char *p;
	size_t len;
	size_t pos;
	size_t chunk;
	bool fail;
	size_t fail_offset;
};

static ssize_t mem_read(struct st_stream *s, void *buf, size_t len, struct strata_error *err)
{
	struct mem_stream *m = (struct mem_stream *)s;
	size_t n = m->len - m->pos;

	if (m->fail && m->pos >= m->fail_offset)
		return st_error_set(err, STRATA_ECORRUPT,
				    "blob sha256:feed: digest mismatch (test)");
	if (m->fail && m->fail_offset - m->pos < n)
		n = m->fail_offset - m->pos;
	if (n > len)
		n = len;
	if (m->chunk != 0 && n > m->chunk)
		n = m->chunk;
	memcpy(buf, m->p + m->pos, n);
	m->pos += n;
	return (ssize_t)n;
}

static void mem_close(struct st_stream *s)
{
	free(s);
}

static int mem_open(void *ctx, size_t index, struct st_stream **out, struct strata_error *err)
{
	struct layers *l = ctx;
	struct mem_stream *m;

	if (index >= l->count)
		return st_error_set(err, STRATA_EINVAL, "no layer %zu", index);
	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return STRATA_ENOMEM;
	m->base.read = mem_read;
	m->base.close = mem_close;
	m->p = l->tar[index].buf;
	m->len = l->tar[index].used;
	m->chunk = l->chunk;
	l->opens[index]++;
	m->fail = l->fail_layer == (int)index &&
		  (l->fail_open == 0 || l->fail_open == l->opens[index]);
	m->fail_offset = l->fail_offset;
	*out = &m->base;
	return 0;
}

static struct tar *layer(struct layers *l)
{
	struct tar *t = &l->tar[l->count++];

	tar_begin(t);
	return t;
}

static void layers_init(struct layers *l)
{
	memset(l, 0, sizeof(*l));
	l->fail_layer = -1;
}

static void layers_free(struct layers *l)
{
	size_t i;

	for (i = 0; i < l->count; i++)
		free(l->tar[i].buf);
}

/* Recording visitor ----------------------------------------------------- */

struct recorder {
	const char *const *want; /* NULL: every path */
	uint64_t max_bytes;      /* 0: keep the preset */
	const char *capped;      /* with max_bytes, lowers the cap only here */
	int fail_final;          /* returned by on_final_file when nonzero */
	/* Summaries: files whose path ends in SUMMARY_SUFFIX (and that
	 * wants() declined) are summarized as "sum:BYTES_READ:FIRST3". */
	const char *summary_suffix;
	uint64_t summary_read_max; /* stop reading after this; 0 = all */
	int summary_fail;          /* summarize returns this when nonzero */
	size_t summary_padding;    /* bytes of 'x' appended to each summary */
	bool summary_ignore_errors; /* a failed read ends the summary, rc 0 */
	_Atomic int summaries;     /* summarize() calls */
	char final[8192];
	char history[8192];
	char diag[8192];
	struct st_diag sink;
	struct strata_limits limits;
	struct st_walk_options opts;
	struct st_walk_visitor visitor;
};

static void append(char *buf, size_t cap, const struct st_walk_file *f, const char *prefix)
{
	size_t n = strlen(buf);

	if (f->type == ST_FILE_SYMLINK)
		snprintf(buf + n, cap - n, "%s%s@%zu->%s\n", prefix, f->path, f->layer,
			 f->link_target);
	else if (f->summarized)
		snprintf(buf + n, cap - n, "%s%s@%zu~%.*s\n", prefix, f->path, f->layer,
			 (int)f->data.len, f->data.ptr);
	else
		snprintf(buf + n, cap - n, "%s%s@%zu=%.*s\n", prefix, f->path, f->layer,
			 (int)f->data.len, f->data.ptr);
}

static bool rec_wants(void *ctx, const char *path, size_t len, uint64_t *max_bytes)
{
	struct recorder *r = ctx;
	size_t i;

	if (strlen(path) != len)
		return false;
	if (r->max_bytes != 0 && (r->capped == NULL || strcmp(r->capped, path) == 0))
		*max_bytes = r->max_bytes;
	if (r->want == NULL)
		return true;
	for (i = 0; r->want[i] != NULL; i++) {
		if (strcmp(r->want[i], path) == 0)
			return true;
	}
	return false;
}

static int rec_layer(void *ctx, const struct st_walk_file *f, struct strata_error *err)
{
	struct recorder *r = ctx;
	char prefix[32];

	/* A removal is shown as "L<layer>:-<path>". */
	snprintf(prefix, sizeof(prefix), "L%zu:%s", f->layer, f->removed ? "-" : "");
	if (f->removed) {
		size_t n = strlen(r->history);

		snprintf(r->history + n, sizeof(r->history) - n, "%s%s\n", prefix, f->path);
		return 0;
	}
	append(r->history, sizeof(r->history), f, prefix);
	return 0;
}

static int rec_final(void *ctx, const struct st_walk_file *f, struct strata_error *err)
{
	struct recorder *r = ctx;

	if (r->fail_final != 0)
		return st_error_set(err, r->fail_final, "visitor rejected %s", f->path);
	append(r->final, sizeof(r->final), f, "");
	return 0;
}

static bool rec_wants_summary(void *ctx, const char *path, size_t len, uint64_t size,
			      unsigned mode)
{
	struct recorder *r = ctx;
	size_t suffix;

	if (r->summary_suffix == NULL)
		return false;
	suffix = strlen(r->summary_suffix);
	return len >= suffix && strcmp(path + len - suffix, r->summary_suffix) == 0;
}

static int rec_summarize(void *ctx, const struct st_walk_file *meta, struct st_stream *content,
			 struct st_buf *out, struct st_diag *diag, struct strata_error *err)
{
	struct recorder *r = ctx;
	char first[4] = "";
	char chunk[5];
	uint64_t total = 0;
	size_t i;
	int rc;

	atomic_fetch_add(&r->summaries, 1);
	for (;;) {
		size_t want = sizeof(chunk);
		ssize_t n;

		if (r->summary_read_max != 0 && total >= r->summary_read_max)
			break;
		if (r->summary_read_max != 0 && r->summary_read_max - total < want)
			want = (size_t)(r->summary_read_max - total);
		n = st_stream_read(content, chunk, want, err);
		if (n < 0 && r->summary_ignore_errors)
			break;
		if (n < 0)
			return (int)n;
		if (n == 0)
			break;
		for (i = 0; i < (size_t)n && total + i < 3; i++)
			first[total + i] = chunk[i];
		total += (uint64_t)n;
	}
	if (r->summary_fail != 0) {
		st_diag(diag, ST_DIAG_DEBUG, "summarizer gives up on %s", meta->path);
		return st_error_set(err, r->summary_fail, "no archive in %s", meta->path);
	}
	rc = st_buf_printf(out, err, "sum:%llu:%s", (unsigned long long)total, first);
	for (i = 0; rc == 0 && i < r->summary_padding; i++)
		rc = st_buf_putc(out, 'x', err);
	return rc;
}

static void rec_diag(void *ctx, int level, const char *msg)
{
	struct recorder *r = ctx;
	size_t n = strlen(r->diag);

	snprintf(r->diag + n, sizeof(r->diag) - n, "%s\n", msg);
}

static void rec_init(struct recorder *r, const char *const *want)
{
	memset(r, 0, sizeof(*r));
	r->want = want;
	strata_limits_default(&r->limits);
	r->sink.fn = rec_diag;
	r->sink.ctx = r;
	r->opts.limits = &r->limits;
	r->opts.diag = &r->sink;
	r->visitor.wants = rec_wants;
	r->visitor.on_layer_file = rec_layer;
	r->visitor.on_final_file = rec_final;
	r->visitor.wants_summary = rec_wants_summary;
	r->visitor.summarize = rec_summarize;
	r->visitor.ctx = r;
}

/* The outcome of one walk, for comparing thread counts. */
struct outcome {
	int rc;
	char msg[STRATA_ERROR_MSG_MAX];
	char final[8192];
	char history[8192];
	char diag[8192];
	struct st_walk_layer_stats stats[MAX_LAYERS];
};

/* ORDER, when not NULL, is the order in which workers take the layers. */
static void run_once(struct layers *l, struct recorder *r, uint32_t threads,
		     const size_t *order, struct outcome *o)
{
	struct strata_error err;

	r->final[0] = '\0';
	r->history[0] = '\0';
	r->diag[0] = '\0';
	r->sink.warnings = 0;
	atomic_store(&r->summaries, 0);
	r->limits.scan_threads = threads;
	memset(l->opens, 0, sizeof(l->opens));
	strata_error_clear(&err);
	o->rc = st_walk_layers_ordered(l->count, mem_open, l, NULL, order, &r->visitor, &r->opts,
				       o->stats, &err);
	snprintf(o->msg, sizeof(o->msg), "%s", err.msg);
	snprintf(o->final, sizeof(o->final), "%s", r->final);
	snprintf(o->history, sizeof(o->history), "%s", r->history);
	/* Messages are passed on in layer order, whatever the threads. */
	snprintf(o->diag, sizeof(o->diag), "%s", r->diag);
}

static bool same_outcome(const struct outcome *a, const struct outcome *b, size_t layers)
{
	return a->rc == b->rc && strcmp(a->msg, b->msg) == 0 &&
	       strcmp(a->final, b->final) == 0 && strcmp(a->history, b->history) == 0 &&
	       strcmp(a->diag, b->diag) == 0 &&
	       (a->rc != 0 || memcmp(a->stats, b->stats, layers * sizeof(a->stats[0])) == 0);
}

/* Walks the layers. Unless the test chose scan_threads, the walk runs with
 * 4 and 2 threads, with 2 threads taking the layers last first, and then
 * with 1 thread, and any difference from the one-thread result (code,
 * error, files, history, diagnostics in their order, stats) fails the run with
 * STRATA_EINTERNAL. The test sees the state of the one-thread run. */
static int run(struct layers *l, struct recorder *r, struct st_walk_layer_stats *stats,
	       struct strata_error *err)
{
	static const uint32_t threads[] = {4, 2, 2};
	static struct outcome other;
	static struct outcome one;
	uint32_t chosen = r->limits.scan_threads;
	size_t reversed[MAX_LAYERS];
	size_t i;

	for (i = 0; i < l->count; i++) {
		if (l->tar[i].a != NULL)
			tar_end(&l->tar[i]);
		reversed[i] = l->count - 1 - i;
	}
	for (i = 0; chosen == 0 && i < ST_ARRAY_LEN(threads); i++) {
		run_once(l, r, threads[i], i == 2 ? reversed : NULL, &other);
		if (i == 0)
			one = other;
		else if (!same_outcome(&one, &other, l->count))
			break;
	}
	run_once(l, r, chosen != 0 ? chosen : 1, NULL, &one);
	r->limits.scan_threads = chosen;
	if (stats != NULL)
		memcpy(stats, one.stats, l->count * sizeof(*stats));
	strata_error_clear(err);
	if (chosen == 0 && !same_outcome(&one, &other, l->count)) {
		fprintf(stderr, "# 1 thread: rc %d '%s'\n#   files: %s\n", one.rc, one.msg,
			one.final);
		fprintf(stderr, "# more threads: rc %d '%s'\n#   files: %s\n", other.rc,
			other.msg, other.final);
		return st_error_set(err, STRATA_EINTERNAL, "results differ between thread counts");
	}
	if (one.rc != 0)
		st_error_set(err, one.rc, "%s", one.msg);
	return one.rc;
}

/* Runs the walk and checks that it succeeded. */
#define RUN_OK(l, r)                                                           \
	do {                                                                   \
		struct strata_error run_err_;                                  \
		int run_rc_ = run((l), (r), NULL, &run_err_);                  \
		if (run_rc_ != 0)                                              \
			fprintf(stderr, "# walk failed: %s\n", run_err_.msg);  \
		ST_CHECK_INT(run_rc_, 0);                                      \
	} while (0)

/* Opens layer INDEX like mem_open, but layer 0 only after 100 ms, so that
 * a worker reading another layer finishes first. */
static int slow_first_open(void *ctx, size_t index, struct st_stream **out,
			   struct strata_error *err)
{
	if (index == 0) {
		struct timespec wait = {0, 100 * 1000 * 1000};

		nanosleep(&wait, NULL);
	}
	return mem_open(ctx, index, out, err);
}

/* Messages reach the diagnostics in layer order, even when a worker reads
 * a later layer first: they are held until the layer is merged. */
ST_TEST(walk_messages_in_layer_order)
{
	struct layers l;
	struct recorder r;
	struct strata_error err;
	struct tar *t;
	const char *first;
	const char *second;
	size_t i;

	layers_init(&l);
	rec_init(&r, NULL);
	t = layer(&l);
	tar_file(t, "/zero", "0");
	t = layer(&l);
	tar_file(t, "/one", "1");
	for (i = 0; i < l.count; i++)
		tar_end(&l.tar[i]);
	r.limits.scan_threads = 2;
	ST_CHECK_INT(st_walk_layers(l.count, slow_first_open, &l, NULL, &r.visitor, &r.opts, NULL,
				    &err),
		     0);
	first = strstr(r.diag, "entry '/zero' has an absolute name");
	second = strstr(r.diag, "entry '/one' has an absolute name");
	ST_CHECK(first != NULL && second != NULL);
	ST_CHECK(first < second);
	layers_free(&l);
	return ST_TEST_PASS;
}

/* Plain layering ---------------------------------------------------------- */

ST_TEST(walk_files_across_layers)
{
	struct layers l;
	struct recorder r;
	struct st_walk_layer_stats stats[2];
	struct strata_error err;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, NULL);
	t = layer(&l);
	tar_dir(t, "etc/");
	tar_file(t, "etc/a", "1");
	tar_file(t, "etc/b", "2");
	t = layer(&l);
	tar_file(t, "./etc/b", "22");
	tar_file(t, "etc//c", "333");

	ST_CHECK_INT(run(&l, &r, stats, &err), 0);
	ST_CHECK_STR(r.final, "etc/a@0=1\netc/b@1=22\netc/c@1=333\n");
	ST_CHECK_STR(r.history, "L0:etc/a@0=1\nL0:etc/b@0=2\nL1:etc/b@1=22\nL1:etc/c@1=333\n");
	ST_CHECK_INT(stats[0].entries, 3);
	ST_CHECK_INT(stats[0].regular_files, 2);
	ST_CHECK_INT(stats[0].content_bytes, 2);
	ST_CHECK_INT(stats[1].entries, 2);
	ST_CHECK_INT(stats[1].content_bytes, 5);
	ST_CHECK_INT(stats[1].uncompressed_bytes, l.tar[1].used);
	ST_CHECK_INT(l.opens[0], 1);
	ST_CHECK_INT(l.opens[1], 1);
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_small_reads)
{
	struct layers l;
	struct recorder r;
	struct tar *t;

	layers_init(&l);
	l.chunk = 7;
	rec_init(&r, NULL);
	t = layer(&l);
	tar_file(t, "a", "hello");
	tar_file(t, "b", "world");
	RUN_OK(&l, &r);
	ST_CHECK_STR(r.final, "a@0=hello\nb@0=world\n");
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_only_wanted_files)
{
	static const char *const want[] = {"etc/os-release", "usr/lib/os-release", NULL};
	struct layers l;
	struct recorder r;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, want);
	t = layer(&l);
	tar_file(t, "etc/passwd", "root");
	tar_symlink(t, "etc/os-release", "../usr/lib/os-release");
	tar_file(t, "usr/lib/os-release", "ID=test");
	RUN_OK(&l, &r);
	ST_CHECK_STR(r.final, "etc/os-release@0->../usr/lib/os-release\nusr/lib/os-release@0=ID=test\n");
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_duplicate_entry_last_wins)
{
	struct layers l;
	struct recorder r;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, NULL);
	t = layer(&l);
	tar_file(t, "a", "first");
	tar_file(t, "b", "b");
	tar_file(t, "a", "second");
	RUN_OK(&l, &r);
	ST_CHECK_STR(r.final, "a@0=second\nb@0=b\n");
	ST_CHECK_STR(r.history, "L0:a@0=second\nL0:b@0=b\n");
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_layer_history_order)
{
	static const char *const want[] = {"var/lib/dpkg/status", "etc/issue", NULL};
	struct layers l;
	struct recorder r;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, want);
	t = layer(&l);
	tar_file(t, "var/lib/dpkg/status", "v1");
	tar_file(t, "etc/issue", "i1");
	t = layer(&l);
	tar_file(t, "var/lib/dpkg/status", "v2");
	t = layer(&l);
	tar_file(t, "tmp/unrelated", "x");
	t = layer(&l);
	tar_file(t, "var/lib/dpkg/status", "v3");
	tar_file(t, "etc/issue", "i3");
	RUN_OK(&l, &r);
	ST_CHECK_STR(r.history, "L0:etc/issue@0=i1\nL0:var/lib/dpkg/status@0=v1\n"
				"L1:var/lib/dpkg/status@1=v2\n"
				"L3:etc/issue@3=i3\nL3:var/lib/dpkg/status@3=v3\n");
	ST_CHECK_STR(r.final, "etc/issue@3=i3\nvar/lib/dpkg/status@3=v3\n");
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_final_layer_attribution)
{
	struct layers l;
	struct recorder r;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, NULL);
	t = layer(&l);
	tar_file(t, "a", "0");
	tar_file(t, "b", "0");
	tar_file(t, "c", "0");
	t = layer(&l);
	tar_file(t, "b", "1");
	t = layer(&l);
	tar_dir(t, "a/");
	tar_file(t, "c", "2");
	RUN_OK(&l, &r);
	ST_CHECK_STR(r.final, "b@1=1\nc@2=2\n");
	layers_free(&l);
	return ST_TEST_PASS;
}

/* Whiteouts --------------------------------------------------------------- */

/* on_layer_file is called for each wanted lower file that a layer removes,
 * whatever removes it (an opaque directory, a directory in its place),
 * before the files the layer writes, but not for a file it rewrites. */
ST_TEST(walk_removals_reported)
{
	struct layers l;
	struct recorder r;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, NULL);
	t = layer(&l);
	tar_file(t, "a/x", "1");
	tar_file(t, "b", "2");
	tar_file(t, "c", "3");
	t = layer(&l);
	tar_file(t, "c", "4");
	tar_dir(t, "b");
	tar_file(t, "a/.wh..wh..opq", "");
	RUN_OK(&l, &r);
	ST_CHECK_STR(r.final, "c@1=4\n");
	ST_CHECK_STR(r.history, "L0:a/x@0=1\nL0:b@0=2\nL0:c@0=3\nL1:-a/x\nL1:-b\nL1:c@1=4\n");
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_file_whiteout)
{
	struct layers l;
	struct recorder r;
	struct st_walk_layer_stats stats[2];
	struct strata_error err;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, NULL);
	t = layer(&l);
	tar_file(t, "etc/a", "a");
	tar_file(t, "etc/b", "b");
	t = layer(&l);
	tar_file(t, "etc/.wh.a", "");
	ST_CHECK_INT(run(&l, &r, stats, &err), 0);
	ST_CHECK_STR(r.final, "etc/b@0=b\n");
	ST_CHECK_STR(r.history, "L0:etc/a@0=a\nL0:etc/b@0=b\nL1:-etc/a\n");
	ST_CHECK_INT(stats[1].whiteouts, 1);
	ST_CHECK_INT(stats[1].regular_files, 0);
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_directory_whiteout_hides_subtree)
{
	struct layers l;
	struct recorder r;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, NULL);
	t = layer(&l);
	tar_file(t, "d/x", "x");
	tar_file(t, "d/sub/y", "y");
	tar_file(t, "d-x", "sibling");
	tar_file(t, "dz", "sibling");
	tar_file(t, "d.txt", "sibling");
	t = layer(&l);
	tar_file(t, ".wh.d", "");
	RUN_OK(&l, &r);
	ST_CHECK_STR(r.final, "d-x@0=sibling\nd.txt@0=sibling\ndz@0=sibling\n");
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_whiteout_spares_own_layer)
{
	struct layers l;
	struct recorder r;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, NULL);
	t = layer(&l);
	tar_file(t, "d/old", "old");
	tar_file(t, "f", "old");
	t = layer(&l);
	tar_file(t, "d/new", "new");
	tar_file(t, "f", "new");
	tar_file(t, ".wh.d", "");
	tar_file(t, ".wh.f", "");
	RUN_OK(&l, &r);
	ST_CHECK_STR(r.final, "d/new@1=new\nf@1=new\n");
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_opaque_marker_before_files)
{
	struct layers l;
	struct recorder r;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, NULL);
	t = layer(&l);
	tar_file(t, "d/old", "old");
	tar_file(t, "d/sub/old2", "old");
	tar_file(t, "d", "never"); /* replaced by the directory below */
	tar_dir(t, "d/");
	tar_file(t, "d/old", "old");
	tar_file(t, "e/keep", "keep");
	tar_file(t, "dd/keep", "keep");
	t = layer(&l);
	tar_dir(t, "d/");
	tar_file(t, "d/.wh..wh..opq", "");
	tar_file(t, "d/new", "new");
	RUN_OK(&l, &r);
	ST_CHECK_STR(r.final, "d/new@1=new\ndd/keep@0=keep\ne/keep@0=keep\n");
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_opaque_marker_after_files)
{
	struct layers l;
	struct recorder r;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, NULL);
	t = layer(&l);
	tar_file(t, "d/old", "old");
	tar_file(t, "d/sub/old2", "old");
	tar_file(t, "e/keep", "keep");
	t = layer(&l);
	tar_dir(t, "d/");
	tar_file(t, "d/new", "new");
	tar_file(t, "d/sub/new2", "new");
	tar_file(t, "d/.wh..wh..opq", "");
	RUN_OK(&l, &r);
	ST_CHECK_STR(r.final, "d/new@1=new\nd/sub/new2@1=new\ne/keep@0=keep\n");
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_opaque_marker_at_root)
{
	struct layers l;
	struct recorder r;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, NULL);
	t = layer(&l);
	tar_file(t, "a", "a");
	tar_file(t, "b/c", "c");
	t = layer(&l);
	tar_file(t, "z", "z");
	tar_file(t, ".wh..wh..opq", "");
	RUN_OK(&l, &r);
	ST_CHECK_STR(r.final, "z@1=z\n");
	layers_free(&l);
	return ST_TEST_PASS;
}

/* Per image-spec layer.md, ".wh." plus a base name is a whiteout, and only
 * the exact name ".wh..wh..opq" is opaque. Every ".wh." name is a marker
 * and never a file. */
ST_TEST(walk_whiteout_lookalikes)
{
	struct layers l;
	struct recorder r;
	struct st_walk_layer_stats stats[2];
	struct strata_error err;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, NULL);
	t = layer(&l);
	tar_file(t, "d/x", "x");
	tar_file(t, "d/y", "y");
	tar_file(t, "d/.wh.y", ""); /* whiteout in the lowest layer */
	t = layer(&l);
	tar_file(t, "d/.wh..wh..opqX", "");   /* whiteout of ".wh..opqX" */
	tar_file(t, "d/.wh..wh.plnk", "");    /* aufs metadata */
	tar_file(t, "d/x.wh.y", "normal");    /* ".wh." not at the start */
	tar_file(t, "d/..wh.z", "normal");
	tar_file(t, "d/.wh.", "");            /* names no file */
	tar_file(t, "d/.wh..", "");           /* would name d itself */
	tar_file(t, "d/.wh...", "");          /* would name the parent */
	tar_dir(t, "d/.wh.dir/");             /* a directory-shaped marker */
	ST_CHECK_INT(run(&l, &r, stats, &err), 0);
	ST_CHECK_STR(r.final, "d/..wh.z@1=normal\nd/x@0=x\nd/x.wh.y@1=normal\nd/y@0=y\n");
	ST_CHECK_INT(stats[0].whiteouts, 1);
	ST_CHECK_INT(stats[1].whiteouts, 6);
	ST_CHECK(strstr(r.diag, "ignoring whiteout 'd/.wh.'") != NULL);
	ST_CHECK(strstr(r.diag, "ignoring whiteout 'd/.wh..'") != NULL);
	ST_CHECK(strstr(r.diag, "ignoring whiteout 'd/.wh...'") != NULL);
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_whiteout_in_lowest_layer)
{
	struct layers l;
	struct recorder r;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, NULL);
	t = layer(&l);
	tar_file(t, ".wh.a", "");
	tar_file(t, "a", "a");
	tar_file(t, "dir/.wh..wh..opq", "");
	tar_file(t, "dir/f", "f");
	tar_file(t, "dir/.wh..wh..opq", "");
	RUN_OK(&l, &r);
	ST_CHECK_STR(r.final, "a@0=a\ndir/f@0=f\n");
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_whiteout_then_recreate)
{
	struct layers l;
	struct recorder r;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, NULL);
	t = layer(&l);
	tar_file(t, "a", "0");
	t = layer(&l);
	tar_file(t, ".wh.a", "");
	t = layer(&l);
	tar_file(t, "a", "2");
	RUN_OK(&l, &r);
	ST_CHECK_STR(r.final, "a@2=2\n");
	ST_CHECK_STR(r.history, "L0:a@0=0\nL1:-a\nL2:a@2=2\n");
	layers_free(&l);
	return ST_TEST_PASS;
}

/* Replacement by type ------------------------------------------------------ */

ST_TEST(walk_directory_replaced_by_file)
{
	struct layers l;
	struct recorder r;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, NULL);
	t = layer(&l);
	tar_file(t, "d/x", "x");
	tar_file(t, "d/sub/y", "y");
	tar_file(t, "d0", "keep");
	t = layer(&l);
	tar_file(t, "d", "file now");
	RUN_OK(&l, &r);
	ST_CHECK_STR(r.final, "d@1=file now\nd0@0=keep\n");
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_directory_replaced_by_symlink)
{
	struct layers l;
	struct recorder r;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, NULL);
	t = layer(&l);
	tar_file(t, "lib/x", "x");
	tar_file(t, "lib/sub/y", "y");
	t = layer(&l);
	tar_symlink(t, "lib", "usr/lib");
	RUN_OK(&l, &r);
	ST_CHECK_STR(r.final, "lib@1->usr/lib\n");
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_file_replaced_by_directory)
{
	struct layers l;
	struct recorder r;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, NULL);
	t = layer(&l);
	tar_file(t, "p", "file");
	tar_symlink(t, "q", "elsewhere");
	t = layer(&l);
	tar_dir(t, "p/");
	tar_file(t, "p/child", "c");
	tar_dir(t, "q");
	RUN_OK(&l, &r);
	ST_CHECK_STR(r.final, "p/child@1=c\n");
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_directories_merge)
{
	struct layers l;
	struct recorder r;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, NULL);
	t = layer(&l);
	tar_dir(t, "d/");
	tar_file(t, "d/a", "a");
	t = layer(&l);
	tar_dir(t, "d/");
	tar_file(t, "d/b", "b");
	RUN_OK(&l, &r);
	ST_CHECK_STR(r.final, "d/a@0=a\nd/b@1=b\n");
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_special_files_counted)
{
	struct layers l;
	struct recorder r;
	struct st_walk_layer_stats stats[2];
	struct strata_error err;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, NULL);
	t = layer(&l);
	tar_file(t, "dev/null", "not a device yet");
	tar_file(t, "run/fifo/x", "x");
	t = layer(&l);
	tar_add(t, "dev/null", AE_IFCHR, 0666, NULL, 0, NULL, NULL);
	tar_add(t, "run/fifo", AE_IFIFO, 0600, NULL, 0, NULL, NULL);
	ST_CHECK_INT(run(&l, &r, stats, &err), 0);
	ST_CHECK_STR(r.final, "");
	ST_CHECK_INT(stats[1].special_files, 2);
	ST_CHECK_INT(stats[1].entries, 2);
	layers_free(&l);
	return ST_TEST_PASS;
}

static unsigned seen_mode[2];

static int mode_final(void *ctx, const struct st_walk_file *f, struct strata_error *err)
{
	seen_mode[strcmp(f->path, "usr/bin/su") == 0 ? 0 : 1] = f->mode;
	return 0;
}

ST_TEST(walk_reports_mode_bits)
{
	struct layers l;
	struct recorder r;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, NULL);
	t = layer(&l);
	tar_add(t, "usr/bin/su", AE_IFREG, 04755, "elf", 3, NULL, NULL);
	tar_add(t, "usr/bin/wall", AE_IFREG, 02711, "elf", 3, NULL, NULL);
	r.visitor.on_final_file = mode_final;
	RUN_OK(&l, &r);
	ST_CHECK_INT(seen_mode[0], 04755);
	ST_CHECK_INT(seen_mode[1], 02711);
	layers_free(&l);
	return ST_TEST_PASS;
}

/* Hard links ------------------------------------------------------------ */

ST_TEST(walk_hardlink_to_unwanted_file)
{
	static const char *const want[] = {"link", NULL};
	struct layers l;
	struct recorder r;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, want);
	t = layer(&l);
	tar_file(t, "data/orig", "content");
	tar_file(t, "other", "x");
	tar_hardlink(t, "link", "data/orig");
	RUN_OK(&l, &r);
	ST_CHECK_STR(r.final, "link@0=content\n");
	ST_CHECK_INT(l.opens[0], 2);
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_hardlink_to_captured_file)
{
	struct layers l;
	struct recorder r;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, NULL);
	t = layer(&l);
	tar_file(t, "a", "content");
	tar_hardlink(t, "b", "a");
	tar_hardlink(t, "c", "./b");
	RUN_OK(&l, &r);
	ST_CHECK_STR(r.final, "a@0=content\nb@0=content\nc@0=content\n");
	ST_CHECK_INT(l.opens[0], 1);
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_hardlink_chain)
{
	static const char *const want[] = {"c", NULL};
	struct layers l;
	struct recorder r;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, want);
	t = layer(&l);
	tar_file(t, "a", "content");
	tar_hardlink(t, "b", "a");
	tar_file(t, "a", "rewritten after b");
	tar_hardlink(t, "c", "b");
	RUN_OK(&l, &r);
	ST_CHECK_STR(r.final, "c@0=content\n");
	ST_CHECK_INT(l.opens[0], 3);
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_hardlink_chain_too_long)
{
	static const char *const want[] = {"l12", NULL};
	struct layers l;
	struct recorder r;
	struct tar *t;
	char name[16];
	char prev[16];
	int i;

	layers_init(&l);
	rec_init(&r, want);
	t = layer(&l);
	tar_file(t, "l0", "content");
	for (i = 1; i <= 12; i++) {
		snprintf(name, sizeof(name), "l%d", i);
		snprintf(prev, sizeof(prev), "l%d", i - 1);
		tar_hardlink(t, name, prev);
	}
	RUN_OK(&l, &r);
	ST_CHECK_STR(r.final, "");
	ST_CHECK(strstr(r.diag, "'l12'") != NULL);
	ST_CHECK(strstr(r.diag, "chain of hard links too long") != NULL);
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_hardlink_to_symlink)
{
	static const char *const want[] = {"hl", NULL};
	struct layers l;
	struct recorder r;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, want);
	t = layer(&l);
	tar_symlink(t, "sl", "target");
	tar_hardlink(t, "hl", "sl");
	RUN_OK(&l, &r);
	ST_CHECK_STR(r.final, "hl@0->target\n");
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_hardlink_bad_targets)
{
	static const char *const want[] = {"missing", "later", "todir", "absolute", "up",
					   "marker", NULL};
	struct layers l;
	struct recorder r;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, want);
	t = layer(&l);
	tar_dir(t, "dir/");
	tar_file(t, ".wh.gone", "");
	tar_hardlink(t, "missing", "nothere");
	tar_hardlink(t, "later", "after");
	tar_hardlink(t, "todir", "dir");
	tar_hardlink(t, "absolute", "/etc/passwd");
	tar_hardlink(t, "up", "../etc/passwd");
	tar_hardlink(t, "marker", ".wh.gone");
	tar_file(t, "after", "too late");
	RUN_OK(&l, &r);
	ST_CHECK_STR(r.final, "");
	ST_CHECK(strstr(r.diag, "hard link 'missing' to 'nothere': target is not an earlier entry") != NULL);
	ST_CHECK(strstr(r.diag, "hard link 'later' to 'after': target is not an earlier entry") != NULL);
	ST_CHECK(strstr(r.diag, "hard link 'todir' to 'dir': target is not a regular file") != NULL);
	ST_CHECK(strstr(r.diag, "hard link 'absolute' to 'etc/passwd': target is not an earlier entry") !=
		 NULL);
	ST_CHECK(strstr(r.diag, "hard link 'up': its target is outside the layer") != NULL);
	ST_CHECK(strstr(r.diag, "hard link 'marker' to '.wh.gone': target is not a regular file") != NULL);
	layers_free(&l);
	return ST_TEST_PASS;
}

/* An absolute link target is read inside the root, as the entry names. */
ST_TEST(walk_hardlink_absolute_target)
{
	static const char *const want[] = {"etc/passwd", "copy", NULL};
	struct layers l;
	struct recorder r;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, want);
	t = layer(&l);
	tar_file(t, "etc/passwd", "root");
	tar_hardlink(t, "copy", "/etc/passwd");
	RUN_OK(&l, &r);
	ST_CHECK_STR(r.final, "copy@0=root\netc/passwd@0=root\n");
	ST_CHECK_STR(r.diag, "");
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_hardlink_not_across_layers)
{
	static const char *const want[] = {"link", NULL};
	struct layers l;
	struct recorder r;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, want);
	t = layer(&l);
	tar_file(t, "orig", "layer 0");
	t = layer(&l);
	tar_hardlink(t, "link", "orig");
	RUN_OK(&l, &r);
	ST_CHECK_STR(r.final, "");
	ST_CHECK(strstr(r.diag, "layer 1: skipping hard link 'link' to 'orig'") != NULL);
	ST_CHECK_INT(l.opens[1], 2);
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_hardlink_respects_size_cap)
{
	static const char *const want[] = {"link", "link2", NULL};
	struct layers l;
	struct recorder r;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, want);
	r.limits.cataloged_file_bytes = 4;
	t = layer(&l);
	tar_file(t, "big", "0123456789");
	tar_hardlink(t, "link", "big");
	tar_file(t, "small", "123");
	tar_hardlink(t, "link2", "small");
	RUN_OK(&l, &r);
	ST_CHECK_STR(r.final, "link2@0=123\n");
	ST_CHECK(strstr(r.diag, "hard link 'link' to 'big': target exceeds the size limit") != NULL);
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_hardlink_to_captured_file_over_cap)
{
	struct layers l;
	struct recorder r;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, NULL);
	r.max_bytes = 3;
	r.capped = "link";
	t = layer(&l);
	tar_file(t, "orig", "content");
	tar_hardlink(t, "link", "orig");
	RUN_OK(&l, &r);
	ST_CHECK_STR(r.final, "orig@0=content\n");
	ST_CHECK(strstr(r.diag, "skipping 'link': its 7 bytes exceed the 3-byte limit") != NULL);
	ST_CHECK_INT(l.opens[0], 1);
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_hardlink_chain_through_pending_link)
{
	static const char *const want[] = {"b", "c", NULL};
	struct layers l;
	struct recorder r;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, want);
	t = layer(&l);
	tar_file(t, "a", "content");
	tar_hardlink(t, "b", "a");
	tar_hardlink(t, "c", "b");
	RUN_OK(&l, &r);
	ST_CHECK_STR(r.final, "b@0=content\nc@0=content\n");
	ST_CHECK_INT(l.opens[0], 2);
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_hardlink_shadowed_before_end)
{
	static const char *const want[] = {"link", NULL};
	struct layers l;
	struct recorder r;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, want);
	t = layer(&l);
	tar_file(t, "orig", "content");
	tar_hardlink(t, "link", "orig");
	tar_dir(t, "link");
	RUN_OK(&l, &r);
	ST_CHECK_STR(r.final, "");
	ST_CHECK_INT(l.opens[0], 1);
	layers_free(&l);
	return ST_TEST_PASS;
}

/* Names and limits ------------------------------------------------------- */

struct norm_case {
	const char *in;
	int rc;
	const char *out;
};

ST_TEST(path_normalize_cases)
{
	static const struct norm_case cases[] = {
		{"a/b/c", 0, "a/b/c"},
		{"./a//b/./c/", 0, "a/b/c"},
		{"./", 0, ""},
		{".", 0, ""},
		{"", 0, ""},
		{"..a/b..", 0, "..a/b.."},
		{".../x", 0, ".../x"},
		{"a\\b", 0, "a\\b"},
		{"/etc/passwd", 0, "etc/passwd"},
		{"//etc", 0, "etc"},
		{"/", 0, ""},
		{"a/b/../c", 0, "a/c"},
		{"a/..", 0, ""},
		{"./a/./../b", 0, "b"},
		{"a/b/c/../../d/..", 0, "a"},
		{"..", STRATA_ECORRUPT, NULL},
		{"../etc", STRATA_ECORRUPT, NULL},
		{"a/../../etc", STRATA_ECORRUPT, NULL},
		{"/../etc", STRATA_ECORRUPT, NULL},
		{"a/../b/../..", STRATA_ECORRUPT, NULL},
	};
	struct strata_limits lim;
	struct strata_error err;
	char out[64];
	size_t len;
	size_t i;

	strata_limits_default(&lim);
	for (i = 0; i < ST_ARRAY_LEN(cases); i++) {
		int rc = st_path_normalize(cases[i].in, out, sizeof(out), &len, &lim, &err);

		if (rc != cases[i].rc)
			fprintf(stderr, "# case '%s'\n", cases[i].in);
		ST_CHECK_INT(rc, cases[i].rc);
		if (rc == 0) {
			ST_CHECK_STR(out, cases[i].out);
			ST_CHECK_INT(len, strlen(cases[i].out));
		} else {
			ST_CHECK(strstr(err.msg, "entry '") != NULL);
		}
	}
	return ST_TEST_PASS;
}

ST_TEST(path_normalize_limits)
{
	struct strata_limits lim;
	struct strata_error err;
	char out[64];
	size_t len;

	strata_limits_default(&lim);
	lim.path_bytes = 5;
	ST_CHECK_INT(st_path_normalize("./ab/cd/", out, sizeof(out), &len, &lim, &err), 0);
	ST_CHECK_INT(st_path_normalize("abcde", out, sizeof(out), &len, &lim, &err), 0);
	ST_CHECK_INT(st_path_normalize("abcdef", out, sizeof(out), &len, &lim, &err), STRATA_ELIMIT);
	ST_CHECK(strstr(err.msg, "path_bytes") != NULL);
	ST_CHECK_INT(st_path_normalize("ab/cde", out, sizeof(out), &len, &lim, &err), STRATA_ELIMIT);

	strata_limits_default(&lim);
	lim.path_depth = 2;
	ST_CHECK_INT(st_path_normalize("a/b/", out, sizeof(out), &len, &lim, &err), 0);
	ST_CHECK_INT(st_path_normalize("a/b/c", out, sizeof(out), &len, &lim, &err), STRATA_ELIMIT);
	ST_CHECK(strstr(err.msg, "path_depth") != NULL);

	strata_limits_default(&lim);
	ST_CHECK_INT(st_path_normalize("abcd", out, 5, &len, &lim, &err), 0);
	ST_CHECK_INT(st_path_normalize("abcde", out, 5, &len, &lim, &err), STRATA_ELIMIT);
	ST_CHECK_INT(st_path_normalize("abc", out, 0, &len, &lim, &err), STRATA_EINVAL);
	ST_CHECK_INT(st_path_normalize("a/b", out, sizeof(out), &len, NULL, &err), 0);
	return ST_TEST_PASS;
}

/* A name above the root is left out with a warning that names the layer
 * and the entry, and the rest of the layer is read. */
ST_TEST(walk_skips_names_above_root)
{
	static const char *const bad[] = {"../etc/passwd", "a/../../b", "/../x"};
	static const char *const names[] = {"sha256:0123abcd"};
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(bad); i++) {
		struct layers l;
		struct recorder r;
		struct strata_error err;
		char warning[128];
		struct tar *t;

		layers_init(&l);
		rec_init(&r, NULL);
		t = layer(&l);
		tar_file(t, "ok", "ok");
		tar_file(t, bad[i], "evil");
		tar_file(t, "after", "read");
		tar_end(t);
		ST_CHECK_INT(st_walk_layers(1, mem_open, &l, names, &r.visitor, &r.opts, NULL, &err),
			     0);
		ST_CHECK_STR(r.final, "after@0=read\nok@0=ok\n");
		snprintf(warning, sizeof(warning),
			 "layer sha256:0123abcd: skipping entry '%s': path climbs above the root",
			 bad[i]);
		ST_CHECK(strstr(r.diag, warning) != NULL);
		layers_free(&l);
	}
	return ST_TEST_PASS;
}

/* An absolute name is read inside the root, as container runtimes place
 * it. */
ST_TEST(walk_absolute_name_inside_root)
{
	struct layers l;
	struct recorder r;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, NULL);
	t = layer(&l);
	tar_file(t, "etc/passwd", "lower");
	t = layer(&l);
	tar_file(t, "/etc/passwd", "upper");
	tar_file(t, "/usr/../etc/group", "group");
	RUN_OK(&l, &r);
	ST_CHECK_STR(r.final, "etc/group@1=group\netc/passwd@1=upper\n");
	ST_CHECK(strstr(r.diag, "entry '/etc/passwd' has an absolute name; it is read inside the "
				"image root as 'etc/passwd'") != NULL);
	ST_CHECK(strstr(r.diag, "entry '/usr/../etc/group' has an absolute name; it is read inside "
				"the image root as 'etc/group'") != NULL);
	layers_free(&l);
	return ST_TEST_PASS;
}

/* Only the first ten unsafe names of a layer get a warning each; one line
 * counts the rest. */
ST_TEST(walk_unsafe_name_warnings_capped)
{
	static const char *const names[] = {"sha256:0123abcd"};
	struct layers l;
	struct recorder r;
	struct strata_error err;
	struct tar *t;
	const char *p;
	size_t count = 0;
	int i;

	layers_init(&l);
	rec_init(&r, NULL);
	t = layer(&l);
	for (i = 0; i < 25; i++) {
		char name[32];

		snprintf(name, sizeof(name), "../up%d", i);
		tar_file(t, name, "x");
	}
	tar_file(t, "kept", "yes");
	tar_end(t);
	ST_CHECK_INT(st_walk_layers(1, mem_open, &l, names, &r.visitor, &r.opts, NULL, &err), 0);
	ST_CHECK_STR(r.final, "kept@0=yes\n");
	for (p = r.diag; (p = strstr(p, "skipping entry")) != NULL; p++)
		count++;
	ST_CHECK_INT(count, 10);
	ST_CHECK(strstr(r.diag, "layer sha256:0123abcd: 15 more entries with absolute names or "
				"names above the root") != NULL);
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_path_limits)
{
	struct layers l;
	struct recorder r;
	struct strata_error err;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, NULL);
	r.limits.path_bytes = 10;
	t = layer(&l);
	tar_file(t, "0123456789", "fits");
	tar_file(t, "0123456789a", "too long");
	ST_CHECK_INT(run(&l, &r, NULL, &err), STRATA_ELIMIT);
	ST_CHECK(strstr(err.msg, "layer 0: entry '0123456789a'") != NULL);
	ST_CHECK(strstr(err.msg, "path_bytes") != NULL);
	layers_free(&l);

	layers_init(&l);
	rec_init(&r, NULL);
	r.limits.path_depth = 3;
	t = layer(&l);
	tar_file(t, "a/b/c", "fits");
	tar_file(t, "a/b/c/d", "too deep");
	ST_CHECK_INT(run(&l, &r, NULL, &err), STRATA_ELIMIT);
	ST_CHECK(strstr(err.msg, "path_depth") != NULL);
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_symlink_target_limit)
{
	struct layers l;
	struct recorder r;
	struct strata_error err;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, NULL);
	r.limits.path_bytes = 8;
	t = layer(&l);
	tar_symlink(t, "ok", "12345678");
	tar_symlink(t, "long", "123456789");
	ST_CHECK_INT(run(&l, &r, NULL, &err), STRATA_ELIMIT);
	ST_CHECK(strstr(err.msg, "layer 0: entry 'long': symlink target") != NULL);
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_long_names_through_pax)
{
	struct layers l;
	struct recorder r;
	struct tar *t;
	char name[400];
	char expected[512];

	memset(name, 'n', sizeof(name));
	memcpy(name, "deep/", 5);
	name[sizeof(name) - 1] = '\0';
	layers_init(&l);
	rec_init(&r, NULL);
	t = layer(&l);
	tar_file(t, name, "long");
	tar_file(t, "caf\xc3\xa9/menu", "utf-8");
	RUN_OK(&l, &r);
	snprintf(expected, sizeof(expected), "caf\xc3\xa9/menu@0=utf-8\n%s@0=long\n", name);
	ST_CHECK_STR(r.final, expected);
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_entries_per_layer_limit)
{
	struct layers l;
	struct recorder r;
	struct strata_error err;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, NULL);
	r.limits.entries_per_layer = 3;
	t = layer(&l);
	tar_dir(t, "d/");
	tar_file(t, "d/a", "a");
	tar_file(t, "d/b", "b");
	t = layer(&l);
	tar_dir(t, "d/");
	tar_file(t, "d/a", "a");
	tar_file(t, "d/b", "b");
	tar_file(t, "d/c", "c");
	ST_CHECK_INT(run(&l, &r, NULL, &err), STRATA_ELIMIT);
	ST_CHECK(strstr(err.msg, "layer 1") != NULL);
	ST_CHECK(strstr(err.msg, "entries_per_layer") != NULL);
	ST_CHECK_STR(r.final, "");
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_layers_limit)
{
	struct layers l;
	struct recorder r;
	struct strata_error err;

	layers_init(&l);
	rec_init(&r, NULL);
	r.limits.layers = 1;
	layer(&l);
	layer(&l);
	ST_CHECK_INT(run(&l, &r, NULL, &err), STRATA_ELIMIT);
	ST_CHECK(strstr(err.msg, "layers limit") != NULL);
	ST_CHECK_INT(l.opens[0], 0);
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_file_size_cap_skips_with_warning)
{
	struct layers l;
	struct recorder r;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, NULL);
	r.limits.cataloged_file_bytes = 4;
	t = layer(&l);
	tar_file(t, "big", "1");
	tar_file(t, "d/x", "1");
	t = layer(&l);
	tar_file(t, "big", "0123456789");
	tar_file(t, "d", "01234");
	tar_file(t, "fits", "0123");
	RUN_OK(&l, &r);
	/* The skipped files still replace the lower ones. */
	ST_CHECK_STR(r.final, "fits@1=0123\n");
	ST_CHECK(strstr(r.diag, "layer 1: skipping 'big': its 10 bytes exceed the 4-byte limit") != NULL);
	ST_CHECK(strstr(r.diag, "skipping 'd': its 5 bytes") != NULL);
	ST_CHECK_INT(r.sink.warnings, 2);
	/* d/x was removed (a file took the place of d); big was replaced,
	 * though by a version over the cap, so it is no removal. */
	ST_CHECK_STR(r.history, "L0:big@0=1\nL0:d/x@0=1\nL1:-d/x\nL1:fits@1=0123\n");
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_visitor_lowers_size_cap)
{
	struct layers l;
	struct recorder r;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, NULL);
	r.max_bytes = 3;
	t = layer(&l);
	tar_file(t, "a", "abc");
	tar_file(t, "b", "abcd");
	RUN_OK(&l, &r);
	ST_CHECK_STR(r.final, "a@0=abc\n");
	ST_CHECK(strstr(r.diag, "skipping 'b'") != NULL);
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_total_bytes_limit)
{
	struct layers l;
	struct recorder r;
	struct strata_error err;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, NULL);
	r.limits.cataloged_total_bytes = 10;
	t = layer(&l);
	tar_file(t, "a", "123456");
	tar_file(t, "a", "1234"); /* replaces the first: 4 bytes held */
	tar_file(t, "b", "123456");
	RUN_OK(&l, &r);
	ST_CHECK_STR(r.final, "a@0=1234\nb@0=123456\n");
	layers_free(&l);

	layers_init(&l);
	rec_init(&r, NULL);
	r.limits.cataloged_total_bytes = 10;
	t = layer(&l);
	tar_file(t, "a", "123456");
	tar_file(t, "b", "123456");
	ST_CHECK_INT(run(&l, &r, NULL, &err), STRATA_ELIMIT);
	ST_CHECK(strstr(err.msg, "layer 0: entry 'b'") != NULL);
	ST_CHECK(strstr(err.msg, "cataloged_total_bytes") != NULL);
	layers_free(&l);
	return ST_TEST_PASS;
}

/* Damaged layers and failing streams -------------------------------------- */

static struct tar sample_tar(void)
{
	struct tar t;

	tar_begin(&t);
	tar_file(&t, "first", "first file");
	tar_file(&t, "second", "0123456789abcdef0123456789abcdef");
	tar_end(&t);
	return t;
}

ST_TEST(walk_truncated_tar)
{
	/* Offsets: 0 first header, 512 first data, 1024 second header, 1536
	 * second data, 2048 end of archive. */
	static const size_t cuts[] = {1100, 1540, 600};
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(cuts); i++) {
		struct layers l;
		struct recorder r;
		struct strata_error err;

		layers_init(&l);
		rec_init(&r, NULL);
		l.tar[0] = sample_tar();
		l.count = 1;
		ST_CHECK(l.tar[0].used > cuts[i]);
		l.tar[0].used = cuts[i];
		ST_CHECK_INT(run(&l, &r, NULL, &err), STRATA_ECORRUPT);
		ST_CHECK(strstr(err.msg, "layer 0") != NULL);
		/* Cut in the first entry's data: the error at the next header
		 * names that entry. */
		if (cuts[i] == 600)
			ST_CHECK(strstr(err.msg, "tar entry 1, after 'first'") != NULL);
		ST_CHECK_STR(r.final, "");
		ST_CHECK_STR(r.history, "");
		layers_free(&l);
	}
	return ST_TEST_PASS;
}

/* A single zero block before the second header ends the tar for
 * libarchive, while Go's archive/tar rejects the layer: the walk warns
 * that the rest is not read. Zero padding after the marker is normal. */
ST_TEST(walk_data_after_end_marker)
{
	static const size_t chunks[] = {1600, 100};
	struct layers l;
	struct recorder r;
	struct strata_error err;
	struct tar *t;
	size_t i;

	layers_init(&l);
	rec_init(&r, NULL);
	l.tar[0] = sample_tar();
	l.count = 1;
	t = &l.tar[0];
	ST_CHECK(t->used == 3072);
	memmove(t->buf + 1536, t->buf + 1024, t->used - 1024);
	memset(t->buf + 1024, 0, 512);
	t->used += 512;
	ST_CHECK_INT(run(&l, &r, NULL, &err), 0);
	ST_CHECK_STR(r.final, "first@0=first file\n");
	ST_CHECK(strstr(r.diag, "layer 0: data after the tar's end-of-archive marker, from byte "
				"1536, is not read") != NULL);
	layers_free(&l);

	layers_init(&l);
	rec_init(&r, NULL);
	l.tar[0] = sample_tar();
	l.count = 1;
	t = &l.tar[0];
	memset(t->buf + t->used, 0, 4096);
	t->used += 4096;
	ST_CHECK_INT(run(&l, &r, NULL, &err), 0);
	ST_CHECK(strstr(r.diag, "end-of-archive") == NULL);
	layers_free(&l);

	/* Regression: bytes after the marker in chunks before the last one
	 * were not checked, because libarchive's look-ahead pulls further
	 * chunks. Reads of 1600 bytes put the 60 bytes at 1536 in the chunk
	 * before the last, reads of 100 bytes several chunks back. */
	for (i = 0; i < ST_ARRAY_LEN(chunks); i++) {
		layers_init(&l);
		rec_init(&r, NULL);
		l.tar[0] = sample_tar();
		l.count = 1;
		l.chunk = chunks[i];
		t = &l.tar[0];
		memset(t->buf + 1024, 0, t->used - 1024);
		memset(t->buf + 1536, 'x', 60);
		ST_CHECK_INT(run(&l, &r, NULL, &err), 0);
		ST_CHECK(strstr(r.diag, "end-of-archive marker, from byte 1536") != NULL);
		layers_free(&l);
	}
	return ST_TEST_PASS;
}

ST_TEST(walk_bad_header_checksum)
{
	struct layers l;
	struct recorder r;
	struct strata_error err;

	layers_init(&l);
	rec_init(&r, NULL);
	l.tar[0] = sample_tar();
	l.count = 1;
	l.tar[0].buf[1024 + 1] ^= 0x20; /* a byte of the second header's name */
	ST_CHECK_INT(run(&l, &r, NULL, &err), STRATA_ECORRUPT);
	ST_CHECK(strstr(err.msg, "layer 0: tar entry 1") != NULL);
	ST_CHECK_STR(r.final, "");
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_not_a_tar)
{
	struct layers l;
	struct recorder r;
	struct strata_error err;
	static char junk[2048];

	memset(junk, 'x', sizeof(junk));
	layers_init(&l);
	rec_init(&r, NULL);
	l.tar[0].buf = malloc(sizeof(junk));
	memcpy(l.tar[0].buf, junk, sizeof(junk));
	l.tar[0].used = sizeof(junk);
	l.count = 1;
	ST_CHECK_INT(run(&l, &r, NULL, &err), STRATA_ECORRUPT);
	ST_CHECK(strstr(err.msg, "layer 0") != NULL);
	free(l.tar[0].buf);
	return ST_TEST_PASS;
}

ST_TEST(walk_empty_layers)
{
	struct layers l;
	struct recorder r;
	struct st_walk_layer_stats stats[2];
	struct strata_error err;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, NULL);
	t = layer(&l);
	tar_end(t);
	t = &l.tar[l.count++];
	t->buf = malloc(1);
	t->used = 0;
	ST_CHECK_INT(run(&l, &r, stats, &err), 0);
	ST_CHECK_STR(r.final, "");
	ST_CHECK_INT(stats[0].entries, 0);
	ST_CHECK_INT(stats[0].uncompressed_bytes, 1024);
	ST_CHECK_INT(stats[1].uncompressed_bytes, 0);
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_stream_error_at_end_propagates)
{
	struct layers l;
	struct recorder r;
	struct strata_error err;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, NULL);
	t = layer(&l);
	tar_file(t, "a", "a");
	t = layer(&l);
	tar_file(t, "b", "b");
	tar_end(&l.tar[0]);
	tar_end(&l.tar[1]);
	/* With trailing padding the tar reader stops before the end of the
	 * stream, so the walk itself must read to the failing end. */
	memset(l.tar[1].buf + l.tar[1].used, 0, 8192);
	l.tar[1].used += 8192;
	l.fail_layer = 1;
	l.fail_offset = l.tar[1].used;
	ST_CHECK_INT(run(&l, &r, NULL, &err), STRATA_ECORRUPT);
	ST_CHECK_STR(err.msg, "blob sha256:feed: digest mismatch (test)");
	ST_CHECK_STR(r.history, "L0:a@0=a\n");
	ST_CHECK_STR(r.final, "");
	layers_free(&l);
	return ST_TEST_PASS;
}

/* Regression: a blob whose bytes are not a tar and whose digest does not
 * match reported "not a tar archive" and hid the digest mismatch. The walk
 * now reads the rest of the stream before it reports a tar error. */
ST_TEST(walk_garbage_layer_reports_digest_error)
{
	struct layers l;
	struct recorder r;
	struct strata_error err;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, NULL);
	t = layer(&l);
	tar_end(t);
	memset(t->buf, 'x', 4096);
	t->used = 4096;
	l.fail_layer = 0;
	l.fail_offset = 4096;
	ST_CHECK_INT(run(&l, &r, NULL, &err), STRATA_ECORRUPT);
	ST_CHECK_STR(err.msg, "blob sha256:feed: digest mismatch (test)");
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_stream_error_mid_layer)
{
	static const size_t offsets[] = {0, 100, 512, 1030, 1600};
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(offsets); i++) {
		struct layers l;
		struct recorder r;
		struct strata_error err;

		layers_init(&l);
		rec_init(&r, NULL);
		l.tar[0] = sample_tar();
		l.count = 1;
		l.chunk = 100;
		l.fail_layer = 0;
		l.fail_offset = offsets[i];
		ST_CHECK_INT(run(&l, &r, NULL, &err), STRATA_ECORRUPT);
		ST_CHECK_STR(err.msg, "blob sha256:feed: digest mismatch (test)");
		ST_CHECK_STR(r.final, "");
		layers_free(&l);
	}
	return ST_TEST_PASS;
}

ST_TEST(walk_stream_error_in_link_pass)
{
	static const char *const want[] = {"link", NULL};
	struct layers l;
	struct recorder r;
	struct strata_error err;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, want);
	t = layer(&l);
	tar_file(t, "orig", "content");
	tar_hardlink(t, "link", "orig");
	tar_end(t);
	l.fail_layer = 0;
	l.fail_open = 2;
	l.fail_offset = l.tar[0].used;
	ST_CHECK_INT(run(&l, &r, NULL, &err), STRATA_ECORRUPT);
	ST_CHECK_STR(err.msg, "blob sha256:feed: digest mismatch (test)");
	ST_CHECK_INT(l.opens[0], 2);
	ST_CHECK_STR(r.history, "");
	ST_CHECK_STR(r.final, "");
	layers_free(&l);
	return ST_TEST_PASS;
}

static int failing_open(void *ctx, size_t index, struct st_stream **out,
			struct strata_error *err)
{
	return st_error_set(err, STRATA_ENOTFOUND, "blob sha256:beef not found");
}

ST_TEST(walk_opener_error_propagates)
{
	struct recorder r;
	struct strata_error err;
	int rc;

	rec_init(&r, NULL);
	rc = st_walk_layers(1, failing_open, NULL, NULL, &r.visitor, &r.opts, NULL, &err);
	ST_CHECK_INT(rc, STRATA_ENOTFOUND);
	ST_CHECK_STR(err.msg, "blob sha256:beef not found");
	return ST_TEST_PASS;
}

ST_TEST(walk_callback_error_stops)
{
	struct layers l;
	struct recorder r;
	struct strata_error err;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, NULL);
	r.fail_final = STRATA_EUNSUPPORTED;
	t = layer(&l);
	tar_file(t, "a", "a");
	tar_file(t, "b", "b");
	ST_CHECK_INT(run(&l, &r, NULL, &err), STRATA_EUNSUPPORTED);
	ST_CHECK_STR(err.msg, "visitor rejected a");
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_rejects_missing_arguments)
{
	struct recorder r;
	struct strata_error err;
	int rc;

	rec_init(&r, NULL);
	r.opts.limits = NULL;
	rc = st_walk_layers(0, mem_open, NULL, NULL, &r.visitor, &r.opts, NULL, &err);
	ST_CHECK_INT(rc, STRATA_EINVAL);
	rec_init(&r, NULL);
	rc = st_walk_layers(0, mem_open, NULL, NULL, &r.visitor, &r.opts, NULL, &err);
	ST_CHECK_INT(rc, 0);
	return ST_TEST_PASS;
}

/* Scale ----------------------------------------------------------------- */

static int by_string(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

ST_TEST(walk_many_files_and_whiteouts)
{
	struct layers l;
	struct recorder r;
	struct tar *t;
	char path[64];
	char *kept[64];
	size_t count = 0;
	char expected[4096];
	size_t n = 0;
	size_t k;
	int i;

	layers_init(&l);
	rec_init(&r, NULL);
	r.visitor.on_layer_file = NULL;
	t = layer(&l);
	for (i = 0; i < 3000; i++) {
		snprintf(path, sizeof(path), "d%03d/f%d", i % 300, i);
		tar_file(t, path, "x");
	}
	t = layer(&l);
	for (i = 0; i < 300; i++) {
		if (i % 50 == 7)
			continue;
		snprintf(path, sizeof(path), ".wh.d%03d", i);
		tar_file(t, path, "");
	}
	RUN_OK(&l, &r);

	/* Directories 7, 57, ... 257 survive, ten files each. */
	for (i = 0; i < 3000; i++) {
		if (i % 300 % 50 != 7)
			continue;
		snprintf(path, sizeof(path), "d%03d/f%d", i % 300, i);
		kept[count++] = strdup(path);
	}
	ST_CHECK_INT(count, 60);
	qsort(kept, count, sizeof(kept[0]), by_string);
	expected[0] = '\0';
	for (k = 0; k < count; k++) {
		n += (size_t)snprintf(expected + n, sizeof(expected) - n, "%s@0=x\n", kept[k]);
		free(kept[k]);
	}
	ST_CHECK_STR(r.final, expected);
	layers_free(&l);
	return ST_TEST_PASS;
}

/* Summaries ------------------------------------------------------------- */

static const char *const want_etc_x[] = {"etc/x", NULL};

ST_TEST(walk_summary_seen_at_final)
{
	struct layers l;
	struct recorder r;
	struct st_walk_layer_stats stats[1];
	struct strata_error err;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, want_etc_x);
	r.summary_suffix = ".jar";
	t = layer(&l);
	tar_file(t, "app/a.jar", "PK3456789");
	tar_file(t, "app/b.txt", "not summarized");
	tar_file(t, "etc/x", "x");
	ST_CHECK_INT(run(&l, &r, stats, &err), 0);
	ST_CHECK_STR(r.final, "app/a.jar@0~sum:9:PK3\netc/x@0=x\n");
	ST_CHECK_STR(r.history, "L0:app/a.jar@0~sum:9:PK3\nL0:etc/x@0=x\n");
	ST_CHECK_INT(stats[0].content_bytes, 9 + 14 + 1);
	ST_CHECK_INT(atomic_load(&r.summaries), 1);
	layers_free(&l);
	return ST_TEST_PASS;
}

static unsigned summary_mode;
static uint64_t summary_size;

static int meta_final(void *ctx, const struct st_walk_file *f, struct strata_error *err)
{
	if (f->summarized) {
		summary_mode = f->mode;
		summary_size = f->size;
	}
	return 0;
}

ST_TEST(walk_summary_keeps_size_and_mode)
{
	struct layers l;
	struct recorder r;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, want_etc_x);
	r.summary_suffix = ".jar";
	r.visitor.on_final_file = meta_final;
	t = layer(&l);
	tar_add(t, "a.jar", AE_IFREG, 04755, "0123456789abc", 13, NULL, NULL);
	RUN_OK(&l, &r);
	ST_CHECK_INT(summary_mode, 04755);
	ST_CHECK_INT(summary_size, 13);
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_summary_overwritten_by_later_layer)
{
	struct layers l;
	struct recorder r;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, want_etc_x);
	r.summary_suffix = ".jar";
	t = layer(&l);
	tar_file(t, "lib/a.jar", "old");
	tar_file(t, "lib/b.jar", "keep");
	t = layer(&l);
	tar_file(t, "lib/a.jar", "newer");
	t = layer(&l);
	tar_file(t, "lib/b.jar", "bb");
	tar_file(t, "lib/b.jar", "last");
	RUN_OK(&l, &r);
	ST_CHECK_STR(r.final, "lib/a.jar@1~sum:5:new\nlib/b.jar@2~sum:4:las\n");
	ST_CHECK_STR(r.history, "L0:lib/a.jar@0~sum:3:old\nL0:lib/b.jar@0~sum:4:kee\n"
				"L1:lib/a.jar@1~sum:5:new\nL2:lib/b.jar@2~sum:4:las\n");
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_summary_deleted_by_whiteout)
{
	struct layers l;
	struct recorder r;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, want_etc_x);
	r.summary_suffix = ".jar";
	t = layer(&l);
	tar_file(t, "lib/a.jar", "a");
	tar_file(t, "opt/app/b.jar", "b");
	tar_file(t, "srv/c.jar", "c");
	t = layer(&l);
	tar_file(t, "lib/.wh.a.jar", "");
	tar_file(t, "opt/.wh.app", "");
	RUN_OK(&l, &r);
	ST_CHECK_STR(r.final, "srv/c.jar@0~sum:1:c\n");
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_summary_hard_links)
{
	static const char *const want_copy[] = {"bin/copy", NULL};
	struct layers l;
	struct recorder r;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, want_copy);
	r.summary_suffix = ".jar";
	t = layer(&l);
	tar_file(t, "lib/a.jar", "PK-content");
	tar_hardlink(t, "lib/b.jar", "lib/a.jar");   /* summary copied */
	tar_hardlink(t, "bin/copy", "lib/a.jar");    /* wanted: whole content */
	tar_hardlink(t, "lib/other", "lib/a.jar");   /* neither */
	RUN_OK(&l, &r);
	ST_CHECK_STR(r.final, "bin/copy@0=PK-content\nlib/a.jar@0~sum:10:PK-\n"
			      "lib/b.jar@0~sum:10:PK-\n");
	/* One summary for the file and its link. */
	ST_CHECK_INT(atomic_load(&r.summaries), 1);
	ST_CHECK_INT(l.opens[0], 2);
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_summary_error_is_warning)
{
	struct layers l;
	struct recorder r;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, want_etc_x);
	r.summary_suffix = ".jar";
	r.summary_fail = STRATA_ECORRUPT;
	t = layer(&l);
	tar_file(t, "lib/a.jar", "lower");
	t = layer(&l);
	tar_file(t, "lib/a.jar", "broken");
	tar_file(t, "etc/x", "x");
	RUN_OK(&l, &r);
	/* The damaged file still replaces the lower one. */
	ST_CHECK_STR(r.final, "etc/x@1=x\n");
	ST_CHECK(strstr(r.diag, "layer 1: skipping 'lib/a.jar': cannot summarize it: no archive in lib/a.jar") != NULL);
	ST_CHECK_INT(r.sink.warnings, 2);
	layers_free(&l);

	layers_init(&l);
	rec_init(&r, want_etc_x);
	r.summary_suffix = ".jar";
	r.summary_fail = STRATA_ENOMEM;
	t = layer(&l);
	tar_file(t, "lib/a.jar", "x");
	{
		struct strata_error err;

		ST_CHECK_INT(run(&l, &r, NULL, &err), STRATA_ENOMEM);
		ST_CHECK(strstr(err.msg, "layer 0: summarizing 'lib/a.jar'") != NULL);
	}
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_summary_cut_at_limit)
{
	struct layers l;
	struct recorder r;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, want_etc_x);
	r.summary_suffix = ".jar";
	r.summary_padding = 100;
	r.limits.summary_bytes = 16;
	t = layer(&l);
	tar_file(t, "a.jar", "abcdef");
	tar_file(t, "etc/x", "x");
	RUN_OK(&l, &r);
	/* "sum:6:abc" is 9 bytes; 7 of the padding fit. */
	ST_CHECK_STR(r.final, "a.jar@0~sum:6:abcxxxxxxx\netc/x@0=x\n");
	ST_CHECK(strstr(r.diag, "summary of 'a.jar' cut at 16 bytes: over the summary_bytes limit of 16 bytes") != NULL);
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_summary_partial_read)
{
	static char big[200000];
	struct layers l;
	struct recorder r;
	struct tar *t;

	memset(big, 'q', sizeof(big));
	layers_init(&l);
	rec_init(&r, want_etc_x);
	r.summary_suffix = ".jar";
	r.summary_read_max = 2;
	t = layer(&l);
	tar_add(t, "big.jar", AE_IFREG, 0644, big, sizeof(big), NULL, NULL);
	tar_file(t, "small.jar", "s");
	tar_file(t, "etc/x", "x");
	l.chunk = 777;
	RUN_OK(&l, &r);
	ST_CHECK_STR(r.final, "big.jar@0~sum:2:qq\netc/x@0=x\nsmall.jar@0~sum:1:s\n");
	layers_free(&l);
	return ST_TEST_PASS;
}

/* The summarizer may read an entry to its end and past it: the stream
 * stops at the entry's end, so the next entry is intact. */
ST_TEST(walk_summary_stops_at_entry_end)
{
	struct layers l;
	struct recorder r;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, want_etc_x);
	r.summary_suffix = ".jar";
	t = layer(&l);
	tar_file(t, "a.jar", "");
	tar_file(t, "b.jar", "123");
	tar_file(t, "etc/x", "after");
	RUN_OK(&l, &r);
	ST_CHECK_STR(r.final, "a.jar@0~sum:0:\nb.jar@0~sum:3:123\netc/x@0=after\n");
	layers_free(&l);
	return ST_TEST_PASS;
}

/* A layer cut inside a summarized entry fails the walk with the layer's
 * error, even when the summarizer ignores its read error. */
ST_TEST(walk_summary_truncated_entry)
{
	static char big[4000];
	struct layers l;
	struct recorder r;
	struct strata_error err;
	struct tar *t;

	memset(big, 'z', sizeof(big));
	layers_init(&l);
	rec_init(&r, want_etc_x);
	r.summary_suffix = ".jar";
	r.summary_ignore_errors = true;
	t = layer(&l);
	tar_add(t, "a.jar", AE_IFREG, 0644, big, sizeof(big), NULL, NULL);
	tar_end(t);
	l.tar[0].used = 1024 + 2000; /* headers, then half the content */
	ST_CHECK_INT(run(&l, &r, NULL, &err), STRATA_ECORRUPT);
	ST_CHECK(strstr(err.msg, "layer 0: entry 'a.jar'") != NULL);
	ST_CHECK_STR(r.final, "");
	layers_free(&l);

	layers_init(&l);
	rec_init(&r, want_etc_x);
	r.summary_suffix = ".jar";
	t = layer(&l);
	tar_add(t, "a.jar", AE_IFREG, 0644, big, sizeof(big), NULL, NULL);
	tar_end(t);
	l.fail_layer = 0;
	l.fail_offset = 2048;
	ST_CHECK_INT(run(&l, &r, NULL, &err), STRATA_ECORRUPT);
	ST_CHECK_STR(err.msg, "blob sha256:feed: digest mismatch (test)");
	layers_free(&l);
	return ST_TEST_PASS;
}

/* Layer semantics --------------------------------------------------------- */

/* A runtime shows a/ as a directory when a layer adds a/b, so a lower file
 * or symlink at a is hidden even though the layer has no a/ entry. */
ST_TEST(walk_implied_directory_hides_file)
{
	struct layers l;
	struct recorder r;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, NULL);
	t = layer(&l);
	tar_file(t, "a", "file a");
	tar_symlink(t, "s", "target");
	tar_file(t, "p/q", "deep file");
	tar_file(t, "keep", "kept");
	t = layer(&l);
	tar_file(t, "a/b", "b");
	tar_file(t, "s/t/u", "u");
	tar_file(t, "p/q/r/.wh.gone", "");
	RUN_OK(&l, &r);
	ST_CHECK_STR(r.final, "a/b@1=b\nkeep@0=kept\ns/t/u@1=u\n");
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_implied_directory_in_same_layer)
{
	struct layers l;
	struct recorder r;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, NULL);
	t = layer(&l);
	tar_file(t, "x/y", "first");
	tar_file(t, "x", "file x");   /* replaces the directory x */
	tar_file(t, "x/z", "z");      /* and x is a directory again */
	tar_file(t, "w", "file w");
	tar_file(t, "v", "v");
	tar_file(t, "w/1", "1");
	RUN_OK(&l, &r);
	ST_CHECK_STR(r.final, "v@0=v\nw/1@0=1\nx/z@0=z\n");
	layers_free(&l);
	return ST_TEST_PASS;
}

static void tar_xattr_dir(struct tar *t, const char *path, const char *name, const char *value)
{
	struct archive_entry *e = archive_entry_new();

	archive_entry_set_pathname(e, path);
	archive_entry_set_filetype(e, AE_IFDIR);
	archive_entry_set_perm(e, 0755);
	archive_entry_xattr_add_entry(e, name, value, strlen(value));
	archive_write_header(t->a, e);
	archive_entry_free(e);
}

ST_TEST(walk_opaque_xattr)
{
	struct layers l;
	struct recorder r;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, NULL);
	t = layer(&l);
	tar_file(t, "d/old", "old");
	tar_file(t, "d/sub/old", "old");
	tar_file(t, "u/old", "old");
	tar_file(t, "n/old", "old");
	tar_file(t, "x/old", "old");
	t = layer(&l);
	tar_xattr_dir(t, "d", "trusted.overlay.opaque", "y");
	tar_file(t, "d/new", "new");
	tar_xattr_dir(t, "u/", "user.overlay.opaque", "y");
	tar_xattr_dir(t, "n/", "trusted.overlay.opaque", "n");  /* not opaque */
	tar_xattr_dir(t, "x/", "user.other", "y");             /* other xattr */
	t = layer(&l);
	tar_file(t, "d/newer", "newer");
	RUN_OK(&l, &r);
	ST_CHECK_STR(r.final, "d/new@1=new\nd/newer@2=newer\nn/old@0=old\nx/old@0=old\n");
	layers_free(&l);
	return ST_TEST_PASS;
}

/* Threads ------------------------------------------------------------------ */

static void junk_layer(struct layers *l)
{
	struct tar *t = &l->tar[l->count++];

	t->buf = malloc(2048);
	memset(t->buf, 'j', 2048);
	t->used = 2048;
	t->a = NULL;
}

/* The first failing layer in layer order names the error, whichever
 * fails first in time, for every thread count (run() compares them). */
ST_TEST(walk_first_error_in_layer_order)
{
	struct layers l;
	struct recorder r;
	struct strata_error err;
	struct tar *t;

	layers_init(&l);
	rec_init(&r, NULL);
	t = layer(&l);
	tar_file(t, "a", "0");
	junk_layer(&l);
	t = layer(&l);
	tar_file(t, "b", "2");
	t = layer(&l);
	tar_file(t, "c", "3");
	l.fail_layer = 3;
	ST_CHECK_INT(run(&l, &r, NULL, &err), STRATA_ECORRUPT);
	ST_CHECK(strstr(err.msg, "layer 1: not a tar archive") != NULL);
	ST_CHECK_STR(r.history, "L0:a@0=0\n");
	ST_CHECK_STR(r.final, "");
	layers_free(&l);

	layers_init(&l);
	rec_init(&r, NULL);
	for (int i = 0; i < 4; i++) {
		char name[8];

		snprintf(name, sizeof(name), "f%d", i);
		t = layer(&l);
		tar_file(t, name, "x");
	}
	l.fail_layer = 3;
	ST_CHECK_INT(run(&l, &r, NULL, &err), STRATA_ECORRUPT);
	ST_CHECK_STR(err.msg, "blob sha256:feed: digest mismatch (test)");
	ST_CHECK_STR(r.history, "L0:f0@0=x\nL1:f1@1=x\nL2:f2@2=x\n");
	layers_free(&l);
	return ST_TEST_PASS;
}

ST_TEST(walk_threads_many_layers)
{
	struct layers l;
	struct recorder r;
	struct strata_error err;
	char expected[1024] = "";
	size_t n = 0;
	size_t i;

	layers_init(&l);
	rec_init(&r, NULL);
	r.visitor.on_layer_file = NULL;
	for (i = 0; i < MAX_LAYERS; i++) {
		struct tar *t = layer(&l);
		char name[32];

		snprintf(name, sizeof(name), "d/f%zu", i);
		tar_file(t, name, "v");
		tar_file(t, "shared", i % 2 ? "odd" : "even");
		if (i > 0) {
			snprintf(name, sizeof(name), "d/.wh.f%zu", i - 1);
			tar_file(t, name, "");
		}
	}
	for (i = 0; i < 4; i++) {
		static const uint32_t counts[] = {1, 2, 3, 64};

		r.limits.scan_threads = counts[i];
		ST_CHECK_INT(run(&l, &r, NULL, &err), 0);
		n = (size_t)snprintf(expected, sizeof(expected), "d/f%d@%d=v\nshared@%d=odd\n",
				     MAX_LAYERS - 1, MAX_LAYERS - 1, MAX_LAYERS - 1);
		ST_CHECK(n < sizeof(expected));
		ST_CHECK_STR(r.final, expected);
	}
	layers_free(&l);
	return ST_TEST_PASS;
}

/* Real images ------------------------------------------------------------ */

/* Walks one image of tests/data/images, named as in expected.json: a file
 * or directory name, with ":ARCH" for one platform of a multi-platform
 * index. Returns the walk's result, or 1 when the image does not open
 * (the image tests own that case). */
static int walk_image_file(const char *name, struct recorder *r, struct strata_error *err)
{
	struct st_image_options iopts = {NULL, &r->limits, NULL};
	struct st_image *img = NULL;
	struct st_walk_layer_stats *stats;
	const char *arch = strchr(name, ':');
	char platform[64];
	char path[4096];
	int rc;

	snprintf(path, sizeof(path), "%s", st_test_data_path("images"));
	snprintf(path + strlen(path), sizeof(path) - strlen(path), "/%.*s",
		 arch != NULL ? (int)(arch - name) : (int)strlen(name), name);
	if (arch != NULL) {
		snprintf(platform, sizeof(platform), "linux/%s", arch + 1);
		iopts.platform = platform;
	}
	if (st_image_open(&img, path, &iopts, err) < 0) {
		fprintf(stderr, "# %s: %s (not walked)\n", name, err->msg);
		return 1;
	}
	stats = calloc(img->layer_count + 1, sizeof(*stats));
	rc = st_walk_image(img, &r->visitor, &r->opts, stats, err);
	if (rc == 0 && img->layer_count > 0 && stats[0].entries == 0)
		rc = st_error_set(err, STRATA_EINTERNAL, "%s: no entries in layer 0", name);
	free(stats);
	st_image_free(img);
	return rc;
}

/* Walks the images that tests/data/images/make-images.sh wrote, when they
 * are there: each good image must walk and show some file, and each
 * broken image that opens must fail the walk, naming the object at fault
 * as expected.json states. */
/* Walks every image of tests/data/images/expected.json and checks the
 * walks that must succeed and the errors of those that must fail. */
static int walk_expected_images(void)
{
	struct st_slice text = {NULL, 0};
	struct strata_limits lim;
	struct strata_error err;
	struct st_buf buf;
	json_t *root = NULL;
	json_t *value;
	const char *key;
	size_t walked = 0;

	strata_limits_default(&lim);
	st_buf_init(&buf, 1u << 20);
	if (st_read_file(st_test_data_path("images/expected.json"), &buf, true, &err) < 0) {
		st_buf_dispose(&buf);
		return ST_TEST_SKIP;
	}
	text = st_slice_make(buf.ptr, buf.len);
	ST_CHECK_INT(st_json_parse(&root, text, buf.len, 64, 0, "expected.json", &err), 0);

	json_object_foreach(json_object_get(root, "images"), key, value) {
		struct recorder r;
		int rc;

		rec_init(&r, NULL);
		r.visitor.on_layer_file = NULL;
		rc = walk_image_file(key, &r, &err);
		if (rc == 1)
			continue;
		if (rc != 0)
			fprintf(stderr, "# %s: %s\n", key, err.msg);
		ST_CHECK_INT(rc, 0);
		ST_CHECK(r.final[0] != '\0');
		walked++;
	}
	json_object_foreach(json_object_get(root, "errors"), key, value) {
		struct recorder r;
		int rc;

		rec_init(&r, NULL);
		rc = walk_image_file(key, &r, &err);
		if (rc == 1)
			continue;
		if (rc == 0)
			fprintf(stderr, "# %s: walk succeeded\n", key);
		ST_CHECK(rc < 0);
		ST_CHECK(strstr(err.msg, json_string_value(value)) != NULL);
		ST_CHECK_STR(r.final, "");
		walked++;
	}
	json_decref(root);
	st_buf_dispose(&buf);
	fprintf(stderr, "# walked %zu images\n", walked);
	return walked > 0 ? ST_TEST_PASS : ST_TEST_SKIP;
}

ST_TEST(walk_real_images)
{
	return walk_expected_images();
}

/* The same with every compressed layer hashing its diff_id on a thread of
 * its own, as layers of 16 MiB and more do: digests and diff_id mismatches
 * come out the same. */
ST_TEST(walk_real_images_hash_thread)
{
	int result;

	st_layer_set_hash_thread_min(0);
	result = walk_expected_images();
	st_layer_set_hash_thread_min(16u << 20);
	return result;
}
