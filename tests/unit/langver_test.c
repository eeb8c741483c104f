/* Tests of the comparators of the language ecosystems: every case of the
 * upstream vector files under tests/data/versions/ (pypa/packaging,
 * apache/maven, golang/mod and osv-scalibr), then hand-written cases for
 * the ecosystems without vector files, invalid input and the length
 * limit. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "testlib.h"
#include "version/version.h"

#define FIELD_MAX 1024

/* Reading vector files ---------------------------------------------------- */

static void report_cases(const char *file, unsigned cases)
{
	printf("# %s: %u cases checked\n", file, cases);
}

/* Appends code point CP to DST as UTF-8; returns the new length. */
static size_t put_utf8(char *dst, size_t out, unsigned long cp)
{
	if (cp < 0x80) {
		dst[out++] = (char)cp;
	} else if (cp < 0x800) {
		dst[out++] = (char)(0xc0 | (cp >> 6));
		dst[out++] = (char)(0x80 | (cp & 0x3f));
	} else {
		dst[out++] = (char)(0xe0 | (cp >> 12));
		dst[out++] = (char)(0x80 | ((cp >> 6) & 0x3f));
		dst[out++] = (char)(0x80 | (cp & 0x3f));
	}
	return out;
}

/* Copies S with the Python escapes of the pypa files (\t, \n, \uXXXX)
 * decoded to UTF-8. */
static bool copy_unescaped(char *dst, struct st_slice s)
{
	size_t out = 0;
	size_t i;

	for (i = 0; i < s.len; i++) {
		if (out + 4 >= FIELD_MAX)
			return false;
		if (s.ptr[i] != '\\' || i + 1 >= s.len) {
			dst[out++] = s.ptr[i];
		} else if (s.ptr[i + 1] == 't' || s.ptr[i + 1] == 'n') {
			dst[out++] = s.ptr[i + 1] == 't' ? '\t' : '\n';
			i++;
		} else if (s.ptr[i + 1] == 'u' && i + 5 < s.len) {
			char hex[5];

			memcpy(hex, s.ptr + i + 2, 4);
			hex[4] = '\0';
			out = put_utf8(dst, out, strtoul(hex, NULL, 16));
			i += 5;
		} else {
			dst[out++] = s.ptr[i];
		}
	}
	dst[out] = '\0';
	return true;
}

/* Splits "A OP B[ trailing comment]" at its spaces. */
static bool split_triple(struct st_slice line, struct st_slice *a, struct st_slice *op,
			 struct st_slice *b)
{
	struct st_slice rest;

	st_slice_split(&line, ' ', a);
	if (line.len == 0)
		return false;
	st_slice_split(&line, ' ', op);
	rest = line;
	st_slice_split(&rest, ' ', b);
	return a->len > 0 && op->len > 0 && b->len > 0;
}

static bool expected_order(struct st_slice op, int *want)
{
	if (st_slice_eq_cstr(op, "<"))
		*want = -1;
	else if (st_slice_eq_cstr(op, "="))
		*want = 0;
	else if (st_slice_eq_cstr(op, ">"))
		*want = 1;
	else
		return false;
	return true;
}

/* A comparator under test: a purl type for st_version_compare, or a
 * function with flags. */
struct comparator {
	const char *type;
	int (*fn)(const char *a, const char *b, unsigned flags, int *cmp,
		  struct strata_error *err);
	unsigned flags;
};

static int run_compare(const struct comparator *c, const char *a, const char *b, int *cmp,
		       struct strata_error *err)
{
	if (c->fn != NULL)
		return c->fn(a, b, c->flags, cmp, err);
	return st_version_compare(c->type, a, b, cmp, err);
}

/* Checks that A compares to B as WANT, and B to A the other way. */
static bool check_order(const struct comparator *c, const char *a, int want, const char *b,
			const char *where)
{
	struct strata_error err;
	int ab = 9;
	int ba = 9;

	if (run_compare(c, a, b, &ab, &err) < 0 || run_compare(c, b, a, &ba, &err) < 0) {
		fprintf(stderr, "# %s: %s\n", where, err.msg);
		return false;
	}
	if (ab != want || ba != -want) {
		fprintf(stderr, "# %s: \"%s\" vs \"%s\" gave %d and %d, expected %d\n", where, a,
			b, ab, ba, want);
		return false;
	}
	return true;
}

/* Runs every "A OP B" line of REL through C; returns the failures. */
static unsigned run_triples(const char *rel, const struct comparator *c, unsigned *cases)
{
	char a[FIELD_MAX];
	char b[FIELD_MAX];
	char where[160];
	struct st_slice line, sa, op, sb;
	struct st_test_lines l;
	unsigned failed = 0;
	int want;

	*cases = 0;
	if (st_test_lines_open(&l, rel) < 0)
		return 1;
	while (st_test_lines_next(&l, &line)) {
		if (st_test_is_comment(line))
			continue;
		(*cases)++;
		snprintf(where, sizeof(where), "%s:%u", rel, l.lineno);
		if (!split_triple(line, &sa, &op, &sb) || !st_test_copy_field(a, FIELD_MAX, sa) ||
		    !st_test_copy_field(b, FIELD_MAX, sb) || !expected_order(op, &want)) {
			fprintf(stderr, "# %s: malformed line\n", where);
			failed++;
			continue;
		}
		if (!check_order(c, a, want, b, where))
			failed++;
	}
	st_test_lines_close(&l);
	report_cases(rel, *cases);
	return failed;
}

/* Reads the non-comment lines of REL (one version each) into a list. */
struct version_list {
	char items[128][FIELD_MAX];
	size_t n;
};

static bool read_list(const char *rel, struct version_list *list)
{
	struct st_slice line;
	struct st_test_lines l;
	bool ok = true;

	list->n = 0;
	if (st_test_lines_open(&l, rel) < 0)
		return false;
	while (st_test_lines_next(&l, &line)) {
		if (st_test_is_comment(line))
			continue;
		if (list->n == ST_ARRAY_LEN(list->items) ||
		    !st_test_copy_field(list->items[list->n], FIELD_MAX, line)) {
			ok = false;
			break;
		}
		list->n++;
	}
	st_test_lines_close(&l);
	return ok;
}

/* Checks that every pair i < j of a strictly ascending list compares
 * '<'; returns the failures and sets *PAIRS. */
static unsigned run_sorted(const char *rel, const struct comparator *c, size_t *items,
			   unsigned *pairs)
{
	struct version_list *list = calloc(1, sizeof(*list));
	char where[160];
	unsigned failed = 0;
	size_t i, j;

	*pairs = 0;
	*items = 0;
	if (list == NULL || !read_list(rel, list)) {
		free(list);
		return 1;
	}
	for (i = 0; i < list->n; i++) {
		for (j = i + 1; j < list->n; j++) {
			snprintf(where, sizeof(where), "%s: items %zu and %zu", rel, i + 1, j + 1);
			(*pairs)++;
			if (!check_order(c, list->items[i], -1, list->items[j], where))
				failed++;
		}
	}
	*items = list->n;
	printf("# %s: %zu versions, %u pairs checked\n", rel, list->n, *pairs);
	free(list);
	return failed;
}

/* PyPI: pypa/packaging ----------------------------------------------------- */

static const struct comparator pypi = {"pypi", NULL, 0};

static int compare_pypi_legacy(const char *a, const char *b, unsigned flags, int *cmp,
			       struct strata_error *err)
{
	return st_pep440_compare_flags(a, b, flags, cmp, err);
}

static const struct comparator pypi_legacy = {NULL, compare_pypi_legacy, ST_PEP440_LEGACY};

ST_TEST(pypi_packaging_pairs)
{
	unsigned cases;

	ST_CHECK_INT(run_triples("versions/pypi/pypa-packaging-VERSIONS-pairs.txt", &pypi, &cases),
		     0);
	ST_CHECK_INT(cases, 91);
	return ST_TEST_PASS;
}

ST_TEST(pypi_packaging_sorted_all_pairs)
{
	unsigned pairs;
	size_t items;

	ST_CHECK_INT(run_sorted("versions/pypi/pypa-packaging-VERSIONS-sorted.txt", &pypi, &items,
				&pairs),
		     0);
	ST_CHECK_INT(items, 92);
	ST_CHECK_INT(pairs, 92 * 91 / 2);
	return ST_TEST_PASS;
}

ST_TEST(pypi_packaging_invalid)
{
	const char *rel = "versions/pypi/pypa-packaging-invalid.txt";
	struct strata_error err;
	char v[FIELD_MAX];
	struct st_slice line;
	struct st_test_lines l;
	unsigned cases = 0;
	unsigned failed = 0;
	int cmp;

	ST_CHECK_INT(st_test_lines_open(&l, rel), 0);
	while (st_test_lines_next(&l, &line)) {
		if (st_test_is_comment(line))
			continue;
		cases++;
		if (!copy_unescaped(v, line) || st_pep440_validate(v, &err) != STRATA_EINVAL ||
		    st_version_compare("pypi", "1.0", v, &cmp, &err) != STRATA_EINVAL) {
			fprintf(stderr, "# %s:%u: accepted \"%s\"\n", rel, l.lineno, v);
			failed++;
		}
	}
	st_test_lines_close(&l);
	report_cases(rel, cases);
	ST_CHECK_INT(failed, 0);
	ST_CHECK_INT(cases, 20);
	return ST_TEST_PASS;
}

/* Runs the "input<TAB>str(Version(input))" lines of REL. */
static unsigned run_normalized(const char *rel, unsigned *cases)
{
	struct strata_error err;
	char in[FIELD_MAX];
	char want[FIELD_MAX];
	struct st_slice line, field;
	struct st_buf out;
	struct st_test_lines l;
	unsigned failed = 0;

	*cases = 0;
	if (st_test_lines_open(&l, rel) < 0)
		return 1;
	st_buf_init(&out, 4096);
	while (st_test_lines_next(&l, &line)) {
		if (st_test_is_comment(line))
			continue;
		(*cases)++;
		out.len = 0;
		st_slice_split(&line, '\t', &field);
		if (!copy_unescaped(in, field) || !copy_unescaped(want, line) ||
		    st_pep440_normalize(&out, in, &err) < 0 || strcmp(out.ptr, want) != 0) {
			fprintf(stderr, "# %s:%u: \"%s\" gave \"%s\", expected \"%s\"\n", rel,
				l.lineno, in, out.len > 0 ? out.ptr : "", want);
			failed++;
		}
	}
	st_buf_dispose(&out);
	st_test_lines_close(&l);
	report_cases(rel, *cases);
	return failed;
}

ST_TEST(pypi_packaging_normalized)
{
	unsigned cases;

	ST_CHECK_INT(run_normalized("versions/pypi/pypa-packaging-normalized.txt", &cases), 0);
	ST_CHECK_INT(cases, 102);
	return ST_TEST_PASS;
}

ST_TEST(pypi_packaging_str)
{
	unsigned cases;

	ST_CHECK_INT(run_normalized("versions/pypi/pypa-packaging-str.txt", &cases), 0);
	ST_CHECK_INT(cases, 47);
	return ST_TEST_PASS;
}

ST_TEST(pypi_osv_scalibr)
{
	unsigned cases;

	ST_CHECK_INT(run_triples("versions/osv-scalibr/pypi-versions.txt", &pypi_legacy, &cases),
		     0);
	ST_CHECK_INT(cases, 37);
	return ST_TEST_PASS;
}

ST_TEST(pypi_osv_scalibr_generated)
{
	unsigned cases;

	ST_CHECK_INT(run_triples("versions/osv-scalibr/pypi-versions-generated.txt", &pypi_legacy,
				 &cases),
		     0);
	ST_CHECK_INT(cases, 12375);
	return ST_TEST_PASS;
}

/* Maven: apache/maven and osv-scalibr ------------------------------------- */

static const struct comparator maven = {"maven", NULL, 0};

static int compare_maven_flags(const char *a, const char *b, unsigned flags, int *cmp,
			       struct strata_error *err)
{
	return st_maven_compare_flags(a, b, flags, cmp, err);
}

static const struct comparator maven_spec = {NULL, compare_maven_flags, ST_MAVEN_SPEC};

ST_TEST(maven_comparable_version_test)
{
	unsigned cases;

	ST_CHECK_INT(run_triples("versions/maven/maven-ComparableVersionTest.txt", &maven, &cases),
		     0);
	ST_CHECK_INT(cases, 208);
	return ST_TEST_PASS;
}

ST_TEST(maven_osv_scalibr)
{
	unsigned cases;

	ST_CHECK_INT(run_triples("versions/osv-scalibr/maven-versions.txt", &maven_spec, &cases), 0);
	ST_CHECK_INT(cases, 102);
	return ST_TEST_PASS;
}

ST_TEST(maven_osv_scalibr_generated)
{
	unsigned cases;

	ST_CHECK_INT(run_triples("versions/osv-scalibr/maven-versions-generated.txt", &maven_spec,
				 &cases),
		     0);
	ST_CHECK_INT(cases, 14752);
	return ST_TEST_PASS;
}

/* Go: golang.org/x/mod/semver --------------------------------------------- */

static int compare_gosemver(const char *a, const char *b, unsigned flags, int *cmp,
			    struct strata_error *err)
{
	*cmp = st_gosemver_cmp(a, b);
	return 0;
}

static const struct comparator gosemver = {NULL, compare_gosemver, 0};

/* The rule of golang.org/x/mod/semver's Compare, which orders invalid
 * versions too: every pair of the semver_test.go table. */
ST_TEST(go_semver_compare)
{
	unsigned cases;

	ST_CHECK_INT(run_triples("versions/go/go-semver-compare.txt", &gosemver, &cases), 0);
	ST_CHECK_INT(cases, 496);
	return ST_TEST_PASS;
}

/* Each line is "input<TAB>Canonical(input)", empty for an invalid input.
 * A valid input must also pass the "golang" validator and compare equal
 * to its canonical form. */
ST_TEST(go_semver_canonical)
{
	const char *rel = "versions/go/go-semver-canonical.txt";
	struct strata_error err;
	char in[FIELD_MAX];
	char want[FIELD_MAX];
	struct st_slice line, field;
	struct st_buf out;
	struct st_test_lines l;
	unsigned cases = 0;
	unsigned failed = 0;
	int cmp;

	ST_CHECK_INT(st_test_lines_open(&l, rel), 0);
	st_buf_init(&out, 4096);
	while (st_test_lines_next(&l, &line)) {
		int rc;

		if (st_test_is_comment(line))
			continue;
		cases++;
		out.len = 0;
		st_slice_split(&line, '\t', &field);
		if (!st_test_copy_field(in, FIELD_MAX, field) ||
		    !st_test_copy_field(want, FIELD_MAX, line)) {
			failed++;
			continue;
		}
		rc = st_golang_canonical(&out, in, &err);
		if (want[0] == '\0' ? rc != STRATA_EINVAL || st_golang_validate(in, &err) == 0
				    : rc != 0 || strcmp(out.ptr, want) != 0 ||
					      st_version_compare("golang", in, want, &cmp, &err) != 0 ||
					      cmp != 0) {
			fprintf(stderr, "# %s:%u: \"%s\" gave rc %d \"%s\", expected \"%s\"\n", rel,
				l.lineno, in, rc, rc == 0 ? out.ptr : "", want);
			failed++;
		}
	}
	st_buf_dispose(&out);
	st_test_lines_close(&l);
	report_cases(rel, cases);
	ST_CHECK_INT(failed, 0);
	ST_CHECK_INT(cases, 32);
	return ST_TEST_PASS;
}

static int cmp_go_sort(const void *a, const void *b)
{
	const char *x = a;
	const char *y = b;
	int rc = st_gosemver_cmp(x, y);

	return rc != 0 ? rc : strcmp(x, y);
}

/* semver.Sort orders by Compare, then by the strings: sorting the golden
 * list shuffled must give it back. */
ST_TEST(go_semver_sort_golden)
{
	struct version_list *golden = calloc(1, sizeof(*golden));
	struct version_list *sorted = calloc(1, sizeof(*sorted));
	size_t i;
	int rc = ST_TEST_FAIL;

	if (golden == NULL || sorted == NULL)
		goto out;
	if (!read_list("versions/go/go-semver-sort-golden.txt", golden) || golden->n != 32)
		goto out;
	for (i = 0; i < golden->n; i++)
		memcpy(sorted->items[i], golden->items[(i * 7 + 3) % golden->n], FIELD_MAX);
	sorted->n = golden->n;
	qsort(sorted->items, sorted->n, FIELD_MAX, cmp_go_sort);
	for (i = 0; i < golden->n; i++) {
		if (strcmp(sorted->items[i], golden->items[i]) != 0) {
			fprintf(stderr, "# item %zu: \"%s\", expected \"%s\"\n", i + 1,
				sorted->items[i], golden->items[i]);
			goto out;
		}
	}
	report_cases("versions/go/go-semver-sort-golden.txt", (unsigned)golden->n);
	rc = ST_TEST_PASS;

out:
	free(golden);
	free(sorted);
	return rc;
}

/* Composer, Pub and Hackage: osv-scalibr ---------------------------------- */

static const struct comparator composer = {"composer", NULL, 0};

ST_TEST(composer_osv_scalibr)
{
	unsigned cases;

	ST_CHECK_INT(run_triples("versions/osv-scalibr/packagist-versions.txt", &composer, &cases),
		     0);
	ST_CHECK_INT(cases, 95);
	return ST_TEST_PASS;
}

ST_TEST(composer_osv_scalibr_generated)
{
	unsigned cases;

	ST_CHECK_INT(run_triples("versions/osv-scalibr/packagist-versions-generated.txt", &composer,
				 &cases),
		     0);
	ST_CHECK_INT(cases, 10630);
	return ST_TEST_PASS;
}

/* osv-scalibr's pub-versions.txt is written for its generic SemVer-like
 * parser (semantic/version-semver-like.go), which also takes a leading
 * 'v', fewer than three numbers (missing ones being 0) and reads numbers
 * after the third as build metadata. pub_semver rejects these forms. For
 * the lines that use them, the test checks that "pub" rejects the form as
 * written, then checks the line's ordering on the pub form with the same
 * meaning. */
static bool adapt_pub_form(char *v, unsigned *adapted)
{
	struct strata_error err;
	char copy[FIELD_MAX - 8];
	size_t dots = 0;
	size_t i;

	if (st_version_validate("pub", v, &err) == 0)
		return true;
	snprintf(copy, sizeof(copy), "%s", v[0] == 'v' ? v + 1 : v);
	for (i = 0; copy[i] != '\0' && copy[i] != '-' && copy[i] != '+'; i++) {
		if (copy[i] == '.' && ++dots == 3)
			copy[i] = '+';
	}
	if (dots == 0)
		snprintf(v, FIELD_MAX, "%s.0.0", copy);
	else
		snprintf(v, FIELD_MAX, "%s", copy);
	(*adapted)++;
	return st_version_validate("pub", v, &err) == 0;
}

ST_TEST(pub_osv_scalibr)
{
	const char *rel = "versions/osv-scalibr/pub-versions.txt";
	static const struct comparator pub = {"pub", NULL, 0};
	char a[FIELD_MAX];
	char b[FIELD_MAX];
	char where[160];
	struct st_slice line, sa, op, sb;
	struct st_test_lines l;
	unsigned cases = 0;
	unsigned failed = 0;
	unsigned adapted = 0;
	int want;

	ST_CHECK_INT(st_test_lines_open(&l, rel), 0);
	while (st_test_lines_next(&l, &line)) {
		if (st_test_is_comment(line))
			continue;
		cases++;
		snprintf(where, sizeof(where), "%s:%u", rel, l.lineno);
		if (!split_triple(line, &sa, &op, &sb) || !st_test_copy_field(a, FIELD_MAX, sa) ||
		    !st_test_copy_field(b, FIELD_MAX, sb) || !expected_order(op, &want) ||
		    !adapt_pub_form(a, &adapted) || !adapt_pub_form(b, &adapted)) {
			fprintf(stderr, "# %s: malformed line\n", where);
			failed++;
			continue;
		}
		if (!check_order(&pub, a, want, b, where))
			failed++;
	}
	st_test_lines_close(&l);
	report_cases(rel, cases);
	ST_CHECK_INT(failed, 0);
	ST_CHECK_INT(cases, 100);
	ST_CHECK_INT(adapted, 33);
	return ST_TEST_PASS;
}

ST_TEST(hackage_osv_scalibr)
{
	static const struct comparator hackage = {"hackage", NULL, 0};
	unsigned cases;

	ST_CHECK_INT(run_triples("versions/osv-scalibr/hackage-versions.txt", &hackage, &cases),
		     0);
	ST_CHECK_INT(cases, 11);
	return ST_TEST_PASS;
}

/* Hand-written cases ------------------------------------------------------ */

struct order_case {
	const char *type;
	const char *a;
	const char *b;
	int want;
};

/* Checks each case both ways through st_version_compare. */
static int check_cases(const struct order_case *cases, size_t n)
{
	char where[64];
	size_t i;
	unsigned failed = 0;

	for (i = 0; i < n; i++) {
		struct comparator c = {cases[i].type, NULL, 0};

		snprintf(where, sizeof(where), "%s case %zu", cases[i].type, i + 1);
		if (!check_order(&c, cases[i].a, cases[i].want, cases[i].b, where))
			failed++;
	}
	return failed == 0 ? ST_TEST_PASS : ST_TEST_FAIL;
}

/* Checks that TYPE rejects each of BAD, by validation and comparison. */
static int check_invalid(const char *type, const char *const *bad, size_t n)
{
	struct strata_error err;
	size_t i;
	int cmp = 7;

	for (i = 0; i < n; i++) {
		if (st_version_validate(type, bad[i], &err) != STRATA_EINVAL ||
		    st_version_compare(type, bad[i], bad[i], &cmp, &err) != STRATA_EINVAL ||
		    strncmp(err.msg, "invalid ", 8) != 0) {
			fprintf(stderr, "# %s accepted \"%s\"\n", type, bad[i]);
			return ST_TEST_FAIL;
		}
	}
	if (cmp != 7)
		return ST_TEST_FAIL;
	return ST_TEST_PASS;
}

ST_TEST(gem_ordering)
{
	/* RubyGems' documented order, and Gem::Version's segment rules */
	static const struct order_case cases[] = {
		{"gem", "1.0.a.2", "1.0.b1", -1},
		{"gem", "1.0.b1", "1.0", -1},
		{"gem", "0.9", "1.0.a.2", -1},
		{"gem", "1.0", "1", 0},
		{"gem", "1.0.0", "1", 0},
		{"gem", "1.0.a", "1.a", 0},
		{"gem", "1.a.0", "1.a", 0},
		{"gem", "1.0-beta", "1.0.pre.beta", 0},
		{"gem", "1.0-rc1", "1.0", -1},
		{"gem", "1.0.A", "1.0.a", -1},
		{"gem", "1.0.a10", "1.0.a9", 1},
		{"gem", "1.0.rc", "1.0.b", 1},
		{"gem", " 1.2 ", "1.2", 0},
		{"gem", "", "0", 0},
		{"gem", "", "0.0.1", -1},
		{"gem", "99999999999999999999999.1", "99999999999999999999999", 1},
		{"gem", "1.8.2.a", "1.8.2", -1},
		{"gem", "2.0.0.preview2", "2.0.0.rc1", -1},
	};

	return check_cases(cases, ST_ARRAY_LEN(cases));
}

ST_TEST(gem_invalid)
{
	static const char *const bad[] = {
		"a", "1..2", "1.", ".1", "1-", "1.0-", "1.0-a..b", "1.0 2", "1.0_2", "junk", "1.0\n2",
		"-1", "1.2.3-\xc3\xa9",
	};

	return check_invalid("gem", bad, ST_ARRAY_LEN(bad));
}

ST_TEST(nuget_ordering)
{
	/* NuGet's documented precedence list, highest first, and the
	 * per-character order of alphanumeric labels */
	static const struct order_case cases[] = {
		{"nuget", "1.0.1", "1.0.1-zzz", 1},
		{"nuget", "1.0.1-zzz", "1.0.1-rc.10", 1},
		{"nuget", "1.0.1-rc.10", "1.0.1-rc.2", 1},
		{"nuget", "1.0.1-rc.2", "1.0.1-open", 1},
		{"nuget", "1.0.1-open", "1.0.1-beta", 1},
		{"nuget", "1.0.1-beta", "1.0.1-alpha2", 1},
		{"nuget", "1.0.1-alpha2", "1.0.1-alpha10", 1},
		{"nuget", "1.0.1-alpha10", "1.0.1-aaa", 1},
		{"nuget", "1.0.0-a11", "1.0.0-a1b", -1},
		{"nuget", "1.0.0-a1b", "1.0.0-abb", -1},
		{"nuget", "1.0.0-RC", "1.0.0-rc", 0},
		{"nuget", "1.0.0-Beta.1", "1.0.0-beta.2", -1},
		{"nuget", "1.0", "1.0.0.0", 0},
		{"nuget", "1", "1.0.0", 0},
		{"nuget", "1.0.0.1", "1.0.0", 1},
		{"nuget", "01.002.3", "1.2.3", 0},
		{"nuget", "1.0.0+build.1", "1.0.0+build.2", 0},
		{"nuget", "1.0.0-beta+x", "1.0.0-beta", 0},
		{"nuget", "1.0.0-beta.-1", "1.0.0-beta.0", -1},
		{"nuget", "1.0.0-1", "1.0.0-a", -1},
		{"nuget", "1.0.0-2147483648", "1.0.0-2147483647", 1},
		{"nuget", " 1.0.0 ", "1.0.0", 0},
		{"nuget", "2147483647.0", "1.0", 1},
	};

	return check_cases(cases, ST_ARRAY_LEN(cases));
}

ST_TEST(nuget_invalid)
{
	static const char *const bad[] = {
		"", "a", "1.", ".1", "1..0", "1.0.0.0.0", "1.0.0-", "1.0.0+", "1.0.0-01",
		"1.0.0-a..b", "1.0.0-a_b", "2147483648.0", "v1.0.0", "-1.0", "1.0 .0", "1.0.0-\xc3\xa9",
	};

	return check_invalid("nuget", bad, ST_ARRAY_LEN(bad));
}

ST_TEST(hex_and_cargo_ordering)
{
	/* Semantic Versioning 2.0.0, section 11 */
	static const char *const sorted[] = {
		"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
		"1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0", "10.0.0",
	};
	static const struct order_case cases[] = {
		{"hex", "1.0.0+build.1", "1.0.0+build.2", 0},
		{"hex", "1.0.0-a-b", "1.0.0-a", 1},
		{"hex", "1.0.0-A", "1.0.0-a", -1},
		{"hex", "1.0.0-a.01b", "1.0.0-a.1", 1},
		{"hex", "99999999999999999999.0.0", "1.0.0", 1},
		{"cargo", "1.0.0+build.1", "1.0.0", 0},
		{"cargo", "18446744073709551615.0.0", "18446744073709551614.0.0", 1},
	};
	static const char *const types[] = {"hex", "cargo"};
	size_t t, i;

	for (t = 0; t < ST_ARRAY_LEN(types); t++) {
		for (i = 0; i + 1 < ST_ARRAY_LEN(sorted); i++) {
			struct comparator c = {types[t], NULL, 0};

			if (!check_order(&c, sorted[i], -1, sorted[i + 1], types[t]))
				return ST_TEST_FAIL;
		}
	}
	return check_cases(cases, ST_ARRAY_LEN(cases));
}

ST_TEST(hex_and_cargo_invalid)
{
	static const char *const bad[] = {
		"", "1", "1.0", "1.0.0.0", "01.0.0", "1.01.0", "1.0.00", "v1.0.0", " 1.0.0",
		"1.0.0 ", "1.0.0-", "1.0.0+", "1.0.0-01", "1.0.0-a..b", "1.0.0+a..b", "1.0.0-a_b",
		"1.0.0-\xc3\xa9", "=1.0.0", "1.0.0-rc.1+", "-1.0.0",
	};
	struct strata_error err;

	ST_CHECK_INT(check_invalid("hex", bad, ST_ARRAY_LEN(bad)), ST_TEST_PASS);
	ST_CHECK_INT(check_invalid("cargo", bad, ST_ARRAY_LEN(bad)), ST_TEST_PASS);
	/* the semver crate limits numbers to 64 bits, Elixir does not */
	ST_CHECK_INT(st_version_validate("cargo", "18446744073709551616.0.0", &err), STRATA_EINVAL);
	ST_CHECK_STR(err.msg, "invalid Cargo version \"18446744073709551616.0.0\": "
			      "number larger than 64 bits");
	ST_CHECK_INT(st_version_validate("hex", "18446744073709551616.0.0", &err), 0);
	/* build metadata may have leading zeros */
	ST_CHECK_INT(st_version_validate("hex", "1.0.0+01", &err), 0);
	return ST_TEST_PASS;
}

ST_TEST(golang_module_and_toolchain_versions)
{
	static const struct order_case cases[] = {
		/* pseudo-versions are pre-releases of the next patch */
		{"golang", "v0.0.0-20191109021931-daa7c04131f5", "v0.0.0-20200101000000-aaaaaaaaaaaa",
		 -1},
		{"golang", "v0.0.0-20191109021931-daa7c04131f5", "v0.0.1", -1},
		{"golang", "v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.3", 1},
		{"golang", "v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.4", -1},
		{"golang", "v1.2.4-pre.0.20191109021931-daa7c04131f5", "v1.2.4-pre", 1},
		/* build metadata, such as +incompatible, does not count */
		{"golang", "v2.0.0+incompatible", "v2.0.0", 0},
		{"golang", "v2.0.1+incompatible", "v2.0.0", 1},
		/* OSV's form without 'v', and the shorthands */
		{"golang", "1.2.3", "v1.2.3", 0},
		{"golang", "v1.2", "1.2.0", 0},
		{"golang", "0", "v0.0.0", 0},
		/* toolchain versions */
		{"golang", "go1.21.3", "1.21.3", 0},
		{"golang", "go1.21", "v1.21.0", 0},
		{"golang", "go1.21rc2", "v1.21.0-rc.2", 0},
		{"golang", "1.21rc2", "go1.21rc2", 0},
		{"golang", "go1.21rc2", "go1.21rc10", -1},
		{"golang", "go1.21rc2", "go1.21.0", -1},
		{"golang", "go1.9beta1", "go1.9rc1", -1},
		{"golang", "go1.9", "go1.10", -1},
		{"golang", "go1.20.14", "go1.21rc1", -1},
		{"golang", "go1", "v1.0.0", 0},
		{"golang", "go1.21.3 X:boringcrypto", "go1.21.3", 0},
		{"golang", "go1.21-pre1", "v1.21.0-pre.1", 0},
	};

	return check_cases(cases, ST_ARRAY_LEN(cases));
}

ST_TEST(golang_invalid)
{
	static const char *const bad[] = {
		"", "v", "bad", "v1.2.3.4", "v01.2.3", "v1.02.3", "v1.2.3-01", "v1.2-pre", "v1-pre",
		"v1.2.3-", "v1.2.3+", "v1.2.3-a..b", "V1.2.3", "go", "go1.", "go1.21rc", "go1.21.3rc1x",
		"go1.21alpha1", "gox", "1.21.3.4", "v1.2.3 ", " v1.2.3", "go01.21",
	};
	struct strata_error err;
	struct st_buf out;

	ST_CHECK_INT(check_invalid("golang", bad, ST_ARRAY_LEN(bad)), ST_TEST_PASS);
	ST_CHECK_INT(st_gosemver_cmp(NULL, NULL), 0);
	ST_CHECK_INT(st_gosemver_cmp(NULL, "v1.0.0"), -1);
	ST_CHECK_INT(st_gosemver_cmp("v1.0.0", "1.0.0"), 1);

	st_buf_init(&out, 64);
	ST_CHECK_INT(st_golang_canonical(&out, "go1.21rc2", &err), 0);
	ST_CHECK_STR(out.ptr, "v1.21.0-rc.2");
	out.len = 0;
	ST_CHECK_INT(st_golang_canonical(&out, "2.0.0+incompatible", &err), 0);
	ST_CHECK_STR(out.ptr, "v2.0.0");
	st_buf_dispose(&out);
	return ST_TEST_PASS;
}

ST_TEST(pypi_extra_cases)
{
	static const struct order_case cases[] = {
		{"pypi", "2022.12.07", "2022.12.7", 0},
		{"pypi", "1.0", "1.0.0", 0},
		{"pypi", "V1.0", "1.0", 0},
		{"pypi", "1.0-1", "1.0.post1", 0},
		{"pypi", "1.0_a_1", "1.0a1", 0},
		{"pypi", "1.0a-", "1.0a0", 0},
		{"pypi", "1.0+UBUNTU.1", "1.0+ubuntu.1", 0},
		{"pypi", "1.0+ubuntu-1", "1.0+ubuntu.1", 0},
		{"pypi", "1.0+01", "1.0+1", 0},
		{"pypi", "1!0.1", "2.0", 1},
		{"pypi", "99999999999999999999999.0", "99999999999999999999998.9", 1},
		{"pypi", "1.0.dev0", "1.0a0.dev0", -1},
		{"pypi", "1.0rc1.post1.dev1", "1.0rc1.post1", -1},
	};

	return check_cases(cases, ST_ARRAY_LEN(cases));
}

/* packaging's LegacyVersion keys: numbers padded to eight digits, words
 * after a '*', "-" before a pre-release word dropped. */
ST_TEST(pypi_legacy_ordering)
{
	static const struct {
		const char *a;
		const char *b;
		int want;
	} cases[] = {
		{"french toast", "0.0.1", -1},
		{"french toast", "french toast", 0},
		{"1.0-foo", "1.0foo", -1},
		{"1.0-final", "1.0-2", -1},
		{"1.0-pre", "1.0-rc", 0},
		{"1.0-dev", "1.0-alpha", -1},
		{"123456789x", "99999999x", -1},
		{"1.0.0x", "1x", 0},
		{"a_b", "a-b", -1},
	};
	struct strata_error err;
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(cases); i++) {
		if (!check_order(&pypi_legacy, cases[i].a, cases[i].want, cases[i].b, "legacy"))
			return ST_TEST_FAIL;
	}
	ST_CHECK_INT(st_pep440_validate("french toast", &err), STRATA_EINVAL);
	ST_CHECK_STR(err.msg, "invalid PyPI version \"french toast\": expected a release number");
	return ST_TEST_PASS;
}

ST_TEST(maven_extra_cases)
{
	struct strata_error err;
	int cmp = 9;

	/* Latin-1 and Greek capitals fold; invalid UTF-8 is rejected */
	ST_CHECK_INT(st_version_compare("maven", "1.\xc3\x89", "1.\xc3\xa9", &cmp, &err), 0);
	ST_CHECK_INT(cmp, 0);
	ST_CHECK_INT(st_version_compare("maven", "1-\xce\x96", "1-\xce\xb6", &cmp, &err), 0);
	ST_CHECK_INT(cmp, 0);
	ST_CHECK_INT(st_version_validate("maven", "1.\xc3", &err), STRATA_EINVAL);
	ST_CHECK_STR(err.msg, "invalid Maven version \"1.\\xc3\": invalid UTF-8");
	ST_CHECK_INT(st_version_validate("maven", "1.\xed\xa0\x80", &err), STRATA_EINVAL);
	ST_CHECK_INT(st_version_validate("maven", "", &err), STRATA_EINVAL);
	/* Java orders characters beyond U+FFFF by their UTF-16 surrogates,
	 * before U+FFFD */
	ST_CHECK_INT(st_version_compare("maven", "1-\xf0\x9f\x98\x80", "1-\xef\xbf\xbd", &cmp, &err),
		     0);
	ST_CHECK_INT(cmp, -1);
	/* ComparableVersion and the POM specification disagree here */
	ST_CHECK_INT(st_maven_compare_flags("1-ga-1", "1-1", 0, &cmp, &err), 0);
	ST_CHECK_INT(cmp, -1);
	ST_CHECK_INT(st_maven_compare_flags("1-ga-1", "1-1", ST_MAVEN_SPEC, &cmp, &err), 0);
	ST_CHECK_INT(cmp, 0);
	/* a deep nesting of lists and long numbers */
	ST_CHECK_INT(st_version_compare("maven", "1-a-1-a-1-a-1-a-1-a-1-a-1-a-1-a-1-a-1-a-1-a-2",
					"1-a-1-a-1-a-1-a-1-a-1-a-1-a-1-a-1-a-1-a-1-a-1", &cmp, &err),
		     0);
	ST_CHECK_INT(cmp, 1);
	ST_CHECK_INT(st_version_compare("maven", "1.123456789012345678901234567890",
					"1.123456789012345678901234567891", &cmp, &err),
		     0);
	ST_CHECK_INT(cmp, -1);
	return ST_TEST_PASS;
}

ST_TEST(composer_extra_cases)
{
	static const struct order_case cases[] = {
		{"composer", "1.0.0-beta2", "1.0.0-RC1", -1},
		{"composer", "1.0.0-patch1", "1.0.0", 1},
		{"composer", "1.0.0-stable", "1.0.0-dev", -1},
		{"composer", "dev-master", "1.0.0", -1},
		{"composer", "1.0.", "1.0", -1},
		/* PHP's version_compare() orders "1.2." before itself; the fuzzer
		 * found that strata did too */
		{"composer", "v1.2.", "v1.2.", 0},
		{"composer", "1.0.", "1.0.0", -1},
		{"composer", "1.0_1", "1.0.1", 0},
		{"composer", "1.0+1", "1.0-1", 0},
		{"composer", "1.0rc1", "1.0.rc.1", 0},
		{"composer", "1.0.Rc1", "1.0.rc1", -1},
	};
	static const char *const bad[] = {"", "v", "1.0 2", "1.0\t", "1.0-\xc3\xa9"};
	int rc = check_cases(cases, ST_ARRAY_LEN(cases));

	if (rc != ST_TEST_PASS)
		return rc;
	return check_invalid("composer", bad, ST_ARRAY_LEN(bad));
}

ST_TEST(pub_extra_cases)
{
	static const struct order_case cases[] = {
		{"pub", "1.0.0", "1.0.0+1", -1},
		{"pub", "1.0.0+1", "1.0.0+1.0", -1},
		{"pub", "1.0.0-dev.2", "1.0.0-dev.10", -1},
		{"pub", "1.0.0-dev.02", "1.0.0-dev.2", 0},
		{"pub", "1.0.0-dev.-1", "1.0.0-dev.0", -1},
		{"pub", "1.0.0-0x10", "1.0.0-15", 1},
		{"pub", "1.0.0-0xFFFFFFFFFFFFFFFF", "1.0.0-0", -1},
		{"pub", "1.0.0-9223372036854775808", "1.0.0-a", -1},
		{"pub", "1.0.0-9223372036854775808", "1.0.0-9223372036854775807", 1},
		{"pub", "01.2.3", "1.2.3", 0},
		{"pub", "2.0.0-nullsafety.0", "2.0.0", -1},
	};
	static const char *const bad[] = {
		"", "1", "1.0", "v1.0.0", "1.0.0.0", "1.0.0-", "1.0.0+", "1.0.0-a..b", " 1.0.0",
		"1.0.0-a_b",
	};
	int rc = check_cases(cases, ST_ARRAY_LEN(cases));

	if (rc != ST_TEST_PASS)
		return rc;
	return check_invalid("pub", bad, ST_ARRAY_LEN(bad));
}

ST_TEST(hackage_invalid)
{
	static const char *const bad[] = {
		"", "1.", ".1", "1..2", "01", "1.02", "1234567890", "1.0-a", "a", "1.0 ",
	};
	struct strata_error err;

	ST_CHECK_INT(st_version_validate("hackage", "123456789.0", &err), 0);
	return check_invalid("hackage", bad, ST_ARRAY_LEN(bad));
}

/* Limits and dispatch ------------------------------------------------------ */

static const char *const lang_types[] = {
	"pypi", "maven", "golang", "gem", "nuget", "composer", "hex", "pub", "cargo", "hackage",
};

ST_TEST(length_limit_every_type)
{
	char longv[ST_VERSION_MAX_LEN + 2];
	struct strata_error err;
	size_t i;
	int cmp;

	/* "1.1.1...": valid in every ecosystem at the limit, except where
	 * the grammar needs exactly three numbers */
	for (i = 0; i < ST_VERSION_MAX_LEN; i++)
		longv[i] = i % 2 == 0 ? '1' : '.';
	longv[ST_VERSION_MAX_LEN - 1] = '1';
	longv[ST_VERSION_MAX_LEN] = '\0';
	for (i = 0; i < ST_ARRAY_LEN(lang_types); i++) {
		const char *t = lang_types[i];
		bool three = !strcmp(t, "hex") || !strcmp(t, "cargo") || !strcmp(t, "pub") ||
			     !strcmp(t, "golang") || !strcmp(t, "nuget");

		if (!three && st_version_validate(t, longv, &err) != 0) {
			fprintf(stderr, "# %s: %s\n", t, err.msg);
			return ST_TEST_FAIL;
		}
	}
	longv[ST_VERSION_MAX_LEN] = '1';
	longv[ST_VERSION_MAX_LEN + 1] = '\0';
	for (i = 0; i < ST_ARRAY_LEN(lang_types); i++) {
		ST_CHECK_INT(st_version_compare(lang_types[i], longv, "1", &cmp, &err), STRATA_EINVAL);
		ST_CHECK(strstr(err.msg, "longer than 256 bytes") != NULL);
		ST_CHECK(strlen(err.msg) < 200);
		ST_CHECK_INT(st_version_compare(lang_types[i], NULL, "1", &cmp, &err), STRATA_EINVAL);
	}
	ST_CHECK_INT(st_pep440_compare_flags(longv, "1", ST_PEP440_LEGACY, &cmp, &err),
		     STRATA_EINVAL);
	ST_CHECK_INT(st_maven_compare_flags(longv, "1", ST_MAVEN_SPEC, &cmp, &err), STRATA_EINVAL);
	return ST_TEST_PASS;
}

ST_TEST(dispatch_language_types)
{
	struct strata_error err;
	size_t i;
	int cmp = 9;

	for (i = 0; i < ST_ARRAY_LEN(lang_types); i++)
		ST_CHECK(st_version_is_supported(lang_types[i]));
	ST_CHECK(st_version_is_supported("PyPI"));
	ST_CHECK(!st_version_is_supported("crates.io"));
	ST_CHECK_INT(st_version_compare("PyPI", "1.0rc1", "1.0", &cmp, &err), 0);
	ST_CHECK_INT(cmp, -1);
	ST_CHECK_INT(st_version_compare("pypi", "1.0", "bad version", &cmp, &err), STRATA_EINVAL);
	ST_CHECK_STR(err.msg, "invalid PyPI version \"bad version\": expected a release number");
	return ST_TEST_PASS;
}
