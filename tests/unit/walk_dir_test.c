/* Tests of the root filesystem directory walk ("dir:PATH"). Each test
 * builds a small tree under a mkdtemp directory with the hostile shapes a
 * rootfs can contain: links out of the root, a linked directory, a FIFO
 * and an oversized file. The tests check the visitor's view and the
 * inventory that st_catalog_image builds from the tree. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "image/image.h"
#include "image/walk.h"
#include "image/walk_dir.h"
#include "inventory/inventory.h"

#define LOG_CAP 8192

static const char dpkg_status[] =
	"Package: base-files\n"
	"Status: install ok installed\n"
	"Architecture: amd64\n"
	"Version: 12.4+deb12u5\n"
	"\n"
	"Package: zlib1g\n"
	"Status: install ok installed\n"
	"Architecture: amd64\n"
	"Source: zlib\n"
	"Version: 1:1.2.13.dfsg-1\n";

static const char os_release[] =
	"PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
	"ID=debian\n"
	"VERSION_ID=\"12\"\n"
	"VERSION_CODENAME=bookworm\n";

static const char left_pad[] = "{\"name\": \"left-pad\", \"version\": \"1.3.0\", "
			       "\"license\": \"WTFPL\"}\n";

/* Tree builder ------------------------------------------------------------ */

struct tree {
	char root[64];
	char ref[80];
};

static int make_path(const struct tree *t, const char *rel, char *out, size_t cap)
{
	int n = snprintf(out, cap, "%s/%s", t->root, rel);

	return n > 0 && (size_t)n < cap ? 0 : -1;
}

static int tree_dir(const struct tree *t, const char *rel)
{
	char path[512];

	if (make_path(t, rel, path, sizeof(path)) < 0)
		return -1;
	return mkdir(path, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

static int tree_file(const struct tree *t, const char *rel, const char *data, size_t len)
{
	char path[512];
	FILE *f;
	size_t n;

	if (make_path(t, rel, path, sizeof(path)) < 0)
		return -1;
	f = fopen(path, "wb");
	if (f == NULL)
		return -1;
	n = fwrite(data, 1, len, f);
	return fclose(f) == 0 && n == len ? 0 : -1;
}

static int tree_link(const struct tree *t, const char *rel, const char *target)
{
	char path[512];

	if (make_path(t, rel, path, sizeof(path)) < 0)
		return -1;
	return symlink(target, path);
}

static int tree_fifo(const struct tree *t, const char *rel)
{
	char path[512];

	if (make_path(t, rel, path, sizeof(path)) < 0)
		return -1;
	return mkfifo(path, 0600);
}

/* A rootfs with a dpkg database, an os-release link, one npm package, a
 * link to a host file, a linked directory, a FIFO and an npm manifest of
 * BIG_BYTES bytes (no big file when 0). */
static int tree_build(struct tree *t, size_t big_bytes)
{
	char *big = NULL;
	int rc = 0;

	memcpy(t->root, "/tmp/strata-walk-dir-XXXXXX", sizeof("/tmp/strata-walk-dir-XXXXXX"));
	if (mkdtemp(t->root) == NULL)
		return -1;
	snprintf(t->ref, sizeof(t->ref), "dir:%s", t->root);
	rc |= tree_dir(t, "etc");
	rc |= tree_dir(t, "usr");
	rc |= tree_dir(t, "usr/lib");
	rc |= tree_dir(t, "usr/lib/node_modules");
	rc |= tree_dir(t, "usr/lib/node_modules/left-pad");
	rc |= tree_dir(t, "var");
	rc |= tree_dir(t, "var/lib");
	rc |= tree_dir(t, "var/lib/dpkg");
	rc |= tree_file(t, "var/lib/dpkg/status", dpkg_status, strlen(dpkg_status));
	rc |= tree_file(t, "usr/lib/os-release", os_release, strlen(os_release));
	rc |= tree_link(t, "etc/os-release", "../usr/lib/os-release");
	rc |= tree_file(t, "usr/lib/node_modules/left-pad/package.json", left_pad,
			strlen(left_pad));
	rc |= tree_link(t, "etc/passwd-link", "/etc/passwd");
	rc |= tree_link(t, "lib", "usr/lib");
	rc |= tree_fifo(t, "etc/initctl");
	if (big_bytes != 0) {
		big = malloc(big_bytes);
		if (big == NULL)
			return -1;
		memset(big, ' ', big_bytes);
		memcpy(big, left_pad, strlen(left_pad) - 1);
		rc |= tree_dir(t, "usr/lib/node_modules/big");
		rc |= tree_file(t, "usr/lib/node_modules/big/package.json", big, big_bytes);
		free(big);
	}
	return rc;
}

static void tree_remove(const struct tree *t)
{
	char cmd[256];

	if (t->root[0] == '\0' || strncmp(t->root, "/tmp/strata-walk-dir-", 21) != 0)
		return;
	/* The tree may hold directories made unreadable by a test. */
	snprintf(cmd, sizeof(cmd), "chmod -R u+rwx '%s' 2>/dev/null; rm -rf '%s'", t->root,
		 t->root);
	if (system(cmd) != 0)
		fprintf(stderr, "# could not remove %s\n", t->root);
}

/* Diagnostics and visitor log -------------------------------------------- */

struct diag_log {
	char text[LOG_CAP];
	size_t len;
};

static void diag_record(void *ctx, int level, const char *msg)
{
	struct diag_log *log = ctx;
	int n;

	(void)level;
	n = snprintf(log->text + log->len, sizeof(log->text) - log->len, "%s\n", msg);
	if (n > 0 && (size_t)n < sizeof(log->text) - log->len)
		log->len += (size_t)n;
}

/* Records each visitor call as one line: "l" (on_layer_file) or "f"
 * (on_final_file), then "F PATH SIZE" or "L PATH -> TARGET", then the
 * layer in brackets. */
struct visit_log {
	char text[LOG_CAP];
	size_t len;
	uint64_t max_bytes; /* lowered in wants when not 0 */
};

static bool want_all(void *ctx, const char *path, size_t len, uint64_t *max_bytes)
{
	struct visit_log *log = ctx;

	(void)path;
	(void)len;
	if (log->max_bytes != 0)
		*max_bytes = log->max_bytes;
	return true;
}

static void log_file(struct visit_log *log, char kind, const struct st_walk_file *f)
{
	int n;

	if (f->type == ST_FILE_SYMLINK)
		n = snprintf(log->text + log->len, sizeof(log->text) - log->len,
			     "%c L %s -> %s (%zu)\n", kind, f->path, f->link_target,
			     f->layer);
	else
		n = snprintf(log->text + log->len, sizeof(log->text) - log->len,
			     "%c F %s %llu (%zu)\n", kind, f->path,
			     (unsigned long long)f->data.len, f->layer);
	if (n > 0 && (size_t)n < sizeof(log->text) - log->len)
		log->len += (size_t)n;
}

static int on_layer(void *ctx, const struct st_walk_file *f, struct strata_error *err)
{
	(void)err;
	log_file(ctx, 'l', f);
	return 0;
}

static int on_final(void *ctx, const struct st_walk_file *f, struct strata_error *err)
{
	(void)err;
	log_file(ctx, 'f', f);
	return 0;
}

static int walk_all(const struct tree *t, const struct strata_limits *lim,
		    struct visit_log *log, struct diag_log *dlog,
		    struct st_walk_layer_stats *stats, struct strata_error *err)
{
	struct st_diag diag = {diag_record, dlog, 0};
	struct st_walk_visitor v = {
		.wants = want_all, .on_layer_file = on_layer, .on_final_file = on_final, .ctx = log};
	struct st_walk_options opts = {lim, &diag};

	return st_walk_directory(t->root, &v, &opts, stats, err);
}

/* Walk ---------------------------------------------------------------------- */

ST_TEST(walk_dir_view_in_path_order)
{
	static const char expected_final[] =
		"f L etc/os-release -> ../usr/lib/os-release (0)\n"
		"f L etc/passwd-link -> /etc/passwd (0)\n"
		"f L lib -> usr/lib (0)\n"
		"f F usr/lib/node_modules/left-pad/package.json 61 (0)\n"
		"f F usr/lib/os-release 97 (0)\n"
		"f F var/lib/dpkg/status 195 (0)\n";
	struct strata_limits lim;
	struct strata_error err = {0};
	struct st_walk_layer_stats stats;
	struct visit_log log = {0};
	struct diag_log dlog = {0};
	struct tree t = {0};
	const char *final;
	int rc;

	strata_limits_default(&lim);
	ST_CHECK_INT(tree_build(&t, 0), 0);
	rc = walk_all(&t, &lim, &log, &dlog, &stats, &err);
	tree_remove(&t);
	ST_CHECK_INT(rc, 0);

	/* Every layer call comes before the final calls, both in path order. */
	final = strstr(log.text, "f ");
	ST_CHECK(final != NULL);
	ST_CHECK_STR(final, expected_final);
	ST_CHECK(strncmp(log.text, "l L etc/os-release", 18) == 0);
	ST_CHECK_INT(final - log.text, strlen(expected_final));

	/* The linked directory is not descended, nor the host file read. */
	ST_CHECK(strstr(log.text, " lib/") == NULL);
	ST_CHECK(strstr(log.text, "root:") == NULL);
	ST_CHECK_INT(stats.special_files, 1);
	ST_CHECK_INT(stats.regular_files, 3);
	ST_CHECK_INT(stats.entries, 15);
	/* This visitor wants every path, the FIFO too, which is named but
	 * never opened. */
	ST_CHECK(strstr(dlog.text, "skipping 'etc/initctl', a FIFO: only regular files, "
				   "directories and symbolic links are read\n") != NULL);
	ST_CHECK(strchr(dlog.text, '\n') == dlog.text + dlog.len - 1);
	return ST_TEST_PASS;
}

ST_TEST(walk_dir_sorts_bytewise)
{
	struct strata_limits lim;
	struct strata_error err = {0};
	struct visit_log log = {0};
	struct diag_log dlog = {0};
	struct tree t = {0};
	int rc;

	strata_limits_default(&lim);
	memcpy(t.root, "/tmp/strata-walk-dir-XXXXXX", sizeof("/tmp/strata-walk-dir-XXXXXX"));
	ST_CHECK(mkdtemp(t.root) != NULL);
	/* Depth first would visit "a/b" before "a-c"; bytewise, '-' < '/'. */
	ST_CHECK_INT(tree_dir(&t, "a"), 0);
	ST_CHECK_INT(tree_file(&t, "a/b", "1", 1), 0);
	ST_CHECK_INT(tree_file(&t, "a-c", "22", 2), 0);
	rc = walk_all(&t, &lim, &log, &dlog, NULL, &err);
	tree_remove(&t);
	ST_CHECK_INT(rc, 0);
	ST_CHECK_STR(strstr(log.text, "f "), "f F a-c 2 (0)\nf F a/b 1 (0)\n");
	return ST_TEST_PASS;
}

ST_TEST(walk_dir_skips_oversized_file)
{
	struct strata_limits lim;
	struct strata_error err = {0};
	struct visit_log log = {.max_bytes = 100};
	struct diag_log dlog = {0};
	struct tree t = {0};
	int rc;

	strata_limits_default(&lim);
	ST_CHECK_INT(tree_build(&t, 0), 0);
	rc = walk_all(&t, &lim, &log, &dlog, NULL, &err);
	tree_remove(&t);
	ST_CHECK_INT(rc, 0);
	/* The 195-byte status file is over the visitor's 100 bytes. */
	ST_CHECK(strstr(log.text, "var/lib/dpkg/status") == NULL);
	ST_CHECK(strstr(log.text, "usr/lib/os-release 97") != NULL);
	ST_CHECK(strstr(log.text, "left-pad/package.json 61") != NULL);
	ST_CHECK(strstr(dlog.text, "skipping 'var/lib/dpkg/status': its 195 bytes exceed the "
				   "100-byte limit") != NULL);
	return ST_TEST_PASS;
}

ST_TEST(walk_dir_limits)
{
	static const struct {
		const char *name;
		const char *value;
		const char *message;
	} cases[] = {
		{"path_depth", "3", "deeper than the path_depth limit of 3"},
		{"path_bytes", "20", "over the path_bytes limit of 20"},
		{"entries_per_layer", "5", "entries_per_layer limit of 5"},
		{"cataloged_total_bytes", "200", "cataloged_total_bytes limit of 200"},
	};
	struct tree t = {0};
	size_t i;

	ST_CHECK_INT(tree_build(&t, 0), 0);
	for (i = 0; i < ST_ARRAY_LEN(cases); i++) {
		struct strata_limits lim;
		struct strata_error err = {0};
		struct visit_log log = {0};
		struct diag_log dlog = {0};
		int rc;

		strata_limits_default(&lim);
		ST_CHECK_INT(strata_limits_set(&lim, cases[i].name, cases[i].value, NULL), 0);
		rc = walk_all(&t, &lim, &log, &dlog, NULL, &err);
		if (rc != STRATA_ELIMIT || strstr(err.msg, cases[i].message) == NULL) {
			fprintf(stderr, "# %s: rc %d, message '%s'\n", cases[i].name, rc,
				err.msg);
			tree_remove(&t);
			return ST_TEST_FAIL;
		}
	}
	tree_remove(&t);
	return ST_TEST_PASS;
}

ST_TEST(walk_dir_path_depth_counts_files)
{
	struct strata_limits lim;
	struct strata_error err = {0};
	struct visit_log log = {0};
	struct diag_log dlog = {0};
	struct tree t = {0};
	int deep_rc;
	int rc;

	strata_limits_default(&lim);
	memcpy(t.root, "/tmp/strata-walk-dir-XXXXXX", sizeof("/tmp/strata-walk-dir-XXXXXX"));
	ST_CHECK(mkdtemp(t.root) != NULL);
	ST_CHECK_INT(tree_dir(&t, "a"), 0);
	ST_CHECK_INT(tree_dir(&t, "a/b"), 0);
	ST_CHECK_INT(tree_file(&t, "a/b/c", "x", 1), 0);

	/* "a/b/c" has three components: a limit of 2 rejects the file, not
	 * only deeper directories. */
	lim.path_depth = 2;
	deep_rc = walk_all(&t, &lim, &log, &dlog, NULL, &err);
	lim.path_depth = 3;
	rc = walk_all(&t, &lim, &log, &dlog, NULL, &err);
	tree_remove(&t);
	ST_CHECK_INT(deep_rc, STRATA_ELIMIT);
	ST_CHECK_INT(rc, 0);
	ST_CHECK(strstr(log.text, "f F a/b/c 1 (0)") != NULL);
	return ST_TEST_PASS;
}

ST_TEST(walk_dir_link_target_over_path_bytes)
{
	struct strata_limits lim;
	struct strata_error err = {0};
	struct visit_log log = {0};
	struct diag_log dlog = {0};
	struct tree t = {0};
	int rc;

	strata_limits_default(&lim);
	lim.path_bytes = 16;
	memcpy(t.root, "/tmp/strata-walk-dir-XXXXXX", sizeof("/tmp/strata-walk-dir-XXXXXX"));
	ST_CHECK(mkdtemp(t.root) != NULL);
	ST_CHECK_INT(tree_link(&t, "l", "a-target-longer-than-sixteen"), 0);
	rc = walk_all(&t, &lim, &log, &dlog, NULL, &err);
	tree_remove(&t);
	ST_CHECK_INT(rc, STRATA_ELIMIT);
	ST_CHECK(strstr(err.msg, "link 'l': target over the path_bytes limit") != NULL);
	return ST_TEST_PASS;
}

ST_TEST(walk_dir_unreadable_subdirectory)
{
	struct strata_limits lim;
	struct strata_error err = {0};
	struct visit_log log = {0};
	struct diag_log dlog = {0};
	struct tree t = {0};
	char path[512];
	int rc;

	if (geteuid() == 0)
		return ST_TEST_SKIP; /* root reads a mode 000 directory anyway */
	strata_limits_default(&lim);
	ST_CHECK_INT(tree_build(&t, 0), 0);
	ST_CHECK_INT(make_path(&t, "usr/lib/node_modules", path, sizeof(path)), 0);
	ST_CHECK_INT(chmod(path, 0), 0);
	rc = walk_all(&t, &lim, &log, &dlog, NULL, &err);
	tree_remove(&t);
	ST_CHECK_INT(rc, 0);
	ST_CHECK(strstr(dlog.text, "skipping 'usr/lib/node_modules': permission denied") != NULL);
	ST_CHECK(strstr(log.text, "var/lib/dpkg/status") != NULL);
	return ST_TEST_PASS;
}

ST_TEST(walk_dir_missing_root)
{
	struct strata_limits lim;
	struct strata_error err = {0};
	struct st_walk_visitor v = {.wants = want_all};
	struct st_walk_options opts = {&lim, NULL};

	strata_limits_default(&lim);
	ST_CHECK_INT(st_walk_directory("/nonexistent/strata-root", &v, &opts, NULL, &err),
		     STRATA_ENOTFOUND);
	ST_CHECK(strstr(err.msg, "/nonexistent/strata-root") != NULL);
	return ST_TEST_PASS;
}

/* Summaries ------------------------------------------------------------------ */

/* What the summary tests do inside summarize(). */
enum summary_mode {
	SUMMARY_COPY,     /* the summary is "S:" and the content */
	SUMMARY_OVERSIZE, /* appends the content, then more, until the cap stops it */
	SUMMARY_FAIL,     /* returns STRATA_ECORRUPT */
	SUMMARY_NOMEM,    /* returns STRATA_ENOMEM */
	SUMMARY_GROW,     /* appends to the file before reading it */
	SUMMARY_SHRINK,   /* truncates the file after its first 4 bytes */
};

/* A visitor that captures nothing whole, requests a summary of every
 * "*.bin" file, and logs each question and what summarize() read. */
struct summary_log {
	struct visit_log visits;
	const struct tree *tree;
	enum summary_mode mode;
	char asked[LOG_CAP]; /* "PATH SIZE MODE\n" per wants_summary() call */
	size_t asked_len;
	char seen[LOG_CAP];  /* the content summarize() read */
	size_t seen_len;
	int summarize_calls;
};

static bool want_none(void *ctx, const char *path, size_t len, uint64_t *max_bytes)
{
	(void)ctx;
	(void)path;
	(void)len;
	(void)max_bytes;
	return false;
}

static bool want_bin_summary(void *ctx, const char *path, size_t len, uint64_t size,
			     unsigned mode)
{
	struct summary_log *log = ctx;
	int n;

	n = snprintf(log->asked + log->asked_len, sizeof(log->asked) - log->asked_len,
		     "%s %llu %o\n", path, (unsigned long long)size, mode);
	if (n > 0 && (size_t)n < sizeof(log->asked) - log->asked_len)
		log->asked_len += (size_t)n;
	return len > 4 && memcmp(path + len - 4, ".bin", 4) == 0;
}

/* Changes the file META names on disk while summarize() runs. */
static int change_file(const struct summary_log *log, const struct st_walk_file *meta)
{
	char path[512];
	FILE *f;

	if (make_path(log->tree, meta->path, path, sizeof(path)) < 0)
		return -1;
	if (log->mode == SUMMARY_SHRINK)
		return truncate(path, 2);
	f = fopen(path, "ab");
	if (f == NULL)
		return -1;
	fputs("-appended-after-open", f);
	return fclose(f);
}

static int summarize_bin(void *ctx, const struct st_walk_file *meta, struct st_stream *content,
			 struct st_buf *out, struct st_diag *diag, struct strata_error *err)
{
	struct summary_log *log = ctx;
	char chunk[4];
	ssize_t n;
	int rc;

	(void)diag;
	log->summarize_calls++;
	if (log->mode == SUMMARY_FAIL)
		return st_error_set(err, STRATA_ECORRUPT, "bad archive");
	if (log->mode == SUMMARY_NOMEM)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	if (log->mode == SUMMARY_GROW && change_file(log, meta) < 0)
		return st_error_set(err, STRATA_EIO, "cannot grow %s", meta->path);
	rc = st_buf_append(out, "S:", 2, err);
	/* Small reads, so that a shrink lands between two of them. */
	for (;;) {
		n = st_stream_read(content, chunk, sizeof(chunk), err);
		if (n <= 0)
			break;
		if (log->seen_len + (size_t)n < sizeof(log->seen)) {
			memcpy(log->seen + log->seen_len, chunk, (size_t)n);
			log->seen_len += (size_t)n;
		}
		if (rc == 0)
			rc = st_buf_append(out, chunk, (size_t)n, err);
		if (log->mode == SUMMARY_SHRINK && log->seen_len == 4 && change_file(log, meta) < 0)
			return st_error_set(err, STRATA_EIO, "cannot shrink %s", meta->path);
	}
	if (n < 0)
		return (int)n;
	while (rc == 0 && log->mode == SUMMARY_OVERSIZE)
		rc = st_buf_putc(out, '+', err);
	return rc;
}

static int on_final_summary(void *ctx, const struct st_walk_file *f, struct strata_error *err)
{
	struct summary_log *log = ctx;
	struct visit_log *v = &log->visits;
	int n;

	(void)err;
	n = snprintf(v->text + v->len, sizeof(v->text) - v->len, "%s %s size %llu mode %o [%.*s]\n",
		     f->summarized ? "S" : "F", f->path, (unsigned long long)f->size, f->mode,
		     (int)f->data.len, f->data.ptr);
	if (n > 0 && (size_t)n < sizeof(v->text) - v->len)
		v->len += (size_t)n;
	return 0;
}

static int walk_summaries(const struct tree *t, const struct strata_limits *lim,
			  struct summary_log *log, struct diag_log *dlog,
			  struct strata_error *err)
{
	struct st_diag diag = {diag_record, dlog, 0};
	struct st_walk_visitor v = {.wants = want_none,
				    .on_final_file = on_final_summary,
				    .ctx = log,
				    .wants_summary = want_bin_summary,
				    .summarize = summarize_bin};
	struct st_walk_options opts = {lim, &diag};

	log->tree = t;
	return st_walk_directory(t->root, &v, &opts, NULL, err);
}

/* A tree with one "*.bin" file of 10 bytes, mode 0755, plus a text file,
 * two links named "*.bin" (one out of the root) and a FIFO named "*.bin". */
static int summary_tree(struct tree *t)
{
	char path[512];
	int rc = 0;

	memcpy(t->root, "/tmp/strata-walk-dir-XXXXXX", sizeof("/tmp/strata-walk-dir-XXXXXX"));
	if (mkdtemp(t->root) == NULL)
		return -1;
	rc |= tree_dir(t, "usr");
	rc |= tree_dir(t, "usr/bin");
	rc |= tree_file(t, "usr/bin/tool.bin", "0123456789", 10);
	rc |= tree_file(t, "usr/bin/readme.txt", "text", 4);
	rc |= tree_link(t, "usr/bin/host.bin", "/etc/passwd");
	rc |= tree_link(t, "usr/bin/alias.bin", "tool.bin");
	rc |= tree_fifo(t, "usr/bin/pipe.bin");
	rc |= make_path(t, "usr/bin/tool.bin", path, sizeof(path));
	if (rc == 0)
		rc = chmod(path, 0755);
	rc |= make_path(t, "usr/bin/readme.txt", path, sizeof(path));
	if (rc == 0)
		rc = chmod(path, 0644);
	return rc;
}

ST_TEST(walk_dir_summarizes_declined_file)
{
	struct strata_limits lim;
	struct strata_error err = {0};
	struct summary_log log = {.mode = SUMMARY_COPY};
	struct diag_log dlog = {0};
	struct tree t = {0};
	int rc;

	strata_limits_default(&lim);
	ST_CHECK_INT(summary_tree(&t), 0);
	rc = walk_summaries(&t, &lim, &log, &dlog, &err);
	tree_remove(&t);
	ST_CHECK_INT(rc, 0);
	/* Only regular files are offered: no link or FIFO is asked about. */
	ST_CHECK_STR(log.asked, "usr/bin/readme.txt 4 644\nusr/bin/tool.bin 10 755\n");
	ST_CHECK_INT(log.summarize_calls, 1);
	ST_CHECK_INT(log.seen_len, 10);
	ST_CHECK(memcmp(log.seen, "0123456789", 10) == 0);
	ST_CHECK_STR(log.visits.text, "S usr/bin/tool.bin size 10 mode 755 [S:0123456789]\n");
	ST_CHECK_INT(dlog.len, 0);
	return ST_TEST_PASS;
}

ST_TEST(walk_dir_summary_over_cap_is_cut)
{
	struct strata_limits lim;
	struct strata_error err = {0};
	struct summary_log log = {.mode = SUMMARY_OVERSIZE};
	struct diag_log dlog = {0};
	struct tree t = {0};
	char expected[512];
	int rc;

	strata_limits_default(&lim);
	lim.summary_bytes = 8;
	ST_CHECK_INT(summary_tree(&t), 0);
	rc = walk_summaries(&t, &lim, &log, &dlog, &err);
	snprintf(expected, sizeof(expected),
		 "directory %s: summary of 'usr/bin/tool.bin' cut at 6 bytes: over the "
		 "summary_bytes limit of 8 bytes\n",
		 t.root);
	tree_remove(&t);
	ST_CHECK_INT(rc, 0);
	/* The append of the second 4-byte chunk would pass the 8 bytes. */
	ST_CHECK_STR(log.visits.text, "S usr/bin/tool.bin size 10 mode 755 [S:0123]\n");
	ST_CHECK_STR(dlog.text, expected);
	return ST_TEST_PASS;
}

ST_TEST(walk_dir_summary_error_is_warning)
{
	struct strata_limits lim;
	struct strata_error err = {0};
	struct summary_log log = {.mode = SUMMARY_FAIL};
	struct diag_log dlog = {0};
	struct tree t = {0};
	int rc;

	strata_limits_default(&lim);
	ST_CHECK_INT(summary_tree(&t), 0);
	rc = walk_summaries(&t, &lim, &log, &dlog, &err);
	tree_remove(&t);
	ST_CHECK_INT(rc, 0);
	ST_CHECK_INT(log.summarize_calls, 1);
	ST_CHECK_INT(log.visits.len, 0);
	ST_CHECK(strstr(dlog.text, ": skipping 'usr/bin/tool.bin': cannot summarize it: "
				   "bad archive\n") != NULL);
	return ST_TEST_PASS;
}

ST_TEST(walk_dir_summary_nomem_stops)
{
	struct strata_limits lim;
	struct strata_error err = {0};
	struct summary_log log = {.mode = SUMMARY_NOMEM};
	struct diag_log dlog = {0};
	struct tree t = {0};
	int rc;

	strata_limits_default(&lim);
	ST_CHECK_INT(summary_tree(&t), 0);
	rc = walk_summaries(&t, &lim, &log, &dlog, &err);
	tree_remove(&t);
	ST_CHECK_INT(rc, STRATA_ENOMEM);
	ST_CHECK(strstr(err.msg, "summarizing 'usr/bin/tool.bin': out of memory") != NULL);
	ST_CHECK_INT(log.visits.len, 0);
	return ST_TEST_PASS;
}

ST_TEST(walk_dir_summary_reads_size_at_open)
{
	struct strata_limits lim;
	struct strata_error err = {0};
	struct summary_log log = {.mode = SUMMARY_GROW};
	struct diag_log dlog = {0};
	struct tree t = {0};
	int rc;

	strata_limits_default(&lim);
	ST_CHECK_INT(summary_tree(&t), 0);
	rc = walk_summaries(&t, &lim, &log, &dlog, &err);
	tree_remove(&t);
	ST_CHECK_INT(rc, 0);
	/* The bytes appended after the open are not read. */
	ST_CHECK_INT(log.seen_len, 10);
	ST_CHECK_STR(log.visits.text, "S usr/bin/tool.bin size 10 mode 755 [S:0123456789]\n");
	ST_CHECK_INT(dlog.len, 0);
	return ST_TEST_PASS;
}

ST_TEST(walk_dir_summary_of_shrunk_file)
{
	struct strata_limits lim;
	struct strata_error err = {0};
	struct summary_log log = {.mode = SUMMARY_SHRINK};
	struct diag_log dlog = {0};
	struct tree t = {0};
	int rc;

	strata_limits_default(&lim);
	ST_CHECK_INT(summary_tree(&t), 0);
	rc = walk_summaries(&t, &lim, &log, &dlog, &err);
	tree_remove(&t);
	ST_CHECK_INT(rc, 0);
	ST_CHECK_INT(log.seen_len, 4);
	ST_CHECK_INT(log.visits.len, 0);
	ST_CHECK(strstr(dlog.text, "skipping 'usr/bin/tool.bin': cannot summarize it: "
				   "'usr/bin/tool.bin' ends after 4 of 10 bytes") != NULL);
	return ST_TEST_PASS;
}

ST_TEST(walk_dir_summary_counts_in_budget)
{
	struct strata_limits lim;
	struct strata_error err = {0};
	struct summary_log log = {.mode = SUMMARY_COPY};
	struct diag_log dlog = {0};
	struct tree t = {0};
	int rc;

	strata_limits_default(&lim);
	lim.cataloged_total_bytes = 5;
	ST_CHECK_INT(summary_tree(&t), 0);
	rc = walk_summaries(&t, &lim, &log, &dlog, &err);
	tree_remove(&t);
	/* The 12-byte summary is kept like captured content, so the total
	 * counts it. */
	ST_CHECK_INT(rc, STRATA_ELIMIT);
	ST_CHECK(strstr(err.msg, "file 'usr/bin/tool.bin': captured files would exceed the "
				 "cataloged_total_bytes limit of 5 bytes") != NULL);
	return ST_TEST_PASS;
}

/* Image and inventory -------------------------------------------------------- */

static const struct st_package *find_package(const struct st_inventory *inv, const char *name)
{
	size_t i;

	for (i = 0; i < inv->count; i++) {
		if (strcmp(inv->packages[i].name, name) == 0)
			return &inv->packages[i];
	}
	return NULL;
}

ST_TEST(dir_image_inventory)
{
	struct strata_limits lim;
	struct strata_error err = {0};
	struct st_walk_layer_stats stats;
	struct st_image_options opts;
	struct st_walk_options wopts;
	struct st_image *img = NULL;
	struct st_inventory inv;
	const struct st_package *p;
	struct diag_log dlog = {0};
	struct st_diag diag = {diag_record, &dlog, 0};
	struct tree t = {0};
	int rc;

	strata_limits_default(&lim);
	lim.cataloged_file_bytes = 4096;
	ST_CHECK_INT(tree_build(&t, 5000), 0);
	opts.platform = NULL;
	opts.limits = &lim;
	opts.diag = &diag;
	wopts.limits = &lim;
	wopts.diag = &diag;
	st_inventory_init(&inv);
	rc = st_image_open(&img, t.ref, &opts, &err);
	if (rc == 0)
		rc = st_catalog_image(img, &inv, &wopts, &stats, &err);
	tree_remove(&t);
	if (rc != 0)
		fprintf(stderr, "# %s\n", err.msg);
	ST_CHECK_INT(rc, 0);

	ST_CHECK_INT(img->form, ST_FORM_DIR);
	ST_CHECK_STR(st_image_form_name(img->form), "dir");
	ST_CHECK_INT(img->layer_count, 1);
	ST_CHECK(img->layers[0].digest == NULL);
	ST_CHECK(img->config_digest == NULL);
	ST_CHECK_INT(img->layers[0].size, stats.content_bytes);

	ST_CHECK(inv.os.found);
	ST_CHECK_STR(inv.os.id, "debian");
	ST_CHECK_STR(inv.os.path, "usr/lib/os-release");
	ST_CHECK_INT(inv.count, 3);
	p = find_package(&inv, "zlib1g");
	ST_CHECK(p != NULL);
	ST_CHECK_STR(p->type, "deb");
	ST_CHECK_STR(p->version, "1:1.2.13.dfsg-1");
	ST_CHECK_INT(p->layer, 0);
	p = find_package(&inv, "left-pad");
	ST_CHECK(p != NULL);
	ST_CHECK_STR(p->type, "npm");
	ST_CHECK_STR(p->path, "usr/lib/node_modules/left-pad/package.json");
	ST_CHECK(find_package(&inv, "base-files") != NULL);

	/* The 5000-byte manifest is over cataloged_file_bytes. */
	ST_CHECK(strstr(dlog.text, "skipping 'usr/lib/node_modules/big/package.json'") != NULL);
	st_inventory_dispose(&inv);
	st_image_free(img);
	return ST_TEST_PASS;
}

ST_TEST(dir_image_has_no_layer_blob)
{
	struct strata_limits lim;
	struct strata_error err = {0};
	struct st_image_options opts = {NULL, &lim, NULL};
	struct st_image *img = NULL;
	struct st_stream *layer = NULL;
	struct tree t = {0};
	int rc;

	strata_limits_default(&lim);
	ST_CHECK_INT(tree_build(&t, 0), 0);
	rc = st_image_open(&img, t.ref, &opts, &err);
	tree_remove(&t);
	ST_CHECK_INT(rc, 0);
	ST_CHECK_INT(st_image_open_layer(img, 0, &layer, &err), STRATA_EUNSUPPORTED);
	ST_CHECK(layer == NULL);
	/* Regression: the message used to print the layer's NULL digest. */
	ST_CHECK(strstr(err.msg, "(null)") == NULL);
	ST_CHECK(strstr(err.msg, "no layer blobs") != NULL);
	st_image_free(img);
	return ST_TEST_PASS;
}

ST_TEST(dir_image_bad_references)
{
	struct strata_limits lim;
	struct strata_error err = {0};
	struct st_image_options opts = {NULL, &lim, NULL};
	struct st_image *img = NULL;

	strata_limits_default(&lim);
	ST_CHECK_INT(st_image_open(&img, "dir:", &opts, &err), STRATA_EINVAL);
	ST_CHECK_INT(st_image_open(&img, "dir:/nonexistent/strata-root", &opts, &err),
		     STRATA_ENOTFOUND);
	ST_CHECK_INT(st_image_open(&img, "dir:/dev/null", &opts, &err), STRATA_EINVAL);
	ST_CHECK(strstr(err.msg, "not a directory") != NULL);
	ST_CHECK(img == NULL);
	return ST_TEST_PASS;
}
