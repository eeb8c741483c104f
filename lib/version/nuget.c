/* NuGet versions, parsed as NuGet.Versioning's NuGetVersion.TryParse() and
 * ordered as its default VersionComparer:
 *
 * - one to four dot-separated numbers that fit in an Int32 (leading zeros
 *   allowed; missing ones are 0, so 1.0 == 1.0.0 == 1.0.0.0), then
 *   optionally '-' and dot-separated release labels of [0-9A-Za-z-]
 *   (numeric labels without leading zeros), then optionally '+' and build
 *   metadata, which the order ignores; blanks around are ignored;
 * - a version with release labels (a pre-release) sorts before the same
 *   version without; labels compare one by one: labels that Int32.TryParse
 *   reads ("12", "-1") as integers and before the others, which compare
 *   ignoring case; a missing label sorts first.
 *
 * NOTE: .NET's Int32 parsing also takes blanks and a '+' sign inside the
 * numbers ("1. 2"); strata rejects those. */
#include <string.h>

#include "version/langver.h"

#define KIND "NuGet version"

struct nuget {
	struct st_slice numbers[4];
	size_t nnumbers;
	struct st_slice labels; /* without the '-'; empty when absent */
};

static bool is_blank(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static bool is_label_char(char c)
{
	return st_version_is_alnum(c) || c == '-';
}

/* Reads an Int32 of digits at *I. */
static bool read_number(struct st_slice s, size_t *i, struct st_slice *out)
{
	size_t j = *i;
	uint64_t value;

	while (j < s.len && st_version_is_digit(s.ptr[j]))
		j++;
	*out = st_slice_make(s.ptr + *i, j - *i);
	if (j == *i || !st_slice_to_u64(*out, &value) || value > INT32_MAX)
		return false;
	*i = j;
	return true;
}

/* Reads dot-separated parts of [0-9A-Za-z-] after the '-' or '+' at *I;
 * with NO_LEADING_ZERO, an all-digit part may not start with '0'. */
static bool read_parts(struct st_slice s, size_t *i, bool no_leading_zero, struct st_slice *out)
{
	size_t start = *i + 1;
	size_t j = start;

	for (;;) {
		size_t part = j;

		while (j < s.len && is_label_char(s.ptr[j]))
			j++;
		if (j == part)
			return false;
		if (no_leading_zero && j - part > 1 && s.ptr[part] == '0' &&
		    st_version_all_digits(st_slice_make(s.ptr + part, j - part)))
			return false;
		if (j >= s.len || s.ptr[j] != '.')
			break;
		j++;
	}
	*out = st_slice_make(s.ptr + start, j - start);
	*i = j;
	return true;
}

static bool parse(struct nuget *v, struct st_slice s)
{
	struct st_slice metadata;
	size_t i = 0;

	while (s.len > 0 && is_blank(s.ptr[0])) {
		s.ptr++;
		s.len--;
	}
	while (s.len > 0 && is_blank(s.ptr[s.len - 1]))
		s.len--;
	v->nnumbers = 0;
	v->labels = st_slice_make("", 0);
	for (;;) {
		if (!read_number(s, &i, &v->numbers[v->nnumbers++]))
			return false;
		if (v->nnumbers == 4 || i >= s.len || s.ptr[i] != '.')
			break;
		i++;
	}
	if (i < s.len && s.ptr[i] == '-' && !read_parts(s, &i, true, &v->labels))
		return false;
	if (i < s.len && s.ptr[i] == '+' && !read_parts(s, &i, false, &metadata))
		return false;
	return i == s.len;
}

/* Int32.TryParse() on a label: an optional '-' and digits, in range. */
static bool label_int(struct st_slice s, int64_t *out)
{
	bool negative = s.len > 0 && s.ptr[0] == '-';
	struct st_slice digits = st_slice_make(s.ptr + negative, s.len - negative);
	uint64_t value;

	if (!st_version_all_digits(digits) || !st_slice_to_u64(digits, &value) ||
	    value > (uint64_t)INT32_MAX + negative)
		return false;
	*out = negative ? -(int64_t)value : (int64_t)value;
	return true;
}

static int cmp_labels(struct st_slice a, struct st_slice b)
{
	while (a.len > 0 || b.len > 0) {
		struct st_slice x, y;
		int64_t nx, ny;
		bool ix, iy;
		int rc;

		if (a.len == 0 || b.len == 0)
			return a.len == 0 ? -1 : 1;
		st_slice_split(&a, '.', &x);
		st_slice_split(&b, '.', &y);
		ix = label_int(x, &nx);
		iy = label_int(y, &ny);
		if (ix != iy)
			return ix ? -1 : 1;
		if (ix)
			rc = nx == ny ? 0 : (nx < ny ? -1 : 1);
		else
			rc = st_version_cmp_nocase(x, y);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int cmp_nuget(const struct nuget *a, const struct nuget *b)
{
	static const struct st_slice zero = {"0", 1};
	size_t i;
	int rc;

	for (i = 0; i < 4; i++) {
		rc = st_version_cmp_digits(i < a->nnumbers ? a->numbers[i] : zero,
					   i < b->nnumbers ? b->numbers[i] : zero);
		if (rc != 0)
			return rc;
	}
	if ((a->labels.len == 0) != (b->labels.len == 0))
		return a->labels.len == 0 ? 1 : -1;
	return cmp_labels(a->labels, b->labels);
}

static int parse_input(struct nuget *v, const char *s, struct strata_error *err)
{
	size_t len;
	int rc;

	rc = st_version_check_input(KIND, s, &len, err);
	if (rc < 0)
		return rc;
	if (!parse(v, st_slice_make(s, len)))
		return st_version_invalid(err, KIND, s, "not a NuGet version");
	return 0;
}

int st_nuget_compare(const char *a, const char *b, int *cmp, struct strata_error *err)
{
	struct nuget va;
	struct nuget vb;
	int rc;

	rc = parse_input(&va, a, err);
	if (rc == 0)
		rc = parse_input(&vb, b, err);
	if (rc == 0)
		*cmp = cmp_nuget(&va, &vb);
	return rc;
}

int st_nuget_validate(const char *v, struct strata_error *err)
{
	struct nuget n;

	return parse_input(&n, v, err);
}
