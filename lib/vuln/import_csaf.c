/* Importer for Red Hat's CSAF 2.0 documents: security advisories
 * (document.category "csaf_security_advisory", one per RHSA/RHBA/RHEA) and
 * VEX files ("csaf_vex", one per CVE).
 *
 *   product_tree.branches: nested branches whose "product" entries are
 *     either products (a CPE such as cpe:/o:redhat:enterprise_linux:9::baseos)
 *     or package versions (a purl such as
 *     pkg:rpm/redhat/openssl@3.0.7-27.el9?arch=src&epoch=1)
 *   product_tree.relationships: "default_component_of" pairs a package
 *     version with a product under a new product id
 *   vulnerabilities[].product_status: lists of those ids by status, with
 *     remediations, threats (Red Hat's impact rating) and scores
 *
 * Only products whose CPE is Red Hat Enterprise Linux itself
 * (enterprise_linux:MAJOR) give rows, with distro "rhel:MAJOR". Extended
 * streams (rhel_eus, rhel_aus, rhel_e4s, rhel_tus) and layered products
 * (OpenShift, ...) are left out: their fixes do not apply to the main
 * stream that UBI and RHEL images install from.
 *
 * An advisory becomes one record named by its id (RHSA-2024:6163) whose
 * aliases are its CVEs, under source "redhat-csaf". A VEX file becomes one
 * record per vulnerability, named by its CVE, under source "redhat-vex".
 * Rows use the package name of each rpm the document lists: binary rpms
 * by their own name and source rpms by the source name, and the row's purl
 * ends in "?arch=src" for the latter (see add_row). */
#include <jansson.h>
#include <string.h>
#include <strings.h>

#include "vuln/vuln_internal.h"

/* A record that cannot be read: the reason goes into WHY and the record
 * is skipped. */
#define MALFORMED 1

/* The document's product tree, reduced to lookups by product id. */
struct csaf_tree {
	json_t *products;   /* product id -> distro string, or null (not RHEL) */
	json_t *components; /* product id -> {name, evr, src, module} */
	json_t *pairs;      /* relationship product id -> [component, product] */
};

/* One record being written: rows already stored, so that the same
 * package and status from several architectures is stored once. */
struct csaf_record {
	int64_t vuln;
	json_t *seen;
	struct st_buf key;
	struct st_buf purl;
	uint64_t other_products; /* ids of products that give no rows */
	uint64_t modules;        /* module stream rows left out */
};

/* Maps Red Hat's impact rating (the threats entry of category "impact",
 * and document.aggregate_severity). Returns -1 for anything else. */
static int map_impact(const char *word)
{
	if (word == NULL)
		return -1;
	if (strcasecmp(word, "Low") == 0)
		return ST_SEVERITY_LOW;
	if (strcasecmp(word, "Moderate") == 0)
		return ST_SEVERITY_MEDIUM;
	if (strcasecmp(word, "Important") == 0)
		return ST_SEVERITY_HIGH;
	if (strcasecmp(word, "Critical") == 0)
		return ST_SEVERITY_CRITICAL;
	return -1;
}

/* Product tree ---------------------------------------------------------- */

/* Returns "rhel:MAJOR" in BUF for the CPE of the main RHEL stream in
 * CPE 2.2 (cpe:/o:redhat:enterprise_linux:9::baseos) or 2.3 form, else
 * NULL. */
static const char *rhel_distro(const char *cpe, char buf[16])
{
	static const char *const prefixes[] = {
		"cpe:/o:redhat:enterprise_linux:",   "cpe:/a:redhat:enterprise_linux:",
		"cpe:2.3:o:redhat:enterprise_linux:", "cpe:2.3:a:redhat:enterprise_linux:",
	};
	const char *p = NULL;
	size_t digits = 0;
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(prefixes) && p == NULL; i++) {
		if (strncmp(cpe, prefixes[i], strlen(prefixes[i])) == 0)
			p = cpe + strlen(prefixes[i]);
	}
	if (p == NULL)
		return NULL;
	while (p[digits] >= '0' && p[digits] <= '9')
		digits++;
	if (digits == 0 || digits > 3 || p[0] == '0' ||
	    (p[digits] != '\0' && p[digits] != ':' && p[digits] != '.'))
		return NULL;
	memcpy(buf, "rhel:", 5);
	memcpy(buf + 5, p, digits);
	buf[5 + digits] = '\0';
	return buf;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decodes the N bytes at S into a new JSON string. Returns NULL
 * for a bad escape, a NUL byte or a string that st_feed_name_ok rejects. */
static json_t *decode_part(const char *s, size_t n)
{
	char buf[ST_FEED_NAME_MAX + 1];
	size_t len = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == '%') {
			int hi;
			int lo;

			if (n - i < 3)
				return NULL;
			hi = hex_value(s[i + 1]);
			lo = hex_value(s[i + 2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				return NULL;
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		if (len == ST_FEED_NAME_MAX)
			return NULL;
		buf[len++] = c;
	}
	buf[len] = '\0';
	if (!st_feed_name_ok(buf))
		return NULL;
	return json_stringn(buf, len);
}

/* Returns the value of qualifier KEY in the qualifiers Q (N bytes,
 * "arch=src&epoch=1"), or sets *LEN to 0 and returns NULL. */
static const char *qualifier(const char *q, size_t n, const char *key, size_t *len)
{
	size_t klen = strlen(key);
	size_t i = 0;

	while (i < n) {
		size_t end = i;

		while (end < n && q[end] != '&')
			end++;
		if (end - i > klen && memcmp(q + i, key, klen) == 0 && q[i + klen] == '=') {
			*len = end - i - klen - 1;
			return q + i + klen + 1;
		}
		i = end + 1;
	}
	*len = 0;
	return NULL;
}

/* Fills COMPONENT from an rpm purl ("pkg:rpm/redhat/NAME[@VERSION][?Q]").
 * VERSION may carry the epoch ("1:3.0.7-27.el9"), or the qualifier epoch
 * gives it. Returns false for another purl type or a malformed purl. */
static bool parse_purl(const char *purl, json_t *component)
{
	const char *p = purl + 8;
	const char *end;
	const char *name;
	const char *at;
	const char *q;
	const char *value;
	size_t qlen = 0;
	size_t vlen;
	json_t *part;
	char evr[ST_FEED_NAME_MAX + 1];

	if (strncmp(purl, "pkg:rpm/", 8) != 0)
		return false;
	end = p + strcspn(p, "#");
	q = memchr(p, '?', (size_t)(end - p));
	if (q != NULL) {
		qlen = (size_t)(end - q - 1);
		end = q++;
	}
	at = memchr(p, '@', (size_t)(end - p));
	name = at != NULL ? at : end;
	while (name > p && name[-1] != '/')
		name--;
	part = decode_part(name, (size_t)((at != NULL ? at : end) - name));
	if (part == NULL)
		return false;
	json_object_set_new(component, "name", part);

	if (q != NULL) {
		value = qualifier(q, qlen, "arch", &vlen);
		json_object_set_new(component, "src",
				    json_boolean(value != NULL && vlen == 3 &&
						 memcmp(value, "src", 3) == 0));
		json_object_set_new(component, "module",
				    json_boolean(qualifier(q, qlen, "rpmmod", &vlen) != NULL));
	}
	if (at == NULL)
		return true;
	part = decode_part(at + 1, (size_t)(end - at - 1));
	if (part == NULL)
		return false;
	value = q != NULL ? qualifier(q, qlen, "epoch", &vlen) : NULL;
	if (value == NULL || strchr(json_string_value(part), ':') != NULL ||
	    (vlen == 1 && value[0] == '0')) {
		json_object_set_new(component, "evr", part);
		return true;
	}
	if (vlen == 0 || vlen > 9 || strspn(value, "0123456789") < vlen ||
	    vlen + 1 + json_string_length(part) >= sizeof(evr)) {
		json_decref(part);
		return false;
	}
	memcpy(evr, value, vlen);
	evr[vlen] = ':';
	memcpy(evr + vlen + 1, json_string_value(part), json_string_length(part) + 1);
	json_decref(part);
	json_object_set_new(component, "evr", json_string(evr));
	return true;
}

/* Fills COMPONENT from a product_version name of the form
 * NAME-[EPOCH:]VERSION-RELEASE.ARCH (telnet-server-1:0.17-65.el7_6.x86_64),
 * for documents without purls. An epoch of 0 is dropped. Returns false for a name of
 * another form. */
static bool parse_nevra(const char *nevra, json_t *component)
{
	const char *arch = strrchr(nevra, '.');
	const char *release;
	const char *version;
	const char *v;
	char buf[ST_FEED_NAME_MAX + 1];
	size_t n;

	if (arch == NULL || strchr(arch, '-') != NULL || strlen(nevra) >= sizeof(buf))
		return false;
	n = (size_t)(arch - nevra);
	memcpy(buf, nevra, n);
	buf[n] = '\0';
	release = strrchr(buf, '-');
	if (release == NULL || release == buf)
		return false;
	buf[release - buf] = '\0';
	version = strrchr(buf, '-');
	buf[release - buf] = '-';
	if (version == NULL || version == buf || version + 1 == release)
		return false;
	v = version + 1;
	if (strncmp(v, "0:", 2) == 0)
		v += 2;
	json_object_set_new(component, "name", json_stringn(buf, (size_t)(version - buf)));
	json_object_set_new(component, "evr", json_string(v));
	json_object_set_new(component, "src", json_boolean(strcmp(arch + 1, "src") == 0));
	return true;
}

/* Adds the "product" of one branch to the tree. */
static void add_product(struct csaf_tree *t, const char *category, const json_t *product)
{
	const json_t *helper = json_object_get(product, "product_identification_helper");
	const char *id;
	const char *cpe = NULL;
	const char *purl = NULL;
	const char *name = NULL;
	json_t *component;
	char distro[16];
	const char *key;

	if (st_json_member_string(product, "product_id", &id) != 1 || !st_feed_name_ok(id))
		return;
	if (json_is_object(helper)) {
		(void)st_json_member_string(helper, "cpe", &cpe);
		(void)st_json_member_string(helper, "purl", &purl);
	}
	if (cpe != NULL || strcmp(category, "product_name") == 0) {
		key = cpe != NULL ? rhel_distro(cpe, distro) : NULL;
		json_object_set_new(t->products, id, key != NULL ? json_string(key) : json_null());
		return;
	}
	if (strcmp(category, "product_version") != 0)
		return;
	component = json_object();
	if (component == NULL)
		return;
	(void)st_json_member_string(product, "name", &name);
	if (purl != NULL ? !parse_purl(purl, component)
			 : name == NULL || !parse_nevra(name, component)) {
		/* Not an rpm (container images, ...): never a row. */
		json_decref(component);
		return;
	}
	/* A purl without a version: the name may still carry one. */
	if (json_object_get(component, "evr") == NULL && name != NULL) {
		json_t *nevra = json_object();

		if (nevra != NULL && parse_nevra(name, nevra) &&
		    json_equal(json_object_get(nevra, "name"), json_object_get(component, "name")))
			json_object_set(component, "evr", json_object_get(nevra, "evr"));
		json_decref(nevra);
	}
	json_object_set_new(t->components, id, component);
}

/* Walks BRANCHES recursively. The recursion is as deep as the JSON tree,
 * which st_json_parse bounds with the json_depth limit. */
static void walk_branches(struct csaf_tree *t, const json_t *branches)
{
	const json_t *branch;
	const char *category;
	size_t i;

	if (!json_is_array(branches))
		return;
	json_array_foreach(branches, i, branch) {
		if (!json_is_object(branch))
			continue;
		if (st_json_member_string(branch, "category", &category) != 1)
			category = "";
		if (json_is_object(json_object_get(branch, "product")))
			add_product(t, category, json_object_get(branch, "product"));
		walk_branches(t, json_object_get(branch, "branches"));
	}
}

static void add_relationships(struct csaf_tree *t, const json_t *relationships)
{
	const json_t *rel;
	const char *category;
	const char *component;
	const char *product;
	const char *id;
	size_t i;

	if (!json_is_array(relationships))
		return;
	json_array_foreach(relationships, i, rel) {
		const json_t *full = json_object_get(rel, "full_product_name");

		if (st_json_member_string(rel, "category", &category) != 1 ||
		    strcmp(category, "default_component_of") != 0 ||
		    st_json_member_string(rel, "product_reference", &component) != 1 ||
		    st_json_member_string(rel, "relates_to_product_reference", &product) != 1 ||
		    st_json_member_string(full, "product_id", &id) != 1 || !st_feed_name_ok(id))
			continue;
		json_object_set_new(t->pairs, id, json_pack("[ss]", component, product));
	}
}

static void tree_dispose(struct csaf_tree *t)
{
	json_decref(t->products);
	json_decref(t->components);
	json_decref(t->pairs);
}

static int tree_build(struct csaf_tree *t, const json_t *product_tree, struct strata_error *err)
{
	t->products = json_object();
	t->components = json_object();
	t->pairs = json_object();
	if (t->products == NULL || t->components == NULL || t->pairs == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	walk_branches(t, json_object_get(product_tree, "branches"));
	add_relationships(t, json_object_get(product_tree, "relationships"));
	return 0;
}

/* Rows ----------------------------------------------------------------- */

/* Builds the row's purl in R->purl: "pkg:rpm/redhat/NAME", with
 * "?arch=src" for a source rpm, so that a matcher can tell a source
 * name from a binary name. Characters other than letters, digits and
 * ".-_~" are percent-encoded. */
static int build_purl(struct csaf_record *r, const char *name, bool src,
		      struct strata_error *err)
{
	size_t i;
	int rc;

	r->purl.len = 0;
	rc = st_buf_printf(&r->purl, err, "pkg:rpm/redhat/");
	for (i = 0; rc == 0 && name[i] != '\0'; i++) {
		unsigned char c = (unsigned char)name[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '-' || c == '_' || c == '~')
			rc = st_buf_putc(&r->purl, (char)c, err);
		else
			rc = st_buf_printf(&r->purl, err, "%%%02X", c);
	}
	if (rc == 0 && src)
		rc = st_buf_printf(&r->purl, err, "?arch=src");
	if (rc == 0 && st_buf_cstr(&r->purl, err) == NULL)
		rc = STRATA_ENOMEM;
	return rc;
}

/* Writes the row of product ID with STATUS, once per (distro, package,
 * source or binary, status, fixed version). */
static int add_row(struct st_import_ctx *ctx, const struct csaf_tree *t, struct csaf_record *r,
		   const char *id, int status, int severity, const char *impact,
		   struct strata_error *why, struct strata_error *err)
{
	const json_t *pair = json_object_get(t->pairs, id);
	const json_t *component;
	const char *distro;
	const char *name;
	const char *evr = NULL;
	bool src;
	struct st_affected_record a = {0};
	int rc;

	if (!json_is_array(pair))
		return 0; /* a product without a component */
	component = json_object_get(t->components, json_string_value(json_array_get(pair, 0)));
	distro = json_string_value(json_object_get(t->products,
						    json_string_value(json_array_get(pair, 1))));
	if (component == NULL || distro == NULL) {
		r->other_products++;
		return 0;
	}
	/* NOTE: module streams (purl qualifier rpmmod) are left out, because a
	 * row has no place for the module and its versions differ from the
	 * non-modular package of the same name. */
	if (json_is_true(json_object_get(component, "module"))) {
		r->modules++;
		return 0;
	}
	name = json_string_value(json_object_get(component, "name"));
	src = json_is_true(json_object_get(component, "src"));
	if (status == ST_STATUS_FIXED) {
		evr = json_string_value(json_object_get(component, "evr"));
		if (evr == NULL)
			return st_error_set(why, MALFORMED, "fixed product %s has no version", id);
	}

	r->key.len = 0;
	rc = st_buf_printf(&r->key, err, "%s|%s|%d|%d|%s", distro, name, src, status,
			   evr != NULL ? evr : "");
	if (rc == 0 && st_buf_cstr(&r->key, err) == NULL)
		rc = STRATA_ENOMEM;
	if (rc < 0)
		return rc;
	if (json_object_get(r->seen, r->key.ptr) != NULL)
		return 0;
	if (json_object_set_new(r->seen, r->key.ptr, json_true()) < 0)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	rc = build_purl(r, name, src, err);
	if (rc < 0)
		return rc;

	a.ecosystem = "rpm";
	a.distro = distro;
	a.package = name;
	a.purl = r->purl.ptr;
	a.status = status;
	a.fixed_version = evr;
	a.severity = severity;
	a.severity_source = severity >= 0 ? "redhat" : NULL;
	a.vendor_severity = severity >= 0 ? impact : NULL;
	return st_writer_affected(ctx->writer, r->vuln, &a, NULL, err);
}

/* Returns the status that the remediations of V give product ID when it
 * is known_affected: no_fix_planned is "will not fix", none_available
 * with details "Deferred" or "Out of support scope" is a deferred fix or
 * end of life. */
static int affected_status(const json_t *v, const char *id)
{
	const json_t *rem;
	const json_t *pid;
	const char *category;
	const char *details;
	size_t i;
	size_t j;

	json_array_foreach(json_object_get(v, "remediations"), i, rem) {
		if (st_json_member_string(rem, "category", &category) != 1)
			continue;
		if (st_json_member_string(rem, "details", &details) != 1)
			details = "";
		json_array_foreach(json_object_get(rem, "product_ids"), j, pid) {
			if (!json_is_string(pid) || strcmp(json_string_value(pid), id) != 0)
				continue;
			if (strcasestr(details, "out of support scope") != NULL)
				return ST_STATUS_END_OF_LIFE;
			if (strcmp(category, "no_fix_planned") == 0)
				return ST_STATUS_WILL_NOT_FIX;
			if (strcmp(category, "none_available") == 0 &&
			    strcasestr(details, "deferred") != NULL)
				return ST_STATUS_FIX_DEFERRED;
		}
	}
	return ST_STATUS_AFFECTED;
}

/* Returns the impact rating that the threats of V give product ID (or the
 * vulnerability as a whole when ID is NULL), in *WORD. */
static int impact_of(const json_t *v, const char *id, const char **word)
{
	const json_t *threat;
	const json_t *pids;
	const json_t *pid;
	const char *category;
	const char *details;
	size_t i;
	size_t j;

	*word = NULL;
	json_array_foreach(json_object_get(v, "threats"), i, threat) {
		if (st_json_member_string(threat, "category", &category) != 1 ||
		    strcmp(category, "impact") != 0 ||
		    st_json_member_string(threat, "details", &details) != 1)
			continue;
		pids = json_object_get(threat, "product_ids");
		if (id == NULL && pids == NULL) {
			*word = details;
			return map_impact(details);
		}
		json_array_foreach(pids, j, pid) {
			if (id != NULL && json_is_string(pid) &&
			    strcmp(json_string_value(pid), id) == 0) {
				*word = details;
				return map_impact(details);
			}
		}
	}
	return -1;
}

/* product_status lists and the status each gives. */
static const struct {
	const char *list;
	int status;
} status_lists[] = {
	{"fixed", ST_STATUS_FIXED},
	{"first_fixed", ST_STATUS_FIXED},
	{"known_affected", ST_STATUS_AFFECTED},
	{"first_affected", ST_STATUS_AFFECTED},
	{"last_affected", ST_STATUS_AFFECTED},
	/* Not yet triaged: reported as affected rather than hidden. */
	{"under_investigation", ST_STATUS_AFFECTED},
	{"known_not_affected", ST_STATUS_NOT_AFFECTED},
};

/* Writes the rows of one vulnerability. Returns MALFORMED with WHY set
 * for a record to skip. */
static int write_rows(struct st_import_ctx *ctx, const struct csaf_tree *t,
		      struct csaf_record *r, const json_t *v, struct strata_error *why,
		      struct strata_error *err)
{
	const json_t *ps = json_object_get(v, "product_status");
	const json_t *list;
	const json_t *pid;
	const char *id;
	const char *impact;
	size_t i;
	size_t j;
	int rc;

	if (ps != NULL && !json_is_object(ps))
		return st_error_set(why, MALFORMED, "product_status is not an object");
	for (i = 0; i < ST_ARRAY_LEN(status_lists); i++) {
		list = json_object_get(ps, status_lists[i].list);
		if (list == NULL)
			continue;
		if (!json_is_array(list))
			return st_error_set(why, MALFORMED, "product_status.%s is not an array",
					    status_lists[i].list);
		json_array_foreach(list, j, pid) {
			int status = status_lists[i].status;
			int severity;

			if (st_json_value_string(pid, &id) != 1 || !st_feed_name_ok(id))
				return st_error_set(why, MALFORMED, "product_status.%s[%zu] is not "
						    "a valid product id", status_lists[i].list, j);
			if (status == ST_STATUS_AFFECTED)
				status = affected_status(v, id);
			severity = impact_of(v, id, &impact);
			rc = add_row(ctx, t, r, id, status, severity, impact, why, err);
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

/* Stores the CVSS vectors of V at record level, each vector once. */
static int write_scores(struct st_import_ctx *ctx, struct csaf_record *r, const json_t *v,
			struct strata_error *err)
{
	static const char *const kinds[][2] = {
		{"cvss_v3", "CVSS_V3"},
		{"cvss_v2", "CVSS_V2"},
	};
	const json_t *score;
	const char *vector;
	size_t i;
	size_t k;
	int rc;

	json_array_foreach(json_object_get(v, "scores"), i, score) {
		for (k = 0; k < ST_ARRAY_LEN(kinds); k++) {
			const json_t *cvss = json_object_get(score, kinds[k][0]);

			if (st_json_member_string(cvss, "vectorString", &vector) != 1 ||
			    !st_feed_name_ok(vector))
				continue;
			r->key.len = 0;
			rc = st_buf_printf(&r->key, err, "score|%s", vector);
			if (rc == 0 && st_buf_cstr(&r->key, err) == NULL)
				rc = STRATA_ENOMEM;
			if (rc < 0)
				return rc;
			if (json_object_get(r->seen, r->key.ptr) != NULL)
				continue;
			json_object_set_new(r->seen, r->key.ptr, json_true());
			rc = st_writer_score(ctx->writer, r->vuln, 0, kinds[k][1], vector, err);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

/* Stores the URLs of REFS: "self" ones as ADVISORY, the rest as WEB. */
static int write_references(struct st_import_ctx *ctx, struct csaf_record *r,
			    const json_t *refs, struct strata_error *err)
{
	const json_t *ref;
	const char *url;
	const char *category;
	size_t i;
	int rc;

	json_array_foreach(refs, i, ref) {
		if (st_json_member_string(ref, "url", &url) != 1 || !st_feed_name_ok(url))
			continue;
		if (st_json_member_string(ref, "category", &category) != 1)
			category = "";
		rc = st_writer_reference(ctx->writer, r->vuln,
					 strcmp(category, "self") == 0 ? "ADVISORY" : "WEB", url,
					 err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Records ---------------------------------------------------------------- */

/* The text of the first note of CATEGORY in NOTES, or NULL. */
static const char *note_text(const json_t *notes, const char *category)
{
	const json_t *note;
	const char *c;
	const char *text;
	size_t i;

	json_array_foreach(notes, i, note) {
		if (st_json_member_string(note, "category", &c) == 1 && strcmp(c, category) == 0 &&
		    st_json_member_string(note, "text", &text) == 1)
			return text;
	}
	return NULL;
}

/* The parts of the document that every record of it uses. */
struct csaf_doc {
	const json_t *document;
	const char *id;        /* tracking.id */
	bool vex;
	int severity;          /* aggregate_severity, or -1 */
	int64_t source;
	struct csaf_tree tree;
};

/* Writes one record: for an advisory VULNS is every vulnerability, for a
 * VEX file the one vulnerability named NAME. Returns MALFORMED with WHY. */
static int write_record(struct st_import_ctx *ctx, struct csaf_doc *d, const char *name,
			const json_t *vulns, struct csaf_record *r, bool *created,
			struct strata_error *why, struct strata_error *err)
{
	const json_t *tracking = json_object_get(d->document, "tracking");
	struct st_vuln_record rec = {0};
	const json_t *v;
	const char *cve;
	const char *impact;
	size_t i;
	int rc;

	json_array_foreach(vulns, i, v) {
		if (!json_is_object(v))
			return st_error_set(why, MALFORMED, "vulnerabilities[%zu] is not an "
					    "object", i);
		if (st_json_member_string(v, "cve", &cve) < 0 ||
		    (cve != NULL && !st_feed_name_ok(cve)))
			return st_error_set(why, MALFORMED, "vulnerabilities[%zu].cve is not a "
					    "valid id", i);
	}
	v = json_array_get(vulns, 0);
	rec.name = name;
	rec.severity = d->severity;
	if (d->vex) {
		(void)st_json_member_string(v, "title", &rec.summary);
		rec.details = note_text(json_object_get(v, "notes"), "description");
		if (impact_of(v, NULL, &impact) >= 0)
			rec.severity = map_impact(impact);
	} else {
		(void)st_json_member_string(d->document, "title", &rec.summary);
		rec.details = note_text(json_object_get(d->document, "notes"), "general");
	}
	if (rec.severity < 0)
		rec.severity = ST_SEVERITY_UNKNOWN;
	else
		rec.severity_source = "redhat";
	(void)st_json_member_string(tracking, "initial_release_date", &rec.published);
	(void)st_json_member_string(tracking, "current_release_date", &rec.modified);
	rc = st_writer_vuln(ctx->writer, d->source, &rec, false, &r->vuln, created, err);
	if (rc < 0)
		return rc;

	if (!d->vex) {
		rc = write_references(ctx, r, json_object_get(d->document, "references"), err);
		if (rc < 0)
			return rc;
	}
	json_array_foreach(vulns, i, v) {
		if (st_json_member_string(v, "cve", &cve) == 1 && strcmp(cve, name) != 0) {
			rc = st_writer_alias(ctx->writer, r->vuln, "alias", cve, err);
			if (rc < 0)
				return rc;
		}
		if (d->vex) {
			rc = write_references(ctx, r, json_object_get(v, "references"), err);
			if (rc < 0)
				return rc;
		}
		rc = write_scores(ctx, r, v, err);
		if (rc == 0)
			rc = write_rows(ctx, &d->tree, r, v, why, err);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* Writes one record inside a savepoint. */
static int import_record(struct st_import_ctx *ctx, struct csaf_doc *d, const char *name,
			 const json_t *vulns, struct strata_error *err)
{
	struct strata_error why = {0};
	struct csaf_record r = {0};
	bool created = false;
	int rc;

	r.seen = json_object();
	if (r.seen == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	st_buf_init(&r.key, 4 * ST_FEED_NAME_MAX + 64);
	st_buf_init(&r.purl, 3 * ST_FEED_NAME_MAX + 64);
	rc = st_writer_savepoint(ctx->writer, err);
	if (rc < 0)
		goto out;
	rc = write_record(ctx, d, name, vulns, &r, &created, &why, err);
	if (rc < 0)
		goto out;
	if (rc == MALFORMED) {
		st_diag(ctx->diag, ST_DIAG_WARN, "%s: %s: %s; skipped", ctx->name, name, why.msg);
		ctx->stats->skipped++;
		rc = st_writer_rollback_record(ctx->writer, err);
		goto out;
	}
	rc = st_writer_release(ctx->writer, err);
	if (rc == 0 && created)
		ctx->stats->records++;
	if (rc == 0 && (r.other_products > 0 || r.modules > 0))
		st_diag(ctx->diag, ST_DIAG_DEBUG,
			"%s: %s: %llu product ids outside RHEL and %llu module stream ids left out",
			ctx->name, name, (unsigned long long)r.other_products,
			(unsigned long long)r.modules);

out:
	json_decref(r.seen);
	st_buf_dispose(&r.key);
	st_buf_dispose(&r.purl);
	return rc;
}

bool st_csaf_is_document(struct st_slice value, const struct strata_limits *lim)
{
	json_t *doc = NULL;
	const char *version;
	bool found;

	if (st_json_parse(&doc, value, value.len, lim->json_depth, 0, "document", NULL) < 0)
		return false;
	found = st_json_member_string(doc, "csaf_version", &version) == 1;
	json_decref(doc);
	return found;
}

/* Imports the records of a parsed document ROOT. */
static int import_root(struct st_import_ctx *ctx, const json_t *root, struct strata_error *err)
{
	struct csaf_doc d = {0};
	const json_t *vulns = json_object_get(root, "vulnerabilities");
	const char *category;
	const char *aggregate = NULL;
	const json_t *v;
	const char *cve;
	size_t i;
	int rc;

	d.document = json_object_get(root, "document");
	if (st_json_member_string(d.document, "category", &category) != 1 ||
	    st_json_member_string(json_object_get(d.document, "tracking"), "id", &d.id) != 1 ||
	    !st_feed_name_ok(d.id) || !json_is_array(vulns) ||
	    !json_is_object(json_object_get(root, "product_tree"))) {
		st_diag(ctx->diag, ST_DIAG_WARN,
			"%s: CSAF document without a category, a tracking id, a product_tree "
			"object or a vulnerabilities array; skipped", ctx->name);
		ctx->stats->skipped++;
		return 0;
	}
	d.vex = strcmp(category, "csaf_vex") == 0;
	if (!d.vex && strcmp(category, "csaf_security_advisory") != 0) {
		st_diag(ctx->diag, ST_DIAG_WARN, "%s: %s: CSAF category %s is neither "
			"csaf_security_advisory nor csaf_vex; skipped", ctx->name, d.id,
			st_feed_name_ok(category) ? category : "(unprintable)");
		ctx->stats->skipped++;
		return 0;
	}
	(void)st_json_member_string(json_object_get(d.document, "aggregate_severity"), "text",
				    &aggregate);
	d.severity = map_impact(aggregate);

	rc = st_writer_source(ctx->writer, d.vex ? ST_SOURCE_REDHAT_VEX : ST_SOURCE_REDHAT_CSAF,
			      &d.source, err);
	if (rc < 0)
		return rc;
	rc = tree_build(&d.tree, json_object_get(root, "product_tree"), err);
	if (rc < 0)
		goto out;
	if (!d.vex) {
		rc = import_record(ctx, &d, d.id, vulns, err);
		goto out;
	}
	json_array_foreach(vulns, i, v) {
		json_t *one;

		if (st_json_member_string(v, "cve", &cve) != 1 || !st_feed_name_ok(cve)) {
			st_diag(ctx->diag, ST_DIAG_WARN, "%s: vulnerabilities[%zu] has no valid "
				"cve; skipped", ctx->name, i);
			ctx->stats->skipped++;
			continue;
		}
		one = json_pack("[O]", v);
		if (one == NULL) {
			rc = st_error_set(err, STRATA_ENOMEM, "out of memory");
			goto out;
		}
		rc = import_record(ctx, &d, cve, one, err);
		json_decref(one);
		if (rc < 0)
			goto out;
	}

out:
	tree_dispose(&d.tree);
	return rc;
}

int st_import_csaf(struct st_import_ctx *ctx, struct st_slice text, struct strata_error *err)
{
	json_t *root = NULL;
	int rc;

	rc = st_json_parse(&root, text, text.len, ctx->limits->json_depth, 0, ctx->name, err);
	if (rc < 0)
		return rc;
	rc = import_root(ctx, root, err);
	json_decref(root);
	return rc;
}
