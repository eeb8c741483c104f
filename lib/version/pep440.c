/* PyPI versions, parsed, normalized and ordered as PEP 440 defines them and
 * as pypa/packaging's Version class, the reference implementation, does.
 * A version has an optional epoch ("1!2.0"), a release segment compared
 * with trailing zeros ignored, and optional pre-release (a, b, rc, and
 * the spellings alpha, beta, c, pre, preview), post-release (post, rev,
 * r, and the implicit "1.0-1"), development release and local version
 * ("+ubuntu.1") parts. Parsing ignores case, one leading 'v', surrounding
 * white space and the choice of '-', '_' or '.' as separator. Numbers of
 * any length are compared as digit strings.
 *
 * With ST_PEP440_LEGACY, a string that is no PEP 440 version is ordered
 * as packaging before 22.0 ordered it (LegacyVersion, setuptools'
 * historical scheme): before every PEP 440 version.
 *
 * NOTE: LegacyVersion lower-cases with Python's Unicode rules; strata
 * folds only ASCII letters there. */
#include <stdlib.h>
#include <string.h>

#include "version/langver.h"

#define KIND "PyPI version"

static const struct st_slice zero = {"0", 1};
static const struct st_slice none = {"", 0};

/* A PEP 440 version; every slice borrows the parsed text. */
struct pep440 {
	struct st_slice epoch; /* digits; empty when absent, which means 0 */
	struct st_slice release[ST_VERSION_MAX_PARTS];
	size_t nrelease;
	char pre;              /* 0 when absent, else 'a', 'b' or 'c' (rc) */
	struct st_slice pre_n; /* digits; empty means 0 */
	bool post;
	struct st_slice post_n;
	bool dev;
	struct st_slice dev_n;
	struct st_slice local[ST_VERSION_MAX_PARTS]; /* [0-9A-Za-z]+ each */
	size_t nlocal;
};

/* White space ---------------------------------------------------------- */

/* packaging matches versions with "^\s*...\s*$" on a Python str, where \s
 * is every character for which str.isspace() is true. These are their
 * UTF-8 encodings beyond ASCII. */
static const char *const unicode_spaces[] = {
	"\xc2\x85",     "\xc2\xa0",     "\xe1\x9a\x80", "\xe2\x80\x80", "\xe2\x80\x81",
	"\xe2\x80\x82", "\xe2\x80\x83", "\xe2\x80\x84", "\xe2\x80\x85", "\xe2\x80\x86",
	"\xe2\x80\x87", "\xe2\x80\x88", "\xe2\x80\x89", "\xe2\x80\x8a", "\xe2\x80\xa8",
	"\xe2\x80\xa9", "\xe2\x80\xaf", "\xe2\x81\x9f", "\xe3\x80\x80",
};

static bool is_ascii_space(char c)
{
	return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20);
}

/* Returns the length of the white-space character that starts S, or 0. */
static size_t space_prefix(struct st_slice s)
{
	size_t i;

	if (s.len > 0 && is_ascii_space(s.ptr[0]))
		return 1;
	for (i = 0; i < ST_ARRAY_LEN(unicode_spaces); i++) {
		size_t n = strlen(unicode_spaces[i]);

		if (s.len >= n && memcmp(s.ptr, unicode_spaces[i], n) == 0)
			return n;
	}
	return 0;
}

/* Returns the length of the white-space character that ends S, or 0. */
static size_t space_suffix(struct st_slice s)
{
	size_t i;

	if (s.len > 0 && is_ascii_space(s.ptr[s.len - 1]))
		return 1;
	for (i = 0; i < ST_ARRAY_LEN(unicode_spaces); i++) {
		size_t n = strlen(unicode_spaces[i]);

		if (s.len >= n && memcmp(s.ptr + s.len - n, unicode_spaces[i], n) == 0)
			return n;
	}
	return 0;
}

static struct st_slice trim_spaces(struct st_slice s)
{
	size_t n;

	for (n = space_prefix(s); n > 0; n = space_prefix(s)) {
		s.ptr += n;
		s.len -= n;
	}
	for (n = space_suffix(s); n > 0; n = space_suffix(s))
		s.len -= n;
	return s;
}

/* Parsing ---------------------------------------------------------------- */

static bool is_separator(struct st_slice s, size_t i)
{
	return i < s.len && (s.ptr[i] == '-' || s.ptr[i] == '_' || s.ptr[i] == '.');
}

static size_t digits_at(struct st_slice s, size_t i)
{
	size_t n = 0;

	while (i + n < s.len && st_version_is_digit(s.ptr[i + n]))
		n++;
	return n;
}

static size_t alnum_at(struct st_slice s, size_t i)
{
	size_t n = 0;

	while (i + n < s.len && st_version_is_alnum(s.ptr[i + n]))
		n++;
	return n;
}

/* Returns the index in LABELS of the first label that S continues with at
 * I, ignoring case, or -1. The labels are tried in the order of
 * packaging's regular expression, which puts "alpha" before "a". */
static int label_at(struct st_slice s, size_t i, const char *const *labels, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++) {
		size_t len = strlen(labels[k]);

		if (i + len > s.len)
			continue;
		if (st_version_eq_nocase(st_slice_make(s.ptr + i, len), labels[k]))
			return (int)k;
	}
	return -1;
}

static const char *const pre_labels[] = {"alpha", "a", "beta", "b", "preview", "pre", "c", "rc"};
static const char pre_kinds[] = {'a', 'a', 'b', 'b', 'c', 'c', 'c', 'c'};
static const char *const post_labels[] = {"post", "rev", "r"};

/* Reads "[-_.]?LABEL[-_.]?[0-9]*" at *I, the shape of the pre-release,
 * post-release and development parts. A separator after the label is
 * taken even when no number follows ("1.0a-" is 1.0a0), as packaging's
 * greedy regular expression does. Returns the index of the label or -1;
 * advances *I only on success. */
static int read_labelled(struct st_slice s, size_t *i, const char *const *labels, size_t n,
			 struct st_slice *number)
{
	size_t j = *i;
	size_t len;
	int k;

	if (is_separator(s, j))
		j++;
	k = label_at(s, j, labels, n);
	if (k < 0)
		return -1;
	j += strlen(labels[k]);
	if (is_separator(s, j))
		j++;
	len = digits_at(s, j);
	*number = st_slice_make(s.ptr + j, len);
	*i = j + len;
	return k;
}

static const char *parse_release(struct pep440 *v, struct st_slice s, size_t *i)
{
	size_t n;

	if (*i < s.len && (s.ptr[*i] == 'v' || s.ptr[*i] == 'V'))
		(*i)++;
	n = digits_at(s, *i);
	if (n == 0)
		return "expected a release number";
	if (*i + n < s.len && s.ptr[*i + n] == '!') {
		v->epoch = st_slice_make(s.ptr + *i, n);
		*i += n + 1;
		n = digits_at(s, *i);
		if (n == 0)
			return "expected a release number after the epoch";
	}
	for (;;) {
		v->release[v->nrelease++] = st_slice_make(s.ptr + *i, n);
		*i += n;
		if (*i + 1 >= s.len || s.ptr[*i] != '.' || !st_version_is_digit(s.ptr[*i + 1]))
			break;
		(*i)++;
		n = digits_at(s, *i);
		if (v->nrelease == ST_VERSION_MAX_PARTS)
			return "too many release numbers";
	}
	return NULL;
}

static void parse_suffixes(struct pep440 *v, struct st_slice s, size_t *i)
{
	struct st_slice number;
	int k;

	k = read_labelled(s, i, pre_labels, ST_ARRAY_LEN(pre_labels), &number);
	if (k >= 0) {
		v->pre = pre_kinds[k];
		v->pre_n = number;
	}

	/* the implicit post-release "-N" comes first in packaging's pattern */
	if (*i + 1 < s.len && s.ptr[*i] == '-' && st_version_is_digit(s.ptr[*i + 1])) {
		size_t n = digits_at(s, *i + 1);

		v->post = true;
		v->post_n = st_slice_make(s.ptr + *i + 1, n);
		*i += 1 + n;
	} else if (read_labelled(s, i, post_labels, ST_ARRAY_LEN(post_labels), &number) >= 0) {
		v->post = true;
		v->post_n = number;
	}

	if (read_labelled(s, i, (const char *const[]){"dev"}, 1, &number) >= 0) {
		v->dev = true;
		v->dev_n = number;
	}
}

static const char *parse_local(struct pep440 *v, struct st_slice s, size_t *i)
{
	if (*i >= s.len || s.ptr[*i] != '+')
		return NULL;
	(*i)++;
	for (;;) {
		size_t n = alnum_at(s, *i);

		if (n == 0)
			return "invalid local version label";
		if (v->nlocal == ST_VERSION_MAX_PARTS)
			return "too many local version segments";
		v->local[v->nlocal++] = st_slice_make(s.ptr + *i, n);
		*i += n;
		if (!is_separator(s, *i))
			return NULL;
		(*i)++;
	}
}

/* Parses TEXT as packaging's Version() does. Returns NULL, or the reason
 * TEXT is no PEP 440 version. */
static const char *parse(struct pep440 *v, struct st_slice text)
{
	struct st_slice s = trim_spaces(text);
	const char *reason;
	size_t i = 0;

	v->epoch = none;
	v->nrelease = 0;
	v->pre = 0;
	v->pre_n = none;
	v->post = false;
	v->post_n = none;
	v->dev = false;
	v->dev_n = none;
	v->nlocal = 0;

	reason = parse_release(v, s, &i);
	if (reason != NULL)
		return reason;
	parse_suffixes(v, s, &i);
	reason = parse_local(v, s, &i);
	if (reason != NULL)
		return reason;
	if (i != s.len)
		return "not a PEP 440 version";
	return NULL;
}

/* Ordering --------------------------------------------------------------- */

static int cmp_release(const struct pep440 *a, const struct pep440 *b)
{
	size_t n = a->nrelease > b->nrelease ? a->nrelease : b->nrelease;
	size_t i;

	for (i = 0; i < n; i++) {
		struct st_slice x = i < a->nrelease ? a->release[i] : zero;
		struct st_slice y = i < b->nrelease ? b->release[i] : zero;
		int rc = st_version_cmp_digits(x, y);

		if (rc != 0)
			return rc;
	}
	return 0;
}

/* packaging sorts a development release without pre- or post-release
 * ("1.0.dev1") before every pre-release of its release, and a release
 * without pre-release after them. Returns 0, 1 or 2 for those classes. */
static int pre_class(const struct pep440 *v)
{
	if (v->pre == 0 && !v->post && v->dev)
		return 0;
	return v->pre != 0 ? 1 : 2;
}

static int cmp_pre(const struct pep440 *a, const struct pep440 *b)
{
	int ca = pre_class(a);
	int cb = pre_class(b);

	if (ca != cb)
		return ca < cb ? -1 : 1;
	if (ca != 1)
		return 0;
	if (a->pre != b->pre)
		return a->pre < b->pre ? -1 : 1;
	return st_version_cmp_digits(a->pre_n, b->pre_n);
}

/* Compares optional numbered parts: ABSENT_FIRST for post-releases (a
 * release comes before its post-releases), else last (a release comes
 * after its development releases). */
static int cmp_optional(bool has_a, struct st_slice na, bool has_b, struct st_slice nb,
			bool absent_first)
{
	if (has_a != has_b)
		return has_a == absent_first ? 1 : -1;
	return has_a ? st_version_cmp_digits(na, nb) : 0;
}

/* Orders local versions as PEP 440 does. Numeric segments compare as
 * numbers and after alphanumeric ones, which compare case-insensitively.
 * A longer local version that starts with a shorter one is greater, and
 * any local version is greater than none. */
static int cmp_local(const struct pep440 *a, const struct pep440 *b)
{
	size_t i;

	for (i = 0; i < a->nlocal && i < b->nlocal; i++) {
		bool da = st_version_all_digits(a->local[i]);
		bool db = st_version_all_digits(b->local[i]);
		int rc;

		if (da != db)
			return da ? 1 : -1;
		if (da)
			rc = st_version_cmp_digits(a->local[i], b->local[i]);
		else
			rc = st_version_cmp_nocase(a->local[i], b->local[i]);
		if (rc != 0)
			return rc;
	}
	if (a->nlocal != b->nlocal)
		return a->nlocal < b->nlocal ? -1 : 1;
	return 0;
}

static int cmp_versions(const struct pep440 *a, const struct pep440 *b)
{
	int rc;

	rc = st_version_cmp_digits(a->epoch, b->epoch);
	if (rc == 0)
		rc = cmp_release(a, b);
	if (rc == 0)
		rc = cmp_pre(a, b);
	if (rc == 0)
		rc = cmp_optional(a->post, a->post_n, b->post, b->post_n, true);
	if (rc == 0)
		rc = cmp_optional(a->dev, a->dev_n, b->dev, b->dev_n, false);
	if (rc == 0)
		rc = cmp_local(a, b);
	return rc;
}

/* Legacy versions -------------------------------------------------------- */

/* The bytes of a legacy sort key: every part plus its NUL separator. A
 * part is at most 8 bytes and a NUL per input byte, and "*final" ends
 * the key. */
#define LEGACY_KEY_MAX (9 * ST_VERSION_MAX_LEN + 8)

/* A legacy sort key: the parts of packaging's _legacy_cmpkey(), each
 * followed by a NUL. Comparing two keys bytewise orders them as Python
 * orders the tuples of parts, because NUL sorts before every byte of a
 * part. */
struct legacy_key {
	char bytes[LEGACY_KEY_MAX];
	size_t len;
	size_t starts[ST_VERSION_MAX_LEN + 2]; /* offset of each part */
	size_t nparts;
};

static bool last_part_is(const struct legacy_key *k, const char *part)
{
	size_t n = strlen(part) + 1;
	size_t start;

	if (k->nparts == 0)
		return false;
	start = k->starts[k->nparts - 1];
	return k->len - start == n && memcmp(k->bytes + start, part, n) == 0;
}

static void pop_part(struct legacy_key *k)
{
	k->nparts--;
	k->len = k->starts[k->nparts];
}

/* Appends one part of _parse_version_parts(): numbers are zero-padded to
 * eight digits so that they sort as numbers up to that length, words get
 * a '*' prefix. Before a word, _legacy_cmpkey() drops trailing zero
 * numbers, and before a pre-release word also the "-" markers. */
static void add_legacy_part(struct legacy_key *k, struct st_slice part)
{
	size_t pad = 0;

	if (part.len == 0 || (part.len == 1 && part.ptr[0] == '.'))
		return;
	if (st_slice_eq_cstr(part, "pre") || st_slice_eq_cstr(part, "preview") ||
	    st_slice_eq_cstr(part, "rc"))
		part = st_slice_cstr("c");
	else if (st_slice_eq_cstr(part, "-"))
		part = st_slice_cstr("final-");
	else if (st_slice_eq_cstr(part, "dev"))
		part = st_slice_cstr("@");

	if (st_version_is_digit(part.ptr[0])) {
		pad = part.len < 8 ? 8 - part.len : 0;
	} else {
		/* a word: "*" + part, compared with "*final" */
		struct st_slice final = st_slice_cstr("final");

		if (st_version_cmp_bytes(part, final) < 0) {
			while (last_part_is(k, "*final-"))
				pop_part(k);
		}
		while (last_part_is(k, "00000000"))
			pop_part(k);
	}

	k->starts[k->nparts++] = k->len;
	if (!st_version_is_digit(part.ptr[0]))
		k->bytes[k->len++] = '*';
	memset(k->bytes + k->len, '0', pad);
	k->len += pad;
	memcpy(k->bytes + k->len, part.ptr, part.len);
	k->len += part.len;
	k->bytes[k->len++] = '\0';
}

/* Returns the length of the match of "(\d+|[a-z]+|\.|-)" at the start of
 * the lower-cased string P, or 0 for another byte, which re.split() leaves
 * between two matches. */
static size_t legacy_token(const char *p, size_t n)
{
	size_t len = 1;

	if (st_version_is_digit(p[0])) {
		while (len < n && st_version_is_digit(p[len]))
			len++;
	} else if (p[0] >= 'a' && p[0] <= 'z') {
		while (len < n && p[len] >= 'a' && p[len] <= 'z')
			len++;
	} else if (p[0] != '.' && p[0] != '-') {
		return 0;
	}
	return len;
}

/* Builds packaging's legacy key of TEXT. re.split() keeps the text
 * between two matches as a part of its own, so runs of other bytes ("_",
 * "+", UTF-8) are parts too. */
static void legacy_key_build(struct legacy_key *k, struct st_slice text)
{
	char lower[ST_VERSION_MAX_LEN];
	size_t i = 0;

	k->len = 0;
	k->nparts = 0;
	for (i = 0; i < text.len; i++)
		lower[i] = st_version_lower(text.ptr[i]);
	i = 0;
	while (i < text.len) {
		size_t n = legacy_token(lower + i, text.len - i);

		if (n == 0) {
			while (i + n < text.len &&
			       legacy_token(lower + i + n, text.len - i - n) == 0)
				n++;
		}
		add_legacy_part(k, st_slice_make(lower + i, n));
		i += n;
	}
	add_legacy_part(k, st_slice_cstr("final"));
}

/* Entry points ----------------------------------------------------------- */

/* A version as compared: PEP 440, or legacy when that is allowed and
 * PEP 440 parsing failed. */
struct parsed {
	bool legacy;
	struct pep440 v;
	struct legacy_key key;
};

static int parse_input(struct parsed *out, const char *v, unsigned flags,
		       struct strata_error *err)
{
	const char *reason;
	size_t len;
	int rc;

	rc = st_version_check_input(KIND, v, &len, err);
	if (rc < 0)
		return rc;
	out->legacy = false;
	reason = parse(&out->v, st_slice_make(v, len));
	if (reason == NULL)
		return 0;
	if (!(flags & ST_PEP440_LEGACY))
		return st_version_invalid(err, KIND, v, reason);
	out->legacy = true;
	legacy_key_build(&out->key, st_slice_make(v, len));
	return 0;
}

static int cmp_parsed(const struct parsed *a, const struct parsed *b)
{
	if (a->legacy != b->legacy)
		return a->legacy ? -1 : 1;
	if (a->legacy)
		return st_version_cmp_bytes(st_slice_make(a->key.bytes, a->key.len),
					    st_slice_make(b->key.bytes, b->key.len));
	return cmp_versions(&a->v, &b->v);
}

int st_pep440_compare_flags(const char *a, const char *b, unsigned flags, int *cmp,
			    struct strata_error *err)
{
	struct parsed *pa = NULL;
	struct parsed *pb = NULL;
	int rc;

	/* two parsed versions take about 17 KiB: keep them off the stack */
	pa = st_calloc(2, sizeof(*pa));
	if (pa == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory comparing PyPI versions");
	pb = pa + 1;
	rc = parse_input(pa, a, flags, err);
	if (rc == 0)
		rc = parse_input(pb, b, flags, err);
	if (rc == 0)
		*cmp = cmp_parsed(pa, pb);
	free(pa);
	return rc;
}

int st_pep440_compare(const char *a, const char *b, int *cmp, struct strata_error *err)
{
	return st_pep440_compare_flags(a, b, 0, cmp, err);
}

int st_pep440_validate(const char *v, struct strata_error *err)
{
	int cmp;

	return st_pep440_compare_flags(v, v, 0, &cmp, err);
}

static int put_number(struct st_buf *out, struct st_slice digits, struct strata_error *err)
{
	if (digits.len == 0)
		digits = zero;
	digits = st_version_strip_zeros(digits);
	return st_buf_append(out, digits.ptr, digits.len, err);
}

static int put_local(struct st_buf *out, const struct pep440 *v, struct strata_error *err)
{
	size_t i;
	size_t j;
	int rc = 0;

	for (i = 0; i < v->nlocal && rc == 0; i++) {
		rc = st_buf_putc(out, i == 0 ? '+' : '.', err);
		if (rc == 0 && st_version_all_digits(v->local[i])) {
			rc = put_number(out, v->local[i], err);
			continue;
		}
		for (j = 0; j < v->local[i].len && rc == 0; j++)
			rc = st_buf_putc(out, st_version_lower(v->local[i].ptr[j]), err);
	}
	return rc;
}

static int put_normalized(struct st_buf *out, const struct pep440 *v, struct strata_error *err)
{
	static const char *const pre_names[] = {"a", "b", "rc"};
	size_t i;
	int rc = 0;

	if (st_version_cmp_digits(v->epoch, zero) != 0) {
		rc = put_number(out, v->epoch, err);
		if (rc == 0)
			rc = st_buf_putc(out, '!', err);
	}
	for (i = 0; i < v->nrelease && rc == 0; i++) {
		if (i > 0)
			rc = st_buf_putc(out, '.', err);
		if (rc == 0)
			rc = put_number(out, v->release[i], err);
	}
	if (rc == 0 && v->pre != 0) {
		rc = st_buf_printf(out, err, "%s", pre_names[v->pre - 'a']);
		if (rc == 0)
			rc = put_number(out, v->pre_n, err);
	}
	if (rc == 0 && v->post) {
		rc = st_buf_printf(out, err, ".post");
		if (rc == 0)
			rc = put_number(out, v->post_n, err);
	}
	if (rc == 0 && v->dev) {
		rc = st_buf_printf(out, err, ".dev");
		if (rc == 0)
			rc = put_number(out, v->dev_n, err);
	}
	if (rc == 0)
		rc = put_local(out, v, err);
	return rc;
}

int st_pep440_normalize(struct st_buf *out, const char *v, struct strata_error *err)
{
	struct parsed *p;
	int rc;

	p = st_calloc(1, sizeof(*p));
	if (p == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory normalizing a PyPI version");
	rc = parse_input(p, v, 0, err);
	if (rc == 0)
		rc = put_normalized(out, &p->v, err);
	free(p);
	return rc;
}
