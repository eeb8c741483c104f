/* Importers for Amazon Linux advisories: the updateinfo.xml of the
 * package repositories (yum's update metadata), and the ALAS security
 * bulletin RSS feed.
 *
 *   <updates><update type="security" status="final">
 *       <id>ALAS2023-2023-126</id> <title>...</title>
 *       <issued date="..."/> <updated date="..."/>
 *       <severity>important</severity> <description>...</description>
 *       <references><reference type="cve" id="CVE-2022-3787" href="..."/>
 *       <pkglist><collection><package name="kpartx" epoch="0"
 *           version="0.8.7" release="16.amzn2023.0.1" arch="x86_64"/>
 *   </update></updates>
 *
 * Each security update becomes one advisory of source "amazon-updateinfo"
 * with one row per binary package. A row has ecosystem "rpm", the distro
 * of the id prefix ("ALAS-" amzn:1, "ALAS2-" amzn:2, "ALAS2023-"
 * amzn:2023), and status fixed in "[EPOCH:]VERSION-RELEASE" with the epoch
 * as the feed writes it, "0" included. The RSS feed has no versions: its items become advisories
 * of source "amazon-alas-rss" with a severity and CVE aliases only, which
 * the matcher joins to the updateinfo advisory of the same id. */
#include <stdlib.h>
#include <string.h>

#include "vuln/xml_feed.h"

/* An update that cannot be read: the reason goes into WHY and the update
 * is skipped. */
#define MALFORMED 1

struct package_row {
	const char *name;
	const char *evr;
};

/* State of one update or item. */
struct record {
	struct st_import_ctx *ctx;
	struct st_xml_strings strings;
	int64_t source;
	struct package_row *rows;
	size_t count;
	size_t cap;
};

static void record_init(struct record *r, struct st_import_ctx *ctx, int64_t source)
{
	memset(r, 0, sizeof(*r));
	r->ctx = ctx;
	r->source = source;
	st_arena_init(&r->strings.arena);
}

static void record_dispose(struct record *r)
{
	free(r->rows);
	st_arena_dispose(&r->strings.arena);
}

/* Returns the distro key of an advisory id, or NULL. Sets *EXTRAS for the
 * Amazon Linux 2 Extras ids ("ALASKERNEL-5.10-2022-001"). */
static const char *distro_of(const char *id, bool *extras)
{
	*extras = false;
	if (strncmp(id, "ALAS2023-", 9) == 0)
		return "amzn:2023";
	if (strncmp(id, "ALAS2-", 6) == 0)
		return "amzn:2";
	if (strncmp(id, "ALAS-", 5) == 0)
		return "amzn:1";
	if (strncmp(id, "ALAS", 4) == 0 && id[4] >= 'A' && id[4] <= 'Z')
		*extras = true;
	return NULL;
}

static bool is_token(const char *s)
{
	return st_feed_name_ok(s) && strchr(s, ' ') == NULL;
}

static int add_package(struct record *r, xmlNode *pkg, struct strata_error *why,
		       struct strata_error *err)
{
	struct st_xml_strings *s = &r->strings;
	const char *name = st_xml_attr(s, pkg, "name");
	const char *epoch = st_xml_attr(s, pkg, "epoch");
	const char *version = st_xml_attr(s, pkg, "version");
	const char *release = st_xml_attr(s, pkg, "release");
	const char *arch = st_xml_attr(s, pkg, "arch");
	const char *evr;

	/* Rows name binary rpms; the source rpm is listed as arch "src". */
	if (arch != NULL && strcmp(arch, "src") == 0)
		return 0;
	if (!is_token(name) || !is_token(version) || !is_token(release))
		return st_error_set(why, MALFORMED, "a package has no valid name, version or "
				    "release");
	if (epoch != NULL && (epoch[0] == '\0' || strlen(epoch) > 10 ||
			      strspn(epoch, "0123456789") != strlen(epoch)))
		return st_error_set(why, MALFORMED, "package %s: epoch is not a number", name);
	if (epoch != NULL)
		evr = st_arena_printf(&s->arena, "%s:%s-%s", epoch, version, release);
	else
		evr = st_arena_printf(&s->arena, "%s-%s", version, release);
	if (evr == NULL || s->oom)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	if (!st_feed_name_ok(evr))
		return st_error_set(why, MALFORMED, "package %s: version too long", name);
	if (r->count == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 32;
		struct package_row *p = st_reallocarray(r->rows, cap, sizeof(*p));

		if (p == NULL)
			return st_error_set(err, STRATA_ENOMEM, "out of memory");
		r->rows = p;
		r->cap = cap;
	}
	r->rows[r->count].name = name;
	r->rows[r->count].evr = evr;
	r->count++;
	return 0;
}

static int compare_rows(const void *x, const void *y)
{
	const struct package_row *a = x;
	const struct package_row *b = y;
	int c = strcmp(a->name, b->name);

	return c != 0 ? c : strcmp(a->evr, b->evr);
}

/* Collects the packages of every collection of PKGLIST. */
static int read_pkglist(struct record *r, xmlNode *pkglist, struct strata_error *why,
			struct strata_error *err)
{
	xmlNode *collection;
	xmlNode *pkg;
	int rc;

	for (collection = pkglist ? st_xml_first_element(pkglist) : NULL; collection != NULL;
	     collection = st_xml_next_element(collection)) {
		if (!st_xml_is(collection, "collection"))
			continue;
		for (pkg = st_xml_first_element(collection); pkg != NULL;
		     pkg = st_xml_next_element(pkg)) {
			if (!st_xml_is(pkg, "package"))
				continue;
			rc = add_package(r, pkg, why, err);
			if (rc != 0)
				return rc;
		}
	}
	if (r->count > 1)
		qsort(r->rows, r->count, sizeof(*r->rows), compare_rows);
	return 0;
}

/* Stores the CVE references as aliases and every reference URL. */
static int write_references(struct record *r, int64_t vuln, xmlNode *refs,
			    struct strata_error *err)
{
	struct st_xml_strings *s = &r->strings;
	const char *type;
	const char *cve;
	const char *href;
	xmlNode *k;
	int rc = 0;

	for (k = refs ? st_xml_first_element(refs) : NULL; rc == 0 && k != NULL;
	     k = st_xml_next_element(k)) {
		if (!st_xml_is(k, "reference"))
			continue;
		type = st_xml_attr(s, k, "type");
		if (type != NULL && strcmp(type, "cve") == 0) {
			cve = st_xml_find_cve(s, st_xml_attr(s, k, "id"));
			if (cve != NULL)
				rc = st_writer_alias(r->ctx->writer, vuln, "alias", cve, err);
		}
		href = st_xml_attr(s, k, "href");
		if (rc == 0 && st_feed_name_ok(href) && (type == NULL || is_token(type)))
			rc = st_writer_reference(r->ctx->writer, vuln, type, href, err);
	}
	if (rc == 0 && s->oom)
		rc = st_error_set(err, STRATA_ENOMEM, "out of memory");
	return rc;
}

/* Writes security update UPDATE. Returns MALFORMED with WHY set for an
 * update to skip. */
static int write_update(struct record *r, xmlNode *update, const char *id,
			const char *distro, struct strata_error *why, struct strata_error *err)
{
	struct st_xml_strings *s = &r->strings;
	struct st_vuln_record rec = {0};
	struct st_affected_record a = {0};
	const char *word;
	bool created = false;
	int64_t vuln;
	size_t i;
	int rc;

	rc = read_pkglist(r, st_xml_child(update, "pkglist"), why, err);
	if (rc != 0)
		return rc;
	word = st_xml_text(s, st_xml_child(update, "severity"));
	rec.name = id;
	rec.summary = st_xml_text(s, st_xml_child(update, "title"));
	rec.details = st_xml_text(s, st_xml_child(update, "description"));
	rec.published = st_xml_attr(s, st_xml_child(update, "issued"), "date");
	rec.modified = st_xml_attr(s, st_xml_child(update, "updated"), "date");
	rec.severity = st_xml_vendor_severity(word);
	rec.severity_source = "amazon";
	if (s->oom)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");

	/* One update per id and repository: a record read again in the same
	 * import (another architecture's repository) gains its rows. */
	rc = st_writer_vuln(r->ctx->writer, r->source, &rec, true, &vuln, &created, err);
	if (rc < 0)
		return rc;
	if (created)
		r->ctx->stats->records++;
	rc = write_references(r, vuln, st_xml_child(update, "references"), err);

	a.ecosystem = "rpm";
	a.distro = distro;
	a.status = ST_STATUS_FIXED;
	a.severity = rec.severity == ST_SEVERITY_UNKNOWN ? -1 : rec.severity;
	a.severity_source = rec.severity == ST_SEVERITY_UNKNOWN ? NULL : "amazon";
	a.vendor_severity = word;
	for (i = 0; rc == 0 && i < r->count; i++) {
		if (i > 0 && compare_rows(&r->rows[i - 1], &r->rows[i]) == 0)
			continue;
		a.package = r->rows[i].name;
		a.fixed_version = r->rows[i].evr;
		rc = st_writer_affected(r->ctx->writer, vuln, &a, NULL, err);
	}
	return rc;
}

static int import_update(struct st_import_ctx *ctx, int64_t source, xmlNode *update,
			 size_t index, struct strata_error *err)
{
	struct strata_error why = {0};
	struct record r;
	const char *type;
	const char *id;
	const char *distro;
	bool extras;
	int rc = 0;

	record_init(&r, ctx, source);
	type = st_xml_attr(&r.strings, update, "type");
	id = st_xml_text(&r.strings, st_xml_child(update, "id"));
	if (r.strings.oom) {
		rc = st_error_set(err, STRATA_ENOMEM, "out of memory");
		goto out;
	}
	if (type == NULL || strcmp(type, "security") != 0)
		goto out;
	if (!is_token(id)) {
		st_diag(ctx->diag, ST_DIAG_WARN, "%s: update #%zu has no valid id; skipped",
			ctx->name, index);
		ctx->stats->skipped++;
		goto out;
	}
	distro = distro_of(id, &extras);
	if (distro == NULL) {
		/* NOTE: Amazon Linux 2 Extras advisories (ALASKERNEL-5.10-...,
		 * ALASDOCKER-...) are not stored: they fix topic packages
		 * whose names equal base packages of other versions, such as
		 * kernel, and only a host with that topic enabled has them. */
		st_diag(ctx->diag, extras ? ST_DIAG_DEBUG : ST_DIAG_WARN,
			"%s: update %s: %s; skipped", ctx->name, id,
			extras ? "Amazon Linux 2 Extras advisory" : "id of no known release");
		if (!extras)
			ctx->stats->skipped++;
		goto out;
	}

	rc = st_writer_savepoint(ctx->writer, err);
	if (rc < 0)
		goto out;
	rc = write_update(&r, update, id, distro, &why, err);
	if (rc < 0)
		goto out;
	if (rc == MALFORMED) {
		st_diag(ctx->diag, ST_DIAG_WARN, "%s: update %s: %s; skipped", ctx->name, id,
			why.msg);
		ctx->stats->skipped++;
		rc = st_writer_rollback_record(ctx->writer, err);
		goto out;
	}
	rc = st_writer_release(ctx->writer, err);

out:
	record_dispose(&r);
	return rc;
}

/* Calls FN on the subtree of each element NAME at DEPTH of the document. */
static int for_each_element(struct st_import_ctx *ctx, struct st_slice text, int depth,
			    const char *name, int64_t source,
			    int (*fn)(struct st_import_ctx *ctx, int64_t source,
				      xmlNode *n, size_t index, struct strata_error *err),
			    struct strata_error *err)
{
	struct st_xml_reader r;
	xmlNode *n;
	size_t index = 0;
	bool skip = false;
	int rc;

	rc = st_xml_open(&r, text, ctx->name, ctx->limits, err);
	if (rc < 0)
		return rc;
	while ((rc = st_xml_read(&r, skip, err)) == 1) {
		skip = false;
		if (!st_xml_at(&r, depth, name)) {
			/* Nothing else deeper than a record matters. */
			skip = xmlTextReaderNodeType(r.reader) == XML_READER_TYPE_ELEMENT &&
			       xmlTextReaderDepth(r.reader) >= depth;
			continue;
		}
		n = st_xml_expand(&r, err);
		if (n == NULL) {
			rc = err->code;
			break;
		}
		rc = fn(ctx, source, n, index++, err);
		if (rc < 0)
			break;
		skip = true;
	}
	st_xml_close(&r);
	return rc < 0 ? rc : 0;
}

int st_import_updateinfo(struct st_import_ctx *ctx, struct st_slice text,
			 struct strata_error *err)
{
	int64_t source;
	int rc;

	rc = st_writer_source(ctx->writer, ST_SOURCE_AMAZON_UPDATEINFO, &source, err);
	if (rc < 0)
		return rc;
	return for_each_element(ctx, text, 1, "update", source, import_update, err);
}

/* RSS ------------------------------------------------------------------- */

/* Splits an item title "ALAS-2023-126 (important): device-mapper-multipath"
 * into its id and severity word. */
static bool parse_title(struct st_xml_strings *s, const char *title, const char **id,
			const char **word)
{
	const char *open;
	const char *close;

	if (title == NULL)
		return false;
	open = strstr(title, " (");
	close = open ? strstr(open, "):") : NULL;
	if (open == NULL || close == NULL)
		return false;
	*id = st_arena_strndup(&s->arena, title, (size_t)(open - title));
	*word = st_arena_strndup(&s->arena, open + 2, (size_t)(close - open - 2));
	if (*id == NULL || *word == NULL) {
		s->oom = true;
		return false;
	}
	return is_token(*id);
}

/* The Amazon Linux 2023 feed titles its items "ALAS-2023-126", while the
 * advisory page and updateinfo.xml call it "ALAS2023-2023-126". Returns
 * the updateinfo form when LINK is an AL2023 page, else NULL. */
static const char *al2023_name(struct st_xml_strings *s, const char *id, const char *link)
{
	const char *name;

	if (link == NULL || strstr(link, "/AL2023/") == NULL || strncmp(id, "ALAS-", 5) != 0)
		return NULL;
	name = st_arena_printf(&s->arena, "ALAS2023-%s", id + 5);
	if (name == NULL)
		s->oom = true;
	return name;
}

static int write_item(struct record *r, xmlNode *item, const char *id, const char *word,
		      struct strata_error *err)
{
	struct st_xml_strings *s = &r->strings;
	struct st_vuln_record rec = {0};
	const char *description = st_xml_text(s, st_xml_child(item, "description"));
	const char *link = st_xml_text(s, st_xml_child(item, "link"));
	const char *name = al2023_name(s, id, link);
	const char *p;
	const char *cve;
	bool created = false;
	int64_t vuln;
	int rc;

	rec.name = name ? name : id;
	rec.summary = st_xml_text(s, st_xml_child(item, "title"));
	rec.published = st_xml_text(s, st_xml_child(item, "pubDate"));
	rec.severity = st_xml_vendor_severity(word);
	rec.severity_source = "amazon";
	if (s->oom)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	rc = st_writer_vuln(r->ctx->writer, r->source, &rec, true, &vuln, &created, err);
	if (rc < 0)
		return rc;
	if (created)
		r->ctx->stats->records++;
	if (name != NULL)
		rc = st_writer_alias(r->ctx->writer, vuln, "alias", id, err);
	if (rc == 0 && st_feed_name_ok(link))
		rc = st_writer_reference(r->ctx->writer, vuln, "ADVISORY", link, err);
	for (p = description ? strstr(description, "CVE-") : NULL; rc == 0 && p != NULL;
	     p = strstr(p + 4, "CVE-")) {
		cve = st_xml_find_cve(s, p);
		if (cve != NULL && strncmp(cve, p, strlen(cve)) == 0)
			rc = st_writer_alias(r->ctx->writer, vuln, "alias", cve, err);
	}
	if (rc == 0 && s->oom)
		rc = st_error_set(err, STRATA_ENOMEM, "out of memory");
	return rc;
}

static int import_item(struct st_import_ctx *ctx, int64_t source, xmlNode *item,
		       size_t index, struct strata_error *err)
{
	struct record r;
	const char *id = NULL;
	const char *word = NULL;
	int rc;

	record_init(&r, ctx, source);
	if (!parse_title(&r.strings, st_xml_text(&r.strings, st_xml_child(item, "title")), &id,
			 &word)) {
		rc = r.strings.oom ? st_error_set(err, STRATA_ENOMEM, "out of memory") : 0;
		if (rc == 0) {
			st_diag(ctx->diag, ST_DIAG_WARN,
				"%s: item #%zu has no title \"ID (severity): package\"; skipped",
				ctx->name, index);
			ctx->stats->skipped++;
		}
		goto out;
	}
	rc = st_writer_savepoint(ctx->writer, err);
	if (rc == 0)
		rc = write_item(&r, item, id, word, err);
	if (rc == 0)
		rc = st_writer_release(ctx->writer, err);

out:
	record_dispose(&r);
	return rc;
}

int st_import_alas_rss(struct st_import_ctx *ctx, struct st_slice text, struct strata_error *err)
{
	int64_t source;
	int rc;

	rc = st_writer_source(ctx->writer, ST_SOURCE_AMAZON_RSS, &source, err);
	if (rc < 0)
		return rc;
	/* <rss><channel><item> */
	return for_each_element(ctx, text, 2, "item", source, import_item, err);
}
