/* Tests of the version comparators: every case of the upstream vector files
 * under tests/data/versions/ (dpkg, node-semver and osv-scalibr), then
 * hand-written cases for overflow, invalid input, '~', epochs and ranges. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "testlib.h"
#include "version/version.h"

#define FIELD_MAX 512

/* Reading vector files ---------------------------------------------------- */

/* Copies S with each two-character "\t" replaced by a TAB, the escape
 * that the range and dpkg parse files use. */
static bool copy_unescaped(char *dst, struct st_slice s)
{
	size_t out = 0;
	size_t i;

	for (i = 0; i < s.len; i++) {
		if (out + 1 >= FIELD_MAX)
			return false;
		if (s.ptr[i] == '\\' && i + 1 < s.len && s.ptr[i + 1] == 't') {
			dst[out++] = '\t';
			i++;
		} else {
			dst[out++] = s.ptr[i];
		}
	}
	dst[out] = '\0';
	return true;
}

/* Splits LINE at its TABs into at most MAX fields; returns the count. */
static size_t split_tabs(struct st_slice line, struct st_slice *fields, size_t max)
{
	size_t n = 0;

	while (n < max) {
		st_slice_split(&line, '\t', &fields[n]);
		n++;
		if (line.len == 0)
			break;
	}
	return n;
}

static void report_cases(const char *file, unsigned cases)
{
	printf("# %s: %u cases checked\n", file, cases);
}

/* Ordering triples -------------------------------------------------------- */

/* OP is '<', '=', '>' or "!=" (only "the two differ"). */
static bool expected_order(struct st_slice op, int *want, bool *differ_only)
{
	*differ_only = false;
	if (st_slice_eq_cstr(op, "<"))
		*want = -1;
	else if (st_slice_eq_cstr(op, "="))
		*want = 0;
	else if (st_slice_eq_cstr(op, ">"))
		*want = 1;
	else if (st_slice_eq_cstr(op, "!="))
		*differ_only = true;
	else
		return false;
	return true;
}

/* Splits "A OP B" at its first two spaces. */
static bool split_triple(struct st_slice line, struct st_slice *a, struct st_slice *op,
			 struct st_slice *b)
{
	st_slice_split(&line, ' ', a);
	if (line.len == 0)
		return false;
	st_slice_split(&line, ' ', op);
	*b = line;
	return a->len > 0 && op->len > 0 && b->len > 0;
}

/* Splits "A OP B" and copies A and B into FIELD_MAX-byte buffers. */
static bool read_triple(struct st_slice line, char *a, struct st_slice *op, char *b)
{
	struct st_slice sa;
	struct st_slice sb;

	return split_triple(line, &sa, op, &sb) && st_test_copy_field(a, FIELD_MAX, sa) &&
	       st_test_copy_field(b, FIELD_MAX, sb);
}

typedef int (*compare_fn)(const char *a, const char *b, unsigned flags, int *cmp,
			  struct strata_error *err);

static int compare_deb(const char *a, const char *b, unsigned flags, int *cmp,
		       struct strata_error *err)
{
	return st_version_compare("deb", a, b, cmp, err);
}

/* Without flags, the "npm" dispatch must agree with the comparator. */
static int compare_npm(const char *a, const char *b, unsigned flags, int *cmp,
		       struct strata_error *err)
{
	int direct;
	int rc;

	rc = st_semver_compare_flags(a, b, flags, cmp, err);
	if (rc < 0 || flags != 0)
		return rc;
	rc = st_version_compare("npm", a, b, &direct, err);
	if (rc == 0 && direct != *cmp) {
		fprintf(stderr, "# dispatch disagrees on %s vs %s\n", a, b);
		*cmp = 2;
	}
	return rc;
}

/* Checks that A compares to B as OP states, and B to A the other way. */
static bool check_order(compare_fn fn, const char *a, struct st_slice op, const char *b,
			unsigned flags, const char *where)
{
	struct strata_error err;
	bool differ_only;
	int want = 0;
	int ab = 9;
	int ba = 9;

	if (!expected_order(op, &want, &differ_only)) {
		fprintf(stderr, "# %s: unknown operator\n", where);
		return false;
	}
	if (fn(a, b, flags, &ab, &err) < 0 || fn(b, a, flags, &ba, &err) < 0) {
		fprintf(stderr, "# %s: %s\n", where, err.msg);
		return false;
	}
	if (differ_only ? ab == 0 || ba != -ab : ab != want || ba != -want) {
		fprintf(stderr, "# %s: \"%s\" vs \"%s\" gave %d and %d\n", where, a, b, ab, ba);
		return false;
	}
	return true;
}

/* Runs every "A OP B" line of REL through FN; returns the failures. */
static unsigned run_triples(const char *rel, compare_fn fn, unsigned *cases)
{
	char a[FIELD_MAX];
	char b[FIELD_MAX];
	char where[128];
	struct st_slice line;
	struct st_slice op;
	struct st_test_lines l;
	unsigned failed = 0;

	*cases = 0;
	if (st_test_lines_open(&l, rel) < 0)
		return 1;
	while (st_test_lines_next(&l, &line)) {
		if (st_test_is_comment(line))
			continue;
		(*cases)++;
		snprintf(where, sizeof(where), "%s:%u", rel, l.lineno);
		if (!read_triple(line, a, &op, b)) {
			fprintf(stderr, "# %s: malformed line\n", where);
			failed++;
			continue;
		}
		if (!check_order(fn, a, op, b, 0, where))
			failed++;
	}
	st_test_lines_close(&l);
	report_cases(rel, *cases);
	return failed;
}

/* dpkg vectors ------------------------------------------------------------ */

ST_TEST(dpkg_perl_data_vectors)
{
	unsigned cases;

	const char *rel = "versions/dpkg/dpkg-Dpkg_Version-t-DATA.txt";

	ST_CHECK_INT(run_triples(rel, compare_deb, &cases), 0);
	ST_CHECK_INT(cases, 43);
	return ST_TEST_PASS;
}

ST_TEST(dpkg_osv_scalibr_vectors)
{
	unsigned cases;

	const char *rel = "versions/osv-scalibr/debian-versions.txt";

	ST_CHECK_INT(run_triples(rel, compare_deb, &cases), 0);
	ST_CHECK_INT(cases, 30);
	return ST_TEST_PASS;
}

/* A version object as dpkg's C tests build it, without parsing:
 * [epoch:]upstream-revision split at the first ':' and the last '-'. */
static bool build_object(struct st_dpkg_version *out, struct st_slice s)
{
	const char *colon = memchr(s.ptr, ':', s.len);
	uint64_t epoch = 0;
	size_t i;

	if (colon != NULL) {
		if (!st_slice_to_u64(st_slice_make(s.ptr, (size_t)(colon - s.ptr)), &epoch) ||
		    epoch > INT32_MAX)
			return false;
		s.len -= (size_t)(colon - s.ptr) + 1;
		s.ptr = colon + 1;
	}
	out->epoch = (uint32_t)epoch;
	out->upstream = s;
	out->revision = st_slice_make("", 0);
	for (i = s.len; i > 0; i--) {
		if (s.ptr[i - 1] == '-') {
			out->upstream = st_slice_make(s.ptr, i - 1);
			out->revision = st_slice_make(s.ptr + i, s.len - i);
			break;
		}
	}
	return true;
}

/* Checks "A OP B" on objects: the version_compare_part/_string sections of
 * the Perl sort lists and the object sections of t-version.c. */
static bool check_object_order(struct st_dpkg_version *a, struct st_slice op,
			       struct st_dpkg_version *b, const char *where)
{
	bool differ_only;
	int want = 0;
	int ab = st_dpkg_version_cmp(a, b);
	int ba = st_dpkg_version_cmp(b, a);

	if (!expected_order(op, &want, &differ_only)) {
		fprintf(stderr, "# %s: unknown operator\n", where);
		return false;
	}
	if (differ_only ? ab == 0 || ba != -ab : ab != want || ba != -want) {
		fprintf(stderr, "# %s: objects gave %d and %d\n", where, ab, ba);
		return false;
	}
	return true;
}

/* The Perl sort lists have three sections. "version_compare" sorts full
 * versions, compared here as strings. "version_compare_part" and
 * "version_compare_string" sort what dpkg compares inside one part
 * ("~000" is no valid full version), so each side becomes the upstream part
 * of an object with epoch 0 and no revision, which compares exactly the
 * part. */
ST_TEST(dpkg_perl_sorted_vectors)
{
	const char *rel = "versions/dpkg/dpkg-Dpkg_Version-t-sorted.txt";
	char a[FIELD_MAX];
	char b[FIELD_MAX];
	char where[128];
	struct st_slice line;
	struct st_slice sa, op, sb;
	struct st_test_lines l;
	unsigned cases = 0;
	unsigned failed = 0;
	bool parts = false;

	ST_CHECK_INT(st_test_lines_open(&l, rel), 0);
	while (st_test_lines_next(&l, &line)) {
		if (st_slice_starts_with(line, "## ")) {
			parts = !st_slice_starts_with(line, "## version_compare:");
			continue;
		}
		if (st_test_is_comment(line))
			continue;
		cases++;
		snprintf(where, sizeof(where), "%s:%u", rel, l.lineno);
		if (!split_triple(line, &sa, &op, &sb) || !st_test_copy_field(a, FIELD_MAX, sa) ||
		    !st_test_copy_field(b, FIELD_MAX, sb)) {
			failed++;
			continue;
		}
		if (parts) {
			struct st_dpkg_version oa = {0, sa, {"", 0}};
			struct st_dpkg_version ob = {0, sb, {"", 0}};

			if (!check_object_order(&oa, op, &ob, where))
				failed++;
		} else if (!check_order(compare_deb, a, op, b, 0, where)) {
			failed++;
		}
	}
	st_test_lines_close(&l);
	report_cases(rel, cases);
	ST_CHECK_INT(failed, 0);
	ST_CHECK_INT(cases, 15);
	return ST_TEST_PASS;
}

/* t-version.c builds the objects of test_version_compare and
 * test_version_relate directly (some, like "0:a-0", would not parse), so
 * those sections compare objects; test_version_parse compares strings. */
ST_TEST(dpkg_c_compare_vectors)
{
	const char *rel = "versions/dpkg/dpkg-t-version-c.txt";
	char a[FIELD_MAX];
	char b[FIELD_MAX];
	char where[128];
	struct st_slice line;
	struct st_slice sa, op, sb;
	struct st_test_lines l;
	unsigned cases = 0;
	unsigned failed = 0;
	bool objects = true;

	ST_CHECK_INT(st_test_lines_open(&l, rel), 0);
	while (st_test_lines_next(&l, &line)) {
		if (st_slice_starts_with(line, "## ")) {
			objects = !st_slice_starts_with(line, "## test_version_parse");
			continue;
		}
		if (st_test_is_comment(line))
			continue;
		cases++;
		snprintf(where, sizeof(where), "%s:%u", rel, l.lineno);
		if (!split_triple(line, &sa, &op, &sb) || !st_test_copy_field(a, FIELD_MAX, sa) ||
		    !st_test_copy_field(b, FIELD_MAX, sb)) {
			failed++;
			continue;
		}
		if (objects) {
			struct st_dpkg_version oa;
			struct st_dpkg_version ob;

			if (!build_object(&oa, sa) || !build_object(&ob, sb) ||
			    !check_object_order(&oa, op, &ob, where))
				failed++;
		} else if (!check_order(compare_deb, a, op, b, 0, where)) {
			failed++;
		}
	}
	st_test_lines_close(&l);
	report_cases(rel, cases);
	ST_CHECK_INT(failed, 0);
	ST_CHECK_INT(cases, 15);
	return ST_TEST_PASS;
}

/* An input of the parse file: single-quoted when it contains blanks or is
 * empty, with "\t" for a TAB. */
static bool parse_input(char *dst, struct st_slice s)
{
	if (s.len >= 2 && s.ptr[0] == '\'' && s.ptr[s.len - 1] == '\'')
		return copy_unescaped(dst, st_slice_make(s.ptr + 1, s.len - 2));
	return st_test_copy_field(dst, FIELD_MAX, s);
}

static bool check_parse_valid(const char *input, struct st_slice want, const char *where)
{
	struct st_dpkg_version v;
	struct strata_error err;
	struct st_slice epoch;
	uint64_t e;

	if (st_dpkg_version_parse(&v, input, &err) < 0) {
		fprintf(stderr, "# %s: %s\n", where, err.msg);
		return false;
	}
	st_slice_split(&want, '|', &epoch);
	if (!st_slice_to_u64(epoch, &e) || e != v.epoch) {
		fprintf(stderr, "# %s: epoch %u\n", where, (unsigned)v.epoch);
		return false;
	}
	{
		struct st_slice up;

		st_slice_split(&want, '|', &up);
		if (up.len != v.upstream.len || memcmp(up.ptr, v.upstream.ptr, up.len) != 0 ||
		    want.len != v.revision.len ||
		    (want.len > 0 && memcmp(want.ptr, v.revision.ptr, want.len) != 0)) {
			fprintf(stderr, "# %s: upstream \"%.*s\" revision \"%.*s\"\n", where,
				(int)v.upstream.len, v.upstream.ptr, (int)v.revision.len,
				v.revision.ptr);
			return false;
		}
	}
	return true;
}

/* dpkg's warnings ("warning" lines) fail the parse as its errors do. */
static bool check_parse_invalid(const char *input, const char *where)
{
	struct st_dpkg_version v;
	struct strata_error err;
	int rc = st_dpkg_version_parse(&v, input, &err);

	if (rc != STRATA_EINVAL || strncmp(err.msg, "invalid debian version \"", 24) != 0) {
		fprintf(stderr, "# %s: accepted or wrong error (%d)\n", where, rc);
		return false;
	}
	if (st_version_validate("deb", input, &err) != STRATA_EINVAL) {
		fprintf(stderr, "# %s: st_version_validate accepted it\n", where);
		return false;
	}
	return true;
}

ST_TEST(dpkg_c_parse_vectors)
{
	const char *rel = "versions/dpkg/dpkg-t-version-c-parse.txt";
	char input[FIELD_MAX];
	char where[128];
	struct st_slice fields[3];
	struct st_slice line;
	struct st_test_lines l;
	unsigned cases = 0;
	unsigned failed = 0;
	unsigned invalid = 0;
	bool valid_section = true;

	ST_CHECK_INT(st_test_lines_open(&l, rel), 0);
	while (st_test_lines_next(&l, &line)) {
		size_t n;

		if (st_slice_starts_with(line, "## ")) {
			valid_section = st_slice_eq_cstr(line, "## valid");
			continue;
		}
		if (st_test_is_comment(line))
			continue;
		cases++;
		snprintf(where, sizeof(where), "%s:%u", rel, l.lineno);
		n = split_tabs(line, fields, 3);
		if (n < 2 || !parse_input(input, fields[0])) {
			fprintf(stderr, "# %s: malformed line\n", where);
			failed++;
			continue;
		}
		if (valid_section) {
			if (!check_parse_valid(input, fields[1], where))
				failed++;
		} else {
			invalid++;
			if (!check_parse_invalid(input, where))
				failed++;
		}
	}
	st_test_lines_close(&l);
	report_cases(rel, cases);
	ST_CHECK_INT(failed, 0);
	ST_CHECK_INT(cases, 79);
	ST_CHECK_INT(invalid, 61);
	return ST_TEST_PASS;
}

/* npm vectors ------------------------------------------------------------- */

/* The options column of the node-semver files: "loose" and
 * "includePrerelease", comma-separated. */
static bool parse_options(struct st_slice s, unsigned *flags)
{
	*flags = 0;
	while (s.len > 0) {
		struct st_slice name;

		st_slice_split(&s, ',', &name);
		name = st_slice_trim(name);
		if (st_slice_eq_cstr(name, "loose"))
			*flags |= ST_SEMVER_LOOSE;
		else if (st_slice_eq_cstr(name, "includePrerelease"))
			*flags |= ST_SEMVER_INCLUDE_PRERELEASE;
		else if (name.len > 0)
			return false;
	}
	return true;
}

/* node-semver-comparisons.txt: "V1 > V2[<TAB>options]". */
ST_TEST(semver_comparison_vectors)
{
	const char *rel = "versions/npm/node-semver-comparisons.txt";
	char a[FIELD_MAX];
	char b[FIELD_MAX];
	char where[128];
	struct st_slice fields[2];
	struct st_slice line;
	struct st_slice op;
	struct st_test_lines l;
	unsigned cases = 0;
	unsigned failed = 0;
	unsigned flags;

	ST_CHECK_INT(st_test_lines_open(&l, rel), 0);
	while (st_test_lines_next(&l, &line)) {
		size_t n;

		if (st_test_is_comment(line))
			continue;
		cases++;
		snprintf(where, sizeof(where), "%s:%u", rel, l.lineno);
		n = split_tabs(line, fields, 2);
		if (!read_triple(fields[0], a, &op, b) ||
		    !parse_options(n > 1 ? fields[1] : st_slice_make("", 0), &flags)) {
			fprintf(stderr, "# %s: malformed line\n", where);
			failed++;
			continue;
		}
		if (!check_order(compare_npm, a, op, b, flags, where))
			failed++;
	}
	st_test_lines_close(&l);
	report_cases(rel, cases);
	ST_CHECK_INT(failed, 0);
	ST_CHECK_INT(cases, 31);
	return ST_TEST_PASS;
}

/* node-semver-equality.txt: "V1<TAB>V2[<TAB>options]", blanks kept. */
ST_TEST(semver_equality_vectors)
{
	const char *rel = "versions/npm/node-semver-equality.txt";
	char a[FIELD_MAX];
	char b[FIELD_MAX];
	char where[128];
	struct st_slice fields[3];
	struct st_slice line;
	struct st_test_lines l;
	unsigned cases = 0;
	unsigned failed = 0;
	unsigned flags;

	ST_CHECK_INT(st_test_lines_open(&l, rel), 0);
	while (st_test_lines_next(&l, &line)) {
		size_t n;

		if (st_test_is_comment(line))
			continue;
		cases++;
		snprintf(where, sizeof(where), "%s:%u", rel, l.lineno);
		n = split_tabs(line, fields, 3);
		if (n < 2 || !st_test_copy_field(a, FIELD_MAX, fields[0]) ||
		    !st_test_copy_field(b, FIELD_MAX, fields[1]) ||
		    !parse_options(n > 2 ? fields[2] : st_slice_make("", 0), &flags)) {
			fprintf(stderr, "# %s: malformed line\n", where);
			failed++;
			continue;
		}
		if (!check_order(compare_npm, a, st_slice_cstr("="), b, flags, where))
			failed++;
	}
	st_test_lines_close(&l);
	report_cases(rel, cases);
	ST_CHECK_INT(failed, 0);
	ST_CHECK_INT(cases, 37);
	return ST_TEST_PASS;
}

/* osv-scalibr's semver-versions.txt is written for its generic SemVer-like
 * parser (semantic/version-semver-like.go), which also takes fewer than
 * three parts, missing ones being 0, and reads parts after the third as
 * build metadata. npm, like node-semver in any mode, rejects these forms.
 * For the lines that use them, the test checks that npm rejects the form
 * as written, then checks the line's ordering on the npm form that has
 * the same meaning. */
static const struct {
	const char *scalibr;
	const char *npm;
} scalibr_forms[] = {
	{"999999999999999999999999999991", "999999999999999999999999999991.0.0"},
	{"999999999999999999999999999999", "999999999999999999999999999999.0.0"},
	{"1.1.3.4.5", "1.1.3+4.5"},
};

/* Replaces V (FIELD_MAX bytes) by its npm form when it has one. Returns
 * false when V has one but npm accepts V as written. */
static bool adapt_scalibr_form(char *v, unsigned *adapted)
{
	struct strata_error err;
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(scalibr_forms); i++) {
		if (strcmp(v, scalibr_forms[i].scalibr) != 0)
			continue;
		if (st_version_validate("npm", v, &err) != STRATA_EINVAL)
			return false;
		snprintf(v, FIELD_MAX, "%s", scalibr_forms[i].npm);
		(*adapted)++;
		return true;
	}
	return true;
}

ST_TEST(semver_osv_scalibr_vectors)
{
	const char *rel = "versions/osv-scalibr/semver-versions.txt";
	char a[FIELD_MAX];
	char b[FIELD_MAX];
	char where[128];
	struct st_slice line;
	struct st_slice op;
	struct st_test_lines l;
	unsigned cases = 0;
	unsigned failed = 0;
	unsigned adapted = 0;

	ST_CHECK_INT(st_test_lines_open(&l, rel), 0);
	while (st_test_lines_next(&l, &line)) {
		if (st_test_is_comment(line))
			continue;
		cases++;
		snprintf(where, sizeof(where), "%s:%u", rel, l.lineno);
		if (!read_triple(line, a, &op, b)) {
			failed++;
			continue;
		}
		if (!adapt_scalibr_form(a, &adapted) || !adapt_scalibr_form(b, &adapted)) {
			fprintf(stderr, "# %s: npm accepted a non-npm form\n", where);
			failed++;
			continue;
		}
		if (!check_order(compare_npm, a, op, b, 0, where))
			failed++;
	}
	st_test_lines_close(&l);
	report_cases(rel, cases);
	ST_CHECK_INT(failed, 0);
	ST_CHECK_INT(cases, 86);
	ST_CHECK_INT(adapted, 4);
	return ST_TEST_PASS;
}

/* node-semver's satisfies() returns false for an invalid version, and the
 * exclude file relies on that. strata returns STRATA_EINVAL instead, so an
 * exclude case may fail that way only for these versions, which node-semver
 * rejects in the mode the case uses. */
static const struct {
	const char *version;
	unsigned flags;
} exclude_invalid[] = {
	{"1.0.0beta", 0}, /* needs loose mode for the missing '-' */
	{"not a version", 0},
	{"glorp", 0},
	{"false", 0},
};

static bool is_expected_invalid(const char *version, unsigned flags)
{
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(exclude_invalid); i++) {
		if (strcmp(version, exclude_invalid[i].version) == 0 &&
		    flags == exclude_invalid[i].flags)
			return true;
	}
	return false;
}

/* "RANGE<TAB>VERSION[<TAB>options]"; WANT is whether VERSION satisfies
 * RANGE. *INVALID counts the exclude cases met through invalid input. */
static unsigned run_ranges(const char *rel, bool want, unsigned *cases, unsigned *invalid)
{
	char range[FIELD_MAX];
	char version[FIELD_MAX];
	char where[128];
	struct st_slice fields[3];
	struct st_slice line;
	struct st_test_lines l;
	unsigned failed = 0;
	unsigned flags;

	*cases = 0;
	*invalid = 0;
	if (st_test_lines_open(&l, rel) < 0)
		return 1;
	while (st_test_lines_next(&l, &line)) {
		struct strata_error err;
		bool got = !want;
		size_t n;
		int rc;

		if (st_test_is_comment(line))
			continue;
		(*cases)++;
		snprintf(where, sizeof(where), "%s:%u", rel, l.lineno);
		n = split_tabs(line, fields, 3);
		if (n < 2 || !copy_unescaped(range, fields[0]) ||
		    !copy_unescaped(version, fields[1]) ||
		    !parse_options(n > 2 ? fields[2] : st_slice_make("", 0), &flags)) {
			fprintf(stderr, "# %s: malformed line\n", where);
			failed++;
			continue;
		}
		rc = st_semver_range_satisfies(range, version, flags, &got, &err);
		if (rc == STRATA_EINVAL && !want && is_expected_invalid(version, flags)) {
			(*invalid)++;
			continue;
		}
		if (rc < 0) {
			fprintf(stderr, "# %s: %s\n", where, err.msg);
			failed++;
		} else if (got != want) {
			fprintf(stderr, "# %s: \"%s\" %s \"%s\"\n", where, version,
				got ? "satisfies" : "does not satisfy", range);
			failed++;
		}
	}
	st_test_lines_close(&l);
	report_cases(rel, *cases);
	return failed;
}

ST_TEST(semver_range_include_vectors)
{
	unsigned cases;
	unsigned invalid;

	const char *rel = "versions/npm/node-semver-range-include.txt";

	ST_CHECK_INT(run_ranges(rel, true, &cases, &invalid), 0);
	ST_CHECK_INT(cases, 126);
	return ST_TEST_PASS;
}

ST_TEST(semver_range_exclude_vectors)
{
	unsigned cases;
	unsigned invalid;

	const char *rel = "versions/npm/node-semver-range-exclude.txt";

	ST_CHECK_INT(run_ranges(rel, false, &cases, &invalid), 0);
	ST_CHECK_INT(cases, 98);
	ST_CHECK_INT(invalid, ST_ARRAY_LEN(exclude_invalid));
	return ST_TEST_PASS;
}

/* Hand-written cases ------------------------------------------------------ */

struct order_case {
	const char *a;
	const char *b;
	int want;
};

static int check_cases(const char *type, const struct order_case *cases, size_t n)
{
	struct strata_error err;
	size_t i;

	for (i = 0; i < n; i++) {
		int ab = 9;
		int ba = 9;

		if (st_version_compare(type, cases[i].a, cases[i].b, &ab, &err) < 0 ||
		    st_version_compare(type, cases[i].b, cases[i].a, &ba, &err) < 0) {
			fprintf(stderr, "# %s %s vs %s: %s\n", type, cases[i].a, cases[i].b,
				err.msg);
			return ST_TEST_FAIL;
		}
		if (ab != cases[i].want || ba != -cases[i].want) {
			fprintf(stderr, "# %s %s vs %s: got %d and %d\n", type, cases[i].a,
				cases[i].b, ab, ba);
			return ST_TEST_FAIL;
		}
	}
	return ST_TEST_PASS;
}

ST_TEST(dpkg_long_numbers_do_not_overflow)
{
	static const struct order_case cases[] = {
		{"99999999999999999999999", "1", 1},
		{"99999999999999999999999", "99999999999999999999998", 1},
		{"1.99999999999999999999999999999", "1.100000000000000000000000000000", -1},
		{"000000000000000000000000000001", "1", 0},
		{"1-99999999999999999999999", "1-100000000000000000000000", -1},
		{"2147483647:1", "1:99999999999999999999999", 1},
	};

	return check_cases("deb", cases, ST_ARRAY_LEN(cases));
}

ST_TEST(dpkg_tilde_sorts_first)
{
	static const struct order_case cases[] = {
		{"1.0~rc1", "1.0", -1},
		{"1.0~rc1", "1.0~rc2", -1},
		{"1.0~~", "1.0~", -1},
		{"1.0~~a", "1.0~", -1},
		{"1.0~", "1.0", -1},
		{"1.0-1~bpo1", "1.0-1", -1},
		{"1.0~rc1-1", "1.0-0", -1},
		{"1.0", "1.0+", -1},
		{"1.0a", "1.0+", -1},
		{"1.0a", "1.0", 1},
		{"1.0.", "1.0a", 1},
	};

	return check_cases("deb", cases, ST_ARRAY_LEN(cases));
}

ST_TEST(dpkg_epochs)
{
	static const struct order_case cases[] = {
		{"1:0.1", "9.9", 1},
		{"0:1.0", "1.0", 0},
		{"00:1.0", "1.0", 0},
		{"1:1.0", "2:0.1", -1},
		{"2147483647:0", "2147483646:9", 1},
		{"1:1.0:2-3", "1:1.0:1-3", 1},
	};

	return check_cases("deb", cases, ST_ARRAY_LEN(cases));
}

ST_TEST(dpkg_invalid_versions)
{
	static const char *const bad[] = {
		"", " ", "\t", "a1", "1:", ":1", "1 2", "1.0_1", "1:a", "-1",
		"2147483648:1", "99999999999999999999:1", "+1:1", "1:1.0-1:2", "1.0-1_2",
		"1.0\n", "1.0\xc3\xa9", "x:1",
	};
	struct st_dpkg_version v;
	struct strata_error err;
	size_t i;
	int cmp = 7;

	for (i = 0; i < ST_ARRAY_LEN(bad); i++) {
		if (st_dpkg_version_parse(&v, bad[i], &err) != STRATA_EINVAL) {
			fprintf(stderr, "# accepted \"%s\"\n", bad[i]);
			return ST_TEST_FAIL;
		}
		ST_CHECK_INT(st_version_compare("deb", "1.0", bad[i], &cmp, &err), STRATA_EINVAL);
		ST_CHECK_INT(st_version_compare("deb", bad[i], "1.0", &cmp, &err), STRATA_EINVAL);
	}
	ST_CHECK_INT(cmp, 7);
	ST_CHECK_INT(st_dpkg_version_parse(&v, NULL, &err), STRATA_EINVAL);
	ST_CHECK_STR(err.msg, "missing debian version");
	return ST_TEST_PASS;
}

ST_TEST(dpkg_parse_parts)
{
	struct st_dpkg_version v;
	struct strata_error err;

	ST_CHECK_INT(st_dpkg_version_parse(&v, " 3:1.2-3-4~5 ", &err), 0);
	ST_CHECK_INT(v.epoch, 3);
	ST_CHECK(st_slice_eq_cstr(v.upstream, "1.2-3"));
	ST_CHECK(st_slice_eq_cstr(v.revision, "4~5"));
	ST_CHECK_INT(st_dpkg_version_parse(&v, "2147483647:1", &err), 0);
	ST_CHECK_INT(v.epoch, 2147483647);
	ST_CHECK_INT(st_dpkg_version_parse(&v, "1.0", &err), 0);
	ST_CHECK_INT(v.epoch, 0);
	ST_CHECK_INT(v.revision.len, 0);
	/* an empty revision, as dpkg's parse tests expect */
	ST_CHECK_INT(st_dpkg_version_parse(&v, "1.0-", &err), 0);
	ST_CHECK(st_slice_eq_cstr(v.upstream, "1.0"));
	ST_CHECK_INT(v.revision.len, 0);
	return ST_TEST_PASS;
}

ST_TEST(dpkg_error_names_version)
{
	struct strata_error err;
	char longv[300];
	int cmp;

	ST_CHECK_INT(st_version_compare("deb", "1.0", "1.0 2", &cmp, &err), STRATA_EINVAL);
	ST_CHECK_STR(err.msg, "invalid debian version \"1.0 2\": embedded blank");
	ST_CHECK_INT(st_version_compare("deb", "1.0\n\"x", "1", &cmp, &err), STRATA_EINVAL);
	ST_CHECK_STR(err.msg, "invalid debian version \"1.0\\x0a\\\"x\": "
			      "invalid character in upstream version");
	memset(longv, '_', sizeof(longv) - 1);
	longv[0] = '1';
	longv[sizeof(longv) - 1] = '\0';
	ST_CHECK_INT(st_version_compare("deb", longv, "1", &cmp, &err), STRATA_EINVAL);
	ST_CHECK(strstr(err.msg, "...\": invalid character") != NULL);
	ST_CHECK(strlen(err.msg) < 160);
	return ST_TEST_PASS;
}

ST_TEST(dpkg_cmp_objects)
{
	struct st_dpkg_version a = {1, {"0", 1}, {"", 0}};
	struct st_dpkg_version b = {0, {"9", 1}, {"9", 1}};

	ST_CHECK_INT(st_dpkg_version_cmp(&a, &b), 1);
	ST_CHECK_INT(st_dpkg_version_cmp(&b, &a), -1);
	b.epoch = 1;
	b.upstream = st_slice_cstr("0");
	ST_CHECK_INT(st_dpkg_version_cmp(&a, &b), -1);
	b.revision = st_slice_cstr("~");
	ST_CHECK_INT(st_dpkg_version_cmp(&a, &b), 1);
	b.revision = st_slice_cstr("");
	ST_CHECK_INT(st_dpkg_version_cmp(&a, &b), 0);
	return ST_TEST_PASS;
}

ST_TEST(semver_long_numbers_do_not_overflow)
{
	static const struct order_case cases[] = {
		{"99999999999999999999999.0.0", "1.0.0", 1},
		{"1.99999999999999999999999.0", "1.100000000000000000000000.0", -1},
		{"1.0.0-99999999999999999999999", "1.0.0-100000000000000000000000", -1},
		{"1.0.0-99999999999999999999999", "1.0.0-a", -1},
		{"18446744073709551616.0.0", "18446744073709551615.0.0", 1},
	};

	return check_cases("npm", cases, ST_ARRAY_LEN(cases));
}

ST_TEST(semver_precedence)
{
	static const struct order_case cases[] = {
		{"1.0.0-alpha", "1.0.0", -1},
		{"1.0.0-alpha", "1.0.0-alpha.1", -1},
		{"1.0.0-alpha.1", "1.0.0-alpha.beta", -1},
		{"1.0.0-beta.2", "1.0.0-beta.11", -1},
		{"1.0.0-rc.1", "1.0.0-rc.1+build.2", 0},
		{"1.0.0+a", "1.0.0+b", 0},
		{"1.0.0-A", "1.0.0-a", -1},
		{"1.0.0-a-b", "1.0.0-a", 1},
		{"1.0.0-0", "1.0.0--", -1},
		{" v1.0.0 ", "1.0.0", 0},
	};

	return check_cases("npm", cases, ST_ARRAY_LEN(cases));
}

ST_TEST(semver_invalid_versions)
{
	static const char *const bad[] = {
		"", " ", "1", "1.2", "1.2.3.4", "01.2.3", "1.02.3", "1.2.03", "1.2.3-01",
		"1.2.3-", "1.2.3+", "1.2.3-a..b", "1.2.3+a..b", "1.2.3-a_b", "=1.2.3",
		"vv1.2.3", "v 1.2.3", "1.2.3beta", "1.2.3 4", "-1.2.3", "1.2.-3", "a.b.c",
		"1.2.3\n4", "1.2.3-\xc3\xa9",
	};
	struct strata_error err;
	char longv[ST_SEMVER_MAX_LEN + 2];
	size_t i;
	int cmp = 7;

	for (i = 0; i < ST_ARRAY_LEN(bad); i++) {
		if (st_semver_validate(bad[i], 0, &err) != STRATA_EINVAL) {
			fprintf(stderr, "# accepted \"%s\"\n", bad[i]);
			return ST_TEST_FAIL;
		}
		ST_CHECK_INT(st_version_compare("npm", "1.0.0", bad[i], &cmp, &err), STRATA_EINVAL);
		ST_CHECK(strncmp(err.msg, "invalid npm version \"", 21) == 0);
	}
	ST_CHECK_INT(cmp, 7);

	/* node-semver's 256-character limit, white space included */
	memset(longv, '0', sizeof(longv));
	memcpy(longv, "1.0.", 4);
	longv[ST_SEMVER_MAX_LEN] = '\0';
	ST_CHECK_INT(st_semver_validate(longv, 0, &err), STRATA_EINVAL);
	ST_CHECK_INT(st_semver_validate(longv, ST_SEMVER_LOOSE, &err), 0);
	longv[ST_SEMVER_MAX_LEN - 1] = '\0';
	longv[4] = '1';
	ST_CHECK_INT(st_semver_validate(longv, 0, &err), 0);
	longv[ST_SEMVER_MAX_LEN - 1] = '0';
	longv[ST_SEMVER_MAX_LEN] = '0';
	longv[ST_SEMVER_MAX_LEN + 1] = '\0';
	ST_CHECK_INT(st_semver_validate(longv, 0, &err), STRATA_EINVAL);
	ST_CHECK(strstr(err.msg, "longer than 256 characters") != NULL);
	ST_CHECK_INT(st_semver_validate(NULL, 0, &err), STRATA_EINVAL);
	return ST_TEST_PASS;
}

/* Returns the loose-mode order of A and B, or 9 when either is invalid. */
static int compare_loose(const char *a, const char *b)
{
	struct strata_error err;
	int cmp = 9;

	if (st_semver_compare_flags(a, b, ST_SEMVER_LOOSE, &cmp, &err) < 0)
		return 9;
	return cmp;
}

ST_TEST(semver_loose_mode)
{
	struct strata_error err;

	ST_CHECK_INT(compare_loose("=v 1.2.3", "1.2.3"), 0);
	ST_CHECK_INT(compare_loose("01.002.3", "1.2.3"), 0);
	ST_CHECK_INT(compare_loose("1.2.3beta", "1.2.3-beta"), 0);
	ST_CHECK_INT(compare_loose("1.2.3-01", "1.2.3-1"), 0);
	ST_CHECK_INT(compare_loose("1.2.3-01", "1.2.3-2"), -1);
	/* node-semver's loose pattern backtracks into the patch number */
	ST_CHECK_INT(compare_loose("1.2.34.5", "1.2.3-4.5"), 0);
	ST_CHECK_INT(compare_loose("1.2.34.5", "1.2.34"), -1);
	/* and takes a '-' as the start of an identifier when it must */
	ST_CHECK_INT(compare_loose("1.2.3-", "1.2.3--"), 0);
	ST_CHECK_INT(compare_loose("1.2.3-.a", "1.2.3--.a"), 0);
	ST_CHECK_INT(st_semver_validate("1.2.3.4", ST_SEMVER_LOOSE, &err), STRATA_EINVAL);
	ST_CHECK_INT(st_semver_validate("1.2.3.beta", ST_SEMVER_LOOSE, &err), STRATA_EINVAL);
	ST_CHECK_INT(st_semver_validate("=1.2.3", 0, &err), STRATA_EINVAL);
	return ST_TEST_PASS;
}

struct range_case {
	const char *range;
	const char *version;
	unsigned flags;
	bool want;
};

ST_TEST(semver_range_cases)
{
	static const struct range_case cases[] = {
		/* carries when a bound is raised */
		{"^9.9.9", "10.0.0", 0, false},
		{"~1.9", "1.10.0", 0, false},
		{"~1.9", "1.9.99", 0, true},
		{"<=9.x", "9.99.0", 0, true},
		{"<=9.x", "10.0.0", 0, false},
		{">9", "10.0.0", 0, true},
		{">9", "9.99.99", 0, false},
		{"^0.0.9", "0.0.10", 0, false},
		{"1.2.3 - 1.2.9", "1.2.10", 0, false},
		{"1.2.3 - 1.2.9", "1.2.9", 0, true},
		{"1.2.3 - 1.2.9", "1.2.9-rc.1", ST_SEMVER_INCLUDE_PRERELEASE, true},
		{"^99999999999999999999.0.0", "99999999999999999999.5.0", 0, true},
		{"^99999999999999999999.0.0", "100000000000000000000.0.0", 0, false},
		{"<99999999999999999999.0.0", "99999999999999999998.99999999999999999999.0", 0,
		 true},
		/* pre-releases match only through a comparator of their release */
		{">=1.0.0-beta <2", "1.0.0-rc.1", 0, true},
		{">=1.0.0-beta <2", "1.1.0-rc.1", 0, false},
		{">=1.0.0-beta <2", "1.1.0-rc.1", ST_SEMVER_INCLUDE_PRERELEASE, true},
		/* node-semver reduces a range with an "any" alternative to "any" */
		{"* || >=1.0.0-beta", "1.0.0-beta", 0, false},
		{">=1.0.0-beta", "1.0.0-beta", 0, true},
		{">=0.0.0 || >=1.0.0-beta", "1.0.0-beta", 0, false},
		{">=v0.0.0 || >=1.0.0-beta", "1.0.0-beta", 0, true},
		/* "<x" is the empty set, ">=x" everything */
		{"<x", "0.0.0", 0, false},
		{">=x", "0.0.0", 0, true},
		{"<0.0.0-0 || 1.x", "1.5.0", 0, true},
		/* operators, blanks and build metadata */
		{"  >=  1.2.3   <\t2 ", "1.5.0", 0, true},
		{"=1.2.3", "1.2.3", 0, true},
		{"v1.2.3", "1.2.3", 0, true},
		{"1.2.3+build", "1.2.3", 0, true},
		{"1+build.2", "1.5.0", 0, true},
		{"~>1.2", "1.2.9", 0, true},
		{"==1.2.3", "1.2.3", ST_SEMVER_LOOSE, true},
		{"1.2.3 foo", "1.2.3", ST_SEMVER_LOOSE, true},
		{"foo || 2.x", "2.1.0", ST_SEMVER_LOOSE, true},
		{"~x.1", "5.0.0", 0, true},
	};
	struct strata_error err;
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(cases); i++) {
		bool got = !cases[i].want;
		int rc = st_semver_range_satisfies(cases[i].range, cases[i].version, cases[i].flags,
						   &got, &err);

		if (rc < 0 || got != cases[i].want) {
			fprintf(stderr, "# \"%s\" on \"%s\": rc %d, got %d (%s)\n", cases[i].range,
				cases[i].version, rc, got, rc < 0 ? err.msg : "");
			return ST_TEST_FAIL;
		}
	}
	return ST_TEST_PASS;
}

ST_TEST(semver_range_invalid)
{
	static const char *const bad[] = {
		">=x.1", "1.x.3", "x.1.2", ">= ", "~", "^", "1.2.3 - ", "- 1.2.3", "==1.2.3",
		">=1.2.3 foo", "1 | 2", "1.2.3-", "01.2.3", "1.2-pre", ">=1 <", "1.2.3 - 2 - 3",
		"=1.2.3 - 2.0.0",
	};
	struct strata_error err;
	size_t i;
	bool got = true;

	for (i = 0; i < ST_ARRAY_LEN(bad); i++) {
		if (st_semver_range_satisfies(bad[i], "1.2.3", 0, &got, &err) != STRATA_EINVAL) {
			fprintf(stderr, "# accepted range \"%s\"\n", bad[i]);
			return ST_TEST_FAIL;
		}
		ST_CHECK(!got);
		ST_CHECK(strncmp(err.msg, "invalid npm range \"", 19) == 0);
	}
	ST_CHECK_INT(st_semver_range_satisfies(">=1.0.0 <2 >=x.1", "1.2.3", 0, &got, &err),
		     STRATA_EINVAL);
	ST_CHECK_STR(err.msg, "invalid npm range \">=1.0.0 <2 >=x.1\": "
			      "invalid comparator at byte 11");
	/* loose mode drops what does not parse, but not everything */
	ST_CHECK_INT(st_semver_range_satisfies("foo || bar", "1.2.3", ST_SEMVER_LOOSE, &got, &err),
		     STRATA_EINVAL);
	ST_CHECK_STR(err.msg, "invalid npm range \"foo || bar\": no valid comparator");
	ST_CHECK_INT(st_semver_range_satisfies("1.x", "1.2", 0, &got, &err), STRATA_EINVAL);
	ST_CHECK(strncmp(err.msg, "invalid npm version \"1.2\"", 25) == 0);
	ST_CHECK_INT(st_semver_range_satisfies(NULL, "1.2.3", 0, &got, &err), STRATA_EINVAL);
	ST_CHECK_INT(st_semver_range_satisfies("1.x", NULL, 0, &got, &err), STRATA_EINVAL);
	return ST_TEST_PASS;
}

ST_TEST(version_dispatch)
{
	struct strata_error err;
	int cmp = 9;

	ST_CHECK(st_version_is_supported("deb"));
	ST_CHECK(st_version_is_supported("npm"));
	ST_CHECK(st_version_is_supported("DEB"));
	ST_CHECK(!st_version_is_supported("conan"));
	ST_CHECK(!st_version_is_supported("de"));
	ST_CHECK(!st_version_is_supported("debx"));
	ST_CHECK(!st_version_is_supported(""));
	ST_CHECK(!st_version_is_supported(NULL));

	ST_CHECK_INT(st_version_compare("Deb", "1.0~rc1", "1.0", &cmp, &err), 0);
	ST_CHECK_INT(cmp, -1);
	ST_CHECK_INT(st_version_compare("npm", "1.0.0-rc1", "1.0.0", &cmp, &err), 0);
	ST_CHECK_INT(cmp, -1);
	/* "1.0~rc1" is a Debian version, not an npm one */
	ST_CHECK_INT(st_version_compare("npm", "1.0~rc1", "1.0.0", &cmp, &err), STRATA_EINVAL);

	ST_CHECK_INT(st_version_compare("conan", "1", "2", &cmp, &err), STRATA_EUNSUPPORTED);
	ST_CHECK_STR(err.msg, "no version comparator for package type \"conan\"");
	ST_CHECK_INT(st_version_validate("conan", "1", &err), STRATA_EUNSUPPORTED);
	ST_CHECK_INT(st_version_compare(NULL, "1", "2", &cmp, &err), STRATA_EINVAL);

	ST_CHECK_INT(st_version_validate("deb", "1:2.3-4", &err), 0);
	ST_CHECK_INT(st_version_validate("deb", "1:", &err), STRATA_EINVAL);
	ST_CHECK_INT(st_version_validate("npm", "1.2.3", &err), 0);
	ST_CHECK_INT(st_version_validate("npm", "1.2", &err), STRATA_EINVAL);
	ST_CHECK_STR(err.msg, "invalid npm version \"1.2\": expected MAJOR.MINOR.PATCH");
	ST_CHECK_INT(st_version_validate("npm", "1.02.3", &err), STRATA_EINVAL);
	ST_CHECK_STR(err.msg, "invalid npm version \"1.02.3\": number with a leading zero");
	return ST_TEST_PASS;
}
