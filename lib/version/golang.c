/* Go versions: module versions, parsed and ordered as golang.org/x/mod/
 * semver does (Semantic Versioning 2.0.0 with a leading 'v' and the
 * shorthands "v1" and "v1.2" for v1.0.0 and v1.2.0), and Go toolchain
 * versions.
 *
 * Pseudo-versions ("v0.0.0-20191109021931-daa7c04131f5",
 * "v1.2.4-0.20191109021931-daa7c04131f5") are pre-releases and need no
 * rule of their own; "+incompatible" is build metadata, which the order
 * ignores. OSV writes module versions without the 'v' ("1.2.3"); such a
 * version is read as if it had one.
 *
 * A toolchain version ("go1.21.3", "go1.21rc2", or "1.21rc2" without the
 * prefix) is first written as the module version that OSV's Go
 * vulnerability database uses for the standard library: go1.21 is
 * v1.21.0, go1.21rc2 is v1.21.0-rc.2, go1.9beta1 is v1.9.0-beta.1. Text
 * after a blank ("go1.21.3 X:boringcrypto") is ignored, as that database
 * ignores it.
 *
 * NOTE: go/version orders language versions differently ("1.21" <
 * "1.21rc1" < "1.21.0" there); strata follows the vulnerability database,
 * whose ranges it compares against. */
#include <string.h>

#include "version/langver.h"

#define KIND "Go version"

/* A module version as golang.org/x/mod/semver parses it; every slice
 * borrows the parsed text. */
struct gosemver {
	struct st_slice major;
	struct st_slice minor; /* "0" for the shorthands */
	struct st_slice patch;
	struct st_slice pre;   /* without the '-'; empty when absent */
};

/* Go module semver ------------------------------------------------------- */

/* Reads a number at *I: digits, no leading zero unless it is "0". */
static bool read_int(struct st_slice s, size_t *i, struct st_slice *out)
{
	size_t j = *i;

	while (j < s.len && st_version_is_digit(s.ptr[j]))
		j++;
	if (j == *i || (s.ptr[*i] == '0' && j - *i > 1))
		return false;
	*out = st_slice_make(s.ptr + *i, j - *i);
	*i = j;
	return true;
}

static bool is_ident_char(char c)
{
	return st_version_is_alnum(c) || c == '-';
}

/* Reads dot-separated identifiers of [0-9A-Za-z-] after the '-' or '+' at
 * *I; with NUMERIC_RULE, an all-digit identifier may not have a leading
 * zero (pre-release identifiers). */
static bool read_idents(struct st_slice s, size_t *i, bool numeric_rule, struct st_slice *out)
{
	size_t start = *i + 1;
	size_t j = start;

	for (;;) {
		size_t id = j;
		bool digits = true;

		while (j < s.len && is_ident_char(s.ptr[j])) {
			if (!st_version_is_digit(s.ptr[j]))
				digits = false;
			j++;
		}
		if (j == id)
			return false;
		if (numeric_rule && digits && s.ptr[id] == '0' && j - id > 1)
			return false;
		if (j >= s.len || s.ptr[j] != '.')
			break;
		j++;
	}
	*out = st_slice_make(s.ptr + start, j - start);
	*i = j;
	return true;
}

/* semver.parse(): returns false when S is not a valid module version. */
static bool parse_semver(struct gosemver *p, struct st_slice s)
{
	struct st_slice build;
	size_t i = 1;

	p->minor = p->patch = st_slice_cstr("0");
	p->pre = st_slice_make("", 0);
	if (s.len == 0 || s.ptr[0] != 'v' || !read_int(s, &i, &p->major))
		return false;
	if (i == s.len)
		return true;
	if (s.ptr[i] != '.')
		return false;
	i++;
	if (!read_int(s, &i, &p->minor))
		return false;
	if (i == s.len)
		return true;
	if (s.ptr[i] != '.')
		return false;
	i++;
	if (!read_int(s, &i, &p->patch))
		return false;
	if (i < s.len && s.ptr[i] == '-' && !read_idents(s, &i, true, &p->pre))
		return false;
	if (i < s.len && s.ptr[i] == '+' && !read_idents(s, &i, false, &build))
		return false;
	return i == s.len;
}

/* Orders two pre-releases by Semantic Versioning 2.0.0 precedence. No
 * pre-release sorts last. Numeric identifiers compare as numbers and
 * before alphanumeric ones, which compare as bytes. A shorter list that
 * is a prefix of the other sorts first. */
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

static int cmp_semver(const struct gosemver *a, const struct gosemver *b)
{
	int rc = st_version_cmp_digits(a->major, b->major);

	if (rc == 0)
		rc = st_version_cmp_digits(a->minor, b->minor);
	if (rc == 0)
		rc = st_version_cmp_digits(a->patch, b->patch);
	if (rc == 0)
		rc = cmp_prerelease(a->pre, b->pre);
	return rc;
}

int st_gosemver_cmp(const char *a, const char *b)
{
	struct gosemver pa;
	struct gosemver pb;
	bool va;
	bool vb;

	va = a != NULL && parse_semver(&pa, st_slice_cstr(a));
	vb = b != NULL && parse_semver(&pb, st_slice_cstr(b));
	if (!va || !vb)
		return va == vb ? 0 : (va ? 1 : -1);
	return cmp_semver(&pa, &pb);
}

/* Toolchain versions ----------------------------------------------------- */

static size_t digits_at(struct st_slice s, size_t i)
{
	size_t n = 0;

	while (i + n < s.len && st_version_is_digit(s.ptr[i + n]))
		n++;
	return n;
}

/* Appends N bytes of P to DST at *OUT. */
static void put(char *dst, size_t *out, const char *p, size_t n)
{
	memcpy(dst + *out, p, n);
	*out += n;
}

/* Writes the module version of toolchain version S (without "go") to DST,
 * which has room for S.len + 16 bytes, as the Go vulnerability database
 * maps release tags "go" MAJOR.MINOR[.PATCH][(beta|rc|-pre)N]; "go1" is
 * v1.0.0. Returns the length, or 0 when S has another form. */
static size_t toolchain_to_module(char *dst, struct st_slice s)
{
	static const char *const kinds[] = {"beta", "rc", "-pre"};
	struct st_slice patch = st_slice_cstr("0");
	size_t out = 0;
	size_t i = 0;
	size_t n;
	size_t k;

	n = digits_at(s, i);
	if (n == 0)
		return 0;
	put(dst, &out, "v", 1);
	put(dst, &out, s.ptr, n);
	i = n;
	if (i == s.len) {
		put(dst, &out, ".0.0", 4);
		return out;
	}
	n = s.ptr[i] == '.' ? digits_at(s, i + 1) : 0;
	if (n == 0)
		return 0;
	put(dst, &out, s.ptr + i, n + 1);
	i += n + 1;
	n = i < s.len && s.ptr[i] == '.' ? digits_at(s, i + 1) : 0;
	if (n > 0) {
		patch = st_slice_make(s.ptr + i + 1, n);
		i += n + 1;
	}
	put(dst, &out, ".", 1);
	put(dst, &out, patch.ptr, patch.len);
	if (i == s.len)
		return out;

	for (k = 0; k < ST_ARRAY_LEN(kinds); k++) {
		if (st_slice_starts_with(st_slice_make(s.ptr + i, s.len - i), kinds[k]))
			break;
	}
	if (k == ST_ARRAY_LEN(kinds))
		return 0;
	i += strlen(kinds[k]);
	n = digits_at(s, i);
	if (n == 0 || i + n != s.len)
		return 0;
	put(dst, &out, "-", 1);
	put(dst, &out, kinds[k] + (kinds[k][0] == '-'), strlen(kinds[k]) - (kinds[k][0] == '-'));
	put(dst, &out, ".", 1);
	put(dst, &out, s.ptr + i, n);
	return out;
}

/* Entry points ----------------------------------------------------------- */

/* The module version that V stands for, in BUF. */
struct module_version {
	char buf[ST_VERSION_MAX_LEN + 16];
	struct st_slice text;
	struct gosemver parsed;
};

/* Reads V as a module version with 'v', a module version without it, or
 * a toolchain version with or without "go". Returns NULL, or the reason
 * why V has none of these forms. */
static const char *to_module(struct module_version *m, struct st_slice s)
{
	const char *blank;
	size_t n;

	if (st_slice_starts_with(s, "go")) {
		blank = memchr(s.ptr, ' ', s.len);
		if (blank != NULL)
			s.len = (size_t)(blank - s.ptr);
		n = toolchain_to_module(m->buf, st_slice_make(s.ptr + 2, s.len - 2));
		if (n == 0)
			return "not a Go toolchain version";
	} else if (s.len > 0 && s.ptr[0] == 'v') {
		memcpy(m->buf, s.ptr, s.len);
		n = s.len;
	} else {
		m->buf[0] = 'v';
		memcpy(m->buf + 1, s.ptr, s.len);
		n = s.len + 1;
		if (!parse_semver(&m->parsed, st_slice_make(m->buf, n)))
			n = toolchain_to_module(m->buf, s);
		if (n == 0)
			return "not a Go module or toolchain version";
	}
	m->text = st_slice_make(m->buf, n);
	if (!parse_semver(&m->parsed, m->text))
		return "not a Go module version";
	return NULL;
}

static int parse_input(struct module_version *m, const char *v, struct strata_error *err)
{
	const char *reason;
	size_t len;
	int rc;

	rc = st_version_check_input(KIND, v, &len, err);
	if (rc < 0)
		return rc;
	reason = to_module(m, st_slice_make(v, len));
	if (reason != NULL)
		return st_version_invalid(err, KIND, v, reason);
	return 0;
}

int st_golang_compare(const char *a, const char *b, int *cmp, struct strata_error *err)
{
	struct module_version ma;
	struct module_version mb;
	int rc;

	rc = parse_input(&ma, a, err);
	if (rc == 0)
		rc = parse_input(&mb, b, err);
	if (rc == 0)
		*cmp = cmp_semver(&ma.parsed, &mb.parsed);
	return rc;
}

int st_golang_validate(const char *v, struct strata_error *err)
{
	struct module_version m;

	return parse_input(&m, v, err);
}

int st_golang_canonical(struct st_buf *out, const char *v, struct strata_error *err)
{
	struct module_version m;
	int rc;

	rc = parse_input(&m, v, err);
	if (rc == 0)
		rc = st_buf_printf(out, err, "v%.*s.%.*s.%.*s", (int)m.parsed.major.len,
				   m.parsed.major.ptr, (int)m.parsed.minor.len, m.parsed.minor.ptr,
				   (int)m.parsed.patch.len, m.parsed.patch.ptr);
	if (rc == 0 && m.parsed.pre.len > 0)
		rc = st_buf_printf(out, err, "-%.*s", (int)m.parsed.pre.len, m.parsed.pre.ptr);
	return rc;
}
