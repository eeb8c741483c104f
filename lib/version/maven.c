/* Maven versions, ordered as org.apache.maven.artifact.versioning.
 * ComparableVersion (maven-artifact, Maven 4 development line) orders
 * them; the POM reference's "version order specification" describes the
 * same rules in prose.
 *
 * A version is lower-cased and split into items: numbers, qualifiers
 * ("alpha", "sp", any word) and combinations of a qualifier and a number
 * ("rc1", "alpha-2"). '.' separates items of one list; '-' and a change
 * from digits to letters open a nested list, so "1.0-rc1" is
 * [1, [rc1]]. Each list then drops its "null" items (0, empty list) where
 * they do not change the order, so 1 == 1.0 == 1-0. Known qualifiers sort
 * alpha (a) < beta (b) < milestone (m) < rc (cr) < snapshot < "" (ga,
 * final, release) < sp, and unknown ones after them in lexical order; a
 * number sorts after any qualifier and after a nested list.
 *
 * NOTE: Java lower-cases with full Unicode rules and treats every Unicode
 * decimal digit as a digit where a '-' is followed by one. strata folds
 * ASCII, Latin-1, Latin Extended-A, Greek, Cyrillic and Armenian capitals
 * (without Greek final sigma or the dotted capital I), and treats only
 * ASCII digits as digits. The length limit counts bytes, not UTF-16 units. */
#include <stdlib.h>
#include <string.h>

#include "version/langver.h"

#define KIND "Maven version"

/* Each byte adds at most one item and opens at most one list. The end of
 * the version adds one of each, and the root list is one more. */
#define MAX_ITEMS (2 * ST_VERSION_MAX_LEN + 4)

enum item_type { ITEM_NUMBER, ITEM_STRING, ITEM_LIST, ITEM_COMBINATION };

struct item {
	enum item_type type;
	struct st_slice text;   /* number: digits without leading zeros;
				 * string, combination: the qualifier */
	struct st_slice digits; /* combination: its number */
	int first;              /* list: first child, or -1 */
	int next;               /* next item of the same list, or -1 */
};

struct maven {
	char lower[ST_VERSION_MAX_LEN]; /* the version, lower-cased */
	size_t len;
	struct item items[MAX_ITEMS];
	int nitems;
	int root;
};

/* UTF-8 ------------------------------------------------------------------ */

/* Decodes the UTF-8 character at S[I]; returns its length and sets *CP,
 * or returns 0 for an invalid sequence. */
static size_t utf8_decode(const char *s, size_t len, size_t i, unsigned long *cp)
{
	const unsigned char *p = (const unsigned char *)s + i;
	size_t left = len - i;
	size_t n;
	size_t k;
	unsigned long min;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		*cp = p[0] & 0x1f;
		min = 0x80;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		*cp = p[0] & 0x0f;
		min = 0x800;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		*cp = p[0] & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (left < n)
		return 0;
	for (k = 1; k < n; k++) {
		if ((p[k] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (p[k] & 0x3f);
	}
	if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return n;
}

/* Returns the lower-case letter of capital CP in the scripts strata folds
 * (all two-byte UTF-8 code points), or CP. */
static unsigned long fold_two_byte(unsigned long cp)
{
	if ((cp >= 0xc0 && cp <= 0xde && cp != 0xd7) ||
	    (cp >= 0x391 && cp <= 0x3ab && cp != 0x3a2) || (cp >= 0x410 && cp <= 0x42f))
		return cp + 0x20;
	if (cp >= 0x400 && cp <= 0x40f)
		return cp + 0x50;
	if (cp >= 0x531 && cp <= 0x556)
		return cp + 0x30;
	if (cp == 0x178)
		return 0xff;
	if (cp == 0x386)
		return 0x3ac;
	if (cp >= 0x388 && cp <= 0x38a)
		return cp + 0x25;
	if (cp == 0x38c)
		return 0x3cc;
	if (cp == 0x38e || cp == 0x38f)
		return cp + 0x3f;
	if (cp == 0x4c0)
		return 0x4cf;
	/* pairs of capital (even) and small (odd) letters */
	if (((cp >= 0x100 && cp <= 0x12f) || (cp >= 0x132 && cp <= 0x137) ||
	     (cp >= 0x14a && cp <= 0x177) || (cp >= 0x460 && cp <= 0x481) ||
	     (cp >= 0x48a && cp <= 0x4bf) || (cp >= 0x4d0 && cp <= 0x52f)) &&
	    cp % 2 == 0)
		return cp + 1;
	/* pairs of capital (odd) and small (even) letters */
	if (((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17e) ||
	     (cp >= 0x4c1 && cp <= 0x4ce)) &&
	    cp % 2 == 1)
		return cp + 1;
	return cp;
}

bool st_maven_lower_case(char *dst, const char *v, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned long cp;
		size_t n = utf8_decode(v, len, i, &cp);

		if (n == 0)
			return false;
		if (n == 1) {
			dst[i] = st_version_lower(v[i]);
		} else if (n == 2) {
			cp = fold_two_byte(cp);
			dst[i] = (char)(0xc0 | (cp >> 6));
			dst[i + 1] = (char)(0x80 | (cp & 0x3f));
		} else {
			memcpy(dst + i, v + i, n);
		}
		i += n;
	}
	return true;
}

/* Returns the next UTF-16 code unit of the valid UTF-8 string S from *I
 * (and *LOW, the pending low surrogate), or 0 at the end. Java compares
 * strings by UTF-16 units, which orders characters beyond U+FFFF before
 * U+E000..U+FFFF, unlike UTF-8 bytes. */
static unsigned long next_unit(struct st_slice s, size_t *i, unsigned long *low)
{
	unsigned long cp;
	size_t n;

	if (*low != 0) {
		cp = *low;
		*low = 0;
		return cp;
	}
	if (*i >= s.len)
		return 0;
	n = utf8_decode(s.ptr, s.len, *i, &cp);
	*i += n > 0 ? n : 1;
	if (cp < 0x10000)
		return cp;
	cp -= 0x10000;
	*low = 0xdc00 | (cp & 0x3ff);
	return 0xd800 | (cp >> 10);
}

static int cmp_utf16(struct st_slice a, struct st_slice b)
{
	unsigned long low_a = 0;
	unsigned long low_b = 0;
	size_t i = 0;
	size_t j = 0;

	for (;;) {
		unsigned long ua = next_unit(a, &i, &low_a);
		unsigned long ub = next_unit(b, &j, &low_b);

		if (ua != ub)
			return ua < ub ? -1 : 1;
		if (ua == 0)
			return 0;
	}
}

/* Qualifiers ------------------------------------------------------------- */

static const char *const qualifiers[] = {"alpha", "beta", "milestone", "rc", "snapshot", "", "sp"};

/* The rank of "" (and of "ga", "final" and "release"): a version without
 * qualifier. */
#define RELEASE_RANK 5
#define UNKNOWN_RANK 7

static int qualifier_rank(struct st_slice q)
{
	size_t i;

	if (st_slice_eq_cstr(q, "ga") || st_slice_eq_cstr(q, "final") ||
	    st_slice_eq_cstr(q, "release"))
		return RELEASE_RANK;
	for (i = 0; i < ST_ARRAY_LEN(qualifiers); i++) {
		if (st_slice_eq_cstr(q, qualifiers[i]))
			return (int)i;
	}
	return UNKNOWN_RANK;
}

/* Compares qualifier A with B, or with the release when B is NULL. Unknown
 * qualifiers sort after the known ones, among them lexically. */
static int cmp_qualifier(struct st_slice a, const struct st_slice *b)
{
	int ra = qualifier_rank(a);
	int rb = b != NULL ? qualifier_rank(*b) : RELEASE_RANK;

	if (ra != rb)
		return ra < rb ? -1 : 1;
	if (ra == UNKNOWN_RANK)
		return cmp_utf16(a, *b);
	return 0;
}

/* Returns the qualifier of a string item. "cr" is "rc". In a combination,
 * where a number follows, a one-letter "a", "b" or "m" is alpha, beta or
 * milestone. */
static struct st_slice make_qualifier(struct st_slice q, bool followed_by_digit)
{
	if (followed_by_digit && q.len == 1) {
		if (q.ptr[0] == 'a')
			return st_slice_cstr("alpha");
		if (q.ptr[0] == 'b')
			return st_slice_cstr("beta");
		if (q.ptr[0] == 'm')
			return st_slice_cstr("milestone");
	}
	if (st_slice_eq_cstr(q, "cr"))
		return st_slice_cstr("rc");
	return q;
}

/* Parsing ---------------------------------------------------------------- */

static int new_item(struct maven *m, enum item_type type)
{
	struct item *it = &m->items[m->nitems];

	it->type = type;
	it->text = st_slice_make("", 0);
	it->digits = st_slice_make("", 0);
	it->first = -1;
	it->next = -1;
	return m->nitems++;
}

static void append(struct maven *m, int list, int item)
{
	int *link = &m->items[list].first;

	while (*link >= 0)
		link = &m->items[*link].next;
	*link = item;
}

static bool is_empty(const struct maven *m, int list)
{
	return m->items[list].first < 0;
}

/* parseItem(): the text between START and END as a number, a string or a
 * combination. A combination is letters, maybe a '-', then digits. */
static int make_item(struct maven *m, bool combination, bool digits, size_t start, size_t end)
{
	struct st_slice s = st_slice_make(m->lower + start, end - start);
	int id;

	if (combination) {
		size_t k = 0;
		size_t qlen;

		while (k < s.len && !st_version_is_digit(s.ptr[k]))
			k++;
		qlen = k > 0 && s.ptr[k - 1] == '-' ? k - 1 : k;
		id = new_item(m, ITEM_COMBINATION);
		m->items[id].text = make_qualifier(st_slice_make(s.ptr, qlen), true);
		m->items[id].digits = st_version_strip_zeros(st_slice_make(s.ptr + k, s.len - k));
	} else if (digits) {
		id = new_item(m, ITEM_NUMBER);
		m->items[id].text = st_version_strip_zeros(s);
	} else {
		id = new_item(m, ITEM_STRING);
		m->items[id].text = make_qualifier(s, false);
	}
	return id;
}

static int make_zero(struct maven *m)
{
	int id = new_item(m, ITEM_NUMBER);

	m->items[id].text = st_slice_cstr("0");
	return id;
}

/* The state of the parse: the list that receives items and the stack of
 * the lists opened so far, normalized innermost first at the end. */
struct parser {
	struct maven *m;
	int list;
	int stack[ST_VERSION_MAX_LEN + 2];
	size_t depth;
};

static void open_list(struct parser *p)
{
	int id = new_item(p->m, ITEM_LIST);

	append(p->m, p->list, id);
	p->list = id;
	p->stack[p->depth++] = id;
}

static bool is_null(const struct item *it)
{
	switch (it->type) {
	case ITEM_NUMBER:
		return st_slice_eq_cstr(it->text, "0");
	case ITEM_STRING:
		return it->text.len == 0;
	case ITEM_LIST:
		return it->first < 0;
	default:
		return false;
	}
}

/* ListItem.normalize(): drops each null item that is last or followed by
 * a string or by a list starting with a string or a combination, then
 * unwraps a list whose only item is a list. */
static void normalize(struct maven *m, int list)
{
	int children[MAX_ITEMS];
	size_t n = 0;
	size_t i;
	int id;

	for (id = m->items[list].first; id >= 0; id = m->items[id].next)
		children[n++] = id;
	for (i = n; i-- > 0;) {
		bool drop = false;

		if (!is_null(&m->items[children[i]]))
			continue;
		if (i == n - 1 || m->items[children[i + 1]].type == ITEM_STRING) {
			drop = true;
		} else if (m->items[children[i + 1]].type == ITEM_LIST) {
			int head = m->items[children[i + 1]].first;

			drop = head >= 0 && (m->items[head].type == ITEM_COMBINATION ||
					     m->items[head].type == ITEM_STRING);
		}
		if (drop) {
			memmove(children + i, children + i + 1, (n - i - 1) * sizeof(children[0]));
			n--;
		}
	}
	if (n == 1 && m->items[children[0]].type == ITEM_LIST) {
		m->items[list].first = m->items[children[0]].first;
		return;
	}
	m->items[list].first = n > 0 ? children[0] : -1;
	for (i = 0; i < n; i++)
		m->items[children[i]].next = i + 1 < n ? children[i + 1] : -1;
}

/* ComparableVersion.parseVersion() on M->lower. */
static void parse(struct maven *m)
{
	struct parser p;
	bool digit = false;
	bool combination = false;
	size_t start = 0;
	size_t i;

	m->nitems = 0;
	m->root = new_item(m, ITEM_LIST);
	p.m = m;
	p.list = m->root;
	p.stack[0] = m->root;
	p.depth = 1;

	for (i = 0; i < m->len; i++) {
		char c = m->lower[i];

		if (c == '.') {
			if (i == start)
				append(m, p.list, make_zero(m));
			else
				append(m, p.list, make_item(m, combination, digit, start, i));
			combination = false;
			start = i + 1;
		} else if (c == '-') {
			if (i == start) {
				append(m, p.list, make_zero(m));
			} else {
				/* "X-1" is read as "X1" */
				bool digit_next = i + 1 < m->len &&
						  st_version_is_digit(m->lower[i + 1]);

				if (!digit && digit_next) {
					combination = true;
					continue;
				}
				append(m, p.list, make_item(m, combination, digit, start, i));
			}
			start = i + 1;
			if (!is_empty(m, p.list))
				open_list(&p);
			combination = false;
		} else if (st_version_is_digit(c)) {
			if (!digit && i > start) {
				/* "X1" */
				combination = true;
				if (!is_empty(m, p.list))
					open_list(&p);
			}
			digit = true;
		} else {
			if (digit && i > start) {
				append(m, p.list, make_item(m, combination, true, start, i));
				start = i;
				open_list(&p);
				combination = false;
			}
			digit = false;
		}
	}
	if (m->len > start) {
		/* "1.0.0.X1" < "1.0.0-X2": ".X" is read as "-X" */
		if (!digit && !is_empty(m, p.list))
			open_list(&p);
		append(m, p.list, make_item(m, combination, digit, start, m->len));
	}
	while (p.depth > 0)
		normalize(m, p.stack[--p.depth]);
}

/* Ordering --------------------------------------------------------------- */

static int cmp_item(const struct maven *ma, int a, const struct maven *mb, int b);

/* A number against null: 0 when it is zero, else greater. */
static int number_vs_null(struct st_slice digits)
{
	return st_slice_eq_cstr(digits, "0") || digits.len == 0 ? 0 : 1;
}

static int cmp_number(const struct item *x, const struct item *y)
{
	if (y == NULL)
		return number_vs_null(x->text);
	if (y->type == ITEM_NUMBER)
		return st_version_cmp_digits(x->text, y->text);
	return 1; /* 1.1 > 1-sp, 1.1 > 1-1 */
}

static int cmp_string(const struct item *x, const struct item *y)
{
	int rc;

	if (y == NULL)
		return cmp_qualifier(x->text, NULL);
	switch (y->type) {
	case ITEM_NUMBER:
		return -1;
	case ITEM_STRING:
		return cmp_qualifier(x->text, &y->text);
	default: /* ITEM_COMBINATION */
		rc = cmp_qualifier(x->text, &y->text);
		if (rc != 0)
			return rc;
		if (cmp_qualifier(x->text, NULL) == 0)
			return -number_vs_null(y->digits);
		return -1;
	}
}

static int cmp_combination(const struct item *x, const struct item *y)
{
	int rc;

	if (y == NULL) {
		rc = cmp_qualifier(x->text, NULL);
		return rc != 0 ? rc : number_vs_null(x->digits);
	}
	switch (y->type) {
	case ITEM_NUMBER:
		return -1;
	case ITEM_STRING:
		rc = cmp_qualifier(x->text, &y->text);
		if (rc != 0)
			return rc;
		if (cmp_qualifier(x->text, NULL) == 0)
			return number_vs_null(x->digits);
		return 1; /* X1 > X */
	default: /* ITEM_COMBINATION */
		rc = cmp_qualifier(x->text, &y->text);
		return rc != 0 ? rc : st_version_cmp_digits(x->digits, y->digits);
	}
}

static int cmp_list(const struct maven *ma, int a, const struct maven *mb, int b)
{
	const struct item *x = &ma->items[a];
	int rc = 0;
	int l = x->first;
	int r;

	if (b < 0) {
		/* compare every item with null, not only the first (MNG-6964) */
		for (; l >= 0 && rc == 0; l = ma->items[l].next)
			rc = cmp_item(ma, l, NULL, -1);
		return rc;
	}
	switch (mb->items[b].type) {
	case ITEM_NUMBER:
		return -1; /* 1-1 < 1.0.x */
	case ITEM_STRING:
	case ITEM_COMBINATION:
		if (l < 0)
			return -cmp_item(mb, b, NULL, -1);
		rc = cmp_item(ma, l, mb, b);
		for (l = ma->items[l].next; l >= 0 && rc == 0; l = ma->items[l].next)
			rc = cmp_item(ma, l, NULL, -1);
		return rc;
	default:
		break;
	}
	r = mb->items[b].first;
	while ((l >= 0 || r >= 0) && rc == 0) {
		if (l < 0)
			rc = -cmp_item(mb, r, NULL, -1);
		else
			rc = cmp_item(ma, l, r >= 0 ? mb : NULL, r);
		if (l >= 0)
			l = ma->items[l].next;
		if (r >= 0)
			r = mb->items[r].next;
	}
	return rc;
}

/* Item.compareTo(): item A of MA against item B of MB, or against null
 * when B is -1. */
static int cmp_item(const struct maven *ma, int a, const struct maven *mb, int b)
{
	const struct item *x = &ma->items[a];
	const struct item *y = b >= 0 ? &mb->items[b] : NULL;

	if (y != NULL && y->type == ITEM_LIST && x->type != ITEM_LIST)
		return -cmp_list(mb, b, ma, a);
	switch (x->type) {
	case ITEM_NUMBER:
		return cmp_number(x, y);
	case ITEM_STRING:
		return cmp_string(x, y);
	case ITEM_COMBINATION:
		return cmp_combination(x, y);
	default:
		return cmp_list(ma, a, mb, b);
	}
}

/* Entry points ----------------------------------------------------------- */

static int parse_input(struct maven *m, const char *v, struct strata_error *err)
{
	size_t len;
	int rc;

	rc = st_version_check_input(KIND, v, &len, err);
	if (rc < 0)
		return rc;
	if (len == 0)
		return st_version_invalid(err, KIND, v, "empty version");
	if (!st_maven_lower_case(m->lower, v, len))
		return st_version_invalid(err, KIND, v, "invalid UTF-8");
	m->len = len;
	parse(m);
	return 0;
}

static int compare_items(const char *a, const char *b, int *cmp, struct strata_error *err)
{
	struct maven *ma;
	struct maven *mb;
	int rc;

	/* two parsed versions take about 50 KiB: keep them off the stack */
	ma = st_calloc(2, sizeof(*ma));
	if (ma == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory comparing Maven versions");
	mb = ma + 1;
	rc = parse_input(ma, a, err);
	if (rc == 0)
		rc = parse_input(mb, b, err);
	if (rc == 0)
		*cmp = st_version_sign(cmp_list(ma, ma->root, mb, mb->root));
	free(ma);
	return rc;
}

int st_maven_compare_flags(const char *a, const char *b, unsigned flags, int *cmp,
			   struct strata_error *err)
{
	if (flags & ST_MAVEN_SPEC)
		return st_maven_spec_compare(a, b, cmp, err);
	return compare_items(a, b, cmp, err);
}

int st_maven_compare(const char *a, const char *b, int *cmp, struct strata_error *err)
{
	return compare_items(a, b, cmp, err);
}

int st_maven_validate(const char *v, struct strata_error *err)
{
	int cmp;

	return st_maven_compare(v, v, &cmp, err);
}
