/* Alpine package versions (apk), validated and ordered as apk-tools 3
 * does in src/version.c. A version reads
 *
 *	NUMBER{.NUMBER}[LETTER]{_SUFFIX[NUMBER]}[~HASH][-rNUMBER]
 *
 * and is compared token by token: the numbers, the letter, each suffix
 * (alpha < beta < pre < rc < none < cvs < svn < git < hg < p) and its
 * number, the commit hash, the revision. */
#include <string.h>

#include "version/version.h"

/* Token kinds in the order the grammar allows them. The order also breaks
 * ties: when two versions agree up to where their next tokens differ in
 * kind, the one whose next token has the greater kind sorts first, so
 * "1.0" (END next) < "1.0.1" (DIGIT next) and "1.0-r1" < "1.0.1". */
enum kind {
	K_INITIAL, /* the leading number */
	K_DIGIT,   /* ".NUMBER" */
	K_LETTER,  /* one of a-z after a number */
	K_SUFFIX,  /* "_NAME" */
	K_SUFFIX_NO,
	K_HASH,     /* "~HEX" */
	K_REVISION, /* "-rNUMBER" */
	K_END,
	K_INVALID,
};

/* Suffix ranks: the names before NONE mark pre-releases. */
enum suffix { S_ALPHA, S_BETA, S_PRE, S_RC, S_NONE, S_CVS, S_SVN, S_GIT, S_HG, S_P };

static const struct {
	const char *name;
	enum suffix rank;
} suffixes[] = {
	{"alpha", S_ALPHA}, {"beta", S_BETA}, {"pre", S_PRE}, {"rc", S_RC}, {"cvs", S_CVS},
	{"svn", S_SVN},     {"git", S_GIT},   {"hg", S_HG},   {"p", S_P},
};

struct token {
	enum kind kind;
	struct st_slice text; /* digits, letter, suffix name or hash */
	enum suffix suffix;   /* K_SUFFIX */
	const char *reason;   /* K_INVALID: what is wrong, for error messages */
};

/* The unread rest of a version. */
struct cursor {
	const char *p;
	size_t len;
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

/* apk-tools takes lowercase hex digits only. */
static bool is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f');
}

static void advance(struct cursor *c, size_t n)
{
	c->p += n;
	c->len -= n;
}

/* Takes the longest run of bytes that PRED accepts as T's text. */
static void take_run(struct token *t, struct cursor *c, bool (*pred)(char))
{
	size_t n = 0;

	while (n < c->len && pred(c->p[n]))
		n++;
	t->text = st_slice_make(c->p, n);
	advance(c, n);
}

static void set_invalid(struct token *t, const char *reason)
{
	t->kind = K_INVALID;
	t->reason = reason;
}

/* Takes a number of kind KIND; an empty one makes T invalid. */
static void take_number(struct token *t, struct cursor *c, enum kind kind, const char *reason)
{
	take_run(t, c, is_digit);
	t->kind = kind;
	if (t->text.len == 0)
		set_invalid(t, reason);
}

static void take_suffix(struct token *t, struct cursor *c)
{
	size_t i;

	advance(c, 1);
	take_run(t, c, is_lower);
	for (i = 0; i < ST_ARRAY_LEN(suffixes); i++) {
		if (st_slice_eq_cstr(t->text, suffixes[i].name)) {
			t->kind = K_SUFFIX;
			t->suffix = suffixes[i].rank;
			return;
		}
	}
	set_invalid(t, "unknown suffix after '_'");
}

static void take_hash(struct token *t, struct cursor *c)
{
	advance(c, 1);
	take_run(t, c, is_hex);
	t->kind = K_HASH;
	if (t->text.len == 0)
		set_invalid(t, "'~' not followed by lowercase hex digits");
}

static void take_revision(struct token *t, struct cursor *c)
{
	if (c->len < 2 || c->p[1] != 'r') {
		set_invalid(t, "'-' not followed by 'r'");
		return;
	}
	advance(c, 2);
	take_number(t, c, K_REVISION, "'-r' not followed by a number");
}

static void first_token(struct token *t, struct cursor *c)
{
	take_number(t, c, K_INITIAL, "does not start with a digit");
}

/* Reads the token after T. T's kind decides which tokens may follow. */
static void next_token(struct token *t, struct cursor *c)
{
	enum kind prev = t->kind;
	char ch;

	if (c->len == 0) {
		t->kind = K_END;
		return;
	}
	ch = c->p[0];
	if (is_lower(ch) && prev <= K_DIGIT) {
		t->text = st_slice_make(c->p, 1);
		t->kind = K_LETTER;
		advance(c, 1);
	} else if (ch == '.' && prev <= K_DIGIT) {
		advance(c, 1);
		take_number(t, c, K_DIGIT, "'.' not followed by a digit");
	} else if (is_digit(ch) && prev == K_SUFFIX) {
		take_number(t, c, K_SUFFIX_NO, "");
	} else if (ch == '_' && prev <= K_SUFFIX_NO) {
		take_suffix(t, c);
	} else if (ch == '~' && prev < K_HASH) {
		take_hash(t, c);
	} else if (ch == '-' && prev < K_REVISION) {
		take_revision(t, c);
	} else if (is_lower(ch) || is_digit(ch) || ch == '.' || ch == '_' || ch == '~' ||
		   ch == '-') {
		set_invalid(t, "part out of order");
	} else {
		set_invalid(t, "invalid character");
	}
}

/* Orders two digit strings by value, whatever their length: apk-tools
 * reads numbers into 64 bits, so the two differ only past 2^64.
 * NOTE: apk-tools wraps such numbers modulo 2^64; strata orders them by
 * value. */
static int cmp_number(struct st_slice a, struct st_slice b)
{
	int c;

	while (a.len > 1 && a.ptr[0] == '0')
		a = st_slice_make(a.ptr + 1, a.len - 1);
	while (b.len > 1 && b.ptr[0] == '0')
		b = st_slice_make(b.ptr + 1, b.len - 1);
	if (a.len != b.len)
		return a.len < b.len ? -1 : 1;
	c = memcmp(a.ptr, b.ptr, a.len);
	return (c > 0) - (c < 0);
}

/* Byte order, where a prefix sorts first. */
static int cmp_bytes(struct st_slice a, struct st_slice b)
{
	size_t n = a.len < b.len ? a.len : b.len;
	int c = memcmp(a.ptr, b.ptr, n);

	if (c != 0)
		return (c > 0) - (c < 0);
	if (a.len != b.len)
		return a.len < b.len ? -1 : 1;
	return 0;
}

/* Compares two tokens of the same kind. */
static int cmp_token(const struct token *a, const struct token *b)
{
	switch (a->kind) {
	case K_DIGIT:
		/* A number after '.' with a leading zero compares as text,
		 * so 1.01 < 1.1 and 1.001 < 1.01. */
		if (a->text.ptr[0] == '0' || b->text.ptr[0] == '0')
			return cmp_bytes(a->text, b->text);
		return cmp_number(a->text, b->text);
	case K_INITIAL:
	case K_SUFFIX_NO:
	case K_REVISION:
		return cmp_number(a->text, b->text);
	case K_LETTER:
		return cmp_bytes(a->text, b->text);
	case K_SUFFIX:
		return (a->suffix > b->suffix) - (a->suffix < b->suffix);
	default:
		return cmp_bytes(a->text, b->text);
	}
}

static bool is_pre_release(const struct token *t)
{
	return t->kind == K_SUFFIX && t->suffix < S_NONE;
}

int st_apk_version_order(struct st_slice a, struct st_slice b, bool fuzzy)
{
	struct cursor ca = {a.ptr, a.len};
	struct cursor cb = {b.ptr, b.len};
	struct token ta;
	struct token tb;
	int c;

	memset(&ta, 0, sizeof(ta));
	memset(&tb, 0, sizeof(tb));
	first_token(&ta, &ca);
	first_token(&tb, &cb);
	while (ta.kind == tb.kind && ta.kind < K_END) {
		c = cmp_token(&ta, &tb);
		if (c != 0)
			return c;
		next_token(&ta, &ca);
		next_token(&tb, &cb);
	}

	/* Both ended, or both turned invalid at the same point. */
	if (ta.kind == tb.kind)
		return 0;
	if (fuzzy && tb.kind == K_END)
		return 0;
	/* One version goes on where the other does not: it is the greater
	 * one unless it goes on with a pre-release suffix. */
	if (is_pre_release(&ta))
		return -1;
	if (is_pre_release(&tb))
		return 1;
	return ta.kind > tb.kind ? -1 : 1;
}

static int invalid(const char *v, const char *reason, struct strata_error *err)
{
	return st_version_invalid(err, "apk version", v, reason);
}

int st_apk_version_validate(const char *v, struct strata_error *err)
{
	struct cursor c;
	struct token t;

	if (v == NULL)
		return st_error_set(err, STRATA_EINVAL, "missing apk version");
	if (v[0] == '\0')
		return invalid(v, "empty version", err);
	c.p = v;
	c.len = strlen(v);
	memset(&t, 0, sizeof(t));
	for (first_token(&t, &c); t.kind < K_END; next_token(&t, &c))
		;
	if (t.kind == K_INVALID)
		return invalid(v, t.reason, err);
	return 0;
}

int st_apk_version_compare(const char *a, const char *b, int *cmp, struct strata_error *err)
{
	int rc;

	rc = st_apk_version_validate(a, err);
	if (rc < 0)
		return rc;
	rc = st_apk_version_validate(b, err);
	if (rc < 0)
		return rc;
	*cmp = st_apk_version_order(st_slice_cstr(a), st_slice_cstr(b), false);
	return 0;
}
