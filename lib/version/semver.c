/* npm versions and ranges, parsed, ordered and matched as node-semver 7
 * (the library npm uses; checked against 7.8.6) does. The version grammar
 * and the precedence rules are those of Semantic Versioning 2.0.0. Numbers
 * of any length are compared as digit strings, so they never overflow.
 * The exceptions to node-semver's behaviour are marked with NOTE below. */
#include <stdio.h>
#include <string.h>

#include "version/version.h"

#define KIND_VERSION "npm version"
#define KIND_RANGE "npm range"

static const struct st_slice none = {"", 0};
static const struct st_slice zero = {"0", 1};

/* A version; every slice borrows the parsed text. */
struct semver {
	struct st_slice major; /* digits; leading zeros only in loose mode */
	struct st_slice minor;
	struct st_slice patch;
	struct st_slice pre; /* pre-release identifiers without the '-' */
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The characters of pre-release and build identifiers: [0-9A-Za-z-]. */
static bool is_ident_char(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static bool all_digits(struct st_slice s)
{
	size_t i;

	for (i = 0; i < s.len; i++) {
		if (!is_digit(s.ptr[i]))
			return false;
	}
	return true;
}

static struct st_slice trim_space(struct st_slice s)
{
	while (s.len > 0 && is_space(s.ptr[0])) {
		s.ptr++;
		s.len--;
	}
	while (s.len > 0 && is_space(s.ptr[s.len - 1]))
		s.len--;
	return s;
}

/* Parsing ---------------------------------------------------------------- */

/* Reads a number at *I; outside loose mode only "0" may start with '0'.
 * Advances *I only on success. */
static bool read_number(struct st_slice s, size_t *i, bool loose, struct st_slice *out)
{
	size_t end = *i;

	while (end < s.len && is_digit(s.ptr[end]))
		end++;
	if (end == *i)
		return false;
	if (!loose && s.ptr[*i] == '0' && end - *i > 1)
		return false;
	*out = st_slice_make(s.ptr + *i, end - *i);
	*i = end;
	return true;
}

/* Reads dot-separated, non-empty identifiers of [0-9A-Za-z-] at *I. With
 * NO_LEADING_ZERO, an all-digit identifier other than "0" may not start
 * with '0' (numeric pre-release identifiers outside loose mode). */
static bool read_identifiers(struct st_slice s, size_t *i, bool no_leading_zero,
			     struct st_slice *out)
{
	size_t start = *i;

	for (;;) {
		size_t id = *i;
		bool digits = true;

		while (*i < s.len && is_ident_char(s.ptr[*i])) {
			if (!is_digit(s.ptr[*i]))
				digits = false;
			(*i)++;
		}
		if (*i == id)
			return false;
		if (no_leading_zero && digits && s.ptr[id] == '0' && *i - id > 1)
			return false;
		if (*i >= s.len || s.ptr[*i] != '.')
			break;
		(*i)++;
	}
	*out = st_slice_make(s.ptr + start, *i - start);
	return true;
}

/* Reads the pre-release that may follow the patch number at *I. Loose
 * mode makes its '-' optional ("1.2.3beta"). Because a '-' may also start
 * an identifier, loose mode reads "1.2.3-" and "1.2.3-.a" as pre-releases
 * "-" and "-.a", as node-semver's loose regular expression does. */
static bool read_prerelease(struct st_slice s, size_t *i, bool loose, struct st_slice *out)
{
	*out = none;
	if (*i >= s.len || s.ptr[*i] == '+')
		return true;
	if (s.ptr[*i] == '-') {
		if (!loose || (*i + 1 < s.len && is_ident_char(s.ptr[*i + 1])))
			(*i)++;
		return read_identifiers(s, i, !loose, out);
	}
	if (!loose)
		return false;
	return read_identifiers(s, i, false, out);
}

/* Reads build metadata at *I, if any; it never takes part in ordering. */
static bool read_build(struct st_slice s, size_t *i)
{
	struct st_slice build;

	if (*i >= s.len || s.ptr[*i] != '+')
		return true;
	(*i)++;
	return read_identifiers(s, i, false, &build);
}

/* In loose mode node-semver's regular expression backtracks into the
 * patch number when a '.' follows it, so "1.2.34.5" is 1.2.3-4.5. Shortens
 * PATCH (ending at *I) by its last digit when that applies. */
static void loose_split_patch(struct st_slice s, size_t *i, struct st_slice *patch)
{
	if (patch->len >= 2 && all_digits(*patch) && *i < s.len && s.ptr[*i] == '.') {
		patch->len--;
		(*i)--;
	}
}

/* Reads MAJOR.MINOR.PATCH at *I. Returns NULL, or why it failed. */
static const char *read_main(struct st_slice s, size_t *i, bool loose, struct semver *out)
{
	struct st_slice *parts[3] = {&out->major, &out->minor, &out->patch};
	int k;

	for (k = 0; k < 3; k++) {
		if (k > 0) {
			if (*i >= s.len || s.ptr[*i] != '.')
				return "expected MAJOR.MINOR.PATCH";
			(*i)++;
		}
		if (read_number(s, i, loose, parts[k]))
			continue;
		if (*i + 1 < s.len && s.ptr[*i] == '0' && is_digit(s.ptr[*i + 1]))
			return "number with a leading zero";
		return "expected MAJOR.MINOR.PATCH";
	}
	if (loose)
		loose_split_patch(s, i, &out->patch);
	return NULL;
}

/* Parses V. The default mode takes what node-semver's default mode
 * takes: surrounding white space and one leading 'v'.
 * NOTE: node-semver rejects a major, minor or patch number above 2^53 - 1;
 * strata accepts numbers of any length and orders them exactly. */
static int parse_version(struct semver *out, const char *v, unsigned flags,
			 struct strata_error *err)
{
	bool loose = (flags & ST_SEMVER_LOOSE) != 0;
	const char *reason;
	struct st_slice s;
	size_t len;
	size_t i = 0;

	if (v == NULL)
		return st_error_set(err, STRATA_EINVAL, "missing npm version");
	len = strnlen(v, ST_SEMVER_MAX_LEN + 1);
	if (len > ST_SEMVER_MAX_LEN)
		return st_version_invalid(err, KIND_VERSION, v, "longer than 256 characters");
	s = trim_space(st_slice_make(v, len));

	if (loose) {
		while (i < s.len && (s.ptr[i] == 'v' || s.ptr[i] == '=' || is_space(s.ptr[i])))
			i++;
	} else if (i < s.len && s.ptr[i] == 'v') {
		i++;
	}
	reason = read_main(s, &i, loose, out);
	if (reason != NULL)
		return st_version_invalid(err, KIND_VERSION, v, reason);
	if (!read_prerelease(s, &i, loose, &out->pre))
		return st_version_invalid(err, KIND_VERSION, v, "invalid pre-release");
	if (!read_build(s, &i))
		return st_version_invalid(err, KIND_VERSION, v, "invalid build metadata");
	if (i != s.len)
		return st_version_invalid(err, KIND_VERSION, v,
					  "unexpected text after the version");
	return 0;
}

/* Ordering --------------------------------------------------------------- */

/* Compares two digit strings by value: without leading zeros, the longer
 * is larger, and equal lengths compare bytewise. */
static int compare_number(struct st_slice a, struct st_slice b)
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

/* Numeric identifiers compare by value and sort before alphanumeric ones,
 * which compare bytewise in ASCII, a prefix first. */
static int compare_identifier(struct st_slice a, struct st_slice b)
{
	bool a_num = all_digits(a);
	bool b_num = all_digits(b);
	size_t n = a.len < b.len ? a.len : b.len;
	int r;

	if (a_num && b_num)
		return compare_number(a, b);
	if (a_num != b_num)
		return a_num ? -1 : 1;
	r = n > 0 ? memcmp(a.ptr, b.ptr, n) : 0;
	if (r != 0)
		return r < 0 ? -1 : 1;
	if (a.len != b.len)
		return a.len < b.len ? -1 : 1;
	return 0;
}

/* A version without a pre-release sorts after one with. Otherwise the
 * identifiers compare in turn, and a shorter list that is a prefix of the
 * other sorts first. */
static int compare_prerelease(struct st_slice a, struct st_slice b)
{
	if (a.len == 0 || b.len == 0) {
		if (a.len == b.len)
			return 0;
		return a.len == 0 ? 1 : -1;
	}
	while (a.len > 0 && b.len > 0) {
		struct st_slice ida;
		struct st_slice idb;
		int r;

		st_slice_split(&a, '.', &ida);
		st_slice_split(&b, '.', &idb);
		r = compare_identifier(ida, idb);
		if (r != 0)
			return r;
	}
	if (a.len == b.len)
		return 0;
	return a.len == 0 ? -1 : 1;
}

static int compare_release(const struct semver *a, const struct semver *b)
{
	int r = compare_number(a->major, b->major);

	if (r == 0)
		r = compare_number(a->minor, b->minor);
	if (r == 0)
		r = compare_number(a->patch, b->patch);
	return r;
}

static int compare_semver(const struct semver *a, const struct semver *b)
{
	int r = compare_release(a, b);

	if (r != 0)
		return r;
	return compare_prerelease(a->pre, b->pre);
}

int st_semver_validate(const char *v, unsigned flags, struct strata_error *err)
{
	struct semver parsed;

	return parse_version(&parsed, v, flags, err);
}

int st_semver_compare_flags(const char *a, const char *b, unsigned flags, int *cmp,
			    struct strata_error *err)
{
	struct semver va;
	struct semver vb;
	int rc;

	rc = parse_version(&va, a, flags, err);
	if (rc < 0)
		return rc;
	rc = parse_version(&vb, b, flags, err);
	if (rc < 0)
		return rc;
	*cmp = compare_semver(&va, &vb);
	return 0;
}

int st_semver_compare(const char *a, const char *b, int *cmp, struct strata_error *err)
{
	return st_semver_compare_flags(a, b, 0, cmp, err);
}

/* Ranges ----------------------------------------------------------------- */

/* A possibly partial version in a range: "1", "1.2.x", "v1.2.3-rc.1". */
struct partial {
	struct st_slice prefix;  /* the 'v' and '=' characters before it */
	struct st_slice part[3]; /* major, minor, patch: a number, "x", "X",
				  * "*", or empty when absent */
	struct st_slice pre;     /* only after a patch */
};

enum op { OP_EQ, OP_LT, OP_LE, OP_GT, OP_GE };

/* The state of one alternative (the comparators between two "||") while
 * its comparators are tested against the version. */
struct match {
	const struct semver *version;
	bool include_pre;
	unsigned tokens;      /* comparators as written, dropped ones included */
	unsigned comparators; /* primitive comparators, "any" included */
	unsigned non_any;     /* primitive comparators other than "any" */
	bool pass;            /* every comparator tested so far is satisfied */
	bool pre_allowed;     /* one names a pre-release of the version's release */
};

/* An empty, "x", "X" or "*" part stands for any value. */
static bool is_x(struct st_slice p)
{
	return p.len == 0 ||
	       (p.len == 1 && (p.ptr[0] == 'x' || p.ptr[0] == 'X' || p.ptr[0] == '*'));
}

static bool is_zero(struct st_slice p)
{
	return p.len == 1 && p.ptr[0] == '0';
}

/* Writes the value of the digit string N plus one into BUF, of at least
 * N.len + 2 bytes, and returns it. */
static struct st_slice increment(struct st_slice n, char *buf)
{
	size_t start = 0;
	size_t len;
	size_t k;

	while (start < n.len && n.ptr[start] == '0')
		start++;
	len = n.len - start;
	buf[0] = '0';
	memcpy(buf + 1, n.ptr + start, len);
	for (k = len;; k--) {
		if (buf[k] != '9') {
			buf[k]++;
			break;
		}
		buf[k] = '0';
	}
	if (buf[0] == '0')
		return st_slice_make(buf + 1, len);
	return st_slice_make(buf, len + 1);
}

static bool read_x_or_number(struct st_slice s, size_t *i, bool loose, struct st_slice *out)
{
	char c = *i < s.len ? s.ptr[*i] : '\0';

	if (c == 'x' || c == 'X' || c == '*') {
		*out = st_slice_make(s.ptr + *i, 1);
		(*i)++;
		return true;
	}
	return read_number(s, i, loose, out);
}

/* Parses S as a partial version. node-semver strips build metadata from
 * the whole range before it parses it, so a build may follow any part. */
static bool parse_partial(struct partial *out, struct st_slice s, bool loose)
{
	size_t i = 0;
	int k;

	out->prefix = none;
	out->part[0] = out->part[1] = out->part[2] = none;
	out->pre = none;
	while (i < s.len && (s.ptr[i] == 'v' || s.ptr[i] == '='))
		i++;
	out->prefix = st_slice_make(s.ptr, i);
	for (k = 0; k < 3; k++) {
		if (k > 0) {
			if (i >= s.len || s.ptr[i] != '.')
				break;
			i++;
		}
		if (!read_x_or_number(s, &i, loose, &out->part[k]))
			return false;
	}
	if (k == 3) {
		if (loose)
			loose_split_patch(s, &i, &out->part[2]);
		if (!read_prerelease(s, &i, loose, &out->pre))
			return false;
	}
	if (!read_build(s, &i))
		return false;
	return i == s.len;
}

/* Tests the version against one primitive comparator OP MAJOR.MINOR.PATCH
 * [-PRE]. PREFIXED is true when its text, as node-semver builds it, has a
 * 'v' or '=' before the numbers. Like node-semver, the text ">=0.0.0"
 * (">=0.0.0-0" with INCLUDE_PRERELEASE) means "any". */
static void test_primitive(struct match *m, enum op op, struct st_slice major,
			   struct st_slice minor, struct st_slice patch, struct st_slice pre,
			   bool prefixed)
{
	struct semver bound = {major, minor, patch, pre};
	bool satisfied = false;
	int c;

	m->comparators++;
	if (op == OP_GE && !prefixed && is_zero(major) && is_zero(minor) && is_zero(patch) &&
	    (m->include_pre ? is_zero(pre) : pre.len == 0))
		return;
	m->non_any++;
	c = compare_semver(m->version, &bound);
	switch (op) {
	case OP_EQ:
		satisfied = c == 0;
		break;
	case OP_LT:
		satisfied = c < 0;
		break;
	case OP_LE:
		satisfied = c <= 0;
		break;
	case OP_GT:
		satisfied = c > 0;
		break;
	case OP_GE:
		satisfied = c >= 0;
		break;
	}
	if (!satisfied)
		m->pass = false;
	if (pre.len > 0 && compare_release(m->version, &bound) == 0)
		m->pre_allowed = true;
}

static void test_any(struct match *m)
{
	m->comparators++;
}

/* Tests a comparator that node-semver keeps as written (no x, no tilde or
 * caret). Its strict form allows at most a 'v' before the numbers. */
static bool test_as_written(struct match *m, enum op op, const struct partial *p,
			    struct st_slice pre, bool loose)
{
	bool plain = p->prefix.len == 0 || (p->prefix.len == 1 && p->prefix.ptr[0] == 'v');

	if (!loose && !plain)
		return false;
	test_primitive(m, op, p->part[0], p->part[1], p->part[2], pre, p->prefix.len > 0);
	return true;
}

/* ~1.2.3 := >=1.2.3 <1.3.0-0; ~1.2 := >=1.2.0 <1.3.0-0; ~1 := >=1.0.0
 * <2.0.0-0. */
static void test_tilde(struct match *m, const struct partial *p)
{
	struct st_slice z = m->include_pre ? zero : none;
	char buf[ST_SEMVER_MAX_LEN + 2];

	if (is_x(p->part[0])) {
		test_any(m);
	} else if (is_x(p->part[1])) {
		test_primitive(m, OP_GE, p->part[0], zero, zero, z, false);
		test_primitive(m, OP_LT, increment(p->part[0], buf), zero, zero, zero, false);
	} else if (is_x(p->part[2])) {
		test_primitive(m, OP_GE, p->part[0], p->part[1], zero, z, false);
		test_primitive(m, OP_LT, p->part[0], increment(p->part[1], buf), zero, zero, false);
	} else {
		test_primitive(m, OP_GE, p->part[0], p->part[1], p->part[2], p->pre, false);
		test_primitive(m, OP_LT, p->part[0], increment(p->part[1], buf), zero, zero, false);
	}
}

/* The upper bound of a caret range: below the next change of the first
 * non-zero part, ^1.2.3 := <2.0.0-0, ^0.2.3 := <0.3.0-0, ^0.0.3 :=
 * <0.0.4-0, where a missing part counts as not zero. */
static void test_caret_upper(struct match *m, const struct partial *p)
{
	char buf[ST_SEMVER_MAX_LEN + 2];

	if (!is_zero(p->part[0]) || is_x(p->part[1]))
		test_primitive(m, OP_LT, increment(p->part[0], buf), zero, zero, zero, false);
	else if (!is_zero(p->part[1]) || is_x(p->part[2]))
		test_primitive(m, OP_LT, p->part[0], increment(p->part[1], buf), zero, zero, false);
	else
		test_primitive(m, OP_LT, p->part[0], p->part[1], increment(p->part[2], buf), zero,
			       false);
}

/* ^1.2.3 := >=1.2.3 <2.0.0-0, with the upper bound of test_caret_upper.
 * With INCLUDE_PRERELEASE the lower bound of a partial version is the
 * lowest pre-release (-0), but node-semver leaves it out for a complete
 * version. */
static void test_caret(struct match *m, const struct partial *p)
{
	struct st_slice z = m->include_pre ? zero : none;

	if (is_x(p->part[0])) {
		test_any(m);
		return;
	}
	if (is_x(p->part[1]))
		test_primitive(m, OP_GE, p->part[0], zero, zero, z, false);
	else if (is_x(p->part[2]))
		test_primitive(m, OP_GE, p->part[0], p->part[1], zero, z, false);
	else
		test_primitive(m, OP_GE, p->part[0], p->part[1], p->part[2], p->pre, false);
	test_caret_upper(m, p);
}

/* An operator with an x-range: ">1" := >=2.0.0, ">1.2" := >=1.3.0,
 * "<=1.2" := <1.3.0-0, "<1.2" := <1.2.0-0, ">=1.2" := >=1.2.0. */
static void test_x_with_op(struct match *m, enum op op, const struct partial *p, bool minor_x)
{
	struct st_slice major = p->part[0];
	struct st_slice minor = minor_x ? zero : p->part[1];
	struct st_slice pre = m->include_pre ? zero : none;
	char buf[ST_SEMVER_MAX_LEN + 2];

	if (op == OP_GT || op == OP_LE) {
		if (minor_x) {
			major = increment(major, buf);
			minor = zero;
		} else {
			minor = increment(minor, buf);
		}
		op = op == OP_GT ? OP_GE : OP_LT;
	}
	if (op == OP_LT)
		pre = zero;
	test_primitive(m, op, major, minor, zero, pre, false);
}

/* Tests "[OP]PARTIAL" where OP is one of < <= > >= = or none (HAS_OP
 * false). Returns false when node-semver would reject the comparator. */
static bool test_xrange(struct match *m, enum op op, bool has_op, const struct partial *p,
			bool loose)
{
	bool x_major = is_x(p->part[0]);
	bool x_minor = x_major || is_x(p->part[1]);
	bool x_patch = x_minor || is_x(p->part[2]);
	struct st_slice pre = m->include_pre ? zero : none;
	char buf[ST_SEMVER_MAX_LEN + 2];

	/* A number after an x ("x.1", "1.x.3") is an error. */
	if ((x_major && !is_x(p->part[1])) ||
	    (is_x(p->part[1]) && p->part[2].len > 0 && !is_x(p->part[2])))
		return false;
	if (!x_patch)
		return test_as_written(m, has_op ? op : OP_EQ, p, p->pre, loose);
	if (op == OP_EQ)
		has_op = false;

	if (x_major) {
		/* ">x" and "<x" match nothing: "<0.0.0-0" */
		if (has_op && (op == OP_GT || op == OP_LT))
			test_primitive(m, OP_LT, zero, zero, zero, zero, false);
		else
			test_any(m);
	} else if (has_op) {
		test_x_with_op(m, op, p, x_minor);
	} else if (x_minor) {
		test_primitive(m, OP_GE, p->part[0], zero, zero, pre, false);
		test_primitive(m, OP_LT, increment(p->part[0], buf), zero, zero, zero, false);
	} else {
		test_primitive(m, OP_GE, p->part[0], p->part[1], zero, pre, false);
		test_primitive(m, OP_LT, p->part[0], increment(p->part[1], buf), zero, zero, false);
	}
	return true;
}

/* The lower end of "A - B": >=A, with a missing part counted as 0. */
static bool test_hyphen_from(struct match *m, const struct partial *from, bool loose)
{
	struct st_slice z = m->include_pre ? zero : none;

	if (is_x(from->part[0]))
		return true;
	if (is_x(from->part[1])) {
		test_primitive(m, OP_GE, from->part[0], zero, zero, z, false);
		return true;
	}
	if (is_x(from->part[2])) {
		test_primitive(m, OP_GE, from->part[0], from->part[1], zero, z, false);
		return true;
	}
	return test_as_written(m, OP_GE, from, from->pre.len > 0 ? from->pre : z, loose);
}

/* The upper end of "A - B": <=B, or below the release after a partial B
 * ("- 3.4" := <3.5.0-0). */
static bool test_hyphen_to(struct match *m, const struct partial *to, bool loose)
{
	char buf[ST_SEMVER_MAX_LEN + 2];

	if (is_x(to->part[0]))
		return true;
	if (is_x(to->part[1])) {
		test_primitive(m, OP_LT, increment(to->part[0], buf), zero, zero, zero, false);
		return true;
	}
	if (is_x(to->part[2])) {
		test_primitive(m, OP_LT, to->part[0], increment(to->part[1], buf), zero, zero,
			       false);
		return true;
	}
	if (to->pre.len > 0) {
		test_primitive(m, OP_LE, to->part[0], to->part[1], to->part[2], to->pre, false);
		return true;
	}
	if (m->include_pre) {
		test_primitive(m, OP_LT, to->part[0], to->part[1], increment(to->part[2], buf),
			       zero, false);
		return true;
	}
	return test_as_written(m, OP_LE, to, none, loose);
}

/* "A - B"; "x - x" matches any version. */
static bool test_hyphen(struct match *m, const struct partial *from, const struct partial *to,
			bool loose)
{
	unsigned before = m->comparators;

	if (!test_hyphen_from(m, from, loose) || !test_hyphen_to(m, to, loose))
		return false;
	if (m->comparators == before)
		test_any(m);
	return true;
}

/* Returns the length of the operator that starts T: ~> ~ ^ <= >= < > =. */
static size_t operator_len(struct st_slice t)
{
	if (t.len == 0)
		return 0;
	switch (t.ptr[0]) {
	case '~':
		return t.len > 1 && t.ptr[1] == '>' ? 2 : 1;
	case '<':
	case '>':
		return t.len > 1 && t.ptr[1] == '=' ? 2 : 1;
	case '^':
	case '=':
		return 1;
	default:
		return 0;
	}
}

static enum op operator_of(struct st_slice op)
{
	if (st_slice_eq_cstr(op, "<"))
		return OP_LT;
	if (st_slice_eq_cstr(op, "<="))
		return OP_LE;
	if (st_slice_eq_cstr(op, ">"))
		return OP_GT;
	if (st_slice_eq_cstr(op, ">="))
		return OP_GE;
	return OP_EQ;
}

/* node-semver joins "> 1.2" into ">1.2" only when what follows the blank,
 * after any 'v' and '=', starts with a digit or an x. */
static bool starts_like_version(struct st_slice t)
{
	size_t i = 0;

	while (i < t.len && (t.ptr[i] == 'v' || t.ptr[i] == '='))
		i++;
	return i < t.len &&
	       (is_digit(t.ptr[i]) || t.ptr[i] == 'x' || t.ptr[i] == 'X' || t.ptr[i] == '*');
}

static bool next_token(struct st_slice s, size_t *i, struct st_slice *tok)
{
	size_t start;

	while (*i < s.len && is_space(s.ptr[*i]))
		(*i)++;
	if (*i >= s.len)
		return false;
	start = *i;
	while (*i < s.len && !is_space(s.ptr[*i]))
		(*i)++;
	*tok = st_slice_make(s.ptr + start, *i - start);
	return true;
}

/* Tests one comparator: the operator OP and the partial version TEXT.
 * Returns false when node-semver rejects the comparator. */
static bool test_comparator(struct match *m, struct st_slice op, struct st_slice text,
			    bool loose)
{
	struct partial p;

	if (text.len > ST_SEMVER_MAX_LEN || !parse_partial(&p, text, loose))
		return false;
	if (op.len > 0 && op.ptr[0] == '~') {
		test_tilde(m, &p);
		return true;
	}
	if (op.len > 0 && op.ptr[0] == '^') {
		test_caret(m, &p);
		return true;
	}
	return test_xrange(m, operator_of(op), op.len > 0, &p, loose);
}

static int invalid_comparator(const char *range, const char *at, struct strata_error *err)
{
	char reason[64];

	snprintf(reason, sizeof(reason), "invalid comparator at byte %zu", (size_t)(at - range));
	return st_version_invalid(err, KIND_RANGE, range, reason);
}

/* Tests ALT, which is "A - B" when it is exactly two partial versions
 * around a '-'. Loose mode drops a comparator that does not parse, as
 * node-semver does; otherwise it makes the range invalid. */
static bool test_if_hyphen(struct match *m, struct st_slice alt, bool loose, bool *is_hyphen)
{
	struct st_slice tok[3];
	struct partial from;
	struct partial to;
	size_t i = 0;
	unsigned n = 0;
	struct st_slice t;

	*is_hyphen = false;
	while (n < 4 && next_token(alt, &i, &t)) {
		if (n < 3)
			tok[n] = t;
		n++;
	}
	if (n != 3 || !st_slice_eq_cstr(tok[1], "-"))
		return true;
	if (tok[0].len > ST_SEMVER_MAX_LEN || tok[2].len > ST_SEMVER_MAX_LEN ||
	    !parse_partial(&from, tok[0], loose) || !parse_partial(&to, tok[2], loose))
		return true;
	*is_hyphen = true;
	m->tokens = 1;
	return test_hyphen(m, &from, &to, loose);
}

/* Tests the comparators of ALT, separated by blanks.
 * NOTE: node-semver tokenizes with text substitutions that also join an
 * operator to a version across blanks in odd places ("> =1" becomes
 * ">=1", "x^ ^x" becomes "x^^x") and, in loose mode, lose an "any"
 * comparator between two others. strata splits at blanks and joins only a
 * lone operator to the version after it, so such ranges can match
 * differently. The node-semver test vectors use none of them. */
static int test_alternative(struct match *m, struct st_slice alt, const char *range,
			    bool loose, struct strata_error *err)
{
	struct st_slice t;
	bool is_hyphen;
	size_t i = 0;

	if (!test_if_hyphen(m, alt, loose, &is_hyphen))
		return invalid_comparator(range, alt.ptr, err);
	if (is_hyphen)
		return 0;

	while (next_token(alt, &i, &t)) {
		size_t op_len = operator_len(t);
		struct st_slice op = st_slice_make(t.ptr, op_len);
		struct st_slice text = st_slice_make(t.ptr + op_len, t.len - op_len);
		struct st_slice next;
		size_t after = i;

		m->tokens++;
		/* "> 1.2", "~ 1.2" and "^ 1.2" are one comparator each. */
		if (op_len > 0 && text.len == 0 && next_token(alt, &after, &next) &&
		    (op.ptr[0] == '~' || op.ptr[0] == '^' || starts_like_version(next))) {
			text = next;
			i = after;
		}
		if (!test_comparator(m, op, text, loose) && !loose)
			return invalid_comparator(range, t.ptr, err);
	}
	return 0;
}

/* Takes the text before the next "||" of *REST into *ALT. Returns false
 * when *ALT is the last alternative. */
static bool take_alternative(struct st_slice *rest, struct st_slice *alt)
{
	size_t i;

	for (i = 0; i + 1 < rest->len; i++) {
		if (rest->ptr[i] == '|' && rest->ptr[i + 1] == '|') {
			*alt = st_slice_make(rest->ptr, i);
			rest->ptr += i + 2;
			rest->len -= i + 2;
			return true;
		}
	}
	*alt = *rest;
	rest->len = 0;
	return false;
}

/* A range is alternatives joined by "||", each a list of comparators that
 * must all hold. A pre-release version matches an alternative only when
 * one of its comparators names a pre-release of the same release (or with
 * INCLUDE_PRERELEASE). An alternative that is just "any" ("", "*", "x")
 * makes the whole range "any". */
int st_semver_range_satisfies(const char *range, const char *version, unsigned flags,
			      bool *out, struct strata_error *err)
{
	bool loose = (flags & ST_SEMVER_LOOSE) != 0;
	bool include_pre = (flags & ST_SEMVER_INCLUDE_PRERELEASE) != 0;
	bool any = false;
	bool matched = false;
	unsigned alternatives = 0;
	struct st_slice rest;
	struct semver v;
	bool more;
	int rc;

	*out = false;
	if (range == NULL)
		return st_error_set(err, STRATA_EINVAL, "missing npm range");
	rc = parse_version(&v, version, flags, err);
	if (rc < 0)
		return rc;

	rest = st_slice_cstr(range);
	do {
		struct match m = {&v, include_pre, 0, 0, 0, true, false};
		struct st_slice alt;

		more = take_alternative(&rest, &alt);
		rc = test_alternative(&m, alt, range, loose, err);
		if (rc < 0)
			return rc;
		if (m.tokens == 0)
			test_any(&m);
		if (m.comparators == 0)
			continue;
		alternatives++;
		if (m.non_any == 0)
			any = true;
		if (m.pass && (v.pre.len == 0 || include_pre || m.pre_allowed))
			matched = true;
	} while (more);

	if (alternatives == 0)
		return st_version_invalid(err, KIND_RANGE, range, "no valid comparator");
	*out = any ? v.pre.len == 0 || include_pre : matched;
	return 0;
}
