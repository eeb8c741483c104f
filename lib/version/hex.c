/* Strict Semantic Versioning 2.0.0, for Hex (Elixir's Version module) and
 * Cargo (cargo.c): MAJOR.MINOR.PATCH[-PRE][+BUILD] with no leading zeros
 * in numbers or numeric pre-release identifiers, no 'v' and no blanks.
 * Precedence is SemVer's: numbers compare numerically, a pre-release
 * sorts before its release, numeric identifiers before alphanumeric ones
 * (compared as bytes), a shorter identifier list first; build metadata
 * does not count. Elixir compares numbers of any size, and so does
 * strata; cargo.c also rejects numbers beyond 64 bits, as the semver
 * crate does. */
#include <string.h>

#include "version/langver.h"

struct semver2 {
	struct st_slice major;
	struct st_slice minor;
	struct st_slice patch;
	struct st_slice pre; /* without the '-'; empty when absent */
};

/* Reads a number at *I: digits without a leading zero, which must fit in
 * 64 bits when U64_ONLY. Returns NULL or the reason it is invalid. */
static const char *read_number(struct st_slice s, size_t *i, bool u64_only,
			       struct st_slice *out)
{
	size_t j = *i;
	uint64_t value;

	while (j < s.len && st_version_is_digit(s.ptr[j]))
		j++;
	if (j == *i)
		return "expected MAJOR.MINOR.PATCH";
	if (s.ptr[*i] == '0' && j - *i > 1)
		return "number with a leading zero";
	*out = st_slice_make(s.ptr + *i, j - *i);
	if (u64_only && !st_slice_to_u64(*out, &value))
		return "number larger than 64 bits";
	*i = j;
	return NULL;
}

/* Reads the dot-separated identifiers of [0-9A-Za-z-] after the '-' or '+'
 * at *I; numeric pre-release identifiers may not have leading zeros. */
static const char *read_identifiers(struct st_slice s, size_t *i, bool pre, struct st_slice *out)
{
	size_t start = *i + 1;
	size_t j = start;

	for (;;) {
		size_t id = j;
		bool digits = true;

		while (j < s.len && (st_version_is_alnum(s.ptr[j]) || s.ptr[j] == '-')) {
			if (!st_version_is_digit(s.ptr[j]))
				digits = false;
			j++;
		}
		if (j == id)
			return pre ? "empty pre-release identifier" : "empty build identifier";
		if (pre && digits && s.ptr[id] == '0' && j - id > 1)
			return "pre-release number with a leading zero";
		if (j >= s.len || s.ptr[j] != '.')
			break;
		j++;
	}
	*out = st_slice_make(s.ptr + start, j - start);
	*i = j;
	return NULL;
}

static const char *parse(struct semver2 *v, struct st_slice s, bool u64_only)
{
	struct st_slice build;
	const char *reason;
	size_t i = 0;

	v->pre = st_slice_make("", 0);
	reason = read_number(s, &i, u64_only, &v->major);
	if (reason == NULL && (i >= s.len || s.ptr[i++] != '.'))
		reason = "expected MAJOR.MINOR.PATCH";
	if (reason == NULL)
		reason = read_number(s, &i, u64_only, &v->minor);
	if (reason == NULL && (i >= s.len || s.ptr[i++] != '.'))
		reason = "expected MAJOR.MINOR.PATCH";
	if (reason == NULL)
		reason = read_number(s, &i, u64_only, &v->patch);
	if (reason == NULL && i < s.len && s.ptr[i] == '-')
		reason = read_identifiers(s, &i, true, &v->pre);
	if (reason == NULL && i < s.len && s.ptr[i] == '+')
		reason = read_identifiers(s, &i, false, &build);
	if (reason == NULL && i != s.len)
		reason = "invalid character after the version";
	return reason;
}

static int cmp_prerelease(struct st_slice a, struct st_slice b)
{
	if (a.len == 0 || b.len == 0)
		return a.len == b.len ? 0 : (a.len == 0 ? 1 : -1);
	while (a.len > 0 && b.len > 0) {
		struct st_slice x, y;
		bool dx, dy;
		int rc;

		st_slice_split(&a, '.', &x);
		st_slice_split(&b, '.', &y);
		dx = st_version_all_digits(x);
		dy = st_version_all_digits(y);
		if (dx != dy)
			return dx ? -1 : 1;
		rc = dx ? st_version_cmp_digits(x, y) : st_version_cmp_bytes(x, y);
		if (rc != 0)
			return rc;
	}
	if (a.len != b.len)
		return a.len == 0 ? -1 : 1;
	return 0;
}

static int parse_input(struct semver2 *v, const char *kind, const char *s, bool u64_only,
		       struct strata_error *err)
{
	const char *reason;
	size_t len;
	int rc;

	rc = st_version_check_input(kind, s, &len, err);
	if (rc < 0)
		return rc;
	reason = parse(v, st_slice_make(s, len), u64_only);
	if (reason != NULL)
		return st_version_invalid(err, kind, s, reason);
	return 0;
}

int st_semver2_compare(const char *kind, bool u64_only, const char *a, const char *b, int *cmp,
		       struct strata_error *err)
{
	struct semver2 va;
	struct semver2 vb;
	int rc;

	rc = parse_input(&va, kind, a, u64_only, err);
	if (rc == 0)
		rc = parse_input(&vb, kind, b, u64_only, err);
	if (rc < 0)
		return rc;
	rc = st_version_cmp_digits(va.major, vb.major);
	if (rc == 0)
		rc = st_version_cmp_digits(va.minor, vb.minor);
	if (rc == 0)
		rc = st_version_cmp_digits(va.patch, vb.patch);
	if (rc == 0)
		rc = cmp_prerelease(va.pre, vb.pre);
	*cmp = rc;
	return 0;
}

int st_hex_compare(const char *a, const char *b, int *cmp, struct strata_error *err)
{
	return st_semver2_compare("Hex version", false, a, b, cmp, err);
}

int st_hex_validate(const char *v, struct strata_error *err)
{
	int cmp;

	return st_hex_compare(v, v, &cmp, err);
}
