/* Debian package versions, parsed and ordered as dpkg does. The format is
 * deb-version(7). The parse checks follow parseversion() in dpkg's
 * lib/dpkg/parsehelp.c, and the ordering follows dpkg's verrevcmp(). */
#include <stdint.h>
#include <string.h>

#include "version/version.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* ASCII only, as dpkg's c_isalpha(): bytes over 0x7f are not letters. */
static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* dpkg trims and splits on c_isblank(): space and tab only. */
static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int invalid(const char *v, const char *reason, struct strata_error *err)
{
	return st_version_invalid(err, "debian version", v, reason);
}

/* Finds the version between the blanks around it; blanks inside it are an
 * error. */
static int trim_blanks(struct st_slice *out, const char *v, struct strata_error *err)
{
	size_t start = 0;
	size_t end;
	size_t i;

	while (is_blank(v[start]))
		start++;
	end = start;
	while (v[end] != '\0' && !is_blank(v[end]))
		end++;
	i = end;
	while (is_blank(v[i]))
		i++;
	if (v[i] != '\0')
		return invalid(v, "embedded blank", err);
	if (end == start)
		return invalid(v, "empty version", err);
	*out = st_slice_make(v + start, end - start);
	return 0;
}

/* dpkg stores the epoch in an int and rejects what does not fit. dpkg
 * reads the epoch with strtol(), which also takes a sign ("+1:2.0"), but
 * strata takes digits only. */
static int parse_epoch(uint32_t *out, struct st_slice text, const char *v,
		       struct strata_error *err)
{
	uint64_t n;
	size_t i;

	if (text.len == 0)
		return invalid(v, "empty epoch before ':'", err);
	for (i = 0; i < text.len; i++) {
		if (!is_digit(text.ptr[i]))
			return invalid(v, "epoch is not a number", err);
	}
	if (!st_slice_to_u64(text, &n) || n > INT32_MAX)
		return invalid(v, "epoch is too large", err);
	*out = (uint32_t)n;
	return 0;
}

/* The upstream version starts with a digit and contains only alphanumerics
 * and ". + ~ - :" ('-' and ':' can appear only because the revision is
 * split at the last '-' and the epoch at the first ':'). dpkg only warns
 * about these two rules; see st_dpkg_version_parse. */
static int check_upstream(struct st_slice up, const char *v, struct strata_error *err)
{
	size_t i;

	if (up.len == 0)
		return invalid(v, "empty upstream version", err);
	if (!is_digit(up.ptr[0]))
		return invalid(v, "upstream version does not start with a digit", err);
	for (i = 1; i < up.len; i++) {
		char c = up.ptr[i];

		if (!is_digit(c) && !is_alpha(c) && strchr(".-+~:", c) == NULL)
			return invalid(v, "invalid character in upstream version", err);
	}
	return 0;
}

static int check_revision(struct st_slice rev, const char *v, struct strata_error *err)
{
	size_t i;

	for (i = 0; i < rev.len; i++) {
		char c = rev.ptr[i];

		if (!is_digit(c) && !is_alpha(c) && strchr(".+~", c) == NULL)
			return invalid(v, "invalid character in revision", err);
	}
	return 0;
}

/* NOTE: dpkg accepts an upstream version that does not start with a digit,
 * or that contains other characters, with only a warning when it reads its
 * status database. strata rejects such versions (dpkg's own tests count
 * them as failed parses), so comparing one gives STRATA_EINVAL. An empty
 * revision ("1.0-") is accepted, as dpkg's parse tests expect, although
 * dpkg 1.21.22 rejects it ("revision number is empty"). */
int st_dpkg_version_parse(struct st_dpkg_version *out, const char *v,
			  struct strata_error *err)
{
	struct st_slice s = {"", 0};
	struct st_slice rest;
	const char *colon;
	size_t hyphen;
	int rc;

	out->epoch = 0;
	out->upstream = st_slice_make("", 0);
	out->revision = st_slice_make("", 0);
	if (v == NULL)
		return st_error_set(err, STRATA_EINVAL, "missing debian version");
	rc = trim_blanks(&s, v, err);
	if (rc < 0)
		return rc;

	rest = s;
	colon = memchr(s.ptr, ':', s.len);
	if (colon != NULL) {
		size_t epoch_len = (size_t)(colon - s.ptr);

		rc = parse_epoch(&out->epoch, st_slice_make(s.ptr, epoch_len), v, err);
		if (rc < 0)
			return rc;
		rest = st_slice_make(colon + 1, s.len - epoch_len - 1);
		if (rest.len == 0)
			return invalid(v, "nothing after the epoch", err);
	}

	out->upstream = rest;
	for (hyphen = rest.len; hyphen > 0; hyphen--) {
		if (rest.ptr[hyphen - 1] == '-') {
			out->upstream = st_slice_make(rest.ptr, hyphen - 1);
			out->revision = st_slice_make(rest.ptr + hyphen, rest.len - hyphen);
			break;
		}
	}

	rc = check_upstream(out->upstream, v, err);
	if (rc < 0)
		return rc;
	return check_revision(out->revision, v, err);
}

/* Returns the weight of the character at I of S in a non-digit run. '~'
 * sorts before everything, even the end of the part. Next come the end
 * (or a digit, which ends the run), then letters, then all other
 * characters. */
static int char_order(struct st_slice s, size_t i)
{
	char c;

	if (i >= s.len)
		return 0;
	c = s.ptr[i];
	if (is_digit(c))
		return 0;
	if (is_alpha(c))
		return (unsigned char)c;
	if (c == '~')
		return -1;
	return (unsigned char)c + 256;
}

/* Compares the digit runs that start at *I in A and *J in B by value,
 * advancing both past them. Leading zeros are skipped and the rest is
 * compared by length, then bytewise, so runs of any length work. */
static int compare_digits(struct st_slice a, size_t *i, struct st_slice b, size_t *j)
{
	size_t a_start;
	size_t b_start;
	size_t a_len;
	size_t b_len;
	int r;

	while (*i < a.len && a.ptr[*i] == '0')
		(*i)++;
	while (*j < b.len && b.ptr[*j] == '0')
		(*j)++;
	a_start = *i;
	b_start = *j;
	while (*i < a.len && is_digit(a.ptr[*i]))
		(*i)++;
	while (*j < b.len && is_digit(b.ptr[*j]))
		(*j)++;
	a_len = *i - a_start;
	b_len = *j - b_start;
	if (a_len != b_len)
		return a_len < b_len ? -1 : 1;
	if (a_len == 0)
		return 0;
	r = memcmp(a.ptr + a_start, b.ptr + b_start, a_len);
	return r < 0 ? -1 : r > 0;
}

/* Compares one part (upstream version or revision): alternating runs of
 * non-digits, compared by char_order, and digits, compared by value. */
static int compare_part(struct st_slice a, struct st_slice b)
{
	size_t i = 0;
	size_t j = 0;

	while (i < a.len || j < b.len) {
		int r;

		while ((i < a.len && !is_digit(a.ptr[i])) || (j < b.len && !is_digit(b.ptr[j]))) {
			int ac = char_order(a, i);
			int bc = char_order(b, j);

			if (ac != bc)
				return ac < bc ? -1 : 1;
			/* Equal weights outside a digit run mean the same
			 * character on both sides, so neither is at its end. */
			i++;
			j++;
		}
		r = compare_digits(a, &i, b, &j);
		if (r != 0)
			return r;
	}
	return 0;
}

int st_dpkg_version_cmp(const struct st_dpkg_version *a, const struct st_dpkg_version *b)
{
	int r;

	if (a->epoch != b->epoch)
		return a->epoch < b->epoch ? -1 : 1;
	r = compare_part(a->upstream, b->upstream);
	if (r != 0)
		return r;
	return compare_part(a->revision, b->revision);
}

int st_dpkg_version_compare(const char *a, const char *b, int *cmp, struct strata_error *err)
{
	struct st_dpkg_version va;
	struct st_dpkg_version vb;
	int rc;

	rc = st_dpkg_version_parse(&va, a, err);
	if (rc < 0)
		return rc;
	rc = st_dpkg_version_parse(&vb, b, err);
	if (rc < 0)
		return rc;
	*cmp = st_dpkg_version_cmp(&va, &vb);
	return 0;
}
