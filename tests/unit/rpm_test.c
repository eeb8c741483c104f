/* Tests of the rpm ecosystem. Versions are ordered against rpm's own
 * rpmvercmp.at and osv-scalibr's Red Hat vectors. The header parser gets
 * built and damaged headers. The three database readers must give the
 * package lists that rpm itself printed for each fixture (see
 * tests/data/pkgdb/rpm/README.md) and survive damaged databases. The
 * cataloger tests cover its database choice, layers and purls. */
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "harness.h"
#include "testlib.h"
#include "inventory/rpm_internal.h"
#include "version/version.h"

#define FIELD_MAX 512
#define MAX_PACKAGES 256

/* Files ------------------------------------------------------------------ */

static int read_data(const char *rel, struct st_buf *b)
{
	struct strata_error err;
	int rc;

	st_buf_init(b, 64u << 20);
	rc = st_read_file(st_test_data_path(rel), b, true, &err);
	if (rc < 0)
		fprintf(stderr, "# %s\n", err.msg);
	return rc;
}

/* Returns the next line of TEXT at *POS without its newline. */
static bool next_line(struct st_slice text, size_t *pos, struct st_slice *line)
{
	size_t start = *pos;
	size_t end = start;

	if (start >= text.len)
		return false;
	while (end < text.len && text.ptr[end] != '\n')
		end++;
	*pos = end < text.len ? end + 1 : end;
	*line = st_slice_make(text.ptr + start, end - start);
	return true;
}

/* Versions ---------------------------------------------------------------- */

static int order_of(struct st_slice op, bool *ok)
{
	*ok = true;
	if (st_slice_eq_cstr(op, "<") || st_slice_eq_cstr(op, "-1"))
		return -1;
	if (st_slice_eq_cstr(op, "=") || st_slice_eq_cstr(op, "0"))
		return 0;
	if (st_slice_eq_cstr(op, ">") || st_slice_eq_cstr(op, "1"))
		return 1;
	*ok = false;
	return 0;
}

/* Checks rpmvercmp(A, B) and rpmvercmp(B, A) against WANT. */
static bool check_part(struct st_slice a, struct st_slice b, int want, const char *where)
{
	int ab = st_rpmvercmp(a, b);
	int ba = st_rpmvercmp(b, a);

	if (ab != want || ba != -want) {
		fprintf(stderr, "# %s: rpmvercmp(%.*s, %.*s) gave %d and %d, expected %d\n", where,
			(int)a.len, a.ptr, (int)b.len, b.ptr, ab, ba, want);
		return false;
	}
	return true;
}

/* Checks the whole-version comparison both ways through the "rpm"
 * dispatch. */
static bool check_evr(const char *a, const char *b, int want, const char *where)
{
	struct strata_error err;
	int ab = 9;
	int ba = 9;

	if (st_version_compare("rpm", a, b, &ab, &err) < 0 ||
	    st_version_compare("rpm", b, a, &ba, &err) < 0) {
		fprintf(stderr, "# %s: %s\n", where, err.msg);
		return false;
	}
	if (ab != want || ba != -want) {
		fprintf(stderr, "# %s: \"%s\" vs \"%s\" gave %d and %d, expected %d\n", where, a, b,
			ab, ba, want);
		return false;
	}
	return true;
}

/* Runs the RPMVERCMP(A, B, RESULT) lines of rpm's autotest file. With
 * DISABLED, runs the lines that upstream keeps behind "dnl" to document
 * current behavior instead. */
static unsigned run_rpmvercmp_at(bool disabled, unsigned *cases)
{
	const char *rel = "versions/rpm/rpmvercmp.at";
	static const char call[] = "RPMVERCMP(";
	struct st_buf b;
	struct st_slice line;
	size_t pos = 0;
	unsigned lineno = 0;
	unsigned failed = 0;

	*cases = 0;
	if (read_data(rel, &b) < 0)
		return 1;
	while (next_line(st_slice_make(b.ptr, b.len), &pos, &line)) {
		struct st_slice a, bb, r;
		char where[96];
		bool ok;
		int want;

		lineno++;
		if (disabled) {
			if (!st_slice_starts_with(line, "dnl RPMVERCMP("))
				continue;
			line.ptr += 4;
			line.len -= 4;
		} else if (!st_slice_starts_with(line, call)) {
			continue;
		}
		(*cases)++;
		snprintf(where, sizeof(where), "%s:%u", rel, lineno);
		line.ptr += strlen(call);
		line.len -= strlen(call);
		if (line.len == 0 || line.ptr[line.len - 1] != ')') {
			fprintf(stderr, "# %s: malformed line\n", where);
			failed++;
			continue;
		}
		line.len--;
		st_slice_split(&line, ',', &a);
		st_slice_split(&line, ',', &bb);
		r = st_slice_trim(line);
		bb = st_slice_trim(bb);
		want = order_of(r, &ok);
		if (!ok || !check_part(a, bb, want, where))
			failed++;
	}
	st_buf_dispose(&b);
	printf("# %s: %u cases checked\n", rel, *cases);
	return failed;
}

ST_TEST(vercmp_rpm_autotest_vectors)
{
	unsigned cases;

	ST_CHECK_INT(run_rpmvercmp_at(false, &cases), 0);
	ST_CHECK_INT(cases, 91);
	return ST_TEST_PASS;
}

/* The cases that rpm documents as arguably buggy (RhBug:811992, non-ASCII
 * bytes as separators) hold too: strata orders as rpm 4.18 does. */
ST_TEST(vercmp_rpm_documented_oddities)
{
	unsigned cases;

	ST_CHECK_INT(run_rpmvercmp_at(true, &cases), 0);
	ST_CHECK_INT(cases, 12);
	return ST_TEST_PASS;
}

/* Runs every "A OP B" line of REL; PART compares with rpmvercmp() alone,
 * otherwise whole versions are compared. Lines starting with '#' are
 * comments, except "# (commented out in source: documented oddity) A OP
 * B", which is run too. */
static unsigned run_triples(const char *rel, bool part, unsigned *cases)
{
	static const char oddity[] = "# (commented out in source: documented oddity) ";
	struct st_buf b;
	struct st_slice line;
	size_t pos = 0;
	unsigned lineno = 0;
	unsigned failed = 0;

	*cases = 0;
	if (read_data(rel, &b) < 0)
		return 1;
	while (next_line(st_slice_make(b.ptr, b.len), &pos, &line)) {
		struct st_slice a, op, rest;
		char where[96];
		char sa[FIELD_MAX];
		char sb[FIELD_MAX];
		bool ok;
		int want;
		bool good;

		lineno++;
		if (st_slice_starts_with(line, oddity)) {
			line.ptr += strlen(oddity);
			line.len -= strlen(oddity);
		}
		line = st_slice_trim(line);
		if (line.len == 0 || line.ptr[0] == '#')
			continue;
		(*cases)++;
		snprintf(where, sizeof(where), "%s:%u", rel, lineno);
		rest = line;
		st_slice_split(&rest, ' ', &a);
		st_slice_split(&rest, ' ', &op);
		want = order_of(op, &ok);
		if (!ok || rest.len == 0 || !st_test_copy_field(sa, FIELD_MAX, a) ||
		    !st_test_copy_field(sb, FIELD_MAX, rest)) {
			fprintf(stderr, "# %s: malformed line\n", where);
			failed++;
			continue;
		}
		good = part ? check_part(a, rest, want, where) : check_evr(sa, sb, want, where);
		if (!good)
			failed++;
	}
	st_buf_dispose(&b);
	printf("# %s: %u cases checked\n", rel, *cases);
	return failed;
}

ST_TEST(vercmp_rpm_extracted_triples)
{
	unsigned cases;

	ST_CHECK_INT(run_triples("versions/rpm/rpm-rpmvercmp-triples.txt", true, &cases), 0);
	ST_CHECK_INT(cases, 103);
	return ST_TEST_PASS;
}

/* osv-scalibr's file compares whole [EPOCH:]VERSION[-RELEASE] strings:
 * missing epochs, non-numeric "epochs" (which are part of the version) and
 * missing or empty releases. */
ST_TEST(vercmp_rpm_osv_scalibr_vectors)
{
	unsigned cases;

	ST_CHECK_INT(run_triples("versions/osv-scalibr/redhat-versions.txt", false, &cases), 0);
	ST_CHECK_INT(cases, 165);
	return ST_TEST_PASS;
}

ST_TEST(vercmp_rpm_epoch_rules)
{
	/* A missing epoch is 0; any real epoch beats it. */
	ST_CHECK(check_evr("1.0-1", "0:1.0-1", 0, "epoch"));
	ST_CHECK(check_evr("2.0-1", "1:1.0-1", -1, "epoch"));
	ST_CHECK(check_evr(":1.0-1", "0:1.0-1", 0, "empty epoch"));
	/* Epochs compare as numbers of any length, without overflow. */
	ST_CHECK(check_evr("99999999999999999999999:1", "99999999999999999999998:9", 1,
			   "long epoch"));
	ST_CHECK(check_evr("0000000000000000000000001:1", "1:1", 0, "zero-padded epoch"));
	/* An installed package equal to the fixed version is not affected. */
	ST_CHECK(check_evr("1:2.4.6-1.el8_9", "1:2.4.6-1.el8_9", 0, "fixed equal"));
	ST_CHECK(check_evr("0:3.10.0-229.el7", "3.10.0-229.el7", 0, "explicit zero epoch"));
	return ST_TEST_PASS;
}

ST_TEST(vercmp_rpm_release_rules)
{
	/* A missing release sorts before any release, even an empty one. */
	ST_CHECK(check_evr("1.0", "1.0-1", -1, "missing release"));
	ST_CHECK(check_evr("1.0", "1.0-", -1, "empty release"));
	ST_CHECK(check_evr("1.0-", "1.0-", 0, "empty releases"));
	/* The release is what follows the last '-'. */
	ST_CHECK(check_evr("1.0-2-3", "1.0-2-4", -1, "last dash"));
	ST_CHECK(check_evr("1.0-2-3", "1.0-3-1", -1, "last dash version"));
	return ST_TEST_PASS;
}

ST_TEST(vercmp_rpm_long_numbers)
{
	struct st_slice a = st_slice_cstr("1.184467440737095516161844674407370955161");
	struct st_slice b = st_slice_cstr("1.184467440737095516161844674407370955162");
	struct st_slice c = st_slice_cstr("1.00000000000000000000000000000000000000002");

	ST_CHECK_INT(st_rpmvercmp(a, b), -1);
	ST_CHECK_INT(st_rpmvercmp(c, st_slice_cstr("1.2")), 0);
	ST_CHECK_INT(st_rpmvercmp(c, a), -1);
	return ST_TEST_PASS;
}

ST_TEST(vercmp_rpm_tilde_caret)
{
	ST_CHECK_INT(st_rpmvercmp(st_slice_cstr("1~"), st_slice_cstr("1")), -1);
	ST_CHECK_INT(st_rpmvercmp(st_slice_cstr("1^"), st_slice_cstr("1")), 1);
	ST_CHECK_INT(st_rpmvercmp(st_slice_cstr("1^"), st_slice_cstr("1.1")), -1);
	ST_CHECK_INT(st_rpmvercmp(st_slice_cstr("1~~"), st_slice_cstr("1~")), -1);
	ST_CHECK_INT(st_rpmvercmp(st_slice_cstr(""), st_slice_cstr("~")), 1);
	ST_CHECK_INT(st_rpmvercmp(st_slice_cstr("a"), st_slice_cstr("1")), -1);
	return ST_TEST_PASS;
}

ST_TEST(vercmp_rpm_invalid_input)
{
	static const char *const bad[] = {"", "1:", "-1", "1:-1", "1.0 ", " 1.0", "1.0\n",
					  "1\t2", "1\x7f"};
	struct strata_error err;
	size_t i;
	int cmp = 9;

	for (i = 0; i < ST_ARRAY_LEN(bad); i++) {
		ST_CHECK_INT(st_version_validate("rpm", bad[i], &err), STRATA_EINVAL);
		ST_CHECK(strstr(err.msg, "invalid rpm version") != NULL);
		ST_CHECK(strchr(err.msg, '\n') == NULL);
		ST_CHECK_INT(st_version_compare("rpm", "1.0", bad[i], &cmp, &err), STRATA_EINVAL);
	}
	ST_CHECK_INT(st_version_compare("rpm", NULL, "1", &cmp, &err), STRATA_EINVAL);
	ST_CHECK_INT(st_version_validate("RPM", "1.1.\xce\xb1", &err), 0);
	ST_CHECK(st_version_is_supported("rpm"));
	return ST_TEST_PASS;
}

ST_TEST(vercmp_rpm_parse_parts)
{
	struct st_rpm_version v;
	struct strata_error err;

	ST_CHECK_INT(st_rpm_version_parse(&v, "7:1.2.3-4.el9", &err), 0);
	ST_CHECK(v.has_epoch && v.has_release);
	ST_CHECK(st_slice_eq_cstr(v.epoch, "7"));
	ST_CHECK(st_slice_eq_cstr(v.version, "1.2.3"));
	ST_CHECK(st_slice_eq_cstr(v.release, "4.el9"));
	/* A ':' after anything but digits is part of the version. */
	ST_CHECK_INT(st_rpm_version_parse(&v, "a:1", &err), 0);
	ST_CHECK(!v.has_epoch && !v.has_release);
	ST_CHECK(st_slice_eq_cstr(v.epoch, "0"));
	ST_CHECK(st_slice_eq_cstr(v.version, "a:1"));
	return ST_TEST_PASS;
}

/* Header builder ---------------------------------------------------------- */

enum { T_INT32 = 4, T_STRING = 6, T_BIN = 7, T_ARRAY = 8, T_I18N = 9 };

struct hentry {
	uint32_t tag;
	uint32_t type;
	uint32_t count;
	const void *data;
	size_t len;
};

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* Lays out a header blob with the entries in order, int32 data aligned;
 * returns its size. */
static size_t build_header(unsigned char *out, size_t cap, const struct hentry *e, size_t n)
{
	size_t store = 8 + n * 16;
	size_t dl = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (e[i].type == T_INT32)
			dl = (dl + 3) & ~(size_t)3;
		if (store + dl + e[i].len > cap)
			abort();
		put_be32(out + 8 + i * 16, e[i].tag);
		put_be32(out + 8 + i * 16 + 4, e[i].type);
		put_be32(out + 8 + i * 16 + 8, (uint32_t)dl);
		put_be32(out + 8 + i * 16 + 12, e[i].count);
		memcpy(out + store + dl, e[i].data, e[i].len);
		dl += e[i].len;
	}
	put_be32(out, (uint32_t)n);
	put_be32(out + 4, (uint32_t)dl);
	return store + dl;
}

#define STR(tag, s) {tag, T_STRING, 1, s, sizeof(s)}

/* The header of a package NAME-VERSION-RELEASE.x86_64 with two files. */
static size_t build_package(unsigned char *out, size_t cap, const char *name,
			    const char *version, const char *release)
{
	static const unsigned char dirindexes[] = {0, 0, 0, 0, 0, 0, 0, 1};
	static const unsigned char epoch[] = {0, 0, 0, 2};
	struct hentry e[] = {
		{1000, T_STRING, 1, name, strlen(name) + 1},
		{1001, T_STRING, 1, version, strlen(version) + 1},
		{1002, T_STRING, 1, release, strlen(release) + 1},
		{1003, T_INT32, 1, epoch, 4},
		STR(1014, "MIT"),
		STR(1022, "x86_64"),
		STR(1044, "src-1.0-1.src.rpm"),
		{1116, T_INT32, 2, dirindexes, 8},
		{1117, T_ARRAY, 2, "sh\0bash", 8},
		{1118, T_ARRAY, 2, "/usr/bin/\0/bin/", 16},
		STR(5096, "perl:5.26:8000:1"),
	};

	return build_header(out, cap, e, ST_ARRAY_LEN(e));
}

static int collect_file(void *ctx, struct st_slice dir, struct st_slice base)
{
	struct st_buf *b = ctx;

	st_buf_append(b, dir.ptr, dir.len, NULL);
	st_buf_append(b, base.ptr, base.len, NULL);
	st_buf_putc(b, ';', NULL);
	return 0;
}

ST_TEST(header_fields_and_files)
{
	unsigned char blob[1024];
	size_t len = build_package(blob, sizeof(blob), "bash", "5.1", "1.el9");
	struct st_rpm_header h;
	struct strata_error err;
	struct st_buf files;

	ST_CHECK_INT(st_rpm_header_parse(&h, st_slice_make((char *)blob, len), &err), 0);
	ST_CHECK(st_slice_eq_cstr(h.name, "bash"));
	ST_CHECK(st_slice_eq_cstr(h.version, "5.1"));
	ST_CHECK(st_slice_eq_cstr(h.release, "1.el9"));
	ST_CHECK(h.has_epoch);
	ST_CHECK_INT(h.epoch, 2);
	ST_CHECK(st_slice_eq_cstr(h.license, "MIT"));
	ST_CHECK(st_slice_eq_cstr(h.arch, "x86_64"));
	ST_CHECK(st_slice_eq_cstr(h.sourcerpm, "src-1.0-1.src.rpm"));
	ST_CHECK(st_slice_eq_cstr(h.modularity_label, "perl:5.26:8000:1"));
	ST_CHECK_INT(h.vendor.len, 0);
	ST_CHECK(h.files_valid);
	ST_CHECK_INT(h.file_count, 2);

	st_buf_init(&files, 1024);
	ST_CHECK_INT(st_rpm_header_each_file(&h, collect_file, &files, &err), 0);
	ST_CHECK_INT(files.len, strlen("/usr/bin/sh;/bin/bash;"));
	ST_CHECK(memcmp(files.ptr, "/usr/bin/sh;/bin/bash;", files.len) == 0);
	st_buf_dispose(&files);
	return ST_TEST_PASS;
}

ST_TEST(header_dribble_replaces_region_entry)
{
	struct hentry e[] = {STR(1000, "old"), STR(1001, "1"), STR(1002, "1"), STR(1000, "new")};
	unsigned char blob[512];
	size_t len = build_header(blob, sizeof(blob), e, ST_ARRAY_LEN(e));
	struct st_rpm_header h;
	struct strata_error err;

	ST_CHECK_INT(st_rpm_header_parse(&h, st_slice_make((char *)blob, len), &err), 0);
	ST_CHECK(st_slice_eq_cstr(h.name, "new"));
	ST_CHECK(!h.has_epoch);
	ST_CHECK_INT(h.file_count, 0);
	return ST_TEST_PASS;
}

ST_TEST(header_i18n_and_old_filenames)
{
	struct hentry e[] = {
		STR(1000, "old"), STR(1001, "1"), STR(1002, "1"),
		{1014, T_I18N, 2, "GPL\0GPL (de)", 13},
		{1027, T_ARRAY, 3, "/a\0/b/c\0/d", 11},
	};
	unsigned char blob[512];
	size_t len = build_header(blob, sizeof(blob), e, ST_ARRAY_LEN(e));
	struct st_rpm_header h;
	struct strata_error err;
	struct st_buf files;

	ST_CHECK_INT(st_rpm_header_parse(&h, st_slice_make((char *)blob, len), &err), 0);
	ST_CHECK(st_slice_eq_cstr(h.license, "GPL"));
	ST_CHECK(h.old_filenames && h.files_valid);
	ST_CHECK_INT(h.file_count, 3);
	st_buf_init(&files, 1024);
	ST_CHECK_INT(st_rpm_header_each_file(&h, collect_file, &files, &err), 0);
	ST_CHECK_INT(files.len, strlen("/a;/b/c;/d;"));
	ST_CHECK(memcmp(files.ptr, "/a;/b/c;/d;", files.len) == 0);
	st_buf_dispose(&files);
	return ST_TEST_PASS;
}

ST_TEST(header_inconsistent_file_list)
{
	static const unsigned char bad_index[] = {0, 0, 0, 0, 0, 0, 0, 5};
	struct hentry e[] = {
		STR(1000, "p"), STR(1001, "1"), STR(1002, "1"),
		{1116, T_INT32, 2, bad_index, 8},
		{1117, T_ARRAY, 2, "a\0b", 4},
		{1118, T_ARRAY, 1, "/", 2},
	};
	unsigned char blob[512];
	size_t len = build_header(blob, sizeof(blob), e, ST_ARRAY_LEN(e));
	struct st_rpm_header h;
	struct strata_error err;

	ST_CHECK_INT(st_rpm_header_parse(&h, st_slice_make((char *)blob, len), &err), 0);
	ST_CHECK(!h.files_valid);
	ST_CHECK_INT(h.file_count, 0);
	return ST_TEST_PASS;
}

/* Parses a copy of BLOB after FN damaged it; returns the result. */
static int parse_damaged(const unsigned char *blob, size_t len,
			 void (*fn)(unsigned char *b, size_t *len), struct strata_error *err)
{
	unsigned char copy[1024];
	struct st_rpm_header h;

	memcpy(copy, blob, len);
	fn(copy, &len);
	return st_rpm_header_parse(&h, st_slice_make((char *)copy, len), err);
}

static void cut_last_byte(unsigned char *b, size_t *len)
{
	(*len)--;
}

static void no_entries(unsigned char *b, size_t *len)
{
	put_be32(b, 0);
}

static void too_many_entries(unsigned char *b, size_t *len)
{
	put_be32(b, ST_RPM_HEADER_MAX_ENTRIES + 1);
}

static void huge_store(unsigned char *b, size_t *len)
{
	put_be32(b + 4, ST_RPM_HEADER_MAX_DATA + 1);
}

static void count_overflow(unsigned char *b, size_t *len)
{
	put_be32(b + 4, 0xffffffffu);
}

/* Entry 3 is the int32 EPOCH of build_package. */
static void offset_outside(unsigned char *b, size_t *len)
{
	put_be32(b + 8 + 3 * 16 + 8, 0x7ffffff0);
}

static void offset_misaligned(unsigned char *b, size_t *len)
{
	unsigned char *off = b + 8 + 3 * 16 + 8;

	put_be32(off, (uint32_t)(off[3] + 1));
}

static void int_count_past_end(unsigned char *b, size_t *len)
{
	put_be32(b + 8 + 3 * 16 + 12, 0x40000000);
}

static void unknown_type(unsigned char *b, size_t *len)
{
	put_be32(b + 8 + 3 * 16 + 4, 42);
}

static void zero_count(unsigned char *b, size_t *len)
{
	put_be32(b + 8 + 3 * 16 + 12, 0);
}

/* Entry 0 is the NAME string. */
static void name_as_int(unsigned char *b, size_t *len)
{
	put_be32(b + 8 + 4, T_INT32);
}

static void string_count_two(unsigned char *b, size_t *len)
{
	put_be32(b + 8 + 12, 2);
}

/* The last entry (MODULARITYLABEL) ends the store: drop its NUL. */
static void unterminated_string(unsigned char *b, size_t *len)
{
	b[*len - 1] = 'x';
}

/* Entry 8 is BASENAMES: claim more strings than there are. */
static void array_past_end(unsigned char *b, size_t *len)
{
	put_be32(b + 8 + 8 * 16 + 12, 1000);
}

ST_TEST(header_rejects_damage)
{
	static const struct {
		const char *name;
		void (*fn)(unsigned char *b, size_t *len);
		int code;
		const char *needle;
	} cases[] = {
		{"truncated", cut_last_byte, STRATA_ECORRUPT, "index and data store make"},
		{"no entries", no_entries, STRATA_ECORRUPT, "no index entries"},
		{"too many entries", too_many_entries, STRATA_ELIMIT, "index entries"},
		{"huge store", huge_store, STRATA_ELIMIT, "data store of"},
		{"size overflow", count_overflow, STRATA_ELIMIT, "data store of"},
		{"offset outside", offset_outside, STRATA_ECORRUPT, "outside"},
		{"misaligned", offset_misaligned, STRATA_ECORRUPT, "misaligned"},
		{"int count", int_count_past_end, STRATA_ECORRUPT, "runs past"},
		{"unknown type", unknown_type, STRATA_ECORRUPT, "unknown type"},
		{"zero count", zero_count, STRATA_ECORRUPT, "count 0"},
		{"name type", name_as_int, STRATA_ECORRUPT, "not a string"},
		{"string count", string_count_two, STRATA_ECORRUPT, "has count 2"},
		{"unterminated", unterminated_string, STRATA_ECORRUPT, "not NUL-terminated"},
		{"array", array_past_end, STRATA_ECORRUPT, "string array tag 1117"},
	};
	unsigned char blob[1024];
	size_t len = build_package(blob, sizeof(blob), "bash", "5.1", "1");
	struct strata_error err;
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(cases); i++) {
		int rc = parse_damaged(blob, len, cases[i].fn, &err);

		if (rc != cases[i].code || strstr(err.msg, cases[i].needle) == NULL) {
			fprintf(stderr, "# %s: got %d \"%s\"\n", cases[i].name, rc,
				rc < 0 ? err.msg : "");
			return ST_TEST_FAIL;
		}
	}
	ST_CHECK_INT(st_rpm_header_parse(&(struct st_rpm_header){0}, st_slice_make("", 0), &err),
		     STRATA_ECORRUPT);
	return ST_TEST_PASS;
}

/* Every prefix of a valid header is rejected, never read past. */
ST_TEST(header_every_truncation)
{
	unsigned char blob[1024];
	size_t len = build_package(blob, sizeof(blob), "bash", "5.1", "1");
	struct st_rpm_header h;
	struct strata_error err;
	size_t n;

	for (n = 0; n < len; n++) {
		unsigned char *copy = malloc(n + 1);

		ST_CHECK(copy != NULL);
		memcpy(copy, blob, n);
		ST_CHECK_INT(st_rpm_header_parse(&h, st_slice_make((char *)copy, n), &err),
			     STRATA_ECORRUPT);
		free(copy);
	}
	return ST_TEST_PASS;
}

/* Databases --------------------------------------------------------------- */

struct warnings {
	unsigned count;
	char last[512];
	char all[4096];
};

static void record_warning(void *ctx, int level, const char *msg)
{
	struct warnings *w = ctx;
	size_t used = strlen(w->all);

	w->count++;
	snprintf(w->last, sizeof(w->last), "%s", msg);
	if (used + strlen(msg) + 2 < sizeof(w->all))
		snprintf(w->all + used, sizeof(w->all) - used, "%s\n", msg);
}

/* The packages of one parse, as lines in the expected files' format. */
struct listing {
	char *lines[MAX_PACKAGES];
	size_t count;
	bool overflow;
};

static void listing_dispose(struct listing *l)
{
	size_t i;

	for (i = 0; i < l->count; i++)
		free(l->lines[i]);
	l->count = 0;
}

static const char *or_dash(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : "-";
}

/* NAME EPOCH VERSION RELEASE ARCH SOURCERPM LICENSE VENDOR MODULARITYLABEL,
 * tab-separated, the query format of make-expected.sh. */
static int list_package(void *ctx, const struct st_rpm_package *p, struct strata_error *err)
{
	struct listing *l = ctx;
	const char *vr = p->version_release;
	const char *dash = strrchr(vr, '-');
	char srpm[FIELD_MAX];
	char line[2048];

	if (dash == NULL || strcmp(p->pkg.type, "rpm") != 0)
		return st_error_set(err, STRATA_EINTERNAL, "bad package %s", p->pkg.name);
	if (p->pkg.source_name != NULL)
		snprintf(srpm, sizeof(srpm), "%s-%s.src.rpm", p->pkg.source_name,
			 p->pkg.source_version);
	else
		snprintf(srpm, sizeof(srpm), "-");
	snprintf(line, sizeof(line), "%s\t%s\t%.*s\t%s\t%s\t%s\t%s\t%s\t%s", p->pkg.name,
		 or_dash(p->epoch), (int)(dash - vr), vr, dash + 1, or_dash(p->pkg.arch), srpm,
		 or_dash(p->pkg.license), or_dash(p->vendor), or_dash(p->modularity_label));
	if (l->count == MAX_PACKAGES) {
		l->overflow = true;
		return 0;
	}
	l->lines[l->count] = strdup(line);
	if (l->lines[l->count] == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	l->count++;
	return 0;
}

static int compare_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Parses DB with default limits into L (sorted) and W. */
static int parse_db(struct st_slice db, const char *path, struct listing *l, struct warnings *w,
		    struct strata_error *err)
{
	struct strata_limits lim;
	struct st_diag diag = {record_warning, w, 0};
	int rc;

	strata_limits_default(&lim);
	memset(l, 0, sizeof(*l));
	memset(w, 0, sizeof(*w));
	rc = st_rpmdb_parse(db, path, &lim, &diag, list_package, l, err);
	qsort(l->lines, l->count, sizeof(l->lines[0]), compare_lines);
	return rc;
}

/* An expected line with an empty column ("" vendor) reads as "-". */
static void normalize_expected(char *line)
{
	char out[2048];
	size_t o = 0;
	size_t i;

	for (i = 0; line[i] != '\0' && o + 2 < sizeof(out); i++) {
		out[o++] = line[i];
		if (line[i] == '\t' && (line[i + 1] == '\t' || line[i + 1] == '\0'))
			out[o++] = '-';
	}
	if (i == 0 || (line[i - 1] == '\t' && o + 1 < sizeof(out)))
		out[o++] = '-';
	out[o] = '\0';
	memcpy(line, out, o + 1);
}

/* Checks that the database REL gives exactly the lines of REL.expected. */
static bool check_fixture(const char *rel)
{
	char expected_rel[256];
	struct st_buf db;
	struct st_buf want;
	struct listing l;
	struct warnings w;
	struct strata_error err;
	struct st_slice line;
	size_t pos = 0;
	size_t n = 0;
	bool ok = true;
	int rc;

	snprintf(expected_rel, sizeof(expected_rel), "%s.expected", rel);
	if (read_data(rel, &db) < 0)
		return false;
	if (read_data(expected_rel, &want) < 0) {
		st_buf_dispose(&db);
		return false;
	}
	rc = parse_db(st_slice_make(db.ptr, db.len), rel, &l, &w, &err);
	if (rc < 0) {
		fprintf(stderr, "# %s: %s\n", rel, err.msg);
		ok = false;
	}
	if (w.count != 0) {
		fprintf(stderr, "# %s: unexpected warnings:\n%s", rel, w.all);
		ok = false;
	}
	while (ok && next_line(st_slice_make(want.ptr, want.len), &pos, &line)) {
		char expect[2048];

		if (line.len >= sizeof(expect) / 2)
			return false;
		memcpy(expect, line.ptr, line.len);
		expect[line.len] = '\0';
		normalize_expected(expect);
		if (n >= l.count || strcmp(l.lines[n], expect) != 0) {
			fprintf(stderr, "# %s: package %zu is \"%s\", expected \"%s\"\n", rel, n,
				n < l.count ? l.lines[n] : "(none)", expect);
			ok = false;
		}
		n++;
	}
	if (ok && n != l.count) {
		fprintf(stderr, "# %s: %zu packages, expected %zu\n", rel, l.count, n);
		ok = false;
	}
	if (ok)
		printf("# %s: %zu packages as expected\n", rel, n);
	listing_dispose(&l);
	st_buf_dispose(&db);
	st_buf_dispose(&want);
	return ok;
}

ST_TEST(rpmdb_bdb_fixtures)
{
	ST_CHECK(check_fixture("pkgdb/rpm/bdb/go-rpmdb-libuuid/Packages"));
	ST_CHECK(check_fixture("pkgdb/rpm/bdb/syft-centos8-dive/Packages"));
	return ST_TEST_PASS;
}

ST_TEST(rpmdb_bdb_generated)
{
	ST_CHECK(check_fixture("pkgdb/rpm/bdb/generated-le-4k/Packages"));
	ST_CHECK(check_fixture("pkgdb/rpm/bdb/generated-le-64k/Packages"));
	return ST_TEST_PASS;
}

ST_TEST(rpmdb_bdb_big_endian)
{
	ST_CHECK(check_fixture("pkgdb/rpm/bdb/generated-be-4k/Packages"));
	return ST_TEST_PASS;
}

ST_TEST(rpmdb_sqlite_fixture)
{
	ST_CHECK(check_fixture("pkgdb/rpm/sqlite/go-rpmdb-cbl-mariner-2.0/rpmdb.sqlite"));
	return ST_TEST_PASS;
}

/* Lists NAME VERSION-RELEASE ARCH, the columns of the NDB expected list. */
static int list_nvra(void *ctx, const struct st_rpm_package *p, struct strata_error *err)
{
	struct listing *l = ctx;
	char line[1024];

	if (l->count == MAX_PACKAGES) {
		l->overflow = true;
		return 0;
	}
	snprintf(line, sizeof(line), "%s\t%s\t%s", p->pkg.name, p->pkg.version,
		 or_dash(p->pkg.arch));
	l->lines[l->count] = strdup(line);
	if (l->lines[l->count] == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	l->count++;
	return 0;
}

/* Debian's rpm cannot read NDB, so the expected list comes from another
 * tool's test (see the README) and has fewer columns. */
ST_TEST(rpmdb_ndb_fixture)
{
	const char *rel = "pkgdb/rpm/ndb/go-rpmdb-sle15-bci/Packages.db";
	struct strata_limits lim;
	struct warnings w;
	struct st_diag diag = {record_warning, &w, 0};
	struct strata_error err;
	struct st_buf db;
	struct st_buf want;
	struct listing l;
	struct st_slice line;
	size_t pos = 0;
	size_t n = 0;

	strata_limits_default(&lim);
	memset(&l, 0, sizeof(l));
	memset(&w, 0, sizeof(w));
	ST_CHECK_INT(read_data(rel, &db), 0);
	ST_CHECK_INT(read_data("pkgdb/rpm/ndb/go-rpmdb-sle15-bci/Packages.db.expected", &want), 0);
	ST_CHECK_INT(st_rpmdb_parse(st_slice_make(db.ptr, db.len), rel, &lim, &diag, list_nvra, &l,
				    &err),
		     0);
	ST_CHECK_INT(w.count, 0);
	qsort(l.lines, l.count, sizeof(l.lines[0]), compare_lines);
	while (next_line(st_slice_make(want.ptr, want.len), &pos, &line)) {
		ST_CHECK(n < l.count);
		if (!st_slice_eq_cstr(line, l.lines[n])) {
			fprintf(stderr, "# package %zu is \"%s\", expected \"%.*s\"\n", n,
				l.lines[n], (int)line.len, line.ptr);
			return ST_TEST_FAIL;
		}
		n++;
	}
	ST_CHECK_INT(n, 35);
	ST_CHECK_INT(l.count, n);
	listing_dispose(&l);
	st_buf_dispose(&db);
	st_buf_dispose(&want);
	return ST_TEST_PASS;
}

ST_TEST(rpmdb_sqlite_without_packages_table)
{
	const char *rel = "pkgdb/rpm/sqlite/claircore-no_packages/rpmdb.sqlite";
	struct st_buf db;
	struct listing l;
	struct warnings w;
	struct strata_error err;

	ST_CHECK_INT(read_data(rel, &db), 0);
	ST_CHECK_INT(parse_db(st_slice_make(db.ptr, db.len), rel, &l, &w, &err),
		     STRATA_ECORRUPT);
	ST_CHECK(strstr(err.msg, rel) != NULL);
	ST_CHECK(strstr(err.msg, "no Packages table") != NULL);
	ST_CHECK_INT(l.count, 0);
	st_buf_dispose(&db);
	return ST_TEST_PASS;
}

ST_TEST(rpmdb_unknown_format_and_limit)
{
	struct strata_limits lim;
	struct listing l;
	struct strata_error err;
	char zeros[4096];

	memset(zeros, 0, sizeof(zeros));
	memset(&l, 0, sizeof(l));
	strata_limits_default(&lim);
	ST_CHECK_INT(st_rpmdb_parse(st_slice_make(zeros, sizeof(zeros)), "var/lib/rpm/Packages",
				    &lim, NULL, list_package, &l, &err),
		     STRATA_EUNSUPPORTED);
	ST_CHECK(strstr(err.msg, "var/lib/rpm/Packages") != NULL);
	lim.cataloged_file_bytes = 100;
	ST_CHECK_INT(st_rpmdb_parse(st_slice_make(zeros, sizeof(zeros)), "var/lib/rpm/Packages",
				    &lim, NULL, list_package, &l, &err),
		     STRATA_ELIMIT);
	ST_CHECK(strstr(err.msg, "cataloged_file_bytes") != NULL);
	ST_CHECK_INT(l.count, 0);
	return ST_TEST_PASS;
}

/* Parses a copy of fixture REL cut to LEN bytes (or whole when LEN is 0)
 * after DAMAGE (may be NULL) changed it. */
static int parse_fixture_copy(const char *rel, size_t len, void (*damage)(struct st_buf *b),
			      struct listing *l, struct warnings *w, struct strata_error *err)
{
	struct st_buf db;
	int rc;

	if (read_data(rel, &db) < 0)
		return STRATA_EIO;
	if (len != 0 && len < db.len)
		db.len = len;
	if (damage != NULL)
		damage(&db);
	rc = parse_db(st_slice_make(db.ptr, db.len), rel, l, w, err);
	st_buf_dispose(&db);
	return rc;
}

/* A database cut anywhere gives warnings or an error naming it, and only
 * packages of the whole database. */
static bool check_truncations(const char *rel, size_t step)
{
	struct listing whole;
	struct warnings w;
	struct strata_error err;
	size_t len;
	struct st_buf db;
	bool ok = true;

	if (read_data(rel, &db) < 0)
		return false;
	if (parse_db(st_slice_make(db.ptr, db.len), rel, &whole, &w, &err) < 0)
		return false;
	for (len = 1; len < db.len && ok; len += step) {
		struct listing l;
		int rc = parse_db(st_slice_make(db.ptr, len), rel, &l, &w, &err);
		size_t i;

		if (rc < 0 && (rc != STRATA_ECORRUPT && rc != STRATA_EUNSUPPORTED)) {
			fprintf(stderr, "# %s cut at %zu: %s\n", rel, len, err.msg);
			ok = false;
		}
		if (rc < 0 && strstr(err.msg, rel) == NULL)
			ok = false;
		if (rc == 0 && l.count < whole.count && w.count == 0) {
			fprintf(stderr, "# %s cut at %zu: packages lost without a warning\n", rel,
				len);
			ok = false;
		}
		for (i = 0; i < l.count && ok; i++) {
			if (bsearch(&l.lines[i], whole.lines, whole.count, sizeof(char *),
				    compare_lines) == NULL) {
				fprintf(stderr, "# %s cut at %zu: made-up package %s\n", rel, len,
					l.lines[i]);
				ok = false;
			}
		}
		listing_dispose(&l);
	}
	listing_dispose(&whole);
	st_buf_dispose(&db);
	return ok;
}

ST_TEST(rpmdb_truncated_bdb)
{
	ST_CHECK(check_truncations("pkgdb/rpm/bdb/generated-le-4k/Packages", 4093));
	ST_CHECK(check_truncations("pkgdb/rpm/bdb/generated-be-4k/Packages", 8191));
	ST_CHECK(check_truncations("pkgdb/rpm/bdb/go-rpmdb-libuuid/Packages", 509));
	return ST_TEST_PASS;
}

ST_TEST(rpmdb_truncated_ndb)
{
	ST_CHECK(check_truncations("pkgdb/rpm/ndb/go-rpmdb-sle15-bci/Packages.db", 9973));
	return ST_TEST_PASS;
}

ST_TEST(rpmdb_truncated_sqlite)
{
	ST_CHECK(check_truncations("pkgdb/rpm/sqlite/go-rpmdb-cbl-mariner-2.0/rpmdb.sqlite",
				   65521));
	return ST_TEST_PASS;
}

/* Garbage over the second half of the overflow pages of the 4 KiB
 * database damages some records; the rest are still read. */
static void scramble_tail(struct st_buf *b)
{
	size_t i;

	for (i = b->len / 2; i < b->len; i += 7)
		b->ptr[i] = (char)(b->ptr[i] ^ 0x5a);
}

ST_TEST(rpmdb_corrupt_bdb_keeps_good_records)
{
	struct listing l;
	struct warnings w;
	struct strata_error err;

	ST_CHECK_INT(parse_fixture_copy("pkgdb/rpm/bdb/generated-le-4k/Packages", 0, scramble_tail,
					&l, &w, &err),
		     0);
	ST_CHECK(w.count > 0);
	ST_CHECK(strstr(w.last, "pkgdb/rpm/bdb/generated-le-4k/Packages: ") == w.last);
	ST_CHECK(l.count > 0 && l.count < 24);
	listing_dispose(&l);
	return ST_TEST_PASS;
}

ST_TEST(rpmdb_corrupt_sqlite_keeps_good_records)
{
	struct listing l;
	struct warnings w;
	struct strata_error err;

	ST_CHECK_INT(parse_fixture_copy("pkgdb/rpm/sqlite/go-rpmdb-cbl-mariner-2.0/rpmdb.sqlite",
					0, scramble_tail, &l, &w, &err),
		     0);
	ST_CHECK(w.count > 0);
	ST_CHECK(l.count > 0 && l.count < 129);
	listing_dispose(&l);
	return ST_TEST_PASS;
}

/* A crafted Berkeley DB: a bucket chain that loops back on itself is
 * walked once. */
static void loop_first_bucket(struct st_buf *b)
{
	/* Page 1 is bucket 0's first hash page: point next_pgno at itself. */
	unsigned char *page = (unsigned char *)b->ptr + 4096;

	page[16] = 1;
	page[17] = page[18] = page[19] = 0;
}

ST_TEST(rpmdb_bdb_chain_cycle)
{
	struct listing l;
	struct warnings w;
	struct strata_error err;

	ST_CHECK_INT(parse_fixture_copy("pkgdb/rpm/bdb/generated-le-4k/Packages", 0,
					loop_first_bucket, &l, &w, &err),
		     0);
	ST_CHECK(strstr(w.all, "reached twice") != NULL);
	ST_CHECK(l.count <= 24);
	listing_dispose(&l);
	return ST_TEST_PASS;
}

/* NDB builder ------------------------------------------------------------- */

static void put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

/* Builds an NDB file in OUT with one slot page and COUNT blobs. */
static size_t build_ndb(unsigned char *out, size_t cap, const unsigned char *const *blobs,
			const size_t *lens, size_t count)
{
	size_t pos = 4096;
	size_t i;

	memset(out, 0, cap);
	memcpy(out, "RpmP", 4);
	put_le32(out + 8, 1);  /* generation */
	put_le32(out + 12, 1); /* slot pages */
	put_le32(out + 16, (uint32_t)count + 1);
	for (i = 32; i < 4096; i += 16)
		memcpy(out + i, "Slot", 4);
	for (i = 0; i < count; i++) {
		size_t blocks = (16 + lens[i] + 12 + 15) / 16;
		unsigned char *slot = out + 32 + 16 * i;
		unsigned char *blob = out + pos;
		unsigned char *tail = blob + blocks * 16 - 12;

		if (pos + blocks * 16 > cap)
			abort();
		put_le32(slot + 4, (uint32_t)i + 1);
		put_le32(slot + 8, (uint32_t)(pos / 16));
		put_le32(slot + 12, (uint32_t)blocks);
		memcpy(blob, "BlbS", 4);
		put_le32(blob + 4, (uint32_t)i + 1);
		put_le32(blob + 12, (uint32_t)lens[i]);
		memcpy(blob + 16, blobs[i], lens[i]);
		put_le32(tail, (uint32_t)adler32(adler32(0, NULL, 0), blob, (uInt)(tail - blob)));
		put_le32(tail + 4, (uint32_t)lens[i]);
		memcpy(tail + 8, "BlbE", 4);
		pos += blocks * 16;
	}
	return pos;
}

/* An NDB database of packages given as "NAME VERSION RELEASE" words. */
static size_t build_ndb_packages(unsigned char *out, size_t cap, const char *const *nvr,
				 size_t count)
{
	unsigned char headers[8][1024];
	const unsigned char *blobs[8];
	size_t lens[8];
	size_t i;

	if (count > 8)
		abort();
	for (i = 0; i < count; i++) {
		char name[64], version[64], release[64];
		const char *s1 = strchr(nvr[i], ' ');
		const char *s2 = s1 ? strchr(s1 + 1, ' ') : NULL;

		if (s2 == NULL)
			abort();
		snprintf(name, sizeof(name), "%.*s", (int)(s1 - nvr[i]), nvr[i]);
		snprintf(version, sizeof(version), "%.*s", (int)(s2 - s1 - 1), s1 + 1);
		snprintf(release, sizeof(release), "%s", s2 + 1);
		lens[i] = build_package(headers[i], sizeof(headers[i]), name, version, release);
		blobs[i] = headers[i];
	}
	return build_ndb(out, cap, blobs, lens, count);
}

ST_TEST(rpmdb_ndb_built)
{
	static const char *const pkgs[] = {"bash 5.1 1", "zlib 1.2 3"};
	static unsigned char db[16384];
	size_t len = build_ndb_packages(db, sizeof(db), pkgs, 2);
	struct listing l;
	struct warnings w;
	struct strata_error err;

	ST_CHECK_INT(parse_db(st_slice_make((char *)db, len), "p", &l, &w, &err), 0);
	ST_CHECK_INT(w.count, 0);
	ST_CHECK_INT(l.count, 2);
	ST_CHECK_STR(l.lines[0],
		     "bash\t2\t5.1\t1\tx86_64\tsrc-1.0-1.src.rpm\tMIT\t-\tperl:5.26:8000:1");
	listing_dispose(&l);
	return ST_TEST_PASS;
}

ST_TEST(rpmdb_ndb_damaged_slots)
{
	static const char *const pkgs[] = {"a 1 1", "b 1 1", "c 1 1", "d 1 1", "e 1 1"};
	static unsigned char db[16384];
	size_t len = build_ndb_packages(db, sizeof(db), pkgs, 5);
	struct listing l;
	struct warnings w;
	struct strata_error err;
	size_t blob_b;

	/* Slot of a: bad magic. Slot of b: blob checksum wrong. Slot of c:
	 * blocks past the end. Slot of d: names another package's blob. */
	db[32] = 'X';
	blob_b = (size_t)st_le32(db + 48 + 8) * 16;
	db[blob_b + 20] ^= 1;
	put_le32(db + 64 + 12, 0x10000000);
	put_le32(db + 80 + 4, 99);
	ST_CHECK_INT(parse_db(st_slice_make((char *)db, len), "usr/lib/sysimage/rpm/Packages.db",
			      &l, &w, &err),
		     0);
	ST_CHECK_INT(l.count, 1);
	ST_CHECK(strncmp(l.lines[0], "e\t", 2) == 0);
	ST_CHECK_INT(w.count, 4);
	ST_CHECK(strstr(w.all, "slot 2 has a bad magic number") != NULL);
	ST_CHECK(strstr(w.all, "record 2: blob checksum mismatch") != NULL);
	ST_CHECK(strstr(w.all, "slot 4 (record 3) points outside the file") != NULL);
	ST_CHECK(strstr(w.all, "record 99: slot 5 does not point at its blob") != NULL);
	listing_dispose(&l);
	return ST_TEST_PASS;
}

ST_TEST(rpmdb_bad_headers_are_skipped)
{
	static const char *const pkgs[] = {"a 1 1", "b 1-2 1", "c 1 1", "d\nx 1 1"};
	static unsigned char db[16384];
	size_t len = build_ndb_packages(db, sizeof(db), pkgs, 4);
	struct listing l;
	struct warnings w;
	struct strata_error err;
	size_t blob_c;

	/* Record 3's header claims more entries than it has. */
	blob_c = (size_t)st_le32(db + 64 + 8) * 16 + 16;
	db[blob_c + 3] = 200;
	/* Keep the checksum right so that the header check is what fails. */
	{
		size_t blocks = st_le32(db + 64 + 12);
		unsigned char *start = db + blob_c - 16;
		unsigned char *tail = start + blocks * 16 - 12;

		put_le32(tail, (uint32_t)adler32(adler32(0, NULL, 0), start, (uInt)(tail - start)));
	}
	ST_CHECK_INT(parse_db(st_slice_make((char *)db, len), "db", &l, &w, &err), 0);
	ST_CHECK_INT(l.count, 1);
	ST_CHECK_INT(w.count, 3);
	ST_CHECK(strstr(w.all, "db: record 2: package b has a '-' in its version") != NULL);
	ST_CHECK(strstr(w.all, "db: record 3: invalid header, skipped: header is") != NULL);
	ST_CHECK(strstr(w.all, "db: record 4: header without a valid name") != NULL);
	listing_dispose(&l);
	return ST_TEST_PASS;
}

/* Warnings stop at ST_RPMDB_MAX_WARNINGS plus one closing line. */
ST_TEST(rpmdb_warning_flood_is_capped)
{
	static unsigned char db[4096 * 2];
	struct listing l;
	struct warnings w;
	struct strata_error err;
	size_t i;

	memset(db, 0, sizeof(db));
	memcpy(db, "RpmP", 4);
	put_le32(db + 12, 1);
	/* Every slot has a bad magic number. */
	ST_CHECK_INT(parse_db(st_slice_make((char *)db, sizeof(db)), "db", &l, &w, &err), 0);
	ST_CHECK_INT(w.count, ST_RPMDB_MAX_WARNINGS + 1);
	ST_CHECK(strstr(w.last, "more than 20 problems") != NULL);
	for (i = 0; i < l.count; i++)
		free(l.lines[i]);
	return ST_TEST_PASS;
}

ST_TEST(rpmdb_ndb_bad_database_header)
{
	unsigned char db[64];
	struct listing l;
	struct warnings w;
	struct strata_error err;

	memset(db, 0, sizeof(db));
	memcpy(db, "RpmP", 4);
	put_le32(db + 4, 1);
	ST_CHECK_INT(parse_db(st_slice_make((char *)db, sizeof(db)), "db", &l, &w, &err),
		     STRATA_EUNSUPPORTED);
	ST_CHECK(strstr(err.msg, "ndb version 1") != NULL);
	put_le32(db + 4, 0);
	ST_CHECK_INT(parse_db(st_slice_make((char *)db, sizeof(db)), "db", &l, &w, &err),
		     STRATA_ECORRUPT);
	put_le32(db + 12, 1000);
	ST_CHECK_INT(parse_db(st_slice_make((char *)db, sizeof(db)), "db", &l, &w, &err), 0);
	ST_CHECK(strstr(w.all, "truncated inside its 1000 slot pages") != NULL);
	return ST_TEST_PASS;
}

ST_TEST(rpmdb_bdb_bad_meta_page)
{
	struct listing l;
	struct warnings w;
	struct strata_error err;
	struct st_buf db;

	ST_CHECK_INT(read_data("pkgdb/rpm/bdb/go-rpmdb-libuuid/Packages", &db), 0);
	db.ptr[20] = 3; /* page size 4096 + 3 */
	ST_CHECK_INT(parse_db(st_slice_make(db.ptr, db.len), "db", &l, &w, &err),
		     STRATA_ECORRUPT);
	ST_CHECK(strstr(err.msg, "invalid page size") != NULL);
	db.ptr[20] = 0;
	db.ptr[72] = (char)0xff; /* max_bucket */
	db.ptr[73] = (char)0xff;
	ST_CHECK_INT(parse_db(st_slice_make(db.ptr, db.len), "db", &l, &w, &err),
		     STRATA_ECORRUPT);
	ST_CHECK(strstr(err.msg, "buckets do not fit") != NULL);
	db.ptr[72] = db.ptr[73] = 0;
	db.ptr[24] = 1; /* encrypted */
	ST_CHECK_INT(parse_db(st_slice_make(db.ptr, db.len), "db", &l, &w, &err),
		     STRATA_EUNSUPPORTED);
	st_buf_dispose(&db);
	return ST_TEST_PASS;
}

/* Cataloger --------------------------------------------------------------- */

struct catalog_run {
	struct st_inventory inv;
	struct st_catalog_ctx ctx;
	struct strata_limits lim;
	struct st_diag diag;
	struct warnings w;
	void *state;
};

static int run_begin(struct catalog_run *r, bool with_os)
{
	struct strata_error err;

	memset(r, 0, sizeof(*r));
	st_inventory_init(&r->inv);
	if (with_os) {
		r->inv.os.found = true;
		r->inv.os.id = "RHEL";
		r->inv.os.version_id = "9.3";
	}
	strata_limits_default(&r->lim);
	r->diag.fn = record_warning;
	r->diag.ctx = &r->w;
	r->ctx.inv = &r->inv;
	r->ctx.diag = &r->diag;
	r->ctx.limits = &r->lim;
	return st_cataloger_rpm.init(&r->state, &err);
}

static int run_file(struct catalog_run *r, const char *path, struct st_slice data, size_t layer,
		    bool final)
{
	struct st_walk_file f;
	struct strata_error err;
	int rc;

	memset(&f, 0, sizeof(f));
	f.path = path;
	f.path_len = strlen(path);
	f.type = ST_FILE_REGULAR;
	f.data = data;
	f.layer = layer;
	if (!st_cataloger_rpm.wants(f.path, f.path_len))
		return -100;
	rc = final ? st_cataloger_rpm.on_final_file(r->state, &f, &r->ctx, &err)
		   : st_cataloger_rpm.on_layer_file(r->state, &f, &r->ctx, &err);
	if (rc < 0)
		fprintf(stderr, "# %s\n", err.msg);
	return rc;
}

static int run_end(struct catalog_run *r)
{
	struct strata_error err;
	int rc = st_cataloger_rpm.finish(r->state, &r->ctx, &err);

	st_cataloger_rpm.free(r->state);
	if (rc == 0)
		st_inventory_sort(&r->inv);
	return rc;
}

static const struct st_package *find_package(const struct st_inventory *inv, const char *name)
{
	size_t i;

	for (i = 0; i < inv->count; i++) {
		if (strcmp(inv->packages[i].name, name) == 0)
			return &inv->packages[i];
	}
	return NULL;
}

ST_TEST(catalog_layers_and_purls)
{
	static const char *const v0[] = {"a 1 1", "b 2.0 1"};
	static const char *const v1[] = {"a 1 1", "b 2.0 2", "Cee 3 1.el9"};
	static unsigned char db0[16384], db1[16384];
	size_t len0 = build_ndb_packages(db0, sizeof(db0), v0, 2);
	size_t len1 = build_ndb_packages(db1, sizeof(db1), v1, 3);
	const char *path = "usr/lib/sysimage/rpm/Packages.db";
	struct catalog_run r;
	const struct st_package *p;

	ST_CHECK_INT(run_begin(&r, true), 0);
	ST_CHECK_INT(run_file(&r, path, st_slice_make((char *)db0, len0), 0, false), 0);
	ST_CHECK_INT(run_file(&r, path, st_slice_make((char *)db1, len1), 2, false), 0);
	ST_CHECK_INT(run_file(&r, path, st_slice_make((char *)db1, len1), 2, true), 0);
	ST_CHECK_INT(run_end(&r), 0);

	ST_CHECK_INT(r.inv.count, 3);
	ST_CHECK_INT(r.w.count, 0);
	p = find_package(&r.inv, "a");
	ST_CHECK(p != NULL);
	ST_CHECK_INT(p->layer, 0);
	ST_CHECK_STR(p->version, "2:1-1");
	ST_CHECK_STR(p->type, "rpm");
	ST_CHECK_STR(p->path, path);
	ST_CHECK_STR(p->source_name, "src");
	ST_CHECK_STR(p->source_version, "1.0-1");
	ST_CHECK_STR(p->license, "MIT");
	ST_CHECK_STR(p->purl, "pkg:rpm/rhel/a@1-1?arch=x86_64&distro=rhel-9.3&epoch=2");
	p = find_package(&r.inv, "b");
	ST_CHECK(p != NULL);
	ST_CHECK_INT(p->layer, 2);
	p = find_package(&r.inv, "Cee");
	ST_CHECK(p != NULL);
	ST_CHECK_INT(p->layer, 2);
	ST_CHECK_STR(p->purl, "pkg:rpm/rhel/Cee@3-1.el9?arch=x86_64&distro=rhel-9.3&epoch=2");
	st_inventory_dispose(&r.inv);
	return ST_TEST_PASS;
}

ST_TEST(catalog_purl_without_os)
{
	struct catalog_run r;
	struct st_buf db;
	const struct st_package *p;

	ST_CHECK_INT(read_data("pkgdb/rpm/bdb/go-rpmdb-libuuid/Packages", &db), 0);
	ST_CHECK_INT(run_begin(&r, false), 0);
	ST_CHECK_INT(run_file(&r, "var/lib/rpm/Packages", st_slice_make(db.ptr, db.len), 1, true),
		     0);
	ST_CHECK_INT(run_end(&r), 0);
	ST_CHECK_INT(r.inv.count, 1);
	p = &r.inv.packages[0];
	ST_CHECK_STR(p->purl, "pkg:rpm/libuuid@2.32.1-42.el8_8?arch=x86_64");
	ST_CHECK_STR(p->version, "2.32.1-42.el8_8");
	ST_CHECK_STR(p->source_name, "util-linux");
	ST_CHECK_INT(p->layer, 1);
	st_inventory_dispose(&r.inv);
	st_buf_dispose(&db);
	return ST_TEST_PASS;
}

/* With two databases, the one that the latest layer wrote is the one
 * rpm used; the other is reported. */
ST_TEST(catalog_chooses_latest_database)
{
	struct catalog_run r;
	struct st_buf bdb;
	struct st_buf ndb;

	ST_CHECK_INT(read_data("pkgdb/rpm/bdb/go-rpmdb-libuuid/Packages", &bdb), 0);
	ST_CHECK_INT(read_data("pkgdb/rpm/ndb/go-rpmdb-sle15-bci/Packages.db", &ndb), 0);
	ST_CHECK_INT(run_begin(&r, true), 0);
	ST_CHECK_INT(run_file(&r, "var/lib/rpm/Packages", st_slice_make(bdb.ptr, bdb.len), 3,
			      true),
		     0);
	ST_CHECK_INT(run_file(&r, "var/lib/rpm/Packages.db", st_slice_make(ndb.ptr, ndb.len), 1,
			      true),
		     0);
	ST_CHECK_INT(run_end(&r), 0);
	ST_CHECK_INT(r.inv.count, 1);
	ST_CHECK_STR(r.inv.packages[0].name, "libuuid");
	ST_CHECK_INT(r.w.count, 1);
	ST_CHECK(strstr(r.w.last, "var/lib/rpm/Packages.db: not used: var/lib/rpm/Packages") ==
		 r.w.last);
	st_inventory_dispose(&r.inv);
	st_buf_dispose(&bdb);
	st_buf_dispose(&ndb);
	return ST_TEST_PASS;
}

/* An unreadable database is a warning, and a readable one is used. */
ST_TEST(catalog_skips_unreadable_database)
{
	struct catalog_run r;
	struct st_buf ndb;
	char garbage[600];

	memset(garbage, 'x', sizeof(garbage));
	ST_CHECK_INT(read_data("pkgdb/rpm/ndb/go-rpmdb-sle15-bci/Packages.db", &ndb), 0);
	ST_CHECK_INT(run_begin(&r, true), 0);
	ST_CHECK_INT(run_file(&r, "var/lib/rpm/rpmdb.sqlite",
			      st_slice_make(garbage, sizeof(garbage)), 5, true),
		     0);
	ST_CHECK_INT(run_file(&r, "usr/lib/sysimage/rpm/Packages.db",
			      st_slice_make(ndb.ptr, ndb.len), 1, true),
		     0);
	ST_CHECK_INT(run_end(&r), 0);
	ST_CHECK_INT(r.inv.count, 35);
	ST_CHECK(strstr(r.w.all, "var/lib/rpm/rpmdb.sqlite: not an rpm database") != NULL);
	st_inventory_dispose(&r.inv);
	st_buf_dispose(&ndb);
	return ST_TEST_PASS;
}

ST_TEST(catalog_wants_database_paths)
{
	static const char *const yes[] = {
		"var/lib/rpm/Packages",          "var/lib/rpm/rpmdb.sqlite",
		"var/lib/rpm/Packages.db",       "usr/lib/sysimage/rpm/Packages",
		"usr/lib/sysimage/rpm/rpmdb.sqlite", "usr/lib/sysimage/rpm/Packages.db",
		"var/lib/rpmmanifest/container-manifest-2",
	};
	static const char *const no[] = {
		"var/lib/rpm/Name",      "var/lib/rpm/Packages.old", "var/lib/rpm",
		"lib/rpm/Packages",      "var/lib/rpm/rpmdb.sqlite-wal", "x/var/lib/rpm/Packages",
		"var/lib/rpm/packages",  "var/lib/rpmmanifest/container-manifest-1",
		"x/var/lib/rpmmanifest/container-manifest-2",
	};
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(yes); i++)
		ST_CHECK(st_cataloger_rpm.wants(yes[i], strlen(yes[i])));
	for (i = 0; i < ST_ARRAY_LEN(no); i++)
		ST_CHECK(!st_cataloger_rpm.wants(no[i], strlen(no[i])));
	return ST_TEST_PASS;
}

/* Found by fuzzing: a hash item whose value is empty reached the header
 * callback as a zero-length blob. It is now a warning. The file is a
 * damaged big-endian database with 512-byte pages. */
ST_TEST(rpmdb_bdb_empty_value_regression)
{
	struct listing l;
	struct warnings w;
	struct strata_error err;

	ST_CHECK_INT(parse_fixture_copy("pkgdb/rpm/bdb/regression-empty-value/Packages", 0, NULL,
					&l, &w, &err),
		     0);
	ST_CHECK_INT(l.count, 0);
	ST_CHECK(strstr(w.all, "record 196608: empty value, skipped") != NULL);
	ST_CHECK(strstr(w.all, "the file is truncated") != NULL);
	return ST_TEST_PASS;
}

/* SQLite -------------------------------------------------------------- */

/* Runs SQL in a new in-memory database and parses its serialized bytes. */
static int parse_sqlite_built(const char *sql, struct listing *l, struct warnings *w,
			      struct strata_error *err)
{
	unsigned char blob[1024];
	size_t len = build_package(blob, sizeof(blob), "bash", "5.1", "1");
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;
	unsigned char *bytes;
	sqlite3_int64 size = 0;
	int rc;

	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return -100;
	/* Tables named Packages get one valid header as hnum 7. */
	if (sqlite3_prepare_v2(db, "INSERT INTO Packages VALUES (7, ?)", -1, &stmt, NULL) ==
	    SQLITE_OK) {
		sqlite3_bind_blob(stmt, 1, blob, (int)len, SQLITE_STATIC);
		sqlite3_step(stmt);
		sqlite3_finalize(stmt);
	}
	bytes = sqlite3_serialize(db, "main", &size, 0);
	sqlite3_close(db);
	if (bytes == NULL)
		return -100;
	rc = parse_db(st_slice_make((char *)bytes, (size_t)size), "rpmdb.sqlite", l, w, err);
	sqlite3_free(bytes);
	return rc;
}

ST_TEST(rpmdb_sqlite_odd_rows)
{
	struct listing l;
	struct warnings w;
	struct strata_error err;

	ST_CHECK_INT(parse_sqlite_built("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob);"
					"INSERT INTO Packages VALUES (0, x'00');"
					"INSERT INTO Packages VALUES (1, 'text');"
					"INSERT INTO Packages VALUES (2, x'');"
					"INSERT INTO Packages VALUES (3, x'0000000100000000');",
					&l, &w, &err),
		     0);
	ST_CHECK_INT(l.count, 1);
	ST_CHECK(strncmp(l.lines[0], "bash\t", 5) == 0);
	ST_CHECK(strstr(w.all, "row with hnum 0 is no header number") != NULL);
	ST_CHECK(strstr(w.all, "record 1: value is not a blob") != NULL);
	ST_CHECK(strstr(w.all, "record 2: empty blob") != NULL);
	ST_CHECK(strstr(w.all, "record 3: invalid header") != NULL);
	ST_CHECK_INT(w.count, 4);
	listing_dispose(&l);
	return ST_TEST_PASS;
}

/* A view named Packages would run a query of the image's choosing, here
 * an endless one: it is rejected before any query runs. */
ST_TEST(rpmdb_sqlite_rejects_view)
{
	struct listing l;
	struct warnings w;
	struct strata_error err;

	ST_CHECK_INT(parse_sqlite_built("CREATE VIEW Packages AS WITH RECURSIVE c(x) AS "
					"(SELECT 1 UNION ALL SELECT x + 1 FROM c) "
					"SELECT x AS hnum, zeroblob(10) AS blob FROM c;",
					&l, &w, &err),
		     STRATA_ECORRUPT);
	ST_CHECK(strstr(err.msg, "no Packages table") != NULL);
	ST_CHECK_INT(l.count, 0);
	return ST_TEST_PASS;
}

/* A later layer that converts the database to another format keeps the
 * layers of the packages it did not change. */
ST_TEST(catalog_layers_across_conversion)
{
	static const char *const v0[] = {"a 1 1", "b 2.0 1"};
	static const char *const v1[] = {"a 1 1", "b 2.0 2"};
	static unsigned char db0[16384], db1[16384];
	size_t len0 = build_ndb_packages(db0, sizeof(db0), v0, 2);
	size_t len1 = build_ndb_packages(db1, sizeof(db1), v1, 2);
	struct catalog_run r;

	ST_CHECK_INT(run_begin(&r, true), 0);
	ST_CHECK_INT(run_file(&r, "var/lib/rpm/Packages.db", st_slice_make((char *)db0, len0), 0,
			      false),
		     0);
	ST_CHECK_INT(run_file(&r, "usr/lib/sysimage/rpm/Packages.db",
			      st_slice_make((char *)db1, len1), 4, false),
		     0);
	ST_CHECK_INT(run_file(&r, "usr/lib/sysimage/rpm/Packages.db",
			      st_slice_make((char *)db1, len1), 4, true),
		     0);
	ST_CHECK_INT(run_end(&r), 0);
	ST_CHECK_INT(r.inv.count, 2);
	ST_CHECK_INT(find_package(&r.inv, "a")->layer, 0);
	ST_CHECK_INT(find_package(&r.inv, "b")->layer, 4);
	st_inventory_dispose(&r.inv);
	return ST_TEST_PASS;
}

/* CBL-Mariner distroless manifest ------------------------------------------ */

#define MANIFEST_PATH "var/lib/rpmmanifest/container-manifest-2"

static void set_mariner(struct catalog_run *r)
{
	r->inv.os.found = true;
	r->inv.os.id = "mariner";
	r->inv.os.version_id = "2.0";
}

ST_TEST(manifest_fixture_through_cataloger)
{
	struct catalog_run r;
	struct st_buf text;
	const struct st_package *p;

	ST_CHECK_INT(read_data("pkgdb/rpm/rpmmanifest/syft-cbl-mariner-distroless/"
			       "container-manifest-2", &text), 0);
	ST_CHECK_INT(run_begin(&r, false), 0);
	set_mariner(&r);
	ST_CHECK_INT(run_file(&r, MANIFEST_PATH, st_slice_make(text.ptr, text.len), 1, false), 0);
	ST_CHECK_INT(run_file(&r, MANIFEST_PATH, st_slice_make(text.ptr, text.len), 1, true), 0);
	ST_CHECK_INT(run_end(&r), 0);
	ST_CHECK_INT(r.inv.count, 5);
	ST_CHECK_INT(r.w.count, 0);

	p = find_package(&r.inv, "glibc");
	ST_CHECK(p != NULL);
	ST_CHECK_STR(p->type, "rpm");
	ST_CHECK_STR(p->version, "2.35-2.cm2");
	ST_CHECK_STR(p->arch, "x86_64");
	ST_CHECK_STR(p->source_name, "glibc");
	ST_CHECK_STR(p->source_version, "2.35-2.cm2");
	ST_CHECK_STR(p->path, MANIFEST_PATH);
	ST_CHECK_STR(p->found_by, "rpm");
	ST_CHECK_INT(p->layer, 1);
	ST_CHECK_STR(p->purl, "pkg:rpm/mariner/glibc@2.35-2.cm2?arch=x86_64&distro=mariner-2.0");

	/* The source rpm names another package than the binary one. */
	p = find_package(&r.inv, "openssl-libs");
	ST_CHECK(p != NULL);
	ST_CHECK_STR(p->source_name, "openssl");
	ST_CHECK_STR(p->source_version, "1.1.1k-15.cm2");

	/* vim is the sample's only line with an epoch. */
	p = find_package(&r.inv, "vim");
	ST_CHECK(p != NULL);
	ST_CHECK_STR(p->version, "2:9.0-1.cm2");
	ST_CHECK_STR(p->purl, "pkg:rpm/mariner/vim@9.0-1.cm2?arch=x86_64&distro=mariner-2.0&epoch=2");

	p = find_package(&r.inv, "mariner-release");
	ST_CHECK(p != NULL);
	ST_CHECK_STR(p->arch, "noarch");
	ST_CHECK(p->license == NULL);
	st_inventory_dispose(&r.inv);
	st_buf_dispose(&text);
	return ST_TEST_PASS;
}

/* The manifest is a fallback: an rpm database, when there is one, is the
 * list rpm itself keeps, and the manifest is then not read into the
 * inventory nor reported. */
ST_TEST(manifest_not_used_beside_database)
{
	static const char *const v0[] = {"a 1 1"};
	static unsigned char db0[16384];
	size_t len0 = build_ndb_packages(db0, sizeof(db0), v0, 1);
	static const char manifest[] = "zzz\t1-1\t0\t0\tV\t(none)\t1\tx86_64\t0\tzzz-1-1.src.rpm\n";
	struct catalog_run r;

	ST_CHECK_INT(run_begin(&r, true), 0);
	ST_CHECK_INT(run_file(&r, MANIFEST_PATH, st_slice_make(manifest, strlen(manifest)), 3,
			      true),
		     0);
	ST_CHECK_INT(run_file(&r, "var/lib/rpm/Packages.db", st_slice_make((char *)db0, len0), 0,
			      true),
		     0);
	ST_CHECK_INT(run_end(&r), 0);
	ST_CHECK_INT(r.inv.count, 1);
	ST_CHECK(find_package(&r.inv, "a") != NULL);
	ST_CHECK(find_package(&r.inv, "zzz") == NULL);
	ST_CHECK_INT(r.w.count, 0);
	st_inventory_dispose(&r.inv);
	return ST_TEST_PASS;
}

struct manifest_seen {
	size_t count;
	char versions[8][64];
	char sources[8][64];
};

static int keep_manifest_package(void *ctx, const struct st_rpm_package *pkg,
				 struct strata_error *err)
{
	struct manifest_seen *s = ctx;

	if (pkg->pkg.name == NULL || pkg->pkg.version == NULL || pkg->version_release == NULL)
		return st_error_set(err, STRATA_EINTERNAL, "package without name or version");
	if (s->count < 8) {
		snprintf(s->versions[s->count], sizeof(s->versions[0]), "%s", pkg->pkg.version);
		snprintf(s->sources[s->count], sizeof(s->sources[0]), "%s",
			 pkg->pkg.source_name ? pkg->pkg.source_name : "-");
	}
	s->count++;
	return 0;
}

static int parse_manifest(const char *text, size_t len, struct manifest_seen *s,
			  struct warnings *w, struct strata_error *err)
{
	struct strata_limits lim;
	struct st_diag diag = {record_warning, w, 0};

	strata_limits_default(&lim);
	memset(s, 0, sizeof(*s));
	memset(w, 0, sizeof(*w));
	return st_rpm_manifest_parse(st_slice_make(text, len), "m2", &lim, &diag,
				     keep_manifest_package, s, err);
}

ST_TEST(manifest_bad_lines_are_skipped)
{
	static const char text[] =
		/* Fine, with CRLF, epoch 0 (no epoch) and extra fields. */
		"a\t1.0-1\t0\t0\tV\t0\t1\tx86_64\t0\ta-src-1.0-1.src.rpm\textra\r\n"
		/* Too few fields. */
		"b\t1.0-1\t0\t0\tV\t(none)\t1\tx86_64\n"
		/* A version-release without a release. */
		"c\t1.0\t0\t0\tV\t(none)\t1\tx86_64\t0\tc-1.0-1.src.rpm\n"
		/* An epoch that is no number. */
		"d\t1.0-1\t0\t0\tV\tone\t1\tx86_64\t0\td-1.0-1.src.rpm\n"
		/* An epoch over 32 bits. */
		"e\t1.0-1\t0\t0\tV\t4294967296\t1\tx86_64\t0\te-1.0-1.src.rpm\n"
		/* A blank in the name. */
		"f f\t1.0-1\t0\t0\tV\t(none)\t1\tx86_64\t0\tf-1.0-1.src.rpm\n"
		"\n"
		/* A source rpm of another form, and no final newline. */
		"g\t3-4\t0\t0\t\t7\t1\t\t0\tg.tar.gz";
	struct manifest_seen s;
	struct warnings w;
	struct strata_error err;

	ST_CHECK_INT(parse_manifest(text, strlen(text), &s, &w, &err), 0);
	ST_CHECK_INT(s.count, 2);
	ST_CHECK_STR(s.versions[0], "1.0-1");
	ST_CHECK_STR(s.sources[0], "a-src");
	ST_CHECK_STR(s.versions[1], "7:3-4");
	ST_CHECK_STR(s.sources[1], "-");
	ST_CHECK_INT(w.count, 5);
	ST_CHECK(strstr(w.all, "m2: line 2: fewer than 10") != NULL);
	ST_CHECK(strstr(w.all, "m2: line 3: version-release") != NULL);
	ST_CHECK(strstr(w.all, "m2: line 4: invalid epoch") != NULL);
	ST_CHECK(strstr(w.all, "m2: line 5: invalid epoch") != NULL);
	ST_CHECK(strstr(w.all, "m2: line 6: invalid name") != NULL);
	return ST_TEST_PASS;
}

ST_TEST(manifest_garbage_limit_and_truncation)
{
	static const char good[] =
		"vim\t9.0-1.cm2\t1\t2\tMicrosoft Corporation\t2\t45000\tx86_64\t2\t"
		"vim-9.0-1.cm2.src.rpm\n";
	struct manifest_seen s;
	struct warnings w;
	struct strata_error err;
	struct strata_limits lim;
	char *long_line;
	size_t i;
	int rc;

	/* Nothing at all is an empty list, not an error. */
	ST_CHECK_INT(parse_manifest("", 0, &s, &w, &err), 0);
	ST_CHECK_INT(s.count, 0);
	ST_CHECK_INT(parse_manifest("\x00\xff garbage\n\x7f\n", 14, &s, &w, &err),
		     STRATA_ECORRUPT);
	ST_CHECK(strstr(err.msg, "m2: no valid package line") != NULL);

	/* A line over 4096 bytes is skipped before its fields are read. */
	long_line = malloc(5001 + sizeof(good));
	ST_CHECK(long_line != NULL);
	memset(long_line, 'x', 5000);
	long_line[5000] = '\n';
	memcpy(long_line + 5001, good, sizeof(good));
	ST_CHECK_INT(parse_manifest(long_line, strlen(long_line), &s, &w, &err), 0);
	ST_CHECK_INT(s.count, 1);
	ST_CHECK(strstr(w.all, "line 1: over 4096 bytes") != NULL);
	free(long_line);

	strata_limits_default(&lim);
	lim.cataloged_file_bytes = 10;
	ST_CHECK_INT(st_rpm_manifest_parse(st_slice_make(good, strlen(good)), "m2", &lim, NULL,
					   keep_manifest_package, &s, &err),
		     STRATA_ELIMIT);

	/* Every prefix is either a valid package, no line at all or corrupt;
	 * only the whole line gives the package. */
	for (i = 0; i < strlen(good); i++) {
		rc = parse_manifest(good, i, &s, &w, &err);
		ST_CHECK(rc == 0 || rc == STRATA_ECORRUPT);
		ST_CHECK(s.count <= 1);
	}
	ST_CHECK_INT(parse_manifest(good, strlen(good), &s, &w, &err), 0);
	ST_CHECK_INT(s.count, 1);
	ST_CHECK_STR(s.versions[0], "2:9.0-1.cm2");
	return ST_TEST_PASS;
}
