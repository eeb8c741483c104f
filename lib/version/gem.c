/* RubyGems versions, parsed and ordered as Gem::Version (RubyGems 3):
 *
 * - valid: optional blanks, then a number, then ".SEGMENT"s of
 *   [0-9A-Za-z], then optionally "-" and dot-separated [0-9A-Za-z-]
 *   parts, then optional blanks; a blank string is version 0;
 * - each '-' stands for ".pre.", so "1.0-beta" is 1.0.pre.beta;
 * - the version splits into runs of digits (numbers) and of letters
 *   (strings, case-sensitive);
 * - trailing zeros are dropped from the numbers before the first string
 *   and from the segments after it, so 1.0 == 1 and 1.0.a == 1.a;
 * - segments compare one by one, a missing one counting as 0: numbers
 *   numerically, strings bytewise, and a string before any number, so
 *   1.0.a (a pre-release) < 1.0 < 1.0.1. */
#include <stdlib.h>
#include <string.h>

#include "version/langver.h"

#define KIND "RubyGems version"

/* Each '-' adds a "pre" segment next to the segments around it. */
#define MAX_SEGMENTS (ST_VERSION_MAX_LEN + 1)

struct segment {
	struct st_slice text;
	bool number;
};

struct gem {
	struct segment segs[MAX_SEGMENTS];
	size_t n;
};

/* Ruby's \s: space, \t, \n, \v, \f, \r. */
static bool is_blank(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Gem::Version.correct?() on S without surrounding blanks. */
static bool is_correct(struct st_slice s)
{
	size_t i = 0;

	if (s.len == 0)
		return true;
	while (i < s.len && st_version_is_digit(s.ptr[i]))
		i++;
	if (i == 0)
		return false;
	while (i < s.len && s.ptr[i] == '.') {
		size_t start = ++i;

		while (i < s.len && st_version_is_alnum(s.ptr[i]))
			i++;
		if (i == start)
			return false;
	}
	if (i == s.len)
		return true;
	if (s.ptr[i] != '-')
		return false;
	for (;;) {
		size_t start = ++i;

		while (i < s.len && (st_version_is_alnum(s.ptr[i]) || s.ptr[i] == '-'))
			i++;
		if (i == start)
			return false;
		if (i == s.len)
			return true;
		if (s.ptr[i] != '.')
			return false;
	}
}

/* The segments of S: Ruby's scan(/[0-9]+|[a-z]+/i) on S with each '-'
 * replaced by ".pre.". */
static void split_segments(struct gem *g, struct st_slice s)
{
	size_t i = 0;

	g->n = 0;
	while (i < s.len) {
		size_t start = i;

		if (s.ptr[i] == '-') {
			g->segs[g->n].text = st_slice_cstr("pre");
			g->segs[g->n++].number = false;
			i++;
			continue;
		}
		if (st_version_is_digit(s.ptr[i])) {
			while (i < s.len && st_version_is_digit(s.ptr[i]))
				i++;
		} else if (st_version_is_alpha(s.ptr[i])) {
			while (i < s.len && st_version_is_alpha(s.ptr[i]))
				i++;
		} else {
			i++;
			continue;
		}
		g->segs[g->n].text = st_slice_make(s.ptr + start, i - start);
		g->segs[g->n++].number = st_version_is_digit(s.ptr[start]);
	}
	if (g->n == 0) {
		g->segs[0].text = st_slice_cstr("0");
		g->segs[0].number = true;
		g->n = 1;
	}
}

static bool is_zero(const struct segment *seg)
{
	return seg->number && st_version_cmp_digits(seg->text, st_slice_cstr("0")) == 0;
}

/* canonical_segments: drops the trailing zeros of the numeric part (the
 * segments before the first string) and of the rest. */
static void canonicalize(struct gem *g)
{
	size_t first_string = 0;
	size_t end;

	while (first_string < g->n && g->segs[first_string].number)
		first_string++;
	end = g->n;
	while (end > first_string && is_zero(&g->segs[end - 1]))
		end--;
	g->n = end;
	end = first_string;
	while (end > 0 && is_zero(&g->segs[end - 1]))
		end--;
	if (end < first_string) {
		memmove(g->segs + end, g->segs + first_string,
			(g->n - first_string) * sizeof(g->segs[0]));
		g->n -= first_string - end;
	}
}

static int cmp_segments(const struct gem *a, const struct gem *b)
{
	static const struct segment zero = {{"0", 1}, true};
	size_t n = a->n > b->n ? a->n : b->n;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct segment *x = i < a->n ? &a->segs[i] : &zero;
		const struct segment *y = i < b->n ? &b->segs[i] : &zero;
		int rc;

		if (x->number != y->number)
			return x->number ? 1 : -1;
		if (x->number)
			rc = st_version_cmp_digits(x->text, y->text);
		else
			rc = st_version_cmp_bytes(x->text, y->text);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int parse_input(struct gem *g, const char *v, struct strata_error *err)
{
	struct st_slice s;
	size_t len;
	int rc;

	rc = st_version_check_input(KIND, v, &len, err);
	if (rc < 0)
		return rc;
	s = st_slice_make(v, len);
	while (s.len > 0 && is_blank(s.ptr[0])) {
		s.ptr++;
		s.len--;
	}
	while (s.len > 0 && is_blank(s.ptr[s.len - 1]))
		s.len--;
	if (!is_correct(s))
		return st_version_invalid(err, KIND, v, "malformed version number string");
	split_segments(g, s);
	canonicalize(g);
	return 0;
}

int st_gem_compare(const char *a, const char *b, int *cmp, struct strata_error *err)
{
	struct gem *ga;
	struct gem *gb;
	int rc;

	ga = st_calloc(2, sizeof(*ga));
	if (ga == NULL)
		return st_error_set(err, STRATA_ENOMEM,
				    "out of memory comparing RubyGems versions");
	gb = ga + 1;
	rc = parse_input(ga, a, err);
	if (rc == 0)
		rc = parse_input(gb, b, err);
	if (rc == 0)
		*cmp = cmp_segments(ga, gb);
	free(ga);
	return rc;
}

int st_gem_validate(const char *v, struct strata_error *err)
{
	int cmp;

	return st_gem_compare(v, v, &cmp, err);
}
