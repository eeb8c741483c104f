/* Tests for the java cataloger: the manifest, pom.properties and file name
 * parsers, the archive summarizer on real and built jars (nesting, shaded
 * jars, damaged members, every limit) and the packages made from a
 * summary. Jars are written in memory with libarchive's zip writer. */
#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "testlib.h"
#include "inventory/inventory.h"
#include "inventory/java_internal.h"

/* Helpers ------------------------------------------------------------------ */

struct diag_log {
	unsigned warnings;
	char all[16384];
	size_t len;
};

static void log_message(void *ctx, int level, const char *msg)
{
	struct diag_log *log = ctx;
	size_t n = strlen(msg);

	if (level >= ST_DIAG_WARN)
		log->warnings++;
	else
		return;
	if (log->len + n + 2 > sizeof(log->all))
		return;
	memcpy(log->all + log->len, msg, n);
	log->len += n;
	log->all[log->len++] = '\n';
	log->all[log->len] = '\0';
}

static void diag_init(struct st_diag *d, struct diag_log *log)
{
	memset(log, 0, sizeof(*log));
	d->fn = log_message;
	d->ctx = log;
	d->warnings = 0;
}

static bool read_data(const char *rel, struct st_buf *b)
{
	struct strata_error err;

	st_buf_init(b, 16u << 20);
	if (st_read_file(st_test_data_path(rel), b, false, &err) < 0) {
		fprintf(stderr, "# cannot read %s: %s\n", rel, err.msg);
		return false;
	}
	return true;
}

/* A stream over bytes in memory; FAIL_AT > 0 makes the read that reaches
 * that offset fail with STRATA_EIO, as a broken layer would. */
struct mem_stream {
	struct st_stream base;
	const char *data;
	size_t len;
	size_t pos;
	size_t fail_at;
};

static ssize_t mem_read(struct st_stream *s, void *buf, size_t len, struct strata_error *err)
{
	struct mem_stream *m = (struct mem_stream *)s;
	size_t n = m->len - m->pos;

	if (n > len)
		n = len;
	if (n > 7)
		n = n / 2 + 1; /* short reads, as a decompressor gives */
	if (m->fail_at > 0 && m->pos + n >= m->fail_at)
		return st_error_set(err, STRATA_EIO, "layer stream failed");
	memcpy(buf, m->data + m->pos, n);
	m->pos += n;
	return (ssize_t)n;
}

static void mem_close(struct st_stream *s)
{
}

static void mem_stream_init(struct mem_stream *m, const void *data, size_t len)
{
	memset(m, 0, sizeof(*m));
	m->base.read = mem_read;
	m->base.close = mem_close;
	m->data = data;
	m->len = len;
}

/* One member of a zip written by build_zip. LEN 0 with DATA set means
 * strlen(DATA). */
struct zmember {
	const char *name;
	const void *data;
	size_t len;
};

/* Writes a zip of the COUNT members into OUT (deflated, or stored when
 * STORE). */
static bool build_zip(struct st_buf *out, const struct zmember *m, size_t count, bool store)
{
	struct archive *a = archive_write_new();
	size_t cap = 65536;
	size_t used = 0;
	size_t i;
	bool ok = true;

	for (i = 0; i < count; i++)
		cap += (m[i].data != NULL && m[i].len == 0 ? strlen(m[i].data) : m[i].len) * 2 + 512;
	st_buf_init(out, SIZE_MAX);
	out->ptr = malloc(cap);
	out->cap = cap;
	ok = a != NULL && out->ptr != NULL && archive_write_set_format_zip(a) == ARCHIVE_OK &&
	     (!store || archive_write_set_options(a, "zip:compression=store") == ARCHIVE_OK) &&
	     archive_write_open_memory(a, out->ptr, cap, &used) == ARCHIVE_OK;
	for (i = 0; ok && i < count; i++) {
		struct archive_entry *e = archive_entry_new();
		size_t len = m[i].data != NULL && m[i].len == 0 ? strlen(m[i].data) : m[i].len;

		archive_entry_set_pathname(e, m[i].name);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)len);
		ok = archive_write_header(a, e) == ARCHIVE_OK &&
		     (len == 0 || archive_write_data(a, m[i].data, len) == (la_ssize_t)len);
		archive_entry_free(e);
	}
	ok = ok && archive_write_close(a) == ARCHIVE_OK;
	archive_write_free(a);
	out->len = used;
	if (!ok)
		fprintf(stderr, "# cannot build a zip\n");
	return ok;
}

/* Summarizes DATA as the file PATH into SUMMARY (caller disposes). */
static int summarize(const char *path, const void *data, size_t len,
		     const struct strata_limits *lim, struct st_diag *diag,
		     struct st_buf *summary, size_t fail_at)
{
	struct st_walk_file meta;
	struct mem_stream ms;
	struct strata_error err;
	int rc;

	memset(&meta, 0, sizeof(meta));
	meta.path = path;
	meta.path_len = strlen(path);
	meta.type = ST_FILE_REGULAR;
	meta.size = len;
	meta.mode = 0644;
	mem_stream_init(&ms, data, len);
	ms.fail_at = fail_at;
	st_buf_init(summary, (size_t)lim->summary_bytes);
	strata_error_clear(&err);
	rc = st_java_summarize(&meta, &ms.base, summary, lim, diag, &err);
	if (rc < 0)
		fprintf(stderr, "# summarize %s: %s\n", path, err.msg);
	return rc;
}

/* Adds the packages of SUMMARY, as the summarized file PATH of LAYER. */
static int catalog_summary(struct st_inventory *inv, const char *path, size_t layer,
			   const struct st_buf *summary, struct st_diag *diag)
{
	struct strata_limits lim;
	struct st_catalog_ctx ctx;
	struct st_walk_file f;
	struct strata_error err;
	int rc;

	strata_limits_default(&lim);
	ctx.inv = inv;
	ctx.diag = diag;
	ctx.limits = &lim;
	f = st_test_walk_file(path, "", layer);
	f.data = st_slice_make(summary->ptr, summary->len);
	f.summarized = true;
	rc = st_cataloger_java.on_final_file(NULL, &f, &ctx, &err);
	if (rc < 0)
		fprintf(stderr, "# on_final_file: %s\n", err.msg);
	st_inventory_sort(inv);
	return rc;
}

/* Summarizes DATA as PATH and catalogs the result into INV. */
static int scan_bytes(struct st_inventory *inv, const char *path, const void *data, size_t len,
		      const struct strata_limits *lim, struct st_diag *diag)
{
	struct st_buf summary;
	int rc;

	rc = summarize(path, data, len, lim, diag, &summary, 0);
	if (rc == 0)
		rc = catalog_summary(inv, path, 0, &summary, diag);
	st_buf_dispose(&summary);
	return rc;
}

static const struct st_package *find(const struct st_inventory *inv, const char *name)
{
	return st_test_find_package(inv, "maven", name);
}

/* Both NULL, or equal strings. */
static bool same_or_null(const char *got, const char *want)
{
	if (got == NULL || want == NULL) {
		if (got != want)
			fprintf(stderr, "# got \"%s\", expected \"%s\"\n", got ? got : "(null)",
				want ? want : "(null)");
		return got == want;
	}
	if (strcmp(got, want) != 0)
		fprintf(stderr, "# got \"%s\", expected \"%s\"\n", got, want);
	return strcmp(got, want) == 0;
}

static bool has(const char *text, const char *needle)
{
	return text != NULL && strstr(text, needle) != NULL;
}

/* Manifest ----------------------------------------------------------------- */

ST_TEST(manifest_claircore_fixtures)
{
	static const struct {
		const char *file;
		const char *title;
		const char *version;
		const char *bsn;
		const char *bundle_version;
		const char *license;
		const char *spec_version;
	} cases[] = {
		{"commons-codec-1.9", "Apache Commons Codec", "1.9", "org.apache.commons.codec", "1.9.0",
		 "http://www.apache.org/licenses/LICENSE-2.0.txt", "1.9"},
		{"guava-27.0-jre", NULL, NULL, "com.google.guava", "27.0.0.jre",
		 "http://www.apache.org/licenses/LICENSE-2.0.txt", NULL},
		{"jackson-databind-2.9.10.8", "jackson-databind", "2.9.10.8",
		 "com.fasterxml.jackson.core.jackson-databind", "2.9.10.8",
		 "http://www.apache.org/licenses/LICENSE-2.0.txt", "2.9.10.8"},
		{"log4j-over-slf4j-1.7.25", "log4j-over-slf4j", "1.7.25", "log4j.over.slf4j", "1.7.25",
		 NULL, NULL},
		{"netty-all-4.1.58.Final", "Netty/All-in-One", "4.1.58.Final", NULL, NULL, NULL, NULL},
	};
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(cases); i++) {
		char rel[256];
		struct st_java_manifest m;
		struct st_arena arena;
		struct st_buf text;
		struct strata_error err;

		snprintf(rel, sizeof(rel), "pkgdb/lang/java/claircore-manifests/%s.MANIFEST.MF",
			 cases[i].file);
		ST_CHECK(read_data(rel, &text));
		st_arena_init(&arena);
		ST_CHECK_INT(st_java_manifest_parse(&m, st_slice_make(text.ptr, text.len), &arena,
						    &err), 0);
		fprintf(stderr, "# %s\n", cases[i].file);
		ST_CHECK(same_or_null(m.implementation_title, cases[i].title));
		ST_CHECK(same_or_null(m.implementation_version, cases[i].version));
		ST_CHECK(same_or_null(m.bundle_symbolic_name, cases[i].bsn));
		ST_CHECK(same_or_null(m.bundle_version, cases[i].bundle_version));
		ST_CHECK(same_or_null(m.bundle_license, cases[i].license));
		ST_CHECK(same_or_null(m.specification_version, cases[i].spec_version));
		st_arena_dispose(&arena);
		st_buf_dispose(&text);
	}
	return ST_TEST_PASS;
}

/* Parses tests/data/pkgdb/lang/java/REL into M, with strings in ARENA. */
static bool parse_manifest_file(const char *rel, struct st_java_manifest *m,
				struct st_arena *arena)
{
	char path[256];
	struct st_buf text;
	struct strata_error err;
	int rc;

	snprintf(path, sizeof(path), "pkgdb/lang/java/%s", rel);
	if (!read_data(path, &text))
		return false;
	rc = st_java_manifest_parse(m, st_slice_make(text.ptr, text.len), arena, &err);
	st_buf_dispose(&text);
	return rc == 0;
}

ST_TEST(manifest_syft_samples)
{
	struct st_java_manifest m;
	struct st_arena arena;

	st_arena_init(&arena);
	ST_CHECK(parse_manifest_file("syft-manifest-samples/standard-info.MANIFEST.MF", &m,
				     &arena));
	ST_CHECK_STR(m.implementation_title, "the-impl-title");
	ST_CHECK_STR(m.implementation_version, "the-impl-version");
	ST_CHECK_STR(m.implementation_vendor, "the-impl-vendor");
	ST_CHECK_STR(m.specification_title, "the-spec-title");
	ST_CHECK_STR(m.specification_version, "the-spec-version");
	ST_CHECK_STR(m.specification_vendor, "the-spec-vendor");
	ST_CHECK(m.bundle_symbolic_name == NULL);

	ST_CHECK(parse_manifest_file("syft-manifest-samples/version-with-date.MANIFEST.MF", &m,
				     &arena));
	ST_CHECK_STR(m.implementation_version, "1.3 2244 October 5 2005");

	/* Attributes of no interest, junk lines and stray blank lines. */
	ST_CHECK(parse_manifest_file("syft-manifest-samples/extra-empty-lines.MANIFEST.MF", &m,
				     &arena));
	ST_CHECK(m.implementation_title == NULL && m.implementation_version == NULL);
	ST_CHECK(parse_manifest_file("syft-manifest-samples/leading-space.MANIFEST.MF", &m,
				     &arena));
	ST_CHECK(m.implementation_title == NULL && m.bundle_version == NULL);
	ST_CHECK(parse_manifest_file("syft-manifest-samples/small.MANIFEST.MF", &m, &arena));
	ST_CHECK(m.implementation_version == NULL);

	/* "Implementation-Title-Alias" is another attribute. */
	ST_CHECK(parse_manifest_file(
		"syft-spring-instrumentation-4.3.0-1.0/META-INF/MANIFEST.MF", &m, &arena));
	ST_CHECK_STR(m.implementation_title, "com.newrelic.instrumentation.spring-4.3.0");
	ST_CHECK_STR(m.implementation_version, "1.0");
	ST_CHECK_STR(m.implementation_vendor, "New Relic");

	ST_CHECK(parse_manifest_file("syft-jackson-core-2.15.2/META-INF/MANIFEST.MF", &m, &arena));
	ST_CHECK_STR(m.bundle_symbolic_name, "com.fasterxml.jackson.core.jackson-core");
	ST_CHECK_STR(m.bundle_license, "https://www.apache.org/licenses/LICENSE-2.0.txt");
	ST_CHECK_STR(m.implementation_version, "2.15.2");

	/* CRLF lines, and Implementation-* only in a per-entry section. */
	ST_CHECK(parse_manifest_file("syft-opensaml-core-3.4.6/META-INF/MANIFEST.MF", &m, &arena));
	ST_CHECK_STR(m.implementation_title, "opensaml-core");
	ST_CHECK_STR(m.implementation_version, "3.4.6");
	ST_CHECK_STR(m.implementation_vendor, "opensaml.org");
	st_arena_dispose(&arena);
	return ST_TEST_PASS;
}

ST_TEST(manifest_continuation_and_sections)
{
	static const char text[] =
		"Manifest-Version: 1.0\r\n"
		"bundle-symbolicname: org.exa\r\n"
		" mple.lib;singleton:=true\r\n"
		"Implementation-Version: 2.0\r\n"
		" .1\r\n"
		"no colon here\r\n"
		": no name\r\n"
		"\r\n"
		"Name: org/example/\r\n"
		"Implementation-Version: 9.9\r\n"
		"Implementation-Title: from-section\r\n"
		"Bundle-License: MIT\r\n";
	struct st_java_manifest m;
	struct st_arena arena;
	struct strata_error err;

	st_arena_init(&arena);
	ST_CHECK_INT(st_java_manifest_parse(&m, st_slice_make(text, sizeof(text) - 1), &arena,
					    &err), 0);
	ST_CHECK_STR(m.bundle_symbolic_name, "org.example.lib");
	ST_CHECK_STR(m.implementation_version, "2.0.1");
	ST_CHECK_STR(m.implementation_title, "from-section");
	ST_CHECK(m.bundle_license == NULL);

	/* Bare CR line ends, and a manifest cut inside a continuation. */
	ST_CHECK_INT(st_java_manifest_parse(&m, st_slice_cstr("Bundle-Version: 1\r .2\rX: y\r"),
					    &arena, &err), 0);
	ST_CHECK_STR(m.bundle_version, "1.2");
	ST_CHECK_INT(st_java_manifest_parse(&m, st_slice_cstr("Bundle-Version: 3\n "), &arena,
					    &err), 0);
	ST_CHECK_STR(m.bundle_version, "3");
	ST_CHECK_INT(st_java_manifest_parse(&m, st_slice_make("", 0), &arena, &err), 0);
	ST_CHECK(m.bundle_version == NULL);
	st_arena_dispose(&arena);
	return ST_TEST_PASS;
}

/* pom.properties ------------------------------------------------------------ */

ST_TEST(pom_properties_fixtures)
{
	static const struct {
		const char *file;
		const char *group;
		const char *artifact;
		const char *version;
	} cases[] = {
		{"claircore-pom-properties/commons-codec-1.9.pom.properties", "commons-codec",
		 "commons-codec", "1.9"},
		{"claircore-pom-properties/guava-27.0-jre.pom.properties", "com.google.guava", "guava",
		 "27.0-jre"},
		{"claircore-pom-properties/jackson-databind-2.9.10.8.pom.properties",
		 "com.fasterxml.jackson.core", "jackson-databind", "2.9.10.8"},
		{"claircore-pom-properties/log4j-over-slf4j-1.7.25.pom.properties", "org.slf4j",
		 "log4j-over-slf4j", "1.7.25"},
		{"claircore-pom-properties/netty-all-4.1.58.Final.pom.properties", "io.netty",
		 "netty-all", "4.1.58.Final"},
		{"syft-pom-properties/colon-delimited-with-equals.pom.properties", "org.anchore",
		 "example-java=app-maven", "0.1.0=something"},
		{"syft-pom-properties/colon-delimited.pom.properties", "org.anchore",
		 "example-java-app-maven", "0.1.0"},
		{"syft-pom-properties/equals-delimited-with-colons.pom.properties", "org.anchore",
		 "example-java:app-maven", "0.1.0:something"},
		{"syft-pom-properties/extra.pom.properties", "org.anchore", "example-java-app-maven",
		 "0.1.0"},
		{"syft-pom-properties/small.pom.properties", "org.anchore", "example-java-app-maven",
		 "0.1.0"},
		{"syft-opensaml-core-3.4.6/META-INF/maven/org.opensaml/opensaml-core/pom.properties",
		 "org.opensaml", "opensaml-core", "3.4.6"},
	};
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(cases); i++) {
		char rel[256];
		struct st_java_pom p;
		struct st_arena arena;
		struct st_buf text;
		struct strata_error err;

		snprintf(rel, sizeof(rel), "pkgdb/lang/java/%s", cases[i].file);
		ST_CHECK(read_data(rel, &text));
		st_arena_init(&arena);
		ST_CHECK_INT(st_java_pom_parse(&p, st_slice_make(text.ptr, text.len), &arena, &err),
			     0);
		fprintf(stderr, "# %s\n", cases[i].file);
		ST_CHECK_STR(p.group_id, cases[i].group);
		ST_CHECK_STR(p.artifact_id, cases[i].artifact);
		ST_CHECK_STR(p.version, cases[i].version);
		st_arena_dispose(&arena);
		st_buf_dispose(&text);
	}
	return ST_TEST_PASS;
}

ST_TEST(pom_properties_escapes)
{
	static const char text[] = "! comment\n"
				   "  groupId = org.\\\n"
				   "      example\n"
				   "artifactId\\u0020x\tlib\\u00e9\\t\n"
				   "version 1.0\\\n";
	struct st_java_pom p;
	struct st_arena arena;
	struct strata_error err;

	st_arena_init(&arena);
	ST_CHECK_INT(st_java_pom_parse(&p, st_slice_make(text, sizeof(text) - 1), &arena, &err), 0);
	ST_CHECK_STR(p.group_id, "org.example");
	/* The escaped blank belongs to the key, so the key is no match. */
	ST_CHECK(p.artifact_id == NULL);
	ST_CHECK_STR(p.version, "1.0");

	ST_CHECK_INT(st_java_pom_parse(&p, st_slice_cstr("artifactId=a\\u00e9\\u12\nversion=\\"),
				       &arena, &err), 0);
	ST_CHECK_STR(p.artifact_id, "a\xc3\xa9u12");
	ST_CHECK(p.version == NULL);
	ST_CHECK(p.group_id == NULL);
	st_arena_dispose(&arena);
	return ST_TEST_PASS;
}

/* File names ------------------------------------------------------------------ */

ST_TEST(filename_split_table)
{
	static const struct {
		const char *stem;
		const char *name;
		const char *version;
	} cases[] = {
		{"log4j-core-2.19.0", "log4j-core", "2.19.0"},
		{"guava-27.0-jre", "guava", "27.0-jre"},
		{"log4j-2.14.0", "log4j", "2.14.0"},
		{"spring-instrumentation-4.3.0-1.0", "spring-instrumentation", "4.3.0-1.0"},
		{"something-invalid", "something-invalid", ""},
		{"-1.0", "-1.0", ""},
		{"app-", "app-", ""},
		{"", "", ""},
	};
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(cases); i++) {
		struct st_slice name;
		struct st_slice version;
		bool split = st_java_split_filename(st_slice_cstr(cases[i].stem), &name, &version);

		ST_CHECK(split == (cases[i].version[0] != '\0'));
		ST_CHECK(st_slice_eq_cstr(name, cases[i].name));
		ST_CHECK(st_slice_eq_cstr(version, cases[i].version));
	}
	ST_CHECK(st_java_is_archive_name("a.jar", 5));
	ST_CHECK(st_java_is_archive_name("x/B.WAR", 7));
	ST_CHECK(st_java_is_archive_name("plugin.hpi", 10));
	ST_CHECK(!st_java_is_archive_name(".jar", 4));
	ST_CHECK(!st_java_is_archive_name("a.jar.sha1", 10));
	ST_CHECK(!st_java_is_archive_name("a.zip", 5));
	return ST_TEST_PASS;
}

/* Summaries of real jars ------------------------------------------------------ */

ST_TEST(summarize_claircore_nested_jars)
{
	struct strata_limits lim;
	struct st_inventory inv;
	struct st_diag diag;
	struct diag_log log;
	struct st_buf jar;
	const struct st_package *p;

	strata_limits_default(&lim);
	diag_init(&diag, &log);
	ST_CHECK(read_data("pkgdb/lang/java/jars/claircore-inner.jar", &jar));
	st_inventory_init(&inv);
	ST_CHECK_INT(scan_bytes(&inv, "app/inner.jar", jar.ptr, jar.len, &lim, &diag), 0);

	/* The outer jar and something-invalid.jar name no version: no
	 * package. The other three are known by their file names only. */
	ST_CHECK_INT(inv.count, 3);
	p = find(&inv, "jackson-annotations");
	ST_CHECK(p != NULL);
	ST_CHECK_STR(p->version, "2.13.0");
	ST_CHECK_STR(p->path, "app/inner.jar:BOOT-INF/lib/jackson-annotations-2.13.0.jar");
	ST_CHECK_STR(p->purl, "pkg:maven/jackson-annotations@2.13.0");
	ST_CHECK_STR(p->found_by, "java");
	p = find(&inv, "log4j-api");
	ST_CHECK(p != NULL);
	ST_CHECK_STR(p->version, "2.14");
	ST_CHECK_STR(p->path, "app/inner.jar:BOOT-INF/lib/log4j-api-2.14.jar");
	p = find(&inv, "log4j");
	ST_CHECK(p != NULL);
	ST_CHECK_STR(p->version, "2.14.0");
	ST_CHECK_STR(p->path, "app/inner.jar:BOOT-INF/lib/log4j-api-2.14.jar:"
			      "META-INF/inner-jar/log4j-2.14.0.jar");
	ST_CHECK_INT(log.warnings, 0);
	st_inventory_dispose(&inv);
	st_buf_dispose(&jar);
	return ST_TEST_PASS;
}

ST_TEST(summarize_trivy_manifest_only)
{
	struct strata_limits lim;
	struct st_inventory inv;
	struct st_diag diag;
	struct diag_log log;
	struct st_buf jar;
	struct st_buf summary;
	const struct st_package *p;

	strata_limits_default(&lim);
	diag_init(&diag, &log);
	ST_CHECK(read_data("pkgdb/lang/java/jars/trivy-test.jar", &jar));
	ST_CHECK_INT(summarize("opt/trivy-test.jar", jar.ptr, jar.len, &lim, &diag, &summary, 0),
		     0);
	ST_CHECK(st_slice_eq_cstr(st_slice_make(summary.ptr, summary.len),
				  "manifest\t\t\torg.apache.tomcat-embed-websocket\t9.0.65\t\n"));
	st_inventory_init(&inv);
	ST_CHECK_INT(catalog_summary(&inv, "opt/trivy-test.jar", 2, &summary, &diag), 0);
	ST_CHECK_INT(inv.count, 1);
	p = &inv.packages[0];
	ST_CHECK_STR(p->type, "maven");
	ST_CHECK_STR(p->name, "org.apache.tomcat-embed-websocket");
	ST_CHECK_STR(p->version, "9.0.65");
	ST_CHECK_STR(p->path, "opt/trivy-test.jar");
	ST_CHECK_INT(p->layer, 2);
	ST_CHECK(p->license == NULL);
	ST_CHECK_INT(log.warnings, 0);

	/* The same jar under a versioned file name: the file names the
	 * artifact, the manifest still gives the version. */
	st_buf_dispose(&summary);
	ST_CHECK_INT(summarize("opt/tomcat-embed-websocket-9.0.jar", jar.ptr, jar.len, &lim, &diag,
			       &summary, 0), 0);
	ST_CHECK(st_slice_eq_cstr(st_slice_make(summary.ptr, summary.len),
				  "manifest\t\t\ttomcat-embed-websocket\t9.0.65\t\n"));
	st_buf_dispose(&summary);
	st_inventory_dispose(&inv);
	st_buf_dispose(&jar);
	return ST_TEST_PASS;
}

/* Builds a jar from fixture files: each of the COUNT RELS (under
 * pkgdb/lang/java/) stored as NAMES[i]. */
static bool jar_from_fixtures(struct st_buf *jar, const char *const *rels,
			      const char *const *names, size_t count)
{
	struct st_buf texts[4];
	struct zmember m[4];
	size_t i;
	bool ok = count <= 4;

	for (i = 0; ok && i < count; i++) {
		char rel[256];

		snprintf(rel, sizeof(rel), "pkgdb/lang/java/%s", rels[i]);
		ok = read_data(rel, &texts[i]);
		m[i].name = names[i];
		m[i].data = texts[i].ptr;
		m[i].len = texts[i].len;
	}
	ok = ok && build_zip(jar, m, count, false);
	while (i > 0)
		st_buf_dispose(&texts[--i]);
	return ok;
}

ST_TEST(summarize_pom_before_manifest)
{
	static const char *const rels[] = {
		"syft-opensaml-core-3.4.6/META-INF/MANIFEST.MF",
		"syft-opensaml-core-3.4.6/META-INF/maven/org.opensaml/opensaml-core/pom.properties",
	};
	static const char *const names[] = {
		"META-INF/MANIFEST.MF",
		"META-INF/maven/org.opensaml/opensaml-core/pom.properties",
	};
	struct strata_limits lim;
	struct st_inventory inv;
	struct st_diag diag;
	struct diag_log log;
	struct st_buf jar;
	const struct st_package *p;

	strata_limits_default(&lim);
	diag_init(&diag, &log);
	ST_CHECK(jar_from_fixtures(&jar, rels, names, 2));
	st_inventory_init(&inv);
	ST_CHECK_INT(scan_bytes(&inv, "lib/opensaml.jar", jar.ptr, jar.len, &lim, &diag), 0);
	ST_CHECK_INT(inv.count, 1);
	p = find(&inv, "org.opensaml:opensaml-core");
	ST_CHECK(p != NULL);
	ST_CHECK_STR(p->version, "3.4.6");
	ST_CHECK_STR(p->purl, "pkg:maven/org.opensaml/opensaml-core@3.4.6");
	ST_CHECK_STR(p->path, "lib/opensaml.jar");
	st_inventory_dispose(&inv);
	st_buf_dispose(&jar);
	return ST_TEST_PASS;
}

ST_TEST(summarize_manifest_license)
{
	static const char *const rels[] = {"syft-jackson-core-2.15.2/META-INF/MANIFEST.MF"};
	static const char *const names[] = {"meta-inf/manifest.mf"};
	struct strata_limits lim;
	struct st_inventory inv;
	struct st_diag diag;
	struct diag_log log;
	struct st_buf jar;
	const struct st_package *p;

	strata_limits_default(&lim);
	diag_init(&diag, &log);
	ST_CHECK(jar_from_fixtures(&jar, rels, names, 1));
	st_inventory_init(&inv);
	ST_CHECK_INT(scan_bytes(&inv, "jackson-core.jar", jar.ptr, jar.len, &lim, &diag), 0);
	ST_CHECK_INT(inv.count, 1);
	p = find(&inv, "com.fasterxml.jackson.core.jackson-core");
	ST_CHECK(p != NULL);
	ST_CHECK_STR(p->version, "2.15.2");
	ST_CHECK_STR(p->license, "https://www.apache.org/licenses/LICENSE-2.0.txt");
	ST_CHECK_STR(p->purl, "pkg:maven/com.fasterxml.jackson.core.jackson-core@2.15.2");
	st_inventory_dispose(&inv);
	st_buf_dispose(&jar);
	return ST_TEST_PASS;
}

/* Built jars ------------------------------------------------------------------ */

ST_TEST(summarize_shaded_jar)
{
	static const struct zmember m[] = {
		{"META-INF/MANIFEST.MF", "Manifest-Version: 1.0\nBundle-SymbolicName: org.example"
					 ".app\nBundle-License: Apache-2.0\n", 0},
		{"META-INF/maven/org.example/app/pom.properties",
		 "groupId=org.example\nartifactId=app\nversion=3.1\n", 0},
		{"META-INF/maven/com.google.guava/guava/pom.properties",
		 "groupId=com.google.guava\nartifactId=guava\nversion=31.1-jre\n", 0},
		/* No groupId or artifactId: the directory names stand in. */
		{"META-INF/maven/io.netty/netty-common/pom.properties", "version=4.1.90.Final\n", 0},
		/* No version: no artifact. */
		{"META-INF/maven/org.broken/broken/pom.properties", "groupId=org.broken\n", 0},
		/* The same artifact twice is listed once. */
		{"META-INF/maven/com.google.guava/guava/x/pom.properties", "junk", 0},
		{"META-INF/maven/com.google.guava/guava2/pom.properties",
		 "groupId=com.google.guava\nartifactId=guava\nversion=31.1-jre\n", 0},
	};
	struct strata_limits lim;
	struct st_inventory inv;
	struct st_diag diag;
	struct diag_log log;
	struct st_buf jar;
	const struct st_package *p;

	strata_limits_default(&lim);
	diag_init(&diag, &log);
	ST_CHECK(build_zip(&jar, m, ST_ARRAY_LEN(m), false));
	st_inventory_init(&inv);
	ST_CHECK_INT(scan_bytes(&inv, "opt/app-all.jar", jar.ptr, jar.len, &lim, &diag), 0);
	ST_CHECK_INT(inv.count, 3);
	p = find(&inv, "org.example:app");
	ST_CHECK(p != NULL);
	ST_CHECK_STR(p->version, "3.1");
	/* The manifest describes the jar's own artifact only. */
	ST_CHECK_STR(p->license, "Apache-2.0");
	p = find(&inv, "com.google.guava:guava");
	ST_CHECK(p != NULL);
	ST_CHECK_STR(p->version, "31.1-jre");
	ST_CHECK(p->license == NULL);
	ST_CHECK_STR(p->path, "opt/app-all.jar");
	p = find(&inv, "io.netty:netty-common");
	ST_CHECK(p != NULL);
	ST_CHECK_STR(p->purl, "pkg:maven/io.netty/netty-common@4.1.90.Final");
	ST_CHECK_INT(log.warnings, 0);
	st_inventory_dispose(&inv);
	st_buf_dispose(&jar);
	return ST_TEST_PASS;
}

ST_TEST(summarize_filename_only)
{
	static const struct zmember m[] = {
		{"META-INF/MANIFEST.MF", "Manifest-Version: 1.0\nImplementation-Title: A Title\n", 0},
		{"com/example/A.class", "\xca\xfe\xba\xbe", 4},
	};
	struct strata_limits lim;
	struct st_diag diag;
	struct diag_log log;
	struct st_buf jar;
	struct st_buf summary;

	strata_limits_default(&lim);
	diag_init(&diag, &log);
	ST_CHECK(build_zip(&jar, m, ST_ARRAY_LEN(m), false));
	ST_CHECK_INT(summarize("x/commons-lang3-3.12.0.jar", jar.ptr, jar.len, &lim, &diag,
			       &summary, 0), 0);
	ST_CHECK(st_slice_eq_cstr(st_slice_make(summary.ptr, summary.len),
				  "filename\t\t\tcommons-lang3\t3.12.0\t\n"));
	st_buf_dispose(&summary);

	/* No version anywhere: nothing to report. */
	ST_CHECK_INT(summarize("x/tool.jar", jar.ptr, jar.len, &lim, &diag, &summary, 0), 0);
	ST_CHECK_INT(summary.len, 0);
	ST_CHECK_INT(log.warnings, 0);
	st_buf_dispose(&summary);
	st_buf_dispose(&jar);
	return ST_TEST_PASS;
}

/* Builds ear -> war -> lib.jar -> core.jar, the innermost with a pom. */
static bool build_nested(struct st_buf *ear)
{
	struct zmember core_m[] = {
		{"META-INF/maven/org.example/core/pom.properties",
		 "groupId=org.example\nartifactId=core\nversion=1.2.3\n", 0},
	};
	struct st_buf core;
	struct st_buf lib;
	struct st_buf war;
	bool ok;

	ok = build_zip(&core, core_m, 1, false);
	if (ok) {
		struct zmember lib_m[] = {
			{"META-INF/MANIFEST.MF", "Bundle-SymbolicName: org.example.lib\n"
						 "Bundle-Version: 2.0\n", 0},
			{"lib/core-1.2.3.jar", core.ptr, core.len},
		};
		ok = build_zip(&lib, lib_m, 2, false);
		st_buf_dispose(&core);
	}
	if (ok) {
		struct zmember war_m[] = {{"WEB-INF/lib/lib.jar", lib.ptr, lib.len}};
		ok = build_zip(&war, war_m, 1, true);
		st_buf_dispose(&lib);
	}
	if (ok) {
		struct zmember ear_m[] = {{"web.war", war.ptr, war.len}};
		ok = build_zip(ear, ear_m, 1, false);
		st_buf_dispose(&war);
	}
	return ok;
}

ST_TEST(summarize_nested_depth)
{
	struct strata_limits lim;
	struct st_inventory inv;
	struct st_diag diag;
	struct diag_log log;
	struct st_buf ear;
	const struct st_package *p;

	strata_limits_default(&lim);
	diag_init(&diag, &log);
	ST_CHECK(build_nested(&ear));
	st_inventory_init(&inv);
	ST_CHECK_INT(scan_bytes(&inv, "srv/app.ear", ear.ptr, ear.len, &lim, &diag), 0);
	ST_CHECK_INT(inv.count, 2);
	p = find(&inv, "org.example:core");
	ST_CHECK(p != NULL);
	ST_CHECK_STR(p->version, "1.2.3");
	ST_CHECK_STR(p->path, "srv/app.ear:web.war:WEB-INF/lib/lib.jar:lib/core-1.2.3.jar");
	p = find(&inv, "org.example.lib");
	ST_CHECK(p != NULL);
	ST_CHECK_STR(p->version, "2.0");
	ST_CHECK_STR(p->path, "srv/app.ear:web.war:WEB-INF/lib/lib.jar");
	ST_CHECK_INT(log.warnings, 0);
	st_inventory_dispose(&inv);

	/* archive_depth 2 reaches lib.jar (depth 2) but not core.jar. */
	lim.archive_depth = 2;
	st_inventory_init(&inv);
	ST_CHECK_INT(scan_bytes(&inv, "srv/app.ear", ear.ptr, ear.len, &lim, &diag), 0);
	ST_CHECK_INT(inv.count, 1);
	ST_CHECK(find(&inv, "org.example.lib") != NULL);
	ST_CHECK_INT(log.warnings, 1);
	ST_CHECK(has(log.all, "srv/app.ear:web.war:WEB-INF/lib/lib.jar: lib/core-1.2.3.jar: "
			      "archive nested deeper than archive_depth (2)"));
	st_inventory_dispose(&inv);
	st_buf_dispose(&ear);
	return ST_TEST_PASS;
}

ST_TEST(summarize_broken_members)
{
	static const char good_pom[] = "groupId=org.good\nartifactId=good\nversion=1.0\n";
	struct zmember good_m[] = {{"META-INF/maven/org.good/good/pom.properties", good_pom, 0}};
	struct st_buf good;
	struct st_buf war;
	struct strata_limits lim;
	struct st_inventory inv;
	struct st_diag diag;
	struct diag_log log;
	const struct st_package *p;

	strata_limits_default(&lim);
	diag_init(&diag, &log);
	ST_CHECK(build_zip(&good, good_m, 1, false));
	{
		struct zmember war_m[] = {
			{"WEB-INF/lib/empty-1.0.jar", "", 0},
			{"WEB-INF/lib/truncated-2.0.jar", good.ptr, good.len / 2},
			{"WEB-INF/lib/garbage-3.0.jar", "this is not a zip file at all", 0},
			{"WEB-INF/lib/good.jar", good.ptr, good.len},
		};
		ST_CHECK(build_zip(&war, war_m, ST_ARRAY_LEN(war_m), false));
	}
	st_inventory_init(&inv);
	ST_CHECK_INT(scan_bytes(&inv, "app.war", war.ptr, war.len, &lim, &diag), 0);
	p = find(&inv, "org.good:good");
	ST_CHECK(p != NULL);
	ST_CHECK_STR(p->path, "app.war:WEB-INF/lib/good.jar");
	/* A damaged jar's file name alone makes no package. */
	ST_CHECK_INT(inv.count, 1);
	ST_CHECK(find(&inv, "truncated") == NULL);
	ST_CHECK(find(&inv, "empty") == NULL);
	ST_CHECK(find(&inv, "garbage") == NULL);
	ST_CHECK(log.warnings >= 3);
	ST_CHECK(has(log.all, "app.war:WEB-INF/lib/empty-1.0.jar: empty archive, skipped"));
	ST_CHECK(has(log.all, "app.war:WEB-INF/lib/truncated-2.0.jar: META-INF/maven/org.good/good/"
			      "pom.properties: damaged zip archive"));
	ST_CHECK(has(log.all, "app.war:WEB-INF/lib/garbage-3.0.jar: not a readable zip archive"));
	st_inventory_dispose(&inv);
	st_buf_dispose(&war);
	st_buf_dispose(&good);
	return ST_TEST_PASS;
}

ST_TEST(summarize_broken_outer_file)
{
	static const struct zmember m[] = {
		{"META-INF/maven/org.a/a/pom.properties", "groupId=org.a\nartifactId=a\nversion=1\n",
		 0},
		{"big.bin", NULL, 0},
	};
	struct strata_limits lim;
	struct st_diag diag;
	struct diag_log log;
	struct st_buf jar;
	struct st_buf summary;
	const char *central;
	size_t cut;

	strata_limits_default(&lim);
	diag_init(&diag, &log);
	ST_CHECK_INT(summarize("empty-1.0.jar", "", 0, &lim, &diag, &summary, 0), 0);
	ST_CHECK_INT(summary.len, 0);
	ST_CHECK(has(log.all, "empty-1.0.jar: empty archive, skipped"));
	st_buf_dispose(&summary);

	ST_CHECK_INT(summarize("junk-1.0.jar", "PK\x03\x04junk", 8, &lim, &diag, &summary, 0), 0);
	ST_CHECK_INT(summary.len, 0);
	ST_CHECK(has(log.all, "junk-1.0.jar: not a readable zip archive"));
	st_buf_dispose(&summary);

	ST_CHECK(build_zip(&jar, m, 1, false));
	central = memmem(jar.ptr, jar.len, "PK\x01\x02", 4);
	ST_CHECK(central != NULL);
	for (cut = 1; cut < jar.len; cut += 7) {
		diag_init(&diag, &log);
		ST_CHECK_INT(summarize("cut.jar", jar.ptr, cut, &lim, &diag, &summary, 0), 0);
		/* The streaming reader stops at the central directory, so only
		 * a cut before it is noticed. Before the end of the pom's
		 * data, nothing is found. */
		if (jar.ptr + cut < central) {
			ST_CHECK_INT(log.warnings, 1);
			ST_CHECK(has(log.all, "cut.jar: "));
		}
		if (cut < 80)
			ST_CHECK_INT(summary.len, 0);
		st_buf_dispose(&summary);
	}
	st_buf_dispose(&jar);
	return ST_TEST_PASS;
}

ST_TEST(summarize_stream_error_stops)
{
	struct strata_limits lim;
	struct st_diag diag;
	struct diag_log log;
	struct st_buf jar;
	struct st_buf summary;

	strata_limits_default(&lim);
	diag_init(&diag, &log);
	ST_CHECK(read_data("pkgdb/lang/java/jars/trivy-test.jar", &jar));
	ST_CHECK_INT(summarize("t.jar", jar.ptr, jar.len, &lim, &diag, &summary, 1000), STRATA_EIO);
	st_buf_dispose(&summary);
	ST_CHECK_INT(summarize("t.jar", jar.ptr, jar.len, &lim, &diag, &summary, 1), STRATA_EIO);
	st_buf_dispose(&summary);
	st_buf_dispose(&jar);
	return ST_TEST_PASS;
}

ST_TEST(summarize_ratio_limit)
{
	static const char pom[] = "groupId=org.z\nartifactId=z\nversion=1\n";
	struct zmember zero_m[] = {{"zeros.bin", NULL, 1u << 20}};
	char *zeros = calloc(1, 1u << 20);
	struct st_buf inner;
	struct st_buf outer;
	struct strata_limits lim;
	struct st_inventory inv;
	struct st_diag diag;
	struct diag_log log;

	ST_CHECK(zeros != NULL);
	zero_m[0].data = zeros;
	/* A stored 1 MiB member inside a jar, deflated in the outer war:
	 * the war is a few KiB. */
	ST_CHECK(build_zip(&inner, zero_m, 1, true));
	{
		struct zmember outer_m[] = {
			{"WEB-INF/lib/bomb-1.0.jar", inner.ptr, inner.len},
			{"META-INF/maven/org.z/z/pom.properties", pom, 0},
		};
		ST_CHECK(build_zip(&outer, outer_m, 2, false));
	}
	ST_CHECK(outer.len < (16u << 10));
	strata_limits_default(&lim);
	lim.compression_ratio = 20;
	diag_init(&diag, &log);
	st_inventory_init(&inv);
	ST_CHECK_INT(scan_bytes(&inv, "bomb.war", outer.ptr, outer.len, &lim, &diag), 0);
	ST_CHECK(has(log.all, "bomb.war: WEB-INF/lib/bomb-1.0.jar: members decompress to more "
			      "than compression_ratio (20)"));
	/* Reading stops at the bomb: the pom after it is not read. */
	ST_CHECK_INT(inv.count, 0);
	st_inventory_dispose(&inv);

	/* Under the default ratio the same war is fine. */
	strata_limits_default(&lim);
	diag_init(&diag, &log);
	st_inventory_init(&inv);
	ST_CHECK_INT(scan_bytes(&inv, "bomb.war", outer.ptr, outer.len, &lim, &diag), 0);
	ST_CHECK(find(&inv, "org.z:z") != NULL);
	ST_CHECK(find(&inv, "bomb") != NULL);
	ST_CHECK_INT(log.warnings, 0);
	st_inventory_dispose(&inv);
	st_buf_dispose(&outer);
	st_buf_dispose(&inner);
	free(zeros);
	return ST_TEST_PASS;
}

ST_TEST(summarize_member_size_limits)
{
	static const char pom[] = "groupId=org.s\nartifactId=s\nversion=1\n";
	struct zmember inner_m[] = {{"META-INF/maven/org.s/s/pom.properties", pom, 0},
				    {"pad.txt", NULL, 4096}};
	char pad[4096];
	struct st_buf inner;
	struct st_buf outer;
	struct strata_limits lim;
	struct st_inventory inv;
	struct st_diag diag;
	struct diag_log log;

	memset(pad, 'x', sizeof(pad));
	inner_m[1].data = pad;
	ST_CHECK(build_zip(&inner, inner_m, 2, true));
	{
		struct zmember outer_m[] = {{"lib/s-1.jar", inner.ptr, inner.len},
					    {"META-INF/MANIFEST.MF", pad, sizeof(pad)}};
		ST_CHECK(build_zip(&outer, outer_m, 2, false));
	}
	strata_limits_default(&lim);
	lim.archive_member_bytes = 1024;
	lim.cataloged_file_bytes = 1024;
	diag_init(&diag, &log);
	st_inventory_init(&inv);
	ST_CHECK_INT(scan_bytes(&inv, "o.jar", outer.ptr, outer.len, &lim, &diag), 0);
	ST_CHECK_INT(inv.count, 0);
	ST_CHECK(has(log.all, "o.jar: lib/s-1.jar: "));
	ST_CHECK(has(log.all, "over archive_member_bytes"));
	ST_CHECK(has(log.all, "o.jar: META-INF/MANIFEST.MF: "));
	ST_CHECK(has(log.all, "over cataloged_file_bytes"));
	st_inventory_dispose(&inv);

	lim.archive_member_bytes = inner.len;
	diag_init(&diag, &log);
	st_inventory_init(&inv);
	ST_CHECK_INT(scan_bytes(&inv, "o.jar", outer.ptr, outer.len, &lim, &diag), 0);
	ST_CHECK(find(&inv, "org.s:s") != NULL);
	st_inventory_dispose(&inv);
	st_buf_dispose(&outer);
	st_buf_dispose(&inner);
	return ST_TEST_PASS;
}

ST_TEST(summarize_entry_limit)
{
	static const char pom[] = "groupId=org.e\nartifactId=e\nversion=1\n";
	struct zmember inner_m[] = {
		{"a", "a", 0}, {"b", "b", 0}, {"c", "c", 0},
		{"META-INF/maven/org.e/e/pom.properties", pom, 0},
	};
	struct st_buf inner;
	struct st_buf outer;
	struct strata_limits lim;
	struct st_inventory inv;
	struct st_diag diag;
	struct diag_log log;

	ST_CHECK(build_zip(&inner, inner_m, ST_ARRAY_LEN(inner_m), false));
	{
		struct zmember outer_m[] = {{"x", "x", 0}, {"lib/e.jar", inner.ptr, inner.len}};
		ST_CHECK(build_zip(&outer, outer_m, 2, false));
	}
	strata_limits_default(&lim);
	/* Two outer entries and the inner pom make 6 entries in all. */
	lim.archive_entries = 6;
	diag_init(&diag, &log);
	st_inventory_init(&inv);
	ST_CHECK_INT(scan_bytes(&inv, "o.war", outer.ptr, outer.len, &lim, &diag), 0);
	ST_CHECK(find(&inv, "org.e:e") != NULL);
	ST_CHECK_INT(log.warnings, 0);
	st_inventory_dispose(&inv);

	lim.archive_entries = 5;
	diag_init(&diag, &log);
	st_inventory_init(&inv);
	ST_CHECK_INT(scan_bytes(&inv, "o.war", outer.ptr, outer.len, &lim, &diag), 0);
	ST_CHECK_INT(inv.count, 0);
	ST_CHECK_INT(log.warnings, 1);
	ST_CHECK(has(log.all, "o.war:lib/e.jar: more than archive_entries (5) entries"));
	st_inventory_dispose(&inv);
	st_buf_dispose(&outer);
	st_buf_dispose(&inner);
	return ST_TEST_PASS;
}

ST_TEST(summarize_summary_limit)
{
	struct zmember m[40];
	char names[40][64];
	char poms[40][80];
	struct strata_limits lim;
	struct st_diag diag;
	struct diag_log log;
	struct st_buf jar;
	struct st_buf summary;
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(m); i++) {
		snprintf(names[i], sizeof(names[i]), "META-INF/maven/org.g/a%zu/pom.properties", i);
		snprintf(poms[i], sizeof(poms[i]), "groupId=org.g\nartifactId=a%zu\nversion=1.%zu\n",
			 i, i);
		m[i].name = names[i];
		m[i].data = poms[i];
		m[i].len = 0;
	}
	ST_CHECK(build_zip(&jar, m, ST_ARRAY_LEN(m), false));
	strata_limits_default(&lim);
	lim.summary_bytes = 200;
	diag_init(&diag, &log);
	ST_CHECK_INT(summarize("uber.jar", jar.ptr, jar.len, &lim, &diag, &summary, 0), 0);
	/* Ten lines of 19 bytes ("pom\t\torg.g\ta0\t1.0\t\n") fit in 200. */
	ST_CHECK_INT(summary.len, 190);
	ST_CHECK(summary.ptr[summary.len - 1] == '\n');
	ST_CHECK(has(log.all, "uber.jar: summary_bytes (200) reached, 30 artifacts left out"));
	st_buf_dispose(&summary);
	st_buf_dispose(&jar);
	return ST_TEST_PASS;
}

ST_TEST(summarize_control_characters)
{
	static const struct zmember inner_m[] = {
		{"META-INF/maven/g/a/pom.properties", "groupId=g\\u0009x\nartifactId=a\nversion=1\n",
		 0},
	};
	struct st_buf inner;
	struct st_buf outer;
	struct strata_limits lim;
	struct st_inventory inv;
	struct st_diag diag;
	struct diag_log log;
	const struct st_package *p;

	ST_CHECK(build_zip(&inner, inner_m, 1, false));
	{
		struct zmember outer_m[] = {{"lib/a\tb\n.jar", inner.ptr, inner.len}};
		ST_CHECK(build_zip(&outer, outer_m, 1, false));
	}
	strata_limits_default(&lim);
	diag_init(&diag, &log);
	st_inventory_init(&inv);
	ST_CHECK_INT(scan_bytes(&inv, "o.war", outer.ptr, outer.len, &lim, &diag), 0);
	ST_CHECK_INT(inv.count, 1);
	/* The group with a tab is dropped; the location is cleaned. */
	p = find(&inv, "a");
	ST_CHECK(p != NULL);
	ST_CHECK_STR(p->path, "o.war:lib/a?b?.jar");
	st_inventory_dispose(&inv);
	st_buf_dispose(&outer);
	st_buf_dispose(&inner);
	return ST_TEST_PASS;
}

/* Summaries to packages ----------------------------------------------------- */

ST_TEST(summary_lines_parse)
{
	static const char text[] = "pom\tWEB-INF/lib/x.jar\tg\ta\t1\tMIT\n"
				   "too\tfew\tfields\n"
				   "pom\t\tg\t\t1\t\n"
				   "pom\t\t\ta\t\t\n"
				   "pom\t\t\ta\t2\t\textra\n"
				   "manifest\t\t\tb\t2\t";
	struct st_slice rest = st_slice_make(text, sizeof(text) - 1);
	struct st_java_artifact a;

	ST_CHECK_INT(st_java_summary_next(&rest, &a), 1);
	ST_CHECK(st_slice_eq_cstr(a.method, "pom"));
	ST_CHECK(st_slice_eq_cstr(a.location, "WEB-INF/lib/x.jar"));
	ST_CHECK(st_slice_eq_cstr(a.group, "g"));
	ST_CHECK(st_slice_eq_cstr(a.artifact, "a"));
	ST_CHECK(st_slice_eq_cstr(a.version, "1"));
	ST_CHECK(st_slice_eq_cstr(a.license, "MIT"));
	ST_CHECK_INT(st_java_summary_next(&rest, &a), -1);
	ST_CHECK_INT(st_java_summary_next(&rest, &a), -1);
	ST_CHECK_INT(st_java_summary_next(&rest, &a), -1);
	ST_CHECK_INT(st_java_summary_next(&rest, &a), -1);
	ST_CHECK_INT(st_java_summary_next(&rest, &a), 1);
	ST_CHECK(st_slice_eq_cstr(a.artifact, "b"));
	ST_CHECK(a.license.len == 0);
	ST_CHECK_INT(st_java_summary_next(&rest, &a), 0);
	return ST_TEST_PASS;
}

ST_TEST(cataloger_hooks)
{
	static const char text[] = "bad line\npom\tlib/x.jar\tg\ta\t1\t\n";
	struct st_buf summary;
	struct st_inventory inv;
	struct st_diag diag;
	struct diag_log log;
	struct st_catalog_ctx ctx;
	struct strata_limits lim;
	struct st_walk_file f;
	struct strata_error err;

	ST_CHECK(st_cataloger_java.wants_summary("usr/share/java/a.jar", 20, 10, 0644));
	ST_CHECK(st_cataloger_java.wants_summary("srv/A.EAR", 9, 0, 0644));
	ST_CHECK(!st_cataloger_java.wants_summary("srv/a.json", 10, 10, 0644));
	ST_CHECK(!st_cataloger_java.wants("usr/share/java/a.jar", 20));
	ST_CHECK(st_cataloger_java.summarize != NULL);

	diag_init(&diag, &log);
	st_buf_init(&summary, SIZE_MAX);
	ST_CHECK_INT(st_buf_append(&summary, text, sizeof(text) - 1, &err), 0);
	st_inventory_init(&inv);
	ST_CHECK_INT(catalog_summary(&inv, "a.war", 1, &summary, &diag), 0);
	ST_CHECK_INT(inv.count, 1);
	ST_CHECK_STR(inv.packages[0].name, "g:a");
	ST_CHECK_STR(inv.packages[0].path, "a.war:lib/x.jar");
	ST_CHECK(has(log.all, "a.war: malformed java summary line"));

	/* A file the walk did not summarize is not read. */
	strata_limits_default(&lim);
	ctx.inv = &inv;
	ctx.diag = &diag;
	ctx.limits = &lim;
	f = st_test_walk_file("b.jar", text, 0);
	ST_CHECK_INT(st_cataloger_java.on_final_file(NULL, &f, &ctx, &err), 0);
	ST_CHECK_INT(inv.count, 1);
	st_inventory_dispose(&inv);
	st_buf_dispose(&summary);
	return ST_TEST_PASS;
}

/* Through the layer walk ------------------------------------------------------ */

/* A member of a test layer: a regular file (DATA, LEN bytes) or, with
 * TARGET set, a symlink. */
struct layer_file {
	const char *path;
	const char *data;
	size_t len;
	const char *target;
};

struct test_layers {
	const struct layer_file *files[2];
	size_t counts[2];
};

struct owned_stream {
	struct mem_stream mem;
	char *buf;
};

static void owned_close(struct st_stream *s)
{
	struct owned_stream *o = (struct owned_stream *)s;

	free(o->buf);
	free(o);
}

/* Layer opener for st_catalog_layers: writes layer INDEX of CTX as a tar
 * in memory. Aborts on failure, as only tests call it. */
static int open_test_layer(void *ctx, size_t index, struct st_stream **out,
			   struct strata_error *err)
{
	struct test_layers *tl = ctx;
	struct owned_stream *o = calloc(1, sizeof(*o));
	struct archive *a = archive_write_new();
	size_t cap = 1u << 20;
	size_t used = 0;
	size_t i;

	if (o == NULL || a == NULL)
		abort();
	o->buf = malloc(cap);
	if (o->buf == NULL)
		abort();
	archive_write_set_format_pax_restricted(a);
	if (archive_write_open_memory(a, o->buf, cap, &used) != ARCHIVE_OK)
		abort();
	for (i = 0; i < tl->counts[index]; i++) {
		const struct layer_file *f = &tl->files[index][i];
		struct archive_entry *e = archive_entry_new();

		archive_entry_set_pathname(e, f->path);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_filetype(e, f->target != NULL ? AE_IFLNK : AE_IFREG);
		if (f->target != NULL)
			archive_entry_set_symlink(e, f->target);
		archive_entry_set_size(e, (la_int64_t)(f->target != NULL ? 0 : f->len));
		if (archive_write_header(a, e) != ARCHIVE_OK)
			abort();
		if (f->target == NULL && f->len > 0 &&
		    archive_write_data(a, f->data, f->len) != (la_ssize_t)f->len)
			abort();
		archive_entry_free(e);
	}
	if (archive_write_close(a) != ARCHIVE_OK)
		abort();
	archive_write_free(a);
	mem_stream_init(&o->mem, o->buf, used);
	o->mem.base.close = owned_close;
	*out = &o->mem.base;
	return 0;
}

ST_TEST(catalog_layers_java)
{
	static const struct zmember v1_m[] = {
		{"META-INF/maven/org.x/x/pom.properties", "groupId=org.x\nartifactId=x\nversion=1.0\n",
		 0},
	};
	static const struct zmember v2_m[] = {
		{"META-INF/maven/org.x/x/pom.properties", "groupId=org.x\nartifactId=x\nversion=2.0\n",
		 0},
	};
	struct st_buf ear;
	struct st_buf v1;
	struct st_buf v2;
	struct strata_limits lim;
	struct st_walk_options opts;
	struct st_inventory inv;
	struct st_diag diag;
	struct diag_log log;
	struct strata_error err;
	const struct st_package *p;
	size_t i;
	size_t maven = 0;

	ST_CHECK(build_nested(&ear));
	ST_CHECK(build_zip(&v1, v1_m, 1, false));
	ST_CHECK(build_zip(&v2, v2_m, 1, false));
	{
		const struct layer_file l0[] = {
			{"srv/app.ear", ear.ptr, ear.len, NULL},
			{"opt/lib/x.jar", v1.ptr, v1.len, NULL},
			{"opt/lib/empty.jar", "", 0, NULL},
		};
		const struct layer_file l1[] = {
			{"opt/lib/x.jar", v2.ptr, v2.len, NULL},
			{"opt/lib/link.jar", NULL, 0, "x.jar"},
		};
		struct test_layers tl = {{l0, l1}, {ST_ARRAY_LEN(l0), ST_ARRAY_LEN(l1)}};

		strata_limits_default(&lim);
		diag_init(&diag, &log);
		opts.limits = &lim;
		opts.diag = &diag;
		st_inventory_init(&inv);
		ST_CHECK_INT(st_catalog_layers(2, open_test_layer, &tl, NULL, &inv, &opts, NULL,
					       &err), 0);
	}
	for (i = 0; i < inv.count; i++)
		maven += strcmp(inv.packages[i].type, "maven") == 0;
	/* core and lib from the ear, and x once, in its final version: the
	 * symlink is not a second copy. */
	ST_CHECK_INT(maven, 3);
	p = find(&inv, "org.x:x");
	ST_CHECK(p != NULL);
	ST_CHECK_STR(p->version, "2.0");
	ST_CHECK_INT(p->layer, 1);
	ST_CHECK_STR(p->path, "opt/lib/x.jar");
	p = find(&inv, "org.example:core");
	ST_CHECK(p != NULL);
	ST_CHECK_INT(p->layer, 0);
	ST_CHECK_STR(p->path, "srv/app.ear:web.war:WEB-INF/lib/lib.jar:lib/core-1.2.3.jar");
	ST_CHECK(has(log.all, "opt/lib/empty.jar: empty archive, skipped"));
	st_inventory_dispose(&inv);
	st_buf_dispose(&v2);
	st_buf_dispose(&v1);
	st_buf_dispose(&ear);
	return ST_TEST_PASS;
}
