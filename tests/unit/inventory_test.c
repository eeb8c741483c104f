/* Tests for the inventory, the purl builder, the os-release, dpkg and npm
 * parsers and catalogers, and the cataloging of in-memory layers. */
#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "testlib.h"
#include "inventory/inventory.h"
#include "vuln/vuln.h"

/* Helpers ------------------------------------------------------------------ */

/* Captures the diagnostics sent to a sink. */
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

/* Collects packages from st_dpkg_parse_status as sorted lines
 * "name\tversion\tarch\tsource\tsource_version", the format of the
 * .expected files, with the source defaulting as dpkg-query prints it. */
struct pkg_lines {
	struct st_buf text;
	char *lines[4096];
	size_t count;
	int fail_after; /* make the callback fail after this many; -1 never */
};

static int collect_line(void *ctx, const struct st_package *pkg, struct strata_error *err)
{
	struct pkg_lines *pl = ctx;
	char *line;
	int n;

	if (pl->fail_after >= 0 && pl->count >= (size_t)pl->fail_after)
		return st_error_set(err, STRATA_ENOMEM, "injected failure");
	if (pl->count == ST_ARRAY_LEN(pl->lines))
		return st_error_set(err, STRATA_ELIMIT, "too many packages for the test");
	n = asprintf(&line, "%s\t%s\t%s\t%s\t%s", pkg->name, pkg->version,
		     pkg->arch ? pkg->arch : "",
		     pkg->source_name ? pkg->source_name : pkg->name,
		     pkg->source_version ? pkg->source_version : pkg->version);
	if (n < 0)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	pl->lines[pl->count++] = line;
	return 0;
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void pkg_lines_init(struct pkg_lines *pl)
{
	memset(pl, 0, sizeof(*pl));
	pl->fail_after = -1;
}

static void pkg_lines_dispose(struct pkg_lines *pl)
{
	size_t i;

	for (i = 0; i < pl->count; i++)
		free(pl->lines[i]);
	pl->count = 0;
}

/* Joins the sorted lines, each ending in '\n', into a malloc'd string. */
static char *pkg_lines_join(struct pkg_lines *pl)
{
	struct st_buf b;
	size_t i;

	qsort(pl->lines, pl->count, sizeof(pl->lines[0]), compare_strings);
	st_buf_init(&b, 16u << 20);
	if (st_buf_append(&b, "", 0, NULL) < 0)
		return NULL;
	for (i = 0; i < pl->count; i++) {
		if (st_buf_printf(&b, NULL, "%s\n", pl->lines[i]) < 0) {
			st_buf_dispose(&b);
			return NULL;
		}
	}
	return b.ptr;
}

static bool has_line(const struct pkg_lines *pl, const char *prefix)
{
	size_t n = strlen(prefix);
	size_t i;

	for (i = 0; i < pl->count; i++) {
		if (strncmp(pl->lines[i], prefix, n) == 0)
			return true;
	}
	return false;
}

static int parse_text(const char *text, const char *path, const struct strata_limits *lim,
		      struct st_diag *diag, struct pkg_lines *pl)
{
	struct strata_error err;

	return st_dpkg_parse_status(st_slice_cstr(text), path, lim, diag, collect_line, pl,
				    &err);
}

/* Purl ------------------------------------------------------------------- */

ST_TEST(purl_encodes_per_spec)
{
	static const struct {
		const char *type, *ns, *name, *version;
		const char *q[6];
		size_t nq;
		const char *expected;
	} cases[] = {
		/* syft's purl for a binNMU with an epoch and a source version */
		{"deb", "debian", "attr", "1:2.4.47-2+b1",
		 {"arch", "amd64", "distro", "debian-12", "upstream", "attr@1:2.4.47-2"}, 3,
		 "pkg:deb/debian/attr@1%3A2.4.47-2%2Bb1?arch=amd64&distro=debian-12"
		 "&upstream=attr%401%3A2.4.47-2"},
		/* keys sorted whatever the order given */
		{"deb", "ubuntu", "dpkg", "1.19.0.4", {"distro", "ubuntu-22.04", "arch", "amd64"}, 2,
		 "pkg:deb/ubuntu/dpkg@1.19.0.4?arch=amd64&distro=ubuntu-22.04"},
		{"npm", "@angular", "animation", "12.3.1", {0}, 0,
		 "pkg:npm/%40angular/animation@12.3.1"},
		{"npm", NULL, "foobar", "12.3.1", {0}, 0, "pkg:npm/foobar@12.3.1"},
		/* empty and NULL values are left out, keys lowercased */
		{"deb", "debian", "curl", "7.50.3-1", {"ARCH", "i386", "distro", "", "x", NULL}, 3,
		 "pkg:deb/debian/curl@7.50.3-1?arch=i386"},
		/* spaces, slashes and non-ASCII bytes in a part */
		{"generic", "a/b//c/", "/n a/m/", "1 0\xc3\xa9", {0}, 0,
		 "pkg:generic/a/b/c/n%20a%2Fm@1%200%C3%A9"},
		/* no version, type lowercased, unreserved characters kept */
		{"NPM", NULL, "a-b_c.d~e", NULL, {0}, 0, "pkg:npm/a-b_c.d~e"},
		{"deb", "debian", "x", "1", {"a", "v&w=x?y#z"}, 1,
		 "pkg:deb/debian/x@1?a=v%26w%3Dx%3Fy%23z"},
	};
	struct st_arena arena;
	size_t i;

	st_arena_init(&arena);
	for (i = 0; i < ST_ARRAY_LEN(cases); i++) {
		char *purl = st_purl_build(&arena, cases[i].type, cases[i].ns, cases[i].name,
					   cases[i].version, cases[i].q, cases[i].nq);

		ST_CHECK_STR(purl, cases[i].expected);
	}
	ST_CHECK(st_purl_build(&arena, "npm", NULL, "", "1", NULL, 0) == NULL);
	ST_CHECK(st_purl_build(&arena, "npm", NULL, "//", "1", NULL, 0) == NULL);
	ST_CHECK(st_purl_build(&arena, "", NULL, "x", "1", NULL, 0) == NULL);
	ST_CHECK(st_purl_build(&arena, "npm", NULL, NULL, "1", NULL, 0) == NULL);
	st_arena_dispose(&arena);
	return ST_TEST_PASS;
}

/* Inventory ---------------------------------------------------------------- */

ST_TEST(inventory_add_copies_and_sorts)
{
	struct st_inventory inv;
	struct strata_error err;
	char name[16] = "zlib";
	struct st_package p = {.type = "deb", .version = "1", .path = "b", .layer = 3};

	st_inventory_init(&inv);
	p.name = name;
	ST_CHECK_INT(st_inventory_add(&inv, &p, &err), 0);
	memcpy(name, "XXXX", 4);
	ST_CHECK_STR(inv.packages[0].name, "zlib");
	ST_CHECK(inv.packages[0].arch == NULL);

	p.name = "acl";
	ST_CHECK_INT(st_inventory_add(&inv, &p, &err), 0);
	p.type = "npm";
	ST_CHECK_INT(st_inventory_add(&inv, &p, &err), 0);
	p.type = "deb";
	p.path = "a";
	ST_CHECK_INT(st_inventory_add(&inv, &p, &err), 0);
	p.version = "0";
	ST_CHECK_INT(st_inventory_add(&inv, &p, &err), 0);
	st_inventory_sort(&inv);

	ST_CHECK_INT(inv.count, 5);
	ST_CHECK_STR(inv.packages[0].version, "0");
	ST_CHECK_STR(inv.packages[1].path, "a");
	ST_CHECK_STR(inv.packages[2].path, "b");
	ST_CHECK_STR(inv.packages[3].name, "zlib");
	ST_CHECK_STR(inv.packages[4].type, "npm");
	ST_CHECK_INT(inv.packages[4].layer, 3);
	st_inventory_dispose(&inv);
	ST_CHECK_INT(inv.count, 0);
	st_inventory_dispose(&inv);
	return ST_TEST_PASS;
}

/* dpkg parser ---------------------------------------------------------------- */

/* Each fixture with the image path it is parsed as, which decides whether
 * stanzas without Status count as installed. */
static const struct {
	const char *file;
	const char *image_path;
} dpkg_fixtures[] = {
	{"osv-scalibr/empty", "var/lib/dpkg/status"},
	{"osv-scalibr/invalid", "var/lib/dpkg/status"},
	{"osv-scalibr/nopackage", "var/lib/dpkg/status"},
	{"osv-scalibr/noversion", "var/lib/dpkg/status"},
	{"osv-scalibr/single", "var/lib/dpkg/status"},
	{"osv-scalibr/statusfield", "var/lib/dpkg/status"},
	{"osv-scalibr/trailingnewlines", "var/lib/dpkg/status"},
	{"osv-scalibr/transitional", "var/lib/dpkg/status"},
	{"osv-scalibr/transitional_dummy", "var/lib/dpkg/status"},
	{"osv-scalibr/valid", "var/lib/dpkg/status"},
	{"osv-scalibr/status.d/foo", "var/lib/dpkg/status.d/foo"},
	{"claircore/debian-only.status", "var/lib/dpkg/status"},
	{"claircore/postgresql.status", "var/lib/dpkg/status"},
	{"claircore/vcpkg.status", "var/lib/dpkg/status"},
	{"syft/image-dpkg/var/lib/dpkg/status", "var/lib/dpkg/status"},
	{"syft/distroless-deb/var/lib/dpkg/status.d/libsqlite3-0",
	 "var/lib/dpkg/status.d/libsqlite3-0"},
	{"syft/status.d/corrupt", "var/lib/dpkg/status.d/corrupt"},
	{"syft/status.d/deinstall", "var/lib/dpkg/status.d/deinstall"},
	{"syft/status.d/doc-examples", "var/lib/dpkg/status.d/doc-examples"},
	{"syft/status.d/empty", "var/lib/dpkg/status.d/empty"},
	{"syft/status.d/installed-size-4KB", "var/lib/dpkg/status.d/installed-size-4KB"},
	{"syft/status.d/libpam-runtime", "var/lib/dpkg/status.d/libpam-runtime"},
	{"syft/status.d/multiple", "var/lib/dpkg/status.d/multiple"},
	{"syft/status.d/single", "var/lib/dpkg/status.d/single"},
	{"trivy-ubuntu1804/status", "var/lib/dpkg/status"},
};

ST_TEST(dpkg_fixtures_match_dpkg_query)
{
	struct strata_limits lim;
	size_t i;

	strata_limits_default(&lim);
	for (i = 0; i < ST_ARRAY_LEN(dpkg_fixtures); i++) {
		char rel[512];
		struct st_buf input;
		struct st_buf expected;
		struct pkg_lines pl;
		struct strata_error err;
		char *got;
		int rc;
		bool same;

		snprintf(rel, sizeof(rel), "pkgdb/dpkg/%s", dpkg_fixtures[i].file);
		ST_CHECK(read_data(rel, &input));
		snprintf(rel, sizeof(rel), "pkgdb/dpkg/%s.expected", dpkg_fixtures[i].file);
		ST_CHECK(read_data(rel, &expected));

		pkg_lines_init(&pl);
		rc = st_dpkg_parse_status(st_slice_make(input.ptr ? input.ptr : "", input.len),
					  dpkg_fixtures[i].image_path, &lim, NULL, collect_line,
					  &pl, &err);
		ST_CHECK_INT(rc, 0);
		got = pkg_lines_join(&pl);
		ST_CHECK(got != NULL);
		same = strcmp(got, expected.ptr ? expected.ptr : "") == 0;
		if (!same)
			fprintf(stderr, "# %s: got\n%s# expected\n%s", dpkg_fixtures[i].file, got,
				expected.ptr ? expected.ptr : "");
		free(got);
		pkg_lines_dispose(&pl);
		st_buf_dispose(&input);
		st_buf_dispose(&expected);
		ST_CHECK(same);
	}
	return ST_TEST_PASS;
}

ST_TEST(dpkg_status_words)
{
	static const char text[] =
		"Package: a\nStatus: install ok installed\nVersion: 1\n\n"
		"Package: b\nStatus: hold ok installed\nVersion: 1\n\n"
		"Package: c\nStatus: deinstall ok config-files\nVersion: 1\n\n"
		"Package: d\nStatus: purge ok not-installed\nVersion: 1\n\n"
		"Package: e\nStatus: install ok triggers-pending\nVersion: 1\n\n"
		"Package: f\nStatus: install ok triggers-awaiting\nVersion: 1\n\n"
		"Package: g\nStatus: install ok half-configured\nVersion: 1\n\n"
		"Package: h\nStatus: install ok unpacked\nVersion: 1\n\n"
		"Package: i\nStatus: install reinstreq half-installed\nVersion: 1\n\n"
		"Package: j\nStatus: not-installed\nVersion: 1\n\n"
		"Package: k\nStatus:\nVersion: 1\n\n"
		"Package: l\nVersion: 1\n\n"
		"Package: m\nstatus:   install ok installed  \nVersion: 1\n";
	struct strata_limits lim;
	struct pkg_lines pl;

	strata_limits_default(&lim);
	pkg_lines_init(&pl);
	ST_CHECK_INT(parse_text(text, "var/lib/dpkg/status", &lim, NULL, &pl), 0);
	ST_CHECK_INT(pl.count, 7);
	ST_CHECK(has_line(&pl, "a\t") && has_line(&pl, "b\t") && has_line(&pl, "e\t"));
	ST_CHECK(has_line(&pl, "f\t") && has_line(&pl, "g\t") && has_line(&pl, "h\t"));
	ST_CHECK(has_line(&pl, "m\t"));
	ST_CHECK(!has_line(&pl, "c\t") && !has_line(&pl, "d\t") && !has_line(&pl, "l\t"));
	pkg_lines_dispose(&pl);

	/* In status.d a stanza without Status is installed, one with a
	 * Status still follows it. */
	pkg_lines_init(&pl);
	ST_CHECK_INT(parse_text(text, "var/lib/dpkg/status.d/x", &lim, NULL, &pl), 0);
	ST_CHECK_INT(pl.count, 8);
	ST_CHECK(has_line(&pl, "l\t"));
	ST_CHECK(!has_line(&pl, "c\t") && !has_line(&pl, "k\t"));
	pkg_lines_dispose(&pl);
	return ST_TEST_PASS;
}

ST_TEST(dpkg_source_and_epoch)
{
	static const char text[] =
		"Package: postgresql-client\n"
		"Status: install ok installed\n"
		"Architecture: all\n"
		"Source: postgresql-common (200+deb10u5)\n"
		"Version: 11+200+deb10u5\n"
		"\n"
		"Package: attr\n"
		"Status: install ok installed\n"
		"Architecture: amd64\n"
		"Source: attr\n"
		"Version: 1:2.5.1-4\n"
		"\n"
		"Package: odd\n"
		"Status: install ok installed\n"
		"Source:   spaced   (  2.0  )  \n"
		"Version: 1\n"
		"\n"
		"Package: unclosed\n"
		"Status: install ok installed\n"
		"Source: src (2.0\n"
		"Version: 1\n";
	struct strata_limits lim;
	struct pkg_lines pl;

	strata_limits_default(&lim);
	pkg_lines_init(&pl);
	ST_CHECK_INT(parse_text(text, "var/lib/dpkg/status", &lim, NULL, &pl), 0);
	ST_CHECK_INT(pl.count, 4);
	ST_CHECK(has_line(&pl, "postgresql-client\t11+200+deb10u5\tall\tpostgresql-common\t"
			       "200+deb10u5"));
	ST_CHECK(has_line(&pl, "attr\t1:2.5.1-4\tamd64\tattr\t1:2.5.1-4"));
	ST_CHECK(has_line(&pl, "odd\t1\t\tspaced\t2.0"));
	ST_CHECK(has_line(&pl, "unclosed\t1\t\tsrc\t1"));
	pkg_lines_dispose(&pl);
	return ST_TEST_PASS;
}

ST_TEST(dpkg_continuation_lines)
{
	/* Continuation lines that look like fields must not be read as
	 * fields, and an empty-looking " ." line does not end the stanza. */
	static const char text[] =
		"Package: adduser\n"
		"Status: install ok installed\n"
		"Conffiles:\n"
		" /etc/adduser.conf cc3493ecd2d09837ffdcc3e25fdfff18\n"
		"Description: add and remove users\n"
		" Version: 9.9\n"
		" .\n"
		"\tPackage: evil\n"
		"Version: 3.131\n"
		"Architecture: all\n";
	struct strata_limits lim;
	struct pkg_lines pl;

	strata_limits_default(&lim);
	pkg_lines_init(&pl);
	ST_CHECK_INT(parse_text(text, "var/lib/dpkg/status", &lim, NULL, &pl), 0);
	ST_CHECK_INT(pl.count, 1);
	ST_CHECK_STR(pl.lines[0], "adduser\t3.131\tall\tadduser\t3.131");
	pkg_lines_dispose(&pl);
	return ST_TEST_PASS;
}

ST_TEST(dpkg_crlf_and_no_final_newline)
{
	static const char text[] = "Package: a\r\nStatus: install ok installed\r\n"
				   "Version: 1.0\r\nArchitecture: amd64\r\n\r\n"
				   "Package: b\r\nStatus: install ok installed\r\nVersion: 2";
	struct strata_limits lim;
	struct pkg_lines pl;

	strata_limits_default(&lim);
	pkg_lines_init(&pl);
	ST_CHECK_INT(parse_text(text, "var/lib/dpkg/status", &lim, NULL, &pl), 0);
	ST_CHECK_INT(pl.count, 2);
	ST_CHECK(has_line(&pl, "a\t1.0\tamd64\ta\t1.0"));
	ST_CHECK(has_line(&pl, "b\t2\t\tb\t2"));
	pkg_lines_dispose(&pl);
	return ST_TEST_PASS;
}

ST_TEST(dpkg_garbage_stanza_warns_and_rest_survives)
{
	static const char text[] =
		"Package: good1\nStatus: install ok installed\nVersion: 1\n\n"
		"Pakij: apt\nStratus: install ok installed\nInsterface to the settings\n"
		"  * apt-key as an interface\n\n"
		"Package: noversion\nStatus: install ok installed\n\n"
		"Package: two words\nStatus: install ok installed\nVersion: 1\n\n"
		"Package: dup\nPackage: dup2\nStatus: install ok installed\nVersion: 1\n\n"
		" stray continuation\n\n"
		"Package: good2\nStatus: install ok installed\nVersion: 2\n";
	struct strata_limits lim;
	struct pkg_lines pl;
	struct st_diag diag;
	struct diag_log log;

	strata_limits_default(&lim);
	diag_init(&diag, &log);
	pkg_lines_init(&pl);
	ST_CHECK_INT(parse_text(text, "var/lib/dpkg/status", &lim, &diag, &pl), 0);
	ST_CHECK_INT(pl.count, 2);
	ST_CHECK(has_line(&pl, "good1\t1"));
	ST_CHECK(has_line(&pl, "good2\t2"));
	ST_CHECK_INT(log.warnings, 6);
	ST_CHECK(strstr(log.all, "var/lib/dpkg/status: line 7: no ':' in field line") != NULL);
	ST_CHECK(strstr(log.all, "line 5: stanza without a valid Package field") != NULL);
	ST_CHECK(strstr(log.all, "line 10: package noversion has no valid Version") != NULL);
	ST_CHECK(strstr(log.all, "line 13: stanza without a valid Package field") != NULL);
	ST_CHECK(strstr(log.all, "line 17: stanza repeats the Package field") != NULL);
	ST_CHECK(strstr(log.all, "line 22: continuation line outside a stanza") != NULL);
	pkg_lines_dispose(&pl);
	return ST_TEST_PASS;
}

ST_TEST(dpkg_field_limit_per_stanza)
{
	static const char text[] =
		"Package: small\nStatus: install ok installed\nVersion: 1\n\n"
		"Package: big\nStatus: install ok installed\nVersion: 1\nX-A: 1\n\n"
		"Package: after\nStatus: install ok installed\nVersion: 1\n";
	struct strata_limits lim;
	struct pkg_lines pl;
	struct st_diag diag;
	struct diag_log log;

	strata_limits_default(&lim);
	lim.status_fields = 3;
	diag_init(&diag, &log);
	pkg_lines_init(&pl);
	ST_CHECK_INT(parse_text(text, "var/lib/dpkg/status", &lim, &diag, &pl), 0);
	ST_CHECK_INT(pl.count, 2);
	ST_CHECK(has_line(&pl, "small\t"));
	ST_CHECK(has_line(&pl, "after\t"));
	ST_CHECK(!has_line(&pl, "big\t"));
	ST_CHECK_INT(log.warnings, 1);
	ST_CHECK(strstr(log.all, "line 5: stanza has more than 3 fields (limit status_fields)") !=
		 NULL);
	pkg_lines_dispose(&pl);
	return ST_TEST_PASS;
}

ST_TEST(dpkg_warnings_are_capped)
{
	struct strata_limits lim;
	struct pkg_lines pl;
	struct st_diag diag;
	struct diag_log log;
	struct st_buf text;
	int i;

	strata_limits_default(&lim);
	st_buf_init(&text, 1u << 20);
	for (i = 0; i < 500; i++)
		ST_CHECK_INT(st_buf_printf(&text, NULL, "garbage %d\n\n", i), 0);
	diag_init(&diag, &log);
	pkg_lines_init(&pl);
	ST_CHECK_INT(parse_text(text.ptr, "var/lib/dpkg/status", &lim, &diag, &pl), 0);
	ST_CHECK_INT(pl.count, 0);
	ST_CHECK_INT(log.warnings, 21);
	ST_CHECK(strstr(log.all, "line 19: stanza without a valid Package") != NULL);
	ST_CHECK(strstr(log.all, "line 21: ") == NULL);
	ST_CHECK(strstr(log.all, "var/lib/dpkg/status: more than 20 problems, the rest not "
				 "reported") != NULL);
	st_buf_dispose(&text);
	return ST_TEST_PASS;
}

ST_TEST(dpkg_callback_error_stops_parse)
{
	static const char text[] = "Package: a\nStatus: install ok installed\nVersion: 1\n\n"
				   "Package: b\nStatus: install ok installed\nVersion: 1\n";
	struct strata_limits lim;
	struct pkg_lines pl;

	strata_limits_default(&lim);
	pkg_lines_init(&pl);
	pl.fail_after = 1;
	ST_CHECK_INT(parse_text(text, "var/lib/dpkg/status", &lim, NULL, &pl), STRATA_ENOMEM);
	ST_CHECK_INT(pl.count, 1);
	pkg_lines_dispose(&pl);
	return ST_TEST_PASS;
}

ST_TEST(dpkg_random_bytes_do_not_crash)
{
	static const char alphabet[] = "Package: Version:Status \n\n\t :()installed\r\x00\xff";
	struct strata_limits lim;
	struct pkg_lines pl;
	struct strata_error err;
	char buf[2048];
	unsigned seed = 12345;
	int round;
	size_t i;

	strata_limits_default(&lim);
	lim.status_fields = 8;
	for (round = 0; round < 2000; round++) {
		size_t len = (size_t)(round % (int)sizeof(buf));

		for (i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		pkg_lines_init(&pl);
		ST_CHECK_INT(st_dpkg_parse_status(st_slice_make(buf, len), "var/lib/dpkg/status",
						  &lim, NULL, collect_line, &pl, &err), 0);
		for (i = 0; i < pl.count; i++)
			ST_CHECK(strchr(pl.lines[i], ' ') == NULL);
		pkg_lines_dispose(&pl);
	}
	return ST_TEST_PASS;
}

/* dpkg cataloger --------------------------------------------------------------- */

ST_TEST(dpkg_wants_paths)
{
	static const struct {
		const char *path;
		bool wanted;
	} cases[] = {
		{"var/lib/dpkg/status", true},
		{"var/lib/dpkg/status.d/libc6", true},
		/* File lists, read for file ownership. */
		{"var/lib/dpkg/status.d/libc6.md5sums", true},
		{"var/lib/dpkg/status.d/.hidden", false},
		{"var/lib/dpkg/status.d/sub/libc6", false},
		{"var/lib/dpkg/status.d/", false},
		{"var/lib/dpkg/status-old", false},
		{"var/lib/dpkg/statusx", false},
		{"usr/var/lib/dpkg/status", false},
		{"var/lib/dpkg/info/libc6.list", true},
		{"var/lib/dpkg/info/libc6.md5sums", false},
	};
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(cases); i++) {
		bool got = st_cataloger_dpkg.wants(cases[i].path, strlen(cases[i].path));

		if (got != cases[i].wanted)
			fprintf(stderr, "# %s\n", cases[i].path);
		ST_CHECK(got == cases[i].wanted);
	}
	return ST_TEST_PASS;
}

/* Runs the dpkg cataloger over FILES as if from a walk: every file as a
 * layer file, then the last per path as final files. */
static int run_dpkg(struct st_inventory *inv, const struct st_walk_file *layer_files,
		    size_t layer_count, const struct st_walk_file *final_files, size_t final_count,
		    struct st_diag *diag)
{
	const struct st_cataloger *c = &st_cataloger_dpkg;
	struct strata_limits lim;
	struct st_catalog_ctx ctx;
	struct strata_error err;
	void *state = NULL;
	size_t i;
	int rc;

	strata_limits_default(&lim);
	ctx.inv = inv;
	ctx.diag = diag;
	ctx.limits = &lim;
	rc = c->init(&state, &err);
	for (i = 0; rc == 0 && i < layer_count; i++)
		rc = c->on_layer_file(state, &layer_files[i], &ctx, &err);
	for (i = 0; rc == 0 && i < final_count; i++)
		rc = c->on_final_file(state, &final_files[i], &ctx, &err);
	if (rc == 0)
		rc = c->finish(state, &ctx, &err);
	c->free(state);
	st_inventory_sort(inv);
	return rc;
}

ST_TEST(dpkg_layer_attribution)
{
	static const char s0[] = "Package: a\nStatus: install ok installed\nVersion: 1\n"
				 "Architecture: amd64\n\n"
				 "Package: b\nStatus: install ok installed\nVersion: 1\n"
				 "Architecture: amd64\n\n"
				 "Package: gone\nStatus: install ok installed\nVersion: 1\n";
	/* b upgraded, c new, gone removed */
	static const char s1[] = "Package: a\nStatus: install ok installed\nVersion: 1\n"
				 "Architecture: amd64\n\n"
				 "Package: b\nStatus: install ok installed\nVersion: 2\n"
				 "Architecture: amd64\n\n"
				 "Package: c\nStatus: install ok installed\nVersion: 1\n"
				 "Architecture: amd64\n";
	/* rewritten unchanged except b for another architecture */
	static const char s2[] = "Package: a\nStatus: install ok installed\nVersion: 1\n"
				 "Architecture: amd64\n\n"
				 "Package: b\nStatus: install ok installed\nVersion: 2\n"
				 "Architecture: amd64\n\n"
				 "Package: b\nStatus: install ok installed\nVersion: 2\n"
				 "Architecture: i386\n\n"
				 "Package: c\nStatus: install ok installed\nVersion: 1\n"
				 "Architecture: amd64\n\n"
				 "Package: gone\nStatus: install ok installed\nVersion: 1\n";
	struct st_walk_file layers[3];
	struct st_inventory inv;
	const struct st_package *p;
	size_t i;

	layers[0] = st_test_walk_file("var/lib/dpkg/status", s0, 0);
	layers[1] = st_test_walk_file("var/lib/dpkg/status", s1, 1);
	layers[2] = st_test_walk_file("var/lib/dpkg/status", s2, 4);
	st_inventory_init(&inv);
	ST_CHECK_INT(run_dpkg(&inv, layers, 3, &layers[2], 1, NULL), 0);
	ST_CHECK_INT(inv.count, 5);
	ST_CHECK_STR(inv.packages[0].name, "a");
	ST_CHECK_INT(inv.packages[0].layer, 0);
	ST_CHECK_STR(inv.packages[1].arch, "amd64");
	ST_CHECK_INT(inv.packages[1].layer, 1);
	ST_CHECK_STR(inv.packages[2].arch, "i386");
	ST_CHECK_INT(inv.packages[2].layer, 4);
	p = st_test_find_package(&inv, "deb", "c");
	ST_CHECK(p != NULL);
	ST_CHECK_INT(p->layer, 1);
	/* removed in layer 1, so layer 4 brought it back */
	p = st_test_find_package(&inv, "deb", "gone");
	ST_CHECK(p != NULL);
	ST_CHECK_INT(p->layer, 4);
	for (i = 0; i < inv.count; i++)
		ST_CHECK_STR(inv.packages[i].path, "var/lib/dpkg/status");
	st_inventory_dispose(&inv);

	/* Without layer history the final file's layer is used. */
	st_inventory_init(&inv);
	ST_CHECK_INT(run_dpkg(&inv, NULL, 0, &layers[2], 1, NULL), 0);
	ST_CHECK_INT(inv.count, 5);
	for (i = 0; i < inv.count; i++)
		ST_CHECK_INT(inv.packages[i].layer, 4);
	st_inventory_dispose(&inv);
	return ST_TEST_PASS;
}

/* UBSan caught qsort called with a NULL array when a layer's status file
 * listed no installed package. */
ST_TEST(dpkg_layer_without_packages)
{
	struct st_walk_file layers[3];
	struct st_inventory inv;

	layers[0] = st_test_walk_file("var/lib/dpkg/status",
			      "Package: a\nStatus: install ok installed\nVersion: 1\n", 0);
	layers[1] = st_test_walk_file("var/lib/dpkg/status", "", 1);
	layers[2] = st_test_walk_file("var/lib/dpkg/status",
			      "Package: a\nStatus: install ok installed\nVersion: 1\n", 2);
	st_inventory_init(&inv);
	ST_CHECK_INT(run_dpkg(&inv, layers, 3, &layers[2], 1, NULL), 0);
	ST_CHECK_INT(inv.count, 1);
	ST_CHECK_INT(inv.packages[0].layer, 2);
	st_inventory_dispose(&inv);
	return ST_TEST_PASS;
}

ST_TEST(dpkg_purls_follow_os_release)
{
	static const char status[] = "Package: attr\nStatus: install ok installed\n"
				     "Architecture: amd64\nSource: attr (1:2.4.47-2)\n"
				     "Version: 1:2.4.47-2+b1\n\n"
				     "Package: libpam-runtime\nStatus: install ok installed\n"
				     "Architecture: all\nSource: pam\nVersion: 1.5.2-6+deb12u1\n\n"
				     "Package: Upper\nStatus: install ok installed\nVersion: 1\n";
	struct st_walk_file f = st_test_walk_file("var/lib/dpkg/status", status, 2);
	struct st_inventory inv;
	const struct st_package *p;

	st_inventory_init(&inv);
	inv.os.found = true;
	inv.os.id = "debian";
	inv.os.version_id = "12";
	ST_CHECK_INT(run_dpkg(&inv, &f, 1, &f, 1, NULL), 0);
	ST_CHECK_INT(inv.count, 3);
	p = st_test_find_package(&inv, "deb", "attr");
	ST_CHECK(p != NULL);
	ST_CHECK_STR(p->purl, "pkg:deb/debian/attr@1%3A2.4.47-2%2Bb1?arch=amd64&distro=debian-12"
			      "&upstream=attr%401%3A2.4.47-2");
	ST_CHECK_STR(p->source_version, "1:2.4.47-2");
	ST_CHECK_INT(p->layer, 2);
	p = st_test_find_package(&inv, "deb", "libpam-runtime");
	ST_CHECK(p != NULL);
	ST_CHECK_STR(p->purl, "pkg:deb/debian/libpam-runtime@1.5.2-6%2Bdeb12u1?arch=all"
			      "&distro=debian-12&upstream=pam");
	ST_CHECK(p->license == NULL);
	p = st_test_find_package(&inv, "deb", "Upper");
	ST_CHECK(p != NULL);
	ST_CHECK_STR(p->purl, "pkg:deb/debian/upper@1?distro=debian-12");
	st_inventory_dispose(&inv);

	/* Ubuntu gives the vendor; no OS release gives "debian" alone. */
	st_inventory_init(&inv);
	inv.os.found = true;
	inv.os.id = "ubuntu";
	inv.os.version_id = "22.04";
	ST_CHECK_INT(run_dpkg(&inv, NULL, 0, &f, 1, NULL), 0);
	ST_CHECK_STR(inv.packages[0].purl, "pkg:deb/ubuntu/upper@1?distro=ubuntu-22.04");
	st_inventory_dispose(&inv);
	st_inventory_init(&inv);
	ST_CHECK_INT(run_dpkg(&inv, NULL, 0, &f, 1, NULL), 0);
	ST_CHECK_STR(inv.packages[0].purl, "pkg:deb/debian/upper@1");
	st_inventory_dispose(&inv);
	return ST_TEST_PASS;
}

ST_TEST(dpkg_status_d_files_keep_their_layers)
{
	static const char a[] = "Package: base-files\nVersion: 12.4\nArchitecture: amd64\n";
	static const char b[] = "Package: libc6\nVersion: 2.36-9\nArchitecture: amd64\n"
				"Source: glibc\n";
	static const char md5[] = "0123  usr/lib/x\n";
	struct st_walk_file files[3];
	struct st_inventory inv;
	struct st_diag diag;
	struct diag_log log;

	files[0] = st_test_walk_file("var/lib/dpkg/status.d/base", a, 0);
	files[1] = st_test_walk_file("var/lib/dpkg/status.d/libc6", b, 3);
	files[2] = st_test_walk_file("var/lib/dpkg/status.d/libc6.md5sums", md5, 3);
	diag_init(&diag, &log);
	st_inventory_init(&inv);
	ST_CHECK_INT(run_dpkg(&inv, files, 3, files, 3, &diag), 0);
	ST_CHECK_INT(inv.count, 2);
	ST_CHECK_STR(inv.packages[0].name, "base-files");
	ST_CHECK_INT(inv.packages[0].layer, 0);
	ST_CHECK_STR(inv.packages[0].path, "var/lib/dpkg/status.d/base");
	ST_CHECK_STR(inv.packages[1].name, "libc6");
	ST_CHECK_INT(inv.packages[1].layer, 3);
	ST_CHECK_STR(inv.packages[1].source_name, "glibc");
	ST_CHECK_INT(log.warnings, 0);
	st_inventory_dispose(&inv);
	return ST_TEST_PASS;
}

/* npm ---------------------------------------------------------------------- */

ST_TEST(npm_wants_manifests_only)
{
	static const struct {
		const char *path;
		bool wanted;
	} cases[] = {
		{"node_modules/x/package.json", true},
		{"app/node_modules/x/package.json", true},
		{"app/node_modules/@scope/x/package.json", true},
		{"app/node_modules/a/node_modules/b/package.json", true},
		{"usr/lib/node_modules/npm/node_modules/x/package.json", true},
		{"a/node_modules/@s/x/node_modules/@t/y/package.json", true},
		{"node_modules/x/lib/package.json", false},
		{"node_modules/@scope/package.json", false},
		{"node_modules/package.json", false},
		/* Project manifests: read for the devDependencies a yarn.lock
		 * needs, never reported as packages. */
		{"package.json", true},
		{"app/package.json", true},
		{"node_modules/.bin/package.json", false},
		{"node_modules/x/package.json.bak", false},
		{"node_modules/x/xpackage.json", false},
		{"node_modules/@/x/package.json", false},
		{"xnode_modules/x/package.json", true}, /* a project manifest */
		{"node_modules/@scope/x/y/package.json", false},
	};
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(cases); i++) {
		bool got = st_cataloger_npm.wants(cases[i].path, strlen(cases[i].path));

		if (got != cases[i].wanted)
			fprintf(stderr, "# %s\n", cases[i].path);
		ST_CHECK(got == cases[i].wanted);
	}
	return ST_TEST_PASS;
}

static int parse_npm_text(struct st_package *pkg, const char *text, struct st_arena *arena,
			  const struct strata_limits *lim, struct strata_error *err)
{
	return st_npm_parse_package_json(pkg, st_slice_cstr(text), "node_modules/x/package.json",
					 lim, arena, err);
}

ST_TEST(npm_fixtures)
{
	static const struct {
		const char *file;
		const char *name, *version, *license, *purl;
	} cases[] = {
		{"trivy-happy/node_modules/@babel/parser/package.json", "@babel/parser", "7.23.6",
		 "MIT", "pkg:npm/%40babel/parser@7.23.6"},
		{"trivy-happy/node_modules/express/node_modules/debug/package.json", "debug",
		 "2.6.9", "MIT", "pkg:npm/debug@2.6.9"},
		{"trivy-happy/node_modules/ms/package.json", "ms", "2.1.1", "MIT",
		 "pkg:npm/ms@2.1.1"},
		{"syft-pkg-json/package-license-object.json", "npm", "6.14.6", "ISC",
		 "pkg:npm/npm@6.14.6"},
		{"syft-pkg-json/package-license-objects.json", "npm", "6.14.6", "MIT OR Apache-2.0",
		 "pkg:npm/npm@6.14.6"},
		{"syft-pkg-json/package-malformed-license.json", "npm", "6.14.6", "MIT",
		 "pkg:npm/npm@6.14.6"},
		{"syft-pkg-json/package-authors-array.json", "npm", "6.14.6", "Artistic-2.0",
		 "pkg:npm/npm@6.14.6"},
	};
	struct strata_limits lim;
	size_t i;

	strata_limits_default(&lim);
	for (i = 0; i < ST_ARRAY_LEN(cases); i++) {
		char rel[512];
		struct st_buf text;
		struct st_arena arena;
		struct st_package pkg;
		struct strata_error err;

		snprintf(rel, sizeof(rel), "pkgdb/lang/npm/%s", cases[i].file);
		ST_CHECK(read_data(rel, &text));
		st_arena_init(&arena);
		ST_CHECK_INT(st_npm_parse_package_json(&pkg, st_slice_make(text.ptr, text.len),
						       rel, &lim, &arena, &err), 0);
		ST_CHECK_STR(pkg.type, "npm");
		ST_CHECK_STR(pkg.name, cases[i].name);
		ST_CHECK_STR(pkg.version, cases[i].version);
		ST_CHECK_STR(pkg.license, cases[i].license);
		ST_CHECK_STR(pkg.purl, cases[i].purl);
		ST_CHECK_STR(pkg.path, rel);
		ST_CHECK(pkg.arch == NULL && pkg.source_name == NULL);
		st_arena_dispose(&arena);
		st_buf_dispose(&text);
	}
	return ST_TEST_PASS;
}

ST_TEST(npm_bad_manifests_rejected)
{
	static const struct {
		const char *text;
		int rc;
		const char *message;
	} cases[] = {
		{"{\"version\": \"1.0.0\"}", STRATA_ECORRUPT, "no valid \"name\""},
		{"{\"name\": \"x\"}", STRATA_ECORRUPT, "no valid \"version\""},
		{"{\"name\": \"\", \"version\": \"1\"}", STRATA_ECORRUPT, "name"},
		{"{\"name\": \"x\", \"version\": 1}", STRATA_ECORRUPT, "version"},
		{"{\"name\": \"a\\u0000b\", \"version\": \"1\"}", STRATA_ECORRUPT, "name"},
		{"{\"name\": \"a b\", \"version\": \"1\"}", STRATA_ECORRUPT, "name"},
		{"{\"name\": \"x\", \"version\": \"1\\n\"}", STRATA_ECORRUPT, "version"},
		{"[\"name\", \"version\"]", STRATA_ECORRUPT, "not a JSON object"},
		{"{\"name\": \"x\", \"version\": \"1\"", STRATA_ECORRUPT, "invalid JSON"},
		{"", STRATA_ECORRUPT, "invalid JSON"},
		{"{\"name\": \"x\", \"version\": \"1\", \"a\": [[[[[[[[[[1]]]]]]]]]]}", STRATA_ELIMIT,
		 "nested deeper"},
	};
	struct strata_limits lim;
	size_t i;

	strata_limits_default(&lim);
	lim.json_depth = 8;
	for (i = 0; i < ST_ARRAY_LEN(cases); i++) {
		struct st_arena arena;
		struct st_package pkg;
		struct strata_error err;

		st_arena_init(&arena);
		strata_error_clear(&err);
		ST_CHECK_INT(parse_npm_text(&pkg, cases[i].text, &arena, &lim, &err), cases[i].rc);
		if (strstr(err.msg, cases[i].message) == NULL)
			fprintf(stderr, "# case %zu: %s\n", i, err.msg);
		ST_CHECK(strstr(err.msg, cases[i].message) != NULL);
		ST_CHECK(strstr(err.msg, "node_modules/x/package.json") != NULL);
		st_arena_dispose(&arena);
	}
	return ST_TEST_PASS;
}

ST_TEST(npm_size_limit_and_repeated_keys)
{
	static const char text[] = "{\"name\": \"a\", \"name\": \"b\", \"version\": \"1.0.0\","
				   " \"license\": {\"url\": \"x\"}}";
	struct strata_limits lim;
	struct st_arena arena;
	struct st_package pkg;
	struct strata_error err;

	strata_limits_default(&lim);
	st_arena_init(&arena);
	ST_CHECK_INT(parse_npm_text(&pkg, text, &arena, &lim, &err), 0);
	ST_CHECK_STR(pkg.name, "b");
	ST_CHECK(pkg.license == NULL);

	lim.cataloged_file_bytes = 16;
	ST_CHECK_INT(parse_npm_text(&pkg, text, &arena, &lim, &err), STRATA_ELIMIT);
	st_arena_dispose(&arena);
	return ST_TEST_PASS;
}

ST_TEST(npm_cataloger_adds_and_warns)
{
	const struct st_cataloger *c = &st_cataloger_npm;
	struct st_walk_file files[4];
	struct strata_limits lim;
	struct st_catalog_ctx ctx;
	struct st_inventory inv;
	struct strata_error err;
	struct st_diag diag;
	struct diag_log log;
	void *state = NULL;
	size_t i;

	files[0] = st_test_walk_file("app/node_modules/@Scope/Pkg/package.json",
			     "{\"name\": \"@Scope/Pkg\", \"version\": \"1.0.0-Beta\","
			     " \"licenses\": [{\"type\": \"MIT\"}, \"BSD-2-Clause\"]}", 2);
	files[1] = st_test_walk_file("app/node_modules/bad/package.json", "{\"name\": \"bad\"", 1);
	files[2] = st_test_walk_file("app/node_modules/x/lib/package.json",
			     "{\"name\": \"inner\", \"version\": \"1\"}", 1);
	files[3] = st_test_walk_file("app/node_modules/x/package.json",
			     "{\"name\": \"x\", \"version\": \"2\"}", 0);
	strata_limits_default(&lim);
	diag_init(&diag, &log);
	st_inventory_init(&inv);
	ctx.inv = &inv;
	ctx.diag = &diag;
	ctx.limits = &lim;
	ST_CHECK_INT(c->init(&state, &err), 0);
	for (i = 0; i < ST_ARRAY_LEN(files); i++)
		ST_CHECK_INT(c->on_final_file(state, &files[i], &ctx, &err), 0);
	ST_CHECK_INT(c->finish(state, &ctx, &err), 0);
	c->free(state);
	st_inventory_sort(&inv);

	ST_CHECK_INT(inv.count, 2);
	ST_CHECK_STR(inv.packages[0].name, "@Scope/Pkg");
	ST_CHECK_STR(inv.packages[0].purl, "pkg:npm/%40scope/pkg@1.0.0-Beta");
	ST_CHECK_STR(inv.packages[0].license, "MIT OR BSD-2-Clause");
	ST_CHECK_INT(inv.packages[0].layer, 2);
	ST_CHECK_STR(inv.packages[0].path, "app/node_modules/@Scope/Pkg/package.json");
	ST_CHECK_STR(inv.packages[1].name, "x");
	ST_CHECK_INT(log.warnings, 1);
	ST_CHECK(strstr(log.all, "app/node_modules/bad/package.json: invalid JSON") != NULL);
	st_inventory_dispose(&inv);
	return ST_TEST_PASS;
}

/* os-release ------------------------------------------------------------------ */

ST_TEST(osrelease_fixtures)
{
	static const struct {
		const char *dir;
		const char *id, *id_like, *version_id, *codename, *pretty;
	} cases[] = {
		{"debian-12", "debian", NULL, "12", "bookworm", "Debian GNU/Linux 12 (bookworm)"},
		{"debian-7", "debian", NULL, "7", NULL, "Debian GNU/Linux 7 (wheezy)"},
		{"distroless-debian-11", "debian", NULL, "11", NULL, "Distroless"},
		{"ubuntu-22.04", "ubuntu", "debian", "22.04", "jammy", "Ubuntu 22.04 LTS"},
		{"ubuntu-14.04", "ubuntu", "debian", "14.04", NULL, "Ubuntu 14.04.6 LTS"},
		{"alpine-3.18", "alpine", NULL, "3.18.4", NULL, "Alpine Linux v3.18"},
		{"rhel-9", "rhel", "fedora", "9.0", NULL, "Red Hat Enterprise Linux 9.0 (Plow)"},
		{"wolfi", "wolfi", NULL, "20220914", NULL, "Wolfi"},
	};
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(cases); i++) {
		char rel[256];
		struct st_buf text;
		struct st_arena arena;
		struct st_os os;
		struct strata_error err;

		snprintf(rel, sizeof(rel), "osrelease/%s/etc/os-release", cases[i].dir);
		ST_CHECK(read_data(rel, &text));
		st_arena_init(&arena);
		memset(&os, 0, sizeof(os));
		ST_CHECK_INT(st_osrelease_parse(&os, st_slice_make(text.ptr, text.len), &arena,
						&err), 0);
		ST_CHECK(os.found);
		ST_CHECK_STR(os.id, cases[i].id);
		if (cases[i].id_like)
			ST_CHECK_STR(os.id_like, cases[i].id_like);
		else
			ST_CHECK(os.id_like == NULL);
		ST_CHECK_STR(os.version_id, cases[i].version_id);
		if (cases[i].codename)
			ST_CHECK_STR(os.version_codename, cases[i].codename);
		else
			ST_CHECK(os.version_codename == NULL);
		ST_CHECK_STR(os.pretty_name, cases[i].pretty);
		st_arena_dispose(&arena);
		st_buf_dispose(&text);
	}
	return ST_TEST_PASS;
}

ST_TEST(osrelease_quoting_and_comments)
{
	static const struct {
		const char *text;
		const char *id, *pretty;
	} cases[] = {
		{"ID=debian\nPRETTY_NAME=\"A \\\"quoted\\\" \\\\ \\$ \\` name\"\n", "debian",
		 "A \"quoted\" \\ $ ` name"},
		{"ID='single \\n \"x\"'\nPRETTY_NAME=\"keep \\n\"\n", "single \\n \"x\"", "keep \\n"},
		{"# comment\n\n   \t\nID=x # not a comment\n  PRETTY_NAME=plain  \n", "x # not a comment",
		 "plain"},
		{"ID=\"a\"'b'c\nPRETTY_NAME=un\\ quoted\\\"\n", "abc", "un quoted\""},
		{"ID=first\nID=last\r\nPRETTY_NAME=\"crlf\"\r\n", "last", "crlf"},
		{"PRETTY_NAME=\"two\\\nlines\"\nID=\"x\"", "x", "twolines"},
		/* a newline inside quotes is a control byte: the value is dropped */
		{"PRETTY_NAME=\"two\nlines\"\nID=y\n", "y", NULL},
		{"ID=ok\nPRETTY_NAME=\"bad\x01\"\n", "ok", NULL},
		{"ID = spaced\nID=ok\n=novalue\nnot a line\nPRETTY_NAME=\n", "ok", ""},
		/* an unterminated quote ends the parse */
		{"ID=before\nPRETTY_NAME=\"open\nID=after\n", "before", NULL},
		{"ID=\"a\\", NULL, NULL},
	};
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(cases); i++) {
		struct st_arena arena;
		struct st_os os;
		struct strata_error err;

		st_arena_init(&arena);
		memset(&os, 0, sizeof(os));
		ST_CHECK_INT(st_osrelease_parse(&os, st_slice_cstr(cases[i].text), &arena, &err), 0);
		if (cases[i].id)
			ST_CHECK_STR(os.id, cases[i].id);
		else
			ST_CHECK(os.id == NULL);
		if (cases[i].pretty)
			ST_CHECK_STR(os.pretty_name, cases[i].pretty);
		else
			ST_CHECK(os.pretty_name == NULL);
		st_arena_dispose(&arena);
	}
	return ST_TEST_PASS;
}

ST_TEST(osrelease_garbage_does_not_crash)
{
	static const char alphabet[] = "ID=\"'\\\n #ab\r\t\x01\xff";
	char buf[512];
	unsigned seed = 99;
	int round;
	size_t i;

	for (round = 0; round < 3000; round++) {
		size_t len = (size_t)(round % (int)sizeof(buf));
		struct st_arena arena;
		struct st_os os;
		struct strata_error err;

		for (i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		st_arena_init(&arena);
		ST_CHECK_INT(st_osrelease_parse(&os, st_slice_make(buf, len), &arena, &err), 0);
		if (os.id != NULL)
			ST_CHECK(strlen(os.id) <= len);
		st_arena_dispose(&arena);
	}
	return ST_TEST_PASS;
}

ST_TEST(debian_codename_table)
{
	ST_CHECK_STR(st_debian_codename("7"), "wheezy");
	ST_CHECK_STR(st_debian_codename("8"), "jessie");
	ST_CHECK_STR(st_debian_codename("9"), "stretch");
	ST_CHECK_STR(st_debian_codename("10"), "buster");
	ST_CHECK_STR(st_debian_codename("11"), "bullseye");
	ST_CHECK_STR(st_debian_codename("12"), "bookworm");
	ST_CHECK_STR(st_debian_codename("13"), "trixie");
	ST_CHECK(st_debian_codename("12.1") == NULL);
	ST_CHECK(st_debian_codename("") == NULL);
	ST_CHECK(st_debian_codename(NULL) == NULL);
	return ST_TEST_PASS;
}

/* OS cataloger ------------------------------------------------------------------ */

static struct st_walk_file walk_link(const char *path, const char *target, size_t layer)
{
	struct st_walk_file f = st_test_walk_file(path, "", layer);

	f.type = ST_FILE_SYMLINK;
	f.link_target = target;
	f.data = st_slice_make(NULL, 0);
	f.size = 0;
	return f;
}

static int run_os(struct st_inventory *inv, const struct st_walk_file *files, size_t count,
		  struct diag_log *log)
{
	const struct st_cataloger *c = &st_cataloger_os;
	struct strata_limits lim;
	struct st_catalog_ctx ctx;
	struct strata_error err;
	struct st_diag diag;
	void *state = NULL;
	size_t i;
	int rc;

	strata_limits_default(&lim);
	diag_init(&diag, log);
	ctx.inv = inv;
	ctx.diag = &diag;
	ctx.limits = &lim;
	rc = c->init(&state, &err);
	for (i = 0; rc == 0 && i < count; i++) {
		if (c->wants(files[i].path, files[i].path_len))
			rc = c->on_final_file(state, &files[i], &ctx, &err);
	}
	if (rc == 0)
		rc = c->finish(state, &ctx, &err);
	c->free(state);
	return rc;
}

ST_TEST(os_cataloger_follows_symlinks)
{
	static const char usr[] = "ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n";
	static const char etc[] = "ID=ubuntu\nVERSION_ID=\"22.04\"\n";
	/* FOLLOWED: the link itself leads to usr/lib/os-release; otherwise
	 * the cataloger falls back to it and logs why. */
	static const struct {
		const char *target;
		bool followed;
	} cases[] = {
		{"../usr/lib/os-release", true},
		{"/usr/lib/os-release", true},
		{"../../../../../usr/lib/os-release", true},
		{"/../etc/./../usr//lib/os-release", true},
		{"..//..//usr/lib/../lib/os-release", true},
		{"os-release", false},
		{"../usr/lib/missing", false},
		{"/", false},
		{"", false},
	};
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(cases); i++) {
		struct st_walk_file files[2];
		struct st_inventory inv;
		struct diag_log log;

		files[0] = walk_link("etc/os-release", cases[i].target, 1);
		files[1] = st_test_walk_file("usr/lib/os-release", usr, 0);
		st_inventory_init(&inv);
		ST_CHECK_INT(run_os(&inv, files, 2, &log), 0);
		if ((log.len == 0) != cases[i].followed)
			fprintf(stderr, "# target %s: log \"%s\"\n", cases[i].target, log.all);
		ST_CHECK((log.len == 0) == cases[i].followed);
		ST_CHECK(inv.os.found);
		ST_CHECK_STR(inv.os.id, "debian");
		ST_CHECK_STR(inv.os.path, "usr/lib/os-release");
		ST_CHECK_INT(inv.os.layer, 0);
		st_inventory_dispose(&inv);
	}

	/* A chain of two links, and a link from usr/lib/os-release alone. */
	{
		struct st_walk_file files[3];
		struct st_inventory inv;
		struct diag_log log;

		files[0] = walk_link("etc/os-release", "/usr/lib/os-release", 2);
		files[1] = walk_link("usr/lib/os-release", "../../etc/debian_version", 1);
		files[2] = st_test_walk_file("etc/debian_version", usr, 0);
		st_inventory_init(&inv);
		ST_CHECK_INT(run_os(&inv, files, 3, &log), 0);
		ST_CHECK_INT(log.len, 0);
		ST_CHECK_STR(inv.os.id, "debian");
		ST_CHECK_STR(inv.os.path, "etc/debian_version");
		st_inventory_dispose(&inv);

		st_inventory_init(&inv);
		ST_CHECK_INT(run_os(&inv, &files[1], 2, &log), 0);
		ST_CHECK_STR(inv.os.path, "etc/debian_version");
		st_inventory_dispose(&inv);
	}

	/* A regular etc/os-release wins over usr/lib/os-release. */
	{
		struct st_walk_file files[2];
		struct st_inventory inv;
		struct diag_log log;

		files[0] = st_test_walk_file("etc/os-release", etc, 3);
		files[1] = st_test_walk_file("usr/lib/os-release", usr, 0);
		st_inventory_init(&inv);
		ST_CHECK_INT(run_os(&inv, files, 2, &log), 0);
		ST_CHECK_STR(inv.os.id, "ubuntu");
		ST_CHECK_STR(inv.os.path, "etc/os-release");
		ST_CHECK_INT(inv.os.layer, 3);
		st_inventory_dispose(&inv);
	}
	return ST_TEST_PASS;
}

ST_TEST(os_cataloger_symlink_loop)
{
	struct st_walk_file files[2];
	struct st_inventory inv;
	struct diag_log log;

	files[0] = walk_link("etc/os-release", "../usr/lib/os-release", 0);
	files[1] = walk_link("usr/lib/os-release", "/etc/os-release", 0);
	st_inventory_init(&inv);
	ST_CHECK_INT(run_os(&inv, files, 2, &log), 0);
	ST_CHECK(!inv.os.found);
	ST_CHECK(inv.os.id == NULL);
	ST_CHECK(log.warnings >= 1);
	ST_CHECK(strstr(log.all, "etc/os-release: more than 40 symlinks") != NULL);
	st_inventory_dispose(&inv);

	/* A link to itself */
	files[0] = walk_link("etc/os-release", "./os-release", 0);
	st_inventory_init(&inv);
	ST_CHECK_INT(run_os(&inv, files, 1, &log), 0);
	ST_CHECK(!inv.os.found);
	st_inventory_dispose(&inv);
	return ST_TEST_PASS;
}

ST_TEST(os_cataloger_fills_debian_codename)
{
	static const struct {
		const char *dir;
		const char *version_id, *codename;
	} cases[] = {
		{"debian-7", "7", "wheezy"},
		{"debian-8", "8", "jessie"},
		{"debian-12", "12", "bookworm"},
		{"distroless-debian-9", "9", "stretch"},
		{"distroless-debian-11", "11", "bullseye"},
		{"debian-from-debian_version", "10", "buster"},
		{"ubuntu-14.04", "14.04", NULL},
	};
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(cases); i++) {
		char rel[256];
		struct st_buf release;
		struct st_buf version;
		struct st_walk_file files[2];
		struct st_inventory inv;
		struct diag_log log;
		size_t n = 1;

		snprintf(rel, sizeof(rel), "osrelease/%s/etc/os-release", cases[i].dir);
		ST_CHECK(read_data(rel, &release));
		files[0] = st_test_walk_file("etc/os-release", release.ptr, 0);
		st_buf_init(&version, 1024);
		snprintf(rel, sizeof(rel), "osrelease/%s/etc/debian_version", cases[i].dir);
		if (st_read_file(st_test_data_path(rel), &version, false, NULL) == 0)
			files[n++] = st_test_walk_file("etc/debian_version", version.ptr, 0);
		st_inventory_init(&inv);
		ST_CHECK_INT(run_os(&inv, files, n, &log), 0);
		ST_CHECK_STR(inv.os.version_id, cases[i].version_id);
		if (cases[i].codename)
			ST_CHECK_STR(inv.os.version_codename, cases[i].codename);
		else
			ST_CHECK(inv.os.version_codename == NULL);
		st_inventory_dispose(&inv);
		st_buf_dispose(&release);
		st_buf_dispose(&version);
	}
	return ST_TEST_PASS;
}

ST_TEST(os_cataloger_debian_version_forms)
{
	static const struct {
		const char *content;
		const char *version_id;
	} cases[] = {
		{"12.5\n", "12"}, {"13", "13"}, {"trixie/sid\n", NULL}, {"12abc\n", NULL},
		{"", NULL}, {"123456.1\n", NULL},
	};
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(cases); i++) {
		struct st_walk_file files[2];
		struct st_inventory inv;
		struct diag_log log;

		files[0] = st_test_walk_file("etc/os-release", "ID=debian\n", 0);
		files[1] = st_test_walk_file("etc/debian_version", cases[i].content, 0);
		st_inventory_init(&inv);
		ST_CHECK_INT(run_os(&inv, files, 2, &log), 0);
		if (cases[i].version_id)
			ST_CHECK_STR(inv.os.version_id, cases[i].version_id);
		else
			ST_CHECK(inv.os.version_id == NULL);
		st_inventory_dispose(&inv);
	}
	return ST_TEST_PASS;
}

ST_TEST(os_cataloger_without_release)
{
	struct st_walk_file files[1];
	struct st_inventory inv;
	struct diag_log log;

	st_inventory_init(&inv);
	ST_CHECK_INT(run_os(&inv, files, 0, &log), 0);
	ST_CHECK(!inv.os.found);
	st_inventory_dispose(&inv);

	files[0] = st_test_walk_file("usr/lib/os-release", "NAME=nothing useful\n", 2);
	st_inventory_init(&inv);
	ST_CHECK_INT(run_os(&inv, files, 1, &log), 0);
	ST_CHECK(!inv.os.found);
	ST_CHECK_INT(log.warnings, 1);
	ST_CHECK(strstr(log.all, "usr/lib/os-release: no ID") != NULL);
	st_inventory_dispose(&inv);

	ST_CHECK(st_cataloger_os.wants("etc/os-release", 14));
	ST_CHECK(st_cataloger_os.wants("usr/lib/os-release", 18));
	ST_CHECK(!st_cataloger_os.wants("etc/os-release2", 15));
	ST_CHECK(!st_cataloger_os.wants("lib/os-release", 14));
	return ST_TEST_PASS;
}

/* End to end over in-memory layers ------------------------------------------------ */

ST_TEST(catalog_layers_end_to_end)
{
	static const struct st_test_tar_entry layer0[] = {
		{"etc/os-release", NULL, "../usr/lib/os-release"},
		{"usr/lib/os-release", "ID=debian\nVERSION_ID=\"12\"\n", NULL},
		{"var/lib/dpkg/status",
		 "Package: libc6\nStatus: install ok installed\nArchitecture: amd64\n"
		 "Source: glibc\nVersion: 2.36-9\n\n"
		 "Package: zlib1g\nStatus: install ok installed\nArchitecture: amd64\n"
		 "Version: 1:1.2.13.dfsg-1\n", NULL},
		{"var/lib/dpkg/status.d/ignored.md5sums", "x", NULL},
		{"var/lib/dpkg/status.d/tzdata", "Package: tzdata\nVersion: 2024a-0+deb12u1\n", NULL},
	};
	static const struct st_test_tar_entry layer1[] = {
		{"var/lib/dpkg/status",
		 "Package: libc6\nStatus: install ok installed\nArchitecture: amd64\n"
		 "Source: glibc\nVersion: 2.36-9+deb12u4\n\n"
		 "Package: zlib1g\nStatus: install ok installed\nArchitecture: amd64\n"
		 "Version: 1:1.2.13.dfsg-1\n\n"
		 "Package: old\nStatus: deinstall ok config-files\nVersion: 1\n", NULL},
		{"app/node_modules/@types/node/package.json",
		 "{\"name\": \"@types/node\", \"version\": \"20.1.0\", \"license\": \"MIT\"}", NULL},
		{"app/node_modules/@types/node/lib/package.json", "{\"name\": \"inner\"}", NULL},
		{"app/node_modules/broken/package.json", "{", NULL},
	};
	static const struct st_test_tar_entry layer2[] = {
		{"app/node_modules/left-pad/package.json",
		 "{\"name\": \"left-pad\", \"version\": \"1.3.0\", \"license\": \"WTFPL\"}", NULL},
		{"var/lib/dpkg/status.d/.wh.tzdata", "", NULL},
	};
	struct st_test_layers tl = {{layer0, layer1, layer2},
				 {ST_ARRAY_LEN(layer0), ST_ARRAY_LEN(layer1),
				  ST_ARRAY_LEN(layer2)}};
	struct st_walk_layer_stats stats[3];
	struct strata_limits lim;
	struct st_walk_options opts;
	struct st_inventory inv;
	struct strata_error err;
	struct st_diag diag;
	struct diag_log log;
	const struct st_package *p;
	int rc;

	strata_limits_default(&lim);
	diag_init(&diag, &log);
	opts.limits = &lim;
	opts.diag = &diag;
	st_inventory_init(&inv);
	strata_error_clear(&err);
	rc = st_catalog_layers(3, st_test_open_layer, &tl, NULL, &inv, &opts, stats, &err);
	if (rc == STRATA_EINTERNAL || rc == STRATA_EUNSUPPORTED) {
		/* A build whose layer walk is still a stub lands here. */
		fprintf(stderr, "# layer walk unavailable: %s\n", err.msg);
		st_inventory_dispose(&inv);
		return ST_TEST_SKIP;
	}
	if (rc != 0)
		fprintf(stderr, "# %s\n", err.msg);
	ST_CHECK_INT(rc, 0);

	ST_CHECK(inv.os.found);
	ST_CHECK_STR(inv.os.id, "debian");
	ST_CHECK_STR(inv.os.version_codename, "bookworm");
	ST_CHECK_STR(inv.os.path, "usr/lib/os-release");

	ST_CHECK_INT(inv.count, 4);
	p = st_test_find_package(&inv, "deb", "libc6");
	ST_CHECK(p != NULL);
	ST_CHECK_STR(p->version, "2.36-9+deb12u4");
	ST_CHECK_INT(p->layer, 1);
	ST_CHECK_STR(p->purl, "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64"
			      "&distro=debian-12&upstream=glibc");
	p = st_test_find_package(&inv, "deb", "zlib1g");
	ST_CHECK(p != NULL);
	ST_CHECK_INT(p->layer, 0);
	ST_CHECK_STR(p->purl, "pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?arch=amd64"
			      "&distro=debian-12");
	p = st_test_find_package(&inv, "npm", "@types/node");
	ST_CHECK(p != NULL);
	ST_CHECK_INT(p->layer, 1);
	ST_CHECK_STR(p->purl, "pkg:npm/%40types/node@20.1.0");
	p = st_test_find_package(&inv, "npm", "left-pad");
	ST_CHECK(p != NULL);
	ST_CHECK_INT(p->layer, 2);
	ST_CHECK(st_test_find_package(&inv, "npm", "inner") == NULL);
	ST_CHECK(st_test_find_package(&inv, "deb", "tzdata") == NULL);
	ST_CHECK(strstr(log.all, "app/node_modules/broken/package.json") != NULL);
	/* sorted: deb before npm, by name */
	ST_CHECK_STR(inv.packages[0].name, "libc6");
	ST_CHECK_STR(inv.packages[3].name, "left-pad");
	st_inventory_dispose(&inv);
	return ST_TEST_PASS;
}

/* Counts the layers opened, to tell a second pass over the image. */
struct counted_layers {
	struct st_test_layers tl;
	size_t opens;
};

static int open_counted_layer(void *ctx, size_t index, struct st_stream **out,
			      struct strata_error *err)
{
	struct counted_layers *cl = ctx;

	cl->opens++;
	return st_test_open_layer(&cl->tl, index, out, err);
}

/* Catalogs the layers of CL into INV with default limits, the log in LOG. */
static int catalog_counted(struct counted_layers *cl, size_t count, struct st_inventory *inv,
			   struct diag_log *log, struct strata_error *err)
{
	struct strata_limits lim;
	struct st_walk_options opts;
	struct st_diag diag;

	strata_limits_default(&lim);
	lim.scan_threads = 1;
	diag_init(&diag, log);
	opts.limits = &lim;
	opts.diag = &diag;
	st_inventory_init(inv);
	strata_error_clear(err);
	return st_catalog_layers(count, open_counted_layer, cl, NULL, inv, &opts, NULL, err);
}

/* A package database in a directory that a symbolic link leads to is
 * read as if it were at its usual path, in a second pass, with its own
 * layers. The database under the old directory, which the link hides, is
 * not listed. */
ST_TEST(catalog_follows_linked_database_directory)
{
	static const struct st_test_tar_entry layer0[] = {
		{"usr/lib/os-release", "ID=debian\nVERSION_ID=\"12\"\n", NULL},
		{"var/lib/dpkg/status", "Package: hidden\nStatus: install ok installed\nVersion: 1\n",
		 NULL},
		{"srv/dpkgdb/status", "Package: moved\nStatus: install ok installed\nVersion: 2\n",
		 NULL},
	};
	static const struct st_test_tar_entry layer1[] = {
		{"var/lib/dpkg", NULL, "../../srv/dpkgdb"},
		{"srv/dpkgdb/status.d/extra", "Package: extra\nVersion: 3\n", NULL},
	};
	struct counted_layers cl = {{{layer0, layer1}, {ST_ARRAY_LEN(layer0), ST_ARRAY_LEN(layer1)}},
				    0};
	struct st_inventory inv;
	struct strata_error err;
	struct diag_log log;
	const struct st_package *p;

	ST_CHECK_INT(catalog_counted(&cl, 2, &inv, &log, &err), 0);
	ST_CHECK_INT(cl.opens, 4);
	ST_CHECK_STR(inv.os.id, "debian");
	ST_CHECK(st_test_find_package(&inv, "deb", "hidden") == NULL);
	p = st_test_find_package(&inv, "deb", "moved");
	ST_CHECK(p != NULL);
	ST_CHECK_STR(p->version, "2");
	ST_CHECK_INT(p->layer, 0);
	p = st_test_find_package(&inv, "deb", "extra");
	ST_CHECK(p != NULL);
	ST_CHECK_INT(p->layer, 1);
	ST_CHECK(strstr(log.all, "var/lib/dpkg/status is reached through symbolic links in the "
				 "image as srv/dpkgdb/status, with 1 other such path; the layers were "
				 "read 2 times") != NULL);
	st_inventory_dispose(&inv);
	return ST_TEST_PASS;
}

/* An absolute link of a parent directory (etc -> /usr/etc) is followed
 * inside the image root for the OS release. */
ST_TEST(catalog_follows_linked_etc)
{
	static const struct st_test_tar_entry layer0[] = {
		{"etc", NULL, "/usr/etc"},
		{"usr/etc/os-release", "ID=alpine\nVERSION_ID=3.19.1\n", NULL},
	};
	struct counted_layers cl = {{{layer0}, {ST_ARRAY_LEN(layer0)}}, 0};
	struct st_inventory inv;
	struct strata_error err;
	struct diag_log log;

	ST_CHECK_INT(catalog_counted(&cl, 1, &inv, &log, &err), 0);
	ST_CHECK(inv.os.found);
	ST_CHECK_STR(inv.os.id, "alpine");
	ST_CHECK_INT(cl.opens, 2);
	st_inventory_dispose(&inv);
	return ST_TEST_PASS;
}

/* Regression: a linked usr/lib moved the rpm database's path too, and a
 * Debian image got a warning that the rpm cataloger found nothing there.
 * A moved path without files gives no warning unless the walk limit cut
 * a chain. A moved release file alone moves no package database. */
ST_TEST(catalog_moved_path_without_files_is_quiet)
{
	static const struct st_test_tar_entry layer0[] = {
		{"usr/lib", NULL, "/opt/lib"},
		{"opt/lib/os-release", "ID=debian\nVERSION_ID=\"12\"\n", NULL},
		{"var/lib/dpkg/status", "Package: a\nStatus: install ok installed\nVersion: 1\n",
		 NULL},
	};
	struct counted_layers cl = {{{layer0}, {ST_ARRAY_LEN(layer0)}}, 0};
	struct st_inventory inv;
	struct strata_error err;
	struct diag_log log;

	ST_CHECK_INT(catalog_counted(&cl, 1, &inv, &log, &err), 0);
	ST_CHECK_STR(inv.os.id, "debian");
	ST_CHECK(st_test_find_package(&inv, "deb", "a") != NULL);
	ST_CHECK(strstr(log.all, "where the image has no file") == NULL);
	ST_CHECK(strstr(log.all, "usr/lib/os-release is reached through symbolic links") != NULL);
	ST_CHECK(inv.moved_anchor == NULL);
	st_inventory_dispose(&inv);
	return ST_TEST_PASS;
}

/* A merged-/usr image (lib -> usr/lib) without an apk database under
 * usr/lib is read once: the first pass saw that the twin is absent. With
 * the database there, it is read in a second pass as lib/apk/db/installed. */
ST_TEST(catalog_merged_usr_twin)
{
	static const struct st_test_tar_entry plain[] = {
		{"lib", NULL, "usr/lib"},
		{"usr/lib/os-release", "ID=debian\nVERSION_ID=\"12\"\n", NULL},
		{"var/lib/dpkg/status", "Package: a\nStatus: install ok installed\nVersion: 1\n",
		 NULL},
	};
	static const struct st_test_tar_entry with_apk[] = {
		{"lib", NULL, "usr/lib"},
		{"usr/lib/apk/db/installed", "P:musl\nV:1.2.4-r2\nA:x86_64\n\n", NULL},
	};
	struct counted_layers cl = {{{plain}, {ST_ARRAY_LEN(plain)}}, 0};
	struct st_inventory inv;
	struct strata_error err;
	struct diag_log log;

	ST_CHECK_INT(catalog_counted(&cl, 1, &inv, &log, &err), 0);
	ST_CHECK_INT(cl.opens, 1);
	ST_CHECK(st_test_find_package(&inv, "deb", "a") != NULL);
	ST_CHECK(strstr(log.all, "reached through symbolic links") == NULL);
	st_inventory_dispose(&inv);

	cl = (struct counted_layers){{{with_apk}, {ST_ARRAY_LEN(with_apk)}}, 0};
	ST_CHECK_INT(catalog_counted(&cl, 1, &inv, &log, &err), 0);
	ST_CHECK_INT(cl.opens, 2);
	ST_CHECK(st_test_find_package(&inv, "apk", "musl") != NULL);
	st_inventory_dispose(&inv);
	return ST_TEST_PASS;
}

/* Regression: var/lib/dpkg/info -> . made the second pass read the real
 * status file as info/status, so a single link hid every package. A link
 * to a directory that contains anchors is not followed. */
ST_TEST(catalog_link_to_parent_keeps_database)
{
	static const struct st_test_tar_entry layer0[] = {
		{"usr/lib/os-release", "ID=debian\nVERSION_ID=\"12\"\n", NULL},
		{"var/lib/dpkg/status", "Package: kept\nStatus: install ok installed\nVersion: 1\n",
		 NULL},
		{"var/lib/dpkg/info", NULL, "."},
	};
	struct counted_layers cl = {{{layer0}, {ST_ARRAY_LEN(layer0)}}, 0};
	struct st_inventory inv;
	struct strata_error err;
	struct diag_log log;

	ST_CHECK_INT(catalog_counted(&cl, 1, &inv, &log, &err), 0);
	ST_CHECK(st_test_find_package(&inv, "deb", "kept") != NULL);
	ST_CHECK_INT(cl.opens, 1);
	st_inventory_dispose(&inv);
	return ST_TEST_PASS;
}

/* Regression: the second pass captured every file under a redirected
 * directory, so a link into a large tree filled cataloged_total_bytes.
 * Only the files that a cataloger reads under the mapped name are kept. */
ST_TEST(catalog_redirect_captures_only_wanted)
{
	static char big[200000];
	static struct st_test_tar_entry layer0[] = {
		{"usr/lib/os-release", "ID=debian\nVERSION_ID=\"12\"\n", NULL},
		{"var/lib/dpkg/status", "Package: a\nStatus: install ok installed\nVersion: 1\n",
		 NULL},
		{"var/lib/dpkg/info", NULL, "../../../opt/tree"},
		{"opt/tree/a.list", "/usr/bin/a\n", NULL},
		{"opt/tree/big", NULL, NULL},
	};
	struct counted_layers cl = {{{layer0}, {ST_ARRAY_LEN(layer0)}}, 0};
	struct strata_limits lim;
	struct st_walk_options opts;
	struct st_inventory inv;
	struct strata_error err;
	struct st_diag diag;
	struct diag_log log;

	memset(big, 'b', sizeof(big) - 1);
	layer0[4].data = big;
	strata_limits_default(&lim);
	lim.cataloged_total_bytes = 100000;
	diag_init(&diag, &log);
	opts.limits = &lim;
	opts.diag = &diag;
	st_inventory_init(&inv);
	ST_CHECK_INT(st_catalog_layers(1, open_counted_layer, &cl, NULL, &inv, &opts, NULL, &err),
		     0);
	ST_CHECK_INT(cl.opens, 2);
	ST_CHECK(st_test_find_package(&inv, "deb", "a") != NULL);
	ST_CHECK(st_inventory_file_owner(&inv, "usr/bin/a", 9) != NULL);
	st_inventory_dispose(&inv);
	return ST_TEST_PASS;
}

/* A cataloger's warning about a file read in both passes is given once. */
ST_TEST(catalog_second_pass_messages)
{
	static const struct st_test_tar_entry layer0[] = {
		{"etc", NULL, "usr/etc"},
		{"usr/etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n", NULL},
		{"var/lib/dpkg/status",
		 "Package: a\nStatus: install ok installed\nVersion: 1\n\nVersion: 2\n", NULL},
	};
	struct counted_layers cl = {{{layer0}, {ST_ARRAY_LEN(layer0)}}, 0};
	struct st_inventory inv;
	struct strata_error err;
	struct diag_log log;
	const char *first;

	ST_CHECK_INT(catalog_counted(&cl, 1, &inv, &log, &err), 0);
	ST_CHECK_INT(cl.opens, 2);
	ST_CHECK_STR(inv.os.id, "debian");
	ST_CHECK(st_test_find_package(&inv, "deb", "a") != NULL);
	first = strstr(log.all, "stanza without a valid Package field");
	ST_CHECK(first != NULL);
	ST_CHECK(strstr(first + 1, "stanza without a valid Package field") == NULL);
	ST_CHECK(strstr(log.all, "etc/os-release is reached through symbolic links in the image "
				 "as usr/etc/os-release; the layers were read 2 times") != NULL);
	st_inventory_dispose(&inv);
	return ST_TEST_PASS;
}

/* A link on the path that another link leads to is found by the next
 * walk, which follows it: a link to a link (dpkg -> dpkg2 -> srv), and a
 * link at a directory that is above no anchor (opt -> var/opt, as on
 * ostree systems). */
ST_TEST(catalog_follows_link_chain)
{
	static const struct st_test_tar_entry sibling[] = {
		{"etc", NULL, "usr/etc"},
		{"usr/etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n", NULL},
		{"var/lib/dpkg", NULL, "dpkg2"},
		{"var/lib/dpkg2", NULL, "../../srv/dpkgdb"},
		{"srv/dpkgdb/status", "Package: a\nStatus: install ok installed\nVersion: 1\n",
		 NULL},
	};
	static const struct st_test_tar_entry ostree[] = {
		{"usr/lib/os-release", "ID=debian\nVERSION_ID=\"12\"\n", NULL},
		{"opt/db/status", "Package: hidden\nStatus: install ok installed\nVersion: 1\n",
		 NULL},
		{"var/lib/dpkg", NULL, "/opt/db"},
		{"opt", NULL, "var/opt"},
		{"var/opt/db/status", "Package: b\nStatus: install ok installed\nVersion: 2\n",
		 NULL},
	};
	struct counted_layers cl = {{{sibling}, {ST_ARRAY_LEN(sibling)}}, 0};
	struct st_inventory inv;
	struct strata_error err;
	struct diag_log log;

	ST_CHECK_INT(catalog_counted(&cl, 1, &inv, &log, &err), 0);
	ST_CHECK_INT(cl.opens, 3);
	ST_CHECK(st_test_find_package(&inv, "deb", "a") != NULL);
	ST_CHECK_STR(inv.os.id, "debian");
	ST_CHECK(strstr(log.all, "etc/os-release is reached through symbolic links in the image "
				 "as usr/etc/os-release, with 1 other such path; the layers were "
				 "read 3 times") != NULL);
	ST_CHECK(strstr(log.all, "where the image has no file") == NULL);
	st_inventory_dispose(&inv);

	cl = (struct counted_layers){{{ostree}, {ST_ARRAY_LEN(ostree)}}, 0};
	ST_CHECK_INT(catalog_counted(&cl, 1, &inv, &log, &err), 0);
	ST_CHECK_INT(cl.opens, 3);
	ST_CHECK(st_test_find_package(&inv, "deb", "b") != NULL);
	ST_CHECK(st_test_find_package(&inv, "deb", "hidden") == NULL);
	ST_CHECK(strstr(log.all, "var/lib/dpkg/status is reached through symbolic links in the "
				 "image as var/opt/db/status") != NULL);
	st_inventory_dispose(&inv);
	return ST_TEST_PASS;
}

/* A chain that needs more walks than CATALOG_MAX_WALKS stops there: the
 * catalogers keep what the last walk read, and a warning names the path
 * that it followed. */
ST_TEST(catalog_link_chain_walk_limit)
{
	static const struct st_test_tar_entry layer0[] = {
		{"usr/lib/os-release", "ID=debian\nVERSION_ID=\"12\"\n", NULL},
		{"var/lib/dpkg", NULL, "d1"},
		{"var/lib/d1", NULL, "d2"},
		{"var/lib/d2", NULL, "d3"},
		{"var/lib/d3", NULL, "d4"},
		{"var/lib/d4/status", "Package: far\nStatus: install ok installed\nVersion: 1\n",
		 NULL},
	};
	static const struct st_test_tar_entry file_chain[] = {
		{"usr/lib/os-release", "ID=debian\nVERSION_ID=\"12\"\n", NULL},
		{"var/lib/dpkg/status", NULL, "/a"},
		{"a", NULL, "/b"},
		{"b", NULL, "/c"},
		{"c", NULL, "/d"},
		{"d", "Package: far\nStatus: install ok installed\nVersion: 1\n", NULL},
	};
	struct counted_layers cl = {{{layer0}, {ST_ARRAY_LEN(layer0)}}, 0};
	struct st_inventory inv;
	struct strata_error err;
	struct diag_log log;

	ST_CHECK_INT(catalog_counted(&cl, 1, &inv, &log, &err), 0);
	ST_CHECK_INT(cl.opens, 4);
	ST_CHECK(st_test_find_package(&inv, "deb", "far") == NULL);
	ST_CHECK(strstr(log.all, "var/lib/dpkg/status: the symbolic links above it lead to "
				 "var/lib/d3/status, where the image has no file for the dpkg "
				 "cataloger; links further along that path are not followed after 4 "
				 "walks of the image") != NULL);
	ST_CHECK_STR(inv.os.id, "debian");
	st_inventory_dispose(&inv);

	/* Regression: a chain of links at the database file itself, cut by
	 * the walk limit, was taken for the database found. */
	cl = (struct counted_layers){{{file_chain}, {ST_ARRAY_LEN(file_chain)}}, 0};
	ST_CHECK_INT(catalog_counted(&cl, 1, &inv, &log, &err), 0);
	ST_CHECK_INT(cl.opens, 4);
	ST_CHECK(st_test_find_package(&inv, "deb", "far") == NULL);
	ST_CHECK(strstr(log.all, "reached through symbolic links") == NULL);
	ST_CHECK(strstr(log.all, "var/lib/dpkg/status: the symbolic links above it lead to c, "
				 "where the image has no file for the dpkg cataloger; links further "
				 "along that path are not followed after 4 walks") != NULL);
	st_inventory_dispose(&inv);
	return ST_TEST_PASS;
}

/* A package database that is itself a link (var/lib/dpkg/status ->
 * /srv/st) is read where the link leads, while release files that are
 * links, as on Fedora, stay with the os-release cataloger and cost no
 * second pass. */
ST_TEST(catalog_follows_linked_database_file)
{
	static const struct st_test_tar_entry dpkg[] = {
		{"usr/lib/os-release", "ID=debian\nVERSION_ID=\"12\"\n", NULL},
		{"srv/st", "Package: linked\nStatus: install ok installed\nVersion: 1\n", NULL},
		{"var/lib/dpkg/status", NULL, "/srv/st"},
	};
	static const struct st_test_tar_entry fedora[] = {
		{"usr/lib/os-release", "ID=fedora\nVERSION_ID=40\n", NULL},
		{"etc/os-release", NULL, "../usr/lib/os-release"},
		{"etc/fedora-release", "Fedora release 40 (Forty)\n", NULL},
		{"etc/system-release", NULL, "fedora-release"},
		{"etc/redhat-release", NULL, "fedora-release"},
	};
	struct counted_layers cl = {{{dpkg}, {ST_ARRAY_LEN(dpkg)}}, 0};
	struct st_inventory inv;
	struct strata_error err;
	struct diag_log log;

	ST_CHECK_INT(catalog_counted(&cl, 1, &inv, &log, &err), 0);
	ST_CHECK_INT(cl.opens, 2);
	ST_CHECK(st_test_find_package(&inv, "deb", "linked") != NULL);
	st_inventory_dispose(&inv);

	cl = (struct counted_layers){{{fedora}, {ST_ARRAY_LEN(fedora)}}, 0};
	ST_CHECK_INT(catalog_counted(&cl, 1, &inv, &log, &err), 0);
	ST_CHECK_INT(cl.opens, 1);
	ST_CHECK_STR(inv.os.id, "fedora");
	ST_CHECK(strstr(log.all, "reached through symbolic links") == NULL);
	st_inventory_dispose(&inv);
	return ST_TEST_PASS;
}

/* Links that loop above an anchor stop at the hop limit with a warning. */
ST_TEST(catalog_anchor_link_loop)
{
	static const struct st_test_tar_entry layer0[] = {
		{"var/lib", NULL, "../var/lib"},
		{"usr/lib/os-release", "ID=debian\nVERSION_ID=\"12\"\n", NULL},
	};
	struct counted_layers cl = {{{layer0}, {ST_ARRAY_LEN(layer0)}}, 0};
	struct st_inventory inv;
	struct strata_error err;
	struct diag_log log;

	ST_CHECK_INT(catalog_counted(&cl, 1, &inv, &log, &err), 0);
	ST_CHECK(strstr(log.all, "var/lib/dpkg/status: not read: the symbolic links above it "
				 "loop") != NULL);
	ST_CHECK_STR(inv.os.id, "debian");
	st_inventory_dispose(&inv);
	return ST_TEST_PASS;
}

static int open_failing_layer(void *ctx, size_t index, struct st_stream **out,
			      struct strata_error *err)
{
	if (index == 1)
		return st_error_set(err, STRATA_EIO, "layer %zu: injected read failure", index);
	return st_test_open_layer(ctx, index, out, err);
}

ST_TEST(catalog_layers_walk_error)
{
	static const struct st_test_tar_entry layer0[] = {
		{"usr/lib/os-release", "ID=debian\nVERSION_ID=\"12\"\n", NULL},
		{"var/lib/dpkg/status",
		 "Package: a\nStatus: install ok installed\nVersion: 1\n", NULL},
	};
	struct st_test_layers tl = {{layer0, layer0}, {ST_ARRAY_LEN(layer0), ST_ARRAY_LEN(layer0)}};
	struct strata_limits lim;
	struct st_walk_options opts;
	struct st_inventory inv;
	struct strata_error err;
	int rc;

	strata_limits_default(&lim);
	opts.limits = &lim;
	opts.diag = NULL;
	st_inventory_init(&inv);
	strata_error_clear(&err);
	rc = st_catalog_layers(2, open_failing_layer, &tl, NULL, &inv, &opts, NULL, &err);
	if (rc == STRATA_EINTERNAL || rc == STRATA_EUNSUPPORTED) {
		st_inventory_dispose(&inv);
		return ST_TEST_SKIP;
	}
	ST_CHECK_INT(rc, STRATA_EIO);
	ST_CHECK(strstr(err.msg, "injected read failure") != NULL);
	ST_CHECK_INT(inv.count, 0);
	st_inventory_dispose(&inv);

	opts.limits = NULL;
	st_inventory_init(&inv);
	ST_CHECK_INT(st_catalog_layers(1, st_test_open_layer, &tl, NULL, &inv, &opts, NULL, &err),
		     STRATA_EINVAL);
	st_inventory_dispose(&inv);
	return ST_TEST_PASS;
}
