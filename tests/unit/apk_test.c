/* Tests of Alpine's apk ecosystem: the version comparator against every
 * case of apk-tools' and osv-scalibr's vector files, the parser of
 * lib/apk/db/installed against the fixtures under tests/data/pkgdb/apk/,
 * the cataloger's layer attribution and purls, and cataloging in-memory
 * layers end to end. */
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "testlib.h"
#include "inventory/inventory.h"
#include "version/version.h"

#define FIELD_MAX 512

/* Reading test data ---------------------------------------------------------- */

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

/* Lines of a buffer, without their end of line. */
struct lines {
	struct st_slice rest;
	unsigned lineno;
};

static bool lines_next(struct lines *l, struct st_slice *line)
{
	if (l->rest.len == 0)
		return false;
	st_slice_split(&l->rest, '\n', line);
	if (line->len > 0 && line->ptr[line->len - 1] == '\r')
		line->len--;
	l->lineno++;
	return true;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Splits LINE, without what follows a '#', into at most MAX blank-separated
 * words; returns the count, or MAX + 1 when there are more. */
static size_t split_words(struct st_slice line, struct st_slice *words, size_t max)
{
	const char *hash = memchr(line.ptr, '#', line.len);
	size_t n = 0;
	size_t i = 0;

	if (hash != NULL)
		line.len = (size_t)(hash - line.ptr);
	while (i < line.len) {
		size_t start;

		while (i < line.len && is_blank(line.ptr[i]))
			i++;
		if (i == line.len)
			break;
		start = i;
		while (i < line.len && !is_blank(line.ptr[i]))
			i++;
		if (n == max)
			return max + 1;
		words[n++] = st_slice_make(line.ptr + start, i - start);
	}
	return n;
}

/* Versions: the comparator ------------------------------------------------- */

/* Bits of an apk-tools comparison operator: "<", ">=", "~" (the fuzzy
 * prefix match, which also accepts equal), and a leading '!' that inverts
 * the match. */
#define OP_LESS 1u
#define OP_EQUAL 2u
#define OP_GREATER 4u
#define OP_FUZZY 8u
#define OP_NOT 16u

static bool parse_op(struct st_slice op, unsigned *mask)
{
	size_t i = 0;

	*mask = 0;
	if (op.len > 0 && op.ptr[0] == '!') {
		*mask |= OP_NOT;
		i++;
	}
	if (i == op.len)
		return false;
	for (; i < op.len; i++) {
		switch (op.ptr[i]) {
		case '<':
			*mask |= OP_LESS;
			break;
		case '>':
			*mask |= OP_GREATER;
			break;
		case '=':
			*mask |= OP_EQUAL;
			break;
		case '~':
			*mask |= OP_FUZZY | OP_EQUAL;
			break;
		default:
			return false;
		}
	}
	return true;
}

static unsigned result_bit(int cmp)
{
	if (cmp < 0)
		return OP_LESS;
	if (cmp > 0)
		return OP_GREATER;
	return OP_EQUAL;
}

/* For an operator that is exactly one of <, =, >: sets *WANT. */
static bool plain_order(unsigned mask, int *want)
{
	if (mask == OP_LESS)
		*want = -1;
	else if (mask == OP_EQUAL)
		*want = 0;
	else if (mask == OP_GREATER)
		*want = 1;
	else
		return false;
	return true;
}

/* Checks that A and B, both valid, compare as WANT both ways, directly
 * and through the "apk" entry of the ecosystem table. */
static bool check_valid_pair(const char *a, const char *b, int want, const char *where)
{
	struct strata_error err;
	int ab = 9;
	int ba = 9;
	int table = 9;

	if (st_apk_version_compare(a, b, &ab, &err) < 0 ||
	    st_apk_version_compare(b, a, &ba, &err) < 0 ||
	    st_version_compare("apk", a, b, &table, &err) < 0) {
		fprintf(stderr, "# %s: %s\n", where, err.msg);
		return false;
	}
	if (ab != want || ba != -want || table != want) {
		fprintf(stderr, "# %s: \"%s\" vs \"%s\" gave %d, %d and %d\n", where, a, b, ab,
			ba, table);
		return false;
	}
	return true;
}

/* Checks that comparing A and B fails with STRATA_EINVAL naming an
 * invalid one of them. */
static bool check_rejected_pair(const char *a, const char *b, const char *where)
{
	struct strata_error err;
	const char *bad;
	char quoted[FIELD_MAX + 2];
	int cmp = 9;

	bad = st_apk_version_validate(a, &err) < 0 ? a : b;
	snprintf(quoted, sizeof(quoted), "\"%s\"", bad);
	strata_error_clear(&err);
	if (st_version_compare("apk", b, a, &cmp, &err) != STRATA_EINVAL ||
	    st_apk_version_compare(a, b, &cmp, &err) != STRATA_EINVAL) {
		fprintf(stderr, "# %s: \"%s\" vs \"%s\" was not rejected\n", where, a, b);
		return false;
	}
	if (strstr(err.msg, quoted) == NULL || strstr(err.msg, "apk version") == NULL) {
		fprintf(stderr, "# %s: error does not name %s: %s\n", where, quoted, err.msg);
		return false;
	}
	return true;
}

/* Counts of one vector file's cases. */
struct vector_counts {
	unsigned cases;
	unsigned rejected; /* pairs with a version apk-tools 3 rejects */
	unsigned failed;
};

/* One line of apk-tools' test/unit/version.data: "V" (valid), "!V"
 * (invalid) or "A OP B". The public comparator rejects invalid versions,
 * so for pairs with one, the test checks the rejection and then checks
 * st_apk_version_order, which orders any two strings as apk-tools does. */
static bool check_apk_tools_line(struct st_slice *w, size_t n, const char *where,
				 struct vector_counts *vc)
{
	struct strata_error err;
	char a[FIELD_MAX];
	char b[FIELD_MAX];
	unsigned mask;
	unsigned got;
	int want;
	int order;

	if (n == 0 || n == 1) {
		bool expect_valid = n == 0 || w[0].ptr[0] != '!';
		struct st_slice v = n == 0 ? st_slice_make("", 0) : w[0];

		if (!expect_valid)
			v = st_slice_make(v.ptr + 1, v.len - 1);
		if (!st_test_copy_field(a, FIELD_MAX, v))
			return false;
		if ((st_apk_version_validate(a, &err) == 0) != expect_valid ||
		    (st_version_validate("apk", a, &err) == 0) != expect_valid) {
			fprintf(stderr, "# %s: \"%s\" should be %s\n", where, a,
				expect_valid ? "valid" : "invalid");
			return false;
		}
		return true;
	}
	if (n != 3 || !parse_op(w[1], &mask) || !st_test_copy_field(a, FIELD_MAX, w[0]) ||
	    !st_test_copy_field(b, FIELD_MAX, w[2])) {
		fprintf(stderr, "# %s: malformed line\n", where);
		return false;
	}

	order = st_apk_version_order(w[0], w[2], (mask & OP_FUZZY) != 0);
	got = result_bit(order) & mask & (OP_LESS | OP_EQUAL | OP_GREATER);
	if ((got != 0) == ((mask & OP_NOT) != 0)) {
		fprintf(stderr, "# %s: \"%s\" vs \"%s\" ordered %d\n", where, a, b, order);
		return false;
	}
	if (!plain_order(mask, &want))
		return true;
	if (st_apk_version_validate(a, &err) < 0 || st_apk_version_validate(b, &err) < 0) {
		vc->rejected++;
		return check_rejected_pair(a, b, where);
	}
	return check_valid_pair(a, b, want, where);
}

/* One "A OP B" line of osv-scalibr's alpine files, OP one of <, =, >.
 * osv-scalibr also orders strings that apk-tools 3 rejects ("6.6.2p1",
 * "1-r-1", "0..8"); strata rejects them, and the test checks that. */
static bool check_scalibr_line(struct st_slice *w, size_t n, const char *where,
			       struct vector_counts *vc)
{
	struct strata_error err;
	char a[FIELD_MAX];
	char b[FIELD_MAX];
	unsigned mask;
	int want;

	if (n != 3 || !parse_op(w[1], &mask) || !plain_order(mask, &want) ||
	    !st_test_copy_field(a, FIELD_MAX, w[0]) || !st_test_copy_field(b, FIELD_MAX, w[2])) {
		fprintf(stderr, "# %s: malformed line\n", where);
		return false;
	}
	if (st_apk_version_validate(a, &err) < 0 || st_apk_version_validate(b, &err) < 0) {
		vc->rejected++;
		return check_rejected_pair(a, b, where);
	}
	return check_valid_pair(a, b, want, where);
}

typedef bool (*line_checker)(struct st_slice *w, size_t n, const char *where,
			     struct vector_counts *vc);

/* Runs CHECK over every line of REL but blank and comment lines. A line
 * that is only "!" is a case: apk-tools' file states that the empty
 * version is invalid. */
static bool run_vectors(const char *rel, line_checker check, struct vector_counts *vc)
{
	struct st_slice words[4];
	struct st_slice line;
	struct lines l;
	struct st_buf buf;
	char where[160];
	size_t n;

	memset(vc, 0, sizeof(*vc));
	if (!read_data(rel, &buf))
		return false;
	l.rest = st_slice_make(buf.ptr, buf.len);
	l.lineno = 0;
	while (lines_next(&l, &line)) {
		n = split_words(line, words, ST_ARRAY_LEN(words));
		if (n == 0)
			continue;
		vc->cases++;
		snprintf(where, sizeof(where), "%s:%u", rel, l.lineno);
		if (!check(words, n, where, vc))
			vc->failed++;
	}
	st_buf_dispose(&buf);
	printf("# %s: %u cases checked, %u with a version apk-tools 3 rejects\n", rel,
	       vc->cases, vc->rejected);
	return true;
}

ST_TEST(apk_tools_version_data)
{
	struct vector_counts vc;

	ST_CHECK(run_vectors("versions/apk/apk-tools-version.data", check_apk_tools_line, &vc));
	ST_CHECK_INT(vc.failed, 0);
	ST_CHECK_INT(vc.cases, 785);
	/* "1.0 < 1.0bc" and "23_foo > 4_beta" */
	ST_CHECK_INT(vc.rejected, 2);
	return ST_TEST_PASS;
}

ST_TEST(apk_osv_scalibr_vectors)
{
	struct vector_counts vc;

	ST_CHECK(run_vectors("versions/osv-scalibr/alpine-versions.txt", check_scalibr_line,
			     &vc));
	ST_CHECK_INT(vc.failed, 0);
	ST_CHECK_INT(vc.cases, 778);
	ST_CHECK_INT(vc.rejected, 37);
	return ST_TEST_PASS;
}

ST_TEST(apk_osv_scalibr_generated_vectors)
{
	struct vector_counts vc;

	ST_CHECK(run_vectors("versions/osv-scalibr/alpine-versions-generated.txt",
			     check_scalibr_line, &vc));
	ST_CHECK_INT(vc.failed, 0);
	ST_CHECK_INT(vc.cases, 13979);
	/* Versions with a number after the letter, such as "6.6.2p1-r0",
	 * which apk-tools 2 accepted and 3 rejects. */
	ST_CHECK_INT(vc.rejected, 58);
	return ST_TEST_PASS;
}

struct order_case {
	const char *a;
	const char *b;
	int want;
};

static bool check_cases(const struct order_case *cases, size_t n)
{
	char where[64];
	size_t i;

	for (i = 0; i < n; i++) {
		snprintf(where, sizeof(where), "case %zu", i);
		if (!check_valid_pair(cases[i].a, cases[i].b, cases[i].want, where))
			return false;
	}
	return true;
}

/* A scanner that orders 1.5.1-r1 before 1.5.1 reports a package at
 * 1.5.1-r1 as vulnerable to a flaw fixed in 1.5.1. */
ST_TEST(apk_revision_is_newer_than_none)
{
	static const struct order_case cases[] = {
		{"1.5.1-r1", "1.5.1", 1},
		{"1.5.1-r0", "1.5.1", 1},
		{"1.5.1-r10", "1.5.1-r9", 1},
		{"1.5.1-r01", "1.5.1-r1", 0},
		{"1.5.1-r1", "1.5.1.1", -1},
		{"1.5.1_p1", "1.5.1-r5", 1},
	};

	ST_CHECK(check_cases(cases, ST_ARRAY_LEN(cases)));
	return ST_TEST_PASS;
}

/* A release candidate comes before its release, whatever the revisions.
 * A scanner that calls 1.6_rc1-r0 newer than 1.6-r0 misses that a
 * package at 1.6_rc1-r0 lacks a fix made in 1.6-r0. */
ST_TEST(apk_pre_release_is_older)
{
	static const struct order_case cases[] = {
		{"1.6_rc1-r0", "1.6-r0", -1},
		{"1.6_rc1-r9", "1.6-r0", -1},
		{"1.6_alpha", "1.6_beta", -1},
		{"1.6_beta", "1.6_pre", -1},
		{"1.6_pre", "1.6_rc", -1},
		{"1.6_rc", "1.6", -1},
		{"1.6", "1.6_cvs", -1},
		{"1.6_cvs", "1.6_svn", -1},
		{"1.6_svn", "1.6_git", -1},
		{"1.6_git", "1.6_hg", -1},
		{"1.6_hg", "1.6_p", -1},
		{"1.6_rc2", "1.6_rc10", -1},
		{"1.6_rc", "1.6_rc0", -1},
	};

	ST_CHECK(check_cases(cases, ST_ARRAY_LEN(cases)));
	return ST_TEST_PASS;
}

ST_TEST(apk_digits_letters_and_hashes)
{
	static const struct order_case cases[] = {
		/* numbers after '.' with a leading zero compare as text */
		{"1.01", "1.1", -1},
		{"1.001", "1.01", -1},
		{"1.010", "1.01", 1},
		{"1.09", "1.1", -1},
		/* but the first number always by value */
		{"010", "9", 1},
		{"1.0a", "1.0", 1},
		{"1.0z", "1.0.1", -1},
		{"1.0~abc", "1.0", 1},
		{"1.0~abc", "1.0~abd", -1},
		{"1.0~abc", "1.0~abc-r1", -1},
		{"1.0~ab", "1.0~abc", -1},
		{"2_alpha~ff-r3", "2_alpha~ff-r3", 0},
	};

	ST_CHECK(check_cases(cases, ST_ARRAY_LEN(cases)));
	return ST_TEST_PASS;
}

/* apk-tools reads numbers into 64 bits; strata compares them by value at
 * any length, so neither side overflows. */
ST_TEST(apk_long_numbers_do_not_overflow)
{
	static const struct order_case cases[] = {
		{"18446744073709551616", "18446744073709551615", 1},
		{"1.99999999999999999999999999", "1.99999999999999999999999998", 1},
		{"1_p99999999999999999999999999", "1_p100000000000000000000000000", -1},
		{"1-r00000000000000000000000000007", "1-r7", 0},
	};

	ST_CHECK(check_cases(cases, ST_ARRAY_LEN(cases)));
	return ST_TEST_PASS;
}

ST_TEST(apk_invalid_versions)
{
	static const char *const invalid[] = {
		"", " 1.0", "1.0 ", "1.0\n", "1.0-r1\t", "v1.0", "1.0A", "1.0-R1", "1.0_RC1",
		"1.0~ABC", "1,0", "1.0+1", "1.0:1", "1..0", "1.0.", "1.0-", "1.0-1", "1.0_",
		"1.0-r1-r2", "1.0~", "1.0~g", "1.0ab", "1.0a1", "\xc3\xa9", "1.0\x1b[31m",
	};
	struct strata_error err;
	int cmp = 9;
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(invalid); i++) {
		strata_error_clear(&err);
		if (st_apk_version_validate(invalid[i], &err) != STRATA_EINVAL)
			fprintf(stderr, "# accepted \"%s\"\n", invalid[i]);
		ST_CHECK_INT(st_apk_version_validate(invalid[i], &err), STRATA_EINVAL);
		ST_CHECK(strchr(err.msg, '\n') == NULL);
		ST_CHECK(strchr(err.msg, '\x1b') == NULL);
		ST_CHECK_INT(st_apk_version_compare("1.0", invalid[i], &cmp, &err), STRATA_EINVAL);
		ST_CHECK_INT(cmp, 9);
	}
	ST_CHECK_INT(st_apk_version_validate(NULL, &err), STRATA_EINVAL);
	ST_CHECK_INT(st_apk_version_compare(NULL, "1", &cmp, &err), STRATA_EINVAL);
	ST_CHECK_INT(st_apk_version_compare("1", NULL, &cmp, &err), STRATA_EINVAL);
	return ST_TEST_PASS;
}

ST_TEST(apk_error_names_version)
{
	struct strata_error err;
	int cmp;

	ST_CHECK_INT(st_apk_version_compare("1.2.3-r0", "1.2.3-r0_p1", &cmp, &err),
		     STRATA_EINVAL);
	ST_CHECK_STR(err.msg, "invalid apk version \"1.2.3-r0_p1\": part out of order");
	ST_CHECK_INT(st_apk_version_validate("1.0_foo", &err), STRATA_EINVAL);
	ST_CHECK_STR(err.msg, "invalid apk version \"1.0_foo\": unknown suffix after '_'");
	ST_CHECK_INT(st_apk_version_validate("x1", &err), STRATA_EINVAL);
	ST_CHECK_STR(err.msg, "invalid apk version \"x1\": does not start with a digit");
	ST_CHECK_INT(st_apk_version_validate("1-x", &err), STRATA_EINVAL);
	ST_CHECK_STR(err.msg, "invalid apk version \"1-x\": '-' not followed by 'r'");
	ST_CHECK_INT(st_apk_version_validate("1 2", &err), STRATA_EINVAL);
	ST_CHECK_STR(err.msg, "invalid apk version \"1 2\": invalid character");
	return ST_TEST_PASS;
}

ST_TEST(apk_in_ecosystem_table)
{
	struct strata_error err;
	int cmp = 9;

	ST_CHECK(st_version_is_supported("apk"));
	ST_CHECK(st_version_is_supported("APK"));
	ST_CHECK_INT(st_version_compare("Apk", "1.6_rc1-r0", "1.6-r0", &cmp, &err), 0);
	ST_CHECK_INT(cmp, -1);
	ST_CHECK_INT(st_version_validate("apk", "3.18.4-r0", &err), 0);
	ST_CHECK_INT(st_version_validate("apk", "3.18.4-1", &err), STRATA_EINVAL);
	return ST_TEST_PASS;
}

ST_TEST(apk_order_fuzzy_and_invalid)
{
	ST_CHECK_INT(st_apk_version_order(st_slice_cstr("3.6.1"), st_slice_cstr("3.6"), true), 0);
	ST_CHECK_INT(st_apk_version_order(st_slice_cstr("3.6.1"), st_slice_cstr("3.6"), false), 1);
	ST_CHECK_INT(st_apk_version_order(st_slice_cstr("3.6"), st_slice_cstr("3.6.1"), true), -1);
	ST_CHECK_INT(st_apk_version_order(st_slice_cstr("3.7"), st_slice_cstr("3.6"), true), 1);
	/* strings apk-tools rejects still get an order */
	ST_CHECK_INT(st_apk_version_order(st_slice_cstr("1.0"), st_slice_cstr("1.0bc"), false),
		     -1);
	ST_CHECK_INT(st_apk_version_order(st_slice_cstr("1.0."), st_slice_cstr("1.0"), false),
		     -1);
	ST_CHECK_INT(st_apk_version_order(st_slice_cstr("1.0_rc"), st_slice_cstr("1.0."), false),
		     -1);
	ST_CHECK_INT(st_apk_version_order(st_slice_cstr(""), st_slice_cstr(""), false), 0);
	ST_CHECK_INT(st_apk_version_order(st_slice_cstr(""), st_slice_cstr("1"), false), -1);
	return ST_TEST_PASS;
}

/* Installed database: the parser ------------------------------------------- */

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

/* Packages from st_apk_parse_installed as lines in the format of the
 * .expected files (see tests/data/pkgdb/apk/README.md), and the file
 * paths of the last package. */
struct pkg_lines {
	char *lines[256];
	size_t count;
	char last_files[4096];
	size_t last_files_len;
	bool last_complete;
	int fail_after; /* make the callback fail after this many; -1 never */
};

static int collect_line(void *ctx, const struct st_apk_package *apk, struct strata_error *err)
{
	struct pkg_lines *pl = ctx;
	const struct st_package *p = &apk->pkg;
	const char *end;
	size_t len = 0;
	size_t i;
	char *line;

	if (pl->fail_after >= 0 && pl->count >= (size_t)pl->fail_after)
		return st_error_set(err, STRATA_ENOMEM, "injected failure");
	if (pl->count == ST_ARRAY_LEN(pl->lines))
		return st_error_set(err, STRATA_ELIMIT, "too many packages for the test");
	if (strcmp(p->type, "apk") != 0)
		return st_error_set(err, STRATA_EINTERNAL, "type %s", p->type);
	if (asprintf(&line, "%s\t%s\t%s\t%s\t%s\t%zu", p->name, p->version,
		     p->arch ? p->arch : "", p->source_name ? p->source_name : "",
		     p->license ? p->license : "", apk->file_count) < 0)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	pl->lines[pl->count++] = line;

	/* The file list: FILE_COUNT NUL-terminated paths. */
	for (i = 0; i < apk->file_count; i++) {
		end = apk->files + len;
		len += strlen(end) + 1;
	}
	if (len < sizeof(pl->last_files)) {
		memcpy(pl->last_files, apk->files, len);
		pl->last_files_len = len;
	}
	pl->last_complete = apk->files_complete;
	return 0;
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

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Joins the sorted lines, each ending in '\n', into B. */
static bool pkg_lines_join(struct pkg_lines *pl, struct st_buf *b)
{
	size_t i;

	if (pl->count > 1)
		qsort(pl->lines, pl->count, sizeof(pl->lines[0]), compare_strings);
	st_buf_init(b, 1u << 20);
	if (st_buf_append(b, "", 0, NULL) < 0)
		return false;
	for (i = 0; i < pl->count; i++) {
		if (st_buf_printf(b, NULL, "%s\n", pl->lines[i]) < 0)
			return false;
	}
	return true;
}

/* Turns the NUL-separated file list into one path per line. */
static const char *files_as_lines(struct pkg_lines *pl)
{
	size_t i;

	for (i = 0; i < pl->last_files_len; i++) {
		if (pl->last_files[i] == '\0')
			pl->last_files[i] = '\n';
	}
	pl->last_files[pl->last_files_len] = '\0';
	return pl->last_files;
}

static int parse_text(const char *text, const struct strata_limits *lim, struct st_diag *diag,
		      struct pkg_lines *pl)
{
	struct strata_error err;
	int rc;

	rc = st_apk_parse_installed(st_slice_cstr(text), "lib/apk/db/installed", lim, diag,
				    collect_line, pl, &err);
	if (rc < 0)
		fprintf(stderr, "# %s\n", err.msg);
	return rc;
}

static const struct {
	const char *rel;
	unsigned warnings;
} fixtures[] = {
	{"pkgdb/apk/osv-scalibr/different-arch.installed", 0},
	{"pkgdb/apk/osv-scalibr/empty.installed", 0},
	{"pkgdb/apk/osv-scalibr/invalid.installed", 2},
	{"pkgdb/apk/osv-scalibr/no-origin.installed", 0},
	{"pkgdb/apk/osv-scalibr/single.installed", 0},
	{"pkgdb/apk/syft/base.installed", 0},
	{"pkgdb/apk/syft/corrupt.installed", 1},
	{"pkgdb/apk/syft/empty-deps-and-provides.installed", 0},
	{"pkgdb/apk/syft/extra-file-attributes.installed", 0},
	{"pkgdb/apk/syft/multiple-1.installed", 0},
	{"pkgdb/apk/syft/multiple-2.installed", 0},
	{"pkgdb/apk/syft/single.installed", 0},
	{"pkgdb/apk/trivy/installed", 1},
};

ST_TEST(apk_fixtures_match_expected)
{
	struct strata_limits lim;
	struct strata_error err;
	struct pkg_lines pl;
	struct st_diag diag;
	struct diag_log log;
	char expected_rel[256];
	size_t i;

	strata_limits_default(&lim);
	for (i = 0; i < ST_ARRAY_LEN(fixtures); i++) {
		struct st_buf text;
		struct st_buf want;
		struct st_buf got;
		bool same;

		snprintf(expected_rel, sizeof(expected_rel), "%s.expected", fixtures[i].rel);
		ST_CHECK(read_data(fixtures[i].rel, &text));
		ST_CHECK(read_data(expected_rel, &want));
		ST_CHECK(st_buf_cstr(&want, NULL) != NULL);
		diag_init(&diag, &log);
		pkg_lines_init(&pl);
		ST_CHECK_INT(st_apk_parse_installed(st_slice_make(text.ptr, text.len),
						    "lib/apk/db/installed", &lim, &diag,
						    collect_line, &pl, &err),
			     0);
		ST_CHECK(pkg_lines_join(&pl, &got));
		same = strcmp(got.ptr, want.ptr) == 0;
		if (!same)
			fprintf(stderr, "# %s:\n# got:\n%s# expected:\n%s", fixtures[i].rel,
				got.ptr, want.ptr);
		if (log.warnings != fixtures[i].warnings)
			fprintf(stderr, "# %s: warnings:\n%s", fixtures[i].rel, log.all);
		ST_CHECK(same);
		ST_CHECK_INT(log.warnings, fixtures[i].warnings);
		pkg_lines_dispose(&pl);
		st_buf_dispose(&text);
		st_buf_dispose(&want);
		st_buf_dispose(&got);
	}
	return ST_TEST_PASS;
}

ST_TEST(apk_fixture_warnings_name_lines)
{
	struct strata_limits lim;
	struct pkg_lines pl;
	struct st_diag diag;
	struct diag_log log;
	struct st_buf text;

	strata_limits_default(&lim);
	ST_CHECK(read_data("pkgdb/apk/trivy/installed", &text));
	ST_CHECK(st_buf_cstr(&text, NULL) != NULL);
	diag_init(&diag, &log);
	pkg_lines_init(&pl);
	ST_CHECK_INT(parse_text(text.ptr, &lim, &diag, &pl), 0);
	ST_CHECK_INT(pl.count, 15);
	ST_CHECK_STR(log.all, "lib/apk/db/installed: line 23: package "
			      "invalidPackageWithoutAVersion has no valid V: (version) line, "
			      "skipped\n");
	pkg_lines_dispose(&pl);
	st_buf_dispose(&text);

	ST_CHECK(read_data("pkgdb/apk/syft/corrupt.installed", &text));
	ST_CHECK(st_buf_cstr(&text, NULL) != NULL);
	diag_init(&diag, &log);
	pkg_lines_init(&pl);
	ST_CHECK_INT(parse_text(text.ptr, &lim, &diag, &pl), 0);
	ST_CHECK_INT(pl.count, 1);
	ST_CHECK_STR(log.all, "lib/apk/db/installed: line 1: not a KEY:VALUE line, ignored\n");
	pkg_lines_dispose(&pl);
	st_buf_dispose(&text);
	return ST_TEST_PASS;
}

ST_TEST(apk_owned_files_join_dir_and_name)
{
	struct strata_limits lim;
	struct pkg_lines pl;
	struct st_buf text;

	strata_limits_default(&lim);
	ST_CHECK(read_data("pkgdb/apk/syft/single.installed", &text));
	ST_CHECK(st_buf_cstr(&text, NULL) != NULL);
	pkg_lines_init(&pl);
	ST_CHECK_INT(parse_text(text.ptr, &lim, NULL, &pl), 0);
	ST_CHECK_INT(pl.count, 1);
	ST_CHECK(pl.last_complete);
	ST_CHECK_STR(files_as_lines(&pl), "sbin/ldconfig\nusr/bin/iconv\nusr/bin/ldd\n"
					  "usr/bin/getconf\nusr/bin/getent\n");
	pkg_lines_dispose(&pl);
	st_buf_dispose(&text);

	/* a: lines and extra attributes between R: lines change nothing;
	 * F: lines without R: lines own no file. */
	ST_CHECK(read_data("pkgdb/apk/syft/extra-file-attributes.installed", &text));
	ST_CHECK(st_buf_cstr(&text, NULL) != NULL);
	pkg_lines_init(&pl);
	ST_CHECK_INT(parse_text(text.ptr, &lim, NULL, &pl), 0);
	ST_CHECK_STR(files_as_lines(&pl), "usr/lib/jvm/java-1.8-openjdk/bin/policytool\n");
	pkg_lines_dispose(&pl);
	st_buf_dispose(&text);

	/* An empty F: value is the root directory. */
	pkg_lines_init(&pl);
	ST_CHECK_INT(parse_text("P:a\nV:1\nF:\nR:top\nF:etc\nR:x\n", &lim, NULL, &pl), 0);
	ST_CHECK_STR(files_as_lines(&pl), "top\netc/x\n");
	pkg_lines_dispose(&pl);
	return ST_TEST_PASS;
}

ST_TEST(apk_malformed_stanzas_skipped)
{
	static const char text[] =
		"P:twice\nV:1\nP:twice\n\n"                         /* line 1 */
		"P:noversion\nA:x86_64\n\n"                         /* line 5 */
		"P:badarch\nV:1\nA:x86 64\n\n"                      /* line 8 */
		"V:2\nA:x86_64\n\n"                                 /* line 12: no name */
		"P:spaced\nV:1 \n\n"                                /* line 15 */
		"P:good\nV:1.2.3-r0\nA:aarch64\no:goodsrc\nL:MIT\n" /* line 18 */
		"R:orphan\nF:usr/bin\nR:good\n\n"
		"P:weird\nV:1.0-1\no:bad origin\nL:GPL\x1b[2J\nbogus\n"; /* line 27 */
	struct strata_limits lim;
	struct pkg_lines pl;
	struct st_diag diag;
	struct diag_log log;
	struct st_buf got;

	strata_limits_default(&lim);
	diag_init(&diag, &log);
	pkg_lines_init(&pl);
	ST_CHECK_INT(parse_text(text, &lim, &diag, &pl), 0);
	ST_CHECK(pkg_lines_join(&pl, &got));
	ST_CHECK_STR(got.ptr, "good\t1.2.3-r0\taarch64\tgoodsrc\tMIT\t1\n"
			      "weird\t1.0-1\t\t\t\t0\n");
	st_buf_dispose(&got);
	ST_CHECK(strstr(log.all, "line 1: stanza repeats the P: field, skipped") != NULL);
	ST_CHECK(strstr(log.all, "line 5: package noversion has no valid V: (version) line") !=
		 NULL);
	ST_CHECK(strstr(log.all, "line 8: package badarch has an invalid A: (architecture) line")
		 != NULL);
	ST_CHECK(strstr(log.all, "line 12: stanza without a valid P: (package name) line") !=
		 NULL);
	ST_CHECK(strstr(log.all, "line 15: package spaced has no valid V:") != NULL);
	ST_CHECK(strstr(log.all, "line 23: R: line before any F: line, ignored") != NULL);
	ST_CHECK(strstr(log.all, "line 27: package weird: invalid apk version \"1.0-1\"") !=
		 NULL);
	ST_CHECK(strstr(log.all, "line 27: package weird has an invalid o: (origin) line") !=
		 NULL);
	ST_CHECK(strstr(log.all, "line 27: package weird has control bytes in its L:") != NULL);
	ST_CHECK(strstr(log.all, "line 31: not a KEY:VALUE line, ignored") != NULL);
	ST_CHECK(strchr(log.all, '\x1b') == NULL);
	ST_CHECK_INT(log.warnings, 10);
	pkg_lines_dispose(&pl);
	return ST_TEST_PASS;
}

ST_TEST(apk_crlf_and_no_final_newline)
{
	struct strata_limits lim;
	struct pkg_lines pl;
	struct st_buf got;

	strata_limits_default(&lim);
	pkg_lines_init(&pl);
	ST_CHECK_INT(parse_text("P:a\r\nV:1-r0\r\nA:x86\r\n\r\n\n\nP:b\nV:2\nF:etc\nR:f", &lim,
				NULL, &pl),
		     0);
	ST_CHECK(pkg_lines_join(&pl, &got));
	ST_CHECK_STR(got.ptr, "a\t1-r0\tx86\t\t\t0\nb\t2\t\t\t\t1\n");
	st_buf_dispose(&got);
	pkg_lines_dispose(&pl);
	return ST_TEST_PASS;
}

/* A package with more lines than status_fields keeps its fields, even
 * those after the limit, and loses the files past it. A package that owns
 * thousands of files, such as a compiler toolchain, has an R: and a Z:
 * line for each. */
ST_TEST(apk_line_limit_cuts_file_list)
{
	struct strata_limits lim;
	struct pkg_lines pl;
	struct st_diag diag;
	struct diag_log log;

	strata_limits_default(&lim);
	lim.status_fields = 6;
	diag_init(&diag, &log);
	pkg_lines_init(&pl);
	ST_CHECK_INT(parse_text("P:go\nF:usr/bin\nR:go\nR:gofmt\nZ:x\nR:third\nR:fourth\n"
				"V:1.21.5-r0\n\nP:small\nV:1\nF:etc\nR:a\nR:b\nR:c\n",
				&lim, &diag, &pl),
		     0);
	ST_CHECK_INT(pl.count, 2);
	ST_CHECK_STR(pl.lines[0], "go\t1.21.5-r0\t\t\t\t3");
	ST_CHECK_STR(pl.lines[1], "small\t1\t\t\t\t3");
	ST_CHECK(pl.last_complete);
	ST_CHECK_INT(log.warnings, 1);
	ST_CHECK(strstr(log.all, "line 1: package go has more than 6 lines (limit "
				 "status_fields), its file list is incomplete") != NULL);
	pkg_lines_dispose(&pl);

	pkg_lines_init(&pl);
	ST_CHECK_INT(parse_text("P:go\nV:1\nF:usr\nR:1\nR:2\nR:3\nR:4\nR:5\n", &lim, NULL, &pl),
		     0);
	ST_CHECK_INT(pl.count, 1);
	ST_CHECK(!pl.last_complete);
	ST_CHECK_STR(files_as_lines(&pl), "usr/1\nusr/2\nusr/3\n");
	pkg_lines_dispose(&pl);
	return ST_TEST_PASS;
}

ST_TEST(apk_path_limit_per_file)
{
	struct strata_limits lim;
	struct pkg_lines pl;
	struct st_diag diag;
	struct diag_log log;

	strata_limits_default(&lim);
	lim.path_bytes = 8;
	diag_init(&diag, &log);
	pkg_lines_init(&pl);
	/* "usr/bin/x" is 9 bytes */
	ST_CHECK_INT(parse_text("P:a\nV:1\nF:usr/bin\nR:x\nF:usr\nR:1234\nR:12345\n"
				"F:123456789\nR:y\nF:a\nR:\n",
				&lim, &diag, &pl),
		     0);
	ST_CHECK_INT(pl.count, 1);
	ST_CHECK_STR(files_as_lines(&pl), "usr/1234\n");
	ST_CHECK_INT(log.warnings, 4);
	ST_CHECK(strstr(log.all, "line 4: file path longer than 8 bytes (limit path_bytes), "
				 "ignored") != NULL);
	ST_CHECK(strstr(log.all, "line 7: file path longer") != NULL);
	ST_CHECK(strstr(log.all, "line 9: file path longer") != NULL);
	ST_CHECK(strstr(log.all, "line 11: invalid file name, ignored") != NULL);
	pkg_lines_dispose(&pl);
	return ST_TEST_PASS;
}

ST_TEST(apk_file_size_limit)
{
	static const char text[] = "P:a\nV:1\n";
	struct strata_limits lim;
	struct strata_error err;
	struct pkg_lines pl;

	strata_limits_default(&lim);
	lim.cataloged_file_bytes = sizeof(text) - 2;
	pkg_lines_init(&pl);
	ST_CHECK_INT(st_apk_parse_installed(st_slice_cstr(text), "lib/apk/db/installed", &lim,
					    NULL, collect_line, &pl, &err),
		     STRATA_ELIMIT);
	ST_CHECK(strstr(err.msg, "lib/apk/db/installed: 8 bytes, over 7 (limit "
				 "cataloged_file_bytes)") != NULL);
	ST_CHECK_INT(pl.count, 0);
	lim.cataloged_file_bytes = sizeof(text) - 1;
	ST_CHECK_INT(st_apk_parse_installed(st_slice_cstr(text), "lib/apk/db/installed", &lim,
					    NULL, collect_line, &pl, &err),
		     0);
	ST_CHECK_INT(pl.count, 1);
	pkg_lines_dispose(&pl);
	return ST_TEST_PASS;
}

ST_TEST(apk_warnings_are_capped)
{
	struct strata_limits lim;
	struct pkg_lines pl;
	struct st_diag diag;
	struct diag_log log;
	struct st_buf text;
	int i;

	strata_limits_default(&lim);
	st_buf_init(&text, 1u << 16);
	for (i = 0; i < 50; i++)
		ST_CHECK_INT(st_buf_printf(&text, NULL, "garbage %d\n\n", i), 0);
	ST_CHECK_INT(st_buf_printf(&text, NULL, "P:kept\nV:1\n"), 0);
	diag_init(&diag, &log);
	pkg_lines_init(&pl);
	ST_CHECK_INT(parse_text(text.ptr, &lim, &diag, &pl), 0);
	ST_CHECK_INT(pl.count, 1);
	ST_CHECK_INT(log.warnings, 21);
	ST_CHECK(strstr(log.all, "more than 20 problems, the rest not reported") != NULL);
	pkg_lines_dispose(&pl);
	st_buf_dispose(&text);
	return ST_TEST_PASS;
}

ST_TEST(apk_callback_error_stops_parse)
{
	struct strata_limits lim;
	struct strata_error err;
	struct pkg_lines pl;

	strata_limits_default(&lim);
	pkg_lines_init(&pl);
	pl.fail_after = 1;
	ST_CHECK_INT(st_apk_parse_installed(st_slice_cstr("P:a\nV:1\n\nP:b\nV:1\n\nP:c\nV:1\n"),
					    "lib/apk/db/installed", &lim, NULL, collect_line, &pl,
					    &err),
		     STRATA_ENOMEM);
	ST_CHECK_STR(err.msg, "injected failure");
	ST_CHECK_INT(pl.count, 1);
	pkg_lines_dispose(&pl);
	return ST_TEST_PASS;
}

/* Checks what the parser promises about each package. */
static int check_package(void *ctx, const struct st_apk_package *apk, struct strata_error *err)
{
	const struct st_package *p = &apk->pkg;
	unsigned *bad = ctx;

	if (p->name[0] == '\0' || p->version[0] == '\0' || strpbrk(p->name, " \n") != NULL ||
	    strpbrk(p->version, " \n") != NULL || (p->arch != NULL && p->arch[0] == '\0') ||
	    (p->license != NULL && strchr(p->license, '\n') != NULL))
		(*bad)++;
	return 0;
}

ST_TEST(apk_random_bytes_do_not_crash)
{
	static const char alphabet[] = "PVAoLFRZa:\n\n\n \r\x01\xff/x1.-_~";
	struct strata_limits lim;
	struct strata_error err;
	unsigned long state = 12345;
	unsigned bad = 0;
	char buf[2048];
	int round;

	strata_limits_default(&lim);
	lim.status_fields = 16;
	lim.path_bytes = 64;
	for (round = 0; round < 2000; round++) {
		size_t len = (size_t)(round % 400) + 1;
		size_t i;

		for (i = 0; i < len; i++) {
			state = state * 1103515245ul + 12345ul;
			buf[i] = alphabet[(state >> 16) % (sizeof(alphabet) - 1)];
		}
		ST_CHECK_INT(st_apk_parse_installed(st_slice_make(buf, len),
						    "lib/apk/db/installed", &lim, NULL,
						    check_package, &bad, &err),
			     0);
	}
	ST_CHECK_INT(bad, 0);
	return ST_TEST_PASS;
}

/* Installed database: the cataloger ------------------------------------------ */

ST_TEST(apk_wants_installed_db_only)
{
	static const struct {
		const char *path;
		bool expected;
	} cases[] = {
		{"lib/apk/db/installed", true},
		{"lib/apk/db/installed.old", false},
		{"lib/apk/db/installe", false},
		{"usr/lib/apk/db/installed", false},
		{"lib/apk/db/scripts.tar", false},
		{"lib/apk/db/triggers", false},
		{"etc/apk/world", false},
	};
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(cases); i++) {
		bool got = st_cataloger_apk.wants(cases[i].path, strlen(cases[i].path));

		if (got != cases[i].expected)
			fprintf(stderr, "# %s\n", cases[i].path);
		ST_CHECK(got == cases[i].expected);
	}
	return ST_TEST_PASS;
}

/* Runs the apk cataloger over FILES as a walk would: each of LAYER_FILES
 * as a layer's version, then FINAL as the final view (may be NULL). */
static int run_apk(struct st_inventory *inv, const struct st_walk_file *layer_files,
		   size_t layer_count, const struct st_walk_file *final, struct st_diag *diag,
		   const struct strata_limits *limits)
{
	const struct st_cataloger *c = &st_cataloger_apk;
	struct strata_limits lim;
	struct st_catalog_ctx ctx;
	struct strata_error err;
	void *state = NULL;
	size_t i;
	int rc;

	strata_limits_default(&lim);
	ctx.inv = inv;
	ctx.diag = diag;
	ctx.limits = limits != NULL ? limits : &lim;
	rc = c->init(&state, &err);
	for (i = 0; rc == 0 && i < layer_count; i++)
		rc = c->on_layer_file(state, &layer_files[i], &ctx, &err);
	if (rc == 0 && final != NULL)
		rc = c->on_final_file(state, final, &ctx, &err);
	if (rc == 0)
		rc = c->finish(state, &ctx, &err);
	if (rc < 0)
		fprintf(stderr, "# %s\n", err.msg);
	c->free(state);
	st_inventory_sort(inv);
	return rc;
}

ST_TEST(apk_layer_attribution)
{
	static const char db0[] = "P:musl\nV:1.2.4-r1\nA:x86_64\no:musl\n\n"
				  "P:busybox\nV:1.36.1-r2\nA:x86_64\no:busybox\n\n"
				  "P:gone\nV:1\n";
	/* busybox upgraded, curl added, gone removed */
	static const char db1[] = "P:musl\nV:1.2.4-r1\nA:x86_64\no:musl\n\n"
				  "P:busybox\nV:1.36.1-r5\nA:x86_64\no:busybox\n\n"
				  "P:curl\nV:8.4.0-r0\nA:x86_64\no:curl\n";
	/* rewritten by another apk add: same versions, gone back */
	static const char db2[] = "P:curl\nV:8.4.0-r0\nA:x86_64\no:curl\n\n"
				  "P:busybox\nV:1.36.1-r5\nA:x86_64\no:busybox\n\n"
				  "P:musl\nV:1.2.4-r1\nA:x86_64\no:musl\n\n"
				  "P:gone\nV:1\n";
	struct st_walk_file layers[3];
	struct st_inventory inv;
	const struct st_package *p;
	size_t i;

	layers[0] = st_test_walk_file("lib/apk/db/installed", db0, 0);
	layers[1] = st_test_walk_file("lib/apk/db/installed", db1, 2);
	layers[2] = st_test_walk_file("lib/apk/db/installed", db2, 5);
	st_inventory_init(&inv);
	ST_CHECK_INT(run_apk(&inv, layers, 3, &layers[2], NULL, NULL), 0);
	ST_CHECK_INT(inv.count, 4);
	p = st_test_find_package(&inv, "apk", "musl");
	ST_CHECK(p != NULL);
	ST_CHECK_INT(p->layer, 0);
	p = st_test_find_package(&inv, "apk", "busybox");
	ST_CHECK(p != NULL);
	ST_CHECK_STR(p->version, "1.36.1-r5");
	ST_CHECK_INT(p->layer, 2);
	p = st_test_find_package(&inv, "apk", "curl");
	ST_CHECK(p != NULL);
	ST_CHECK_INT(p->layer, 2);
	/* removed in layer 2, so layer 5 brought it back */
	p = st_test_find_package(&inv, "apk", "gone");
	ST_CHECK(p != NULL);
	ST_CHECK_INT(p->layer, 5);
	for (i = 0; i < inv.count; i++)
		ST_CHECK_STR(inv.packages[i].path, "lib/apk/db/installed");
	st_inventory_dispose(&inv);

	/* Without layer history the final file's layer is used. */
	st_inventory_init(&inv);
	ST_CHECK_INT(run_apk(&inv, NULL, 0, &layers[2], NULL, NULL), 0);
	ST_CHECK_INT(inv.count, 4);
	for (i = 0; i < inv.count; i++)
		ST_CHECK_INT(inv.packages[i].layer, 5);
	st_inventory_dispose(&inv);

	/* A layer whose database lists nothing breaks the history. */
	layers[1] = st_test_walk_file("lib/apk/db/installed", "", 2);
	st_inventory_init(&inv);
	ST_CHECK_INT(run_apk(&inv, layers, 3, &layers[2], NULL, NULL), 0);
	p = st_test_find_package(&inv, "apk", "musl");
	ST_CHECK(p != NULL);
	ST_CHECK_INT(p->layer, 5);
	st_inventory_dispose(&inv);
	return ST_TEST_PASS;
}

ST_TEST(apk_purls_follow_os_release)
{
	static const char db[] = "P:musl-utils\nV:1.2.4-r2\nA:x86_64\no:musl\nL:MIT BSD GPL2+\n\n"
				 "P:Upper\nV:1.0_rc1+x\n\n"
				 "P:alpine-baselayout-data\nV:3.4.3-r1\nA:noarch\n";
	struct st_walk_file f = st_test_walk_file("lib/apk/db/installed", db, 3);
	struct st_inventory inv;
	const struct st_package *p;

	st_inventory_init(&inv);
	inv.os.found = true;
	inv.os.id = "alpine";
	inv.os.version_id = "3.18.4";
	ST_CHECK_INT(run_apk(&inv, &f, 1, &f, NULL, NULL), 0);
	ST_CHECK_INT(inv.count, 3);
	p = st_test_find_package(&inv, "apk", "musl-utils");
	ST_CHECK(p != NULL);
	ST_CHECK_STR(p->purl, "pkg:apk/alpine/musl-utils@1.2.4-r2?arch=x86_64&distro=alpine-3.18.4");
	ST_CHECK_STR(p->source_name, "musl");
	ST_CHECK(p->source_version == NULL);
	ST_CHECK_STR(p->license, "MIT BSD GPL2+");
	ST_CHECK_STR(p->arch, "x86_64");
	ST_CHECK_INT(p->layer, 3);
	p = st_test_find_package(&inv, "apk", "Upper");
	ST_CHECK(p != NULL);
	ST_CHECK_STR(p->purl, "pkg:apk/alpine/upper@1.0_rc1%2Bx?distro=alpine-3.18.4");
	ST_CHECK(p->arch == NULL);
	ST_CHECK(p->source_name == NULL);
	ST_CHECK(p->license == NULL);
	p = st_test_find_package(&inv, "apk", "alpine-baselayout-data");
	ST_CHECK(p != NULL);
	ST_CHECK_STR(p->purl, "pkg:apk/alpine/alpine-baselayout-data@3.4.3-r1?arch=noarch"
			      "&distro=alpine-3.18.4");
	st_inventory_dispose(&inv);

	/* Wolfi names the namespace; an OS release without VERSION_ID or
	 * none at all leaves distro out. */
	st_inventory_init(&inv);
	inv.os.found = true;
	inv.os.id = "Wolfi";
	inv.os.version_id = "20230201";
	ST_CHECK_INT(run_apk(&inv, NULL, 0, &f, NULL, NULL), 0);
	ST_CHECK_STR(inv.packages[0].purl, "pkg:apk/wolfi/upper@1.0_rc1%2Bx?distro=wolfi-20230201");
	st_inventory_dispose(&inv);
	st_inventory_init(&inv);
	inv.os.found = true;
	inv.os.id = "chainguard";
	ST_CHECK_INT(run_apk(&inv, NULL, 0, &f, NULL, NULL), 0);
	ST_CHECK_STR(inv.packages[0].purl, "pkg:apk/chainguard/upper@1.0_rc1%2Bx");
	st_inventory_dispose(&inv);
	st_inventory_init(&inv);
	ST_CHECK_INT(run_apk(&inv, NULL, 0, &f, NULL, NULL), 0);
	ST_CHECK_STR(inv.packages[0].purl, "pkg:apk/alpine/upper@1.0_rc1%2Bx");
	st_inventory_dispose(&inv);
	return ST_TEST_PASS;
}

/* The walk never hands over a file past cataloged_file_bytes, but a
 * cataloger given one warns and goes on. */
ST_TEST(apk_cataloger_oversized_db_warns)
{
	struct st_walk_file f = st_test_walk_file("lib/apk/db/installed", "P:a\nV:1\n", 0);
	struct strata_limits lim;
	struct st_inventory inv;
	struct st_diag diag;
	struct diag_log log;

	strata_limits_default(&lim);
	lim.cataloged_file_bytes = 4;
	diag_init(&diag, &log);
	st_inventory_init(&inv);
	ST_CHECK_INT(run_apk(&inv, &f, 1, &f, &diag, &lim), 0);
	ST_CHECK_INT(inv.count, 0);
	ST_CHECK_INT(log.warnings, 1);
	ST_CHECK(strstr(log.all, "lib/apk/db/installed: 8 bytes, over 4 (limit "
				 "cataloged_file_bytes), skipped") != NULL);
	st_inventory_dispose(&inv);

	/* A symlink in place of the database is not read. */
	f.type = ST_FILE_SYMLINK;
	f.link_target = "/etc/passwd";
	st_inventory_init(&inv);
	ST_CHECK_INT(run_apk(&inv, &f, 1, &f, NULL, NULL), 0);
	ST_CHECK_INT(inv.count, 0);
	st_inventory_dispose(&inv);
	return ST_TEST_PASS;
}

/* End to end over in-memory layers ------------------------------------------- */

/* An Alpine 3.18 base layer, an "apk upgrade && apk add curl" layer and
 * an application layer. */
ST_TEST(apk_catalog_layers_end_to_end)
{
	static const struct st_test_tar_entry layer0[] = {
		{"etc/os-release", "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.18.4\n"
				   "PRETTY_NAME=\"Alpine Linux v3.18\"\n", NULL},
		{"lib/apk/db/installed",
		 "C:Q1x=\nP:musl\nV:1.2.4-r1\nA:x86_64\nL:MIT\no:musl\nF:lib\nR:ld-musl-x86_64.so.1\n"
		 "\n"
		 "P:busybox\nV:1.36.1-r2\nA:x86_64\nL:GPL-2.0-only\no:busybox\nF:bin\nR:busybox\n"
		 "\n"
		 "P:libcrypto3\nV:3.1.3-r0\nA:x86_64\nL:Apache-2.0\no:openssl\n", NULL},
		{"lib/apk/db/triggers", "", NULL},
	};
	static const struct st_test_tar_entry layer1[] = {
		{"lib/apk/db/installed",
		 "P:musl\nV:1.2.4-r1\nA:x86_64\nL:MIT\no:musl\nF:lib\nR:ld-musl-x86_64.so.1\n\n"
		 "P:busybox\nV:1.36.1-r5\nA:x86_64\nL:GPL-2.0-only\no:busybox\nF:bin\nR:busybox\n\n"
		 "P:libcrypto3\nV:3.1.4-r1\nA:x86_64\nL:Apache-2.0\no:openssl\n\n"
		 "P:curl\nV:8.4.0-r0\nA:x86_64\nL:curl\no:curl\n\n"
		 "P:broken\n", NULL},
	};
	static const struct st_test_tar_entry layer2[] = {
		{"app/main.sh", "#!/bin/sh\n", NULL},
		{"usr/lib/apk/db/installed", "P:ignored\nV:1\n", NULL},
	};
	struct st_test_layers tl = {{layer0, layer1, layer2},
				 {ST_ARRAY_LEN(layer0), ST_ARRAY_LEN(layer1),
				  ST_ARRAY_LEN(layer2)}};
	static const struct {
		const char *name;
		size_t layer;
		const char *purl;
	} want[] = {
		{"busybox", 1, "pkg:apk/alpine/busybox@1.36.1-r5?arch=x86_64&distro=alpine-3.18.4"},
		{"curl", 1, "pkg:apk/alpine/curl@8.4.0-r0?arch=x86_64&distro=alpine-3.18.4"},
		{"libcrypto3", 1,
		 "pkg:apk/alpine/libcrypto3@3.1.4-r1?arch=x86_64&distro=alpine-3.18.4"},
		{"musl", 0, "pkg:apk/alpine/musl@1.2.4-r1?arch=x86_64&distro=alpine-3.18.4"},
	};
	struct st_walk_layer_stats stats[3];
	struct strata_limits lim;
	struct st_walk_options opts;
	struct st_inventory inv;
	struct strata_error err;
	struct st_diag diag;
	struct diag_log log;
	const struct st_package *p;
	size_t i;
	int rc;

	strata_limits_default(&lim);
	diag_init(&diag, &log);
	opts.limits = &lim;
	opts.diag = &diag;
	st_inventory_init(&inv);
	strata_error_clear(&err);
	rc = st_catalog_layers(3, st_test_open_layer, &tl, NULL, &inv, &opts, stats, &err);
	if (rc != 0)
		fprintf(stderr, "# %s\n", err.msg);
	ST_CHECK_INT(rc, 0);

	ST_CHECK(inv.os.found);
	ST_CHECK_STR(inv.os.id, "alpine");
	ST_CHECK_STR(inv.os.version_id, "3.18.4");
	ST_CHECK_INT(inv.count, ST_ARRAY_LEN(want));
	for (i = 0; i < ST_ARRAY_LEN(want); i++) {
		p = &inv.packages[i];
		ST_CHECK_STR(p->type, "apk");
		ST_CHECK_STR(p->name, want[i].name);
		ST_CHECK_STR(p->purl, want[i].purl);
		ST_CHECK_STR(p->path, "lib/apk/db/installed");
		if (p->layer != want[i].layer)
			fprintf(stderr, "# %s: layer %zu\n", p->name, p->layer);
		ST_CHECK_INT(p->layer, want[i].layer);
	}
	p = st_test_find_package(&inv, "apk", "libcrypto3");
	ST_CHECK(p != NULL);
	ST_CHECK_STR(p->source_name, "openssl");
	ST_CHECK_STR(p->license, "Apache-2.0");
	ST_CHECK_INT(log.warnings, 1);
	ST_CHECK(strstr(log.all, "lib/apk/db/installed: line 29: package broken has no valid V:")
		 != NULL);
	st_inventory_dispose(&inv);
	return ST_TEST_PASS;
}

/* A later layer that deletes the database (a whiteout) leaves no apk
 * packages, and Wolfi's os-release names the namespace. */
ST_TEST(apk_catalog_layers_whiteout_and_wolfi)
{
	static const struct st_test_tar_entry layer0[] = {
		{"usr/lib/os-release", "ID=wolfi\nNAME=\"Wolfi\"\nVERSION_ID=\"20230201\"\n", NULL},
		{"etc/os-release", NULL, "../usr/lib/os-release"},
		{"lib/apk/db/installed", "P:glibc\nV:2.38-r1\nA:aarch64\no:glibc\n", NULL},
	};
	static const struct st_test_tar_entry layer1[] = {
		{"lib/apk/db/.wh.installed", "", NULL},
	};
	struct st_test_layers tl = {{layer0, layer1}, {ST_ARRAY_LEN(layer0), ST_ARRAY_LEN(layer1)}};
	struct strata_limits lim;
	struct st_walk_options opts;
	struct st_inventory inv;
	struct strata_error err;

	strata_limits_default(&lim);
	opts.limits = &lim;
	opts.diag = NULL;
	st_inventory_init(&inv);
	ST_CHECK_INT(st_catalog_layers(1, st_test_open_layer, &tl, NULL, &inv, &opts, NULL, &err),
		     0);
	ST_CHECK_INT(inv.count, 1);
	ST_CHECK_STR(inv.packages[0].purl, "pkg:apk/wolfi/glibc@2.38-r1?arch=aarch64"
					   "&distro=wolfi-20230201");
	ST_CHECK_INT(inv.packages[0].layer, 0);
	st_inventory_dispose(&inv);

	st_inventory_init(&inv);
	ST_CHECK_INT(st_catalog_layers(2, st_test_open_layer, &tl, NULL, &inv, &opts, NULL, &err),
		     0);
	ST_CHECK_INT(inv.count, 0);
	ST_CHECK_STR(inv.os.id, "wolfi");
	st_inventory_dispose(&inv);
	return ST_TEST_PASS;
}
