/* Package list of the secdb format shared by Alpine, Wolfi and Chainguard:
 *
 *   "packages": [ { "pkg": { "name": "<origin package>",
 *       "secfixes": { "<fixed version>": [ "CVE-2019-1234",
 *                                          "CVE-2019-5678 XSA-123" ] }
 *   } } ]
 *
 * Each id listed under a version is fixed in that version of the origin
 * (source) package. Version "0" means the release was never affected, so
 * it is stored as not affected and never matches. An item may carry
 * further ids after the first, separated by spaces: they are stored as
 * aliases. Each id becomes one advisory of the caller's source with an
 * affected row (ecosystem "apk", the caller's distro, the origin, status
 * fixed or not-affected). */
#include <jansson.h>
#include <string.h>

#include "vuln/vuln_internal.h"

/* A package entry that cannot be read: the reason goes into WHY and the
 * entry is skipped. */
#define MALFORMED 1

/* Splits ITEM ("CVE-2019-1234 XSA-123") at spaces into the ids it lists,
 * in SCRATCH. Sets *IDS to the first and *COUNT to their number. */
static int split_ids(const char *item, struct st_buf *scratch, const char **ids,
		     size_t *count, struct strata_error *err)
{
	char *p;
	int rc;

	scratch->len = 0;
	rc = st_buf_append(scratch, item, strlen(item) + 1, err);
	if (rc < 0)
		return rc;
	*count = 0;
	*ids = NULL;
	p = scratch->ptr;
	while (*p != '\0') {
		if (*p == ' ') {
			*p++ = '\0';
			continue;
		}
		if (*count == 0)
			*ids = p;
		(*count)++;
		while (*p != '\0' && *p != ' ')
			p++;
	}
	return 0;
}

/* Writes one id of ITEM (and its aliases) as fixed in VERSION of PACKAGE. */
static int write_fix(struct st_import_ctx *ctx, int64_t source, const char *distro,
		     const char *package, const char *version, const char *item,
		     struct st_buf *scratch, uint64_t *created_count, struct strata_error *why,
		     struct strata_error *err)
{
	struct st_vuln_record rec = {0};
	struct st_affected_record a = {0};
	const char *id;
	size_t count;
	size_t i;
	bool created = false;
	int64_t vuln;
	int rc;

	if (!st_feed_name_ok(item))
		return st_error_set(why, MALFORMED, "version %s: an id is empty, too long or has "
				    "control characters", version);
	rc = split_ids(item, scratch, &id, &count, err);
	if (rc < 0)
		return rc;
	if (count == 0)
		return st_error_set(why, MALFORMED, "version %s: an id is blank", version);

	rec.name = id;
	rec.severity = ST_SEVERITY_UNKNOWN;
	/* Merging: one CVE is often fixed in several packages and releases.
	 * NOTE: a later import that lists the same id replaces the record and
	 * its rows from every release of that source, so import the secdb
	 * files of all releases in use in one st_db_import call. */
	rc = st_writer_vuln(ctx->writer, source, &rec, true, &vuln, &created, err);
	if (rc < 0)
		return rc;
	if (created)
		(*created_count)++;
	/* The ids after the first follow it in SCRATCH, NUL-separated. */
	for (i = 1; i < count; i++) {
		id += strlen(id) + 1;
		while (*id == '\0')
			id++;
		rc = st_writer_alias(ctx->writer, vuln, "alias", id, err);
		if (rc < 0)
			return rc;
	}

	a.ecosystem = "apk";
	a.distro = distro;
	a.package = package;
	a.status = strcmp(version, "0") == 0 ? ST_STATUS_NOT_AFFECTED : ST_STATUS_FIXED;
	a.fixed_version = a.status == ST_STATUS_FIXED ? version : NULL;
	a.severity = -1;
	return st_writer_affected(ctx->writer, vuln, &a, NULL, err);
}

/* Writes the secfixes of one package. Returns MALFORMED with WHY set for
 * a package to skip. */
static int write_package(struct st_import_ctx *ctx, int64_t source, const char *distro,
			 const char *package, json_t *secfixes, struct st_buf *scratch,
			 uint64_t *created, struct strata_error *why, struct strata_error *err)
{
	const char *version;
	const json_t *items;
	const json_t *item;
	const char *text;
	size_t i;
	int rc;

	if (!json_is_object(secfixes))
		return st_error_set(why, MALFORMED, "secfixes is not an object");
	json_object_foreach(secfixes, version, items) {
		if (!st_feed_name_ok(version) || strchr(version, ' ') != NULL)
			return st_error_set(why, MALFORMED, "a version is empty, too long or has "
					    "spaces or control characters");
		if (!json_is_array(items))
			return st_error_set(why, MALFORMED, "version %s: not an array of ids",
					    version);
		json_array_foreach(items, i, item) {
			if (st_json_value_string(item, &text) != 1)
				return st_error_set(why, MALFORMED,
						    "version %s: item %zu is not a string", version,
						    i);
			rc = write_fix(ctx, source, distro, package, version, text, scratch,
				       created, why, err);
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

/* Imports packages[INDEX] inside a savepoint, so that a malformed entry
 * leaves nothing behind. */
static int import_package(struct st_import_ctx *ctx, int64_t source, const char *distro,
			  size_t index, const json_t *entry, struct st_buf *scratch,
			  struct strata_error *err)
{
	struct strata_error why = {0};
	const json_t *pkg = json_object_get(entry, "pkg");
	const char *name = NULL;
	uint64_t created = 0;
	int rc;

	if (!json_is_object(pkg) || st_json_member_string(pkg, "name", &name) != 1 ||
	    !st_feed_name_ok(name)) {
		st_diag(ctx->diag, ST_DIAG_WARN,
			"%s: packages[%zu] has no pkg object with a valid name; skipped",
			ctx->name, index);
		ctx->stats->skipped++;
		return 0;
	}

	rc = st_writer_savepoint(ctx->writer, err);
	if (rc < 0)
		return rc;
	rc = write_package(ctx, source, distro, name, json_object_get(pkg, "secfixes"),
			   scratch, &created, &why, err);
	if (rc < 0)
		return rc;
	if (rc == MALFORMED) {
		st_diag(ctx->diag, ST_DIAG_WARN, "%s: package %s: %s; skipped", ctx->name, name,
			why.msg);
		ctx->stats->skipped++;
		return st_writer_rollback_record(ctx->writer, err);
	}
	rc = st_writer_release(ctx->writer, err);
	if (rc == 0)
		ctx->stats->records += created;
	return rc;
}

int st_secdb_import_packages(struct st_import_ctx *ctx, const char *source_name,
			     const char *distro, const struct json_t *packages,
			     struct strata_error *err)
{
	const json_t *entry;
	struct st_buf scratch;
	int64_t source;
	size_t i;
	int rc;

	rc = st_writer_source(ctx->writer, source_name, &source, err);
	if (rc < 0)
		return rc;
	st_buf_init(&scratch, ST_FEED_NAME_MAX + 1);
	json_array_foreach(packages, i, entry) {
		rc = import_package(ctx, source, distro, i, entry, &scratch, err);
		if (rc < 0)
			break;
	}
	st_buf_dispose(&scratch);
	return rc;
}
