/* Importer for OVAL definitions documents (OVAL 5, the "linux" rpminfo
 * tests) from SUSE, Oracle (ELSA), CBL-Mariner and Azure Linux:
 *
 *   <oval_definitions>
 *     <generator><product_name>...</product_name></generator>
 *     <definitions><definition id= class=>
 *         <metadata> title, affected/platform, reference, advisory or
 *                    severity </metadata>
 *         <criteria operator="AND|OR"> criterion test_ref= comment=,
 *                    nested criteria </criteria></definition></definitions>
 *     <tests><rpminfo_test id=><object object_ref=/><state state_ref=/>
 *     <objects><rpminfo_object id=><name>openssl</name>
 *     <states><rpminfo_state id=><evr operation="less than">0:1.2-3</evr>
 *   </oval_definitions>
 *
 * The document is read twice with a streaming reader, because the
 * definitions come first in the file but refer to the tests, objects and
 * states after them. The first pass keeps those as small tables. The
 * second pass builds one definition's subtree at a time and resolves its
 * criteria tree into (release, package, fixed EVR) rows: ecosystem "rpm",
 * the distro key of the release ("sles:15.5", "ol:9", "mariner:2.0"), the
 * binary rpm name, and status fixed with the EVR exactly as the state
 * gives it. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vuln/xml_feed.h"

/* A definition that cannot be resolved: the reason goes into WHY and the
 * definition is skipped. */
#define MALFORMED 1

enum oval_vendor {
	VENDOR_UNKNOWN,
	VENDOR_SUSE,
	VENDOR_ORACLE,
	VENDOR_MARINER,
	VENDOR_AZURELINUX,
};

static const struct {
	const char *source;
	const char *severity_source;
	const char *family;   /* distro key family taken from the release tag */
	const char *dist_tag; /* ".cm" in "1.20.7-1.cm2" */
} vendors[] = {
	[VENDOR_UNKNOWN] = {NULL, NULL, NULL, NULL},
	[VENDOR_SUSE] = {ST_SOURCE_SUSE_OVAL, "suse", NULL, NULL},
	[VENDOR_ORACLE] = {ST_SOURCE_ORACLE_OVAL, "oracle", NULL, NULL},
	[VENDOR_MARINER] = {ST_SOURCE_MARINER_OVAL, "mariner", "mariner", ".cm"},
	[VENDOR_AZURELINUX] = {ST_SOURCE_AZURELINUX_OVAL, "azurelinux", "azurelinux", ".azl"},
};

/* Tables of the first pass --------------------------------------------------- */

/* A test (object and state ids), an object (package name) or a state (EVR
 * and its operation, or the version and its operation when there is no
 * EVR), found by id. */
struct oval_item {
	const char *id;
	const char *a;
	const char *b;
	const char *c;
};

struct oval_table {
	struct oval_item *items;
	size_t count;
	size_t cap;
};

struct oval_doc {
	struct st_import_ctx *ctx;
	int vendor;
	const char *generator;
	struct st_xml_strings strings; /* table strings, for the whole document */
	struct oval_table tests;       /* a: object_ref, b: state_ref */
	struct oval_table objects;     /* a: name */
	struct oval_table states;      /* a: evr, b: operation, c: version */
	int64_t source;
};

static int table_add(struct oval_table *t, const char *id, const char *a, const char *b,
		     const char *c, struct strata_error *err)
{
	if (id == NULL)
		return 0;
	if (t->count == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		struct oval_item *p = st_reallocarray(t->items, cap, sizeof(*p));

		if (p == NULL)
			return st_error_set(err, STRATA_ENOMEM, "out of memory");
		t->items = p;
		t->cap = cap;
	}
	t->items[t->count].id = id;
	t->items[t->count].a = a;
	t->items[t->count].b = b;
	t->items[t->count].c = c;
	t->count++;
	return 0;
}

static int compare_items(const void *x, const void *y)
{
	return strcmp(((const struct oval_item *)x)->id, ((const struct oval_item *)y)->id);
}

static void sort_table(struct oval_table *t)
{
	/* qsort needs a valid pointer even for no items. */
	if (t->count > 1)
		qsort(t->items, t->count, sizeof(*t->items), compare_items);
}

static const struct oval_item *table_find(const struct oval_table *t, const char *id)
{
	struct oval_item key = {id, NULL, NULL, NULL};

	if (id == NULL || t->count == 0)
		return NULL;
	return bsearch(&key, t->items, t->count, sizeof(key), compare_items);
}

static void detect_vendor(struct oval_doc *doc, const char *product)
{
	doc->generator = product;
	if (product == NULL)
		return;
	if (strstr(product, "CBL-Mariner") != NULL)
		doc->vendor = VENDOR_MARINER;
	else if (strstr(product, "Azure Linux") != NULL)
		doc->vendor = VENDOR_AZURELINUX;
	else if (strstr(product, "Oracle") != NULL)
		doc->vendor = VENDOR_ORACLE;
	else if (strstr(product, "SUSE") != NULL || strstr(product, "Marcus") != NULL)
		/* "Marcus Updateinfo to OVAL Converter" is SUSE's generator. */
		doc->vendor = VENDOR_SUSE;
}

/* Adds one rpminfo_test, rpminfo_object or rpminfo_state subtree. */
static int add_item(struct oval_doc *doc, xmlNode *n, struct strata_error *err)
{
	struct st_xml_strings *s = &doc->strings;
	const char *id = st_xml_attr(s, n, "id");
	xmlNode *evr;
	xmlNode *version;
	int rc = 0;

	if (st_xml_is(n, "rpminfo_test")) {
		/* NOTE: only the first state of a test is read, because the
		 * vendors covered here write one. */
		rc = table_add(&doc->tests, id,
			       st_xml_attr(s, st_xml_child(n, "object"), "object_ref"),
			       st_xml_attr(s, st_xml_child(n, "state"), "state_ref"), NULL, err);
	} else if (st_xml_is(n, "rpminfo_object")) {
		rc = table_add(&doc->objects, id, st_xml_text(s, st_xml_child(n, "name")), NULL,
			       NULL, err);
	} else if (st_xml_is(n, "rpminfo_state")) {
		/* NOTE: an <arch> in the state is dropped, because the store
		 * has no architecture column. In the SUSE fixture one state
		 * lists all architectures with a single EVR. */
		evr = st_xml_child(n, "evr");
		version = st_xml_child(n, "version");
		rc = table_add(&doc->states, id, st_xml_text(s, evr),
			       st_xml_attr(s, evr ? evr : version, "operation"),
			       st_xml_text(s, version), err);
	}
	if (rc == 0 && s->oom)
		rc = st_error_set(err, STRATA_ENOMEM, "out of memory");
	return rc;
}

/* First pass: the generator and the rpminfo tests, objects and states. */
static int read_tables(struct oval_doc *doc, struct st_slice text, struct strata_error *err)
{
	struct st_xml_reader r;
	xmlNode *n;
	bool skip = false;
	int rc;

	rc = st_xml_open(&r, text, doc->ctx->name, doc->ctx->limits, err);
	if (rc < 0)
		return rc;
	while ((rc = st_xml_read(&r, skip, err)) == 1) {
		skip = false;
		if (xmlTextReaderNodeType(r.reader) != XML_READER_TYPE_ELEMENT)
			continue;
		if (st_xml_at(&r, 1, "definitions")) {
			skip = true;
		} else if (st_xml_at(&r, 1, "generator")) {
			n = st_xml_expand(&r, err);
			if (n == NULL) {
				rc = err->code;
				break;
			}
			detect_vendor(doc, st_xml_text(&doc->strings,
						       st_xml_child(n, "product_name")));
			skip = true;
		} else if (xmlTextReaderDepth(r.reader) == 2) {
			/* Members of <tests>, <objects> and <states>. */
			n = st_xml_expand(&r, err);
			if (n == NULL) {
				rc = err->code;
				break;
			}
			rc = add_item(doc, n, err);
			if (rc < 0)
				break;
			skip = true;
		}
	}
	st_xml_close(&r);
	if (rc < 0)
		return rc;
	sort_table(&doc->tests);
	sort_table(&doc->objects);
	sort_table(&doc->states);
	return 0;
}

/* Products ---------------------------------------------------------------- */

/* Parses S, which must be all of "MAJOR[ SPn][-SUFFIX]" ("15 SP1-LTSS"). */
static bool parse_sle_version(const char *s, unsigned *major, unsigned *sp)
{
	struct st_slice digits;
	uint64_t v;
	size_t i = 0;

	while (s[i] >= '0' && s[i] <= '9')
		i++;
	digits = st_slice_make(s, i);
	if (i == 0 || i > 3 || !st_slice_to_u64(digits, &v))
		return false;
	*major = (unsigned)v;
	*sp = 0;
	s += i;
	if (strncmp(s, " SP", 3) == 0) {
		for (i = 3; s[i] >= '0' && s[i] <= '9'; i++)
			;
		digits = st_slice_make(s + 3, i - 3);
		if (i == 3 || i > 5 || !st_slice_to_u64(digits, &v))
			return false;
		*sp = (unsigned)v;
		s += i;
	}
	/* "-LTSS", "-BCL", "-ESPOS", "-TERADATA": support offerings of the
	 * same release. */
	return *s == '\0' || (*s == '-' && s[1] != '\0' && strchr(s, ' ') == NULL);
}

static const char *sle_key(struct st_xml_strings *s, unsigned major, unsigned sp)
{
	const char *key;

	/* The key of st_os_classify: os-release VERSION_ID "15" (the first
	 * release) gives "sles:15.0", "15.5" (service pack 5) "sles:15.5". */
	key = st_arena_printf(&s->arena, "sles:%u.%u", major, sp);
	if (key == NULL)
		s->oom = true;
	return key;
}

/* Maps a SUSE product name to its distro key, or NULL for a product
 * without one (Desktop, SAP, HPC, Manager, Micro, ...). */
static const char *suse_key(struct st_xml_strings *s, const char *product)
{
	static const char server[] = "SUSE Linux Enterprise Server ";
	static const char module[] = "SUSE Linux Enterprise Module for ";
	static const char leap[] = "openSUSE Leap ";
	unsigned major;
	unsigned sp;
	const char *p;
	const char *key;

	if (strncmp(product, server, strlen(server)) == 0) {
		if (!parse_sle_version(product + strlen(server), &major, &sp))
			return NULL;
		return sle_key(s, major, sp);
	}
	/* Modules ("... Module for Basesystem 15 SP5") carry most SLES
	 * packages, so their fixes are those of the SLES release. */
	if (strncmp(product, module, strlen(module)) == 0) {
		for (p = strchr(product + strlen(module), ' '); p != NULL; p = strchr(p + 1, ' ')) {
			if (parse_sle_version(p + 1, &major, &sp))
				return sle_key(s, major, sp);
		}
		return NULL;
	}
	if (strncmp(product, leap, strlen(leap)) == 0) {
		p = product + strlen(leap);
		if (strspn(p, "0123456789.") != strlen(p) || strchr(p, '.') == NULL ||
		    strlen(p) > 8)
			return NULL;
		key = st_arena_printf(&s->arena, "opensuse-leap:%s", p);
		if (key == NULL)
			s->oom = true;
		return key;
	}
	if (strcmp(product, "openSUSE Tumbleweed") == 0)
		return "opensuse-tumbleweed";
	return NULL;
}

/* "Oracle Linux 9" gives "ol:9". */
static const char *oracle_key(struct st_xml_strings *s, const char *product)
{
	static const char prefix[] = "Oracle Linux ";
	const char *p = product + strlen(prefix);
	const char *key;
	size_t n = strspn(p, "0123456789");

	if (n == 0 || n > 3 || p[n] != '\0')
		return NULL;
	key = st_arena_printf(&s->arena, "ol:%s", p);
	if (key == NULL)
		s->oom = true;
	return key;
}

/* Returns true when TEXT names a product of the vendor of DOC, and sets
 * *KEY to its distro key or NULL. */
static bool product_key(const struct oval_doc *doc, struct st_xml_strings *s, const char *text,
			const char **key)
{
	*key = NULL;
	switch (doc->vendor) {
	case VENDOR_SUSE:
		if (strncmp(text, "SUSE ", 5) != 0 && strncmp(text, "openSUSE ", 9) != 0)
			return false;
		*key = suse_key(s, text);
		return true;
	case VENDOR_ORACLE:
		if (strncmp(text, "Oracle Linux ", 13) != 0)
			return false;
		*key = oracle_key(s, text);
		return true;
	default:
		return false;
	}
}

/* Criteria --------------------------------------------------------------- */

enum crit_kind {
	CRIT_OTHER,      /* understood, no bearing on rows (signature key, lower bound) */
	CRIT_PRODUCT,    /* "<product> is installed" */
	CRIT_PACKAGE,    /* package below (or at) an EVR */
	CRIT_UNRESOLVED, /* neither resolvable nor understood */
};

enum row_kind {
	ROW_FIXED,         /* evr "less than": fixed in that EVR */
	ROW_LAST_AFFECTED, /* evr "less than or equal": no fix yet */
	ROW_NOT_AFFECTED,
};

struct criterion {
	int kind;            /* enum crit_kind */
	const char *key;     /* CRIT_PRODUCT: distro key, or NULL */
	const char *package; /* CRIT_PACKAGE */
	const char *evr;
	int row;             /* enum row_kind */
	const char *why;     /* CRIT_UNRESOLVED */
};

/* Releases that a branch of the criteria tree applies to. */
struct products {
	const char **keys;
	size_t count;
	bool named;    /* some product criterion was seen, mapped or not */
	bool from_tag; /* Mariner and Azure Linux: the release tag of the EVR */
};

struct row {
	const char *distro;
	const char *package;
	const char *evr;
	int kind;
};

struct definition {
	struct oval_doc *doc;
	struct st_xml_strings strings;
	const char *id;
	struct row *rows;
	size_t count;
	size_t cap;
};

/* Reads "NAME is earlier than EVR", the comment form of Oracle (and Red
 * Hat) package tests. */
static bool parse_earlier_than(struct st_xml_strings *s, const char *comment,
			       struct criterion *c)
{
	static const char sep[] = " is earlier than ";
	const char *p = comment ? strstr(comment, sep) : NULL;

	if (p == NULL || p == comment || strchr(p + strlen(sep), ' ') != NULL ||
	    memchr(comment, ' ', (size_t)(p - comment)) != NULL)
		return false;
	c->package = st_arena_strndup(&s->arena, comment, (size_t)(p - comment));
	c->evr = st_arena_strdup(&s->arena, p + strlen(sep));
	if (c->package == NULL || c->evr == NULL) {
		s->oom = true;
		return false;
	}
	c->kind = CRIT_PACKAGE;
	c->row = ROW_FIXED;
	return true;
}

/* Classifies the test that STATE names by its EVR operation. */
static void classify_state(struct definition *d, const struct oval_item *object,
			   const struct oval_item *state, const char *test_ref,
			   struct criterion *c)
{
	/* OVAL's default operation is "equals". */
	const char *op = state->b ? state->b : "equals";

	if (strcmp(op, "greater than") == 0 || strcmp(op, "greater than or equal") == 0) {
		/* NOTE: a lower bound ("golang is greater than 1.19.0") is
		 * dropped, so older versions are reported too. */
		c->kind = CRIT_OTHER;
		return;
	}
	if (strcmp(op, "less than") != 0 && strcmp(op, "less than or equal") != 0) {
		c->kind = CRIT_UNRESOLVED;
		c->why = st_arena_printf(&d->strings.arena,
					 "test %s compares the EVR with operation '%s'",
					 test_ref, op);
		return;
	}
	if (object == NULL || object->a == NULL) {
		c->kind = CRIT_UNRESOLVED;
		c->why = st_arena_printf(&d->strings.arena,
					 "test %s names no rpminfo_object with a name", test_ref);
		return;
	}
	c->kind = CRIT_PACKAGE;
	c->package = object->a;
	c->evr = state->a;
	c->row = strcmp(op, "less than") == 0 ? ROW_FIXED : ROW_LAST_AFFECTED;
}

static void classify(struct definition *d, xmlNode *n, struct criterion *c)
{
	struct oval_doc *doc = d->doc;
	struct st_xml_strings *s = &d->strings;
	const char *test_ref = st_xml_attr(s, n, "test_ref");
	const char *comment = st_xml_attr(s, n, "comment");
	const char *negate = st_xml_attr(s, n, "negate");
	const struct oval_item *test = table_find(&doc->tests, test_ref);
	const struct oval_item *object = NULL;
	const struct oval_item *state = NULL;
	static const char installed[] = " is installed";
	size_t len;

	memset(c, 0, sizeof(*c));
	if (negate != NULL && strcmp(negate, "true") == 0) {
		/* NOTE: negated criteria are ignored; no vendor here writes
		 * them around package tests. */
		c->kind = CRIT_OTHER;
		return;
	}
	len = comment ? strlen(comment) : 0;
	if (len > strlen(installed) &&
	    strcmp(comment + len - strlen(installed), installed) == 0) {
		char *product = st_arena_strndup(&s->arena, comment, len - strlen(installed));

		if (product == NULL) {
			s->oom = true;
			return;
		}
		if (product_key(doc, s, product, &c->key)) {
			c->kind = CRIT_PRODUCT;
			return;
		}
	}
	if (test != NULL) {
		object = table_find(&doc->objects, test->a);
		state = table_find(&doc->states, test->b);
	}
	if (state != NULL && state->a != NULL) {
		classify_state(d, object, state, test_ref, c);
		if (c->kind != CRIT_UNRESOLVED || object != NULL)
			return;
	} else if (state != NULL) {
		/* SUSE writes "kernel-default is not affected" as a test for
		 * version 0, which no package has. Other tests without an EVR
		 * check a release version or a signature key. */
		if (state->c != NULL && strcmp(state->c, "0") == 0 &&
		    (state->b == NULL || strcmp(state->b, "equals") == 0) && object != NULL &&
		    object->a != NULL) {
			c->kind = CRIT_PACKAGE;
			c->package = object->a;
			c->evr = "";
			c->row = ROW_NOT_AFFECTED;
			return;
		}
		c->kind = CRIT_OTHER;
		return;
	}
	/* NOTE: Oracle's package tests are also read from their comment
	 * ("bind is earlier than 30:9.3.3-8.el5") when the test, object or
	 * state is missing from the document. */
	if (parse_earlier_than(s, comment, c))
		return;
	if (comment != NULL && strstr(comment, " is signed with ") != NULL) {
		c->kind = CRIT_OTHER;
		return;
	}
	c->kind = CRIT_UNRESOLVED;
	if (c->why == NULL)
		c->why = st_arena_printf(&s->arena, "test %s (\"%s\") is not in the document",
					 test_ref ? test_ref : "?", comment ? comment : "");
}

/* Returns the release tag key of EVR ("0:1.20.7-1.cm2" gives
 * "mariner:2.0"), or NULL when its release has no such tag. */
static const char *tag_key(struct definition *d, const char *evr)
{
	const char *family = vendors[d->doc->vendor].family;
	const char *tag = vendors[d->doc->vendor].dist_tag;
	const char *release = strrchr(evr, '-');
	const char *p;
	const char *key;
	size_t n;

	if (release == NULL)
		return NULL;
	for (p = strstr(release, tag); p != NULL; p = strstr(p + 1, tag)) {
		n = strspn(p + strlen(tag), "0123456789");
		if (n == 0 || n > 3)
			continue;
		if (p[strlen(tag) + n] != '\0' && p[strlen(tag) + n] != '.')
			continue;
		key = st_arena_printf(&d->strings.arena, "%s:%.*s.0", family, (int)n,
				      p + strlen(tag));
		if (key == NULL)
			d->strings.oom = true;
		return key;
	}
	return NULL;
}

static int add_row(struct definition *d, const char *distro, const struct criterion *c,
		   struct strata_error *err)
{
	if (d->count == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 32;
		struct row *p = st_reallocarray(d->rows, cap, sizeof(*p));

		if (p == NULL)
			return st_error_set(err, STRATA_ENOMEM, "out of memory");
		d->rows = p;
		d->cap = cap;
	}
	d->rows[d->count].distro = distro;
	d->rows[d->count].package = c->package;
	d->rows[d->count].evr = c->evr;
	d->rows[d->count].kind = c->row;
	d->count++;
	return 0;
}

/* Adds the rows of package criterion C under the releases of P. */
static int emit(struct definition *d, const struct products *p, const struct criterion *c,
		struct strata_error *why, struct strata_error *err)
{
	const char *key;
	size_t i;
	int rc;

	if (c->kind == CRIT_UNRESOLVED) {
		if (p->count == 0 && !p->from_tag)
			return 0;
		return st_error_set(why, MALFORMED, "%s", c->why ? c->why : "unresolved test");
	}
	if (!st_feed_name_ok(c->package) ||
	    (c->row != ROW_NOT_AFFECTED && !st_feed_name_ok(c->evr)) ||
	    strchr(c->package, ' ') != NULL || strchr(c->evr, ' ') != NULL)
		return st_error_set(why, MALFORMED, "a package name or EVR is empty, too long "
				    "or has spaces or control characters");
	if (p->from_tag && p->count == 0 && c->row != ROW_NOT_AFFECTED) {
		key = tag_key(d, c->evr);
		if (key == NULL)
			return st_error_set(why, MALFORMED, "EVR %s of %s has no %sN release tag",
					    c->evr, c->package, vendors[d->doc->vendor].dist_tag);
		return add_row(d, key, c, err);
	}
	for (i = 0; i < p->count; i++) {
		rc = add_row(d, p->keys[i], c, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Returns true when every criterion under N names a product. */
static bool is_product_group(struct definition *d, xmlNode *n, unsigned depth)
{
	struct criterion c;
	xmlNode *k;
	bool any = false;

	if (depth == 0)
		return false;
	for (k = st_xml_first_element(n); k != NULL; k = st_xml_next_element(k)) {
		if (st_xml_is(k, "criterion")) {
			classify(d, k, &c);
			if (c.kind != CRIT_PRODUCT)
				return false;
			any = true;
		} else if (st_xml_is(k, "criteria")) {
			if (!is_product_group(d, k, depth - 1))
				return false;
			any = true;
		}
	}
	return any;
}

/* Adds the distro keys of the product criteria under N to P. */
static int collect_products(struct definition *d, xmlNode *n, struct products *p,
			    unsigned depth, struct strata_error *err)
{
	struct criterion c;
	xmlNode *k;
	size_t i;
	int rc;

	for (k = st_xml_first_element(n); k != NULL; k = st_xml_next_element(k)) {
		if (st_xml_is(k, "criteria") && depth > 0) {
			rc = collect_products(d, k, p, depth - 1, err);
			if (rc < 0)
				return rc;
			continue;
		}
		if (!st_xml_is(k, "criterion"))
			continue;
		classify(d, k, &c);
		if (c.kind != CRIT_PRODUCT)
			continue;
		p->named = true;
		for (i = 0; c.key != NULL && i < p->count; i++) {
			if (strcmp(p->keys[i], c.key) == 0)
				break;
		}
		if (c.key == NULL || i < p->count)
			continue;
		if ((p->count & 7) == 0) {
			const char **keys = st_arena_alloc(&d->strings.arena,
							   (p->count + 8) * sizeof(*keys));

			if (keys == NULL)
				return st_error_set(err, STRATA_ENOMEM, "out of memory");
			if (p->count > 0)
				memcpy(keys, p->keys, p->count * sizeof(*keys));
			p->keys = keys;
		}
		p->keys[p->count++] = c.key;
	}
	return 0;
}

/* Walks criteria node N. Under an AND, product criteria (alone or grouped
 * in their own criteria) set the releases for the other children. Under
 * an OR, the children are alternatives and inherit P. */
static int walk(struct definition *d, xmlNode *n, const struct products *inherited,
		unsigned depth, struct strata_error *why, struct strata_error *err)
{
	const char *op = st_xml_attr(&d->strings, n, "operator");
	const char *negate = st_xml_attr(&d->strings, n, "negate");
	bool and = op == NULL || strcmp(op, "AND") == 0;
	struct products local = {0};
	const struct products *p = inherited;
	struct criterion c;
	xmlNode *k;
	int rc;

	if (depth == 0)
		return st_error_set(why, MALFORMED, "criteria nested too deeply");
	if (negate != NULL && strcmp(negate, "true") == 0)
		return 0;
	if (and) {
		rc = collect_products(d, n, &local, 0, err);
		for (k = st_xml_first_element(n); rc == 0 && k != NULL; k = st_xml_next_element(k)) {
			if (st_xml_is(k, "criteria") && is_product_group(d, k, depth - 1))
				rc = collect_products(d, k, &local, depth - 1, err);
		}
		if (rc < 0)
			return rc;
		if (local.named)
			p = &local;
	}
	for (k = st_xml_first_element(n); k != NULL; k = st_xml_next_element(k)) {
		rc = 0;
		if (st_xml_is(k, "criteria")) {
			if (!and || !is_product_group(d, k, depth - 1))
				rc = walk(d, k, p, depth - 1, why, err);
		} else if (st_xml_is(k, "criterion")) {
			classify(d, k, &c);
			if (c.kind == CRIT_PACKAGE || c.kind == CRIT_UNRESOLVED)
				rc = emit(d, p, &c, why, err);
		}
		if (rc != 0)
			return rc;
		if (d->strings.oom)
			return st_error_set(err, STRATA_ENOMEM, "out of memory");
	}
	return 0;
}

/* Releases for criteria that name no product: the <platform> list. */
static int default_products(struct definition *d, xmlNode *metadata, struct products *p,
			    struct strata_error *err)
{
	xmlNode *affected = st_xml_child(metadata, "affected");
	xmlNode *k;
	const char *text;
	const char *key;
	size_t n = 0;

	memset(p, 0, sizeof(*p));
	if (vendors[d->doc->vendor].family != NULL) {
		p->from_tag = true;
		return 0;
	}
	if (affected == NULL)
		return 0;
	for (k = st_xml_first_element(affected); k != NULL; k = st_xml_next_element(k))
		n++;
	p->keys = st_arena_alloc(&d->strings.arena, (n + 1) * sizeof(*p->keys));
	if (p->keys == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	for (k = st_xml_first_element(affected); k != NULL; k = st_xml_next_element(k)) {
		if (!st_xml_is(k, "platform"))
			continue;
		text = st_xml_text(&d->strings, k);
		if (text != NULL && product_key(d->doc, &d->strings, text, &key) && key != NULL)
			p->keys[p->count++] = key;
	}
	return d->strings.oom ? st_error_set(err, STRATA_ENOMEM, "out of memory") : 0;
}

/* Writing ------------------------------------------------------------------ */

static int compare_rows(const void *x, const void *y)
{
	const struct row *a = x;
	const struct row *b = y;
	int c = strcmp(a->distro, b->distro);

	if (c == 0)
		c = strcmp(a->package, b->package);
	if (c == 0)
		c = a->kind - b->kind;
	if (c == 0)
		c = strcmp(a->evr, b->evr);
	return c;
}

/* The advisory id: the first word of the title ("CVE-2021-29154",
 * "ELSA-2007-0057:", "CVE-2023-29404 affecting package ...") without a
 * trailing colon, else the definition id. */
static const char *record_name(struct definition *d, const char *title)
{
	size_t n;
	char *name;

	if (title == NULL)
		return d->id;
	n = strcspn(title, " \t\r\n");
	while (n > 0 && title[n - 1] == ':')
		n--;
	if (n == 0 || strcspn(title, "-") >= n)
		return d->id;
	name = st_arena_strndup(&d->strings.arena, title, n);
	if (name == NULL)
		d->strings.oom = true;
	return name;
}

/* Stores the CVE ids of the references and <cve> elements as aliases, and
 * the reference URLs. */
static int write_links(struct definition *d, int64_t vuln, const char *name, xmlNode *metadata,
		       struct strata_error *err)
{
	struct st_xml_strings *s = &d->strings;
	xmlNode *advisory = st_xml_child(metadata, "advisory");
	xmlNode *k;
	const char *cve;
	const char *url;
	const char *type;
	int rc = 0;

	for (k = st_xml_first_element(metadata); rc == 0 && k != NULL; k = st_xml_next_element(k)) {
		if (!st_xml_is(k, "reference"))
			continue;
		type = st_xml_attr(s, k, "source");
		if (type != NULL && strcasecmp(type, "CVE") == 0) {
			cve = st_xml_find_cve(s, st_xml_attr(s, k, "ref_id"));
			if (cve != NULL && strcmp(cve, name) != 0)
				rc = st_writer_alias(d->doc->ctx->writer, vuln, "alias", cve, err);
		}
		url = st_xml_attr(s, k, "ref_url");
		if (rc == 0 && st_feed_name_ok(url) && (type == NULL || st_feed_name_ok(type)))
			rc = st_writer_reference(d->doc->ctx->writer, vuln, type, url, err);
	}
	for (k = advisory ? st_xml_first_element(advisory) : NULL; rc == 0 && k != NULL;
	     k = st_xml_next_element(k)) {
		cve = st_xml_is(k, "cve") ? st_xml_find_cve(s, st_xml_text(s, k)) : NULL;
		if (cve != NULL && strcmp(cve, name) != 0)
			rc = st_writer_alias(d->doc->ctx->writer, vuln, "alias", cve, err);
	}
	return rc;
}

static int write_row(struct definition *d, int64_t vuln, const struct row *r, int severity,
		     const char *vendor_severity, struct strata_error *err)
{
	struct st_affected_record a = {0};
	struct st_writer *w = d->doc->ctx->writer;
	int64_t affected;
	int64_t range;
	int rc;

	a.ecosystem = "rpm";
	a.distro = r->distro;
	a.package = r->package;
	a.severity = severity == ST_SEVERITY_UNKNOWN ? -1 : severity;
	a.severity_source = severity == ST_SEVERITY_UNKNOWN
				    ? NULL : vendors[d->doc->vendor].severity_source;
	a.vendor_severity = vendor_severity;
	switch (r->kind) {
	case ROW_FIXED:
		a.status = ST_STATUS_FIXED;
		a.fixed_version = r->evr;
		return st_writer_affected(w, vuln, &a, NULL, err);
	case ROW_NOT_AFFECTED:
		a.status = ST_STATUS_NOT_AFFECTED;
		return st_writer_affected(w, vuln, &a, NULL, err);
	default:
		/* "less than or equal": affected up to and including the EVR,
		 * as an OSV-style range. */
		a.status = ST_STATUS_AFFECTED;
		a.ranges = true;
		rc = st_writer_affected(w, vuln, &a, &affected, err);
		if (rc == 0)
			rc = st_writer_range(w, affected, "ECOSYSTEM", NULL, &range, err);
		if (rc == 0)
			rc = st_writer_event(w, range, 0, "introduced", "0", err);
		if (rc == 0)
			rc = st_writer_event(w, range, 1, "last_affected", r->evr, err);
		return rc;
	}
}

/* Writes the advisory of definition DEF and its rows inside the caller's
 * savepoint. */
static int write_definition(struct definition *d, xmlNode *metadata, const char *title,
			    struct strata_error *why, struct strata_error *err)
{
	struct st_xml_strings *s = &d->strings;
	xmlNode *advisory = st_xml_child(metadata, "advisory");
	struct st_vuln_record rec = {0};
	const char *word;
	bool created = false;
	int64_t vuln;
	size_t i;
	int rc;

	rec.name = record_name(d, title);
	if (!st_feed_name_ok(rec.name))
		return st_error_set(why, MALFORMED, "the title names no valid advisory id");
	rec.summary = title;
	rec.details = st_xml_text(s, st_xml_child(metadata, "description"));
	/* SUSE and Oracle rate in <advisory>, Mariner and Azure Linux in
	 * <metadata>. */
	word = st_xml_text(s, st_xml_child(advisory, "severity"));
	if (word == NULL)
		word = st_xml_text(s, st_xml_child(metadata, "severity"));
	rec.severity = st_xml_vendor_severity(word);
	rec.severity_source = vendors[d->doc->vendor].severity_source;
	rec.published = st_xml_attr(s, st_xml_child(advisory, "issued"), "date");
	if (rec.published == NULL)
		rec.published = st_xml_text(s, st_xml_child(metadata, "advisory_date"));
	rec.modified = st_xml_attr(s, st_xml_child(advisory, "updated"), "date");
	if (s->oom)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");

	/* Merging: Mariner writes one definition per CVE and package. */
	rc = st_writer_vuln(d->doc->ctx->writer, d->doc->source, &rec, true, &vuln, &created, err);
	if (rc < 0)
		return rc;
	if (created)
		d->doc->ctx->stats->records++;
	rc = write_links(d, vuln, rec.name, metadata, err);
	for (i = 0; rc == 0 && i < d->count; i++) {
		if (i > 0 && compare_rows(&d->rows[i - 1], &d->rows[i]) == 0)
			continue;
		rc = write_row(d, vuln, &d->rows[i], rec.severity, word, err);
	}
	if (rc == 0 && s->oom)
		rc = st_error_set(err, STRATA_ENOMEM, "out of memory");
	return rc;
}

/* Resolves definition DEF into rows and writes them. Returns MALFORMED
 * with WHY set for a definition to skip. */
static int resolve_definition(struct definition *d, xmlNode *def, struct strata_error *why,
			      struct strata_error *err)
{
	xmlNode *metadata = st_xml_child(def, "metadata");
	xmlNode *criteria = st_xml_child(def, "criteria");
	const char *title = st_xml_text(&d->strings, st_xml_child(metadata, "title"));
	const char *patchable;
	struct products p;
	size_t i;
	int rc;

	if (metadata == NULL || criteria == NULL)
		return st_error_set(why, MALFORMED, "no metadata or no criteria");
	rc = default_products(d, metadata, &p, err);
	if (rc == 0)
		rc = walk(d, criteria, &p, d->doc->ctx->limits->json_depth, why, err);
	if (rc != 0)
		return rc;
	if (d->count == 0) {
		st_diag(d->doc->ctx->diag, ST_DIAG_DEBUG,
			"%s: definition %s: no package of a known release", d->doc->ctx->name, d->id);
		return 0;
	}
	/* Mariner and Azure Linux mark an id that never applied to the
	 * package with <patchable>Not Applicable</patchable>. */
	patchable = st_xml_text(&d->strings, st_xml_child(metadata, "patchable"));
	for (i = 0; patchable != NULL && strcmp(patchable, "Not Applicable") == 0 && i < d->count;
	     i++)
		d->rows[i].kind = ROW_NOT_AFFECTED;
	qsort(d->rows, d->count, sizeof(*d->rows), compare_rows);
	return write_definition(d, metadata, title, why, err);
}

static int import_definition(struct oval_doc *doc, xmlNode *def, size_t index,
			     struct strata_error *err)
{
	struct strata_error why = {0};
	struct definition d = {0};
	const char *class;
	char label[32];
	int rc;

	d.doc = doc;
	st_arena_init(&d.strings.arena);
	d.id = st_xml_attr(&d.strings, def, "id");
	class = st_xml_attr(&d.strings, def, "class");
	if (!st_feed_name_ok(d.id)) {
		snprintf(label, sizeof(label), "#%zu", index);
		d.id = label;
	}
	/* Inventory and compliance definitions name no vulnerability. */
	if (class != NULL && strcmp(class, "vulnerability") != 0 && strcmp(class, "patch") != 0) {
		rc = 0;
		goto out;
	}

	rc = st_writer_savepoint(doc->ctx->writer, err);
	if (rc < 0)
		goto out;
	rc = resolve_definition(&d, def, &why, err);
	if (rc < 0)
		goto out;
	if (rc == MALFORMED) {
		st_diag(doc->ctx->diag, ST_DIAG_WARN, "%s: definition %s: %s; skipped",
			doc->ctx->name, d.id, why.msg);
		doc->ctx->stats->skipped++;
		rc = st_writer_rollback_record(doc->ctx->writer, err);
		goto out;
	}
	rc = st_writer_release(doc->ctx->writer, err);

out:
	free(d.rows);
	st_arena_dispose(&d.strings.arena);
	return rc;
}

/* Second pass: one definition subtree at a time. */
static int read_definitions(struct oval_doc *doc, struct st_slice text,
			    struct strata_error *err)
{
	struct st_xml_reader r;
	xmlNode *n;
	size_t index = 0;
	bool skip = false;
	int rc;

	rc = st_xml_open(&r, text, doc->ctx->name, doc->ctx->limits, err);
	if (rc < 0)
		return rc;
	while ((rc = st_xml_read(&r, skip, err)) == 1) {
		skip = false;
		if (xmlTextReaderNodeType(r.reader) != XML_READER_TYPE_ELEMENT)
			continue;
		if (st_xml_at(&r, 2, "definition")) {
			n = st_xml_expand(&r, err);
			if (n == NULL) {
				rc = err->code;
				break;
			}
			rc = import_definition(doc, n, index++, err);
			if (rc < 0)
				break;
			skip = true;
		} else if (xmlTextReaderDepth(r.reader) == 1 && !st_xml_at(&r, 1, "definitions")) {
			/* The tables were read in the first pass. */
			skip = true;
		}
	}
	st_xml_close(&r);
	return rc < 0 ? rc : 0;
}

int st_import_oval(struct st_import_ctx *ctx, struct st_slice text, struct strata_error *err)
{
	struct oval_doc doc = {0};
	int rc;

	doc.ctx = ctx;
	st_arena_init(&doc.strings.arena);
	rc = read_tables(&doc, text, err);
	if (rc < 0)
		goto out;
	if (doc.vendor == VENDOR_UNKNOWN) {
		/* NOTE: Red Hat, Ubuntu and other OVAL producers are not read. */
		st_diag(ctx->diag, ST_DIAG_WARN,
			"%s: OVAL from an unknown generator (%s); skipped", ctx->name,
			st_feed_name_ok(doc.generator) ? doc.generator : "none");
		ctx->stats->skipped++;
		goto out;
	}
	rc = st_writer_source(ctx->writer, vendors[doc.vendor].source, &doc.source, err);
	if (rc < 0)
		goto out;
	rc = read_definitions(&doc, text, err);

out:
	free(doc.tests.items);
	free(doc.objects.items);
	free(doc.states.items);
	st_arena_dispose(&doc.strings.arena);
	return rc;
}
