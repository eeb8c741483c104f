/* Maven versions ordered by the prose "version order specification" of the
 * POM reference (maven.apache.org/pom.html), as OSV.dev and osv-scalibr
 * implement it to evaluate the Maven ranges of OSV records. It agrees with
 * ComparableVersion (maven.c) on common versions but not on every corner:
 * "1-ga-1" equals "1-1" here, and "2.9.0-1" sorts before "2.9.0.RC1" as
 * in Maven 3.8, where Maven 3.9 and later reverse that.
 *
 * The version is split into tokens at '.' and '-' and where digits and
 * other characters meet; each token keeps the separator before it as its
 * prefix, a digit-letter change counting as '-'. Empty tokens are 0.
 * Then, from the end and again before each remaining '-', trailing null
 * tokens (0, "", ga, final, release) are dropped. Two versions compare
 * token by token, the shorter padded with null tokens; tokens with equal
 * prefixes compare by value (numbers numerically and after qualifiers,
 * known qualifiers in the order alpha, beta, milestone, rc, snapshot, "",
 * sp, unknown ones after them lexically), others by prefix and kind:
 * ".qualifier" < "-qualifier" < "-number" < ".number".
 *
 * NOTE: like osv-scalibr, this compares a padding 0 with a qualifier as if
 * 0 were an unknown qualifier, lexically, which makes the order not
 * transitive for qualifiers that start with a byte below '0': "..!" >
 * ".d" > "." but "..!" < ".". */
#include <stdlib.h>
#include <string.h>

#include "version/langver.h"

#define KIND "Maven version"

struct token {
	char prefix;           /* 0 for the first token, else '.' or '-' */
	struct st_slice value; /* lower case; a number without leading zeros */
	bool null;             /* a padding token */
};

struct spec_version {
	char lower[ST_VERSION_MAX_LEN];
	struct token tokens[ST_VERSION_MAX_LEN + 1];
	size_t n;
};

static const char *const keywords[] = {"alpha", "beta", "milestone", "rc", "snapshot", "", "sp"};

static bool is_number(struct st_slice s)
{
	return st_version_all_digits(s);
}

static void add_token(struct spec_version *v, char prefix, struct st_slice value,
		      bool followed_by_digit)
{
	struct token *t = &v->tokens[v->n++];

	if (value.len == 0)
		value = st_slice_cstr("0");
	if (st_slice_eq_cstr(value, "cr"))
		value = st_slice_cstr("rc");
	if (st_slice_eq_cstr(value, "ga") || st_slice_eq_cstr(value, "final") ||
	    st_slice_eq_cstr(value, "release"))
		value = st_slice_cstr("");
	if (followed_by_digit && st_slice_eq_cstr(value, "a"))
		value = st_slice_cstr("alpha");
	if (followed_by_digit && st_slice_eq_cstr(value, "b"))
		value = st_slice_cstr("beta");
	if (followed_by_digit && st_slice_eq_cstr(value, "m"))
		value = st_slice_cstr("milestone");
	if (is_number(value))
		value = st_version_strip_zeros(value);
	t->prefix = prefix;
	t->value = value;
	t->null = false;
}

/* Splits the separator-free text S into runs of digits and of other
 * bytes; runs after the first take the prefix '-'. */
static void add_raw_token(struct spec_version *v, char prefix, struct st_slice s)
{
	size_t start = 0;
	size_t i;

	for (i = 1; i <= s.len; i++) {
		if (i < s.len && st_version_is_digit(s.ptr[i]) == st_version_is_digit(s.ptr[i - 1]))
			continue;
		add_token(v, start == 0 ? prefix : '-', st_slice_make(s.ptr + start, i - start),
			  i < s.len);
		start = i;
	}
	if (s.len == 0)
		add_token(v, prefix, s, false);
}

static bool is_trimmed(const struct token *t)
{
	return st_slice_eq_cstr(t->value, "0") || t->value.len == 0;
}

/* Drops trailing null tokens, then repeats before each remaining '-',
 * from the end to the start; the first token stays. */
static void trim(struct spec_version *v)
{
	size_t i = v->n - 1;

	while (i > 0) {
		if (is_trimmed(&v->tokens[i])) {
			memmove(v->tokens + i, v->tokens + i + 1,
				(v->n - i - 1) * sizeof(v->tokens[0]));
			v->n--;
			i--;
			continue;
		}
		while (i > 0 && v->tokens[i].prefix != '-')
			i--;
		if (i == 0)
			break;
		i--;
	}
}

static void tokenize(struct spec_version *v, size_t len)
{
	char prefix = 0;
	size_t start = 0;
	size_t i;

	v->n = 0;
	for (i = 0; i <= len; i++) {
		if (i < len && v->lower[i] != '.' && v->lower[i] != '-')
			continue;
		add_raw_token(v, prefix, st_slice_make(v->lower + start, i - start));
		if (i < len)
			prefix = v->lower[i];
		start = i + 1;
	}
	trim(v);
}

/* Comparing -------------------------------------------------------------- */

static size_t keyword_index(struct st_slice s)
{
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(keywords); i++) {
		if (st_slice_eq_cstr(s, keywords[i]))
			break;
	}
	return i;
}

/* ".qualifier" < "-qualifier" < "-number" < ".number". */
static int prefix_order(const struct token *t)
{
	bool number = is_number(t->value);

	if (t->prefix == '-')
		return number ? 2 : 1;
	return number ? 3 : 0;
}

static bool token_less(const struct token *v, const struct token *w)
{
	bool vn, wn;
	size_t vi, wi;

	if (v->prefix != w->prefix)
		return prefix_order(v) < prefix_order(w);
	vn = is_number(v->value);
	wn = is_number(w->value);
	if (vn && wn)
		return st_version_cmp_digits(v->value, w->value) < 0;
	/* a number sorts after a qualifier unless it is padding */
	if (vn && !v->null)
		return false;
	if (wn && !w->null)
		return true;
	vi = keyword_index(v->value);
	wi = keyword_index(w->value);
	if (vi == ST_ARRAY_LEN(keywords) && wi == ST_ARRAY_LEN(keywords))
		return st_version_cmp_bytes(v->value, w->value) < 0;
	return vi < wi;
}

static bool token_equal(const struct token *v, const struct token *w)
{
	return v->prefix == w->prefix && st_version_cmp_bytes(v->value, w->value) == 0;
}

/* The null token that pads a version where the other has token T: 0 after
 * '.', but "" before a ".sp" (the only qualifier after ""), and "" after
 * '-'. */
static struct token padding(const struct token *t)
{
	struct token pad = {t->prefix, st_slice_cstr(""), true};

	if (t->prefix == '.' && !st_slice_eq_cstr(t->value, "sp"))
		pad.value = st_slice_cstr("0");
	return pad;
}

static int cmp_spec(const struct spec_version *a, const struct spec_version *b)
{
	size_t n = a->n > b->n ? a->n : b->n;
	size_t i;

	if (a->n == b->n) {
		for (i = 0; i < n && token_equal(&a->tokens[i], &b->tokens[i]); i++)
			;
		if (i == n)
			return 0;
	}
	for (i = 0; i < n; i++) {
		struct token l = i < a->n ? a->tokens[i] : padding(&b->tokens[i]);
		struct token r = i < b->n ? b->tokens[i] : padding(&a->tokens[i]);

		if (token_equal(&l, &r))
			continue;
		return token_less(&l, &r) ? -1 : 1;
	}
	/* Unreachable with trimmed tokens, where osv-scalibr returns 1 both
	 * ways; 0 keeps the order antisymmetric. */
	return 0;
}

static int parse_input(struct spec_version *v, const char *s, struct strata_error *err)
{
	size_t len;
	int rc;

	rc = st_version_check_input(KIND, s, &len, err);
	if (rc < 0)
		return rc;
	if (len == 0)
		return st_version_invalid(err, KIND, s, "empty version");
	if (!st_maven_lower_case(v->lower, s, len))
		return st_version_invalid(err, KIND, s, "invalid UTF-8");
	tokenize(v, len);
	return 0;
}

int st_maven_spec_compare(const char *a, const char *b, int *cmp, struct strata_error *err)
{
	struct spec_version *va;
	struct spec_version *vb;
	int rc;

	va = st_calloc(2, sizeof(*va));
	if (va == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory comparing Maven versions");
	vb = va + 1;
	rc = parse_input(va, a, err);
	if (rc == 0)
		rc = parse_input(vb, b, err);
	if (rc == 0)
		*cmp = cmp_spec(va, vb);
	free(va);
	return rc;
}
