/* rpm package versions, [EPOCH:]VERSION[-RELEASE] as rpm-version(7)
 * describes them. The split follows parseEVR() and the ordering of whole
 * versions follows rpmverCmp(), both in rpm's rpmio/rpmver.c. One part is
 * ordered as rpm's rpmvercmp() does, checked against every case of rpm's
 * tests/rpmvercmp.at. */
#include <string.h>

#include "version/version.h"

/* rpm's risdigit() and risalpha() are ASCII only: other bytes, such as
 * those of UTF-8 letters, are separators. */
static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Bytes that start or continue a segment or an operator; the rest separate
 * segments. */
static bool is_significant(char c)
{
	return is_digit(c) || is_alpha(c) || c == '~' || c == '^';
}

/* Compares two digit runs by value: leading zeros are dropped, then the
 * longer run is the larger number, so runs of any length work. */
static int compare_numbers(struct st_slice a, struct st_slice b)
{
	int r;

	while (a.len > 0 && a.ptr[0] == '0') {
		a.ptr++;
		a.len--;
	}
	while (b.len > 0 && b.ptr[0] == '0') {
		b.ptr++;
		b.len--;
	}
	if (a.len != b.len)
		return a.len < b.len ? -1 : 1;
	if (a.len == 0)
		return 0;
	r = memcmp(a.ptr, b.ptr, a.len);
	return r < 0 ? -1 : r > 0;
}

/* strcmp() on two letter runs. */
static int compare_letters(struct st_slice a, struct st_slice b)
{
	size_t n = a.len < b.len ? a.len : b.len;
	int r = n > 0 ? memcmp(a.ptr, b.ptr, n) : 0;

	if (r != 0)
		return r < 0 ? -1 : 1;
	if (a.len != b.len)
		return a.len < b.len ? -1 : 1;
	return 0;
}

/* Takes the run of digits (DIGITS) or letters at *I of S. */
static struct st_slice take_run(struct st_slice s, size_t *i, bool digits)
{
	size_t start = *i;

	while (*i < s.len && (digits ? is_digit(s.ptr[*i]) : is_alpha(s.ptr[*i])))
		(*i)++;
	return st_slice_make(s.ptr + start, *i - start);
}

/* rpmvercmp(): both strings are cut into runs of digits and runs of
 * letters, anything else separating them. '~' sorts before everything,
 * even the end of the string; '^' sorts after the end of the string but
 * before anything else. Runs compare as numbers or as strings; a number
 * is newer than letters. When every run matched, the string with runs
 * left over is newer. */
int st_rpmvercmp(struct st_slice a, struct st_slice b)
{
	size_t i = 0;
	size_t j = 0;

	if (a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0))
		return 0;
	while (i < a.len || j < b.len) {
		struct st_slice run_a;
		struct st_slice run_b;
		bool digits;
		int r;

		while (i < a.len && !is_significant(a.ptr[i]))
			i++;
		while (j < b.len && !is_significant(b.ptr[j]))
			j++;

		if ((i < a.len && a.ptr[i] == '~') || (j < b.len && b.ptr[j] == '~')) {
			if (i >= a.len || a.ptr[i] != '~')
				return 1;
			if (j >= b.len || b.ptr[j] != '~')
				return -1;
			i++;
			j++;
			continue;
		}
		if ((i < a.len && a.ptr[i] == '^') || (j < b.len && b.ptr[j] == '^')) {
			if (i >= a.len)
				return -1;
			if (j >= b.len)
				return 1;
			if (a.ptr[i] != '^')
				return 1;
			if (b.ptr[j] != '^')
				return -1;
			i++;
			j++;
			continue;
		}
		if (i >= a.len || j >= b.len)
			break;

		digits = is_digit(a.ptr[i]);
		run_a = take_run(a, &i, digits);
		run_b = take_run(b, &j, digits);
		if (run_b.len == 0)
			return digits ? 1 : -1;
		r = digits ? compare_numbers(run_a, run_b) : compare_letters(run_a, run_b);
		if (r != 0)
			return r;
	}
	if (i >= a.len && j >= b.len)
		return 0;
	return i >= a.len ? -1 : 1;
}

static int invalid(const char *v, const char *reason, struct strata_error *err)
{
	return st_version_invalid(err, "rpm version", v, reason);
}

/* NOTE: rpm itself accepts any string as a version. strata rejects an
 * empty version, blanks and control bytes, which real versions do not
 * contain, so that a mangled advisory or argument is reported instead of
 * being compared. Bytes over 0x7f are accepted and act as separators, as
 * in rpmvercmp(). */
int st_rpm_version_parse(struct st_rpm_version *out, const char *v, struct strata_error *err)
{
	struct st_slice rest;
	size_t len;
	size_t i;

	memset(out, 0, sizeof(*out));
	out->epoch = st_slice_make("0", 1);
	if (v == NULL)
		return st_error_set(err, STRATA_EINVAL, "missing rpm version");
	len = strlen(v);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c <= 0x20 || c == 0x7f)
			return invalid(v, "blank or control character", err);
	}

	/* An epoch is a run of digits before the first ':'. A string whose
	 * first ':' follows anything else has no epoch; the ':' is then a
	 * separator inside the version, as in rpm. */
	rest = st_slice_make(v, len);
	for (i = 0; i < len && is_digit(v[i]); i++)
		;
	if (i < len && v[i] == ':') {
		out->has_epoch = true;
		if (i > 0)
			out->epoch = st_slice_make(v, i);
		rest = st_slice_make(v + i + 1, len - i - 1);
	}

	/* The release follows the last '-'. */
	out->version = rest;
	for (i = rest.len; i > 0; i--) {
		if (rest.ptr[i - 1] == '-') {
			out->version = st_slice_make(rest.ptr, i - 1);
			out->release = st_slice_make(rest.ptr + i, rest.len - i);
			out->has_release = true;
			break;
		}
	}
	if (out->version.len == 0)
		return invalid(v, "empty version", err);
	return 0;
}

/* rpmverCmp(): a missing epoch counts as 0, so "1.0-1" equals "0:1.0-1"
 * and is older than "1:0.5-1". The epochs compare as numbers of any
 * length. A missing release is older than any release, even an empty one
 * ("1.0" < "1.0-"). NOTE: rpm's dependency matching (rpmverOverlap())
 * instead lets a missing release match every release, but strata compares
 * whole versions. */
int st_rpm_version_cmp(const struct st_rpm_version *a, const struct st_rpm_version *b)
{
	int r = compare_numbers(a->epoch, b->epoch);

	if (r != 0)
		return r;
	r = st_rpmvercmp(a->version, b->version);
	if (r != 0)
		return r;
	if (a->has_release != b->has_release)
		return a->has_release ? 1 : -1;
	return st_rpmvercmp(a->release, b->release);
}

int st_rpm_version_compare(const char *a, const char *b, int *cmp, struct strata_error *err)
{
	struct st_rpm_version va;
	struct st_rpm_version vb;
	int rc;

	rc = st_rpm_version_parse(&va, a, err);
	if (rc < 0)
		return rc;
	rc = st_rpm_version_parse(&vb, b, err);
	if (rc < 0)
		return rc;
	*cmp = st_rpm_version_cmp(&va, &vb);
	return 0;
}

int st_rpm_version_validate(const char *v, struct strata_error *err)
{
	struct st_rpm_version parsed;

	return st_rpm_version_parse(&parsed, v, err);
}
