/* Tests of the OSV importer per ecosystem, the CVSS calculators, the YAML
 * form of OSV records, and imports of the full Go and PyPI snapshots. Each
 * test builds its own database in a temporary directory from
 * tests/data/feeds/osv-eco, osv-full and records it writes itself. */
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "testlib.h"
#include "inventory/inventory.h"
#include "vuln/cvss.h"
#include "vuln/vuln.h"
#include "vuln/vuln_internal.h"

/* Fixtures ----------------------------------------------------------------- */

/* Imports one path: REL under tests/data, or an absolute path. */
static int import_one(struct st_test_store *fx, const char *rel, struct st_import_stats *stats)
{
	struct strata_error err = {0};
	char buf[512];
	const char *paths[1];
	int rc;

	if (rel[0] == '/')
		snprintf(buf, sizeof(buf), "%s", rel);
	else
		snprintf(buf, sizeof(buf), "%s", st_test_data_path(rel));
	paths[0] = buf;
	rc = st_db_import(fx->db, paths, 1, &fx->lim, &fx->diag, stats, &err);
	if (rc < 0)
		fprintf(stderr, "# import %s: %s\n", rel, err.msg);
	return rc;
}

/* Writes TEXT to NAME in the fixture directory and returns the path in
 * BUF. */
static const char *write_file(struct st_test_store *fx, const char *name, const char *text,
			      char *buf, size_t size)
{
	FILE *f;

	snprintf(buf, size, "%s/%s", fx->dir, name);
	f = fopen(buf, "w");
	if (f == NULL)
		return NULL;
	fputs(text, f);
	fclose(f);
	return buf;
}

/* Runs SQL returning one row and copies its columns, joined by '|', into
 * OUT ("" when there is no row, NULL columns as "-"). */
static const char *query(struct st_test_store *fx, const char *sql, char *out, size_t size)
{
	sqlite3 *h = fx->db->sql;
	sqlite3_stmt *stmt = NULL;
	size_t len = 0;
	int i;

	out[0] = '\0';
	if (sqlite3_prepare_v2(h, sql, -1, &stmt, NULL) != SQLITE_OK) {
		fprintf(stderr, "# %s: %s\n", sql, sqlite3_errmsg(h));
		return "error";
	}
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		for (i = 0; i < sqlite3_column_count(stmt); i++) {
			const char *v = (const char *)sqlite3_column_text(stmt, i);
			int n = snprintf(out + len, size - len, "%s%s", i ? "|" : "", v ? v : "-");

			if (n < 0 || (size_t)n >= size - len)
				break;
			len += (size_t)n;
		}
	}
	sqlite3_finalize(stmt);
	return out;
}

/* CVSS --------------------------------------------------------------------- */

struct cvss_case {
	const char *vector;
	int version;
	int tenths;
};

/* Vectors and the base scores that NVD (API 2.0 responses) and Red Hat
 * (CSAF documents) publish next to them, plus scope-changed, rounding and
 * zero-impact cases of the v3.1 equations. */
static const struct cvss_case v3_cases[] = {
	{"CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:N/I:N/A:H", ST_CVSS_V31, 53},
	{"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:H", ST_CVSS_V31, 59},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:N/I:H/A:N", ST_CVSS_V31, 65},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", ST_CVSS_V31, 75},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", ST_CVSS_V31, 88},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:N/I:L/A:L", ST_CVSS_V31, 54},
	{"CVSS:3.1/AV:N/AC:L/PR:H/UI:R/S:C/C:L/I:L/A:N", ST_CVSS_V31, 48},
	{"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N", ST_CVSS_V31, 43},
	{"CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N", ST_CVSS_V31, 54},
	{"CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:H/I:N/A:N", ST_CVSS_V31, 53},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N", ST_CVSS_V31, 53},
	{"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:L/A:N", ST_CVSS_V31, 71},
	{"CVSS:3.1/AV:N/AC:H/PR:L/UI:R/S:C/C:H/I:L/A:N", ST_CVSS_V31, 65},
	{"CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N", ST_CVSS_V31, 43},
	{"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", ST_CVSS_V31, 88},
	{"CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", ST_CVSS_V31, 72},
	{"CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:L/A:L", ST_CVSS_V31, 50},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", ST_CVSS_V31, 75},
	{"CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:U/C:N/I:N/A:H", ST_CVSS_V31, 44},
	{"CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:N/I:N/A:L", ST_CVSS_V31, 27},
	{"CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:N/I:N/A:H", ST_CVSS_V31, 49},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:L", ST_CVSS_V31, 71},
	{"CVSS:3.1/AV:N/AC:L/PR:H/UI:R/S:C/C:L/I:L/A:L", ST_CVSS_V31, 59},
	{"CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:L", ST_CVSS_V31, 65},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", ST_CVSS_V31, 61},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", ST_CVSS_V31, 98},
	{"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N", ST_CVSS_V31, 65},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", ST_CVSS_V31, 100},
	{"CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", ST_CVSS_V31, 16},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", ST_CVSS_V31, 0},
	/* Metrics in another order, and temporal metrics, which the base
	 * score ignores. */
	{"CVSS:3.1/C:H/I:H/A:H/AV:N/AC:L/PR:N/UI:N/S:U/E:U/RL:O", ST_CVSS_V31, 98},
	{"CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", ST_CVSS_V30, 98},
	{"CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", ST_CVSS_V30, 61},
};

ST_TEST(cvss_v3_published_scores)
{
	int version;
	int tenths;
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(v3_cases); i++) {
		struct strata_error err = {0};

		if (st_cvss_score(v3_cases[i].vector, &version, &tenths, &err) != 0) {
			fprintf(stderr, "# %s: %s\n", v3_cases[i].vector, err.msg);
			return ST_TEST_FAIL;
		}
		if (tenths != v3_cases[i].tenths)
			fprintf(stderr, "# %s\n", v3_cases[i].vector);
		ST_CHECK_INT(tenths, v3_cases[i].tenths);
		ST_CHECK_INT(version, v3_cases[i].version);
	}
	return ST_TEST_PASS;
}

ST_TEST(cvss_v2_and_v4_scores)
{
	static const struct cvss_case cases[] = {
		/* NVD API 2.0 fixture: v2 vector with baseScore 4.3. */
		{"AV:N/AC:M/Au:N/C:N/I:P/A:N", ST_CVSS_V2, 43},
		{"AV:N/AC:L/Au:N/C:P/I:P/A:P", ST_CVSS_V2, 75},
		{"(AV:N/AC:L/Au:N/C:C/I:C/A:C)", ST_CVSS_V2, 100},
		{"AV:L/AC:L/Au:N/C:N/I:N/A:N", ST_CVSS_V2, 0},
		/* v4.0: the highest MacroVector scores are the table's own. */
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", ST_CVSS_V40, 100},
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", ST_CVSS_V40, 93},
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", ST_CVSS_V40, 0},
		/* Interpolated within a MacroVector. */
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N", ST_CVSS_V40, 69},
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N", ST_CVSS_V40, 87},
		{"CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", ST_CVSS_V40, 85},
		/* E:X (not defined) counts as E:A, the worst case. */
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:X", ST_CVSS_V40,
		 93},
		/* Supplemental metrics do not change the score. */
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/S:P/U:Amber",
		 ST_CVSS_V40, 93},
	};
	int version;
	int tenths;
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(cases); i++) {
		struct strata_error err = {0};

		if (st_cvss_score(cases[i].vector, &version, &tenths, &err) != 0) {
			fprintf(stderr, "# %s: %s\n", cases[i].vector, err.msg);
			return ST_TEST_FAIL;
		}
		if (tenths != cases[i].tenths)
			fprintf(stderr, "# %s\n", cases[i].vector);
		ST_CHECK_INT(tenths, cases[i].tenths);
		ST_CHECK_INT(version, cases[i].version);
	}
	return ST_TEST_PASS;
}

ST_TEST(cvss_invalid_vectors_rejected)
{
	static const char *const bad[] = {
		"",
		"CVSS:3.1/",
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",         /* A missing */
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/",    /* empty component */
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/A:H", /* twice */
		"CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",     /* bad value */
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:1", /* unknown metric */
		"CVSS:3.1/av:n/ac:l/pr:n/ui:n/s:u/c:h/i:h/a:h",
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A",
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:",
		"CVSS:5.0/AV:N",
		"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N",
		"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MSC:S",
		"CVSS:4.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
		"AV:N/AC:L/Au:N/C:P/I:P",
		"AV:N/AC:L/Au:N/C:P/I:P/A:P/E:XX",
		"(AV:N/AC:L/Au:N/C:P/I:P/A:P",
		"not a vector",
	};
	struct strata_error err = {0};
	char longest[ST_CVSS_VECTOR_MAX + 16];
	int version;
	int tenths;
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(bad); i++) {
		if (st_cvss_score(bad[i], &version, &tenths, &err) != STRATA_EINVAL) {
			fprintf(stderr, "# accepted: %s\n", bad[i]);
			return ST_TEST_FAIL;
		}
		ST_CHECK(strstr(err.msg, "invalid CVSS vector") != NULL);
	}
	/* Over ST_CVSS_VECTOR_MAX bytes: rejected before parsing. */
	memset(longest, 'A', sizeof(longest) - 1);
	longest[sizeof(longest) - 1] = '\0';
	ST_CHECK_INT(st_cvss_score(longest, &version, &tenths, &err), STRATA_EINVAL);
	ST_CHECK(strstr(err.msg, "over") != NULL);
	ST_CHECK_INT(st_cvss_score(NULL, &version, &tenths, NULL), STRATA_EINVAL);
	return ST_TEST_PASS;
}

ST_TEST(cvss_severity_scale)
{
	ST_CHECK_INT(st_cvss_severity(ST_CVSS_V31, 0), ST_SEVERITY_NEGLIGIBLE);
	ST_CHECK_INT(st_cvss_severity(ST_CVSS_V31, 1), ST_SEVERITY_LOW);
	ST_CHECK_INT(st_cvss_severity(ST_CVSS_V31, 39), ST_SEVERITY_LOW);
	ST_CHECK_INT(st_cvss_severity(ST_CVSS_V31, 40), ST_SEVERITY_MEDIUM);
	ST_CHECK_INT(st_cvss_severity(ST_CVSS_V40, 69), ST_SEVERITY_MEDIUM);
	ST_CHECK_INT(st_cvss_severity(ST_CVSS_V40, 70), ST_SEVERITY_HIGH);
	ST_CHECK_INT(st_cvss_severity(ST_CVSS_V30, 89), ST_SEVERITY_HIGH);
	ST_CHECK_INT(st_cvss_severity(ST_CVSS_V30, 90), ST_SEVERITY_CRITICAL);
	ST_CHECK_INT(st_cvss_severity(ST_CVSS_V31, 100), ST_SEVERITY_CRITICAL);
	/* NVD's v2 scale stops at HIGH. */
	ST_CHECK_INT(st_cvss_severity(ST_CVSS_V2, 100), ST_SEVERITY_HIGH);
	return ST_TEST_PASS;
}

/* Ecosystems ----------------------------------------------------------------- */

ST_TEST(osv_ecosystem_distro_keys)
{
	static const struct {
		const char *osv, *type, *distro;
	} cases[] = {
		{"Hackage", "hackage", ""},
		{"Ubuntu:22.04:LTS", "deb", "ubuntu:22.04"},
		{"Ubuntu:Pro:18.04:LTS", "deb", "ubuntu-pro:18.04"},
		{"Ubuntu:25.10", "deb", "ubuntu:25.10"},
		{"Ubuntu:Pro:FIPS-updates:22.04:LTS", "deb", "ubuntu-pro-fips-updates:22.04"},
		{"Ubuntu:Pro", "deb", "ubuntu:pro"},
		{"AlmaLinux:9", "rpm", "almalinux:9"},
		{"Rocky Linux:9", "rpm", "rocky:9"},
		{"Alpine:v3.18", "apk", "alpine:v3.18"},
		{"Chainguard", "apk", "chainguard"},
		{"Wolfi", "apk", "wolfi"},
		{"Red Hat:enterprise_linux:9::appstream", "rpm", "rhel:9"},
		{"Red Hat:rhel_eus:8.6::baseos", "rpm", "rhel:rhel_eus:8.6::baseos"},
		{"SUSE:Linux Enterprise Server 15 SP5", "rpm", "sles:15.5"},
		{"SUSE:Linux Enterprise Server 12", "rpm", "sles:12.0"},
		{"SUSE:Linux Enterprise Micro 5.5", "rpm", "suse:linux enterprise micro 5.5"},
		{"openSUSE:Leap 15.5", "rpm", "opensuse-leap:15.5"},
		{"openSUSE:Tumbleweed", "rpm", "opensuse-tumbleweed"},
		{"Debian:12", "deb", "debian:bookworm"},
	};
	struct st_arena arena;
	const char *type;
	const char *distro;
	size_t i;

	st_arena_init(&arena);
	for (i = 0; i < ST_ARRAY_LEN(cases); i++) {
		ST_CHECK(st_osv_ecosystem_map(cases[i].osv, &arena, &type, &distro));
		ST_CHECK_STR(type, cases[i].type);
		ST_CHECK_STR(distro, cases[i].distro);
	}
	st_arena_dispose(&arena);
	return ST_TEST_PASS;
}

/* Columns of an affected row of advisory ID for package PKG in DISTRO. */
#define AFFECTED_SQL(id, distro, pkg)                                                  \
	"SELECT a.ecosystem, a.distro, a.package, a.feed_ecosystem, a.evaluation,"     \
	" coalesce(a.severity, ''), coalesce(a.severity_source, ''),"                  \
	" (SELECT group_concat(e.kind || '=' || e.version, ',') FROM"                  \
	"  (SELECT e.kind, e.version FROM affected_range r JOIN range_event e"         \
	"   ON e.range_id = r.id WHERE r.affected_id = a.id ORDER BY r.id, e.seq) e),"  \
	" (SELECT count(*) FROM affected_version x WHERE x.affected_id = a.id)"        \
	" FROM affected a JOIN vulnerability v ON v.id = a.vuln_id"                     \
	" WHERE v.name = '" id "' AND a.distro = '" distro "' AND a.package = '" pkg "'"

#define VULN_SQL(id)                                                                   \
	"SELECT v.severity, coalesce(v.severity_source, ''), v.withdrawn IS NOT NULL,"   \
	" (SELECT count(*) FROM affected a WHERE a.vuln_id = v.id)"                      \
	" FROM vulnerability v WHERE v.name = '" id "'"

ST_TEST(osv_rows_per_ecosystem)
{
	struct st_test_store fx;
	struct st_import_stats stats = {0};
	char row[1024];

	ST_CHECK(st_test_store_setup(&fx, "osv", ST_DIAG_INFO));
	ST_CHECK_INT(import_one(&fx, "feeds/osv-eco", &stats), 0);
	ST_CHECK_INT(stats.records, 16);
	ST_CHECK_INT(stats.skipped, 0);

	/* AlmaLinux and Rocky Linux: rpm rows of the release, binary package
	 * names as the feed lists them, Red Hat's rating from the summary. */
	ST_CHECK_STR(query(&fx, VULN_SQL("ALSA-2024:2433"), row, sizeof(row)),
		     "3|osv:summary|0|10");
	ST_CHECK_STR(query(&fx, AFFECTED_SQL("ALSA-2024:2433", "almalinux:9", "avahi"), row,
			   sizeof(row)),
		     "rpm|almalinux:9|avahi|AlmaLinux:9|ranges|||introduced=0,fixed=0.8-20.el9|0");
	ST_CHECK_STR(query(&fx, VULN_SQL("RLSA-2024:3671"), row, sizeof(row)),
		     "3|osv:summary|0|3");
	ST_CHECK_STR(query(&fx, AFFECTED_SQL("RLSA-2024:3671", "rocky:9", "ruby"), row,
			   sizeof(row)),
		     "rpm|rocky:9|ruby|Rocky Linux:9|ranges|||introduced=0,"
		     "fixed=0:3.3.1-2.module+el9.4.0+20787+4c237fd3|0");

	/* Chainguard and Wolfi rows of one record; its only rating is a CVSS
	 * v3.1 vector (9.1). */
	ST_CHECK_STR(query(&fx, VULN_SQL("CGA-224q-ccj5-2p53"), row, sizeof(row)),
		     "5|osv:cvss_v3|0|4");
	ST_CHECK_STR(query(&fx, AFFECTED_SQL("CGA-224q-ccj5-2p53", "chainguard", "haproxy-2.2"),
			   row, sizeof(row)),
		     "apk|chainguard|haproxy-2.2|Chainguard|ranges|||introduced=0,fixed=2.2.34-r0|0");
	ST_CHECK_STR(query(&fx, AFFECTED_SQL("CGA-224q-ccj5-2p53", "wolfi", "haproxy-3.0"), row,
			   sizeof(row)),
		     "apk|wolfi|haproxy-3.0|Wolfi|ranges|||introduced=0,fixed=3.0.10-r0|0");

	/* GHSA's word beats the computed CVSS score (7.5, also HIGH). */
	ST_CHECK_STR(query(&fx, VULN_SQL("GHSA-m5pq-gvj9-9vr8"), row, sizeof(row)),
		     "4|osv:database_specific|0|1");
	ST_CHECK_STR(query(&fx, AFFECTED_SQL("GHSA-m5pq-gvj9-9vr8", "", "regex"), row,
			   sizeof(row)),
		     "cargo||regex|crates.io|ranges|||introduced=0,fixed=1.5.5|0");

	/* Go: SEMVER ranges, no rating in the record. */
	ST_CHECK_STR(query(&fx, VULN_SQL("GO-2023-1989"), row, sizeof(row)), "0||0|1");
	ST_CHECK_STR(query(&fx, AFFECTED_SQL("GO-2023-1989", "", "golang.org/x/image"), row,
			   sizeof(row)),
		     "golang||golang.org/x/image|Go|ranges|||introduced=0,fixed=0.10.0|0");

	/* PyPI from YAML: versions stay strings ('2.10', not 2.1). */
	ST_CHECK_STR(query(&fx, AFFECTED_SQL("PYSEC-2019-217", "", "jinja2"), row, sizeof(row)),
		     "pypi||jinja2|PyPI|ranges|||introduced=0,fixed=2.10.1|31");
	ST_CHECK_STR(query(&fx,
			   "SELECT count(*) FROM affected_version x JOIN affected a ON"
			   " a.id = x.affected_id WHERE a.package = 'jinja2' AND"
			   " x.version IN ('2.10', '2.0', '2.1')",
			   row, sizeof(row)),
		     "3");
	ST_CHECK_STR(query(&fx,
			   "SELECT group_concat(alias, ',') FROM (SELECT alias FROM alias a JOIN"
			   " vulnerability v ON v.id = a.vuln_id WHERE v.name = 'PYSEC-2019-217'"
			   " ORDER BY alias)",
			   row, sizeof(row)),
		     "CVE-2019-10906,GHSA-462w-v97r-4m45");

	/* Ubuntu: one row per release, keyed as st_os_classify does, with the
	 * source package as package (the binaries stay in the record's
	 * ecosystem_specific). The record's Ubuntu priority wins over its
	 * CVSS vectors. */
	ST_CHECK_STR(query(&fx, VULN_SQL("UBUNTU-CVE-2021-3782"), row, sizeof(row)),
		     "3|osv:ubuntu|0|4");
	ST_CHECK_STR(query(&fx, AFFECTED_SQL("UBUNTU-CVE-2021-3782", "ubuntu:22.04", "wayland"),
			   row, sizeof(row)),
		     "deb|ubuntu:22.04|wayland|Ubuntu:22.04:LTS|ranges|||introduced=0,"
		     "fixed=1.20.0-1ubuntu0.1|2");
	ST_CHECK_STR(query(&fx, AFFECTED_SQL("UBUNTU-CVE-2021-3782", "ubuntu-pro:16.04",
					     "wayland"),
			   row, sizeof(row)),
		     "deb|ubuntu-pro:16.04|wayland|Ubuntu:Pro:16.04:LTS|ranges|||introduced=0,"
		     "fixed=1.12.0-1~ubuntu16.04.3+esm1|5");
	ST_CHECK_STR(query(&fx, VULN_SQL("UBUNTU-CVE-2022-24823"), row, sizeof(row)),
		     "2|osv:ubuntu|0|8");
	ST_CHECK_STR(query(&fx, AFFECTED_SQL("UBUNTU-CVE-2022-24823", "ubuntu:25.10", "netty"),
			   row, sizeof(row)),
		     "deb|ubuntu:25.10|netty|Ubuntu:25.10|ranges|||introduced=0|3");
	/* A USN rates each package through the CVEs it fixes. */
	ST_CHECK_STR(query(&fx, VULN_SQL("USN-5614-1"), row, sizeof(row)), "0||0|3");
	ST_CHECK_STR(query(&fx, AFFECTED_SQL("USN-5614-1", "ubuntu:18.04", "wayland"), row,
			   sizeof(row)),
		     "deb|ubuntu:18.04|wayland|Ubuntu:18.04:LTS|ranges|3|osv:ubuntu|introduced=0,"
		     "fixed=1.16.0-1ubuntu1.1~18.04.4|4");
	/* Withdrawn: stored with its date, rated from its vector (7.5). */
	ST_CHECK_STR(query(&fx, VULN_SQL("UBUNTU-CVE-2020-36325"), row, sizeof(row)),
		     "4|osv:cvss_v3|1|1");
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

/* Single records written by the tests --------------------------------------- */

static const char npm_record[] =
	"{\"id\": \"TEST-OSV-1\", \"modified\": \"2024-01-01T00:00:00Z\",%s"
	" \"affected\": [{\"package\": {\"ecosystem\": \"npm\", \"name\": \"left-pad\"},"
	" \"ranges\": [{\"type\": \"GIT\", \"repo\": \"https://example.invalid/r\","
	"  \"events\": [{\"introduced\": \"0\"}, {\"fixed\": \"abc123\"}]},"
	" {\"type\": \"SEMVER\", \"events\": [{\"introduced\": \"1.0.0\"},"
	"  {\"fixed\": \"1.3.0\"}]}]}]}";

static int count_findings(struct st_test_store *fx, const char *version)
{
	struct strata_error err = {0};
	struct st_inventory inv;
	struct st_findings f;
	struct st_package p = {0};
	int n = -1;

	st_inventory_init(&inv);
	st_findings_init(&f);
	p.type = "npm";
	p.name = "left-pad";
	p.version = version;
	p.path = "/test";
	if (st_inventory_add(&inv, &p, &err) == 0 &&
	    st_match_inventory(fx->db, &inv, &f, &fx->diag, &err) == 0)
		n = (int)f.count;
	st_findings_dispose(&f);
	st_inventory_dispose(&inv);
	return n;
}

ST_TEST(osv_withdrawn_never_matched)
{
	struct st_test_store fx;
	struct st_import_stats stats = {0};
	char text[2048];
	char path[256];

	ST_CHECK(st_test_store_setup(&fx, "osv", ST_DIAG_INFO));
	snprintf(text, sizeof(text), npm_record, "");
	ST_CHECK(write_file(&fx, "live.json", text, path, sizeof(path)) != NULL);
	ST_CHECK_INT(import_one(&fx, path, &stats), 0);
	ST_CHECK_INT(count_findings(&fx, "1.2.0"), 1);
	ST_CHECK_INT(count_findings(&fx, "1.3.0"), 0);

	/* The same record, withdrawn: it replaces the live one and stops
	 * matching. */
	snprintf(text, sizeof(text), npm_record, " \"withdrawn\": \"2024-02-01T00:00:00Z\",");
	ST_CHECK(write_file(&fx, "live.json", text, path, sizeof(path)) != NULL);
	ST_CHECK_INT(import_one(&fx, path, &stats), 0);
	ST_CHECK_INT(stats.records, 1);
	ST_CHECK_INT(count_findings(&fx, "1.2.0"), 0);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(osv_git_ranges_noted_once)
{
	struct st_test_store fx;
	struct st_import_stats stats = {0};
	char text[2048];
	char path[256];
	char row[256];
	char dir[128];
	const char *note;

	ST_CHECK(st_test_store_setup(&fx, "osv", ST_DIAG_INFO));
	snprintf(dir, sizeof(dir), "%s/feed", fx.dir);
	ST_CHECK(mkdir(dir, 0700) == 0);
	snprintf(text, sizeof(text), npm_record, "");
	ST_CHECK(write_file(&fx, "feed/a.json", text, path, sizeof(path)) != NULL);
	/* b.json gets another id, so that both records are stored. */
	memcpy(strstr(text, "TEST-OSV-1"), "TEST-OSV-2", 10);
	ST_CHECK(write_file(&fx, "feed/b.json", text, path, sizeof(path)) != NULL);
	ST_CHECK_INT(import_one(&fx, dir, &stats), 0);
	ST_CHECK_INT(stats.records, 2);

	/* Only the SEMVER range of each record is stored. */
	ST_CHECK_STR(query(&fx, "SELECT group_concat(type, ',') FROM affected_range", row,
			   sizeof(row)),
		     "SEMVER,SEMVER");
	/* One note for the directory, not one per record. */
	note = strstr(fx.log, "2 OSV ranges of type GIT left out");
	ST_CHECK(note != NULL);
	ST_CHECK(strstr(note + strlen("2 OSV ranges of type GIT left out"), "left out") == NULL);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(osv_invalid_vector_warns_unknown)
{
	static const char record[] =
		"{\"id\": \"TEST-CVSS-1\", \"modified\": \"2024-01-01T00:00:00Z\", \"severity\": ["
		" {\"type\": \"CVSS_V3\", \"score\": \"CVSS:3.1/AV:N/AC:L\"},"
		" {\"type\": \"CVSS_V4\", \"score\": \"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\"}],"
		" \"affected\": [{\"package\": {\"ecosystem\": \"npm\", \"name\": \"x\"},"
		" \"severity\": [{\"type\": \"CVSS_V4\", \"score\":"
		" \"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N\"}]}]}";
	struct st_test_store fx;
	struct st_import_stats stats = {0};
	char path[256];
	char row[256];

	ST_CHECK(st_test_store_setup(&fx, "osv", ST_DIAG_INFO));
	ST_CHECK(write_file(&fx, "cvss.json", record, path, sizeof(path)) != NULL);
	ST_CHECK_INT(import_one(&fx, path, &stats), 0);
	ST_CHECK_INT(stats.records, 1);
	ST_CHECK_STR(query(&fx, VULN_SQL("TEST-CVSS-1"), row, sizeof(row)), "0||0|1");
	ST_CHECK(strstr(fx.log, "base metric PR missing") != NULL);
	ST_CHECK(strstr(fx.log, "a CVSS_V4 entry holds another CVSS version") != NULL);
	ST_CHECK(strstr(fx.log, "severity left UNKNOWN") != NULL);
	/* The package's own v4.0 vector rates the package (6.9). */
	ST_CHECK_STR(query(&fx, "SELECT severity, severity_source FROM affected", row,
			   sizeof(row)),
		     "3|osv:cvss_v4");
	/* Vectors are stored as written, valid or not. */
	ST_CHECK_STR(query(&fx, "SELECT count(*) FROM score", row, sizeof(row)), "3");
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

/* YAML ------------------------------------------------------------------------ */

static int yaml(struct st_test_store *fx, const char *text, json_t **out, struct strata_error *err)
{
	return st_yaml_to_json(out, st_slice_make(text, strlen(text)), &fx->lim, err);
}

ST_TEST(yaml_scalars_and_structure)
{
	struct st_test_store fx;
	struct strata_error err = {0};
	json_t *root = NULL;
	const json_t *list;

	ST_CHECK(st_test_store_setup(&fx, "osv", ST_DIAG_INFO));
	ST_CHECK_INT(yaml(&fx,
			  "id: X-1\nversions:\n- 2.10\n- '2.0'\n- 1.0e3\nwithdrawn: ~\n"
			  "flag: true\nempty:\nquoted: \"null\"\n",
			  &root, &err),
		     0);
	ST_CHECK(json_is_object(root));
	list = json_object_get(root, "versions");
	ST_CHECK_INT(json_array_size(list), 3);
	ST_CHECK_STR(json_string_value(json_array_get(list, 0)), "2.10");
	ST_CHECK_STR(json_string_value(json_array_get(list, 1)), "2.0");
	ST_CHECK_STR(json_string_value(json_array_get(list, 2)), "1.0e3");
	ST_CHECK(json_is_null(json_object_get(root, "withdrawn")));
	ST_CHECK(json_is_true(json_object_get(root, "flag")));
	ST_CHECK(json_is_null(json_object_get(root, "empty")));
	ST_CHECK_STR(json_string_value(json_object_get(root, "quoted")), "null");
	json_decref(root);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(yaml_bomb_and_limits_rejected)
{
	static const char bomb[] =
		"a: &a [x, x, x, x, x, x, x, x, x]\n"
		"b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
		"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n";
	struct st_test_store fx;
	struct strata_error err = {0};
	json_t *root = NULL;
	char deep[256];
	size_t i;

	ST_CHECK(st_test_store_setup(&fx, "osv", ST_DIAG_INFO));
	ST_CHECK_INT(yaml(&fx, bomb, &root, &err), STRATA_ECORRUPT);
	ST_CHECK(strstr(err.msg, "aliases are not supported") != NULL);
	ST_CHECK(root == NULL);

	/* json_depth bounds the nesting before the nodes exist. */
	fx.lim.json_depth = 8;
	for (i = 0; i < 20; i++)
		deep[i] = '[';
	deep[i] = '\0';
	ST_CHECK_INT(yaml(&fx, deep, &root, &err), STRATA_ELIMIT);
	ST_CHECK(strstr(err.msg, "nested deeper than 8") != NULL);
	ST_CHECK_INT(yaml(&fx, "[[[[[[[x]]]]]]]", &root, &err), 0);
	json_decref(root);
	root = NULL;

	ST_CHECK_INT(yaml(&fx, "a: 1\n---\nb: 2\n", &root, &err), STRATA_ECORRUPT);
	ST_CHECK(strstr(err.msg, "more than one document") != NULL);
	ST_CHECK_INT(yaml(&fx, "? [a]\n: 1\n", &root, &err), STRATA_ECORRUPT);
	ST_CHECK(strstr(err.msg, "not a scalar") != NULL);
	ST_CHECK_INT(yaml(&fx, "a: [1, 2\n", &root, &err), STRATA_ECORRUPT);
	ST_CHECK(strstr(err.msg, "invalid YAML at line") != NULL);
	ST_CHECK_INT(yaml(&fx, "\"a\\0b\": 1\n", &root, &err), STRATA_ECORRUPT);
	ST_CHECK_INT(yaml(&fx, "a: \"\xff\"\n", &root, &err), STRATA_ECORRUPT);
	ST_CHECK_INT(yaml(&fx, "", &root, &err), 0);
	ST_CHECK(json_is_null(root));
	json_decref(root);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(yaml_records_skipped_or_imported)
{
	struct st_test_store fx;
	struct st_import_stats stats = {0};
	char path[256];
	char dir[128];
	char row[256];

	ST_CHECK(st_test_store_setup(&fx, "osv", ST_DIAG_INFO));
	snprintf(dir, sizeof(dir), "%s/vulns", fx.dir);
	ST_CHECK(mkdir(dir, 0700) == 0);
	ST_CHECK(write_file(&fx, "vulns/bomb.yaml", "id: &x PYSEC-X\naliases: [*x]\n", path,
			    sizeof(path)) != NULL);
	ST_CHECK(write_file(&fx, "vulns/broken.yml", "id: [\n", path, sizeof(path)) != NULL);
	ST_CHECK(write_file(&fx, "vulns/good.yaml",
			    "id: PYSEC-TEST-1\nmodified: 2024-01-01T00:00:00Z\naffected:\n- package: {name: demo, ecosystem: PyPI}\n"
			    "  versions: ['1.0']\n",
			    path, sizeof(path)) != NULL);
	ST_CHECK(write_file(&fx, "vulns/notes.txt", "id: [\n", path, sizeof(path)) != NULL);
	ST_CHECK_INT(import_one(&fx, dir, &stats), 0);
	ST_CHECK_INT(stats.files, 3);
	ST_CHECK_INT(stats.records, 1);
	ST_CHECK_INT(stats.skipped, 2);
	ST_CHECK(strstr(fx.log, "bomb.yaml: record: YAML alias at line 2") != NULL);
	ST_CHECK_STR(query(&fx, "SELECT ecosystem, package FROM affected", row, sizeof(row)),
		     "pypi|demo");
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

/* Full snapshots ------------------------------------------------------------- */

/* Counts the records a MANIFEST-*.tsv lists: one line per file, after
 * '#' header lines. */
static long manifest_count(const char *rel)
{
	FILE *f = fopen(st_test_data_path(rel), "r");
	char line[4096];
	long n = 0;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (line[0] != '#' && line[0] != '\n')
			n++;
	}
	fclose(f);
	return n;
}

/* A digest of everything an import stores except row ids and the import
 * time: each table's rows keyed by advisory name and feed order. */
static bool content_digest(struct st_test_store *fx, char *out, size_t size)
{
	static const char *const tables[] = {
		"SELECT s.name, v.name, v.summary, v.details, v.published, v.modified,"
		" v.withdrawn, v.severity, v.severity_source FROM vulnerability v"
		" JOIN source s ON s.id = v.source_id ORDER BY s.name, v.name",
		"SELECT v.name, a.kind, a.alias FROM alias a JOIN vulnerability v"
		" ON v.id = a.vuln_id ORDER BY 1, 2, 3",
		"SELECT v.name, r.seq, r.type, r.url FROM reference r JOIN vulnerability v"
		" ON v.id = r.vuln_id ORDER BY 1, 2",
		"WITH pos AS (SELECT id, vuln_id, row_number() OVER (PARTITION BY vuln_id"
		" ORDER BY id) AS n FROM affected)"
		" SELECT v.name, p.n, a.ecosystem, a.distro, a.package, a.purl,"
		" a.feed_ecosystem, a.evaluation, a.status, a.fixed_version, a.severity,"
		" a.severity_source, a.vendor_severity,"
		" (SELECT group_concat(x.version, ' ') FROM affected_version x"
		"  WHERE x.affected_id = a.id),"
		" (SELECT group_concat(r.type || ':' || coalesce(r.repo, '') || ':' ||"
		"  (SELECT group_concat(e.kind || '=' || e.version, ',') FROM range_event e"
		"   WHERE e.range_id = r.id), ';') FROM affected_range r"
		"  WHERE r.affected_id = a.id)"
		" FROM affected a JOIN pos p ON p.id = a.id JOIN vulnerability v"
		" ON v.id = a.vuln_id ORDER BY 1, 2",
		"SELECT v.name, s.affected_id IS NULL, s.type, s.score FROM score s"
		" JOIN vulnerability v ON v.id = s.vuln_id ORDER BY 1, 2, 3, 4",
	};
	struct strata_error err = {0};
	struct st_sha256 sha;
	size_t t;
	int i;

	if (size < ST_SHA256_HEX_LEN + 1 || st_sha256_init(&sha, &err) < 0)
		return false;
	for (t = 0; t < ST_ARRAY_LEN(tables); t++) {
		sqlite3_stmt *stmt = NULL;

		if (sqlite3_prepare_v2(fx->db->sql, tables[t], -1, &stmt, NULL) != SQLITE_OK) {
			fprintf(stderr, "# %s\n", sqlite3_errmsg(fx->db->sql));
			st_sha256_dispose(&sha);
			return false;
		}
		while (sqlite3_step(stmt) == SQLITE_ROW) {
			for (i = 0; i < sqlite3_column_count(stmt); i++) {
				const unsigned char *v = sqlite3_column_text(stmt, i);
				int n = sqlite3_column_bytes(stmt, i);

				/* NULL hashes as \1, distinct from any text. */
				if (v != NULL)
					st_sha256_update(&sha, v, (size_t)n);
				else
					st_sha256_update(&sha, "\1", 1);
				st_sha256_update(&sha, "", 1);
			}
			st_sha256_update(&sha, "\n", 1);
		}
		sqlite3_finalize(stmt);
		st_sha256_update(&sha, "\f", 1);
	}
	st_sha256_final(&sha, out);
	st_sha256_dispose(&sha);
	return true;
}

ST_TEST(osv_full_go_pypi_idempotent)
{
	struct st_test_store fx;
	struct st_import_stats stats = {0};
	long go = manifest_count("feeds/osv-full/MANIFEST-go.tsv");
	long pypi = manifest_count("feeds/osv-full/MANIFEST-pypi.tsv");
	char first[80];
	char second[80];
	char row[256];

	ST_CHECK_INT(go, 4291);
	ST_CHECK_INT(pypi, 2661);
	ST_CHECK(st_test_store_setup(&fx, "osv", ST_DIAG_INFO));
	ST_CHECK_INT(import_one(&fx, "feeds/osv-full/go.zip", &stats), 0);
	ST_CHECK_INT(stats.records, go);
	ST_CHECK_INT(stats.skipped, 0);
	ST_CHECK_INT(import_one(&fx, "feeds/osv-full/pypi.zip", &stats), 0);
	ST_CHECK_INT(stats.records, pypi);
	ST_CHECK_INT(stats.skipped, 0);
	ST_CHECK_STR(query(&fx, "SELECT count(*) FROM vulnerability", row, sizeof(row)),
		     "6952");
	/* PyPA lists commit ranges next to version ranges; none is stored. */
	ST_CHECK_STR(query(&fx, "SELECT count(*) FROM affected_range WHERE type = 'GIT'", row,
			   sizeof(row)),
		     "0");
	ST_CHECK(strstr(fx.log, "OSV ranges of type GIT left out") != NULL);
	ST_CHECK(content_digest(&fx, first, sizeof(first)));

	/* The same data again changes nothing but the import time. */
	ST_CHECK_INT(import_one(&fx, "feeds/osv-full/go.zip", &stats), 0);
	ST_CHECK_INT(stats.records, go);
	ST_CHECK_INT(import_one(&fx, "feeds/osv-full/pypi.zip", &stats), 0);
	ST_CHECK(content_digest(&fx, second, sizeof(second)));
	ST_CHECK_STR(second, first);
	ST_CHECK_STR(query(&fx, "SELECT count(*) FROM vulnerability", row, sizeof(row)),
		     "6952");
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

/* OSV's schema requires "modified": a JSON object with an id and nothing
 * else is no advisory, so it is skipped with a warning and imports
 * nothing. */
ST_TEST(osv_record_without_modified_skipped)
{
	struct st_test_store fx;
	struct st_import_stats stats = {0};
	char path[256];

	ST_CHECK(st_test_store_setup(&fx, "osv", ST_DIAG_INFO));
	ST_CHECK(write_file(&fx, "minimal.json", "{\"id\": \"X-1\"}", path, sizeof(path)) != NULL);
	ST_CHECK_INT(import_one(&fx, path, &stats), 0);
	ST_CHECK_INT(stats.records, 0);
	ST_CHECK_INT(stats.skipped, 1);
	ST_CHECK(strstr(fx.log, "minimal.json: X-1: no modified timestamp, which the OSV schema "
				"requires; skipped") != NULL);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}
