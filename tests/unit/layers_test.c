/* Tests of the layer analysis (lib/image/layers.c) on tar layers built in
 * memory, and of the removed-package list that `strata scan --layers all`
 * reads from the OS catalogers' layer history. */
#include <archive.h>
#include <archive_entry.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "image/layers.h"
#include "testlib.h"

#define MAX_LAYERS 6
#define MAX_ENTRIES 16
#define TAR_CAP (1u << 20)

/* One member of a test layer: 'f' regular file (DATA), 'd' directory,
 * 'l' symlink and 'h' hard link (to DATA), 'c' character device 0/0 (an
 * overlayfs whiteout). A layer whose first entry is 'x' is DATA as raw
 * bytes, not a tar. */
struct entry {
	char type;
	const char *path;
	const char *data;
};

struct test_image {
	struct entry layers[MAX_LAYERS][MAX_ENTRIES];
	size_t count;
	atomic_size_t opens; /* layers opened, by the walk's worker threads */
	/* Raw bytes read as the layer in place of its entries, when not NULL. */
	const unsigned char *raw[MAX_LAYERS];
	size_t raw_len[MAX_LAYERS];
};

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

	(void)err;
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

static void write_entry(struct archive *a, const struct entry *e)
{
	struct archive_entry *ae = archive_entry_new();
	size_t len = e->type == 'f' ? strlen(e->data) : 0;

	archive_entry_set_pathname(ae, e->path);
	archive_entry_set_perm(ae, 0644);
	archive_entry_set_size(ae, (la_int64_t)len);
	switch (e->type) {
	case 'd':
		archive_entry_set_filetype(ae, AE_IFDIR);
		break;
	case 'l':
		archive_entry_set_filetype(ae, AE_IFLNK);
		archive_entry_set_symlink(ae, e->data);
		break;
	case 'h':
		archive_entry_set_filetype(ae, AE_IFREG);
		archive_entry_set_hardlink(ae, e->data);
		break;
	case 'c':
		archive_entry_set_filetype(ae, AE_IFCHR);
		archive_entry_set_rdev(ae, 0);
		break;
	default:
		archive_entry_set_filetype(ae, AE_IFREG);
		break;
	}
	if (archive_write_header(a, ae) != ARCHIVE_OK)
		abort();
	if (len > 0)
		archive_write_data(a, e->data, len);
	archive_entry_free(ae);
}

static int open_layer(void *ctx, size_t index, struct st_stream **out, struct strata_error *err)
{
	struct test_image *img = ctx;
	const struct entry *entries;
	struct mem_stream *m;
	struct archive *a;
	size_t used = 0;
	size_t i;

	if (index >= img->count)
		return st_error_set(err, STRATA_EINVAL, "no layer %zu", index);
	atomic_fetch_add(&img->opens, 1);
	entries = img->layers[index];
	m = calloc(1, sizeof(*m));
	if (m == NULL || (m->data = malloc(TAR_CAP)) == NULL)
		abort();
	m->base.read = mem_read;
	m->base.close = mem_close;
	*out = &m->base;
	if (img->raw[index] != NULL) {
		m->len = img->raw_len[index];
		memcpy(m->data, img->raw[index], m->len);
		return 0;
	}
	if (entries[0].type == 'x') {
		m->len = strlen(entries[0].data);
		memcpy(m->data, entries[0].data, m->len);
		return 0;
	}
	a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	archive_write_set_bytes_in_last_block(a, 1);
	if (archive_write_open_memory(a, m->data, TAR_CAP, &used) != ARCHIVE_OK)
		abort();
	for (i = 0; i < MAX_ENTRIES && entries[i].type != 0; i++)
		write_entry(a, &entries[i]);
	archive_write_close(a);
	archive_write_free(a);
	m->len = used;
	return 0;
}

/* Diagnostics collected into one string. */
struct log {
	char text[4096];
};

static void log_fn(void *ctx, int level, const char *msg)
{
	struct log *log = ctx;
	size_t n = strlen(log->text);

	(void)level;
	snprintf(log->text + n, sizeof(log->text) - n, "%s\n", msg);
}

/* Analyzes IMG into L with limits LIM (NULL: defaults). */
static int analyze(struct st_layers *l, struct test_image *img, struct strata_limits *lim,
		   struct log *log, struct strata_error *err)
{
	static const char *const names[] = {"sha256:l0", "sha256:l1", "sha256:l2",
					    "sha256:l3", "sha256:l4", "sha256:l5"};
	struct strata_limits defaults;
	struct st_diag diag = {log_fn, log, 0};
	struct st_layers_options opts;
	int rc;

	if (lim == NULL) {
		strata_limits_default(&defaults);
		lim = &defaults;
	}
	memset(log, 0, sizeof(*log));
	opts.limits = lim;
	opts.diag = &diag;
	strata_error_clear(err);
	rc = st_layers_init(l, img->count, lim, err);
	if (rc == 0)
		rc = st_layers_scan(l, open_layer, img, names, &opts, err);
	if (rc == 0)
		st_layers_finish(l);
	return rc;
}

#define CHECK_COUNTS(c, n, b)                                                  \
	do {                                                                   \
		ST_CHECK_INT((c).files, (n));                                  \
		ST_CHECK_INT((c).bytes, (b));                                  \
	} while (0)

/* File figures --------------------------------------------------------------- */

ST_TEST(whiteout_of_file)
{
	struct test_image img = {
		.layers = {
			{{'d', "a/", NULL}, {'f', "a/x", "12345"}, {'f', "a/y", "abc"}},
			{{'f', "a/.wh.x", ""}, {'f', "a/.wh.missing", ""}},
		},
		.count = 2,
	};
	struct strata_error err;
	struct st_layers l;
	struct log log;

	ST_CHECK_INT(analyze(&l, &img, NULL, &log, &err), 0);
	CHECK_COUNTS(l.layers[0].added, 2, 8);
	CHECK_COUNTS(l.layers[1].added, 0, 0);
	CHECK_COUNTS(l.layers[1].modified, 0, 0);
	CHECK_COUNTS(l.layers[1].removed, 1, 5);
	ST_CHECK_INT(l.layers[0].wasted_bytes, 5);
	ST_CHECK_INT(l.wasted_bytes, 5);
	ST_CHECK_INT(l.content_bytes, 8);
	ST_CHECK_INT(l.wasted_count, 1);
	ST_CHECK_STR(l.wasted[0].path, "a/x");
	st_layers_dispose(&l);
	return ST_TEST_PASS;
}

/* The analysis reads each layer once, in the layer walk that also
 * captures the package databases, with layers read on worker threads. */
ST_TEST(each_layer_read_once)
{
	struct test_image img = {
		.layers = {
			{{'d', "a/", NULL}, {'f', "a/x", "12345"}},
			{{'f', "a/y", "abc"}},
			{{'f', "a/.wh.x", ""}, {'f', "b", "1"}},
		},
		.count = 3,
	};
	struct strata_limits lim;
	struct strata_error err;
	struct st_layers l;
	struct log log;

	strata_limits_default(&lim);
	lim.scan_threads = 3;
	ST_CHECK_INT(analyze(&l, &img, &lim, &log, &err), 0);
	ST_CHECK_INT(atomic_load(&img.opens), 3);
	CHECK_COUNTS(l.layers[1].added, 1, 3);
	CHECK_COUNTS(l.layers[2].removed, 1, 5);
	CHECK_COUNTS(l.layers[2].added, 1, 1);
	ST_CHECK_INT(l.distinct_paths, 4);
	st_layers_dispose(&l);
	return ST_TEST_PASS;
}

ST_TEST(whiteout_of_directory)
{
	struct test_image img = {
		.layers = {
			{{'d', "d/", NULL}, {'f', "d/1", "12"}, {'f', "d/sub/2", "123"},
			 {'l', "d/link", "1"}, {'f', "e", "x"}},
			{{'f', ".wh.d", ""}},
		},
		.count = 2,
	};
	struct strata_error err;
	struct st_layers l;
	struct log log;

	ST_CHECK_INT(analyze(&l, &img, NULL, &log, &err), 0);
	CHECK_COUNTS(l.layers[0].added, 4, 6);
	CHECK_COUNTS(l.layers[1].removed, 3, 5);
	ST_CHECK_INT(l.wasted_bytes, 5);
	ST_CHECK_INT(l.distinct_paths, 6);
	st_layers_dispose(&l);
	return ST_TEST_PASS;
}

ST_TEST(opaque_directory)
{
	/* Layer 1 writes the marker first, layer 2 after its new file: the
	 * marker removes only lower files either way. */
	struct test_image img = {
		.layers = {
			{{'f', "o/a", "1"}, {'f', "o/b", "22"}, {'f', "keep", "k"}},
			{{'f', "o/.wh..wh..opq", ""}, {'f', "o/c", "4444"}},
			{{'f', "o/d", "55555"}, {'f', "o/.wh..wh..opq", ""}},
		},
		.count = 3,
	};
	struct strata_error err;
	struct st_layers l;
	struct log log;

	ST_CHECK_INT(analyze(&l, &img, NULL, &log, &err), 0);
	CHECK_COUNTS(l.layers[1].removed, 2, 3);
	CHECK_COUNTS(l.layers[1].added, 1, 4);
	CHECK_COUNTS(l.layers[2].removed, 1, 4);
	CHECK_COUNTS(l.layers[2].added, 1, 5);
	ST_CHECK_INT(l.layers[0].wasted_bytes, 3);
	ST_CHECK_INT(l.layers[1].wasted_bytes, 4);
	ST_CHECK_INT(l.layers[2].wasted_bytes, 0);
	ST_CHECK_INT(l.wasted_bytes, 7);
	st_layers_dispose(&l);
	return ST_TEST_PASS;
}

ST_TEST(file_replaced_later)
{
	struct test_image img = {
		.layers = {
			{{'f', "f", "0123456789"}, {'f', "p/q", "4444"}},
			{{'f', "f", "abc"}, {'f', "p", "1"}},
		},
		.count = 2,
	};
	struct strata_error err;
	struct st_layers l;
	struct log log;
	double efficiency;

	ST_CHECK_INT(analyze(&l, &img, NULL, &log, &err), 0);
	/* f is modified; the file p replaces the directory p and so removes
	 * the lower p/q. */
	CHECK_COUNTS(l.layers[1].modified, 1, 3);
	CHECK_COUNTS(l.layers[1].added, 1, 1);
	CHECK_COUNTS(l.layers[1].removed, 1, 4);
	ST_CHECK_INT(l.wasted_bytes, 14);
	ST_CHECK_INT(l.content_bytes, 18);
	efficiency = st_layers_efficiency(&l);
	ST_CHECK(efficiency > 1.0 - 14.0 / 18.0 - 1e-12 && efficiency < 1.0 - 14.0 / 18.0 + 1e-12);
	ST_CHECK_INT(l.wasted_count, 2);
	ST_CHECK_STR(l.wasted[0].path, "f");
	ST_CHECK_INT(l.wasted[0].bytes, 10);
	ST_CHECK_STR(l.wasted[1].path, "p/q");
	st_layers_dispose(&l);
	return ST_TEST_PASS;
}

ST_TEST(file_written_twice_in_layer)
{
	struct test_image img = {
		.layers = {{{'f', "z", "12345"}, {'f', "z", "1234567"}}},
		.count = 1,
	};
	struct strata_error err;
	struct st_layers l;
	struct log log;

	ST_CHECK_INT(analyze(&l, &img, NULL, &log, &err), 0);
	CHECK_COUNTS(l.layers[0].added, 1, 7);
	ST_CHECK_INT(l.layers[0].content_bytes, 12);
	ST_CHECK_INT(l.layers[0].wasted_bytes, 5);
	st_layers_dispose(&l);
	return ST_TEST_PASS;
}

ST_TEST(hard_link_counts_no_bytes)
{
	struct test_image img = {
		.layers = {
			{{'f', "h", "123456"}, {'h', "h2", "h"}},
			{{'f', ".wh.h", ""}},
		},
		.count = 2,
	};
	struct strata_error err;
	struct st_layers l;
	struct log log;

	ST_CHECK_INT(analyze(&l, &img, NULL, &log, &err), 0);
	CHECK_COUNTS(l.layers[0].added, 2, 6);
	CHECK_COUNTS(l.layers[1].removed, 1, 6);
	ST_CHECK_INT(l.content_bytes, 6);
	st_layers_dispose(&l);
	return ST_TEST_PASS;
}

/* As in the layer walk, a hard link is left out unless an earlier entry of
 * its own layer wrote the file it names. Cases: a missing target, itself,
 * a directory, a file of a lower layer, a name above the root. */
ST_TEST(hard_link_without_target_left_out)
{
	struct test_image img = {
		.layers = {
			{{'f', "low", "12"}},
			{{'d', "dir/", NULL}, {'h', "missing", "nothere"}, {'h', "self", "self"},
			 {'h', "todir", "dir"}, {'h', "tolower", "low"}, {'h', "up", "../x"},
			 {'f', "ok", "abc"}, {'h', "ok2", "/ok"}},
		},
		.count = 2,
	};
	struct strata_error err;
	struct st_layers l;
	struct log log;

	ST_CHECK_INT(analyze(&l, &img, NULL, &log, &err), 0);
	CHECK_COUNTS(l.layers[1].added, 2, 3);
	CHECK_COUNTS(l.layers[1].modified, 0, 0);
	/* Each link left out is named in a warning. */
	ST_CHECK(strstr(log.text, "layer sha256:l1: hard link 'tolower' to 'low' is not "
				  "counted: its target is not a file that an earlier entry of "
				  "this layer wrote") != NULL);
	ST_CHECK(strstr(log.text, "hard link 'missing' to 'nothere' is not counted") != NULL);
	ST_CHECK(strstr(log.text, "hard link 'ok2'") == NULL);
	st_layers_dispose(&l);
	return ST_TEST_PASS;
}

/* Writes a tar header block for NAME at OUT: TYPE, SIZE and LINKNAME. */
static void put_tar_header(unsigned char *out, const char *name, char type, size_t size,
			   const char *linkname)
{
	unsigned sum = 0;
	size_t i;

	memset(out, 0, 512);
	memcpy(out, name, strlen(name));
	memcpy(out + 100, "0000644", 7);
	memcpy(out + 108, "0000000", 7);
	memcpy(out + 116, "0000000", 7);
	snprintf((char *)out + 124, 12, "%011zo", size);
	memcpy(out + 136, "00000000000", 11);
	out[156] = (unsigned char)type;
	memcpy(out + 157, linkname, strlen(linkname));
	memcpy(out + 257, "ustar  ", 8); /* GNU magic and version */
	memset(out + 148, ' ', 8);
	for (i = 0; i < 512; i++)
		sum += out[i];
	snprintf((char *)out + 148, 8, "%06o", sum);
}

/* A GNU long-link entry ('K') holding one NUL gives the next hard link an
 * empty target. Its record once lacked the target, so later records misread. */
ST_TEST(empty_long_link_target)
{
	static unsigned char tar[512 * 14];
	struct test_image img = {.count = 1};
	struct strata_error err;
	struct st_layers l;
	struct log log;
	size_t at = 0;
	size_t i;

	memset(tar, 0, sizeof(tar));
	put_tar_header(tar + at, "a", '0', 1, "");
	tar[at + 512] = 'x';
	at += 1024;
	put_tar_header(tar + at, "././@LongLink", 'K', 1, "");
	at += 1024; /* its content is one NUL */
	put_tar_header(tar + at, "b", '1', 0, "a");
	at += 512;
	for (i = 0; i < 3; i++) {
		char name[4] = {'c', (char)('0' + i), '\0', '\0'};

		put_tar_header(tar + at, name, '0', 300, "");
		memset(tar + at + 512, 'y', 300);
		at += 1024;
	}
	img.raw[0] = tar;
	img.raw_len[0] = sizeof(tar);
	ST_CHECK_INT(analyze(&l, &img, NULL, &log, &err), 0);
	CHECK_COUNTS(l.layers[0].added, 4, 901);
	ST_CHECK(strstr(log.text, "hard link 'b' to '' is not counted") != NULL);
	st_layers_dispose(&l);
	return ST_TEST_PASS;
}

ST_TEST(overlay_whiteout_device)
{
	struct test_image img = {
		.layers = {
			{{'f', "gone", "123"}},
			{{'c', "gone", NULL}},
		},
		.count = 2,
	};
	struct strata_error err;
	struct st_layers l;
	struct log log;

	ST_CHECK_INT(analyze(&l, &img, NULL, &log, &err), 0);
	CHECK_COUNTS(l.layers[1].removed, 1, 3);
	CHECK_COUNTS(l.layers[1].added, 0, 0);
	st_layers_dispose(&l);
	return ST_TEST_PASS;
}

ST_TEST(whiteout_naming_nothing_warns)
{
	struct test_image img = {
		.layers = {
			{{'f', "d/f", "1"}},
			{{'f', "d/.wh.", ""}, {'f', "d/.wh...", ""}},
		},
		.count = 2,
	};
	struct strata_error err;
	struct st_layers l;
	struct log log;
	const char *first;

	ST_CHECK_INT(analyze(&l, &img, NULL, &log, &err), 0);
	CHECK_COUNTS(l.layers[1].removed, 0, 0);
	first = strstr(log.text, "ignoring whiteout 'd/.wh.'");
	ST_CHECK(first != NULL);
	/* Regression: the walk and the path analysis both warned. */
	ST_CHECK(strstr(first + 1, "ignoring whiteout 'd/.wh.'") == NULL);
	st_layers_dispose(&l);
	return ST_TEST_PASS;
}

ST_TEST(top_wasted_paths_capped)
{
	static char names[30][8];
	static char data[30][32];
	struct test_image img;
	struct strata_error err;
	struct st_layers l;
	struct log log;
	size_t i;

	memset(&img, 0, sizeof(img));
	img.count = 3;
	for (i = 0; i < 30; i++) {
		size_t layer = i / MAX_ENTRIES;

		snprintf(names[i], sizeof(names[i]), "w%02zu", i);
		memset(data[i], 'x', i + 1);
		data[i][i + 1] = '\0';
		img.layers[layer][i % MAX_ENTRIES].type = 'f';
		img.layers[layer][i % MAX_ENTRIES].path = names[i];
		img.layers[layer][i % MAX_ENTRIES].data = data[i];
	}
	img.layers[2][0].type = 'f';
	img.layers[2][0].path = ".wh..wh..opq";
	img.layers[2][0].data = "";
	ST_CHECK_INT(analyze(&l, &img, NULL, &log, &err), 0);
	CHECK_COUNTS(l.layers[2].removed, 30, 465);
	ST_CHECK_INT(l.wasted_count, ST_LAYERS_TOP_WASTED);
	ST_CHECK_STR(l.wasted[0].path, "w29");
	ST_CHECK_INT(l.wasted[0].bytes, 30);
	ST_CHECK_STR(l.wasted[19].path, "w10");
	st_layers_dispose(&l);
	return ST_TEST_PASS;
}

/* Bad input -------------------------------------------------------------------- */

ST_TEST(corrupt_layer_names_digest)
{
	struct test_image img = {
		.layers = {
			{{'f', "a", "1"}},
			{{'x', NULL, "this is no tar archive, only text that goes on for a while "
				     "so that the reader sees a whole header block of it ........"
				     "................................................................"
				     "................................................................"
				     "................................................................"
				     "................................................................"
				     "................................................................"
				     "................................................................"
				     "................................................................"}},
		},
		.count = 2,
	};
	struct strata_error err;
	struct st_layers l;
	struct log log;
	int rc;

	rc = analyze(&l, &img, NULL, &log, &err);
	ST_CHECK_INT(rc, STRATA_ECORRUPT);
	ST_CHECK(strstr(err.msg, "sha256:l1") != NULL);
	st_layers_dispose(&l);
	return ST_TEST_PASS;
}

ST_TEST(entries_per_layer_limit)
{
	struct test_image img = {
		.layers = {{{'f', "a", "1"}, {'f', "b", "2"}, {'f', "c", "3"}}},
		.count = 1,
	};
	struct strata_limits lim;
	struct strata_error err;
	struct st_layers l;
	struct log log;

	strata_limits_default(&lim);
	lim.entries_per_layer = 2;
	ST_CHECK_INT(analyze(&l, &img, &lim, &log, &err), STRATA_ELIMIT);
	ST_CHECK(strstr(err.msg, "entries_per_layer") != NULL);
	ST_CHECK(strstr(err.msg, "sha256:l0") != NULL);
	st_layers_dispose(&l);
	return ST_TEST_PASS;
}

ST_TEST(layers_limit)
{
	struct strata_limits lim;
	struct strata_error err;
	struct st_layers l;

	strata_limits_default(&lim);
	lim.layers = 2;
	ST_CHECK_INT(st_layers_init(&l, 3, &lim, &err), STRATA_ELIMIT);
	ST_CHECK(strstr(err.msg, "layers limit") != NULL);
	st_layers_dispose(&l);
	return ST_TEST_PASS;
}

/* As in the layer walk: a name above the root is left out, and an
 * absolute name is counted inside the root. */
ST_TEST(unsafe_names_as_in_walk)
{
	struct test_image img = {
		.layers = {{{'f', "a/../../etc/passwd", "x"}, {'f', "/etc/group", "abc"},
			    {'f', "etc/hosts", "12"}}},
		.count = 1,
	};
	struct strata_error err;
	struct st_layers l;
	struct log log;

	ST_CHECK_INT(analyze(&l, &img, NULL, &log, &err), 0);
	CHECK_COUNTS(l.layers[0].added, 2, 5);
	ST_CHECK_INT(l.distinct_paths, 3);
	st_layers_dispose(&l);
	return ST_TEST_PASS;
}

/* History ----------------------------------------------------------------------- */

static int read_history(struct st_layers *l, size_t layers, const char *config, struct log *log,
			struct strata_error *err)
{
	struct strata_limits lim;
	struct st_diag diag = {log_fn, log, 0};
	struct st_layers_options opts = {&lim, &diag};
	int rc;

	strata_limits_default(&lim);
	memset(log, 0, sizeof(*log));
	strata_error_clear(err);
	rc = st_layers_init(l, layers, &lim, err);
	if (rc < 0)
		return rc;
	return st_layers_read_history(l, st_slice_cstr(config), "config sha256:c", &opts, err);
}

ST_TEST(history_skips_empty_layer)
{
	const char *config = "{\"history\":[{\"created_by\":\"RUN a\"},"
			     "{\"created_by\":\"ENV X=1\",\"empty_layer\":true},"
			     "{\"created_by\":\"RUN b\",\"created\":\"2024-06-01T00:00:00Z\","
			     "\"empty_layer\":false}]}";
	struct strata_error err;
	struct st_layers l;
	struct log log;

	ST_CHECK_INT(read_history(&l, 2, config, &log, &err), 0);
	ST_CHECK_INT(l.history_count, 3);
	ST_CHECK_STR(l.layers[0].created_by, "RUN a");
	ST_CHECK_STR(l.layers[1].created_by, "RUN b");
	ST_CHECK_STR(l.layers[1].created, "2024-06-01T00:00:00Z");
	ST_CHECK_INT(l.layers[1].history_index, 2);
	ST_CHECK(l.history[1].empty_layer);
	ST_CHECK(l.history[1].layer == SIZE_MAX);
	ST_CHECK_INT(l.history[2].layer, 1);
	ST_CHECK_STR(log.text, "");
	st_layers_dispose(&l);
	return ST_TEST_PASS;
}

ST_TEST(history_shorter_than_layers)
{
	const char *config = "{\"history\":[{\"created_by\":\"RUN a\"}]}";
	struct strata_error err;
	struct st_layers l;
	struct log log;

	ST_CHECK_INT(read_history(&l, 2, config, &log, &err), 0);
	ST_CHECK_STR(l.layers[0].created_by, "RUN a");
	ST_CHECK(l.layers[1].created_by == NULL);
	ST_CHECK(l.layers[1].history_index == SIZE_MAX);
	/* Opening the image warns about the mismatch; the analysis does not
	 * warn a second time. */
	ST_CHECK_STR(log.text, "");
	st_layers_dispose(&l);
	return ST_TEST_PASS;
}

ST_TEST(history_longer_than_layers)
{
	const char *config = "{\"history\":[{\"created_by\":\"RUN a\"},{\"created_by\":\"RUN b\"},"
			     "{\"created_by\":\"RUN c\"}]}";
	struct strata_error err;
	struct st_layers l;
	struct log log;

	ST_CHECK_INT(read_history(&l, 2, config, &log, &err), 0);
	ST_CHECK_STR(l.layers[1].created_by, "RUN b");
	ST_CHECK(l.history[2].layer == SIZE_MAX);
	ST_CHECK_STR(log.text, "");
	st_layers_dispose(&l);
	return ST_TEST_PASS;
}

ST_TEST(history_missing_is_no_error)
{
	struct strata_error err;
	struct st_layers l;
	struct log log;

	ST_CHECK_INT(read_history(&l, 1, "{\"architecture\":\"amd64\"}", &log, &err), 0);
	ST_CHECK_INT(l.history_count, 0);
	ST_CHECK(l.layers[0].created_by == NULL);
	ST_CHECK_STR(log.text, "");
	st_layers_dispose(&l);
	return ST_TEST_PASS;
}

ST_TEST(history_malformed_rejected)
{
	static const char *const bad[] = {
		"{\"history\":{}}",
		"{\"history\":[1]}",
		"{\"history\":[{\"created_by\":7}]}",
		"{\"history\":[{\"empty_layer\":\"yes\"}]}",
		"{\"history\":[",
		"[]",
	};
	struct strata_error err;
	struct st_layers l;
	struct log log;
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(bad); i++) {
		int rc = read_history(&l, 1, bad[i], &log, &err);

		st_layers_dispose(&l);
		if (rc != STRATA_ECORRUPT) {
			fprintf(stderr, "# config %s: rc %d, expected ECORRUPT\n", bad[i], rc);
			return ST_TEST_FAIL;
		}
		ST_CHECK(strstr(err.msg, "config sha256:c") != NULL);
	}
	return ST_TEST_PASS;
}

/* Package changes ----------------------------------------------------------- */

#define STANZA(name, version)                                                  \
	"Package: " name "\nStatus: install ok installed\nVersion: " version   \
	"\nArchitecture: amd64\n\n"

static const struct st_pkg_change *find_change(const struct st_layers *l, size_t layer,
					       const char *name)
{
	size_t i;

	for (i = 0; i < l->change_count; i++) {
		if (l->changes[i].layer == layer && strcmp(l->changes[i].name, name) == 0)
			return &l->changes[i];
	}
	return NULL;
}

ST_TEST(dpkg_changes_per_layer)
{
	struct test_image img = {
		.layers = {
			{{'f', "var/lib/dpkg/status", STANZA("a", "1.0") STANZA("b", "2.0")}},
			{{'f', "var/lib/dpkg/status", STANZA("a", "1.1") STANZA("c", "1:0.1")}},
			{{'f', "var/lib/dpkg/status", STANZA("a", "1.0") STANZA("c", "1:0.1")}},
			{{'f', "etc/other", "x"}},
			{{'f', "var/lib/dpkg/.wh.status", ""}},
		},
		.count = 5,
	};
	const struct st_pkg_change *c;
	struct strata_error err;
	struct st_layers l;
	struct log log;

	ST_CHECK_INT(analyze(&l, &img, NULL, &log, &err), 0);
	ST_CHECK_INT(l.layers[0].change_count, 2);
	c = find_change(&l, 1, "a");
	ST_CHECK(c != NULL && c->kind == ST_CHANGE_UPGRADED);
	ST_CHECK_STR(c->old_version, "1.0");
	ST_CHECK_STR(c->new_version, "1.1");
	ST_CHECK_STR(c->arch, "amd64");
	c = find_change(&l, 1, "b");
	ST_CHECK(c != NULL && c->kind == ST_CHANGE_REMOVED && c->new_version == NULL);
	c = find_change(&l, 1, "c");
	ST_CHECK(c != NULL && c->kind == ST_CHANGE_ADDED);
	ST_CHECK_INT(l.layers[1].change_count, 3);
	c = find_change(&l, 2, "a");
	ST_CHECK(c != NULL && c->kind == ST_CHANGE_DOWNGRADED);
	ST_CHECK_INT(l.layers[2].change_count, 1);
	ST_CHECK_INT(l.layers[3].change_count, 0);
	/* Removing the status file removes every package it listed. */
	ST_CHECK_INT(l.layers[4].change_count, 2);
	ST_CHECK(find_change(&l, 4, "a")->kind == ST_CHANGE_REMOVED);
	ST_CHECK(!l.layers[4].packages_unknown);
	st_layers_dispose(&l);
	return ST_TEST_PASS;
}

ST_TEST(oversized_database_unknown)
{
	struct test_image img = {
		.layers = {{{'f', "var/lib/dpkg/status", STANZA("a", "1.0")}}},
		.count = 1,
	};
	struct strata_limits lim;
	struct strata_error err;
	struct st_layers l;
	struct log log;

	strata_limits_default(&lim);
	lim.cataloged_file_bytes = 10;
	ST_CHECK_INT(analyze(&l, &img, &lim, &log, &err), 0);
	ST_CHECK(l.layers[0].packages_unknown);
	ST_CHECK_INT(l.layers[0].change_count, 0);
	ST_CHECK(strstr(log.text, "cataloged_file_bytes") != NULL);
	st_layers_dispose(&l);
	return ST_TEST_PASS;
}

ST_TEST(language_packages_by_final_layer)
{
	struct st_inventory inv;
	struct st_package p;
	struct strata_error err;
	struct st_layers l;

	st_inventory_init(&inv);
	memset(&p, 0, sizeof(p));
	p.type = "npm";
	p.name = "left-pad";
	p.version = "1.3.0";
	p.layer = 1;
	ST_CHECK_INT(st_inventory_add(&inv, &p, &err), 0);
	p.type = "deb";
	p.name = "libc6";
	ST_CHECK_INT(st_inventory_add(&inv, &p, &err), 0);
	ST_CHECK_INT(st_layers_init(&l, 2, &(struct strata_limits){.layers = 8}, &err), 0);
	ST_CHECK_INT(st_layers_add_packages(&l, &inv, &err), 0);
	st_layers_finish(&l);
	ST_CHECK_INT(l.change_count, 1);
	ST_CHECK_INT(l.layers[1].change_count, 1);
	ST_CHECK_STR(l.changes[0].name, "left-pad");
	ST_CHECK_STR(l.changes[0].new_version, "1.3.0");
	st_layers_dispose(&l);
	st_inventory_dispose(&inv);
	return ST_TEST_PASS;
}

/* scan --layers all: removed packages from the cataloger history ------------- */

static int catalog(struct st_inventory *inv, struct st_test_layers *tl, size_t count,
		   bool list_removed, struct strata_error *err)
{
	struct strata_limits lim;
	struct st_walk_options opts;

	strata_limits_default(&lim);
	opts.limits = &lim;
	opts.diag = NULL;
	st_inventory_init(inv);
	inv->list_removed = list_removed;
	return st_catalog_layers(count, st_test_open_layer, tl, NULL, inv, &opts, NULL, err);
}

static const struct st_package *find_removed(const struct st_inventory *inv, const char *name)
{
	size_t i;

	for (i = 0; i < inv->count; i++) {
		if (strcmp(inv->packages[i].name, name) == 0 &&
		    (inv->packages[i].flags & ST_PKG_REMOVED))
			return &inv->packages[i];
	}
	return NULL;
}

/* A layer that empties the status file, or removes it with a whiteout,
 * removes every package, and --layers all names that layer. Before, an
 * empty file gave removed_in = SIZE_MAX and a removed file listed none. */
ST_TEST(scan_all_layers_database_emptied_or_removed)
{
	static const struct st_test_tar_entry l0[] = {
		{"var/lib/dpkg/status", STANZA("a", "1.0") STANZA("b", "2.0"), NULL},
	};
	static const struct st_test_tar_entry emptied[] = {
		{"var/lib/dpkg/status", "", NULL},
	};
	static const struct st_test_tar_entry whiteout[] = {
		{"var/lib/dpkg/.wh.status", "", NULL},
	};
	static const struct st_test_tar_entry opaque[] = {
		{"var/lib/.wh..wh..opq", "", NULL},
	};
	static const struct st_test_tar_entry other[] = {
		{"etc/motd", "hi\n", NULL},
	};
	const struct st_test_tar_entry *removers[] = {emptied, whiteout, opaque};
	const struct st_package *p;
	struct st_inventory inv;
	struct strata_error err;
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(removers); i++) {
		struct st_test_layers tl = {{l0, removers[i], other}, {1, 1, 1}};

		ST_CHECK_INT(catalog(&inv, &tl, 3, true, &err), 0);
		p = find_removed(&inv, "a");
		ST_CHECK(p != NULL);
		ST_CHECK_INT(p->layer, 0);
		ST_CHECK_INT(p->removed_in, 1);
		p = find_removed(&inv, "b");
		ST_CHECK(p != NULL);
		ST_CHECK_INT(p->removed_in, 1);
		ST_CHECK_INT(inv.count, 2);
		st_inventory_dispose(&inv);
	}

	/* The same for apk's database. */
	{
		static const struct st_test_tar_entry apk0[] = {
			{"lib/apk/db/installed", "P:musl\nV:1.2.4-r2\nA:x86_64\n\n", NULL},
		};
		static const struct st_test_tar_entry apk1[] = {
			{"lib/apk/db/.wh.installed", "", NULL},
		};
		struct st_test_layers tl = {{apk0, apk1}, {1, 1}};

		ST_CHECK_INT(catalog(&inv, &tl, 2, true, &err), 0);
		p = find_removed(&inv, "musl");
		ST_CHECK(p != NULL);
		ST_CHECK_STR(p->type, "apk");
		ST_CHECK_INT(p->removed_in, 1);
		st_inventory_dispose(&inv);
	}
	return ST_TEST_PASS;
}

ST_TEST(scan_all_layers_lists_removed)
{
	static const struct st_test_tar_entry l0[] = {
		{"var/lib/dpkg/status", STANZA("a", "1.0") STANZA("b", "2.0") STANZA("c", "3.0"), NULL},
	};
	static const struct st_test_tar_entry l1[] = {
		{"var/lib/dpkg/status", STANZA("a", "1.1"), NULL},
	};
	static const struct st_test_tar_entry l2[] = {
		{"var/lib/dpkg/status", STANZA("a", "1.1") STANZA("c", "3.1"), NULL},
	};
	struct st_test_layers tl = {{l0, l1, l2}, {1, 1, 1}};
	const struct st_package *p;
	struct st_inventory inv;
	struct strata_error err;

	ST_CHECK_INT(catalog(&inv, &tl, 3, true, &err), 0);
	p = find_removed(&inv, "b");
	ST_CHECK(p != NULL);
	ST_CHECK_INT(p->layer, 0);
	ST_CHECK_INT(p->removed_in, 1);
	ST_CHECK_STR(p->version, "2.0");
	ST_CHECK_STR(p->type, "deb");
	ST_CHECK(p->purl != NULL && strstr(p->purl, "pkg:deb/debian/b@2.0") != NULL);
	/* c came back in layer 2, so it is no removed package. */
	ST_CHECK(find_removed(&inv, "c") == NULL);
	ST_CHECK(find_removed(&inv, "a") == NULL);
	ST_CHECK_INT(inv.count, 3);
	st_inventory_dispose(&inv);

	ST_CHECK_INT(catalog(&inv, &tl, 3, false, &err), 0);
	ST_CHECK(find_removed(&inv, "b") == NULL);
	ST_CHECK_INT(inv.count, 2);
	st_inventory_dispose(&inv);
	return ST_TEST_PASS;
}

/* A package database written as a symlink is not read: the warning names
 * the database's kind (it indexed the kind names with the entry's kind
 * and read past them, a crash that fuzz_layers found). */
ST_TEST(package_database_symlink_not_read)
{
	struct test_image img = {
		.layers = {
			{{'d', "var/", NULL}, {'d', "var/lib/", NULL}, {'d', "var/lib/dpkg/", NULL},
			 {'l', "var/lib/dpkg/status", "elsewhere"}},
		},
		.count = 1,
	};
	struct strata_error err;
	struct st_layers l;
	struct log log;

	ST_CHECK_INT(analyze(&l, &img, NULL, &log, &err), 0);
	ST_CHECK(l.layers[0].packages_unknown);
	ST_CHECK(strstr(log.text, "package database var/lib/dpkg/status is not a regular file; "
				  "the layer's deb package changes are unknown") != NULL);
	st_layers_dispose(&l);
	return ST_TEST_PASS;
}

/* A layer that removes a package database whose contents were unknown
 * (over cataloged_file_bytes) has unknown package changes too, not none. */
ST_TEST(removing_unknown_database_is_unknown)
{
	struct test_image img = {
		.layers = {
			{{'d', "var/", NULL}, {'d', "var/lib/", NULL}, {'d', "var/lib/dpkg/", NULL},
			 {'f', "var/lib/dpkg/status", "Package: a\nStatus: install ok installed\n"
						      "Version: 1.0\nArchitecture: all\n\n"}},
			{{'f', "var/lib/dpkg/.wh.status", ""}},
			{{'f', "etc/motd", "hi"}},
		},
		.count = 3,
	};
	struct strata_limits lim;
	struct strata_error err;
	struct st_layers l;
	struct log log;

	strata_limits_default(&lim);
	lim.cataloged_file_bytes = 10;
	ST_CHECK_INT(analyze(&l, &img, &lim, &log, &err), 0);
	ST_CHECK(l.layers[0].packages_unknown);
	ST_CHECK(l.layers[1].packages_unknown);
	ST_CHECK(!l.layers[2].packages_unknown);
	st_layers_dispose(&l);
	return ST_TEST_PASS;
}
