/* Pub (Dart) versions, parsed and ordered as package:pub_semver's Version:
 * MAJOR.MINOR.PATCH[-PRE][+BUILD], numbers with leading zeros allowed.
 * Unlike Semantic Versioning, pub orders build metadata too: a version
 * without build sorts before the same version with one ("1.0.0" <
 * "1.0.0+1"). Pre-release and build identifiers compare one by one:
 * identifiers that Dart's int.tryParse() reads as integers compare as
 * integers and before the others, which compare case-sensitively; a
 * missing identifier sorts first.
 *
 * NOTE: pub_semver rejects a MAJOR, MINOR or PATCH beyond 64 bits; strata
 * accepts and compares numbers of any length there. */
#include <string.h>

#include "version/langver.h"

#define KIND "Pub version"

struct pub {
	struct st_slice major;
	struct st_slice minor;
	struct st_slice patch;
	struct st_slice pre;   /* without the '-'; empty when absent */
	struct st_slice build; /* without the '+'; empty when absent */
};

static bool read_number(struct st_slice s, size_t *i, struct st_slice *out)
{
	size_t j = *i;

	while (j < s.len && st_version_is_digit(s.ptr[j]))
		j++;
	if (j == *i)
		return false;
	*out = st_slice_make(s.ptr + *i, j - *i);
	*i = j;
	return true;
}

/* Reads "[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*" after the '-' or '+' at *I. */
static bool read_identifiers(struct st_slice s, size_t *i, struct st_slice *out)
{
	size_t start = *i + 1;
	size_t j = start;

	for (;;) {
		size_t id = j;

		while (j < s.len && (st_version_is_alnum(s.ptr[j]) || s.ptr[j] == '-'))
			j++;
		if (j == id)
			return false;
		if (j >= s.len || s.ptr[j] != '.')
			break;
		j++;
	}
	*out = st_slice_make(s.ptr + start, j - start);
	*i = j;
	return true;
}

static bool parse(struct pub *v, struct st_slice s)
{
	size_t i = 0;

	v->pre = v->build = st_slice_make("", 0);
	if (!read_number(s, &i, &v->major) || i >= s.len || s.ptr[i++] != '.' ||
	    !read_number(s, &i, &v->minor) || i >= s.len || s.ptr[i++] != '.' ||
	    !read_number(s, &i, &v->patch))
		return false;
	if (i < s.len && s.ptr[i] == '-' && !read_identifiers(s, &i, &v->pre))
		return false;
	if (i < s.len && s.ptr[i] == '+' && !read_identifiers(s, &i, &v->build))
		return false;
	return i == s.len;
}

/* Dart's int.tryParse() on an identifier: an optional '-', then decimal
 * digits that fit in a signed 64-bit integer, or "0x" and at most 16 hex
 * digits, whose 64 bits Dart reads as a signed integer. */
static bool dart_int(struct st_slice s, int64_t *out)
{
	bool negative = false;
	uint64_t value = 0;
	uint64_t limit;
	size_t i = 0;
	size_t digits = 0;

	if (s.len > 0 && s.ptr[0] == '-') {
		negative = true;
		i = 1;
	}
	if (s.len - i > 2 && s.ptr[i] == '0' && (s.ptr[i + 1] == 'x' || s.ptr[i + 1] == 'X')) {
		for (i += 2; i < s.len; i++) {
			char c = st_version_lower(s.ptr[i]);
			unsigned d;

			if (st_version_is_digit(c))
				d = (unsigned)(c - '0');
			else if (c >= 'a' && c <= 'f')
				d = (unsigned)(c - 'a' + 10);
			else
				return false;
			if (value != 0 || d != 0)
				digits++;
			if (digits > 16)
				return false;
			value = value << 4 | d;
		}
		*out = negative ? (int64_t)(0 - value) : (int64_t)value;
		return true;
	}
	if (!st_version_all_digits(st_slice_make(s.ptr + i, s.len - i)) ||
	    !st_slice_to_u64(st_slice_make(s.ptr + i, s.len - i), &value))
		return false;
	limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	if (value > limit)
		return false;
	*out = negative ? (int64_t)(0 - value) : (int64_t)value;
	return true;
}

/* pub_semver's _compareLists() on two dot-separated identifier lists. */
static int cmp_lists(struct st_slice a, struct st_slice b)
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
		ix = dart_int(x, &nx);
		iy = dart_int(y, &ny);
		if (ix != iy)
			return ix ? -1 : 1;
		if (ix)
			rc = nx == ny ? 0 : (nx < ny ? -1 : 1);
		else
			rc = st_version_cmp_bytes(x, y);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int cmp_pub(const struct pub *a, const struct pub *b)
{
	int rc = st_version_cmp_digits(a->major, b->major);

	if (rc == 0)
		rc = st_version_cmp_digits(a->minor, b->minor);
	if (rc == 0)
		rc = st_version_cmp_digits(a->patch, b->patch);
	if (rc != 0)
		return rc;
	/* a pre-release sorts before its release */
	if ((a->pre.len == 0) != (b->pre.len == 0))
		return a->pre.len == 0 ? 1 : -1;
	rc = cmp_lists(a->pre, b->pre);
	if (rc != 0)
		return rc;
	/* a build sorts after no build */
	if ((a->build.len == 0) != (b->build.len == 0))
		return a->build.len == 0 ? -1 : 1;
	return cmp_lists(a->build, b->build);
}

static int parse_input(struct pub *v, const char *s, struct strata_error *err)
{
	size_t len;
	int rc;

	rc = st_version_check_input(KIND, s, &len, err);
	if (rc < 0)
		return rc;
	if (!parse(v, st_slice_make(s, len)))
		return st_version_invalid(err, KIND, s, "expected MAJOR.MINOR.PATCH[-PRE][+BUILD]");
	return 0;
}

int st_pub_compare(const char *a, const char *b, int *cmp, struct strata_error *err)
{
	struct pub va;
	struct pub vb;
	int rc;

	rc = parse_input(&va, a, err);
	if (rc == 0)
		rc = parse_input(&vb, b, err);
	if (rc == 0)
		*cmp = cmp_pub(&va, &vb);
	return rc;
}

int st_pub_validate(const char *v, struct strata_error *err)
{
	struct pub p;

	return parse_input(&p, v, err);
}
