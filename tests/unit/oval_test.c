/* Tests of the XML feed importers: OVAL from SUSE, Oracle, CBL-Mariner and
 * Azure Linux, Amazon Linux updateinfo.xml and the ALAS RSS feed. Each test
 * imports into its own database in a temporary directory and compares the
 * stored rows with the values read from the fixture by hand. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"
#include "testlib.h"
#include "inventory/inventory.h"
#include "vuln/vuln.h"
#include "vuln/vuln_internal.h"

/* Fixtures ----------------------------------------------------------------- */

/* Imports one path: relative to tests/data, or absolute. */
static int import_one(struct st_test_store *fx, const char *rel, struct st_import_stats *stats,
		      struct strata_error *err)
{
	char path[512];
	const char *paths[1] = {path};

	if (rel[0] == '/')
		snprintf(path, sizeof(path), "%s", rel);
	else
		snprintf(path, sizeof(path), "%s/%s", st_test_data_dir(), rel);
	return st_db_import(fx->db, paths, 1, &fx->lim, &fx->diag, stats, err);
}

/* Writes TEXT to DIR/NAME and returns the path in BUF. */
static const char *write_file(const struct st_test_store *fx, const char *name, const char *text,
			      size_t n, char *buf, size_t size)
{
	FILE *f;

	snprintf(buf, size, "%s/%s", fx->dir, name);
	f = fopen(buf, "wb");
	if (f == NULL)
		return NULL;
	if (fwrite(text, 1, n, f) != n) {
		fclose(f);
		return NULL;
	}
	fclose(f);
	return buf;
}

/* Imports the document TEXT written to a file named NAME. */
static int import_text(struct st_test_store *fx, const char *name, const char *text,
		       struct st_import_stats *stats, struct strata_error *err)
{
	char path[256];

	if (write_file(fx, name, text, strlen(text), path, sizeof(path)) == NULL)
		return -1000;
	return import_one(fx, path, stats, err);
}

/* Appends one line per affected row of source SOURCE, sorted:
 * "advisory|distro|package|status|fixed|severity|severity_source". */
static bool dump_rows(struct st_test_store *fx, const char *source, char *out, size_t size)
{
	static const char sql[] =
		"SELECT v.name, a.distro, a.package, a.status, ifnull(a.fixed_version, ''),"
		" ifnull(a.severity, -1), ifnull(a.severity_source, ''), a.ecosystem"
		" FROM affected a JOIN vulnerability v ON a.vuln_id = v.id"
		" JOIN source s ON v.source_id = s.id WHERE s.name = ?"
		" ORDER BY 1, 2, 3, 5";
	sqlite3_stmt *stmt = NULL;
	size_t len = 0;
	bool ok = true;

	out[0] = '\0';
	if (sqlite3_prepare_v2(fx->db->sql, sql, -1, &stmt, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(stmt, 1, source, -1, SQLITE_STATIC);
	while (ok && sqlite3_step(stmt) == SQLITE_ROW) {
		int severity = sqlite3_column_int(stmt, 5);
		int n = snprintf(out + len, size - len, "%s|%s|%s|%s|%s|%s|%s|%s\n",
				 (const char *)sqlite3_column_text(stmt, 0),
				 (const char *)sqlite3_column_text(stmt, 1),
				 (const char *)sqlite3_column_text(stmt, 2),
				 (const char *)sqlite3_column_text(stmt, 3),
				 (const char *)sqlite3_column_text(stmt, 4),
				 severity < 0 ? "-" : st_severity_name(severity),
				 (const char *)sqlite3_column_text(stmt, 6),
				 (const char *)sqlite3_column_text(stmt, 7));

		if (n < 0 || (size_t)n >= size - len)
			ok = false;
		else
			len += (size_t)n;
	}
	sqlite3_finalize(stmt);
	return ok;
}

/* Returns the integer result of SQL with one text parameter ARG, or -1. */
static long long query_int(struct st_test_store *fx, const char *sql, const char *arg)
{
	sqlite3_stmt *stmt = NULL;
	long long v = -1;

	if (sqlite3_prepare_v2(fx->db->sql, sql, -1, &stmt, NULL) != SQLITE_OK)
		return -1;
	if (arg != NULL)
		sqlite3_bind_text(stmt, 1, arg, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

static long long count_aliases(struct st_test_store *fx, const char *advisory)
{
	return query_int(fx, "SELECT count(*) FROM alias a JOIN vulnerability v ON a.vuln_id = v.id"
			 " WHERE v.name = ?", advisory);
}

static bool has_alias(struct st_test_store *fx, const char *advisory, const char *alias)
{
	char sql[256];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM alias a JOIN vulnerability v"
		 " ON a.vuln_id = v.id WHERE v.name = ? AND a.alias = '%s'", alias);
	return query_int(fx, sql, advisory) == 1;
}

static long long count_records(struct st_test_store *fx)
{
	return query_int(fx, "SELECT count(*) FROM vulnerability", NULL);
}

/* Detection ------------------------------------------------------------------ */

ST_TEST(xml_detect_by_root_element)
{
	static const struct {
		const char *text;
		int format;
	} cases[] = {
		{"<?xml version=\"1.0\"?>\n<oval_definitions xmlns=\"x\">", ST_FEED_OVAL},
		{"\xef\xbb\xbf<!-- c --><?pi x?>\n <oval-def:oval_definitions>", ST_FEED_OVAL},
		{"<updates><update/></updates>", ST_FEED_UPDATEINFO},
		{"<?xml version=\"1.0\" ?>\n<rss version=\"2.0\">", ST_FEED_ALAS_RSS},
		/* Detected by the declared root, so that the importer can
		 * reject the declaration with a clear message. */
		{"<!DOCTYPE oval_definitions [<!ENTITY a \"b\">]><oval_definitions/>",
		 ST_FEED_OVAL},
		{"<html><body/></html>", ST_FEED_UNKNOWN},
		{"<!-- unterminated", ST_FEED_UNKNOWN},
		{"<?xml version=\"1.0\"", ST_FEED_UNKNOWN},
		{"<", ST_FEED_UNKNOWN},
		{"", ST_FEED_UNKNOWN},
		{"{\"id\": \"GHSA-1\", \"modified\": \"x\"}", ST_FEED_UNKNOWN},
	};
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(cases); i++) {
		int got = st_xml_feed_detect(st_slice_cstr(cases[i].text));

		if (got != cases[i].format)
			fprintf(stderr, "# case %zu\n", i);
		ST_CHECK_INT(got, cases[i].format);
	}
	return ST_TEST_PASS;
}

ST_TEST(feed_detect_dispatches_xml)
{
	struct strata_limits lim;

	strata_limits_default(&lim);
	ST_CHECK_INT(st_feed_detect(st_slice_cstr("<oval_definitions/>"), &lim), ST_FEED_OVAL);
	ST_CHECK_INT(st_feed_detect(st_slice_cstr("\n<updates/>"), &lim), ST_FEED_UPDATEINFO);
	ST_CHECK_INT(st_feed_detect(st_slice_cstr("<rss/>"), &lim), ST_FEED_ALAS_RSS);
	ST_CHECK_INT(st_feed_detect(st_slice_cstr("{\"id\": \"GHSA-1\"}"), &lim), ST_FEED_OSV);
	return ST_TEST_PASS;
}

/* Real fixtures -------------------------------------------------------------- */

ST_TEST(suse_fixture_rows)
{
	/* CVE-2021-29154: "SUSE Linux Enterprise Server 15-LTSS" with
	 * kernel-default < 0:4.12.14-150.72.1 (ste:2009118739), and SP1-BCL
	 * and SP1-LTSS with < 0:4.12.14-197.89.2 (ste:2009118764), merged
	 * into one sles:15.1 row. The SAP and Workstation Extension branches
	 * name products without a distro key. "X is not affected" tests
	 * check version == 0 (ste:2009079458), and the Basesystem and
	 * Development Tools modules of 15 both mean sles:15.0. */
	static const char expected[] =
		"CVE-1999-0524|sles:15.0|kernel-default|not-affected||MEDIUM|suse|rpm\n"
		"CVE-1999-0524|sles:15.0|kernel-source|not-affected||MEDIUM|suse|rpm\n"
		"CVE-2021-29154|sles:15.0|kernel-default|fixed|0:4.12.14-150.72.1|HIGH|suse|rpm\n"
		"CVE-2021-29154|sles:15.1|kernel-default|fixed|0:4.12.14-197.89.2|HIGH|suse|rpm\n"
		"CVE-2026-34073|sles:15.0|python3-cryptography|not-affected||MEDIUM|suse|rpm\n";
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};
	char rows[4096];
	int rc;

	ST_CHECK(st_test_store_setup(&fx, "oval", ST_DIAG_WARN));
	rc = import_one(&fx, "feeds/suse/oval-suse-truncated.xml", &stats, &err);
	if (rc < 0)
		fprintf(stderr, "# %s\n", err.msg);
	ST_CHECK_INT(rc, 0);
	ST_CHECK(dump_rows(&fx, ST_SOURCE_SUSE_OVAL, rows, sizeof(rows)));
	ST_CHECK_STR(rows, expected);
	ST_CHECK_INT(stats.records, 3);
	/* CVE-2010-1323 compares EVRs with operation "6". */
	ST_CHECK_INT(stats.skipped, 1);
	ST_CHECK(strstr(fx.log, "definition oval:org.opensuse.security:def:20101323: test "
			"oval:org.opensuse.security:tst:2009480345 compares the EVR with "
			"operation '6'; skipped") != NULL);
	ST_CHECK_INT(query_int(&fx, "SELECT severity FROM vulnerability WHERE name = ?",
			       "CVE-2021-29154"), ST_SEVERITY_HIGH);
	ST_CHECK_INT(query_int(&fx, "SELECT count(*) FROM vulnerability WHERE name = ? AND "
			       "published = '2021-04-30' AND modified = '2021-07-14'",
			       "CVE-2021-29154"), 1);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(oracle_fixture_rows)
{
	/* Most tests and objects are missing from the mock, so the package
	 * criteria are read from "NAME is earlier than EVR" comments. */
	static const char expected[] =
		"ELSA-2007-0057|ol:5|bind|fixed|30:9.3.3-8.el5|MEDIUM|oracle|rpm\n"
		"ELSA-2007-0057|ol:5|bind-chroot|fixed|30:9.3.3-8.el5|MEDIUM|oracle|rpm\n"
		"ELSA-2007-0057|ol:5|bind-devel|fixed|30:9.3.3-8.el5|MEDIUM|oracle|rpm\n"
		"ELSA-2007-0057|ol:5|bind-libbind-devel|fixed|30:9.3.3-8.el5|MEDIUM|oracle|rpm\n"
		"ELSA-2007-0057|ol:5|bind-libs|fixed|30:9.3.3-8.el5|MEDIUM|oracle|rpm\n"
		"ELSA-2007-0057|ol:5|bind-sdb|fixed|30:9.3.3-8.el5|MEDIUM|oracle|rpm\n"
		"ELSA-2007-0057|ol:5|bind-utils|fixed|30:9.3.3-8.el5|MEDIUM|oracle|rpm\n"
		"ELSA-2007-0057|ol:5|caching-nameserver|fixed|30:9.3.3-8.el5|MEDIUM|oracle|rpm\n"
		"ELSA-2018-4250|ol:6|kernel-uek|fixed|0:2.6.39-400.302.2.el6uek|HIGH|oracle|rpm\n"
		"ELSA-2018-4250|ol:6|kernel-uek-debug|fixed|0:2.6.39-400.302.2.el6uek|HIGH|oracle|rpm\n"
		"ELSA-2018-4250|ol:6|kernel-uek-debug-devel|fixed|0:2.6.39-400.302.2.el6uek|HIGH|"
		"oracle|rpm\n"
		"ELSA-2018-4250|ol:6|kernel-uek-devel|fixed|0:2.6.39-400.302.2.el6uek|HIGH|oracle|rpm\n"
		"ELSA-2018-4250|ol:6|kernel-uek-doc|fixed|0:2.6.39-400.302.2.el6uek|HIGH|oracle|rpm\n"
		"ELSA-2018-4250|ol:6|kernel-uek-firmware|fixed|0:2.6.39-400.302.2.el6uek|HIGH|oracle|"
		"rpm\n";
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};
	char rows[8192];

	ST_CHECK(st_test_store_setup(&fx, "oval", ST_DIAG_WARN));
	ST_CHECK_INT(import_one(&fx, "feeds/oracle/elsa-oval-mock.xml", &stats, &err), 0);
	ST_CHECK(dump_rows(&fx, ST_SOURCE_ORACLE_OVAL, rows, sizeof(rows)));
	ST_CHECK_STR(rows, expected);
	ST_CHECK_INT(stats.records, 2);
	ST_CHECK_INT(stats.skipped, 0);
	ST_CHECK_INT(count_aliases(&fx, "ELSA-2007-0057"), 2);
	ST_CHECK(has_alias(&fx, "ELSA-2007-0057", "CVE-2007-0493"));
	ST_CHECK(has_alias(&fx, "ELSA-2007-0057", "CVE-2007-0494"));
	ST_CHECK_INT(count_aliases(&fx, "ELSA-2018-4250"), 4);
	ST_CHECK(has_alias(&fx, "ELSA-2018-4250", "CVE-2017-13695"));
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(mariner_fixture_rows)
{
	/* golang: "less than 0:1.20.7-1.cm2" (the "greater than" lower bound
	 * is dropped); glibc: patchable "Not Applicable"; bind: "less than or
	 * equal", no fix, stored as a range. */
	static const char expected[] =
		"CVE-2022-3736|mariner:2.0|bind|affected||HIGH|mariner|rpm\n"
		"CVE-2023-0687|mariner:2.0|glibc|not-affected||CRITICAL|mariner|rpm\n"
		"CVE-2023-21977|mariner:2.0|mysql|fixed|0:8.0.33-1.cm2|MEDIUM|mariner|rpm\n"
		"CVE-2023-21980|mariner:2.0|mysql|fixed|0:8.0.33-1.cm2|HIGH|mariner|rpm\n"
		"CVE-2023-29404|mariner:2.0|golang|fixed|0:1.20.7-1.cm2|CRITICAL|mariner|rpm\n";
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};
	char rows[4096];

	ST_CHECK(st_test_store_setup(&fx, "oval", ST_DIAG_WARN));
	ST_CHECK_INT(import_one(&fx, "feeds/mariner/mariner-2.0-oval-truncated.xml", &stats, &err),
		     0);
	ST_CHECK(dump_rows(&fx, ST_SOURCE_MARINER_OVAL, rows, sizeof(rows)));
	ST_CHECK_STR(rows, expected);
	ST_CHECK_INT(stats.records, 5);
	ST_CHECK_INT(stats.skipped, 0);
	ST_CHECK_INT(query_int(&fx, "SELECT count(*) FROM affected a JOIN affected_range r"
			       " ON r.affected_id = a.id JOIN range_event e ON e.range_id = r.id"
			       " WHERE a.package = ? AND a.evaluation = 'ranges'"
			       " AND r.type = 'ECOSYSTEM' AND ((e.seq = 0 AND e.kind = 'introduced'"
			       " AND e.version = '0') OR (e.seq = 1 AND e.kind = 'last_affected'"
			       " AND e.version = '0:9.16.33-1.cm2'))", "bind"), 2);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(azurelinux_fixture_rows)
{
	static const char expected[] =
		"CVE-2020-27304|azurelinux:3.0|ceph|fixed|0:18.2.1-1.azl3|CRITICAL|azurelinux|rpm\n"
		"CVE-2024-24258|azurelinux:3.0|freeglut|fixed|0:3.4.0-1.azl3|HIGH|azurelinux|rpm\n"
		"CVE-2024-24259|azurelinux:3.0|freeglut|fixed|0:3.4.0-1.azl3|HIGH|azurelinux|rpm\n";
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};
	char rows[2048];

	ST_CHECK(st_test_store_setup(&fx, "oval", ST_DIAG_WARN));
	ST_CHECK_INT(import_one(&fx, "feeds/mariner/azure-linux-3.0-oval-truncated.xml", &stats,
				&err), 0);
	ST_CHECK(dump_rows(&fx, ST_SOURCE_AZURELINUX_OVAL, rows, sizeof(rows)));
	ST_CHECK_STR(rows, expected);
	ST_CHECK_INT(stats.records, 3);
	ST_CHECK(has_alias(&fx, "CVE-2020-27304", "CVE-2020-27304") == false);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(amazon_updateinfo_rows)
{
	/* One row per binary package; the aarch64 packages repeat x86_64
	 * names and the src package is not a row. */
	static const char *const names[] = {
		"device-mapper-multipath",
		"device-mapper-multipath-debuginfo",
		"device-mapper-multipath-debugsource",
		"device-mapper-multipath-devel",
		"device-mapper-multipath-libs",
		"device-mapper-multipath-libs-debuginfo",
		"kpartx",
		"kpartx-debuginfo",
		"libdmmp",
		"libdmmp-debuginfo",
		"libdmmp-devel",
	};
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};
	char expected[4096];
	char rows[4096];
	size_t len = 0;
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(names); i++)
		len += (size_t)snprintf(expected + len, sizeof(expected) - len,
					"ALAS2023-2023-126|amzn:2023|%s|fixed|"
					"0:0.8.7-16.amzn2023.0.1|HIGH|amazon|rpm\n", names[i]);
	ST_CHECK(st_test_store_setup(&fx, "oval", ST_DIAG_WARN));
	ST_CHECK_INT(import_one(&fx, "feeds/amazon/updateinfo.xml", &stats, &err), 0);
	ST_CHECK(dump_rows(&fx, ST_SOURCE_AMAZON_UPDATEINFO, rows, sizeof(rows)));
	ST_CHECK_STR(rows, expected);
	ST_CHECK_INT(stats.records, 1);
	ST_CHECK_INT(count_aliases(&fx, "ALAS2023-2023-126"), 3);
	ST_CHECK(has_alias(&fx, "ALAS2023-2023-126", "CVE-2022-41974"));
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(amazon_rss_records)
{
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};

	ST_CHECK(st_test_store_setup(&fx, "oval", ST_DIAG_WARN));
	ST_CHECK_INT(import_one(&fx, "feeds/amazon/alas2023-rss.xml", &stats, &err), 0);
	ST_CHECK_INT(stats.records, 1);
	ST_CHECK_INT(query_int(&fx, "SELECT severity FROM vulnerability WHERE name = ?",
			       "ALAS2023-2023-126"), ST_SEVERITY_HIGH);
	ST_CHECK_INT(query_int(&fx, "SELECT count(*) FROM affected", NULL), 0);
	/* The feed's own name, three CVEs. */
	ST_CHECK_INT(count_aliases(&fx, "ALAS2023-2023-126"), 4);
	ST_CHECK(has_alias(&fx, "ALAS2023-2023-126", "ALAS-2023-126"));
	ST_CHECK(has_alias(&fx, "ALAS2023-2023-126", "CVE-2022-3787"));
	ST_CHECK(has_alias(&fx, "ALAS2023-2023-126", "CVE-2022-41973"));
	ST_CHECK(has_alias(&fx, "ALAS2023-2023-126", "CVE-2022-41974"));
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(reimport_is_idempotent)
{
	static const char *const sources[] = {
		ST_SOURCE_SUSE_OVAL, ST_SOURCE_ORACLE_OVAL, ST_SOURCE_MARINER_OVAL,
		ST_SOURCE_AZURELINUX_OVAL, ST_SOURCE_AMAZON_UPDATEINFO,
	};
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};
	static char first[5][8192];
	static char second[5][8192];
	long long records;
	long long aliases;
	size_t i;
	int round;

	ST_CHECK(st_test_store_setup(&fx, "oval", ST_DIAG_WARN));
	records = aliases = 0;
	for (round = 0; round < 2; round++) {
		ST_CHECK_INT(import_one(&fx, "feeds/suse", &stats, &err), 0);
		ST_CHECK_INT(import_one(&fx, "feeds/oracle", &stats, &err), 0);
		ST_CHECK_INT(import_one(&fx, "feeds/mariner", &stats, &err), 0);
		ST_CHECK_INT(import_one(&fx, "feeds/amazon", &stats, &err), 0);
		for (i = 0; i < ST_ARRAY_LEN(sources); i++)
			ST_CHECK(dump_rows(&fx, sources[i], round ? second[i] : first[i],
					   sizeof(first[i])));
		if (round == 0) {
			records = count_records(&fx);
			aliases = query_int(&fx, "SELECT count(*) FROM alias", NULL);
		}
	}
	for (i = 0; i < ST_ARRAY_LEN(sources); i++) {
		ST_CHECK(first[i][0] != '\0');
		ST_CHECK_STR(second[i], first[i]);
	}
	ST_CHECK_INT(count_records(&fx), records);
	ST_CHECK_INT(query_int(&fx, "SELECT count(*) FROM alias", NULL), aliases);
	/* 3 SUSE, 2 Oracle, 5 Mariner, 3 Azure Linux, 1 updateinfo, 1 RSS. */
	ST_CHECK_INT(records, 15);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

/* Malformed input ----------------------------------------------------------- */

#define MARINER_HEAD                                                                      \
	"<?xml version=\"1.0\"?>\n<oval_definitions xmlns=\"http://oval.mitre.org/XMLSchema/"  \
	"oval-definitions-5\" xmlns:oval=\"http://oval.mitre.org/XMLSchema/oval-common-5\">" \
	"<generator><oval:product_name>CBL-Mariner OVAL Definition Generator"                  \
	"</oval:product_name></generator><definitions>"

/* A Mariner definition DEF of CVE with test TST checking package OBJ. */
#define MARINER_DEF(def, cve, tst)                                                        \
	"<definition class=\"vulnerability\" id=\"" def "\" version=\"1\"><metadata><title>"  \
	cve " affecting package</title><severity>High</severity></metadata>"                  \
	"<criteria operator=\"AND\"><criterion comment=\"c\" test_ref=\"" tst "\"/>"          \
	"</criteria></definition>"

#define MARINER_TEST(tst, obj, ste, name, op, evr)                                        \
	"<rpminfo_test id=\"" tst "\"><object object_ref=\"" obj "\"/><state state_ref=\""   \
	ste "\"/></rpminfo_test>",                                                            \
	"<rpminfo_object id=\"" obj "\"><name>" name "</name></rpminfo_object>",              \
	"<rpminfo_state id=\"" ste "\"><evr operation=\"" op "\">" evr "</evr></rpminfo_state>"

ST_TEST(malformed_definitions_skipped)
{
	static const char *const tests[][3] = {
		{MARINER_TEST("t:1", "o:1", "s:1", "good", "less than", "0:1.0-2.cm2")},
		{MARINER_TEST("t:3", "o:3", "s:3", "notag", "less than", "0:1.0-2")},
		{MARINER_TEST("t:4", "o:4", "s:4", "bad name", "less than", "0:1.0-2.cm2")},
		{MARINER_TEST("t:5", "o:5", "s:5", "eq", "equals", "0:1.0-2.cm2")},
	};
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};
	char doc[8192];
	char rows[1024];
	size_t len;
	size_t i;
	int rc;

	len = (size_t)snprintf(doc, sizeof(doc), "%s%s%s%s%s%s%s</definitions><tests>",
			       MARINER_HEAD, MARINER_DEF("d:1", "CVE-2024-0001", "t:1"),
			       MARINER_DEF("d:2", "CVE-2024-0002", "t:2"),
			       MARINER_DEF("d:3", "CVE-2024-0003", "t:3"),
			       MARINER_DEF("d:4", "CVE-2024-0004", "t:4"),
			       MARINER_DEF("d:5", "CVE-2024-0005", "t:5"),
			       "<definition id=\"d:6\"><metadata/></definition>");
	for (i = 0; i < ST_ARRAY_LEN(tests); i++)
		len += (size_t)snprintf(doc + len, sizeof(doc) - len, "%s", tests[i][0]);
	len += (size_t)snprintf(doc + len, sizeof(doc) - len, "</tests><objects>");
	for (i = 0; i < ST_ARRAY_LEN(tests); i++)
		len += (size_t)snprintf(doc + len, sizeof(doc) - len, "%s", tests[i][1]);
	len += (size_t)snprintf(doc + len, sizeof(doc) - len, "</objects><states>");
	for (i = 0; i < ST_ARRAY_LEN(tests); i++)
		len += (size_t)snprintf(doc + len, sizeof(doc) - len, "%s", tests[i][2]);
	snprintf(doc + len, sizeof(doc) - len, "</states></oval_definitions>");

	ST_CHECK(st_test_store_setup(&fx, "oval", ST_DIAG_WARN));
	rc = import_text(&fx, "bad.xml", doc, &stats, &err);
	if (rc < 0)
		fprintf(stderr, "# %s\n", err.msg);
	ST_CHECK_INT(rc, 0);
	ST_CHECK(dump_rows(&fx, ST_SOURCE_MARINER_OVAL, rows, sizeof(rows)));
	ST_CHECK_STR(rows, "CVE-2024-0001|mariner:2.0|good|fixed|0:1.0-2.cm2|HIGH|mariner|rpm\n");
	ST_CHECK_INT(stats.records, 1);
	ST_CHECK_INT(stats.skipped, 5);
	ST_CHECK(strstr(fx.log, "definition d:2: test t:2 (\"c\") is not in the document; "
			"skipped") != NULL);
	ST_CHECK(strstr(fx.log, "definition d:3: EVR 0:1.0-2 of notag has no .cmN release tag; "
			"skipped") != NULL);
	ST_CHECK(strstr(fx.log, "definition d:4: a package name or EVR is empty") != NULL);
	ST_CHECK(strstr(fx.log, "definition d:5: test t:5 compares the EVR with operation "
			"'equals'; skipped") != NULL);
	ST_CHECK(strstr(fx.log, "definition d:6: no metadata or no criteria; skipped") != NULL);
	/* A skipped definition leaves no advisory behind. */
	ST_CHECK_INT(count_records(&fx), 1);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(unknown_oval_generator_skipped)
{
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};

	ST_CHECK(st_test_store_setup(&fx, "oval", ST_DIAG_WARN));
	ST_CHECK_INT(import_text(&fx, "rh.xml",
				 "<oval_definitions><generator><product_name>Red Hat OVAL Patch "
				 "Definition Merger</product_name></generator><definitions/>"
				 "</oval_definitions>", &stats, &err), 0);
	ST_CHECK_INT(stats.skipped, 1);
	ST_CHECK(strstr(fx.log, "OVAL from an unknown generator (Red Hat OVAL Patch Definition "
			"Merger); skipped") != NULL);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

static char *slurp(const char *rel, size_t *len)
{
	char path[512];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", st_test_data_dir(), rel);
	f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

ST_TEST(truncated_xml_fails_whole_file)
{
	static const char *const files[] = {
		"feeds/mariner/mariner-2.0-oval-truncated.xml",
		"feeds/amazon/updateinfo.xml",
		"feeds/amazon/alas2023-rss.xml",
	};
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};
	char path[256];
	size_t len;
	size_t i;
	char *text;
	int rc;

	ST_CHECK(st_test_store_setup(&fx, "oval", ST_DIAG_WARN));
	for (i = 0; i < ST_ARRAY_LEN(files); i++) {
		text = slurp(files[i], &len);
		ST_CHECK(text != NULL);
		/* Cut inside the records, after the prolog. */
		ST_CHECK(write_file(&fx, "cut.xml", text, len * 2 / 3, path, sizeof(path)) != NULL);
		free(text);
		memset(&err, 0, sizeof(err));
		rc = import_one(&fx, path, &stats, &err);
		ST_CHECK_INT(rc, STRATA_ECORRUPT);
		ST_CHECK(strstr(err.msg, "cut.xml: invalid XML at line") != NULL);
		ST_CHECK_INT(count_records(&fx), 0);
	}
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(undeclared_entity_fails)
{
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};

	ST_CHECK(st_test_store_setup(&fx, "oval", ST_DIAG_WARN));
	ST_CHECK_INT(import_text(&fx, "ent.xml", "<updates><update type=\"security\">"
				 "<id>ALAS2-2024-1&foo;</id></update></updates>", &stats, &err),
		     STRATA_ECORRUPT);
	ST_CHECK(strstr(err.msg, "ent.xml: invalid XML at line 1") != NULL);
	ST_CHECK(strstr(err.msg, "foo") != NULL);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

/* A listening loopback socket that no one should connect to. */
static int listen_loopback(int *port)
{
	struct sockaddr_in addr = {0};
	socklen_t len = sizeof(addr);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, 4) < 0 ||
	    getsockname(fd, (struct sockaddr *)&addr, &len) < 0) {
		close(fd);
		return -1;
	}
	*port = ntohs(addr.sin_port);
	return fd;
}

ST_TEST(external_entities_never_fetched)
{
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};
	char secret[256];
	char doc[2048];
	char path[256];
	int port = 0;
	int fd;
	int peer;
	int i;

	ST_CHECK(st_test_store_setup(&fx, "oval", ST_DIAG_WARN));
	ST_CHECK(write_file(&fx, "secret.txt", "TOPSECRET", 9, secret, sizeof(secret)) != NULL);
	fd = listen_loopback(&port);
	ST_CHECK(fd >= 0);
	for (i = 0; i < 3; i++) {
		/* A file entity, a network DTD, and a parameter entity hidden
		 * after a comment and a processing instruction. */
		if (i == 0)
			snprintf(doc, sizeof(doc), "<?xml version=\"1.0\"?>\n<!DOCTYPE updates [\n"
				 "<!ENTITY xxe SYSTEM \"file://%s\">]>\n<updates><update "
				 "type=\"security\"><id>ALAS2-2024-1</id><title>&xxe;</title>"
				 "</update></updates>", secret);
		else if (i == 1)
			snprintf(doc, sizeof(doc), "<!DOCTYPE rss SYSTEM \"http://127.0.0.1:%d/x.dtd"
				 "\"><rss><channel><item><title>&ext;</title></item></channel></rss>",
				 port);
		else
			snprintf(doc, sizeof(doc), "<!-- c --><?pi?>\n<!DOCTYPE oval_definitions [\n"
				 "<!ENTITY %% p SYSTEM \"http://127.0.0.1:%d/p.dtd\"> %%p;]>"
				 "<oval_definitions/>", port);
		ST_CHECK(write_file(&fx, "xxe.xml", doc, strlen(doc), path, sizeof(path)) != NULL);
		memset(&err, 0, sizeof(err));
		ST_CHECK_INT(import_one(&fx, path, &stats, &err), STRATA_EUNSUPPORTED);
		ST_CHECK(strstr(err.msg, "xxe.xml: document type declaration rejected") != NULL);
	}
	peer = accept(fd, NULL, NULL);
	ST_CHECK(peer < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
	close(fd);
	ST_CHECK_INT(count_records(&fx), 0);
	ST_CHECK_INT(query_int(&fx, "SELECT count(*) FROM vulnerability WHERE summary LIKE "
			       "'%TOPSECRET%'", NULL), 0);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(billion_laughs_rejected)
{
	static const char doc[] =
		"<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n"
		" <!ENTITY a \"lollollollollollollollollollol\">\n"
		" <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
		" <!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
		" <!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
		" <!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
		" <!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n"
		" <!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">\n"
		" <!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\">\n"
		" <!ENTITY i \"&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;\">\n"
		"]>\n<rss><channel><item><title>ALAS-1 (low): &i;</title></item></channel></rss>";
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};

	ST_CHECK(st_test_store_setup(&fx, "oval", ST_DIAG_WARN));
	ST_CHECK_INT(import_text(&fx, "lol.xml", doc, &stats, &err), STRATA_EUNSUPPORTED);
	ST_CHECK(strstr(err.msg, "lol.xml: document type declaration rejected") != NULL);
	ST_CHECK_INT(count_records(&fx), 0);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(oversized_document_rejected)
{
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};
	struct st_import_ctx ctx = {0};
	struct st_writer writer;
	size_t len;
	char *text;

	ST_CHECK(st_test_store_setup(&fx, "oval", ST_DIAG_WARN));
	fx.lim.feed_file_bytes = 4096;
	ST_CHECK_INT(import_one(&fx, "feeds/mariner/mariner-2.0-oval-truncated.xml", &stats, &err),
		     STRATA_ELIMIT);
	ST_CHECK(strstr(err.msg, "over feed_file_bytes (4096)") != NULL);

	/* The importer checks the limit itself too. */
	text = slurp("feeds/mariner/mariner-2.0-oval-truncated.xml", &len);
	ST_CHECK(text != NULL);
	ST_CHECK_INT(st_writer_init(&writer, fx.db, &err), 0);
	ctx.writer = &writer;
	ctx.limits = &fx.lim;
	ctx.diag = &fx.diag;
	ctx.stats = &stats;
	ctx.name = "big.xml";
	memset(&err, 0, sizeof(err));
	ST_CHECK_INT(st_import_oval(&ctx, st_slice_make(text, len), &err), STRATA_ELIMIT);
	ST_CHECK(strstr(err.msg, "big.xml: 10588 bytes, over feed_file_bytes (4096)") != NULL);
	st_writer_dispose(&writer);
	free(text);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(nesting_over_json_depth_rejected)
{
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};
	char doc[8192];
	size_t len;
	int i;

	ST_CHECK(st_test_store_setup(&fx, "oval", ST_DIAG_WARN));
	fx.lim.json_depth = 16;
	/* Nested criteria inside one definition: the subtree check. */
	len = (size_t)snprintf(doc, sizeof(doc), "%s<definition id=\"d:1\"><metadata>"
			       "<title>CVE-2024-0001 x</title></metadata>", MARINER_HEAD);
	for (i = 0; i < 40; i++)
		len += (size_t)snprintf(doc + len, sizeof(doc) - len, "<criteria>");
	for (i = 0; i < 40; i++)
		len += (size_t)snprintf(doc + len, sizeof(doc) - len, "</criteria>");
	snprintf(doc + len, sizeof(doc) - len, "</definition></definitions></oval_definitions>");
	ST_CHECK_INT(import_text(&fx, "deep.xml", doc, &stats, &err), STRATA_ELIMIT);
	ST_CHECK(strstr(err.msg, "deep.xml: elements nested deeper than 16 (json_depth)") != NULL);

	/* Nesting outside any record: the reader's check. */
	len = (size_t)snprintf(doc, sizeof(doc), "<updates>");
	for (i = 0; i < 40; i++)
		len += (size_t)snprintf(doc + len, sizeof(doc) - len, "<x>");
	for (i = 0; i < 40; i++)
		len += (size_t)snprintf(doc + len, sizeof(doc) - len, "</x>");
	snprintf(doc + len, sizeof(doc) - len, "</updates>");
	memset(&err, 0, sizeof(err));
	fx.lim.json_depth = 16;
	ST_CHECK_INT(import_text(&fx, "deep2.xml", doc, &stats, &err), 0);
	/* Skipped subtrees are not walked, so they need no bound here, but
	 * an update nested that deep is. */
	ST_CHECK_INT(import_text(&fx, "deep3.xml",
				 "<updates><update type=\"security\"><id>ALAS2-2024-1</id>"
				 "<a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a>"
				 "</a></a></a></a></a></a></a></a></a></a></a></a></a></a></a></a>"
				 "</a></a></update></updates>", &stats, &err), STRATA_ELIMIT);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(updateinfo_malformed_updates_skipped)
{
	static const char doc[] =
		"<updates>"
		"<update type=\"security\"><id>ALAS2-2024-0001</id><severity>low</severity>"
		"<pkglist><collection><package name=\"ok\" version=\"1.0\" release=\"1.amzn2\" "
		"arch=\"x86_64\"/></collection></pkglist></update>"
		"<update type=\"security\"><id>ALAS2-2024-0002</id><pkglist><collection>"
		"<package name=\"p\" epoch=\"x\" version=\"1\" release=\"1\"/></collection>"
		"</pkglist></update>"
		"<update type=\"security\"><id>ALAS2-2024-0003</id><pkglist><collection>"
		"<package name=\"p\" version=\"1\"/></collection></pkglist></update>"
		"<update type=\"security\"><id>ALASKERNEL-5.10-2024-001</id><pkglist><collection>"
		"<package name=\"kernel\" version=\"5.10.1\" release=\"1.amzn2\"/></collection>"
		"</pkglist></update>"
		"<update type=\"security\"><id>RHSA-2024:1</id></update>"
		"<update type=\"security\"><id>bad id</id></update>"
		"<update type=\"bugfix\"><id>ALAS2-2024-0004</id></update>"
		"<update type=\"security\"><id>ALAS-2024-0005</id><pkglist><collection>"
		"<package name=\"old\" epoch=\"0\" version=\"2\" release=\"3.amzn1\"/>"
		"</collection></pkglist></update>"
		"</updates>";
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};
	char rows[2048];

	ST_CHECK(st_test_store_setup(&fx, "oval", ST_DIAG_WARN));
	ST_CHECK_INT(import_text(&fx, "ui.xml", doc, &stats, &err), 0);
	ST_CHECK(dump_rows(&fx, ST_SOURCE_AMAZON_UPDATEINFO, rows, sizeof(rows)));
	ST_CHECK_STR(rows, "ALAS-2024-0005|amzn:1|old|fixed|0:2-3.amzn1|-||rpm\n"
		     "ALAS2-2024-0001|amzn:2|ok|fixed|1.0-1.amzn2|LOW|amazon|rpm\n");
	ST_CHECK_INT(stats.records, 2);
	ST_CHECK_INT(stats.skipped, 4);
	ST_CHECK(strstr(fx.log, "update ALAS2-2024-0002: package p: epoch is not a number; "
			"skipped") != NULL);
	ST_CHECK(strstr(fx.log, "update ALAS2-2024-0003: a package has no valid name") != NULL);
	ST_CHECK(strstr(fx.log, "update RHSA-2024:1: id of no known release; skipped") != NULL);
	ST_CHECK(strstr(fx.log, "update #5 has no valid id; skipped") != NULL);
	ST_CHECK(strstr(fx.log, "ALASKERNEL") == NULL);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(rss_item_without_severity_skipped)
{
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};

	ST_CHECK(st_test_store_setup(&fx, "oval", ST_DIAG_WARN));
	ST_CHECK_INT(import_text(&fx, "feed.xml",
				 "<rss><channel><title>t</title><item><title>no severity</title>"
				 "</item><item><title>ALAS2-2024-9 (medium): curl</title>"
				 "<description>CVE-2024-1111,CVE-2024-2222 CVE-x</description>"
				 "</item></channel></rss>", &stats, &err), 0);
	ST_CHECK_INT(stats.records, 1);
	ST_CHECK_INT(stats.skipped, 1);
	ST_CHECK(strstr(fx.log, "item #0 has no title") != NULL);
	ST_CHECK_INT(count_aliases(&fx, "ALAS2-2024-9"), 2);
	ST_CHECK_INT(query_int(&fx, "SELECT severity FROM vulnerability WHERE name = ?",
			       "ALAS2-2024-9"), ST_SEVERITY_MEDIUM);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(product_names_map_to_distro_keys)
{
	/* One SUSE definition per product comment; the row's distro shows
	 * the mapping, and no row means the product has no key. */
	static const struct {
		const char *product;
		const char *distro;
	} cases[] = {
		{"SUSE Linux Enterprise Server 15 SP5", "sles:15.5"},
		{"SUSE Linux Enterprise Server 15", "sles:15.0"},
		{"SUSE Linux Enterprise Server 12-LTSS", "sles:12.0"},
		{"SUSE Linux Enterprise Server 12 SP5-LTSS", "sles:12.5"},
		{"SUSE Linux Enterprise Module for Python 3 15 SP4", "sles:15.4"},
		{"SUSE Linux Enterprise Module for Basesystem 15 SP3", "sles:15.3"},
		{"openSUSE Leap 15.5", "opensuse-leap:15.5"},
		{"openSUSE Tumbleweed", "opensuse-tumbleweed"},
		{"SUSE Linux Enterprise Desktop 15 SP5", NULL},
		{"SUSE Linux Enterprise Server for SAP Applications 15 SP5", NULL},
		{"SUSE Linux Enterprise Server 15 SP5 extra", NULL},
	};
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};
	char doc[1024];
	char rows[512];
	char line[256];
	size_t i;

	ST_CHECK(st_test_store_setup(&fx, "oval", ST_DIAG_WARN));
	for (i = 0; i < ST_ARRAY_LEN(cases); i++) {
		snprintf(doc, sizeof(doc),
			 "<oval_definitions><generator><product_name>Marcus Updateinfo to OVAL "
			 "Converter</product_name></generator><definitions><definition "
			 "id=\"d:%zu\" class=\"vulnerability\"><metadata><title>CVE-2024-%04zu"
			 "</title></metadata><criteria operator=\"AND\"><criterion test_ref=\"p\" "
			 "comment=\"%s is installed\"/><criterion test_ref=\"t\" comment=\"x\"/>"
			 "</criteria></definition></definitions><tests><rpminfo_test id=\"t\">"
			 "<object object_ref=\"o\"/><state state_ref=\"s\"/></rpminfo_test></tests>"
			 "<objects><rpminfo_object id=\"o\"><name>pkg</name></rpminfo_object>"
			 "</objects><states><rpminfo_state id=\"s\"><evr operation=\"less than\">"
			 "0:1-1</evr></rpminfo_state></states></oval_definitions>", i, i + 1000,
			 cases[i].product);
		ST_CHECK_INT(import_text(&fx, "suse.xml", doc, &stats, &err), 0);
		ST_CHECK(dump_rows(&fx, ST_SOURCE_SUSE_OVAL, rows, sizeof(rows)));
		if (cases[i].distro == NULL) {
			line[0] = '\0';
		} else {
			snprintf(line, sizeof(line), "CVE-2024-%04zu|%s|pkg|fixed|0:1-1|-||rpm\n",
				 i + 1000, cases[i].distro);
		}
		if (strcmp(rows, line) != 0)
			fprintf(stderr, "# product %s\n", cases[i].product);
		ST_CHECK_STR(rows, line);
		/* Start the next case from an empty store. */
		st_db_exec(fx.db, "DELETE FROM vulnerability", &err);
	}
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(sles_ga_key_matches_os_classify)
{
	/* A SLES 15 GA image (os-release VERSION_ID "15") is classified as
	 * "sles:15.0". The importer used to store "SUSE Linux Enterprise
	 * Server 15" as "sles:15", so no advisory of the first release ever
	 * matched such an image. */
	static const char doc[] =
		"<oval_definitions><generator><product_name>Marcus Updateinfo to OVAL "
		"Converter</product_name></generator><definitions><definition id=\"d:1\" "
		"class=\"vulnerability\"><metadata><title>CVE-2024-0001</title></metadata>"
		"<criteria operator=\"AND\"><criterion test_ref=\"p\" comment=\"SUSE Linux "
		"Enterprise Server 15 is installed\"/><criterion test_ref=\"t\" comment=\"x\"/>"
		"</criteria></definition></definitions><tests><rpminfo_test id=\"t\">"
		"<object object_ref=\"o\"/><state state_ref=\"s\"/></rpminfo_test></tests>"
		"<objects><rpminfo_object id=\"o\"><name>pkg</name></rpminfo_object></objects>"
		"<states><rpminfo_state id=\"s\"><evr operation=\"less than\">0:1-1</evr>"
		"</rpminfo_state></states></oval_definitions>";
	struct st_os os = {.id = "sles", .version_id = "15", .found = true};
	struct st_arena arena;
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};
	char rows[512];
	char line[256];

	st_arena_init(&arena);
	ST_CHECK_INT(st_os_classify(&os, &arena, 0, &err), 0);
	ST_CHECK(os.distro_key != NULL);
	ST_CHECK(st_test_store_setup(&fx, "oval", ST_DIAG_WARN));
	ST_CHECK_INT(import_text(&fx, "sles15.xml", doc, &stats, &err), 0);
	ST_CHECK(dump_rows(&fx, ST_SOURCE_SUSE_OVAL, rows, sizeof(rows)));
	snprintf(line, sizeof(line), "CVE-2024-0001|%s|pkg|fixed|0:1-1|-||rpm\n",
		 os.distro_key);
	ST_CHECK_STR(rows, line);
	st_test_store_teardown(&fx);
	st_arena_dispose(&arena);
	return ST_TEST_PASS;
}

ST_TEST(namespace_warning_not_fatal)
{
	/* libxml2 warns about a relative namespace URI; that alone does not
	 * make the document invalid. */
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};

	ST_CHECK(st_test_store_setup(&fx, "oval", ST_DIAG_WARN));
	ST_CHECK_INT(import_text(&fx, "ns.xml",
				 "<updates xmlns=\"relative/uri\"><update type=\"security\">"
				 "<id>ALAS2-2024-7</id><pkglist><collection><package name=\"a\" "
				 "version=\"1\" release=\"2.amzn2\"/></collection></pkglist></update>"
				 "</updates>", &stats, &err), 0);
	ST_CHECK_INT(stats.records, 1);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}
