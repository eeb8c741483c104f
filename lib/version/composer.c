/* Composer (Packagist) versions, ordered as PHP's version_compare(), which
 * Composer's Comparator uses, after one leading 'v' or 'V' is dropped as
 * Composer and OSV's Packagist data drop it.
 *
 * version_compare() first rewrites a version: '-', '_' and '+' become '.',
 * a '.' goes between digits and other characters ("1.0rc1" is
 * "1.0.rc.1"), and runs of dots collapse. It then compares the
 * dot-separated parts in turn: numbers numerically; words by the special
 * form they start with, dev < alpha = a < beta = b < RC = rc < # < pl =
 * p, any other word (and an empty part) before dev; a number against a
 * word as if it were "#". When one version has more parts, its next part
 * decides: a number makes it greater, a word compares with "#", so
 * 1.0 < 1.0.1 but 1.0rc1 < 1.0.
 *
 * NOTE: PHP reads numbers with strtol(), so numbers beyond its long range
 * compare equal there; strata compares numbers of any length. PHP also
 * turns punctuation other than "-_+." into dots ("1.2.3.#" is "1.2.3."),
 * where strata keeps it as a word character, as osv-scalibr does
 * ("1.2.3.#" equals 1.2.3.1). Composer normalizes versions ("1.0" to
 * "1.0.0.0") before comparing; that step is the caller's, since OSV
 * compares the versions as published. */
#include <string.h>

#include "version/langver.h"

#define KIND "Composer version"

/* A rewritten version is at most twice as long: one dot per byte. */
#define CANONICAL_MAX (2 * ST_VERSION_MAX_LEN)

static bool is_special(char c)
{
	return c == '-' || c == '_' || c == '+';
}

/* PHP's isdig() and isndig(): '.' is neither. */
static bool is_dig(char c)
{
	return st_version_is_digit(c);
}

static bool is_ndig(char c)
{
	return !st_version_is_digit(c) && c != '.';
}

/* php_canonicalize_version(), except that punctuation stays a word
 * character. The first byte is copied as it is, as PHP does. Returns the
 * length written to DST. */
static size_t canonicalize(char *dst, struct st_slice s)
{
	size_t q = 0;
	char lp;
	size_t i;

	dst[q++] = lp = s.ptr[0];
	for (i = 1; i < s.len; i++) {
		char c = s.ptr[i];
		char lq = dst[q - 1];

		if (is_special(c) || c == '.') {
			if (lq != '.')
				dst[q++] = '.';
		} else if ((is_ndig(lp) && is_dig(c)) || (is_dig(lp) && is_ndig(c))) {
			if (lq != '.')
				dst[q++] = '.';
			dst[q++] = c;
		} else {
			dst[q++] = c;
		}
		lp = c;
	}
	return q;
}

/* compare_special_version_forms(): the order of the first special form
 * that W starts with, or -1. */
static int form_order(struct st_slice w)
{
	static const struct {
		const char *prefix;
		int order;
	} forms[] = {
		{"dev", 0}, {"alpha", 1}, {"a", 1}, {"beta", 2}, {"b", 2},
		{"RC", 3},  {"rc", 3},    {"#", 4}, {"pl", 5},   {"p", 5},
	};
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(forms); i++) {
		if (st_slice_starts_with(w, forms[i].prefix))
			return forms[i].order;
	}
	return -1;
}

static bool starts_with_digit(struct st_slice s)
{
	return s.len > 0 && st_version_is_digit(s.ptr[0]);
}

static int cmp_part(struct st_slice x, struct st_slice y)
{
	static const struct st_slice number = {"#N#", 3};
	int fx, fy;

	if (starts_with_digit(x) && starts_with_digit(y))
		return st_version_cmp_digits(x, y);
	fx = form_order(starts_with_digit(x) ? number : x);
	fy = form_order(starts_with_digit(y) ? number : y);
	return fx == fy ? 0 : (fx < fy ? -1 : 1);
}

/* Splits the part before the next '.' off *S into *PART; returns whether
 * a '.' followed it (PHP's n1 != NULL). */
static bool next_part(struct st_slice *s, struct st_slice *part)
{
	const char *dot = memchr(s->ptr, '.', s->len);

	if (dot == NULL) {
		*part = *s;
		s->ptr += s->len;
		s->len = 0;
		return false;
	}
	*part = st_slice_make(s->ptr, (size_t)(dot - s->ptr));
	s->len -= part->len + 1;
	s->ptr = dot + 1;
	return true;
}

/* php_version_compare() on rewritten versions. PHP's loop also stops at
 * an empty part (after a trailing separator), and then compares only the
 * rest of the first version with "#N#", so that "1." < "1." there. An
 * empty part here is a word like any other, before every special form;
 * this differs from PHP only for versions with such a part. */
static int cmp_canonical(struct st_slice a, struct st_slice b)
{
	static const struct st_slice number = {"#N#", 3};
	bool more_a = true;
	bool more_b = true;
	int rc = 0;

	if (a.len == 0 || b.len == 0)
		return a.len == b.len ? 0 : (a.len == 0 ? -1 : 1);
	while (more_a && more_b) {
		struct st_slice x, y;

		more_a = next_part(&a, &x);
		more_b = next_part(&b, &y);
		rc = cmp_part(x, y);
		if (rc != 0)
			return rc;
	}
	if (more_a)
		return starts_with_digit(a) ? 1 : cmp_canonical(a, number);
	if (more_b)
		return starts_with_digit(b) ? -1 : cmp_canonical(number, b);
	return 0;
}

static int parse_input(char *canonical, size_t *n, const char *s, struct strata_error *err)
{
	struct st_slice text;
	size_t len;
	size_t i;
	int rc;

	rc = st_version_check_input(KIND, s, &len, err);
	if (rc < 0)
		return rc;
	text = st_slice_make(s, len);
	if (text.len > 0 && (text.ptr[0] == 'v' || text.ptr[0] == 'V')) {
		text.ptr++;
		text.len--;
	}
	if (text.len == 0)
		return st_version_invalid(err, KIND, s, "empty version");
	for (i = 0; i < text.len; i++) {
		if (text.ptr[i] <= ' ' || text.ptr[i] >= 0x7f)
			return st_version_invalid(err, KIND, s, "blank, control or non-ASCII byte");
	}
	*n = canonicalize(canonical, text);
	return 0;
}

int st_composer_compare(const char *a, const char *b, int *cmp, struct strata_error *err)
{
	char ca[CANONICAL_MAX];
	char cb[CANONICAL_MAX];
	size_t na;
	size_t nb;
	int rc;

	rc = parse_input(ca, &na, a, err);
	if (rc == 0)
		rc = parse_input(cb, &nb, b, err);
	if (rc == 0)
		*cmp = cmp_canonical(st_slice_make(ca, na), st_slice_make(cb, nb));
	return rc;
}

int st_composer_validate(const char *v, struct strata_error *err)
{
	char canonical[CANONICAL_MAX];
	size_t n;

	return parse_input(canonical, &n, v, err);
}
