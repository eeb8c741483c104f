/* Tests of the vulnerability store, the Debian tracker and OSV importers,
 * and the matcher. Each test builds its own database in a temporary
 * directory from the feeds under tests/data/feeds. */
#include <archive.h>
#include <archive_entry.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "testlib.h"
#include "inventory/inventory.h"
#include "vuln/vuln.h"
#include "vuln/vuln_internal.h"

/* Fixtures ----------------------------------------------------------------- */

/* Joins the test data directory and REL into BUF. */
static const char *data(char *buf, size_t size, const char *rel)
{
	snprintf(buf, size, "%s/%s", st_test_data_dir(), rel);
	return buf;
}

/* Imports the data files REL (NULL-terminated list) in one call. */
static int import_data(struct st_test_store *fx, struct st_import_stats *stats,
		       struct strata_error *err, const char *rel, ...)
{
	char bufs[8][512];
	const char *paths[8];
	size_t n = 0;
	va_list ap;

	va_start(ap, rel);
	for (; rel != NULL && n < 8; rel = va_arg(ap, const char *)) {
		if (rel[0] == '/')
			snprintf(bufs[n], sizeof(bufs[n]), "%s", rel);
		else
			data(bufs[n], sizeof(bufs[n]), rel);
		paths[n] = bufs[n];
		n++;
	}
	va_end(ap);
	return st_db_import(fx->db, paths, n, &fx->lim, &fx->diag, stats, err);
}

/* Status of up to four sources. */
struct status {
	size_t count;
	struct {
		char name[32];
		uint64_t records;
		uint64_t affected;
		int64_t imported_at;
	} src[4];
};

static int collect_status(void *ctx, const struct st_db_source *src)
{
	struct status *s = ctx;

	if (s->count == 4)
		return -1;
	snprintf(s->src[s->count].name, sizeof(s->src[0].name), "%s", src->name);
	s->src[s->count].records = src->records;
	s->src[s->count].affected = src->affected;
	s->src[s->count].imported_at = src->imported_at;
	s->count++;
	return 0;
}

static bool read_status(struct st_test_store *fx, struct status *s)
{
	struct strata_error err = {0};

	memset(s, 0, sizeof(*s));
	return st_db_status(fx->db, collect_status, s, &err) == 0;
}

static bool status_equal(const struct status *a, const struct status *b)
{
	size_t i;

	if (a->count != b->count)
		return false;
	for (i = 0; i < a->count; i++) {
		if (strcmp(a->src[i].name, b->src[i].name) != 0 ||
		    a->src[i].records != b->src[i].records ||
		    a->src[i].affected != b->src[i].affected)
			return false;
	}
	return true;
}

static bool add_package(struct st_inventory *inv, const char *type, const char *name,
			const char *version, const char *source_name)
{
	struct strata_error err = {0};
	struct st_package p = {0};

	p.type = type;
	p.name = name;
	p.version = version;
	p.source_name = source_name;
	p.path = "/test";
	return st_inventory_add(inv, &p, &err) == 0;
}

static void set_debian(struct st_inventory *inv, const char *version_id, const char *codename)
{
	inv->os.id = "debian";
	inv->os.version_id = version_id;
	inv->os.version_codename = codename;
	inv->os.found = true;
}

static const struct st_finding *find(const struct st_findings *f, const char *id, size_t pkg)
{
	size_t i;

	for (i = 0; i < f->count; i++) {
		if (strcmp(f->items[i].id, id) == 0 && f->items[i].package == pkg)
			return &f->items[i];
	}
	return NULL;
}

static size_t count_for_package(const struct st_findings *f, size_t pkg)
{
	size_t n = 0;
	size_t i;

	for (i = 0; i < f->count; i++)
		n += f->items[i].package == pkg;
	return n;
}

static bool str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Writes N bytes of TEXT to DIR/NAME and returns the path, kept in BUF. */
static const char *write_file(const char *dir, const char *name, const char *text, size_t n,
			      char *buf, size_t size)
{
	FILE *f;

	snprintf(buf, size, "%s/%s", dir, name);
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

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

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

/* Severity and status names ------------------------------------------------ */

ST_TEST(severity_names_round_trip)
{
	int i;

	for (i = ST_SEVERITY_UNKNOWN; i <= ST_SEVERITY_CRITICAL; i++)
		ST_CHECK_INT(st_severity_parse(st_severity_name(i)), i);
	ST_CHECK_INT(st_severity_parse("high"), ST_SEVERITY_HIGH);
	ST_CHECK_INT(st_severity_parse("Critical"), ST_SEVERITY_CRITICAL);
	ST_CHECK_INT(st_severity_parse("moderate"), -1);
	ST_CHECK_INT(st_severity_parse("severe"), -1);
	ST_CHECK_INT(st_severity_parse(NULL), -1);
	ST_CHECK_STR(st_severity_name(42), "UNKNOWN");
	ST_CHECK_STR(st_severity_name(-1), "UNKNOWN");
	return ST_TEST_PASS;
}

ST_TEST(status_names_round_trip)
{
	int i;

	for (i = ST_STATUS_AFFECTED; i <= ST_STATUS_NOT_AFFECTED; i++)
		ST_CHECK_INT(st_vuln_status_parse(st_vuln_status_name(i)), i);
	ST_CHECK_STR(st_vuln_status_name(ST_STATUS_WILL_NOT_FIX), "will-not-fix");
	ST_CHECK_STR(st_vuln_status_name(ST_STATUS_FIX_DEFERRED), "fix-deferred");
	ST_CHECK_STR(st_vuln_status_name(ST_STATUS_END_OF_LIFE), "end-of-life");
	ST_CHECK_STR(st_vuln_status_name(99), "unknown");
	ST_CHECK_INT(st_vuln_status_parse("open"), -1);
	return ST_TEST_PASS;
}

ST_TEST(severity_feed_mappings)
{
	ST_CHECK_INT(st_severity_from_debian("high"), ST_SEVERITY_HIGH);
	ST_CHECK_INT(st_severity_from_debian("high**"), ST_SEVERITY_HIGH);
	ST_CHECK_INT(st_severity_from_debian("medium"), ST_SEVERITY_MEDIUM);
	ST_CHECK_INT(st_severity_from_debian("low**"), ST_SEVERITY_LOW);
	ST_CHECK_INT(st_severity_from_debian("unimportant"), ST_SEVERITY_NEGLIGIBLE);
	ST_CHECK_INT(st_severity_from_debian("not yet assigned"), ST_SEVERITY_UNKNOWN);
	ST_CHECK_INT(st_severity_from_debian("end-of-life"), ST_SEVERITY_UNKNOWN);
	ST_CHECK_INT(st_severity_from_debian("highest"), ST_SEVERITY_UNKNOWN);
	ST_CHECK_INT(st_severity_from_debian(NULL), ST_SEVERITY_UNKNOWN);
	ST_CHECK_INT(st_severity_from_word("MODERATE"), ST_SEVERITY_MEDIUM);
	ST_CHECK_INT(st_severity_from_word("CRITICAL"), ST_SEVERITY_CRITICAL);
	ST_CHECK_INT(st_severity_from_word("low"), ST_SEVERITY_LOW);
	ST_CHECK_INT(st_severity_from_word("UNKNOWN"), -1);
	ST_CHECK_INT(st_severity_from_word("7.5"), -1);
	ST_CHECK(st_severity_source_rank("debian") < st_severity_source_rank("osv:database_specific"));
	ST_CHECK(st_severity_source_rank("osv:ecosystem_specific") <
		 st_severity_source_rank("osv:database_specific"));
	ST_CHECK(st_severity_source_rank("osv:database_specific") < st_severity_source_rank("nvd"));
	return ST_TEST_PASS;
}

ST_TEST(osv_ecosystem_names_map_to_purl_types)
{
	static const struct {
		const char *osv, *type, *distro;
	} cases[] = {
		{"npm", "npm", ""},
		{"PyPI", "pypi", ""},
		{"Go", "golang", ""},
		{"crates.io", "cargo", ""},
		{"Maven", "maven", ""},
		{"Maven:https://maven.google.com", "maven", ""},
		{"RubyGems", "gem", ""},
		{"NuGet", "nuget", ""},
		{"Packagist", "composer", ""},
		{"Hex", "hex", ""},
		{"Pub", "pub", ""},
		{"Debian:12", "deb", "debian:bookworm"},
		{"Debian:11", "deb", "debian:bullseye"},
		{"Debian:sid", "deb", "debian:sid"},
		{"Debian", "deb", "debian"},
		{"Ubuntu:22.04:LTS", "deb", "ubuntu:22.04"},
		{"Alpine:v3.16", "apk", "alpine:v3.16"},
		{"Rocky Linux:9", "rpm", "rocky:9"},
		{"SomeNew:Thing", "somenew:thing", ""},
		{"OSS-Fuzz", "oss-fuzz", ""},
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

/* Opening ------------------------------------------------------------------- */

ST_TEST(db_open_missing_file)
{
	struct strata_error err = {0};
	struct st_db *db = NULL;

	ST_CHECK_INT(st_db_open(&db, "/nonexistent/strata/vuln.db", false, &err),
		     STRATA_ENOTFOUND);
	ST_CHECK(db == NULL);
	ST_CHECK(strstr(err.msg, "/nonexistent/strata/vuln.db") != NULL);
	return ST_TEST_PASS;
}

ST_TEST(db_open_sets_schema_version)
{
	struct st_test_store fx;
	sqlite3 *raw = NULL;
	sqlite3_stmt *stmt = NULL;
	struct strata_error err = {0};
	struct st_db *again = NULL;
	int version = -1;

	ST_CHECK(st_test_store_setup(&fx, "vuln", ST_DIAG_WARN));
	ST_CHECK(sqlite3_open_v2(fx.db_path, &raw, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
	ST_CHECK(sqlite3_prepare_v2(raw, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		version = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_close(raw);
	ST_CHECK_INT(version, ST_DB_SCHEMA_VERSION);

	/* A second open of a current database changes nothing. */
	ST_CHECK_INT(st_db_open(&again, fx.db_path, false, &err), 0);
	st_db_close(again);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(db_open_rejects_foreign_files)
{
	struct st_test_store fx;
	struct strata_error err = {0};
	struct st_db *db = NULL;
	sqlite3 *raw = NULL;
	char path[256];

	ST_CHECK(st_test_store_setup(&fx, "vuln", ST_DIAG_WARN));

	/* Not SQLite at all. */
	ST_CHECK(write_file(fx.dir, "text.db", "hello, this is not a database file\n", 35, path,
			    sizeof(path)) != NULL);
	ST_CHECK_INT(st_db_open(&db, path, false, &err), STRATA_ECORRUPT);
	ST_CHECK(strstr(err.msg, "text.db") != NULL);

	/* SQLite, but some other program's. */
	snprintf(path, sizeof(path), "%s/other.db", fx.dir);
	ST_CHECK(sqlite3_open(path, &raw) == SQLITE_OK);
	ST_CHECK(sqlite3_exec(raw, "CREATE TABLE notes(x)", NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(raw);
	ST_CHECK_INT(st_db_open(&db, path, false, &err), STRATA_EUNSUPPORTED);
	ST_CHECK(strstr(err.msg, "not a strata vulnerability database") != NULL);

	/* A schema from a newer strata. */
	snprintf(path, sizeof(path), "%s/newer.db", fx.dir);
	ST_CHECK(sqlite3_open(path, &raw) == SQLITE_OK);
	ST_CHECK(sqlite3_exec(raw, "PRAGMA user_version = 99", NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(raw);
	ST_CHECK_INT(st_db_open(&db, path, false, &err), STRATA_EUNSUPPORTED);
	ST_CHECK(strstr(err.msg, "99") != NULL);
	ST_CHECK(db == NULL);

	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

/* Format detection ---------------------------------------------------------- */

ST_TEST(feed_detect_by_content)
{
	struct strata_limits lim;

	strata_limits_default(&lim);
#define DETECT(s) st_feed_detect(st_slice_make(s, strlen(s)), &lim)
	ST_CHECK_INT(DETECT("{\"id\": \"GHSA-x\", \"affected\": []}"), ST_FEED_OSV);
	ST_CHECK_INT(DETECT("{\"database_specific\": {\"a\": {}}, \"modified\": \"x\"}"),
		     ST_FEED_OSV);
	ST_CHECK_INT(DETECT("\xef\xbb\xbf {\"p\": {\"CVE-1\": {\"releases\": {}}}}"),
		     ST_FEED_DEBIAN_TRACKER);
	ST_CHECK_INT(DETECT("{\"empty\": {}, \"p\": {\"CVE-1\": {\"releases\": []}}}"),
		     ST_FEED_DEBIAN_TRACKER);
	ST_CHECK_INT(DETECT("{}"), ST_FEED_UNKNOWN);
	ST_CHECK_INT(DETECT("[1, 2]"), ST_FEED_UNKNOWN);
	ST_CHECK_INT(DETECT(""), ST_FEED_UNKNOWN);
	ST_CHECK_INT(DETECT("{\"name\": \"x\", \"version\": \"1\"}"), ST_FEED_UNKNOWN);
	ST_CHECK_INT(DETECT("{\"p\": {\"CVE-1\": {\"releases\": "), ST_FEED_UNKNOWN);
#undef DETECT
	return ST_TEST_PASS;
}

ST_TEST(json_members_walk_and_reject)
{
	static const char text[] = " { \"a\" : 1 , \"b\\\"c\": {\"x\": [1, \"]\"]}, \"d\": \"}\" } ";
	struct st_json_members it;
	struct strata_error err = {0};
	struct st_slice key, value;

	st_json_members_init(&it, st_slice_make(text, strlen(text)));
	ST_CHECK_INT(st_json_members_next(&it, &key, &value, &err), 1);
	ST_CHECK(st_slice_eq_cstr(key, "a") && st_slice_eq_cstr(value, "1"));
	ST_CHECK_INT(st_json_members_next(&it, &key, &value, &err), 1);
	ST_CHECK(st_slice_eq_cstr(key, "b\\\"c"));
	ST_CHECK(st_slice_eq_cstr(value, "{\"x\": [1, \"]\"]}"));
	ST_CHECK_INT(st_json_members_next(&it, &key, &value, &err), 1);
	ST_CHECK(st_slice_eq_cstr(value, "\"}\""));
	ST_CHECK_INT(st_json_members_next(&it, &key, &value, &err), 0);
	ST_CHECK_INT(st_json_members_next(&it, &key, &value, &err), 0);

	/* Truncated inside a value, and trailing data. */
	st_json_members_init(&it, st_slice_make("{\"a\": {\"b\": 1", 13));
	ST_CHECK_INT(st_json_members_next(&it, &key, &value, &err), STRATA_ECORRUPT);
	ST_CHECK(strstr(err.msg, "byte") != NULL);
	st_json_members_init(&it, st_slice_make("{} x", 4));
	ST_CHECK_INT(st_json_members_next(&it, &key, &value, &err), STRATA_ECORRUPT);
	st_json_members_init(&it, st_slice_make("{\"a\" 1}", 7));
	ST_CHECK_INT(st_json_members_next(&it, &key, &value, &err), STRATA_ECORRUPT);
	st_json_members_init(&it, st_slice_make("{\"a\": 1 \"b\": 2}", 16));
	ST_CHECK_INT(st_json_members_next(&it, &key, &value, &err), 1);
	ST_CHECK_INT(st_json_members_next(&it, &key, &value, &err), STRATA_ECORRUPT);
	return ST_TEST_PASS;
}

/* OSV range evaluation ------------------------------------------------------ */

/* Evaluates VERSION against EVENTS ("i:1.0.0 f:1.5.0 l:2.0.0 L:3.0.0"). */
static int eval(const char *type, const char *spec, const char *version, bool *affected,
		char *fixed, size_t fixed_size)
{
	struct st_range_event ev[16];
	struct strata_error err = {0};
	char copy[256];
	struct st_slice rest;
	struct st_slice tok;
	const char *fix = NULL;
	size_t n = 0;
	int rc;

	snprintf(copy, sizeof(copy), "%s", spec);
	rest = st_slice_cstr(copy);
	while (rest.len > 0 && n < 16) {
		st_slice_split(&rest, ' ', &tok);
		/* Each token is "K:VERSION", cut into a C string in place. */
		copy[tok.ptr - copy + tok.len] = '\0';
		ev[n].kind = tok.ptr[0] == 'i' ? ST_EVENT_INTRODUCED
			     : tok.ptr[0] == 'f' ? ST_EVENT_FIXED
			     : tok.ptr[0] == 'l' ? ST_EVENT_LAST_AFFECTED
						 : ST_EVENT_LIMIT;
		ev[n].version = tok.ptr + 2;
		n++;
	}
	rc = st_osv_range_affects(type, "npm", version, ev, n, affected, &fix, &err);
	snprintf(fixed, fixed_size, "%s", fix ? fix : "-");
	return rc;
}

ST_TEST(osv_range_algorithm_cases)
{
	static const struct {
		const char *spec;
		const char *version;
		bool affected;
		const char *fixed;
	} cases[] = {
		{"i:0 f:1.0.2", "1.0.1", true, "1.0.2"},
		{"i:0 f:1.0.2", "1.0.2", false, "-"},
		{"i:0", "99.0.0", true, "-"},
		{"i:1.0.0 f:1.0.2 i:3.0.0 f:3.2.5", "2.0.0", false, "-"},
		{"i:1.0.0 f:1.0.2 i:3.0.0 f:3.2.5", "3.1.0", true, "3.2.5"},
		{"i:1.0.0 f:1.0.2 i:3.0.0 f:3.2.5", "1.0.0", true, "1.0.2"},
		/* Events in any order: the algorithm sorts them first. */
		{"f:3.2.5 i:3.0.0 f:1.0.2 i:1.0.0", "3.1.0", true, "3.2.5"},
		{"f:3.2.5 i:3.0.0 f:1.0.2 i:1.0.0", "1.0.5", false, "-"},
		/* A fix below its introduction: affected from the introduction on. */
		{"i:3.0.0 f:1.0.0", "2.6.0", false, "-"},
		{"i:3.0.0 f:1.0.0", "3.0.5", true, "-"},
		{"i:0 l:2.1.214", "2.1.214", true, "-"},
		{"i:0 l:2.1.214", "2.1.215", false, "-"},
		/* Limits bound the whole range. */
		{"i:1.0.0 L:2.0.0", "1.5.0", true, "-"},
		{"i:1.0.0 L:2.0.0", "2.0.0", false, "-"},
		{"i:1.0.0 L:2.0.0 L:*", "5.0.0", true, "-"},
		{"i:1.0.0 f:1.5.0 i:2.0.0 L:2.5.0", "2.1.0", true, "-"},
		/* Equal versions keep the feed's order. */
		{"i:1.0.0 f:1.0.0", "1.0.0", false, "-"},
		{"f:1.0.0 i:1.0.0", "1.0.0", true, "-"},
		/* Pre-releases sort below their release. */
		{"i:0 f:2.0.0-rc.1", "2.0.0-beta.1", true, "2.0.0-rc.1"},
		{"i:0 f:2.0.0-rc.1", "2.0.0", false, "-"},
		{"f:1.0.0", "0.5.0", false, "-"},
	};
	char fixed[64];
	bool affected;
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(cases); i++) {
		int rc = eval("ECOSYSTEM", cases[i].spec, cases[i].version, &affected, fixed,
			      sizeof(fixed));

		if (rc != 0 || affected != cases[i].affected || strcmp(fixed, cases[i].fixed) != 0)
			fprintf(stderr, "# case %zu: %s @ %s: rc %d affected %d fixed %s\n", i,
				cases[i].spec, cases[i].version, rc, affected, fixed);
		ST_CHECK_INT(rc, 0);
		ST_CHECK(affected == cases[i].affected);
		ST_CHECK_STR(fixed, cases[i].fixed);
	}
	return ST_TEST_PASS;
}

ST_TEST(osv_range_invalid_versions)
{
	char fixed[64];
	bool affected = true;

	ST_CHECK_INT(eval("ECOSYSTEM", "i:not-a-version f:2.0.0", "1.0.0", &affected, fixed,
			  sizeof(fixed)),
		     STRATA_EINVAL);
	ST_CHECK_INT(eval("ECOSYSTEM", "i:0 f:2.0.0", "garbage!", &affected, fixed, sizeof(fixed)),
		     STRATA_EINVAL);
	ST_CHECK_INT(eval("GIT", "i:0 f:abc", "1.0.0", &affected, fixed, sizeof(fixed)),
		     STRATA_EUNSUPPORTED);
	ST_CHECK_INT(eval("SEMVER", "i:0 f:2.0.0", "1.0.0", &affected, fixed, sizeof(fixed)), 0);
	ST_CHECK(affected);
	return ST_TEST_PASS;
}

/* OSV import and npm matching ---------------------------------------------- */

ST_TEST(osv_npm_import_counts)
{
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};
	struct status st;

	ST_CHECK(st_test_store_setup(&fx, "vuln", ST_DIAG_WARN));
	ST_CHECK_INT(import_data(&fx, &stats, &err, "feeds/osv/npm", NULL), 0);
	ST_CHECK_INT(stats.files, 10);
	ST_CHECK_INT(stats.records, 10);
	ST_CHECK_INT(stats.skipped, 0);
	ST_CHECK(read_status(&fx, &st));
	ST_CHECK_INT(st.count, 1);
	ST_CHECK_STR(st.src[0].name, "osv");
	ST_CHECK_INT(st.src[0].records, 10);
	ST_CHECK_INT(st.src[0].affected, 30);
	ST_CHECK(st.src[0].imported_at > 0);
	/* GHSA-r683-j2x4-v87g's first range has its fix below its start:
	 * kept, with a warning naming the file and the record. */
	ST_CHECK(strstr(fx.log, "GHSA-r683-j2x4-v87g.json: GHSA-r683-j2x4-v87g: node-fetch "
				"range 1: fixed 1.0.0 sorts below introduced 3.0.0") != NULL);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

/* Adds the demo application's npm pins, whose expected findings
 * tests/data/feeds/osv/npm/EXPECTED.md lists. */
static bool add_demo_pins(struct st_inventory *inv)
{
	static const char *const pins[][2] = {
		{"lodash", "4.17.15"},     {"minimist", "1.2.5"},      {"node-fetch", "2.6.0"},
		{"json5", "2.2.1"},        {"axios", "0.21.0"},        {"express", "4.17.1"},
		{"jsonwebtoken", "8.5.1"}, {"moment", "2.29.1"},       {"qs", "6.5.2"},
		{"semver", "7.3.5"},       {"tough-cookie", "2.5.0"}, {"ws", "7.4.5"},
	};
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(pins); i++) {
		if (!add_package(inv, "npm", pins[i][0], pins[i][1], NULL))
			return false;
	}
	return true;
}

/* Checks the demo pins' findings: exactly the six advisories that
 * EXPECTED.md lists, in report order. */
static int check_demo_findings(const struct st_findings *f)
{
	static const struct {
		const char *id, *aliases, *fixed, *summary, *url;
		size_t package;
		int severity;
	} want[] = {
		{"CVE-2021-44906", "GHSA-xvch-5gv4-984h", "1.2.6", "Prototype Pollution in minimist",
		 "https://nvd.nist.gov/vuln/detail/CVE-2021-44906", 1, ST_SEVERITY_CRITICAL},
		{"CVE-2020-8203", "GHSA-p6mc-m468-83gw", "4.17.19", "Prototype Pollution in lodash",
		 "https://nvd.nist.gov/vuln/detail/CVE-2020-8203", 0, ST_SEVERITY_HIGH},
		{"CVE-2021-23337", "GHSA-35jh-r3h4-6jhm", "4.17.21", "Command Injection in lodash",
		 "https://nvd.nist.gov/vuln/detail/CVE-2021-23337", 0, ST_SEVERITY_HIGH},
		{"CVE-2022-46175", "GHSA-9c47-m6qq-7p4h", "2.2.2",
		 "Prototype Pollution in JSON5 via Parse Method",
		 "https://github.com/json5/json5/security/advisories/GHSA-9c47-m6qq-7p4h", 3,
		 ST_SEVERITY_HIGH},
		{"CVE-2020-28500", "GHSA-29mw-wpgm-hmr9", "4.17.21",
		 "Regular Expression Denial of Service (ReDoS) in lodash",
		 "https://nvd.nist.gov/vuln/detail/CVE-2020-28500", 0, ST_SEVERITY_MEDIUM},
		{"CVE-2020-15168", "GHSA-w7rc-rwvf-8q5r", "2.6.1",
		 "The `size` option isn't honored after following a redirect in node-fetch",
		 "https://github.com/node-fetch/node-fetch/security/advisories/GHSA-w7rc-rwvf-8q5r",
		 2, ST_SEVERITY_LOW},
	};
	size_t i;

	ST_CHECK_INT(f->count, ST_ARRAY_LEN(want));
	for (i = 0; i < ST_ARRAY_LEN(want); i++) {
		const struct st_finding *x = &f->items[i];

		ST_CHECK_STR(x->id, want[i].id);
		ST_CHECK_STR(x->aliases, want[i].aliases);
		ST_CHECK_STR(x->fixed_version, want[i].fixed);
		ST_CHECK_STR(x->summary, want[i].summary);
		ST_CHECK_STR(x->url, want[i].url);
		ST_CHECK_INT(x->package, want[i].package);
		ST_CHECK_INT(x->severity, want[i].severity);
		ST_CHECK_INT(x->status, ST_STATUS_FIXED);
		ST_CHECK_STR(x->severity_source, "osv:database_specific");
		ST_CHECK_STR(x->source, "osv");
	}
	return ST_TEST_PASS;
}

ST_TEST(npm_demo_pins_match_expected)
{
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};
	struct st_inventory inv;
	struct st_findings f;
	int rc;

	ST_CHECK(st_test_store_setup(&fx, "vuln", ST_DIAG_WARN));
	ST_CHECK_INT(import_data(&fx, &stats, &err, "feeds/osv/npm", NULL), 0);
	st_inventory_init(&inv);
	st_findings_init(&f);
	ST_CHECK(add_demo_pins(&inv));
	ST_CHECK_INT(st_match_inventory(fx.db, &inv, &f, &fx.diag, &err), 0);
	rc = check_demo_findings(&f);
	/* Strict evaluation: GHSA-r683-j2x4-v87g (CVE-2022-0235) does not
	 * match node-fetch 2.6.0, although its database_specific names a
	 * range "< 2.6.7" that would. */
	ST_CHECK(find(&f, "CVE-2022-0235", 2) == NULL);
	st_findings_dispose(&f);
	st_inventory_dispose(&inv);
	st_test_store_teardown(&fx);
	return rc;
}

ST_TEST(npm_node_fetch_3_by_sorted_events)
{
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};
	struct st_inventory inv;
	struct st_findings f;
	const struct st_finding *x;

	ST_CHECK(st_test_store_setup(&fx, "vuln", ST_DIAG_WARN));
	ST_CHECK_INT(import_data(&fx, &stats, &err, "feeds/osv/npm", NULL), 0);
	st_inventory_init(&inv);
	st_findings_init(&f);
	ST_CHECK(add_package(&inv, "npm", "node-fetch", "3.0.5", NULL));
	ST_CHECK(add_package(&inv, "npm", "node-fetch", "3.0.0-beta.2", NULL));
	ST_CHECK_INT(st_match_inventory(fx.db, &inv, &f, &fx.diag, &err), 0);
	/* Sorted, the events of its first range read "fixed 1.0.0,
	 * introduced 3.0.0": every 3.x release is affected, with no fix. */
	x = find(&f, "CVE-2022-0235", 0);
	ST_CHECK(x != NULL);
	ST_CHECK_INT(x->status, ST_STATUS_AFFECTED);
	ST_CHECK(x->fixed_version == NULL);
	ST_CHECK_INT(x->severity, ST_SEVERITY_HIGH);
	ST_CHECK_INT(count_for_package(&f, 0), 1);
	/* The beta sorts below 3.0.0, so only GHSA-w7rc-rwvf-8q5r's beta
	 * range applies. */
	x = find(&f, "CVE-2020-15168", 1);
	ST_CHECK(x != NULL);
	ST_CHECK_STR(x->fixed_version, "3.0.0-beta.9");
	ST_CHECK_INT(count_for_package(&f, 1), 1);
	st_findings_dispose(&f);
	st_inventory_dispose(&inv);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(osv_cases_ranges_and_lists)
{
	static const struct {
		const char *name, *version, *id, *fixed;
		int status;
	} cases[] = {
		{"limit-pkg", "1.2.0", "TEST-LIMIT-1", "1.5.0", ST_STATUS_FIXED},
		{"limit-pkg", "2.1.0", "TEST-LIMIT-1", NULL, ST_STATUS_AFFECTED},
		{"limit-pkg", "2.6.0", NULL, NULL, 0},
		{"limit-pkg", "0.9.0", NULL, NULL, 0},
		{"lastaff-pkg", "1.2.3", "TEST-LASTAFFECTED-1", NULL, ST_STATUS_AFFECTED},
		{"lastaff-pkg", "1.2.4", NULL, NULL, 0},
		{"listed-pkg", "0.3.0", "TEST-VERSIONS-1", NULL, ST_STATUS_AFFECTED},
		{"listed-pkg", "0.2.0", NULL, NULL, 0},
		{"semver-pkg", "2.0.0-beta.1", "TEST-SEMVER-1", "2.0.0-rc.1", ST_STATUS_FIXED},
		{"semver-pkg", "2.0.0", NULL, NULL, 0},
		{"git-pkg", "1.0.0", NULL, NULL, 0},
		{"badver-pkg", "1.0.0", NULL, NULL, 0},
		{"multi-pkg", "1.1.1", "TEST-MULTIFIX-1", "1.1.2", ST_STATUS_FIXED},
		{"multi-pkg", "1.0.7", NULL, NULL, 0},
		{"multi-pkg", "1.0.0", "TEST-MULTIFIX-1", "1.0.5", ST_STATUS_FIXED},
		/* TEST-WITHDRAWN-1 names every lodash version. */
		{"lodash", "4.17.21", NULL, NULL, 0},
	};
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};
	struct st_inventory inv;
	struct st_findings f;
	size_t i;

	ST_CHECK(st_test_store_setup(&fx, "vuln", ST_DIAG_WARN));
	ST_CHECK_INT(import_data(&fx, &stats, &err, "feeds/osv/cases", NULL), 0);
	ST_CHECK_INT(stats.skipped, 0);
	st_inventory_init(&inv);
	st_findings_init(&f);
	for (i = 0; i < ST_ARRAY_LEN(cases); i++)
		ST_CHECK(add_package(&inv, "npm", cases[i].name, cases[i].version, NULL));
	ST_CHECK_INT(st_match_inventory(fx.db, &inv, &f, &fx.diag, &err), 0);

	for (i = 0; i < ST_ARRAY_LEN(cases); i++) {
		const struct st_finding *x;

		if (cases[i].id == NULL) {
			if (count_for_package(&f, i) != 0)
				fprintf(stderr, "# case %zu: %s %s matched\n", i, cases[i].name,
					cases[i].version);
			ST_CHECK_INT(count_for_package(&f, i), 0);
			continue;
		}
		x = find(&f, cases[i].id, i);
		if (x == NULL)
			fprintf(stderr, "# case %zu: %s %s not matched\n", i, cases[i].name,
				cases[i].version);
		ST_CHECK(x != NULL);
		ST_CHECK_INT(count_for_package(&f, i), 1);
		ST_CHECK(str_eq(x->fixed_version, cases[i].fixed));
		ST_CHECK_INT(x->status, cases[i].status);
		/* Two rows of one record (TEST-MULTIFIX-1) are one finding
		 * that is not its own alias. */
		ST_CHECK_STR(x->aliases, "");
	}
	ST_CHECK(strstr(fx.log, "badver-pkg 1.0.0: TEST-BADVERSION-1 range 1 not matched") != NULL);
	st_findings_dispose(&f);
	st_inventory_dispose(&inv);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(osv_aliases_collapse_and_severity_order)
{
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};
	struct st_inventory inv;
	struct st_findings f;
	const struct st_finding *x;

	ST_CHECK(st_test_store_setup(&fx, "vuln", ST_DIAG_WARN));
	ST_CHECK_INT(import_data(&fx, &stats, &err, "feeds/osv/cases", NULL), 0);
	st_inventory_init(&inv);
	st_findings_init(&f);
	ST_CHECK(add_package(&inv, "npm", "dup-pkg", "1.0.0", NULL));
	ST_CHECK(add_package(&inv, "npm", "ecosev-pkg", "2.0.0", NULL));
	ST_CHECK(add_package(&inv, "npm", "lastaff-pkg", "1.0.0", NULL));
	ST_CHECK_INT(st_match_inventory(fx.db, &inv, &f, &fx.diag, &err), 0);
	ST_CHECK_INT(f.count, 4);

	/* GHSA-aaaa-bbbb-cccc and TEST-DUP-1 share CVE-2099-1000. */
	x = find(&f, "CVE-2099-1000", 0);
	ST_CHECK(x != NULL);
	ST_CHECK_STR(x->aliases, "GHSA-aaaa-bbbb-cccc,TEST-DUP-1");
	ST_CHECK_STR(x->fixed_version, "1.0.1");
	ST_CHECK_INT(x->status, ST_STATUS_FIXED);
	ST_CHECK_INT(x->severity, ST_SEVERITY_MEDIUM);
	ST_CHECK_STR(x->severity_source, "osv:database_specific");
	ST_CHECK_STR(x->url, "https://example.com/GHSA-aaaa-bbbb-cccc");
	ST_CHECK_STR(x->summary, "One vulnerability, two databases (GitHub side)");
	ST_CHECK_STR(x->source, "osv");

	/* Without a CVE the GHSA id is preferred. */
	x = find(&f, "GHSA-zzzz-yyyy-xxxx", 0);
	ST_CHECK(x != NULL);
	ST_CHECK_STR(x->aliases, "TEST-NOCVE-1");
	ST_CHECK(x->fixed_version == NULL);
	ST_CHECK_INT(x->status, ST_STATUS_AFFECTED);
	ST_CHECK_INT(x->severity, ST_SEVERITY_UNKNOWN);
	ST_CHECK(x->severity_source == NULL);
	ST_CHECK(x->summary == NULL);
	ST_CHECK(x->url == NULL);

	/* The per-package rating ranks above the record's. */
	x = find(&f, "TEST-ECOSEV-1", 1);
	ST_CHECK(x != NULL);
	ST_CHECK_STR(x->aliases, "");
	ST_CHECK_INT(x->severity, ST_SEVERITY_LOW);
	ST_CHECK_STR(x->severity_source, "osv:ecosystem_specific");

	/* Report order: severity, then id, then package. */
	ST_CHECK_STR(f.items[0].id, "CVE-2099-1000");
	ST_CHECK_STR(f.items[1].id, "TEST-ECOSEV-1");
	ST_CHECK_STR(f.items[2].id, "TEST-LASTAFFECTED-1");
	ST_CHECK_STR(f.items[3].id, "GHSA-zzzz-yyyy-xxxx");
	st_findings_dispose(&f);
	st_inventory_dispose(&inv);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(osv_other_ecosystems_stored)
{
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};
	struct st_inventory inv;
	struct st_findings f;
	sqlite3 *raw = NULL;
	sqlite3_stmt *stmt = NULL;
	char got[512] = "";
	size_t len = 0;

	ST_CHECK(st_test_store_setup(&fx, "vuln", ST_DIAG_WARN));
	ST_CHECK_INT(import_data(&fx, &stats, &err, "feeds/osv/go", "feeds/osv/crates.io",
				 "feeds/osv/ubuntu", NULL),
		     0);
	ST_CHECK_INT(stats.records, 3);
	ST_CHECK(sqlite3_open_v2(fx.db_path, &raw, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
	ST_CHECK(sqlite3_prepare_v2(raw,
				    "SELECT DISTINCT ecosystem || '|' || distro FROM affected"
				    " ORDER BY 1",
				    -1, &stmt, NULL) == SQLITE_OK);
	while (sqlite3_step(stmt) == SQLITE_ROW && len < sizeof(got))
		len += (size_t)snprintf(got + len, sizeof(got) - len, "%s;",
					(const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	sqlite3_close(raw);
	ST_CHECK_STR(got, "cargo|;deb|ubuntu-pro:14.04;golang|;");

	/* UBUNTU-CVE-2020-36325 is withdrawn and Ubuntu is not matched anyway,
	 * and a Debian image with jansson finds nothing in it. */
	st_inventory_init(&inv);
	st_findings_init(&f);
	set_debian(&inv, "12", "bookworm");
	ST_CHECK(add_package(&inv, "deb", "libjansson4", "2.4-1", "jansson"));
	ST_CHECK_INT(st_match_inventory(fx.db, &inv, &f, &fx.diag, &err), 0);
	ST_CHECK_INT(f.count, 0);
	st_findings_dispose(&f);
	st_inventory_dispose(&inv);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

/* Debian tracker ------------------------------------------------------------ */

ST_TEST(debian_fixture_counts)
{
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};
	struct status st;

	ST_CHECK(st_test_store_setup(&fx, "vuln", ST_DIAG_WARN));
	ST_CHECK_INT(import_data(&fx, &stats, &err, "feeds/debian/security-tracker-debian.json",
				 NULL),
		     0);
	ST_CHECK_INT(stats.files, 1);
	ST_CHECK_INT(stats.records, 7);
	ST_CHECK_INT(stats.skipped, 0);
	ST_CHECK(read_status(&fx, &st));
	ST_CHECK_INT(st.count, 1);
	ST_CHECK_STR(st.src[0].name, "debian-tracker");
	ST_CHECK_INT(st.src[0].records, 7);
	ST_CHECK_INT(st.src[0].affected, 25);
	ST_CHECK_INT(fx.diag.warnings, 0);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(debian_fixture_buster_and_bookworm)
{
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};
	struct st_inventory inv;
	struct st_findings f;
	const struct st_finding *x;

	ST_CHECK(st_test_store_setup(&fx, "vuln", ST_DIAG_WARN));
	ST_CHECK_INT(import_data(&fx, &stats, &err, "feeds/debian/security-tracker-debian.json",
				 NULL),
		     0);

	st_inventory_init(&inv);
	st_findings_init(&f);
	set_debian(&inv, "10", "buster");
	ST_CHECK(add_package(&inv, "deb", "chromium", "89.0.4389.114-1~deb10u1", NULL));
	ST_CHECK(add_package(&inv, "deb", "libjs-prototype", "1.7.1-3", "prototypejs"));
	ST_CHECK(add_package(&inv, "deb", "txt2man", "1.6.0-3", NULL));
	ST_CHECK(add_package(&inv, "deb", "backupninja", "0.8-1", NULL));
	ST_CHECK(add_package(&inv, "deb", "sope4.9-libxml", "5.8.0-1", "sope"));
	ST_CHECK_INT(st_match_inventory(fx.db, &inv, &f, &fx.diag, &err), 0);
	ST_CHECK_INT(f.count, 2);
	/* MEDIUM sorts before UNKNOWN. */
	x = &f.items[0];
	ST_CHECK_STR(x->id, "CVE-2005-3111");
	ST_CHECK_INT(x->package, 3);
	ST_CHECK_INT(x->status, ST_STATUS_FIXED);
	ST_CHECK_STR(x->fixed_version, "0.8-2");
	ST_CHECK_INT(x->severity, ST_SEVERITY_MEDIUM);
	ST_CHECK_STR(x->severity_source, "debian");
	ST_CHECK_STR(x->source, "debian-tracker");
	ST_CHECK_STR(x->url, "https://security-tracker.debian.org/tracker/CVE-2005-3111");
	ST_CHECK(strncmp(x->summary, "The handler code for backupninja", 32) == 0);
	x = &f.items[1];
	ST_CHECK_STR(x->id, "CVE-2022-0456");
	ST_CHECK_INT(x->package, 0);
	ST_CHECK_INT(x->status, ST_STATUS_END_OF_LIFE);
	ST_CHECK(x->fixed_version == NULL);
	ST_CHECK_INT(x->severity, ST_SEVERITY_UNKNOWN);
	ST_CHECK(x->summary == NULL);
	st_findings_dispose(&f);
	st_inventory_dispose(&inv);

	/* Bookworm: sope's fix is a security update above 5.8.0-1. */
	st_inventory_init(&inv);
	st_findings_init(&f);
	set_debian(&inv, "12", NULL);
	ST_CHECK(add_package(&inv, "deb", "chromium", "98.0.4758.102-1", NULL));
	ST_CHECK(add_package(&inv, "deb", "sope4.9-libxml", "5.8.0-1", "sope"));
	ST_CHECK_INT(st_match_inventory(fx.db, &inv, &f, &fx.diag, &err), 0);
	ST_CHECK_INT(f.count, 1);
	x = find(&f, "CVE-2025-53603", 1);
	ST_CHECK(x != NULL);
	ST_CHECK_STR(x->fixed_version, "5.8.0-1+deb12u1");
	ST_CHECK_INT(x->severity, ST_SEVERITY_UNKNOWN);
	ST_CHECK_STR(x->severity_source, "debian");
	st_findings_dispose(&f);
	st_inventory_dispose(&inv);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(debian_statuses_on_bookworm)
{
	static const struct {
		const char *id;
		size_t package;
		int status;
		int severity;
		const char *fixed;
	} want[] = {
		{"CVE-2099-0001", 0, ST_STATUS_AFFECTED, ST_SEVERITY_HIGH, NULL},
		{"CVE-2099-0001", 1, ST_STATUS_FIXED, ST_SEVERITY_MEDIUM, "1:1.2.13.dfsg-2"},
		{"CVE-2099-0002", 0, ST_STATUS_FIXED, ST_SEVERITY_MEDIUM, "3.0.13-1~deb12u1"},
		{"CVE-2099-0005", 0, ST_STATUS_FIX_DEFERRED, ST_SEVERITY_LOW, NULL},
		{"CVE-2099-0006", 0, ST_STATUS_WILL_NOT_FIX, ST_SEVERITY_NEGLIGIBLE, NULL},
		{"CVE-2099-0007", 0, ST_STATUS_AFFECTED, ST_SEVERITY_UNKNOWN, NULL},
		{"CVE-2099-0009", 0, ST_STATUS_END_OF_LIFE, ST_SEVERITY_UNKNOWN, NULL},
		{"TEMP-0000000-ABCDEF", 0, ST_STATUS_AFFECTED, ST_SEVERITY_UNKNOWN, NULL},
	};
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};
	struct st_inventory inv;
	struct st_findings f;
	size_t i;

	ST_CHECK(st_test_store_setup(&fx, "vuln", ST_DIAG_WARN));
	ST_CHECK_INT(import_data(&fx, &stats, &err, "feeds/debian/tracker-cases.json", NULL), 0);
	ST_CHECK_INT(stats.records, 10);
	st_inventory_init(&inv);
	st_findings_init(&f);
	/* VERSION_ID only: the codename comes from st_debian_codename. */
	set_debian(&inv, "12", NULL);
	ST_CHECK(add_package(&inv, "deb", "libssl3", "3.0.11-1~deb12u2", "openssl"));
	ST_CHECK(add_package(&inv, "deb", "zlib1g", "1:1.2.13.dfsg-1", "zlib"));
	ST_CHECK_INT(st_match_inventory(fx.db, &inv, &f, &fx.diag, &err), 0);

	/* Not CVE-2099-0003 (fixed below), 0004 (fixed_version 0) or 0008
	 * (no bookworm entry). */
	ST_CHECK_INT(f.count, ST_ARRAY_LEN(want));
	for (i = 0; i < ST_ARRAY_LEN(want); i++) {
		const struct st_finding *x = &f.items[i];

		ST_CHECK_STR(x->id, want[i].id);
		ST_CHECK_INT(x->package, want[i].package);
		ST_CHECK_INT(x->status, want[i].status);
		ST_CHECK_INT(x->severity, want[i].severity);
		ST_CHECK(str_eq(x->fixed_version, want[i].fixed));
		ST_CHECK_STR(x->severity_source, "debian");
		ST_CHECK_STR(x->aliases, "");
	}
	st_findings_dispose(&f);
	st_inventory_dispose(&inv);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(debian_binary_without_source_and_other_releases)
{
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};
	struct st_inventory inv;
	struct st_findings f;

	ST_CHECK(st_test_store_setup(&fx, "vuln", ST_DIAG_WARN));
	ST_CHECK_INT(import_data(&fx, &stats, &err, "feeds/debian/tracker-cases.json", NULL), 0);

	/* A binary named like its source needs no Source field. */
	st_inventory_init(&inv);
	st_findings_init(&f);
	set_debian(&inv, "13", "trixie");
	ST_CHECK(add_package(&inv, "deb", "openssl", "3.0.11-1~deb12u2", NULL));
	ST_CHECK_INT(st_match_inventory(fx.db, &inv, &f, &fx.diag, &err), 0);
	ST_CHECK_INT(f.count, 1);
	ST_CHECK_STR(f.items[0].id, "CVE-2099-0008");
	st_findings_dispose(&f);
	st_inventory_dispose(&inv);

	/* A release the tracker does not list. */
	st_inventory_init(&inv);
	st_findings_init(&f);
	set_debian(&inv, "9", "stretch");
	ST_CHECK(add_package(&inv, "deb", "openssl", "1.1.0l-1~deb9u1", NULL));
	ST_CHECK_INT(st_match_inventory(fx.db, &inv, &f, &fx.diag, &err), 0);
	ST_CHECK_INT(f.count, 0);
	st_findings_dispose(&f);
	st_inventory_dispose(&inv);

	/* Not Debian, or no codename: deb packages are not matched. */
	st_inventory_init(&inv);
	st_findings_init(&f);
	inv.os.id = "ubuntu";
	inv.os.version_id = "22.04";
	inv.os.version_codename = "jammy";
	ST_CHECK(add_package(&inv, "deb", "openssl", "3.0.2-0ubuntu1", NULL));
	ST_CHECK_INT(st_match_inventory(fx.db, &inv, &f, &fx.diag, &err), 0);
	ST_CHECK_INT(f.count, 0);
	inv.os.id = "debian";
	inv.os.version_id = "99";
	inv.os.version_codename = NULL;
	fx.log_len = 0;
	fx.log[0] = '\0';
	ST_CHECK_INT(st_match_inventory(fx.db, &inv, &f, &fx.diag, &err), 0);
	ST_CHECK_INT(f.count, 0);
	ST_CHECK(strstr(fx.log, "no advisory release known for debian 99") != NULL);
	st_findings_dispose(&f);
	st_inventory_dispose(&inv);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(debian_and_osv_collapse)
{
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};
	struct st_inventory inv;
	struct st_findings f;
	const struct st_finding *x;

	ST_CHECK(st_test_store_setup(&fx, "vuln", ST_DIAG_WARN));
	ST_CHECK_INT(import_data(&fx, &stats, &err, "feeds/debian/tracker-cases.json",
				 "feeds/osv/cases", NULL),
		     0);
	st_inventory_init(&inv);
	st_findings_init(&f);
	set_debian(&inv, "12", "bookworm");
	ST_CHECK(add_package(&inv, "deb", "libssl3", "3.0.11-1~deb12u2", "openssl"));
	ST_CHECK_INT(st_match_inventory(fx.db, &inv, &f, &fx.diag, &err), 0);
	ST_CHECK_INT(f.count, 7);

	/* The tracker's own rating wins for a distribution package. */
	x = find(&f, "CVE-2099-0002", 0);
	ST_CHECK(x != NULL);
	ST_CHECK_STR(x->aliases, "GHSA-9999-aaaa-0001");
	ST_CHECK_INT(x->severity, ST_SEVERITY_MEDIUM);
	ST_CHECK_STR(x->severity_source, "debian");
	ST_CHECK_STR(x->fixed_version, "3.0.13-1~deb12u1");
	ST_CHECK_STR(x->source, "debian-tracker");
	ST_CHECK_STR(x->url, "https://security-tracker.debian.org/tracker/CVE-2099-0002");

	/* Where the tracker has no rating yet, the OSV record's applies. */
	x = find(&f, "CVE-2099-0007", 0);
	ST_CHECK(x != NULL);
	ST_CHECK_STR(x->aliases, "TEST-DEB-7");
	ST_CHECK_INT(x->severity, ST_SEVERITY_HIGH);
	ST_CHECK_STR(x->severity_source, "osv:database_specific");
	ST_CHECK_INT(x->status, ST_STATUS_AFFECTED);
	ST_CHECK_STR(x->source, "debian-tracker");
	ST_CHECK_STR(x->summary, "Not yet checked for bookworm.");
	st_findings_dispose(&f);
	st_inventory_dispose(&inv);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

/* Malformed input ----------------------------------------------------------- */

ST_TEST(osv_malformed_records_skipped)
{
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};
	struct status st;

	ST_CHECK(st_test_store_setup(&fx, "vuln", ST_DIAG_WARN));
	ST_CHECK_INT(import_data(&fx, &stats, &err, "feeds/osv/malformed", NULL), 0);
	/* Six feed files, one with a good record, and one file (not OSV)
	 * that is counted apart from the malformed records. */
	ST_CHECK_INT(stats.files, 6);
	ST_CHECK_INT(stats.records, 1);
	ST_CHECK_INT(stats.skipped, 5);
	ST_CHECK_INT(stats.skipped_files, 1);
	ST_CHECK_INT(fx.diag.warnings, 6);
	ST_CHECK(strstr(fx.log, "two-kinds.json: TEST-BADEVENT-1: ranges: an event must have "
				"exactly one field; skipped") != NULL);
	ST_CHECK(strstr(fx.log, "aliases-string.json: TEST-BADTYPE-1: aliases is not an array")
		 != NULL);
	ST_CHECK(strstr(fx.log, "no-id.json: record: no id string") != NULL);
	/* An id with a terminal escape is skipped and never printed. */
	ST_CHECK(strstr(fx.log, "control-id.json: record: no id string, or one that is empty, "
				"too long or has control characters; skipped") != NULL);
	ST_CHECK(strchr(fx.log, '\x1b') == NULL);
	ST_CHECK(strstr(fx.log, "truncated.json: record: OSV record: invalid JSON") != NULL);
	ST_CHECK(strstr(fx.log, "garbage.json: not a feed format strata reads") != NULL);
	ST_CHECK(read_status(&fx, &st));
	ST_CHECK_INT(st.src[0].records, 1);
	ST_CHECK_INT(st.src[0].affected, 1);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(debian_malformed_entries_skipped)
{
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};
	struct status st;

	ST_CHECK(st_test_store_setup(&fx, "vuln", ST_DIAG_WARN));
	ST_CHECK_INT(import_data(&fx, &stats, &err, "feeds/debian/tracker-malformed.json", NULL),
		     0);
	ST_CHECK_INT(stats.records, 2);
	ST_CHECK_INT(stats.skipped, 9);
	ST_CHECK(strstr(fx.log, "tracker-malformed.json: CVE-2099-0101 in package curl: entry is "
				"not an object; skipped") != NULL);
	ST_CHECK(strstr(fx.log, "CVE-2099-0103 in package curl: release bookworm: status "
				"'fixed-ish' is unknown") != NULL);
	ST_CHECK(strstr(fx.log, "CVE-2099-0104 in package curl: release bookworm: status "
				"'resolved' without fixed_version") != NULL);
	ST_CHECK(strstr(fx.log, "CVE-2099-0106 in package curl: release 'bullseye' is not an "
				"object") != NULL);
	/* Names with control characters are skipped without being printed. */
	ST_CHECK(strstr(fx.log, "package curl: an entry id is empty, too long or has control "
				"characters; skipped") != NULL);
	ST_CHECK(strstr(fx.log, "CVE-2099-0108 in package curl: a release name is empty, too "
				"long or has control characters") != NULL);
	ST_CHECK(strstr(fx.log, "is not a named package object; skipped") != NULL);
	ST_CHECK(strchr(fx.log, '\x1b') == NULL);
	ST_CHECK(strchr(fx.log, '\x07') == NULL);
	ST_CHECK(read_status(&fx, &st));
	ST_CHECK_INT(st.src[0].records, 2);
	/* Only CVE-2099-0100's bookworm row: the skipped entries left
	 * nothing behind, not even the rows written before the bad one. */
	ST_CHECK_INT(st.src[0].affected, 1);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(debian_truncated_file_fails)
{
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};
	char src[512];
	char path[256];
	char *text;
	size_t len = 0;

	ST_CHECK(st_test_store_setup(&fx, "vuln", ST_DIAG_WARN));
	text = slurp(data(src, sizeof(src), "feeds/debian/security-tracker-debian.json"), &len);
	ST_CHECK(text != NULL);
	/* Cut in the middle of the last package. */
	ST_CHECK(write_file(fx.dir, "truncated.json", text, len - 40, path, sizeof(path)) != NULL);
	free(text);
	ST_CHECK_INT(import_data(&fx, &stats, &err, path, NULL), STRATA_ECORRUPT);
	ST_CHECK(strstr(err.msg, "truncated.json") != NULL);
	ST_CHECK_INT(stats.records, 0);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

/* Transactions ---------------------------------------------------------------- */

ST_TEST(failed_import_keeps_previous_contents)
{
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};
	struct status before, after;
	char path[256];

	ST_CHECK(st_test_store_setup(&fx, "vuln", ST_DIAG_WARN));
	ST_CHECK_INT(import_data(&fx, &stats, &err, "feeds/osv/npm", NULL), 0);
	ST_CHECK(read_status(&fx, &before));

	/* Valid files first, then a path that does not exist. */
	ST_CHECK_INT(import_data(&fx, &stats, &err, "feeds/debian/tracker-cases.json",
				 "feeds/osv/cases", "/nonexistent/feed.json", NULL),
		     STRATA_ENOTFOUND);
	ST_CHECK(strstr(err.msg, "/nonexistent/feed.json") != NULL);
	ST_CHECK_INT(stats.records, 0);
	ST_CHECK(read_status(&fx, &after));
	ST_CHECK(status_equal(&before, &after));

	/* A named file of unknown format. */
	ST_CHECK(write_file(fx.dir, "notes.json", "{\"name\": \"x\"}", 13, path, sizeof(path)));
	ST_CHECK_INT(import_data(&fx, &stats, &err, "feeds/debian/tracker-cases.json", path, NULL),
		     STRATA_EUNSUPPORTED);
	ST_CHECK(read_status(&fx, &after));
	ST_CHECK(status_equal(&before, &after));

	/* No paths at all. */
	ST_CHECK_INT(st_db_import(fx.db, NULL, 0, &fx.lim, &fx.diag, &stats, &err), STRATA_EINVAL);

	/* The database still works after the rollbacks. */
	ST_CHECK_INT(import_data(&fx, &stats, &err, "feeds/debian/tracker-cases.json", NULL), 0);
	ST_CHECK(read_status(&fx, &after));
	ST_CHECK_INT(after.count, 2);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(reimport_is_idempotent)
{
	struct st_test_store fx;
	struct st_import_stats first, second;
	struct strata_error err = {0};
	struct status before, after;

	ST_CHECK(st_test_store_setup(&fx, "vuln", ST_DIAG_WARN));
	ST_CHECK_INT(import_data(&fx, &first, &err, "feeds/osv/npm", "feeds/osv/cases",
				 "feeds/debian/tracker-cases.json",
				 "feeds/debian/security-tracker-debian.json", NULL),
		     0);
	ST_CHECK(read_status(&fx, &before));
	ST_CHECK_INT(import_data(&fx, &second, &err, "feeds/osv/npm", "feeds/osv/cases",
				 "feeds/debian/tracker-cases.json",
				 "feeds/debian/security-tracker-debian.json", NULL),
		     0);
	ST_CHECK(read_status(&fx, &after));
	ST_CHECK(status_equal(&before, &after));
	ST_CHECK_INT(first.files, second.files);
	ST_CHECK_INT(first.records, second.records);
	ST_CHECK_INT(first.skipped, second.skipped);
	ST_CHECK_INT(before.src[0].records, 17);
	ST_CHECK_INT(before.src[1].records, 10 + 14);

	/* The same record in two files of one import: the second replaces
	 * the first (it used to fail on a UNIQUE constraint when SQLite gave
	 * the new row the old row's id). */
	{
		char dir[160];
		char dst[200];
		struct st_buf text;

		snprintf(dir, sizeof(dir), "%s/twice", fx.dir);
		ST_CHECK(mkdir(dir, 0700) == 0);
		data(dst, sizeof(dst), "feeds/osv/npm/GHSA-29mw-wpgm-hmr9.json");
		st_buf_init(&text, 1u << 20);
		ST_CHECK_INT(st_read_file(dst, &text, false, &err), 0);
		for (int i = 0; i < 2; i++) {
			FILE *f;

			snprintf(dst, sizeof(dst), "%s/%d.json", dir, i);
			f = fopen(dst, "w");
			ST_CHECK(f != NULL);
			ST_CHECK(fwrite(text.ptr, 1, text.len, f) == text.len);
			fclose(f);
		}
		st_buf_dispose(&text);
		ST_CHECK_INT(import_data(&fx, &second, &err, dir, NULL), 0);
		ST_CHECK_INT(second.files, 2);
		ST_CHECK_INT(second.records, 1);
		ST_CHECK(read_status(&fx, &after));
		ST_CHECK(status_equal(&before, &after));
	}

	/* The same path twice in one import counts its records once. */
	ST_CHECK_INT(import_data(&fx, &second, &err, "feeds/osv/npm", "feeds/osv/npm", NULL), 0);
	ST_CHECK_INT(second.records, 10);
	ST_CHECK(read_status(&fx, &after));
	ST_CHECK(status_equal(&before, &after));
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(reimport_replaces_changed_record)
{
	static const char v2[] =
		"{\"id\": \"TEST-LIMIT-1\", \"modified\": \"2024-06-01T00:00:00Z\","
		" \"affected\": [{\"package\": {\"ecosystem\": \"npm\", \"name\": \"limit-pkg\"},"
		" \"ranges\": [{\"type\": \"ECOSYSTEM\", \"events\": [{\"introduced\": \"9.0.0\"}]}]},"
		" {\"package\": {\"ecosystem\": \"npm\", \"name\": \"other-pkg\"},"
		" \"versions\": [\"1.0.0\"]}]}";
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};
	struct st_inventory inv;
	struct st_findings f;
	struct status st;
	char path[256];

	ST_CHECK(st_test_store_setup(&fx, "vuln", ST_DIAG_WARN));
	ST_CHECK_INT(import_data(&fx, &stats, &err, "feeds/osv/cases", NULL), 0);
	ST_CHECK(read_status(&fx, &st));
	ST_CHECK_INT(st.src[0].affected, 15);
	ST_CHECK(write_file(fx.dir, "TEST-LIMIT-1.json", v2, strlen(v2), path, sizeof(path)));
	ST_CHECK_INT(import_data(&fx, &stats, &err, path, NULL), 0);
	ST_CHECK(read_status(&fx, &st));
	ST_CHECK_INT(st.src[0].records, 14);
	ST_CHECK_INT(st.src[0].affected, 16);

	/* The old ranges are gone with the old record. */
	st_inventory_init(&inv);
	st_findings_init(&f);
	ST_CHECK(add_package(&inv, "npm", "limit-pkg", "1.2.0", NULL));
	ST_CHECK(add_package(&inv, "npm", "other-pkg", "1.0.0", NULL));
	ST_CHECK_INT(st_match_inventory(fx.db, &inv, &f, &fx.diag, &err), 0);
	ST_CHECK_INT(f.count, 1);
	ST_CHECK(find(&f, "TEST-LIMIT-1", 1) != NULL);
	st_findings_dispose(&f);
	st_inventory_dispose(&inv);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

/* Zip archives and limits ----------------------------------------------------- */

struct zip_entry {
	const char *name;
	const char *text;
	size_t len;
};

static bool write_zip(const char *path, const struct zip_entry *entries, size_t n)
{
	struct archive *a = archive_write_new();
	bool ok = a != NULL;
	size_t i;

	ok = ok && archive_write_set_format_zip(a) == ARCHIVE_OK;
	ok = ok && archive_write_open_filename(a, path) == ARCHIVE_OK;
	for (i = 0; ok && i < n; i++) {
		struct archive_entry *e = archive_entry_new();

		archive_entry_set_pathname(e, entries[i].name);
		archive_entry_set_size(e, (la_int64_t)entries[i].len);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		ok = archive_write_header(a, e) == ARCHIVE_OK &&
		     archive_write_data(a, entries[i].text, entries[i].len) ==
			     (la_ssize_t)entries[i].len;
		archive_entry_free(e);
	}
	if (a != NULL) {
		ok = archive_write_close(a) == ARCHIVE_OK && ok;
		archive_write_free(a);
	}
	return ok;
}

/* Writes the npm records into DIR/all.zip, as osv.dev lays out its
 * archives, with a stray text file. */
static bool write_npm_zip(const char *dir, char *path, size_t size)
{
	static const char *const ids[] = {
		"GHSA-29mw-wpgm-hmr9", "GHSA-35jh-r3h4-6jhm", "GHSA-4xc9-xhrj-v574",
		"GHSA-9c47-m6qq-7p4h", "GHSA-jf85-cpcp-j695", "GHSA-p6mc-m468-83gw",
		"GHSA-r683-j2x4-v87g", "GHSA-vh95-rmgr-6w4m", "GHSA-w7rc-rwvf-8q5r",
		"GHSA-xvch-5gv4-984h",
	};
	struct zip_entry entries[ST_ARRAY_LEN(ids) + 1];
	char names[ST_ARRAY_LEN(ids)][64];
	char *texts[ST_ARRAY_LEN(ids)] = {0};
	char file[512];
	char rel[128];
	bool ok = true;
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(ids) && ok; i++) {
		snprintf(rel, sizeof(rel), "feeds/osv/npm/%s.json", ids[i]);
		snprintf(names[i], sizeof(names[i]), "%s.json", ids[i]);
		texts[i] = slurp(data(file, sizeof(file), rel), &entries[i].len);
		entries[i].name = names[i];
		entries[i].text = texts[i];
		ok = texts[i] != NULL;
	}
	entries[i].name = "README.txt";
	entries[i].text = "not a record\n";
	entries[i].len = 13;
	snprintf(path, size, "%s/all.zip", dir);
	ok = ok && write_zip(path, entries, ST_ARRAY_LEN(entries));
	for (i = 0; i < ST_ARRAY_LEN(ids); i++)
		free(texts[i]);
	return ok;
}

ST_TEST(zip_import_matches_directory_import)
{
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};
	struct st_inventory inv;
	struct st_findings f;
	struct status st;
	char path[256];
	int rc;

	ST_CHECK(st_test_store_setup(&fx, "vuln", ST_DIAG_WARN));
	ST_CHECK(write_npm_zip(fx.dir, path, sizeof(path)));
	ST_CHECK_INT(import_data(&fx, &stats, &err, path, NULL), 0);
	ST_CHECK_INT(stats.files, 10);
	ST_CHECK_INT(stats.records, 10);
	ST_CHECK_INT(stats.skipped, 0);
	ST_CHECK(read_status(&fx, &st));
	ST_CHECK_INT(st.src[0].records, 10);
	ST_CHECK_INT(st.src[0].affected, 30);
	ST_CHECK(strstr(fx.log, "all.zip:GHSA-r683-j2x4-v87g.json: GHSA-r683-j2x4-v87g") != NULL);

	st_inventory_init(&inv);
	st_findings_init(&f);
	ST_CHECK(add_demo_pins(&inv));
	ST_CHECK_INT(st_match_inventory(fx.db, &inv, &f, &fx.diag, &err), 0);
	rc = check_demo_findings(&f);
	st_findings_dispose(&f);
	st_inventory_dispose(&inv);

	/* Found in a directory walk too. */
	ST_CHECK_INT(import_data(&fx, &stats, &err, fx.dir, NULL), 0);
	ST_CHECK_INT(stats.records, 10);
	st_test_store_teardown(&fx);
	return rc;
}

ST_TEST(zip_entry_names_shown_safely)
{
	static const char record[] = "{\"modified\": \"2024-01-01T00:00:00Z\"}";
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};
	struct zip_entry entry;
	char path[256];

	ST_CHECK(st_test_store_setup(&fx, "vuln", ST_DIAG_WARN));
	entry.name = "evil\x1b[2J.json";
	entry.text = record;
	entry.len = strlen(record);
	snprintf(path, sizeof(path), "%s/evil.zip", fx.dir);
	ST_CHECK(write_zip(path, &entry, 1));
	ST_CHECK_INT(import_data(&fx, &stats, &err, path, NULL), 0);
	ST_CHECK_INT(stats.skipped, 1);
	ST_CHECK(strstr(fx.log, "evil.zip:evil?[2J.json: record: no id string") != NULL);
	ST_CHECK(strchr(fx.log, '\x1b') == NULL);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(zip_corrupt_archive_fails)
{
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};
	char path[256];
	char *text;
	size_t len = 0;

	ST_CHECK(st_test_store_setup(&fx, "vuln", ST_DIAG_WARN));
	ST_CHECK(write_npm_zip(fx.dir, path, sizeof(path)));
	text = slurp(path, &len);
	ST_CHECK(text != NULL);
	/* Keep the local header magic, lose the central directory. */
	ST_CHECK(write_file(fx.dir, "cut.zip", text, len / 2, path, sizeof(path)) != NULL);
	free(text);
	ST_CHECK_INT(import_data(&fx, &stats, &err, path, NULL), STRATA_ECORRUPT);
	ST_CHECK(strstr(err.msg, "cut.zip") != NULL);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(limit_feed_file_bytes)
{
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};
	struct status st;
	char path[256];

	ST_CHECK(st_test_store_setup(&fx, "vuln", ST_DIAG_WARN));
	ST_CHECK_INT(import_data(&fx, &stats, &err, "feeds/osv/cases", NULL), 0);
	fx.lim.feed_file_bytes = 2000;
	/* Every npm record is over 2000 bytes. */
	ST_CHECK_INT(import_data(&fx, &stats, &err, "feeds/osv/npm", NULL), STRATA_ELIMIT);
	ST_CHECK(strstr(err.msg, "feed_file_bytes") != NULL);
	ST_CHECK(strstr(err.msg, "GHSA-29mw-wpgm-hmr9.json") != NULL);
	/* The same records inside a zip. */
	ST_CHECK(write_npm_zip(fx.dir, path, sizeof(path)));
	ST_CHECK_INT(import_data(&fx, &stats, &err, path, NULL), STRATA_ELIMIT);
	ST_CHECK(strstr(err.msg, "all.zip:GHSA-29mw-wpgm-hmr9.json") != NULL);
	ST_CHECK(read_status(&fx, &st));
	ST_CHECK_INT(st.src[0].records, 14);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(limit_json_depth)
{
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};

	ST_CHECK(st_test_store_setup(&fx, "vuln", ST_DIAG_WARN));
	/* OSV: affected[].ranges[].events[] is 7 levels deep. */
	fx.lim.json_depth = 6;
	ST_CHECK_INT(import_data(&fx, &stats, &err, "feeds/osv/npm/GHSA-r683-j2x4-v87g.json",
				 NULL),
		     STRATA_ELIMIT);
	ST_CHECK(strstr(err.msg, "GHSA-r683-j2x4-v87g.json") != NULL);
	ST_CHECK(strstr(err.msg, "deeper than 6") != NULL);
	fx.lim.json_depth = 7;
	ST_CHECK_INT(import_data(&fx, &stats, &err, "feeds/osv/npm/GHSA-r683-j2x4-v87g.json",
				 NULL),
		     0);
	/* Tracker: package, id, releases, release, repositories. */
	fx.lim.json_depth = 5;
	ST_CHECK_INT(import_data(&fx, &stats, &err, "feeds/debian/security-tracker-debian.json",
				 NULL),
		     STRATA_ELIMIT);
	ST_CHECK(strstr(err.msg, "security-tracker-debian.json") != NULL);
	fx.lim.json_depth = 6;
	ST_CHECK_INT(import_data(&fx, &stats, &err, "feeds/debian/security-tracker-debian.json",
				 NULL),
		     0);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(limit_zip_compression_ratio)
{
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};
	struct zip_entry entry;
	char path[256];
	char *text;
	size_t len = 256 * 1024;

	ST_CHECK(st_test_store_setup(&fx, "vuln", ST_DIAG_WARN));
	/* A valid record padded with white space compresses very well. */
	text = malloc(len);
	ST_CHECK(text != NULL);
	memset(text, ' ', len);
	memcpy(text, "{\"id\": \"TEST-PAD-1\", \"modified\": \"2024-01-01T00:00:00Z\"", 55);
	text[len - 1] = '}';
	entry.name = "TEST-PAD-1.json";
	entry.text = text;
	entry.len = len;
	snprintf(path, sizeof(path), "%s/pad.zip", fx.dir);
	ST_CHECK(write_zip(path, &entry, 1));
	free(text);

	fx.lim.compression_ratio = 10;
	ST_CHECK_INT(import_data(&fx, &stats, &err, path, NULL), STRATA_ELIMIT);
	ST_CHECK(strstr(err.msg, "expands more than 10 times its size, over the "
				 "compression_ratio limit") != NULL);
	fx.lim.compression_ratio = 1000;
	ST_CHECK_INT(import_data(&fx, &stats, &err, path, NULL), 0);
	ST_CHECK_INT(stats.records, 1);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(status_lists_sources_in_name_order)
{
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};
	struct status st;

	ST_CHECK(st_test_store_setup(&fx, "vuln", ST_DIAG_WARN));
	ST_CHECK(read_status(&fx, &st));
	ST_CHECK_INT(st.count, 0);
	ST_CHECK_INT(import_data(&fx, &stats, &err, "feeds/osv/npm",
				 "feeds/debian/security-tracker-debian.json",
				 "feeds/debian/tracker-cases.json", NULL),
		     0);
	ST_CHECK_INT(stats.records, 10 + 7 + 10);
	ST_CHECK(read_status(&fx, &st));
	ST_CHECK_INT(st.count, 2);
	ST_CHECK_STR(st.src[0].name, "debian-tracker");
	ST_CHECK_INT(st.src[0].records, 17);
	ST_CHECK_INT(st.src[0].affected, 25 + 12);
	ST_CHECK_STR(st.src[1].name, "osv");
	ST_CHECK_INT(st.src[1].records, 10);
	ST_CHECK_INT(st.src[1].affected, 30);
	ST_CHECK(st.src[0].imported_at > 0);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

/* Alpine secdb --------------------------------------------------------------- */

static void set_alpine(struct st_inventory *inv, const char *version_id)
{
	inv->os.id = "alpine";
	inv->os.version_id = version_id;
	inv->os.version_codename = NULL;
	inv->os.found = true;
}

/* Matches one apk package NAME (origin ORIGIN) at VERSION on Alpine
 * VERSION_ID into F, which the caller disposes. */
static int match_apk(struct st_test_store *fx, const char *version_id, const char *name,
		     const char *version, const char *origin, struct st_findings *f)
{
	struct strata_error err = {0};
	struct st_inventory inv;
	int rc;

	st_inventory_init(&inv);
	st_findings_init(f);
	set_alpine(&inv, version_id);
	if (!add_package(&inv, "apk", name, version, origin)) {
		st_inventory_dispose(&inv);
		return -1;
	}
	rc = st_match_inventory(fx->db, &inv, f, &fx->diag, &err);
	st_inventory_dispose(&inv);
	return rc;
}

ST_TEST(alpine_secdb_detected_and_counted)
{
	static const char secdb[] = "{\"distroversion\": \"v3.10\", \"packages\": []}";
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};
	struct status st;

	ST_CHECK(st_test_store_setup(&fx, "vuln", ST_DIAG_WARN));
	ST_CHECK_INT(st_feed_detect(st_slice_make(secdb, sizeof(secdb) - 1), &fx.lim),
		     ST_FEED_ALPINE_SECDB);
	ST_CHECK_INT(import_data(&fx, &stats, &err, "feeds/alpine/secdb-v3.10-community.json",
				 NULL),
		     0);
	ST_CHECK_INT(stats.files, 1);
	/* botan 4, cfengine 1, chicken 4: one advisory per id. */
	ST_CHECK_INT(stats.records, 9);
	ST_CHECK_INT(stats.skipped, 0);
	ST_CHECK(read_status(&fx, &st));
	ST_CHECK_INT(st.count, 1);
	ST_CHECK_STR(st.src[0].name, "alpine-secdb");
	ST_CHECK_INT(st.src[0].records, 9);
	ST_CHECK_INT(st.src[0].affected, 9);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(alpine_apk_below_and_at_fix)
{
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};
	struct st_findings f;
	const struct st_finding *hit;

	ST_CHECK(st_test_store_setup(&fx, "vuln", ST_DIAG_WARN));
	ST_CHECK_INT(import_data(&fx, &stats, &err, "feeds/alpine/secdb-v3.10-community.json",
				 NULL),
		     0);

	/* botan 2.8.0-r0 lies below the 2.9.0-r0 fix only. */
	ST_CHECK_INT(match_apk(&fx, "3.10.2", "botan", "2.8.0-r0", "botan", &f), 0);
	ST_CHECK_INT(f.count, 1);
	hit = find(&f, "CVE-2018-20187", 0);
	ST_CHECK(hit != NULL);
	ST_CHECK_STR(hit->fixed_version, "2.9.0-r0");
	ST_CHECK_INT(hit->status, ST_STATUS_FIXED);
	ST_CHECK_INT(hit->severity, ST_SEVERITY_UNKNOWN);
	ST_CHECK_STR(hit->source, "alpine-secdb");
	ST_CHECK_STR(hit->aliases, "");
	st_findings_dispose(&f);

	/* At the fixed version: nothing. */
	ST_CHECK_INT(match_apk(&fx, "3.10.2", "botan", "2.9.0-r0", "botan", &f), 0);
	ST_CHECK_INT(f.count, 0);
	st_findings_dispose(&f);

	/* A subpackage matches by its origin. chicken 4.12.0-r2 is the fix of
	 * CVE-2017-9334 but below the 4.12.0-r3 fix of CVE-2017-6949. */
	ST_CHECK_INT(match_apk(&fx, "3.10.4", "chicken-dev", "4.12.0-r2", "chicken", &f), 0);
	ST_CHECK_INT(f.count, 1);
	hit = find(&f, "CVE-2017-6949", 0);
	ST_CHECK(hit != NULL);
	ST_CHECK_STR(hit->fixed_version, "4.12.0-r3");
	st_findings_dispose(&f);

	/* Older chicken: every fix is above it, two ids from one item list. */
	ST_CHECK_INT(match_apk(&fx, "3.10", "chicken", "4.11.0-r0", NULL, &f), 0);
	ST_CHECK_INT(f.count, 4);
	hit = find(&f, "CVE-2016-6831", 0);
	ST_CHECK(hit != NULL);
	ST_CHECK_STR(hit->fixed_version, "4.11.1-r0");
	st_findings_dispose(&f);

	/* A later revision than the fix (apk order: -r1 above -r0). */
	ST_CHECK_INT(match_apk(&fx, "3.10.2", "cfengine", "3.12.2-r1", "cfengine", &f), 0);
	ST_CHECK_INT(f.count, 0);
	st_findings_dispose(&f);
	ST_CHECK_INT(match_apk(&fx, "3.10.2", "cfengine", "3.12.1-r5", "cfengine", &f), 0);
	ST_CHECK_INT(f.count, 1);
	ST_CHECK(find(&f, "CVE-2019-9929", 0) != NULL);
	st_findings_dispose(&f);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(alpine_other_release_not_matched)
{
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};
	struct st_findings f;
	struct st_inventory inv;

	ST_CHECK(st_test_store_setup(&fx, "vuln", ST_DIAG_WARN));
	ST_CHECK_INT(import_data(&fx, &stats, &err, "feeds/alpine/secdb-v3.10-community.json",
				 NULL),
		     0);
	/* Only v3.10 data: a 3.11 or 3.1 image gets nothing. */
	ST_CHECK_INT(match_apk(&fx, "3.11.0", "botan", "2.5.0-r0", "botan", &f), 0);
	ST_CHECK_INT(f.count, 0);
	st_findings_dispose(&f);
	ST_CHECK_INT(match_apk(&fx, "3.1.0", "botan", "2.5.0-r0", "botan", &f), 0);
	ST_CHECK_INT(f.count, 0);
	st_findings_dispose(&f);

	/* No usable VERSION_ID: one warning, no match. */
	fx.log_len = 0;
	fx.log[0] = '\0';
	ST_CHECK_INT(match_apk(&fx, "x3.10", "botan", "2.5.0-r0", "botan", &f), 0);
	ST_CHECK_INT(f.count, 0);
	ST_CHECK(strstr(fx.log, "no advisory release known for alpine x3.10") != NULL);
	st_findings_dispose(&f);

	/* An apk package on another OS is not matched against secdb rows. */
	st_inventory_init(&inv);
	st_findings_init(&f);
	inv.os.id = "wolfi";
	inv.os.version_id = "3.10.2";
	ST_CHECK(add_package(&inv, "apk", "botan", "2.5.0-r0", "botan"));
	ST_CHECK_INT(st_match_inventory(fx.db, &inv, &f, &fx.diag, &err), 0);
	ST_CHECK_INT(f.count, 0);
	st_findings_dispose(&f);
	st_inventory_dispose(&inv);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(alpine_version_zero_and_aliases)
{
	static const char secdb[] =
		"{\"distroversion\": \"v3.10\", \"reponame\": \"main\", \"packages\": ["
		"{\"pkg\": {\"name\": \"zlib\", \"secfixes\": {"
		"\"0\": [\"CVE-2099-0001\"],"
		"\"1.2.11-r2\": [\"CVE-2099-0002  XSA-99 GHSA-aaaa-bbbb-cccc\"]}}}]}";
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};
	struct st_findings f;
	const struct st_finding *hit;
	char path[256];

	ST_CHECK(st_test_store_setup(&fx, "vuln", ST_DIAG_WARN));
	ST_CHECK(write_file(fx.dir, "main.json", secdb, sizeof(secdb) - 1, path, sizeof(path)));
	ST_CHECK_INT(import_data(&fx, &stats, &err, path, NULL), 0);
	ST_CHECK_INT(stats.records, 2);
	ST_CHECK_INT(match_apk(&fx, "3.10.0", "zlib", "1.2.11-r1", "zlib", &f), 0);
	/* Version "0": never affected, so CVE-2099-0001 never matches. */
	ST_CHECK_INT(f.count, 1);
	ST_CHECK(find(&f, "CVE-2099-0001", 0) == NULL);
	hit = find(&f, "CVE-2099-0002", 0);
	ST_CHECK(hit != NULL);
	ST_CHECK_STR(hit->aliases, "GHSA-aaaa-bbbb-cccc,XSA-99");
	ST_CHECK_STR(hit->fixed_version, "1.2.11-r2");
	st_findings_dispose(&f);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(alpine_osv_alias_gives_severity)
{
	static const char osv[] =
		"{\"id\": \"ALPINE-TEST-1\", \"modified\": \"2020-01-01T00:00:00Z\","
		"\"aliases\": [\"CVE-2018-20187\"],"
		"\"database_specific\": {\"severity\": \"HIGH\"},"
		"\"affected\": [{\"package\": {\"ecosystem\": \"Alpine:v3.10\","
		"\"name\": \"botan\"}, \"ranges\": [{\"type\": \"ECOSYSTEM\","
		"\"events\": [{\"introduced\": \"0\"}, {\"fixed\": \"2.9.0-r1\"}]}]}]}";
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};
	struct st_findings f;
	const struct st_finding *hit;
	char path[256];

	ST_CHECK(st_test_store_setup(&fx, "vuln", ST_DIAG_WARN));
	ST_CHECK(write_file(fx.dir, "osv.json", osv, sizeof(osv) - 1, path, sizeof(path)));
	ST_CHECK_INT(import_data(&fx, &stats, &err, "feeds/alpine/secdb-v3.10-community.json",
				 path, NULL),
		     0);
	ST_CHECK_INT(match_apk(&fx, "3.10.2", "botan", "2.8.0-r0", "botan", &f), 0);
	ST_CHECK_INT(f.count, 1);
	hit = find(&f, "CVE-2018-20187", 0);
	ST_CHECK(hit != NULL);
	/* The vendor's row leads, and the OSV alias supplies the severity. */
	ST_CHECK_STR(hit->source, "alpine-secdb");
	ST_CHECK_INT(hit->severity, ST_SEVERITY_HIGH);
	ST_CHECK_STR(hit->fixed_version, "2.9.0-r0");
	ST_CHECK_STR(hit->aliases, "ALPINE-TEST-1");
	st_findings_dispose(&f);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(alpine_malformed_entries_skipped)
{
	static const char secdb[] =
		"{\"distroversion\": \"v3.10\", \"packages\": ["
		"42,"
		"{\"pkg\": {\"secfixes\": {}}},"
		"{\"pkg\": {\"name\": \"a\", \"secfixes\": []}},"
		"{\"pkg\": {\"name\": \"b\", \"secfixes\": {\"1.0-r0\": \"CVE-2099-0010\"}}},"
		"{\"pkg\": {\"name\": \"c\", \"secfixes\": {\"1.0-r0\": [\"CVE-2099-0011\", 7]}}},"
		"{\"pkg\": {\"name\": \"d\", \"secfixes\": {\"1.0-r0\": [\"  \"]}}},"
		"{\"pkg\": {\"name\": \"e\", \"secfixes\": {\"1.0-r0\": [\"CVE-\\u001b\"]}}},"
		"{\"pkg\": {\"name\": \"f\", \"secfixes\": {\"1.0 r0\": [\"CVE-2099-0012\"]}}},"
		"{\"pkg\": {\"name\": \"good\", \"secfixes\": {\"2.0-r0\": [\"CVE-2099-0013\"]}}}"
		"]}";
	static const char bad_release[] = "{\"distroversion\": \"3.10\", \"packages\": []}";
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};
	struct st_findings f;
	struct status st;
	char path[256];
	char path2[256];

	ST_CHECK(st_test_store_setup(&fx, "vuln", ST_DIAG_WARN));
	ST_CHECK(write_file(fx.dir, "bad.json", secdb, sizeof(secdb) - 1, path, sizeof(path)));
	ST_CHECK(write_file(fx.dir, "release.json", bad_release, sizeof(bad_release) - 1, path2,
			    sizeof(path2)));
	ST_CHECK_INT(import_data(&fx, &stats, &err, path, path2, NULL), 0);
	ST_CHECK_INT(stats.records, 1);
	ST_CHECK_INT(stats.skipped, 9);
	ST_CHECK(strstr(fx.log, "bad.json: packages[0] has no pkg object with a valid name")
		 != NULL);
	ST_CHECK(strstr(fx.log, "bad.json: packages[1] has no pkg object") != NULL);
	ST_CHECK(strstr(fx.log, "bad.json: package a: secfixes is not an object; skipped")
		 != NULL);
	ST_CHECK(strstr(fx.log, "package b: version 1.0-r0: not an array of ids") != NULL);
	ST_CHECK(strstr(fx.log, "package c: version 1.0-r0: item 1 is not a string") != NULL);
	ST_CHECK(strstr(fx.log, "package d: version 1.0-r0: an id is blank") != NULL);
	ST_CHECK(strstr(fx.log, "package e: version 1.0-r0: an id is empty, too long or has "
				"control characters") != NULL);
	ST_CHECK(strstr(fx.log, "package f: a version is empty") != NULL);
	ST_CHECK(strstr(fx.log, "release.json: secdb without a distroversion") != NULL);
	ST_CHECK(strchr(fx.log, '\x1b') == NULL);
	ST_CHECK(read_status(&fx, &st));
	/* Package c's first id was rolled back with the rest of c. */
	ST_CHECK_INT(st.src[0].records, 1);
	ST_CHECK_INT(st.src[0].affected, 1);
	ST_CHECK_INT(match_apk(&fx, "3.10.1", "good", "1.0-r0", NULL, &f), 0);
	ST_CHECK_INT(f.count, 1);
	ST_CHECK(find(&f, "CVE-2099-0013", 0) != NULL);
	st_findings_dispose(&f);
	ST_CHECK_INT(match_apk(&fx, "3.10.1", "c", "0.1-r0", NULL, &f), 0);
	ST_CHECK_INT(f.count, 0);
	st_findings_dispose(&f);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(alpine_truncated_secdb_fails)
{
	static const char secdb[] = "{\"distroversion\": \"v3.10\", \"packages\": [{\"pkg\": ";
	struct st_test_store fx;
	struct st_import_stats stats;
	struct strata_error err = {0};
	char path[256];

	ST_CHECK(st_test_store_setup(&fx, "vuln", ST_DIAG_WARN));
	ST_CHECK(write_file(fx.dir, "cut.json", secdb, sizeof(secdb) - 1, path, sizeof(path)));
	/* Truncated: the members walk never sees "packages", so the file is
	 * of no known format. */
	ST_CHECK(import_data(&fx, &stats, &err, path, NULL) < 0);
	ST_CHECK(strstr(err.msg, "cut.json") != NULL);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

/* Vendor-first matching ---------------------------------------------------- */

/* One status row for the vendor-first tests. */
struct vendor_row {
	const char *id;
	const char *ecosystem;
	const char *distro;
	const char *package;
	int status;
	const char *fixed;
};

static bool write_rows(struct st_test_store *fx, const struct vendor_row *rows, size_t n)
{
	struct strata_error err = {0};
	struct st_writer w;
	int64_t source;
	size_t i;
	bool ok = false;

	if (st_db_exec(fx->db, "BEGIN", &err) < 0)
		return false;
	if (st_writer_init(&w, fx->db, &err) < 0)
		goto out;
	if (st_writer_source(&w, "vendor-test", &source, &err) < 0)
		goto dispose;
	for (i = 0; i < n; i++) {
		struct st_vuln_record rec = {0};
		struct st_affected_record a = {0};
		int64_t vuln, affected;

		rec.name = rows[i].id;
		rec.severity = ST_SEVERITY_HIGH;
		rec.severity_source = "vendor-test";
		a.ecosystem = rows[i].ecosystem;
		a.distro = rows[i].distro;
		a.package = rows[i].package;
		a.status = rows[i].status;
		a.fixed_version = rows[i].fixed;
		a.severity = -1;
		if (st_writer_vuln(&w, source, &rec, true, &vuln, NULL, &err) < 0 ||
		    st_writer_affected(&w, vuln, &a, &affected, &err) < 0)
			goto dispose;
	}
	ok = true;
dispose:
	st_writer_dispose(&w);
out:
	if (!ok)
		fprintf(stderr, "# %s\n", err.msg);
	return st_db_exec(fx->db, ok ? "COMMIT" : "ROLLBACK", &err) == 0 && ok;
}

static const struct st_finding *finding_for(const struct st_findings *f, const char *id)
{
	size_t i;

	for (i = 0; i < f->count; i++) {
		if (strcmp(f->items[i].id, id) == 0)
			return &f->items[i];
	}
	return NULL;
}

ST_TEST(rpm_vendor_first)
{
	static const struct vendor_row rows[] = {
		/* Fixed at exactly the installed EVR: not affected. */
		{"RHSA-1", "rpm", "rhel:9", "openssl-libs", ST_STATUS_FIXED, "1:3.0.7-27.el9"},
		/* Listed under the source package only. */
		{"RHSA-2", "rpm", "rhel:9", "openssl", ST_STATUS_FIXED, "1:3.0.7-28.el9"},
		{"CVE-2099-3", "rpm", "rhel:9", "openssl-libs", ST_STATUS_WILL_NOT_FIX, NULL},
		{"CVE-2099-4", "rpm", "rhel:9", "openssl-libs", ST_STATUS_NOT_AFFECTED, NULL},
		{"CVE-2099-5", "rpm", "rhel:9", "openssl-libs", ST_STATUS_FIX_DEFERRED, NULL},
		/* Another release, and an upstream row: never used. */
		{"RHSA-6", "rpm", "rhel:8", "openssl-libs", ST_STATUS_FIXED, "1:9.9-1.el8"},
		{"OSV-7", "rpm", "", "openssl-libs", ST_STATUS_AFFECTED, NULL},
		/* A missing epoch counts as 0, below epoch 1. */
		{"RHSA-8", "rpm", "rhel:9", "zlib", ST_STATUS_FIXED, "0:1.2.11-41.el9"},
		{"RHSA-9", "rpm", "rhel:9", "zlib", ST_STATUS_FIXED, "1.2.11-40.el9"},
	};
	struct st_test_store fx;
	struct strata_error err = {0};
	struct st_inventory inv;
	struct st_findings f;
	const struct st_finding *x;

	ST_CHECK(st_test_store_setup(&fx, "vuln", ST_DIAG_WARN));
	ST_CHECK(write_rows(&fx, rows, ST_ARRAY_LEN(rows)));
	st_inventory_init(&inv);
	st_findings_init(&f);
	inv.os.id = "rhel";
	inv.os.version_id = "9.3";
	inv.os.family = "rhel";
	inv.os.distro_key = "rhel:9";
	inv.os.found = true;
	ST_CHECK(add_package(&inv, "rpm", "openssl-libs", "1:3.0.7-27.el9", "openssl"));
	ST_CHECK(add_package(&inv, "rpm", "zlib", "1.2.11-40.el9", "zlib"));
	ST_CHECK_INT(st_match_inventory(fx.db, &inv, &f, &fx.diag, &err), 0);
	ST_CHECK_INT(f.count, 4);
	ST_CHECK(finding_for(&f, "RHSA-1") == NULL);
	ST_CHECK((x = finding_for(&f, "RHSA-2")) != NULL);
	ST_CHECK_INT(x->status, ST_STATUS_FIXED);
	ST_CHECK_STR(x->fixed_version, "1:3.0.7-28.el9");
	ST_CHECK((x = finding_for(&f, "CVE-2099-3")) != NULL);
	ST_CHECK_INT(x->status, ST_STATUS_WILL_NOT_FIX);
	ST_CHECK(finding_for(&f, "CVE-2099-4") == NULL);
	ST_CHECK((x = finding_for(&f, "CVE-2099-5")) != NULL);
	ST_CHECK_INT(x->status, ST_STATUS_FIX_DEFERRED);
	ST_CHECK(finding_for(&f, "RHSA-6") == NULL);
	ST_CHECK(finding_for(&f, "OSV-7") == NULL);
	ST_CHECK((x = finding_for(&f, "RHSA-8")) != NULL);
	ST_CHECK_STR(x->fixed_version, "0:1.2.11-41.el9");
	ST_CHECK(finding_for(&f, "RHSA-9") == NULL);
	st_findings_dispose(&f);

	/* On a release past its end of life, open advisories turn into
	 * end-of-life findings; fixed ones stay fixed. */
	st_findings_init(&f);
	inv.os.eol_date = "2026-01-01";
	ST_CHECK_INT(st_match_inventory(fx.db, &inv, &f, &fx.diag, &err), 0);
	ST_CHECK((x = finding_for(&f, "CVE-2099-5")) != NULL);
	ST_CHECK_INT(x->status, ST_STATUS_END_OF_LIFE);
	ST_CHECK((x = finding_for(&f, "CVE-2099-3")) != NULL);
	ST_CHECK_INT(x->status, ST_STATUS_WILL_NOT_FIX);
	ST_CHECK((x = finding_for(&f, "RHSA-2")) != NULL);
	ST_CHECK_INT(x->status, ST_STATUS_FIXED);
	st_findings_dispose(&f);

	/* A package that an OS package owns, or one a later layer removed,
	 * is not matched on its own. */
	st_findings_init(&f);
	inv.packages[0].flags = ST_PKG_REMOVED;
	inv.packages[1].flags = ST_PKG_OS_OWNED;
	ST_CHECK_INT(st_match_inventory(fx.db, &inv, &f, &fx.diag, &err), 0);
	ST_CHECK_INT(f.count, 0);
	st_findings_dispose(&f);
	st_inventory_dispose(&inv);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(ubuntu_pro_rows_need_esm)
{
	static const struct vendor_row rows[] = {
		{"UBUNTU-CVE-1", "deb", "ubuntu:18.04", "wayland", ST_STATUS_AFFECTED, NULL},
		{"UBUNTU-CVE-2", "deb", "ubuntu-pro:18.04", "wayland", ST_STATUS_FIXED,
		 "1.16.0-1ubuntu1.1~18.04.4+esm1"},
		{"UBUNTU-CVE-3", "deb", "ubuntu:18.04", "libwayland-client0", ST_STATUS_AFFECTED,
		 NULL},
	};
	struct st_test_store fx;
	struct strata_error err = {0};
	struct st_inventory inv;
	struct st_findings f;

	ST_CHECK(st_test_store_setup(&fx, "vuln", ST_DIAG_WARN));
	ST_CHECK(write_rows(&fx, rows, ST_ARRAY_LEN(rows)));
	st_inventory_init(&inv);
	st_findings_init(&f);
	inv.os.id = "ubuntu";
	inv.os.version_id = "18.04";
	inv.os.family = "ubuntu";
	inv.os.distro_key = "ubuntu:18.04";
	ST_CHECK(add_package(&inv, "deb", "libwayland-client0", "1.16.0-1ubuntu1.1~18.04.4",
			     "wayland"));
	ST_CHECK_INT(st_match_inventory(fx.db, &inv, &f, &fx.diag, &err), 0);
	/* By source package only: the binary-named row is not Ubuntu's. */
	ST_CHECK_INT(f.count, 1);
	ST_CHECK_STR(f.items[0].id, "UBUNTU-CVE-1");
	st_findings_dispose(&f);

	st_findings_init(&f);
	inv.os.esm = true;
	ST_CHECK_INT(st_match_inventory(fx.db, &inv, &f, &fx.diag, &err), 0);
	ST_CHECK_INT(f.count, 2);
	ST_CHECK(finding_for(&f, "UBUNTU-CVE-2") != NULL);
	st_findings_dispose(&f);
	st_inventory_dispose(&inv);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

/* Unchecked scopes ----------------------------------------------------------- */

/* Returns the unchecked scope named SCOPE in F, or NULL. */
static const struct st_unchecked *unchecked_scope(const struct st_findings *f,
						  const char *scope)
{
	size_t i;

	for (i = 0; i < f->unchecked_count; i++) {
		if (strcmp(f->unchecked[i].scope, scope) == 0)
			return &f->unchecked[i];
	}
	return NULL;
}

/* A CI gate passed green on a Debian 12 + npm image against a database
 * that contained only the Alpine secdb: nothing was checked, and no
 * warning was printed. */
ST_TEST(unchecked_deb_and_npm_scopes)
{
	static const struct vendor_row rows[] = {
		{"ALPINE-1", "apk", "alpine:v3.10", "zlib", ST_STATUS_AFFECTED, NULL},
	};
	struct st_test_store fx;
	struct strata_error err = {0};
	struct st_inventory inv;
	struct st_findings f;
	const struct st_unchecked *u;

	ST_CHECK(st_test_store_setup(&fx, "vuln", ST_DIAG_WARN));
	ST_CHECK(write_rows(&fx, rows, ST_ARRAY_LEN(rows)));
	st_inventory_init(&inv);
	st_findings_init(&f);
	set_debian(&inv, "12", "bookworm");
	ST_CHECK(add_package(&inv, "deb", "zlib1g", "1:1.2.13.dfsg-1", "zlib"));
	ST_CHECK(add_package(&inv, "deb", "libc6", "2.36-9", "glibc"));
	ST_CHECK(add_package(&inv, "npm", "left-pad", "1.3.0", NULL));
	ST_CHECK_INT(st_match_inventory(fx.db, &inv, &f, &fx.diag, &err), 0);

	ST_CHECK_INT(f.count, 0);
	ST_CHECK_INT(f.unchecked_count, 2);
	ST_CHECK_STR(f.unchecked[0].scope, "deb packages of debian:bookworm");
	ST_CHECK_INT(f.unchecked[0].packages, 2);
	u = unchecked_scope(&f, "npm packages");
	ST_CHECK(u != NULL);
	ST_CHECK_INT(u->packages, 1);
	ST_CHECK(strstr(fx.log, "no advisories for debian:bookworm: its 2 deb packages were "
				"not checked") != NULL);
	ST_CHECK(strstr(fx.log, "no npm advisories: 1 npm package was not checked") != NULL);
	st_findings_dispose(&f);
	st_inventory_dispose(&inv);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

/* A CI gate passed green on an image whose os-release had no VERSION_ID
 * (and on one with no os-release): no advisory release was known, so its
 * OS packages were never checked, and nothing reported that to the gate. */
ST_TEST(unchecked_os_of_unknown_release)
{
	static const struct vendor_row rows[] = {
		{"DEB-1", "deb", "debian:bookworm", "zlib", ST_STATUS_AFFECTED, NULL},
	};
	struct st_test_store fx;
	struct strata_error err = {0};
	int no_os;

	ST_CHECK(st_test_store_setup(&fx, "vuln", ST_DIAG_WARN));
	ST_CHECK(write_rows(&fx, rows, ST_ARRAY_LEN(rows)));
	for (no_os = 0; no_os < 2; no_os++) {
		struct st_inventory inv;
		struct st_findings f;

		st_inventory_init(&inv);
		st_findings_init(&f);
		if (!no_os)
			set_debian(&inv, NULL, NULL);
		ST_CHECK(add_package(&inv, "deb", "zlib1g", "1:1.2.13.dfsg-1", "zlib"));
		ST_CHECK(add_package(&inv, "deb", "libc6", "2.36-9", "glibc"));
		ST_CHECK(add_package(&inv, "apk", "musl", "1.2.4-r2", NULL));
		ST_CHECK_INT(st_match_inventory(fx.db, &inv, &f, &fx.diag, &err), 0);
		ST_CHECK_INT(f.count, 0);
		ST_CHECK_INT(f.unchecked_count, 2);
		ST_CHECK_STR(f.unchecked[0].scope, "deb packages of an unknown release");
		ST_CHECK_INT(f.unchecked[0].packages, 2);
		ST_CHECK_STR(f.unchecked[1].scope, "apk packages of an unknown release");
		ST_CHECK_INT(f.unchecked[1].packages, 1);
		st_findings_dispose(&f);
		st_inventory_dispose(&inv);
	}
	ST_CHECK(strstr(fx.log, "no advisory release known for debian (no VERSION_ID)") != NULL);
	ST_CHECK(strstr(fx.log, "the distribution is unknown") != NULL);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

struct coverage_log {
	char text[512];
	size_t len;
};

static int log_coverage(void *ctx, const struct st_db_coverage *c)
{
	struct coverage_log *log = ctx;
	int n = snprintf(log->text + log->len, sizeof(log->text) - log->len, "%s|%s|%llu|%llu\n",
			 c->ecosystem, c->distro, (unsigned long long)c->rows,
			 (unsigned long long)c->packages);

	if (n > 0 && (size_t)n < sizeof(log->text) - log->len)
		log->len += (size_t)n;
	return 0;
}

/* db status lists the rows and packages of each ecosystem and release. */
ST_TEST(coverage_by_ecosystem_and_release)
{
	static const struct vendor_row rows[] = {
		{"DEB-1", "deb", "debian:bookworm", "openssl", ST_STATUS_AFFECTED, NULL},
		{"DEB-2", "deb", "debian:bookworm", "openssl", ST_STATUS_FIXED, "3.0.9-1"},
		{"DEB-3", "deb", "debian:bookworm", "zlib", ST_STATUS_AFFECTED, NULL},
		{"DEB-4", "deb", "debian:trixie", "zlib", ST_STATUS_AFFECTED, NULL},
		{"NPM-1", "npm", "", "lodash", ST_STATUS_AFFECTED, NULL},
	};
	struct st_test_store fx;
	struct strata_error err = {0};
	struct coverage_log log = {{0}, 0};

	ST_CHECK(st_test_store_setup(&fx, "vuln", ST_DIAG_WARN));
	ST_CHECK(write_rows(&fx, rows, ST_ARRAY_LEN(rows)));
	ST_CHECK_INT(st_db_coverage(fx.db, log_coverage, &log, &err), 0);
	ST_CHECK_STR(log.text, "deb|debian:bookworm|3|2\n"
			       "deb|debian:trixie|1|1\n"
			       "npm||1|1\n");
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(unchecked_none_when_covered)
{
	static const struct vendor_row rows[] = {
		/* Rows for other packages still prove the feed was imported. */
		{"DEB-1", "deb", "debian:bookworm", "openssl", ST_STATUS_AFFECTED, NULL},
		{"NPM-1", "npm", "", "lodash", ST_STATUS_AFFECTED, NULL},
	};
	struct st_test_store fx;
	struct strata_error err = {0};
	struct st_inventory inv;
	struct st_findings f;

	ST_CHECK(st_test_store_setup(&fx, "vuln", ST_DIAG_WARN));
	ST_CHECK(write_rows(&fx, rows, ST_ARRAY_LEN(rows)));
	st_inventory_init(&inv);
	st_findings_init(&f);
	set_debian(&inv, "12", "bookworm");
	ST_CHECK(add_package(&inv, "deb", "zlib1g", "1:1.2.13.dfsg-1", "zlib"));
	ST_CHECK(add_package(&inv, "npm", "left-pad", "1.3.0", NULL));
	ST_CHECK_INT(st_match_inventory(fx.db, &inv, &f, &fx.diag, &err), 0);
	ST_CHECK_INT(f.unchecked_count, 0);
	ST_CHECK(strstr(fx.log, "no advisories") == NULL);
	st_findings_dispose(&f);

	/* Another release of the same vendor does not cover bookworm, and a
	 * distro row of npm does not cover the npm ecosystem. */
	st_findings_init(&f);
	set_debian(&inv, "11", "bullseye");
	inv.packages[1].type = "pypi";
	ST_CHECK_INT(st_match_inventory(fx.db, &inv, &f, &fx.diag, &err), 0);
	ST_CHECK_INT(f.unchecked_count, 2);
	ST_CHECK(unchecked_scope(&f, "deb packages of debian:bullseye") != NULL);
	ST_CHECK(unchecked_scope(&f, "pypi packages") != NULL);
	st_findings_dispose(&f);
	st_inventory_dispose(&inv);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(unchecked_apk_and_rpm_keys)
{
	static const struct vendor_row rows[] = {
		{"DEB-1", "deb", "debian:bookworm", "openssl", ST_STATUS_AFFECTED, NULL},
		{"RHSA-1", "rpm", "rhel:8", "openssl", ST_STATUS_AFFECTED, NULL},
	};
	struct st_test_store fx;
	struct strata_error err = {0};
	struct st_inventory inv;
	struct st_findings f;

	ST_CHECK(st_test_store_setup(&fx, "vuln", ST_DIAG_WARN));
	ST_CHECK(write_rows(&fx, rows, ST_ARRAY_LEN(rows)));

	/* Alpine: the key is the secdb release vMAJOR.MINOR. */
	st_inventory_init(&inv);
	st_findings_init(&f);
	inv.os.id = "alpine";
	inv.os.version_id = "3.10.4";
	ST_CHECK(add_package(&inv, "apk", "zlib", "1.2.11-r1", "zlib"));
	ST_CHECK_INT(st_match_inventory(fx.db, &inv, &f, &fx.diag, &err), 0);
	ST_CHECK_INT(f.unchecked_count, 1);
	ST_CHECK_STR(f.unchecked[0].scope, "apk packages of alpine:v3.10");
	ST_CHECK_INT(f.unchecked[0].packages, 1);
	st_findings_dispose(&f);
	st_inventory_dispose(&inv);

	/* RHEL 9 against a database with rows for RHEL 8 only. */
	st_inventory_init(&inv);
	st_findings_init(&f);
	inv.os.id = "rhel";
	inv.os.family = "rhel";
	inv.os.version_id = "9.3";
	inv.os.distro_key = "rhel:9";
	ST_CHECK(add_package(&inv, "rpm", "openssl", "3.0.7-24.el9", NULL));
	ST_CHECK(add_package(&inv, "rpm", "bash", "5.1.8-6.el9", NULL));
	ST_CHECK_INT(st_match_inventory(fx.db, &inv, &f, &fx.diag, &err), 0);
	ST_CHECK_INT(f.unchecked_count, 1);
	ST_CHECK_STR(f.unchecked[0].scope, "rpm packages of rhel:9");
	ST_CHECK_INT(f.unchecked[0].packages, 2);
	st_findings_dispose(&f);

	/* The same image on RHEL 8 is covered. */
	st_findings_init(&f);
	inv.os.distro_key = "rhel:8";
	ST_CHECK_INT(st_match_inventory(fx.db, &inv, &f, &fx.diag, &err), 0);
	ST_CHECK_INT(f.unchecked_count, 0);
	ST_CHECK_INT(f.count, 1);
	st_findings_dispose(&f);
	st_inventory_dispose(&inv);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

ST_TEST(unchecked_skips_unmatched_packages)
{
	static const struct vendor_row rows[] = {
		{"NPM-1", "npm", "", "lodash", ST_STATUS_AFFECTED, NULL},
	};
	struct st_test_store fx;
	struct strata_error err = {0};
	struct st_inventory inv;
	struct st_findings f;

	ST_CHECK(st_test_store_setup(&fx, "vuln", ST_DIAG_WARN));
	ST_CHECK(write_rows(&fx, rows, ST_ARRAY_LEN(rows)));
	st_inventory_init(&inv);
	st_findings_init(&f);
	set_debian(&inv, "12", "bookworm");
	ST_CHECK(add_package(&inv, "deb", "zlib1g", "1:1.2.13.dfsg-1", "zlib"));
	ST_CHECK(add_package(&inv, "golang", "example.com/tool", "(devel)", NULL));
	ST_CHECK(add_package(&inv, "pypi", "requests", "2.31.0", NULL));
	ST_CHECK(add_package(&inv, "deb", "libc6", "2.36-9", "glibc"));
	/* Removed, OS-owned and unversioned packages are never matched, so
	 * they neither count nor make a scope of their own. */
	inv.packages[0].flags = ST_PKG_REMOVED;
	inv.packages[1].flags = ST_PKG_UNVERSIONED;
	inv.packages[2].flags = ST_PKG_OS_OWNED;
	ST_CHECK_INT(st_match_inventory(fx.db, &inv, &f, &fx.diag, &err), 0);
	ST_CHECK_INT(f.unchecked_count, 1);
	ST_CHECK_STR(f.unchecked[0].scope, "deb packages of debian:bookworm");
	ST_CHECK_INT(f.unchecked[0].packages, 1);
	st_findings_dispose(&f);

	/* An inventory without packages has nothing unchecked. */
	st_inventory_dispose(&inv);
	st_inventory_init(&inv);
	st_findings_init(&f);
	set_debian(&inv, "12", "bookworm");
	ST_CHECK_INT(st_match_inventory(fx.db, &inv, &f, &fx.diag, &err), 0);
	ST_CHECK_INT(f.unchecked_count, 0);
	st_findings_dispose(&f);
	st_inventory_dispose(&inv);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}

/* Read-only open ------------------------------------------------------------ */

/* Writes the SHA-256 of the file at PATH into HEX; false when unreadable. */
static bool file_sha256(const char *path, char hex[ST_SHA256_HEX_LEN + 1])
{
	size_t len = 0;
	char *text = slurp(path, &len);

	if (text == NULL)
		return false;
	st_sha256_hex(text, len, hex);
	free(text);
	return true;
}

/* `strata scan --db empty.db` wrote a 77 KB schema into a 0-byte file. */
ST_TEST(db_open_read_only_leaves_file)
{
	char before[ST_SHA256_HEX_LEN + 1];
	char after[ST_SHA256_HEX_LEN + 1];
	struct st_test_store fx;
	struct strata_error err = {0};
	struct st_import_stats stats = {0};
	struct st_inventory inv;
	struct st_findings f;
	struct st_db *db = NULL;
	struct stat st;
	char path[256];

	ST_CHECK(st_test_store_setup(&fx, "vuln", ST_DIAG_WARN));
	ST_CHECK_INT(import_data(&fx, &stats, &err, "feeds/debian/security-tracker-debian.json",
				 NULL),
		     0);
	st_db_close(fx.db);
	fx.db = NULL;

	/* A scan of a current database reads it and changes no byte. */
	ST_CHECK(file_sha256(fx.db_path, before));
	ST_CHECK_INT(st_db_open(&db, fx.db_path, false, &err), 0);
	st_inventory_init(&inv);
	st_findings_init(&f);
	set_debian(&inv, "12", "bookworm");
	ST_CHECK(add_package(&inv, "deb", "zlib1g", "1:1.2.13.dfsg-1", "zlib"));
	ST_CHECK_INT(st_match_inventory(db, &inv, &f, &fx.diag, &err), 0);
	st_findings_dispose(&f);
	st_inventory_dispose(&inv);
	/* A read-only handle rejects writes. */
	ST_CHECK(st_db_exec(db, "DELETE FROM source", &err) < 0);
	st_db_close(db);
	db = NULL;
	ST_CHECK(file_sha256(fx.db_path, after));
	ST_CHECK_STR(after, before);

	/* A 0-byte file is rejected and stays empty. */
	ST_CHECK(write_file(fx.dir, "empty.db", "", 0, path, sizeof(path)) != NULL);
	ST_CHECK_INT(st_db_open(&db, path, false, &err), STRATA_EUNSUPPORTED);
	ST_CHECK(db == NULL);
	ST_CHECK(strstr(err.msg, "empty.db: empty file") != NULL);
	ST_CHECK(strstr(err.msg, "strata db import") != NULL);
	ST_CHECK(stat(path, &st) == 0);
	ST_CHECK_INT(st.st_size, 0);

	/* A missing file is not created, nor are journal files left. */
	snprintf(path, sizeof(path), "%s/missing.db", fx.dir);
	ST_CHECK_INT(st_db_open(&db, path, false, &err), STRATA_ENOTFOUND);
	ST_CHECK(access(path, F_OK) != 0);
	snprintf(path, sizeof(path), "%s/empty.db-journal", fx.dir);
	ST_CHECK(access(path, F_OK) != 0);

	/* An import (CREATE) still creates and migrates the empty file. */
	snprintf(path, sizeof(path), "%s/empty.db", fx.dir);
	ST_CHECK_INT(st_db_open(&db, path, true, &err), 0);
	st_db_close(db);
	db = NULL;
	ST_CHECK(stat(path, &st) == 0);
	ST_CHECK(st.st_size > 0);
	ST_CHECK_INT(st_db_open(&db, path, false, &err), 0);
	st_db_close(db);
	st_test_store_teardown(&fx);
	return ST_TEST_PASS;
}
