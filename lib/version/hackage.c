/* Hackage (Haskell) versions: Cabal's Version, numbers separated by dots.
 * Cabal allows at most nine digits per number and no leading zeros, and
 * orders versions as lists of numbers: 1.0 < 1.0.0 < 1.0.1. */
#include <string.h>

#include "version/langver.h"

#define KIND "Hackage version"

/* Cabal's limit on the digits of one number, which keeps it in an Int. */
#define MAX_DIGITS 9

static const char *check(struct st_slice s)
{
	struct st_slice part;

	if (s.len == 0)
		return "empty version";
	while (s.len > 0) {
		bool last = memchr(s.ptr, '.', s.len) == NULL;

		st_slice_split(&s, '.', &part);
		if (!st_version_all_digits(part))
			return "expected numbers separated by dots";
		if (part.len > 1 && part.ptr[0] == '0')
			return "number with a leading zero";
		if (part.len > MAX_DIGITS)
			return "number longer than 9 digits";
		if (!last && s.len == 0)
			return "expected numbers separated by dots";
	}
	return NULL;
}

static int parse_input(const char *v, struct st_slice *out, struct strata_error *err)
{
	const char *reason;
	size_t len;
	int rc;

	rc = st_version_check_input(KIND, v, &len, err);
	if (rc < 0)
		return rc;
	*out = st_slice_make(v, len);
	reason = check(*out);
	if (reason != NULL)
		return st_version_invalid(err, KIND, v, reason);
	return 0;
}

int st_hackage_compare(const char *a, const char *b, int *cmp, struct strata_error *err)
{
	struct st_slice sa;
	struct st_slice sb;
	int rc;

	rc = parse_input(a, &sa, err);
	if (rc == 0)
		rc = parse_input(b, &sb, err);
	if (rc < 0)
		return rc;
	while (sa.len > 0 && sb.len > 0) {
		struct st_slice x, y;

		st_slice_split(&sa, '.', &x);
		st_slice_split(&sb, '.', &y);
		rc = st_version_cmp_digits(x, y);
		if (rc != 0)
			break;
	}
	if (rc == 0 && sa.len != sb.len)
		rc = sa.len == 0 ? -1 : 1;
	*cmp = rc;
	return 0;
}

int st_hackage_validate(const char *v, struct strata_error *err)
{
	int cmp;

	return st_hackage_compare(v, v, &cmp, err);
}
