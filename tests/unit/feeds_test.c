/* Tests of the vendor feed importers: Wolfi and Chainguard security.json,
 * Red Hat CSAF advisories and VEX, Debian DSA/DLA lists and Photon OS CVE
 * files. Each test imports into its own database in a temporary directory
 * and reads the stored rows back with SQL. */
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "testlib.h"
#include "vuln/vuln.h"
#include "vuln/vuln_internal.h"

/* Fixtures ----------------------------------------------------------------- */

/* Imports one path: REL under tests/data, or an absolute path. */
static int import_one(struct st_test_store *fx, struct st_import_stats *stats, const char *rel)
{
	struct strata_error err = {0};
	char path[512];
	const char *paths[1] = {path};
	int rc;

	if (rel[0] == '/')
		snprintf(path, sizeof(path), "%s", rel);
	else
		snprintf(path, sizeof(path), "%s", st_test_data_path(rel));
	rc = st_db_import(fx->db, paths, 1, &fx->lim, &fx->diag, stats, &err);
	if (rc < 0)
		fprintf(stderr, "# import %s: %s\n", rel, err.msg);
	return rc;
}

/* Writes N bytes of TEXT to DIR/NAME and returns the path (static). */
static const char *write_file(const struct st_test_store *fx, const char *name, const char *text,
			      size_t n)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", fx->dir, name);
	f = fopen(path, "wb");
	if (f == NULL)
		return NULL;
	if (fwrite(text, 1, n, f) != n) {
		fclose(f);
		return NULL;
	}
	fclose(f);
	return path;
}

/* Reads tests/data/REL into a heap buffer. */
static char *slurp(const char *rel, size_t *len)
{
	FILE *f = fopen(st_test_data_path(rel), "rb");
	char *buf;
	long size;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)size + 1);
	if (buf != NULL && fread(buf, 1, (size_t)size, f) != (size_t)size) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf != NULL) {
		buf[size] = '\0';
		*len = (size_t)size;
	}
	return buf;
}

/* Runs SQL with up to three text parameters and returns the first column
 * of the first row as an integer (-1 when there is no row). */
static long long query_int(struct st_test_store *fx, const char *sql, const char *a, const char *b,
			   const char *c)
{
	sqlite3_stmt *stmt = NULL;
	long long v = -1;

	if (sqlite3_prepare_v2(fx->db->sql, sql, -1, &stmt, NULL) != SQLITE_OK) {
		fprintf(stderr, "# %s\n", sqlite3_errmsg(fx->db->sql));
		return -2;
	}
	if (a != NULL)
		sqlite3_bind_text(stmt, 1, a, -1, SQLITE_STATIC);
	if (b != NULL)
		sqlite3_bind_text(stmt, 2, b, -1, SQLITE_STATIC);
	if (c != NULL)
		sqlite3_bind_text(stmt, 3, c, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

/* Describes the affected rows of advisory ID of SOURCE for PACKAGE in
 * DISTRO as "ecosystem status fixed severity purl;" items in row order,
 * into BUF. A missing fixed version or purl prints as "-", a missing
 * severity as -1. */
static const char *rows(struct st_test_store *fx, const char *source, const char *id,
			const char *package, const char *distro, char *buf, size_t size)
{
	static const char sql[] =
		"SELECT a.status, IFNULL(a.fixed_version, '-'), IFNULL(a.severity, -1),"
		" IFNULL(a.purl, '-'), a.ecosystem FROM affected a"
		" JOIN vulnerability v ON v.id = a.vuln_id JOIN source s ON s.id = v.source_id"
		" WHERE s.name = ?1 AND v.name = ?2 AND a.package = ?3 AND a.distro = ?4"
		" ORDER BY a.id";
	sqlite3_stmt *stmt = NULL;
	size_t len = 0;

	buf[0] = '\0';
	if (sqlite3_prepare_v2(fx->db->sql, sql, -1, &stmt, NULL) != SQLITE_OK)
		return buf;
	sqlite3_bind_text(stmt, 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, package, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, distro, -1, SQLITE_STATIC);
	while (sqlite3_step(stmt) == SQLITE_ROW && len < size) {
		int n = snprintf(buf + len, size - len, "%s %s %s %d %s;",
				 (const char *)sqlite3_column_text(stmt, 4),
				 (const char *)sqlite3_column_text(stmt, 0),
				 (const char *)sqlite3_column_text(stmt, 1),
				 sqlite3_column_int(stmt, 2),
				 (const char *)sqlite3_column_text(stmt, 3));
		if (n < 0)
			break;
		len += (size_t)n;
	}
	sqlite3_finalize(stmt);
	return buf;
}

/* Counts of the rows of every table, to compare two imports. */
static long long content_digest(struct st_test_store *fx)
{
	return query_int(fx,
			 "SELECT (SELECT count(*) FROM vulnerability) * 1000000000 +"
			 " (SELECT count(*) FROM affected) * 1000000 +"
			 " (SELECT count(*) FROM alias) * 1000 +"
			 " (SELECT count(*) FROM score) * 100 + (SELECT count(*) FROM reference)",
			 NULL, NULL, NULL);
}

/* A snapshot of the affected rows, independent of row ids. */
static long long rows_checksum(struct st_test_store *fx)
{
	return query_int(fx,
			 "SELECT total(length(v.name || a.package || a.distro || a.status ||"
			 " IFNULL(a.fixed_version, '') || IFNULL(a.purl, '') ||"
			 " IFNULL(a.severity, 'n')) * unicode(v.name) * unicode(a.package))"
			 " FROM affected a JOIN vulnerability v ON v.id = a.vuln_id",
			 NULL, NULL, NULL);
}

static bool has_warning(const struct st_test_store *fx, const char *a, const char *b)
{
	const char *line = fx->log;

	while (line != NULL && *line != '\0') {
		const char *end = strchr(line, '\n');
		char one[1024];
		size_t n = end != NULL ? (size_t)(end - line) : strlen(line);

		if (n >= sizeof(one))
			n = sizeof(one) - 1;
		memcpy(one, line, n);
		one[n] = '\0';
		if (strstr(one, a) != NULL && (b == NULL || strstr(one, b) != NULL))
			return true;
		line = end != NULL ? end + 1 : NULL;
	}
	return false;
}

/* Format detection ------------------------------------------------------- */

ST_TEST(feeds_detected_by_content)
{
	static const struct {
		const char *rel;
		int format;
	} cases[] = {
		{"feeds/wolfi/security.json", ST_FEED_SECFIXES},
		{"feeds/chainguard/security.json", ST_FEED_SECFIXES},
		{"feeds/alpine/secdb-v3.10-community.json", ST_FEED_ALPINE_SECDB},
		{"feeds/redhat/csaf/rhsa-2022-0011.json", ST_FEED_CSAF},
		{"feeds/redhat/csaf/rhsa-2024_6163.json", ST_FEED_CSAF},
		{"feeds/redhat/vex/cve-2024-24786-simple.json", ST_FEED_CSAF},
		{"feeds/debian/DSA-list-excerpt", ST_FEED_DEBIAN_DSA},
		{"feeds/photon/cve_data_photon4.0.json", ST_FEED_PHOTON},
		{"feeds/debian/security-tracker-debian.json", ST_FEED_DEBIAN_TRACKER},
	};
	struct strata_limits lim;
	size_t i;

	strata_limits_default(&lim);
	for (i = 0; i < ST_ARRAY_LEN(cases); i++) {
		size_t len = 0;
		char *text = slurp(cases[i].rel, &len);

		ST_CHECK(text != NULL);
		if (st_feed_detect(st_slice_make(text, len), &lim) != cases[i].format) {
			fprintf(stderr, "# %s\n", cases[i].rel);
			free(text);
			return ST_TEST_FAIL;
		}
		free(text);
	}
	ST_CHECK_INT(st_feed_detect(st_slice_cstr("[01 Aug 2002] XSA-141 x - y\n"), &lim),
		     ST_FEED_UNKNOWN);
	ST_CHECK_INT(st_feed_detect(st_slice_cstr("[{\"id\": 1}]"), &lim), ST_FEED_UNKNOWN);
	ST_CHECK_INT(st_feed_detect(st_slice_cstr("{\"document\": {\"title\": \"x\"}}"), &lim),
		     ST_FEED_UNKNOWN);
	ST_CHECK_INT(st_feed_detect(st_slice_cstr("\n\n[32 Aug 2002] DSA-1 x - y\n"), &lim),
		     ST_FEED_UNKNOWN);
	ST_CHECK_INT(st_feed_detect(st_slice_cstr("\n\n[02 Aug 2002] DLA-1-1 x - y\n"), &lim),
		     ST_FEED_DEBIAN_DSA);
	return ST_TEST_PASS;
}

/* Wolfi and Chainguard ---------------------------------------------------- */

ST_TEST(wolfi_fixture_rows)
{
	struct st_test_store fx;
	struct st_import_stats stats;
	char buf[512];

	ST_CHECK(st_test_store_setup(&fx, "feeds", ST_DIAG_WARN));
	ST_CHECK_INT(import_one(&fx, &stats, "feeds/wolfi/security.json"), 0);
	/* 27 packages list 59 ids, each once. */
	ST_CHECK_INT(stats.records, 59);
	ST_CHECK_INT(stats.skipped, 0);
	ST_CHECK_INT(query_int(&fx, "SELECT count(*) FROM affected WHERE distro = 'wolfi'",
			       NULL, NULL, NULL), 59);
	ST_CHECK_STR(rows(&fx, "wolfi-secdb", "CVE-2022-38126", "binutils", "wolfi", buf,
			  sizeof(buf)), "apk fixed 2.39-r1 -1 -;");
	ST_CHECK_STR(rows(&fx, "wolfi-secdb", "CVE-2022-30065", "busybox", "wolfi", buf,
			  sizeof(buf)), "apk fixed 1.35.0-r3 -1 -;");
	ST_CHECK_STR(rows(&fx, "wolfi-secdb", "CVE-2016-2781", "coreutils", "wolfi", buf,
			  sizeof(buf)), "apk not-affected - -1 -;");
	ST_CHECK_STR(rows(&fx, "wolfi-secdb", "CVE-2022-43680", "expat", "wolfi", buf,
			  sizeof(buf)), "apk fixed 2.5.0-r0 -1 -;");
	ST_CHECK_INT(query_int(&fx, "SELECT count(*) FROM affected WHERE distro = 'chainguard'",
			       NULL, NULL, NULL), 0);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(chainguard_fixture_rows)
{
	struct st_test_store fx;
	struct st_import_stats stats;
	char buf[512];

	ST_CHECK(st_test_store_setup(&fx, "feeds", ST_DIAG_WARN));
	ST_CHECK_INT(import_one(&fx, &stats, "feeds/chainguard/security.json"), 0);
	/* 197 items name 189 distinct ids: shared ids merge into one record. */
	ST_CHECK_INT(stats.records, 189);
	ST_CHECK_INT(query_int(&fx, "SELECT count(*) FROM affected WHERE distro = 'chainguard'",
			       NULL, NULL, NULL), 197);
	ST_CHECK_STR(rows(&fx, "chainguard-secdb", "CVE-2022-47015", "mariadb-10.11",
			  "chainguard", buf, sizeof(buf)), "apk fixed 10.6.12-r1 -1 -;");
	ST_CHECK_STR(rows(&fx, "chainguard-secdb", "CVE-2022-47015", "mariadb-10.6",
			  "chainguard", buf, sizeof(buf)), "apk fixed 10.6.12-r1 -1 -;");
	ST_CHECK_STR(rows(&fx, "chainguard-secdb", "CVE-2007-4559", "python-3.12", "chainguard",
			  buf, sizeof(buf)), "apk not-affected - -1 -;");
	ST_CHECK_STR(rows(&fx, "chainguard-secdb", "CVE-2023-0464", "openssl", "chainguard",
			  buf, sizeof(buf)), "apk fixed 3.1.0-r1 -1 -;");
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(wolfi_and_chainguard_kept_apart)
{
	struct st_test_store fx;
	struct st_import_stats stats;
	char buf[512];

	/* Both list CVE-2022-38126 for binutils: separate sources, so the
	 * second import does not replace the first. */
	ST_CHECK(st_test_store_setup(&fx, "feeds", ST_DIAG_WARN));
	ST_CHECK_INT(import_one(&fx, &stats, "feeds/wolfi/security.json"), 0);
	ST_CHECK_INT(import_one(&fx, &stats, "feeds/chainguard/security.json"), 0);
	ST_CHECK_STR(rows(&fx, "wolfi-secdb", "CVE-2022-38126", "binutils", "wolfi", buf,
			  sizeof(buf)), "apk fixed 2.39-r1 -1 -;");
	ST_CHECK_STR(rows(&fx, "chainguard-secdb", "CVE-2022-38126", "binutils", "chainguard",
			  buf, sizeof(buf)), "apk fixed 2.39-r1 -1 -;");
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(secfixes_undecidable_distro_skipped)
{
	static const char neither[] =
		"{\"apkurl\": \"{{urlprefix}}/{{reponame}}/{{arch}}/x.apk\", \"reponame\": \"os\","
		" \"urlprefix\": \"https://mirror.example\", \"packages\": [{\"pkg\": {\"name\":"
		" \"a\", \"secfixes\": {\"1-r0\": [\"CVE-2099-1\"]}}}]}";
	static const char both[] =
		"{\"apkurl\": \"x\", \"reponame\": \"chainguard\", \"urlprefix\":"
		" \"https://packages.wolfi.dev\", \"packages\": []}";
	static const char lookalike[] =
		"{\"urlprefix\": \"https://notwolfi.dev.example\", \"packages\": []}";
	struct st_test_store fx;
	struct st_import_stats stats;

	ST_CHECK(st_test_store_setup(&fx, "feeds", ST_DIAG_WARN));
	ST_CHECK_INT(import_one(&fx, &stats, write_file(&fx, "a.json", neither,
							 sizeof(neither) - 1)), 0);
	ST_CHECK_INT(stats.records, 0);
	ST_CHECK_INT(stats.skipped, 1);
	ST_CHECK(has_warning(&fx, "a.json", "cannot tell Wolfi from Chainguard"));
	ST_CHECK_INT(import_one(&fx, &stats, write_file(&fx, "b.json", both, sizeof(both) - 1)),
		     0);
	ST_CHECK_INT(stats.skipped, 1);
	ST_CHECK(has_warning(&fx, "b.json", "name both"));
	ST_CHECK_INT(import_one(&fx, &stats, write_file(&fx, "c.json", lookalike,
							 sizeof(lookalike) - 1)), 0);
	ST_CHECK_INT(stats.skipped, 1);
	ST_CHECK_INT(query_int(&fx, "SELECT count(*) FROM affected", NULL, NULL, NULL), 0);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(secfixes_malformed_packages_skipped)
{
	static const char text[] =
		"{\"apkurl\": \"x\", \"reponame\": \"os\", \"urlprefix\": \"https://packages.wolfi.dev\","
		" \"packages\": ["
		" {\"pkg\": {\"name\": \"good\", \"secfixes\": {\"1.0-r1\": [\"CVE-2099-0001\"]}}},"
		" {\"pkg\": {\"name\": \"badver\", \"secfixes\": {\"1.0 r1\": [\"CVE-2099-0002\"]}}},"
		" {\"pkg\": {\"name\": \"badlist\", \"secfixes\": {\"1.0-r1\": \"CVE-2099-0003\"}}},"
		" {\"pkg\": {\"name\": \"baditem\", \"secfixes\": {\"1.0-r1\": [\"CVE-2099-0004\", 5]}}},"
		" {\"pkg\": {\"name\": 7}},"
		" \"not an object\"]}";
	struct st_test_store fx;
	struct st_import_stats stats;

	ST_CHECK(st_test_store_setup(&fx, "feeds", ST_DIAG_WARN));
	ST_CHECK_INT(import_one(&fx, &stats, write_file(&fx, "security.json", text,
							 sizeof(text) - 1)), 0);
	ST_CHECK_INT(stats.records, 1);
	ST_CHECK_INT(stats.skipped, 5);
	ST_CHECK(has_warning(&fx, "security.json: package badver", "spaces"));
	ST_CHECK(has_warning(&fx, "security.json: package badlist", "not an array"));
	ST_CHECK(has_warning(&fx, "security.json: package baditem", "item 1"));
	ST_CHECK(has_warning(&fx, "security.json: packages[4]", NULL));
	/* The skipped package's first id left nothing behind. */
	ST_CHECK_INT(query_int(&fx, "SELECT count(*) FROM vulnerability", NULL, NULL, NULL), 1);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

/* Red Hat CSAF ------------------------------------------------------------ */

#define VEX_CASES "feeds/redhat/vex/cve-2099-0001-cases.json"

ST_TEST(csaf_vex_case_rows)
{
	struct st_test_store fx;
	struct st_import_stats stats;
	char buf[512];

	ST_CHECK(st_test_store_setup(&fx, "feeds", ST_DIAG_WARN));
	ST_CHECK_INT(import_one(&fx, &stats, VEX_CASES), 0);
	ST_CHECK_INT(stats.records, 1);
	ST_CHECK_INT(stats.skipped, 0);
	/* Fixed: binary rows by binary name, the source rpm by its own name,
	 * the epoch kept from the qualifier or the version. */
	ST_CHECK_STR(rows(&fx, "redhat-vex", "CVE-2099-0001", "openssl", "rhel:9", buf,
			  sizeof(buf)),
		     "rpm fixed 1:3.0.7-27.el9 -1 pkg:rpm/redhat/openssl?arch=src;");
	ST_CHECK_STR(rows(&fx, "redhat-vex", "CVE-2099-0001", "openssl-libs", "rhel:9", buf,
			  sizeof(buf)),
		     "rpm fixed 1:3.0.7-27.el9 -1 pkg:rpm/redhat/openssl-libs;");
	ST_CHECK_STR(rows(&fx, "redhat-vex", "CVE-2099-0001", "libstdc++", "rhel:9", buf,
			  sizeof(buf)),
		     "rpm fixed 11.4.1-3.el9 -1 pkg:rpm/redhat/libstdc%2B%2B;");
	/* No purl: name, epoch and version from the product name. */
	ST_CHECK_STR(rows(&fx, "redhat-vex", "CVE-2099-0001", "telnet", "rhel:9", buf,
			  sizeof(buf)), "rpm fixed 1:0.17-85.el9 -1 pkg:rpm/redhat/telnet;");
	/* Unfixed statuses from the remediations. */
	ST_CHECK_STR(rows(&fx, "redhat-vex", "CVE-2099-0001", "compat-openssl11", "rhel:9", buf,
			  sizeof(buf)), "rpm affected - -1 pkg:rpm/redhat/compat-openssl11?arch=src;");
	ST_CHECK_STR(rows(&fx, "redhat-vex", "CVE-2099-0001", "openssl", "rhel:8", buf,
			  sizeof(buf)), "rpm will-not-fix - -1 pkg:rpm/redhat/openssl?arch=src;");
	ST_CHECK_STR(rows(&fx, "redhat-vex", "CVE-2099-0001", "edk2", "rhel:9", buf,
			  sizeof(buf)), "rpm fix-deferred - 2 pkg:rpm/redhat/edk2?arch=src;");
	ST_CHECK_STR(rows(&fx, "redhat-vex", "CVE-2099-0001", "shim", "rhel:7", buf,
			  sizeof(buf)), "rpm end-of-life - -1 pkg:rpm/redhat/shim?arch=src;");
	ST_CHECK_STR(rows(&fx, "redhat-vex", "CVE-2099-0001", "openssl3", "rhel:8", buf,
			  sizeof(buf)), "rpm not-affected - -1 pkg:rpm/redhat/openssl3?arch=src;");
	/* Module streams, EUS, OpenShift and container images give no rows. */
	ST_CHECK_INT(query_int(&fx, "SELECT count(*) FROM affected", NULL, NULL, NULL), 9);
	ST_CHECK_INT(query_int(&fx, "SELECT count(*) FROM affected WHERE package = 'nodejs'"
			       " OR distro NOT LIKE 'rhel:_'", NULL, NULL, NULL), 0);
	ST_CHECK_INT(query_int(&fx, "SELECT vendor_severity = 'Low' AND severity_source ="
			       " 'redhat' FROM affected WHERE package = 'edk2'", NULL, NULL, NULL),
		     1);
	/* The vulnerability-level impact (Important) is the record's. */
	ST_CHECK_INT(query_int(&fx, "SELECT severity FROM vulnerability WHERE name = ?1",
			       "CVE-2099-0001", NULL, NULL), ST_SEVERITY_HIGH);
	ST_CHECK_INT(query_int(&fx, "SELECT count(*) FROM score WHERE type = 'CVSS_V3' AND"
			       " score = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H'",
			       NULL, NULL, NULL), 1);
	ST_CHECK_INT(query_int(&fx, "SELECT count(*) FROM reference WHERE type = 'ADVISORY'"
			       " AND url = 'https://access.redhat.com/security/cve/CVE-2099-0001'",
			       NULL, NULL, NULL), 1);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(csaf_advisory_fixtures)
{
	struct st_test_store fx;
	struct st_import_stats stats;
	char buf[512];

	ST_CHECK(st_test_store_setup(&fx, "feeds", ST_DIAG_WARN));
	/* RHSA-2024:6163 lists the python3.9 source rpm for RHEL 9. */
	ST_CHECK_INT(import_one(&fx, &stats, "feeds/redhat/csaf/rhsa-2024_6163.json"), 0);
	ST_CHECK_INT(stats.records, 1);
	ST_CHECK_STR(rows(&fx, "redhat-csaf", "RHSA-2024:6163", "python3.9", "rhel:9", buf,
			  sizeof(buf)),
		     "rpm fixed 3.9.18-3.el9_4.5 -1 pkg:rpm/redhat/python3.9?arch=src;");
	ST_CHECK_INT(query_int(&fx, "SELECT count(*) FROM alias a JOIN vulnerability v ON"
			       " v.id = a.vuln_id WHERE v.name = 'RHSA-2024:6163' AND a.alias ="
			       " 'CVE-2024-8088'", NULL, NULL, NULL), 1);
	ST_CHECK_INT(query_int(&fx, "SELECT severity FROM vulnerability WHERE name = ?1",
			       "RHSA-2024:6163", NULL, NULL), ST_SEVERITY_MEDIUM);
	ST_CHECK_INT(query_int(&fx, "SELECT seq = (SELECT min(seq) FROM reference r2 WHERE"
			       " r2.vuln_id = r.vuln_id) FROM reference r WHERE url ="
			       " 'https://access.redhat.com/errata/RHSA-2024:6163'", NULL, NULL,
			       NULL), 1);

	/* RHSA-2022:0011 is for the 7.6 AUS, E4S and TUS streams only. */
	ST_CHECK_INT(import_one(&fx, &stats, "feeds/redhat/csaf/rhsa-2022-0011.json"), 0);
	ST_CHECK_INT(stats.records, 1);
	ST_CHECK_INT(query_int(&fx, "SELECT count(*) FROM affected a JOIN vulnerability v ON"
			       " v.id = a.vuln_id WHERE v.name = 'RHSA-2022:0011'", NULL, NULL,
			       NULL), 0);
	ST_CHECK_INT(query_int(&fx, "SELECT severity FROM vulnerability WHERE name = ?1",
			       "RHSA-2022:0011", NULL, NULL), ST_SEVERITY_HIGH);

	/* The claircore VEX file names only an OpenShift product. */
	ST_CHECK_INT(import_one(&fx, &stats, "feeds/redhat/vex/cve-2024-24786-simple.json"), 0);
	ST_CHECK_INT(stats.records, 1);
	ST_CHECK_INT(query_int(&fx, "SELECT severity FROM vulnerability WHERE name = ?1",
			       "CVE-2024-24786", NULL, NULL), ST_SEVERITY_MEDIUM);
	ST_CHECK_INT(query_int(&fx, "SELECT count(*) FROM affected a JOIN vulnerability v ON"
			       " v.id = a.vuln_id WHERE v.name = 'CVE-2024-24786'", NULL, NULL,
			       NULL), 0);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(csaf_malformed_records_skipped)
{
	static const char tree[] =
		"\"product_tree\": {\"branches\": [{\"category\": \"product_name\", \"product\":"
		" {\"product_id\": \"el9\", \"product_identification_helper\": {\"cpe\":"
		" \"cpe:/o:redhat:enterprise_linux:9\"}}}, {\"category\": \"product_version\","
		" \"product\": {\"product_id\": \"a\", \"product_identification_helper\":"
		" {\"purl\": \"pkg:rpm/redhat/a?arch=src\"}}}], \"relationships\": [{\"category\":"
		" \"default_component_of\", \"full_product_name\": {\"product_id\": \"el9:a\"},"
		" \"product_reference\": \"a\", \"relates_to_product_reference\": \"el9\"}]}";
	char text[4096];
	struct st_test_store fx;
	struct st_import_stats stats;
	int n;

	n = snprintf(text, sizeof(text),
		     "{\"document\": {\"category\": \"csaf_vex\", \"csaf_version\": \"2.0\","
		     " \"tracking\": {\"id\": \"X\"}}, %s, \"vulnerabilities\": ["
		     " {\"cve\": \"CVE-2099-1\", \"product_status\": {\"known_affected\":"
		     " [\"el9:a\"]}},"
		     " {\"cve\": \"CVE-2099-2\", \"product_status\": {\"fixed\": [\"el9:a\"]}},"
		     " {\"cve\": \"CVE-2099-3\", \"product_status\": [\"el9:a\"]},"
		     " {\"cve\": \"CVE-2099-4\", \"product_status\": {\"fixed\": \"el9:a\"}},"
		     " {\"cve\": \"CVE-2099-5\", \"product_status\": {\"fixed\": [7]}},"
		     " {\"cve\": 5}, \"text\"]}",
		     tree);
	ST_CHECK(n > 0 && (size_t)n < sizeof(text));
	ST_CHECK(st_test_store_setup(&fx, "feeds", ST_DIAG_WARN));
	ST_CHECK_INT(import_one(&fx, &stats, write_file(&fx, "vex.json", text, (size_t)n)), 0);
	ST_CHECK_INT(stats.records, 1);
	ST_CHECK_INT(stats.skipped, 6);
	ST_CHECK(has_warning(&fx, "vex.json: CVE-2099-2", "fixed product el9:a has no version"));
	ST_CHECK(has_warning(&fx, "vex.json: CVE-2099-3", "product_status is not an object"));
	ST_CHECK(has_warning(&fx, "vex.json: CVE-2099-4", "not an array"));
	ST_CHECK(has_warning(&fx, "vex.json: CVE-2099-5", "product_status.fixed[0]"));
	ST_CHECK(has_warning(&fx, "vex.json: vulnerabilities[5]", "no valid cve"));
	ST_CHECK_INT(query_int(&fx, "SELECT count(*) FROM vulnerability", NULL, NULL, NULL), 1);
	ST_CHECK_INT(query_int(&fx, "SELECT count(*) FROM affected WHERE package = 'a' AND"
			       " status = 'affected' AND distro = 'rhel:9'", NULL, NULL, NULL), 1);

	/* A document without its envelope is skipped as one record. */
	n = snprintf(text, sizeof(text),
		     "{\"document\": {\"category\": \"csaf_security_advisory\", \"csaf_version\":"
		     " \"2.0\", \"tracking\": {\"id\": 12}}, %s, \"vulnerabilities\": []}", tree);
	ST_CHECK_INT(import_one(&fx, &stats, write_file(&fx, "rhsa.json", text, (size_t)n)), 0);
	ST_CHECK_INT(stats.skipped, 1);
	ST_CHECK(has_warning(&fx, "rhsa.json: CSAF document without", NULL));
	n = snprintf(text, sizeof(text),
		     "{\"document\": {\"category\": \"csaf_base\", \"csaf_version\":"
		     " \"2.0\", \"tracking\": {\"id\": \"B\"}}, %s, \"vulnerabilities\": []}", tree);
	ST_CHECK_INT(import_one(&fx, &stats, write_file(&fx, "base.json", text, (size_t)n)), 0);
	ST_CHECK(has_warning(&fx, "base.json: B: CSAF category csaf_base", NULL));
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(csaf_purl_forms)
{
	static const char *const purls[][3] = {
		/* purl, expected row: package and fixed version */
		{"pkg:rpm/redhat/a@1.0-1.el9?arch=x86_64&epoch=2", "a", "2:1.0-1.el9"},
		{"pkg:rpm/redhat/a@1.0-1.el9?epoch=0", "a", "1.0-1.el9"},
		{"pkg:rpm/redhat/a@3:1.0-1.el9?arch=noarch", "a", "3:1.0-1.el9"},
		{"pkg:rpm/a%2Bb@1.0-1.el9#sub", "a+b", "1.0-1.el9"},
		{"pkg:rpm/redhat/a@1.0-1.el9?epoch=x", NULL, NULL},
		{"pkg:rpm/redhat/a%2@1.0-1.el9", NULL, NULL},
		{"pkg:rpm/redhat/a%00@1.0-1.el9", NULL, NULL},
		{"pkg:deb/debian/a@1.0-1", NULL, NULL},
	};
	struct st_test_store fx;
	struct st_import_stats stats;
	char text[2048];
	char buf[512];
	size_t i;

	ST_CHECK(st_test_store_setup(&fx, "feeds", ST_DIAG_WARN));
	for (i = 0; i < ST_ARRAY_LEN(purls); i++) {
		char name[32];
		int n = snprintf(text, sizeof(text),
				 "{\"document\": {\"category\": \"csaf_vex\", \"csaf_version\": \"2.0\","
				 " \"tracking\": {\"id\": \"CVE-2099-%zu\"}}, \"product_tree\": {"
				 "\"branches\": [{\"category\": \"product_name\", \"product\":"
				 " {\"product_id\": \"el9\", \"product_identification_helper\":"
				 " {\"cpe\": \"cpe:/o:redhat:enterprise_linux:9::baseos\"}}},"
				 " {\"category\": \"product_version\", \"product\": {\"product_id\":"
				 " \"c\", \"product_identification_helper\": {\"purl\": \"%s\"}}}],"
				 " \"relationships\": [{\"category\": \"default_component_of\","
				 " \"full_product_name\": {\"product_id\": \"el9:c\"},"
				 " \"product_reference\": \"c\", \"relates_to_product_reference\":"
				 " \"el9\"}]}, \"vulnerabilities\": [{\"cve\": \"CVE-2099-%zu\","
				 " \"product_status\": {\"fixed\": [\"el9:c\"]}}]}",
				 i, purls[i][0], i);

		ST_CHECK(n > 0 && (size_t)n < sizeof(text));
		snprintf(name, sizeof(name), "p%zu.json", i);
		ST_CHECK_INT(import_one(&fx, &stats, write_file(&fx, name, text, (size_t)n)), 0);
		snprintf(name, sizeof(name), "CVE-2099-%zu", i);
		if (purls[i][1] == NULL) {
			/* Not an rpm the importer can read: no component, no row. */
			ST_CHECK_INT(query_int(&fx, "SELECT count(*) FROM affected a JOIN"
					       " vulnerability v ON v.id = a.vuln_id WHERE v.name = ?1",
					       name, NULL, NULL), 0);
			continue;
		}
		snprintf(text, sizeof(text), "rpm fixed %s -1 ", purls[i][2]);
		rows(&fx, "redhat-vex", name, purls[i][1], "rhel:9", buf, sizeof(buf));
		if (strncmp(buf, text, strlen(text)) != 0) {
			fprintf(stderr, "# %s: %s\n", purls[i][0], buf);
			return ST_TEST_FAIL;
		}
	}
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

/* Debian DSA/DLA lists ---------------------------------------------------- */

ST_TEST(dsa_fixture_rows)
{
	struct st_test_store fx;
	struct st_import_stats stats;
	char buf[512];

	ST_CHECK(st_test_store_setup(&fx, "feeds", ST_DIAG_WARN));
	ST_CHECK_INT(import_one(&fx, &stats, "feeds/debian/DSA-list-excerpt"), 0);
	ST_CHECK_INT(stats.records, 10);
	ST_CHECK_INT(stats.skipped, 0);
	ST_CHECK_STR(rows(&fx, "debian-dsa", "DSA-5970-1", "sope", "debian:bookworm", buf,
			  sizeof(buf)), "deb fixed 5.8.0-1+deb12u1 -1 -;");
	ST_CHECK_STR(rows(&fx, "debian-dsa", "DSA-140", "libpng3", "debian:woody", buf,
			  sizeof(buf)), "deb fixed 1.2.1-1.1.woody.2 -1 -;");
	ST_CHECK_STR(rows(&fx, "debian-dsa", "DSA-2808-2", "openjpeg", "debian:wheezy", buf,
			  sizeof(buf)), "deb fixed 1.3+dfsg-4.8 -1 -;");
	ST_CHECK_STR(rows(&fx, "debian-dsa", "DSA-2808-2", "openjpeg", "debian:squeeze", buf,
			  sizeof(buf)), "deb fixed 1.3+dfsg-4+squeeze3 -1 -;");
	/* Two ids in braces become two aliases. */
	ST_CHECK_INT(query_int(&fx, "SELECT count(*) FROM alias a JOIN vulnerability v ON"
			       " v.id = a.vuln_id WHERE v.name = 'DSA-140'", NULL, NULL, NULL), 2);
	ST_CHECK_INT(query_int(&fx, "SELECT published = '2002-08-05' AND summary ="
			       " 'libpng - buffer overflow' FROM vulnerability WHERE name = ?1",
			       "DSA-140", NULL, NULL), 1);
	/* Advisories without rows (a key change notice, an end of life). */
	ST_CHECK_INT(query_int(&fx, "SELECT count(*) FROM vulnerability WHERE name IN"
			       " ('DSA-2819-1', 'DSA-3281-1', 'DSA-4205-1')", NULL, NULL, NULL), 3);
	ST_CHECK_INT(query_int(&fx, "SELECT count(*) FROM affected", NULL, NULL, NULL), 9);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(dsa_statuses_and_malformed)
{
	static const char text[] =
		"[01 Jan 2099] DLA-9000-1 pkg - tags\r\n"
		"\t{CVE-2099-0001}\r\n"
		"\t[bookworm] - a <not-affected> (vulnerable code not present)\r\n"
		"\t[bullseye] - a <end-of-life>\r\n"
		"\t[buster] - a <unfixed>\n"
		"\t[stretch] - a <no-dsa>\n"
		"\t[jessie] - a <postponed>\n"
		"\n"
		"[02 Jan 2099] DLA-9001-1 b - unknown tag\n"
		"\t[bookworm] - b <frobbed>\n"
		"[03 Jan 2099] DLA-9002-1 c - bad codename\n"
		"\t[Bookworm] - c 1.0\n"
		"[04 Jan 2099] DLA-9003-1 d - no dash\n"
		"\t[bookworm] d 1.0\n"
		"[05 Jan 2099] DLA-9004-1 e - unterminated ids\n"
		"\t{CVE-2099-0002\n"
		"[06 Foo 2099] DLA-9005-1 f - bad month\n"
		"\t[bookworm] - f 1.0\n"
		"[07 Jan 2099] DLA-9006-1 g - stray text\n"
		"\tsomething else\n"
		"[08 Jan 2099] DLA-9007-1 h - good\n"
		"\t[bookworm] - h 2.0-1\n";
	struct st_test_store fx;
	struct st_import_stats stats;
	char buf[512];

	ST_CHECK(st_test_store_setup(&fx, "feeds", ST_DIAG_WARN));
	ST_CHECK_INT(import_one(&fx, &stats, write_file(&fx, "list", text, sizeof(text) - 1)),
		     0);
	ST_CHECK_INT(stats.records, 2);
	ST_CHECK_INT(stats.skipped, 6);
	ST_CHECK_STR(rows(&fx, "debian-dsa", "DLA-9000-1", "a", "debian:bookworm", buf,
			  sizeof(buf)), "deb not-affected - -1 -;");
	ST_CHECK_STR(rows(&fx, "debian-dsa", "DLA-9000-1", "a", "debian:bullseye", buf,
			  sizeof(buf)), "deb end-of-life - -1 -;");
	ST_CHECK_STR(rows(&fx, "debian-dsa", "DLA-9000-1", "a", "debian:buster", buf,
			  sizeof(buf)), "deb affected - -1 -;");
	ST_CHECK_STR(rows(&fx, "debian-dsa", "DLA-9000-1", "a", "debian:stretch", buf,
			  sizeof(buf)), "deb will-not-fix - -1 -;");
	ST_CHECK_STR(rows(&fx, "debian-dsa", "DLA-9000-1", "a", "debian:jessie", buf,
			  sizeof(buf)), "deb fix-deferred - -1 -;");
	ST_CHECK_STR(rows(&fx, "debian-dsa", "DLA-9007-1", "h", "debian:bookworm", buf,
			  sizeof(buf)), "deb fixed 2.0-1 -1 -;");
	ST_CHECK(has_warning(&fx, "list: line 9: DLA-9001-1", "unknown status"));
	ST_CHECK(has_warning(&fx, "list: line 11: DLA-9002-1", "invalid release codename"));
	ST_CHECK(has_warning(&fx, "list: line 13: DLA-9003-1", "expected ' - '"));
	ST_CHECK(has_warning(&fx, "list: line 15: DLA-9004-1", "unterminated"));
	ST_CHECK(has_warning(&fx, "list: line 17:", "header"));
	ST_CHECK(has_warning(&fx, "list: line 19: DLA-9006-1", "unexpected line"));
	ST_CHECK_INT(query_int(&fx, "SELECT count(*) FROM vulnerability", NULL, NULL, NULL), 2);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

/* Photon ------------------------------------------------------------------ */

ST_TEST(photon_fixture_rows)
{
	struct st_test_store fx;
	struct st_import_stats stats;
	char buf[512];

	ST_CHECK(st_test_store_setup(&fx, "feeds", ST_DIAG_WARN));
	ST_CHECK_INT(import_one(&fx, &stats, "feeds/photon/cve_data_photon4.0.json"), 0);
	/* 7 entries: CVE-2023-50447 is "Fixed" without res_ver. */
	ST_CHECK_INT(stats.records, 4);
	ST_CHECK_INT(stats.skipped, 1);
	ST_CHECK(has_warning(&fx, "cve_data_photon4.0.json: entry 5: CVE-2023-50447 in python3",
			     "without res_ver"));
	ST_CHECK_STR(rows(&fx, "photon", "CVE-2023-38545", "curl", "photon:4.0", buf,
			  sizeof(buf)), "rpm fixed 7.88.1-4.ph4 5 -;");
	ST_CHECK_STR(rows(&fx, "photon", "CVE-2023-38546", "curl-libs", "photon:4.0", buf,
			  sizeof(buf)), "rpm fixed 7.88.1-4.ph4 2 -;");
	ST_CHECK_STR(rows(&fx, "photon", "CVE-2023-44487", "httpd", "photon:4.0", buf,
			  sizeof(buf)), "rpm not-affected - 4 -;");
	ST_CHECK_STR(rows(&fx, "photon", "BDSA-2025-0719", "krb5-devel", "photon:4.0", buf,
			  sizeof(buf)), "rpm fixed 1.17-15.ph4 4 -;");
	ST_CHECK_INT(query_int(&fx, "SELECT count(*) FROM affected", NULL, NULL, NULL), 6);
	ST_CHECK_INT(query_int(&fx, "SELECT count(*) FROM score WHERE type = 'Photon' AND"
			       " score = '9.8'", NULL, NULL, NULL), 1);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(photon_release_from_name_or_tag)
{
	static const char text[] =
		"[{\"cve_id\": \"CVE-2099-1\", \"pkg\": \"a\", \"cve_score\": null,"
		" \"aff_ver\": \"\", \"res_ver\": \"1.0-1.ph5\", \"status\": \"Fixed\"}]";
	static const char untagged[] =
		"[{\"cve_id\": \"CVE-2099-2\", \"pkg\": \"a\", \"cve_score\": null,"
		" \"aff_ver\": \"\", \"res_ver\": \"1.0-1\", \"status\": \"Fixed\"}]";
	struct st_test_store fx;
	struct st_import_stats stats;
	char buf[256];

	ST_CHECK(st_test_store_setup(&fx, "feeds", ST_DIAG_WARN));
	ST_CHECK_INT(import_one(&fx, &stats, write_file(&fx, "cve_data_photon3.0.json", text,
							 sizeof(text) - 1)), 0);
	ST_CHECK_STR(rows(&fx, "photon", "CVE-2099-1", "a", "photon:3.0", buf, sizeof(buf)),
		     "rpm fixed 1.0-1.ph5 -1 -;");
	ST_CHECK_INT(import_one(&fx, &stats, write_file(&fx, "photon.json", text,
							 sizeof(text) - 1)), 0);
	ST_CHECK_STR(rows(&fx, "photon", "CVE-2099-1", "a", "photon:5.0", buf, sizeof(buf)),
		     "rpm fixed 1.0-1.ph5 -1 -;");
	ST_CHECK_INT(import_one(&fx, &stats, write_file(&fx, "other.json", untagged,
							 sizeof(untagged) - 1)), 0);
	ST_CHECK_INT(stats.skipped, 1);
	ST_CHECK(has_warning(&fx, "other.json: Photon file without a release", NULL));
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(photon_malformed_entries_skipped)
{
	static const char text[] =
		"[{\"cve_id\": \"CVE-2099-1\", \"pkg\": \"a\", \"cve_score\": 5.0,"
		" \"res_ver\": \"1-1.ph4\", \"status\": \"Fixed\"},"
		" {\"cve_id\": \"CVE-2099-2\", \"pkg\": 3, \"res_ver\": \"1\", \"status\": \"Fixed\"},"
		" {\"cve_id\": \"CVE-2099-3\", \"pkg\": \"b\", \"cve_score\": \"high\","
		" \"res_ver\": \"1\", \"status\": \"Fixed\"},"
		" {\"cve_id\": \"CVE-2099-4\", \"pkg\": \"b\", \"cve_score\": 11.5,"
		" \"res_ver\": \"1\", \"status\": \"Fixed\"},"
		" {\"cve_id\": \"CVE-2099-5\", \"pkg\": \"b\", \"res_ver\": \"1\", \"status\": \"Gone\"},"
		" {\"cve_id\": \"CVE-2099-6\", \"pkg\": \"b\", \"res_ver\": \"1 2\","
		" \"status\": \"Fixed\"},"
		" {\"pkg\": \"b\"}, 17,"
		" {\"cve_id\": \"CVE-2099-1\", \"pkg\": \"c\", \"res_ver\": \"NA\","
		" \"status\": \"Affected\"}]";
	struct st_test_store fx;
	struct st_import_stats stats;
	char buf[256];

	ST_CHECK(st_test_store_setup(&fx, "feeds", ST_DIAG_WARN));
	ST_CHECK_INT(import_one(&fx, &stats, write_file(&fx, "cve_data_photon4.0.json", text,
							 sizeof(text) - 1)), 0);
	ST_CHECK_INT(stats.records, 1);
	ST_CHECK_INT(stats.skipped, 7);
	ST_CHECK(has_warning(&fx, "entry 1: CVE-2099-2: no valid pkg", NULL));
	ST_CHECK(has_warning(&fx, "entry 2: CVE-2099-3 in b", "wrong type"));
	ST_CHECK(has_warning(&fx, "entry 3: CVE-2099-4 in b", "out of range"));
	ST_CHECK(has_warning(&fx, "entry 4: CVE-2099-5 in b", "is unknown"));
	ST_CHECK(has_warning(&fx, "entry 5: CVE-2099-6 in b", "invalid res_ver"));
	ST_CHECK(has_warning(&fx, "entry 6: no valid cve_id", NULL));
	ST_CHECK(has_warning(&fx, "entry 7: not an object", NULL));
	ST_CHECK_STR(rows(&fx, "photon", "CVE-2099-1", "c", "photon:4.0", buf, sizeof(buf)),
		     "rpm affected - -1 -;");
	ST_CHECK_STR(rows(&fx, "photon", "CVE-2099-1", "a", "photon:4.0", buf, sizeof(buf)),
		     "rpm fixed 1-1.ph4 3 -;");
	/* The entry skipped after writing its record left no row. */
	ST_CHECK_INT(query_int(&fx, "SELECT count(*) FROM vulnerability", NULL, NULL, NULL), 1);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

/* Every importer ------------------------------------------------------------ */

static const char *const all_fixtures[] = {
	"feeds/wolfi/security.json",
	"feeds/chainguard/security.json",
	"feeds/redhat/csaf/rhsa-2022-0011.json",
	"feeds/redhat/csaf/rhsa-2024_6163.json",
	"feeds/redhat/vex/cve-2024-24786-simple.json",
	VEX_CASES,
	"feeds/debian/DSA-list-excerpt",
	"feeds/photon/cve_data_photon4.0.json",
};

ST_TEST(reimport_gives_same_content)
{
	struct st_test_store fx;
	struct st_import_stats stats;
	long long digest;
	long long checksum;
	size_t i;

	ST_CHECK(st_test_store_setup(&fx, "feeds", ST_DIAG_WARN));
	for (i = 0; i < ST_ARRAY_LEN(all_fixtures); i++)
		ST_CHECK_INT(import_one(&fx, &stats, all_fixtures[i]), 0);
	digest = content_digest(&fx);
	checksum = rows_checksum(&fx);
	ST_CHECK(digest > 0);
	for (i = 0; i < ST_ARRAY_LEN(all_fixtures); i++)
		ST_CHECK_INT(import_one(&fx, &stats, all_fixtures[i]), 0);
	ST_CHECK_INT(content_digest(&fx), digest);
	ST_CHECK_INT(rows_checksum(&fx), checksum);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(truncated_files_fail_cleanly)
{
	struct st_test_store fx;
	struct st_import_stats stats;
	size_t i;

	ST_CHECK(st_test_store_setup(&fx, "feeds", ST_DIAG_WARN));
	for (i = 0; i < ST_ARRAY_LEN(all_fixtures); i++) {
		size_t len = 0;
		char *text = slurp(all_fixtures[i], &len);
		const char *slash = strrchr(all_fixtures[i], '/');
		const char *path;
		size_t cut;
		int rc;

		ST_CHECK(text != NULL);
		/* Cut in the middle: JSON then fails to parse. A cut DSA list
		 * is still text, and its last advisory may lose lines. */
		cut = len / 2;
		path = write_file(&fx, slash + 1, text, cut);
		free(text);
		ST_CHECK(path != NULL);
		rc = import_one(&fx, &stats, path);
		if (strstr(all_fixtures[i], "DSA") != NULL)
			ST_CHECK_INT(rc, 0);
		else
			ST_CHECK(rc == STRATA_ECORRUPT || rc == STRATA_EUNSUPPORTED);
	}
	/* Failed imports rolled back: only the DSA list's advisories stay. */
	ST_CHECK_INT(query_int(&fx, "SELECT count(*) FROM vulnerability v JOIN source s ON"
			       " s.id = v.source_id WHERE s.name <> 'debian-dsa'", NULL, NULL,
			       NULL), 0);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(oversized_fields_rejected)
{
	struct st_test_store fx;
	struct st_import_stats stats;
	char big[ST_FEED_NAME_MAX + 2];
	char text[8192];
	int n;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ST_CHECK(st_test_store_setup(&fx, "feeds", ST_DIAG_WARN));

	n = snprintf(text, sizeof(text),
		     "{\"apkurl\": \"x\", \"urlprefix\": \"https://packages.wolfi.dev\","
		     " \"packages\": [{\"pkg\": {\"name\": \"%s\", \"secfixes\": {\"1-r0\":"
		     " [\"CVE-2099-1\"]}}}, {\"pkg\": {\"name\": \"a\", \"secfixes\": {\"%s\":"
		     " [\"CVE-2099-2\"]}}}, {\"pkg\": {\"name\": \"a\", \"secfixes\": {\"1-r0\":"
		     " [\"%s\"]}}}]}", big, big, big);
	ST_CHECK(n > 0 && (size_t)n < sizeof(text));
	ST_CHECK_INT(import_one(&fx, &stats, write_file(&fx, "w.json", text, (size_t)n)), 0);
	ST_CHECK_INT(stats.skipped, 3);
	ST_CHECK_INT(stats.records, 0);

	n = snprintf(text, sizeof(text),
		     "[{\"cve_id\": \"%s\", \"pkg\": \"a\", \"res_ver\": \"1\", \"status\":"
		     " \"Fixed\"}, {\"cve_id\": \"CVE-1\", \"pkg\": \"%s\", \"res_ver\": \"1\","
		     " \"status\": \"Fixed\"}, {\"cve_id\": \"CVE-1\", \"pkg\": \"a\", \"res_ver\":"
		     " \"%s\", \"status\": \"Fixed\"}]", big, big, big);
	ST_CHECK(n > 0 && (size_t)n < sizeof(text));
	ST_CHECK_INT(import_one(&fx, &stats, write_file(&fx, "cve_data_photon4.0.json", text,
							 (size_t)n)), 0);
	ST_CHECK_INT(stats.skipped, 3);

	n = snprintf(text, sizeof(text),
		     "[01 Jan 2099] DSA-1-1 a - b\n\t[bookworm] - %s 1.0\n"
		     "[01 Jan 2099] DSA-2-1 a - b\n\t[bookworm] - a %s\n"
		     "[01 Jan 2099] DSA-3-1 a - b\n\t{%s}\n"
		     "[01 Jan 2099] DSA-12345678901-1 a - b\n"
		     "[01 Jan 2099] DSA-4-1 a - b\n\t[abcdefghijklmnopqrstuvwxyzabcdefg] - a 1\n",
		     big, big, big);
	ST_CHECK(n > 0 && (size_t)n < sizeof(text));
	ST_CHECK_INT(import_one(&fx, &stats, write_file(&fx, "list", text, (size_t)n)), 0);
	ST_CHECK_INT(stats.skipped, 5);
	ST_CHECK_INT(stats.records, 0);
	ST_CHECK_INT(query_int(&fx, "SELECT count(*) FROM affected", NULL, NULL, NULL), 0);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(feed_file_bytes_limit_applies)
{
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};
	char path[512];
	const char *paths[1] = {path};

	ST_CHECK(st_test_store_setup(&fx, "feeds", ST_DIAG_WARN));
	fx.lim.feed_file_bytes = 512;
	snprintf(path, sizeof(path), "%s", st_test_data_path(VEX_CASES));
	ST_CHECK_INT(st_db_import(fx.db, paths, 1, &fx.lim, &fx.diag, &stats, &err),
		     STRATA_ELIMIT);
	fx.lim.feed_file_bytes = 1u << 20;
	fx.lim.json_depth = 4;
	ST_CHECK(st_db_import(fx.db, paths, 1, &fx.lim, &fx.diag, &stats, &err) < 0);
	ST_CHECK_INT(query_int(&fx, "SELECT count(*) FROM vulnerability", NULL, NULL, NULL), 0);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}
